"""A plain-text collection without dates, in topic folders (the BBC News layout), built with
`dvc repro` and the default params: nothing moved, no date invented, folders become labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import bin_path, make_project, run
from curate.engine.io import iter_records

ARTICLES = {
    "business/001.txt": ("Ad sales boost Time Warner profit",
                         "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn for the three "
                         "months to December, from $639m year-earlier, helped by higher advertising sales."),
    "business/002.txt": ("MG Rover talks with Chinese firm stall",
                         "MG Rover's talks with Shanghai Automotive have stalled over the price of the "
                         "Longbridge plant, according to people close to the negotiations on Friday."),
    "politics/001.txt": ("Muslims urged to accept ruling",
                         "UK Muslims should accept the ruling of the court, a senior cleric told an audience "
                         "in Birmingham, saying the law of the land must be respected by every community."),
    "sport/001.txt": ("Chelsea edge past Arsenal",
                      "(after extra-time - score at 90 mins 1-1)\n\nChelsea beat Arsenal 2-1 in a tense cup "
                      "final in Cardiff, with a late header from the captain settling an even contest."),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("bbc") / "raw"
    for rel, (title, body) in ARTICLES.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    proj = make_project(tmp_path_factory.mktemp("topic") / "proj", raw=raw)
    run([bin_path("dvc"), "repro"], proj)
    return proj


def records(proj: Path) -> dict[str, object]:
    return {r.source.path: r for p in sorted((proj / "corpus/curated/articles").glob("*.jsonl"))
            for r in iter_records(p)}


def test_every_undated_article_is_accepted_with_the_no_date_flag(built):
    metrics = json.loads((built / "reports/metrics.json").read_text())
    assert (metrics["inputs"], metrics["accepted"], metrics["rejected"]) == (4, 4, 0)
    recs = records(built)
    assert sorted(recs) == sorted(ARTICLES)
    for r in recs.values():
        assert r.date is None and "no_date" in r.flags


def test_topic_folders_become_folder_labels(built):
    recs = records(built)
    assert {p: [(lb.scheme, lb.value) for lb in r.labels] for p, r in recs.items()} == {
        "business/001.txt": [("folder", "business")], "business/002.txt": [("folder", "business")],
        "politics/001.txt": [("folder", "politics")], "sport/001.txt": [("folder", "sport")],
    }


def test_no_convention_flags_for_a_source_that_never_uses_them(built):
    recs = records(built)
    assert recs
    for r in recs.values():
        assert not {"no_signoff", "no_dateline"} & set(r.flags), r.flags


def test_capitalised_openings_and_lead_lines_stay_text(built):
    recs = records(built)
    assert recs["business/002.txt"].text.startswith("MG Rover's talks")
    assert recs["politics/001.txt"].text.startswith("UK Muslims should")
    assert recs["sport/001.txt"].text.startswith("(after extra-time - score at 90 mins 1-1)\n\nChelsea")
    assert all(r.dateline is None for r in recs.values())


def test_the_dateline_null_rate_rule_does_not_count_a_format_without_datelines(built):
    checks = json.loads((built / "reports/metrics.json").read_text())["corpus_checks"]
    assert checks["null_rate_dateline"] == {"limit": 0.9, "value": 0.0, "passed": True}


def test_the_quality_report_counts_undated_articles(built):
    report = json.loads((built / "reports/quality.json").read_text())
    assert {f["flag"]: f["count"] for f in report["flags"]}["no_date"] == 4


def test_raw_files_are_left_where_they_were(built):
    raw = built / "corpus/raw"
    assert sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*.txt")) == sorted(ARTICLES)


def test_a_source_setting_rejects_its_undated_articles(built, tmp_path):
    params = yaml.safe_load((built / "params.yaml").read_text())
    params["clean"]["sources"] = [{"glob": "sport/**", "undated": "reject"},
                                  {"glob": "business/*", "date": "2005-01-01"}]
    (built / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run([bin_path("dvc"), "repro"], built)
    metrics = json.loads((built / "reports/metrics.json").read_text())
    assert metrics["rejected_by_reason"] == {"no_date": 1}
    recs = records(built)
    assert recs["business/001.txt"].date == "2005-01-01" and "date_from_source" in recs["business/001.txt"].flags
    assert recs["politics/001.txt"].date is None
