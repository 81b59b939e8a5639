"""What a dataset card says, gathered once: the release itself (`ReleaseInfo`) and the facts of
the corpus on disk (`CorpusFacts`: counts, languages, years, formats, flags, missing values,
shards, `reports/metrics.json`), streamed from the accepted shards without reading the texts."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
import orjson

from curate.engine.io import sha256_file
from curate.report.quality import MISSING_FIELDS
from curate.layout import METRICS, rejected_paths, shard_paths
from curate.params import NULL_FIELDS
from curate.record import Record, is_missing, view
from curate.validate.corpus_rules import EXEMPT, missing_fields

SIZE_CATEGORIES = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                   (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"),
                   (1_000_000_000, "100M<n<1B"), (10**10, "1B<n<10B"), (10**11, "10B<n<100B"),
                   (10**12, "100B<n<1T")]


def size_category(n: int) -> str:
    """Hugging Face `size_categories` value for n records."""
    for limit, name in SIZE_CATEGORIES:
        if n < limit:
            return name
    return "n>1T"


@dataclass
class ReleaseInfo:
    """What the card and the Croissant file say about the release itself."""

    version: str                 # the git tag, e.g. v1.2
    date: str                    # YYYY-MM-DD (datePublished)
    url: str                     # where the repository lives (dvc get/import take it)
    license: str = "other"
    name: str = "News corpus"
    creator: str = ""
    creator_type: str = "Person"  # Person or Organization (schema.org)
    curated_dir: str = "corpus/curated"
    remote: str | None = None     # default DVC remote name
    local_remote: bool = False    # released with --allow-local-remote: other folders cannot reach it


# ------------------------------------------------------------------------------- corpus facts


# what the card reads of a record (types from curate/record.py; the text is skipped)
FactsView = view(Record, [
    "id", ("source", ["format"]), "date", "language", ("entities", ["label"]), "flags",
    ("stats", ["words"]), ("provenance", ["model", "model_version", "toolkit"]), "title", "dateline",
    "authors", "credits", "url", "published_at", "publisher",
], "FactsView")
_VIEWED = frozenset(FactsView.__struct_fields__)


@dataclass
class CorpusFacts:
    records: int = 0
    words: int = 0
    languages: Counter = field(default_factory=Counter)
    years: Counter = field(default_factory=Counter)
    formats: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    publishers: Counter = field(default_factory=Counter)  # names only: URLs and JSON-LD @ids left out
    models: Counter = field(default_factory=Counter)
    toolkits: Counter = field(default_factory=Counter)
    missing: Counter = field(default_factory=Counter)
    not_applicable: Counter = field(default_factory=Counter)  # null-rate fields a record's format never carries
    first_date: str | None = None
    last_date: str | None = None
    shards: list[dict] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    # sha256 of each split's data files (`data_digest`): the card's configs carry it, so that
    # `datasets`, which keys its cache on the card and not on the files, never serves another
    # version's records from a folder of the same name
    split_sha256: dict[str, str] = field(default_factory=dict)
    rejected_files: int = 0  # files in rejected/: none when every input was accepted


def data_digest(files: list[Path]) -> str:
    """sha256 over the names and sha256 of `files` (one split's shards), in their order."""
    outer = hashlib.sha256()
    for path in files:
        outer.update(f"{path.name} {sha256_file(path)}\n".encode())
    return outer.hexdigest()


def corpus_facts(root: Path, curated: str = "corpus/curated") -> CorpusFacts:
    """Stream the accepted shards once and gather what the card reports."""
    from curate.readers.html_meta import is_name  # lazy: lxml costly to load; the one rule of what names a publisher

    facts = CorpusFacts()
    dec = msgspec.json.Decoder(FactsView)
    cdir = root / curated
    for shard in shard_paths(cdir):
        with open(shard, "rb") as fh:
            for line in fh:
                if not line.strip():
                    continue
                r = dec.decode(line)
                facts.records += 1
                facts.words += r.stats.words
                facts.languages[r.language or "unknown"] += 1
                facts.formats[r.source.format] += 1
                facts.flags.update(r.flags)
                facts.labels.update(e.label for e in r.entities)
                if is_name(r.publisher):
                    facts.publishers[r.publisher] += 1
                if r.provenance.model:
                    facts.models[f"{r.provenance.model} {r.provenance.model_version or ''}".strip()] += 1
                if r.provenance.toolkit:
                    facts.toolkits[r.provenance.toolkit] += 1
                ruled = missing_fields(r)  # the null-rate fields by the corpus rules' own rule
                facts.missing.update(f for f in MISSING_FIELDS if f in _VIEWED
                                     and (f in ruled if f in NULL_FIELDS else is_missing(r, f)))
                facts.not_applicable.update(f[1:] for f in ruled if f.startswith(EXEMPT))
                if r.date:
                    facts.years[r.date[:4]] += 1
                    facts.first_date = min(facts.first_date or r.date, r.date)
                    facts.last_date = max(facts.last_date or r.date, r.date)
        facts.shards.append({"path": f"articles/{shard.name}", "bytes": shard.stat().st_size})
    manifest = cdir / "manifest.json"
    if manifest.exists():
        counts = {s["path"]: s.get("records") for s in orjson.loads(manifest.read_bytes()).get("shards", [])}
        for s in facts.shards:
            s["records"] = counts.get(s["path"])
    facts.split_sha256 = {"articles": data_digest(shard_paths(cdir)), "rejected": data_digest(rejected_paths(cdir))}
    facts.rejected_files = len(rejected_paths(cdir))
    metrics = root / METRICS
    facts.metrics = orjson.loads(metrics.read_bytes()) if metrics.exists() else {}
    return facts


def languages_of(facts: CorpusFacts) -> list[str]:
    """ISO 639 codes by share, most frequent first (unknown and `und`, undetermined, left out)."""
    return [code for code, _ in sorted(facts.languages.items(), key=lambda kv: (-kv[1], kv[0]))
            if code not in ("unknown", "und")]


