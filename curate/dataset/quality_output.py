"""A version's quality report: reading it, the `report` stage's files and `curate quality`.

- `build_report(version)`: stream a version (`curate.dataset.versions`) into a report and check its
  counts against the version's `reports/metrics.json` and manifest (section `consistency`).
- `run_report(root, params)`: the `report` DVC stage (every report file + plot data + metrics).
- `quality_command(...)`: `curate quality`. The working tree's reports go to `reports/`; other
  revisions' to `reports/revs/`, a folder that ignores itself in git (its own `.gitignore`), so
  a report of an old version never makes the workspace dirty (`curate release` refuses that).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec
import orjson

from curate.dataset.quality import QualityAccumulator, QualityError
from curate.dataset.quality_rules import RULE_PATTERN, Rule, RuleError, broken_rules, flat_metrics, known_metrics, parse_rule
from curate.dataset.versions import Version, VersionError, WorkTree, curated_dir, errors_as, iter_lines_at, open_version
from curate.layout import METRICS
from curate.record import Record, Rejected, view
from curate.engine.io import write_atomic
from curate.engine.step import StageStep
from curate.render import quality_html as report_render
from curate.render.quality_html import visible
from curate.steps import BY_NAME

__all__ = ["QualityError", "RuleError", "Rule", "build_report", "run_report", "quality_command", "render",
           "broken_rules", "parse_rule", "known_metrics"]


# what the report reads of a record (the text only for the sample articles' first lines); types from curate/record.py
_REPORT_FIELDS = [
    "id", ("source", ["path", "format", "line"]), "url", "title", "date", "published_at",
    "dateline", "authors", "credits", "tickers", "text", ("entities", ["text", "label"]), "labels", "language",
    ("stats", ["chars", "words"]), "flags",
]
RecordView = view(Record, _REPORT_FIELDS, "RecordView")
RejectedView = view(Rejected, [*_REPORT_FIELDS, "reason", "detail", "stage", "duplicate_of"], "RejectedView")


def iter_version(version: Version, curated: str) -> tuple[Iterator[RecordView], Iterator[RejectedView]]:
    """Accepted records (shard by shard) and rejected records (file by file) of a version."""
    arts = version.list_shards(f"{curated}/articles")
    try:
        rejs = version.list_jsonl(f"{curated}/rejected")
    except VersionError:
        rejs = []
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
def build_report(version: Version) -> dict:
    """Stream one version into its report, with the consistency check against its metrics."""
    curated = curated_dir(version)
    records, rejected = iter_version(version, curated)
    report = accumulate(records, rejected).report()
    metrics = _load_json(version, METRICS.as_posix())
    manifest = _load_json(version, f"{curated}/manifest.json")
    report["version"] = {"label": version.label, "rev": version.rev, "curated_dir": curated}
    report["skipped"] = skipped(metrics)
    report["consistency"] = consistency(report, metrics, manifest)
    report["metrics"] = flat_metrics(report)
    return report


# -------------------------------------------------------------------------------------- metrics


# -------------------------------------------------------------------------------------- outputs

FORMATS = ("md", "html", "json")
PLOTS_DIR = Path("reports/plots")
QUALITY_METRICS = Path("reports/quality_metrics.json")


def _dumps(obj) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def render(report: dict, fmt: str) -> bytes:
    if fmt == "json":
        return _dumps(report)
    if fmt == "md":
        return report_render.render_markdown(report).encode("utf-8")
    if fmt == "html":
        return report_render.render_html(report).encode("utf-8")
    raise QualityError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def plot_data(report: dict) -> dict[str, list[dict]]:
    """DVC plot files (x/y fields declared in dvc.yaml)."""
    return {
        "articles_per_month.json": report["coverage"]["articles_per_month"],
        "length_hist.json": [{"bin": h["bin"], "lower": h["lower"], "articles": h["articles"]}
                             for h in report["length"]["histogram"]],
        "entity_labels.json": [{"label": x["label"], "mentions": x["mentions"], "articles": x["articles"]}
                               for x in report["entities"]["labels"]],
    }


REVS_DIR = Path("reports/revs")


def output_path(root: Path, fmt: str, rev: str | None) -> Path:
    """reports/quality.FMT for the working tree; reports/revs/quality-REV.FMT for a revision."""
    if rev is None:
        return root / "reports" / f"quality.{fmt}"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", rev).strip("._") or "rev"
    return root / REVS_DIR / f"quality-{safe}.{fmt}"


def _ignore_revs_dir(root: Path) -> None:
    """reports/revs/ ignores itself in git, whatever the project's own .gitignore says."""
    marker = root / REVS_DIR / ".gitignore"
    if not marker.exists():
        write_atomic(marker, b"# reports of other revisions (curate quality --rev): never committed\n*\n")


@errors_as(QualityError)
def run_report(root: Path, params=None) -> dict:
    """The `report` stage: quality.{md,html,json}, quality_metrics.json and plot data."""
    report = build_report(WorkTree(root))
    for fmt in FORMATS:
        write_atomic(output_path(root, fmt, None), render(report, fmt))
    write_atomic(root / QUALITY_METRICS, _dumps(report["metrics"]))
    for name, rows in plot_data(report).items():
        write_atomic(root / PLOTS_DIR / name, _dumps(rows))
    return report


# the `report` step as an object (it reads the published version, so no window or cache)
STEP = StageStep(BY_NAME["report"], run_report)


# ------------------------------------------------------------------------------------ `quality`

SUMMARY_METRICS = ("inputs", "accepted", "rejected", "rejected_rate", "duplicate_rate", "near_duplicate_rate",
                   "story_version_rate", "months", "gap_months", "words_p50", "words_p99", "length_outliers",
                   "missing_title_rate", "missing_dateline_rate", "missing_credits_rate", "non_english_rate",
                   "flag_truncated_rate", "flag_markup_left_rate", "flag_very_short_rate", "consistency_ok")


def _parse_rules(rules: list[str]) -> list[str]:
    """Fail fast on a rule that cannot parse or names an unknown fixed metric; names a version's
    data may add (flags, reasons) wait for the report."""
    fixed = known_metrics()
    for text in rules:
        m = RULE_PATTERN.match(text)
        if not m or not (m.group(1) in fixed or m.group(1).startswith(("flag_", "rejected_"))
                         or m.group(1).endswith("_rate")):
            parse_rule(text, fixed)
    return list(rules)


@errors_as(QualityError)
def quality_command(root: Path, rev: str | None, fmt: str, rules: list[str], output: Path | None = None):
    """What `curate quality` does; returns (exit code, a function printing the result).

    md and html (and json with `output`) are written to a file and a summary table printed;
    json without `output` is printed whole on stdout, the rule results on stderr."""
    if fmt not in FORMATS:
        raise QualityError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    texts = _parse_rules(rules)
    report = build_report(open_version(Path(root), rev))
    parsed = [parse_rule(t, known_metrics(report)) for t in texts]
    broken = broken_rules(parsed, report["metrics"])
    body = render(report, fmt)
    if fmt == "json" and output is None:
        def print_json() -> None:
            import sys

            sys.stdout.buffer.write(body)
            sys.stdout.flush()
            print_rules(report, parsed, broken, stderr=True)

        return (1 if broken else 0), print_json
    out = output if output is not None else output_path(Path(root), fmt, rev)
    if output is None and rev is not None:
        _ignore_revs_dir(Path(root))
    try:
        write_atomic(out, body)
    except OSError as exc:
        raise QualityError(f"cannot write {out}: {exc}") from exc

    def summary() -> None:
        print_summary(report, out, parsed, broken)

    return (1 if broken else 0), summary


def print_summary(report: dict, out: Path, rules: list[Rule], broken: list[tuple[Rule, float]]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    m = report["metrics"]
    table = Table(title=f"Quality: {escape(visible(report['version']['label']))}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name in SUMMARY_METRICS:
        v = m.get(name, 0)
        table.add_row(name, f"{v:.4f}" if isinstance(v, float) else f"{v:,}")
    table.add_section()
    for row in report["rejected"]:
        table.add_row(escape(visible(f"rejected: {row['reason']}")), f"{row['count']:,}")
    console.print(table)
    cov = report["consistency"]
    if cov["ok"] is False:
        bad = [ch["check"] for ch in cov["checks"] if not ch["ok"]]
        console.print(f"[red]counts differ from the recorded metrics/manifest: {escape(', '.join(bad))}[/red]")
    console.print(f"wrote {escape(str(out))}")
    print_rules(report, rules, broken)


def print_rules(report: dict, rules: list[Rule], broken: list[tuple[Rule, float]], stderr: bool = False) -> None:
    """One line per --fail-on rule: FAIL or ok, with the metric's value."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=True, stderr=stderr)
    broken_set = {r for r, _ in broken}
    for r in rules:
        v = report["metrics"][r.metric]
        if r in broken_set:
            console.print(f"[red]FAIL[/red] {escape(str(r))} (value {v})")
        else:
            console.print(f"ok   {escape(str(r))} (value {v})")
