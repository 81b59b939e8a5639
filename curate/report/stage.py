"""The `report` step: the quality report of the working tree's published version, written as
reports/quality.{md,html,json}, reports/quality_metrics.json and the DVC plot data.

The report dict comes from `curate.report.build.build_report`; its one model of sections is
`curate.report.quality_doc`, written by the generic renderers of curate/render/. The statistics
come from per-shard summaries cached under `run.cache_dir` (curate/report/summary.py), so a
build that adds a few shards reads only those.
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson

from curate.dataset.versions import WorkTree, errors_as
from curate.engine.io import write_atomic
from curate.engine.step import StageStep
from curate.params import load_params
from curate.render import to_html, to_md
from curate.report.build import build_report
from curate.report.quality import QualityError
from curate.report.quality_doc import quality_document
from curate.report.summary import FOLDER, SummaryCache
from curate.steps import BY_NAME

# -------------------------------------------------------------------------------------- outputs

FORMATS = ("md", "html", "json")
PLOTS_DIR = Path("reports/plots")
QUALITY_METRICS = Path("reports/quality_metrics.json")


def _dumps(obj) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def render_markdown(report: dict) -> str:
    """The quality report as Markdown (its model: curate.report.quality_doc)."""
    return to_md.render(quality_document(report))


def render_html(report: dict) -> str:
    """The quality report as one self-contained HTML page."""
    return to_html.render(quality_document(report))


def render(report: dict, fmt: str) -> bytes:
    if fmt == "json":
        return _dumps(report)
    if fmt == "md":
        return render_markdown(report).encode("utf-8")
    if fmt == "html":
        return render_html(report).encode("utf-8")
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


def summary_cache(root: Path, params=None) -> SummaryCache | None:
    """The report's summary cache under `run.cache_dir` (params.yaml's when `params` is None);
    None when it is off (null) or params.yaml cannot be read: the report is then one pass."""
    if params is None:
        try:
            params = load_params(root / "params.yaml")
        except Exception:  # noqa: BLE001 - a cache only saves time; the report reads params itself
            return None
    return SummaryCache(root / params.run.cache_dir / FOLDER) if params.run.cache_dir else None


@errors_as(QualityError)
def run_report(root: Path, params=None) -> dict:
    """The `report` stage: quality.{md,html,json}, quality_metrics.json and plot data."""
    report = build_report(WorkTree(root), summary_cache(root, params))
    for fmt in FORMATS:
        write_atomic(output_path(root, fmt, None), render(report, fmt))
    write_atomic(root / QUALITY_METRICS, _dumps(report["metrics"]))
    for name, rows in plot_data(report).items():
        write_atomic(root / PLOTS_DIR / name, _dumps(rows))
    return report


# the `report` step as an object (it reads the published version, so no window or cache)
STEP = StageStep(BY_NAME["report"], run_report)
