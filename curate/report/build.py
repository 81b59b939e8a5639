"""Reading a dataset version into its quality report (the JSON-ready dict).

- `build_report(version, cache=None)`: stream a version (`curate.dataset.versions`) into a report
  (`curate.report.quality.QualityAccumulator`) and check its counts against the version's
  `reports/metrics.json` and manifest (section `consistency`). With a `SummaryCache`
  (curate/report/summary.py) the working tree is read file by file and only the files whose
  summary is not cached are read: the same report, at the cost of the new shards.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import msgspec
import orjson

from curate.dataset.versions import Version, VersionError, WorkTree, curated_dir, errors_as, iter_lines_at
from curate.layout import METRICS
from curate.record import Record, Rejected, view
from curate.report.quality import QualityAccumulator, QualityError
from curate.report.rules import flat_metrics
from curate.report.summary import SummaryCache, groups, merged


# what the report reads of a record (the text only for the sample articles' first lines); types from curate/record.py
_REPORT_FIELDS = [
    "id", ("source", ["path", "format", "line"]), "url", "title", "date", "published_at",
    "dateline", "authors", "credits", "tickers", "text", ("entities", ["text", "label"]), "labels", "language",
    ("stats", ["chars", "words"]), "flags",
]
RecordView = view(Record, _REPORT_FIELDS, "RecordView")
RejectedView = view(Rejected, [*_REPORT_FIELDS, "reason", "detail", "stage", "duplicate_of"], "RejectedView")


def version_files(version: Version, curated: str) -> tuple[list[str], list[str]]:
    """(the accepted-record shards, the rejected files) of a version, in reading order."""
    arts = version.list_shards(f"{curated}/articles")
    try:
        rejs = version.list_jsonl(f"{curated}/rejected")
    except VersionError:
        rejs = []
    return arts, rejs


def iter_version(version: Version, curated: str) -> tuple[Iterator[RecordView], Iterator[RejectedView]]:
    """Accepted records (shard by shard) and rejected records (file by file) of a version."""
    arts, rejs = version_files(version, curated)
    rdec = msgspec.json.Decoder(RecordView)
    jdec = msgspec.json.Decoder(RejectedView)

    def records() -> Iterator[RecordView]:
        for _, _, line in iter_lines_at(version, arts):
            yield rdec.decode(line)

    def rejected() -> Iterator[RejectedView]:
        for _, _, line in iter_lines_at(version, rejs):
            yield jdec.decode(line)

    return records(), rejected()


def accumulate(records: Iterable, rejected: Iterable) -> QualityAccumulator:
    acc = QualityAccumulator()
    for r in records:
        acc.add(r)
    for r in rejected:
        acc.add_rejected(r)
    return acc


def summarize(version: Version, path: str, kind: str) -> QualityAccumulator:
    """The accumulator of one file: an accepted-record shard (`records`) or a rejected file."""
    acc = QualityAccumulator()
    if kind == "records":
        dec = msgspec.json.Decoder(RecordView)
        for _, _, line in iter_lines_at(version, [path]):
            acc.add(dec.decode(line))
    else:
        dec = msgspec.json.Decoder(RejectedView)
        for _, _, line in iter_lines_at(version, [path]):
            acc.add_rejected(dec.decode(line))
    return acc


def accumulate_cached(version: WorkTree, curated: str, cache: SummaryCache) -> QualityAccumulator:
    """The working tree's accumulator from cached summaries of groups of files (summary.groups)
    and of single files, a file read only when neither is cached; merged in the order of one
    pass, so the same as `accumulate` over every record."""
    arts, rejs = version_files(version, curated)
    files = []
    for kind, paths in (("records", arts), ("rejected", rejs)):
        for rel in paths:
            try:
                files.append((kind, rel, cache.file_sha(version.root / rel, rel)))
            except OSError as exc:
                raise VersionError(f"{version.label}: reading {rel} failed: {exc}") from exc

    def one(kind: str, rel: str, sha: str) -> QualityAccumulator:
        acc = cache.get(kind, sha)
        if acc is None:
            acc = summarize(version, rel, kind)
            cache.read += 1
            cache.put(kind, sha, acc)
        return acc

    def summaries():
        for group in groups(files):
            key = cache.group_key(group)
            acc = cache.get("group", key)
            if acc is None:
                acc = merged(one(*f) for f in group)
                cache.put("group", key, acc)
            else:
                for kind, _, sha in group:
                    cache.mark(kind, sha)
            yield acc

    acc = merged(summaries())
    cache.close()
    return acc


def consistency(report: dict, metrics: dict | None, manifest: dict | None) -> dict:
    """The report's counts (from the records on disk) against metrics.json and the manifest."""
    c = report["counts"]
    checks = []

    def check(name: str, ours, theirs) -> None:
        checks.append({"check": name, "report": ours, "recorded": theirs, "ok": ours == theirs})

    if metrics is not None:
        check("metrics.accepted", c["accepted"], metrics.get("accepted"))
        check("metrics.rejected", c["rejected"], metrics.get("rejected"))
        check("metrics.inputs", c["inputs"], metrics.get("inputs"))
        check("metrics.rejected_by_reason", c["rejected_by_reason"], metrics.get("rejected_by_reason"))
    if manifest is not None:
        check("manifest.records", c["accepted"], manifest.get("records"))
        check("manifest.rejected", c["rejected_by_reason"], manifest.get("rejected"))
    return {"ok": all(ch["ok"] for ch in checks) if checks else None,
            "metrics_file": metrics is not None, "manifest_file": manifest is not None, "checks": checks}


def skipped(metrics: dict | None) -> dict:
    """The items that are no article and no input (WARC requests, revisits, non-HTML or non-2xx
    responses), by kind, as reports/metrics.json records them (never on disk as records)."""
    by_kind = (metrics or {}).get("skipped_by_kind") or {}
    by_kind = {str(k): int(v) for k, v in sorted(by_kind.items())} if isinstance(by_kind, dict) else {}
    total = (metrics or {}).get("skipped", sum(by_kind.values()))
    return {"total": total if isinstance(total, int) else sum(by_kind.values()), "by_kind": by_kind}


def _load_json(version: Version, relpath: str) -> dict | None:
    raw = version.read_small(relpath)
    if raw is None:
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


@errors_as(QualityError)
def build_report(version: Version, cache: SummaryCache | None = None) -> dict:
    """Stream one version into its report, with the consistency check against its metrics;
    the working tree through `cache` when one is given (the same report)."""
    curated = curated_dir(version)
    if cache is not None and isinstance(version, WorkTree):
        acc = accumulate_cached(version, curated, cache)
    else:
        acc = accumulate(*iter_version(version, curated))
    report = acc.report()
    metrics = _load_json(version, METRICS.as_posix())
    manifest = _load_json(version, f"{curated}/manifest.json")
    report["version"] = {"label": version.label, "rev": version.rev, "curated_dir": curated}
    report["skipped"] = skipped(metrics)
    report["consistency"] = consistency(report, metrics, manifest)
    report["metrics"] = flat_metrics(report)
    return report
