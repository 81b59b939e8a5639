"""`curate quality` and `curate diff`: a report of any version (or two), written to a file or
printed, with a summary on the terminal.

The working tree's quality reports go to `reports/`; other revisions' to `reports/revs/`, a folder
that ignores itself in git (its own `.gitignore`), so a report of an old version never makes the
workspace dirty (`curate release` refuses that).
"""

from __future__ import annotations

from pathlib import Path

from curate.dataset.diff import DiffError, diff_versions
from curate.dataset.versions import errors_as, open_version
from curate.engine.io import write_atomic
from curate.render.text import visible
from curate.report.build import build_report
from curate.report.diff_doc import FORMATS as DIFF_FORMATS
from curate.report.diff_doc import render as render_diff
from curate.report.diff_doc import render_text as render_diff_text
from curate.report.quality import QualityError
from curate.report.rules import RULE_PATTERN, Rule, RuleError, broken_rules, known_metrics, parse_rule
from curate.report.stage import FORMATS, REVS_DIR, output_path, render

__all__ = ["DiffError", "QualityError", "RuleError", "quality_command", "print_summary", "print_rules", "run_diff"]


def _ignore_revs_dir(root: Path) -> None:
    """reports/revs/ ignores itself in git, whatever the project's own .gitignore says."""
    marker = root / REVS_DIR / ".gitignore"
    if not marker.exists():
        write_atomic(marker, b"# reports of other revisions (curate quality --rev): never committed\n*\n")


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


# ------------------------------------------------------------------------------------ `diff`


def run_diff(root: Path, a: str, b: str | None = None, fields: list[str] | None = None, limit: int = 10,
             fmt: str = "text", output: Path | None = None) -> tuple[int, str]:
    """What the CLI does: (exit code, text to print). 0 identical, 1 differ; DiffError -> caller (2)."""
    if fmt not in DIFF_FORMATS:
        raise DiffError(f"unknown format '{fmt}' (one of {', '.join(DIFF_FORMATS)})")
    report = diff_versions(root, a, b, fields, limit)
    body = render_diff(report, fmt)
    code = 0 if report["identical"] else 1
    if output is None:
        return code, body

    try:
        write_atomic(output, body)
    except OSError as exc:
        raise DiffError(f"cannot write {output}: {exc}") from exc
    return code, render_diff_text(report, brief=True) + f"report written to {output}\n"
