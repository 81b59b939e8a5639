"""The quality report shows the sources' own labels by scheme, the skipped items of multi-item
files (by kind, from reports/metrics.json) and the undated records (flag no_date)."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from tests.builders import rec, write_curated
from tests.readers.web_builders import crawl_warc

from curate.dataset.versions import WorkTree
from curate.report.build import build_report
from curate.report.quality import TOP_LABELS, QualityAccumulator
from curate.report.stage import render_html, render_markdown, run_report
from curate.params import Params, RunParams, ValidateParams
from curate.pipeline.run import run_steps
from curate.record import Label


def labelled(rid: str, *pairs: tuple[str, str]):
    r = rec(rid)
    r.labels = [Label(scheme=s, value=v) for s, v in pairs]
    return r


def report_of(*records) -> dict:
    acc = QualityAccumulator()
    for r in records:
        acc.add(r)
    return acc.report()


def test_labels_are_counted_per_scheme_once_per_record():
    rep = report_of(
        labelled("a", ("folder", "business"), ("reuters21578:topics", "grain"), ("reuters21578:topics", "wheat")),
        labelled("b", ("folder", "business"), ("folder", "business")),   # a repeated label counts once
        labelled("c", ("folder", "sport")),
        labelled("d"))
    assert rep["labels"] == {
        "labelled": 3, "unlabelled": 1, "unlabelled_rate": 0.25,
        "schemes": [
            {"scheme": "folder", "articles": 3, "rate": 0.75, "values": 2,
             "top": [{"value": "business", "articles": 2, "rate": 0.5},
                     {"value": "sport", "articles": 1, "rate": 0.25}]},
            {"scheme": "reuters21578:topics", "articles": 1, "rate": 0.25, "values": 2,
             "top": [{"value": "grain", "articles": 1, "rate": 0.25},
                     {"value": "wheat", "articles": 1, "rate": 0.25}]}]}


def test_only_the_top_values_of_a_scheme_are_listed_but_all_are_counted():
    records = [labelled(f"r{i:03d}", ("iptc", f"subject-{i % 15:02d}")) for i in range(40)]
    scheme = report_of(*records)["labels"]["schemes"][0]
    assert scheme["values"] == 15 and len(scheme["top"]) == TOP_LABELS == 10
    assert [t["value"] for t in scheme["top"][:3]] == ["subject-00", "subject-01", "subject-02"]
    assert [t["articles"] for t in scheme["top"]] == [3] * 10


def test_a_corpus_without_labels_says_so():
    rep = report_of(rec("a"), rec("b"))
    assert rep["labels"] == {"labelled": 0, "unlabelled": 2, "unlabelled_rate": 1.0, "schemes": []}
    assert "0 of 2 accepted records carry labels; 2 (100.00%) carry none." in render_markdown(rep)
    assert "No record carries labels." in render_html(rep)


def test_labels_render_escaped_in_markdown_and_html():
    rep = report_of(labelled("a", ("folder", "<b>biz</b>|x")), labelled("b", ("folder", "sport")),
                    labelled("c", ("folder", "sport")))
    md = render_markdown(rep)
    assert "## Labels" in md
    assert "| folder | 3 | 100.00% | 2 | sport (2), &lt;b&gt;biz&lt;/b&gt;\\|x (1) |" in md
    page = render_html(rep)
    assert '<h2 id="labels">Labels</h2>' in page and "<b>biz</b>" not in page
    assert "&lt;b&gt;biz&lt;/b&gt;|x" in page
    assert "<title>Records by folder label</title>" in page


def test_a_scheme_whose_values_are_each_on_one_record_gets_a_line_not_a_chart():
    rep = report_of(*(labelled(f"r{i}", ("keywords", f"tag-{i}"), ("folder", "news")) for i in range(5)))
    line = "5 values, each on one record only (e.g. tag-0, tag-1, tag-2, …); no chart."
    page = render_html(rep)
    assert f"<p><b>keywords</b>: {line}</p>" in page
    assert "<title>Records by keywords label</title>" not in page
    assert "<title>Records by folder label</title>" in page  # a value on several records: charted
    assert f"| keywords | 5 | 100.00% | 5 | {line} |" in render_markdown(rep)


def test_skipped_items_come_from_the_metrics_and_the_consistency_holds(tmp_path):
    write_curated(tmp_path, [rec("r1"), rec("r2")], [], shards=1)
    metrics = {"inputs": 2, "accepted": 2, "rejected": 0, "rejected_by_reason": {},
               "skipped": 7, "skipped_by_kind": {"request": 4, "warcinfo": 1, "non_html": 1, "status_404": 1}}
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports/metrics.json").write_text(json.dumps(metrics))
    rep = build_report(WorkTree(tmp_path))
    assert rep["skipped"] == {"total": 7, "by_kind": {"non_html": 1, "request": 4, "status_404": 1, "warcinfo": 1}}
    assert rep["counts"]["inputs"] == 2 and rep["consistency"]["ok"] is True
    assert rep["metrics"]["skipped"] == 7
    md = render_markdown(rep)
    assert "| skipped (not articles, not inputs) | 7 |" in md
    assert "| kind | items |\n|---|---|\n| non\\_html | 1 |\n| request | 4 |" in md
    page = render_html(rep)
    assert "<h3>Skipped items (7)</h3>" in page and "skipped (not articles)" in page


def test_a_version_without_skipped_items_shows_zero(tmp_path):
    write_curated(tmp_path, [rec("r1")], [], shards=1)
    rep = build_report(WorkTree(tmp_path))
    assert rep["skipped"] == {"total": 0, "by_kind": {}}
    assert "Skipped items: 0 parts" in render_markdown(rep)


# --------------------------------------------------------------------------- a built version

BODY = ("The council of Northport approved a budget for the harbour on {day}, officials said. "
        "The vote followed a long debate over freight, wages and the ferry timetable in item {i}.")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict]:
    """Undated plain texts in topic folders (labels `folder`, flag no_date) and a WARC crawl."""
    root = tmp_path_factory.mktemp("labels")
    raw = root / "corpus/raw"
    for i, topic in enumerate(["business", "business", "sport", "tech"]):
        (raw / "bbc" / topic).mkdir(parents=True, exist_ok=True)
        (raw / "bbc" / topic / f"{i:03d}.txt").write_text(
            f"Headline {i} of {topic}\n\n" + BODY.format(day=["Monday", "Tuesday", "Friday", "Sunday"][i], i=i))
    info = crawl_warc(raw / "crawls/crawl.warc.gz", pages=2)
    # web pages carry no wire dateline: their own source lifts the dateline limit
    vp = msgspec.convert({"sources": [{"glob": "crawls/**", "max_null_rate": {"dateline": 1.0}}]}, ValidateParams)
    params = msgspec.structs.replace(Params(), run=RunParams(workers=1), validate=vp)
    run_steps(root, params)
    return root, info, run_report(root, params)


def test_a_built_version_shows_its_labels_skipped_items_and_undated_records(built):
    root, info, rep = built
    assert rep["counts"]["accepted"] == 6 and rep["consistency"]["ok"] is True
    folder = next(s for s in rep["labels"]["schemes"] if s["scheme"] == "folder")
    assert (folder["articles"], folder["top"][0]) == (4, {"value": "business", "articles": 2, "rate": 0.333333})
    assert rep["skipped"] == {"total": sum(info["skipped"].values()), "by_kind": dict(sorted(info["skipped"].items()))}
    no_date = next(f for f in rep["flags"] if f["flag"] == "no_date")
    assert (no_date["count"], rep["metrics"]["flag_no_date_rate"]) == (4, 0.666667)
    md = (root / "reports/quality.md").read_text()
    assert "| no\\_date | 4 | 66.67% | accepted |" in md
    assert "| request | 4 |" in md
