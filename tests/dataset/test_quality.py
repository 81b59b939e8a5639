"""Quality report: aggregation over records, rules, and the report stage on a built project.

Counts are recomputed here independently (plain `json` over the files on disk, no curate code)
and compared with the report, reports/metrics.json and the manifest.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from curate.dataset.versions import WorkTree
from curate.report.build import build_report
from curate.report.quality import QualityAccumulator, month_range, percentile
from curate.report.rules import RuleError, broken_rules, flat_metrics, known_metrics, parse_rule
from curate.record import Entity, Reason
from tests.builders import rec, rejected, write_curated
from tests.conftest import REPO, bin_path, make_project, run


# ----------------------------------------------------------------------------------- pure functions


def test_percentile_is_nearest_rank_over_a_histogram():
    values = list(range(1, 101))
    hist = Counter(values)
    assert percentile(hist, 100, 50) == 50
    assert percentile(hist, 100, 99) == 99
    assert percentile(hist, 100, 1) == 1
    assert percentile(Counter({7: 3}), 3, 99) == 7
    assert percentile(Counter(), 0, 50) == 0


def test_month_range_crosses_years():
    assert month_range("2019-11", "2020-02") == ["2019-11", "2019-12", "2020-01", "2020-02"]


def test_a_missing_dateline_counts_only_where_the_format_carries_one_as_in_the_corpus_rule():
    from curate.validate.corpus_rules import CorpusFacts, missing_fields

    acc, facts = QualityAccumulator(), CorpusFacts()
    records = [rec("wire-1", dateline=None, flags=["no_dateline"]), rec("wire-2", dateline="LONDON"),
               rec("wire-3", dateline="PARIS"), rec("note-1", dateline=None), rec("note-2", dateline=None)]
    for r in records:
        acc.add(r)
        facts.accept(tuple(missing_fields(r)))
    missing = acc.report()["missing"]["dateline"]
    assert missing == {"count": 1, "rate": round(1 / 3, 6), "not_applicable": 2}
    assert missing["rate"] == round(facts.null_rate("dateline"), 6)


def test_coverage_lists_gap_months_inside_the_range():
    acc = QualityAccumulator()
    for i, d in enumerate(["2020-01-02", "2020-01-20", "2020-02-01", "2020-05-30", None, "garbage"]):
        acc.add(rec(f"r{i}", date=d))
    cov = acc.report()["coverage"]
    assert [(x["month"], x["articles"]) for x in cov["articles_per_month"]] == [
        ("2020-01", 2), ("2020-02", 1), ("2020-03", 0), ("2020-04", 0), ("2020-05", 1)]
    assert cov["gaps"] == [{"from": "2020-03", "to": "2020-04"}]
    assert cov["gap_months"] == 2 and cov["undated"] == 2


def test_accumulator_counts_fields_flags_languages_entities_and_outliers():
    acc = QualityAccumulator()
    ents = [Entity(text="Paris", label="GPE", start=0, end=5), Entity(text="Paris", label="GPE", start=6, end=11),
            Entity(text="Acme  Corp", label="ORG", start=0, end=10)]
    for i in range(100):
        acc.add(rec(f"a{i:03d}", words=100 + i, title=None if i < 10 else "T", dateline=None if i % 2 else "X",
                    credits={"editing": ["E"]} if i < 30 else {}, language="en" if i < 90 else "de",
                    flags=["truncated"] if i < 5 else ["markup_left", "markup_left"] if i == 50 else [],
                    entities=ents if i < 4 else []))
    acc.add(rec("zlong", words=10_000))
    acc.add(rec("ashort", words=1))
    acc.add_rejected(rejected("h1", Reason.HEADER_ONLY))
    acc.add_rejected(rejected("h2", Reason.HEADER_ONLY))
    r = acc.report()
    n = 102
    assert r["counts"] == {"inputs": 104, "accepted": n, "rejected": 2, "rejected_by_reason": {"header_only": 2},
                           "rejected_by_stage": {"ingest": {"header_only": 2}}, "formats": {"plaintext": n}}
    assert r["missing"]["title"] == {"count": 10, "rate": round(10 / n, 6)}
    assert r["missing"]["dateline"] == {"count": 0, "rate": 0.0, "not_applicable": 50}  # plaintext: no datelines
    assert r["missing"]["credits"]["count"] == 102 - 30
    assert r["missing"]["authors"]["count"] == n
    assert {x["language"]: x["articles"] for x in r["languages"]} == {"en": 92, "de": 10}
    flags = {f["flag"]: f for f in r["flags"]}
    assert flags["truncated"]["count"] == 5 and flags["truncated"]["examples"] == ["a000", "a001", "a002"]
    assert flags["markup_left"]["count"] == 1  # a flag counts records, not occurrences
    assert flags["date_folder_mismatch"]["count"] == 0  # known flags are always listed
    assert flags["header_only"] == {"flag": "header_only", "count": 2, "rate": round(2 / 104, 6),
                                    "examples": ["h1", "h2"], "source": "rejected"}
    labels = {x["label"]: x for x in r["entities"]["labels"]}
    assert labels["GPE"] == {"label": "GPE", "mentions": 8, "articles": 4}
    assert r["entities"]["top"]["ORG"] == [{"text": "Acme Corp", "articles": 4}]
    L = r["length"]
    assert L["min"] == 1 and L["max"] == 10_000
    assert L["outliers"]["above_p99"] == 1 and [x["id"] for x in L["outliers"]["longest"]] == ["zlong"]
    assert L["outliers"]["below_p1"] == 1 and [x["id"] for x in L["outliers"]["shortest"]] == ["ashort"]
    assert sum(h["articles"] for h in L["histogram"]) == n


def test_near_duplicate_clusters_come_from_rejected_records_largest_first():
    acc = QualityAccumulator()
    for kept, dups in [("k-small", ["d1"]), ("k-big", ["d4", "d2", "d3"]), ("k-mid", ["d5", "d6"])]:
        acc.add(rec(kept))
        for d in dups:
            acc.add_rejected(rejected(d, Reason.NEAR_DUPLICATE, kept))
    acc.add_rejected(rejected("v1", Reason.STORY_VERSION, "k-small"))
    acc.add_rejected(rejected("x1", Reason.DUPLICATE, "k-mid"))
    r = acc.report()
    nd = r["near_duplicate_clusters"]
    assert nd["clusters"] == 3
    assert [(c["kept"], c["size"], c["duplicates"]) for c in nd["largest"]] == [
        ("k-big", 4, ["d2", "d3", "d4"]), ("k-mid", 3, ["d5", "d6"]), ("k-small", 2, ["d1"])]
    assert r["duplicates"]["near_duplicate"] == {"removed": 6, "kept_records_with_copies": 3, "largest_group": 4}
    assert r["duplicates"]["story_version"]["removed"] == 1
    m = build_metrics_for(r)
    assert m["duplicates_removed"] == 8
    assert m["duplicate_rate"] == round(8 / (3 + 8), 6)


def build_metrics_for(report: dict) -> dict:
    return flat_metrics(report)


def test_rejected_examples_are_capped_at_three_per_reason():
    acc = QualityAccumulator()
    for i in range(7):
        acc.add_rejected(rejected(f"e{i}", Reason.EMPTY))
    (row,) = acc.report()["rejected"]
    assert row["count"] == 7 and [e["id"] for e in row["examples"]] == ["e0", "e1", "e2"]
    assert all(e["path"] and e["detail"] for e in row["examples"])


# ------------------------------------------------------------------------------------------ rules


def test_rules_parse_and_break():
    known = known_metrics()
    assert {"rejected_rate", "duplicate_rate", "accepted"} <= set(known)
    r = parse_rule(" rejected_rate >= 0.05 ", known)
    assert (r.metric, r.op, r.value) == ("rejected_rate", ">=", 0.05)
    rules = [parse_rule(t, known) for t in ["rejected_rate>0.05", "accepted<100", "accepted==3", "inputs<=1e3"]]
    broken = broken_rules(rules, {"rejected_rate": 0.05, "accepted": 3, "inputs": 1000})
    assert [str(b) for b, _ in broken] == ["accepted<100", "accepted==3", "inputs<=1000"]
    for bad in ["rejected_rate>", "rejected_rate=>0.1", "rejected_rate>0.1;import os", "__import__('os')>1",
                "rejected_rate>abc", ">0.1", "rejected_rate 0.1"]:
        with pytest.raises(RuleError, match="cannot parse"):
            parse_rule(bad, known)


def test_an_unknown_metric_is_named_with_the_closest_names_and_where_the_full_list_is():
    known = known_metrics()
    with pytest.raises(RuleError) as typo:
        parse_rule("rejected_rte>0.1", known)
    message = str(typo.value)
    assert "unknown metric 'rejected_rte'" in message and "did you mean rejected_rate" in message
    assert "jq '.metrics | keys'" in message
    assert "words_p99" not in message and len(message) < 300  # the names close to it, not every name
    with pytest.raises(RuleError, match=r"unknown metric 'bogus'.*no metric has a name close to it\."):
        parse_rule("bogus>1", known)


# ---------------------------------------------------------------------------- shards on disk


def test_report_reads_shards_and_checks_metrics(tmp_path):
    records = [rec(f"r{i:02d}", date=f"2021-0{1 + i % 3}-01", words=50 + i) for i in range(20)]
    rejects = [rejected("e1", Reason.EMPTY), rejected("d1", Reason.DUPLICATE, "r01"),
               rejected("n1", Reason.NEAR_DUPLICATE, "r02"), rejected("n2", Reason.NEAR_DUPLICATE, "r02")]
    write_curated(tmp_path, records, rejects)
    metrics = {"inputs": 24, "accepted": 20, "rejected": 4,
               "rejected_by_reason": {"duplicate": 1, "empty": 1, "near_duplicate": 2}}
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports/metrics.json").write_text(json.dumps(metrics))
    report = build_report(WorkTree(tmp_path))
    assert report["counts"]["accepted"] == 20 and report["counts"]["rejected"] == 4
    assert report["consistency"]["ok"] is True
    assert report["near_duplicate_clusters"]["largest"][0]["kept"] == "r02"
    assert report["metrics"]["consistency_ok"] == 1
    # a metrics file that disagrees with the records on disk is reported, not trusted
    metrics["accepted"] = 21
    (tmp_path / "reports/metrics.json").write_text(json.dumps(metrics))
    report = build_report(WorkTree(tmp_path))
    assert report["consistency"]["ok"] is False
    assert [c["check"] for c in report["consistency"]["checks"] if not c["ok"]] == ["metrics.accepted"]
    assert report["metrics"]["consistency_ok"] == 0


def test_a_one_month_corpus_covers_1_month_not_1_months(tmp_path):
    from curate.render import to_html, to_md
    from curate.report.quality_doc import quality_document

    write_curated(tmp_path, [rec("r01"), rec("r02")], [])
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports/metrics.json").write_text(json.dumps({"inputs": 2, "accepted": 2, "rejected": 0}))
    doc = quality_document(build_report(WorkTree(tmp_path)))
    assert "(1 month, 0 without articles)" in to_md.render(doc)
    assert ": 1 month, 1 with articles" in to_html.render(doc)


# ------------------------------------------------------------------- a project built by dvc repro


def _raw_with_planted(dest: Path) -> Path:
    """The bundled sample plus a near duplicate (one word changed) of the plain-text note."""
    raw = dest / "raw"
    shutil.copytree(REPO / "corpus/raw", raw)
    note = (raw / "notes/20130402/harbour-expansion.txt").read_text()
    changed = note.replace("welcomed the decision", "praised the decision", 1)
    assert changed != note
    (raw / "notes/20130402/harbour-expansion-copy.txt").write_text(changed)
    return raw


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("quality")
    proj = make_project(base / "proj", _raw_with_planted(base))
    run([bin_path("dvc"), "repro"], proj)
    run(["git", "add", "-A"], proj)
    run(["git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "v1"], proj)
    run(["git", "tag", "v1"], proj)
    return proj


def _independent_counts(proj: Path) -> dict:
    """Counts from the files on disk with plain json: no curate code involved."""
    arts = [json.loads(line) for p in sorted((proj / "corpus/curated/articles").glob("part-*.jsonl"))
            for line in p.read_text().splitlines() if line.strip()]
    rej = {p.stem: [json.loads(line) for line in p.read_text().splitlines() if line.strip()]
           for p in sorted((proj / "corpus/curated/rejected").glob("*.jsonl"))}
    months = Counter(a["date"][:7] for a in arts if a.get("date"))
    flags = Counter(f for a in arts for f in set(a["flags"]))
    labels = Counter(e["label"] for a in arts for e in a["entities"])
    near = Counter(r["duplicate_of"] for r in rej.get("near_duplicate", []))
    return {"accepted": len(arts), "by_reason": {k: len(v) for k, v in rej.items() if v}, "months": months,
            "flags": flags, "labels": labels, "no_title": sum(1 for a in arts if not a.get("title")),
            "no_dateline": sum(1 for a in arts if not a.get("dateline") and "no_dateline" in a["flags"]),
            "dateline_not_applicable": sum(1 for a in arts if not a.get("dateline") and "no_dateline" not in a["flags"]),
            "no_credits": sum(1 for a in arts if not a.get("credits")),
            "languages": Counter(a.get("language") or "unknown" for a in arts),
            "words": sorted(a["stats"]["words"] for a in arts), "near": near,
            "reason_files_match": all(r["reason"] == k for k, v in rej.items() for r in v)}


@pytest.mark.slow
def test_report_stage_counts_agree_with_metrics_and_records_on_disk(built):
    report = json.loads((built / "reports/quality.json").read_text())
    metrics = json.loads((built / "reports/metrics.json").read_text())
    manifest = json.loads((built / "corpus/curated/manifest.json").read_text())
    ind = _independent_counts(built)
    c = report["counts"]
    assert ind["reason_files_match"]
    assert c["accepted"] == ind["accepted"] == metrics["accepted"] == manifest["records"]
    assert c["rejected_by_reason"] == ind["by_reason"] == metrics["rejected_by_reason"]
    assert c["rejected"] == sum(ind["by_reason"].values()) == metrics["rejected"]
    assert c["inputs"] == metrics["inputs"] == ind["accepted"] + sum(ind["by_reason"].values())
    assert report["consistency"]["ok"] is True
    per_month = {x["month"]: x["articles"] for x in report["coverage"]["articles_per_month"]}
    assert {k: v for k, v in per_month.items() if v} == dict(ind["months"])
    assert report["coverage"]["gap_months"] == sum(1 for v in per_month.values() if v == 0)
    assert report["missing"]["title"]["count"] == ind["no_title"]
    assert report["missing"]["dateline"]["count"] == ind["no_dateline"]
    assert report["missing"]["dateline"].get("not_applicable", 0) == ind["dateline_not_applicable"]
    assert report["missing"]["credits"]["count"] == ind["no_credits"]
    assert {x["language"]: x["articles"] for x in report["languages"]} == dict(ind["languages"])
    flags = {f["flag"]: f["count"] for f in report["flags"] if f["source"] == "accepted"}
    assert {k: v for k, v in flags.items() if v} == dict(ind["flags"])
    assert {x["label"]: x["mentions"] for x in report["entities"]["labels"]} == dict(ind["labels"])
    assert report["length"]["min"] == ind["words"][0] and report["length"]["max"] == ind["words"][-1]
    assert report["length"]["percentiles"]["p50"] == ind["words"][(len(ind["words"]) + 1) // 2 - 1]
    sizes = sorted((1 + n for n in ind["near"].values()), reverse=True)
    assert sizes, "the planted near duplicate (one word changed) was not rejected as near_duplicate"
    assert [x["size"] for x in report["near_duplicate_clusters"]["largest"]] == sizes[:10]
    # DVC metrics and plots files written by the stage
    qm = json.loads((built / "reports/quality_metrics.json").read_text())
    assert qm == report["metrics"] and qm["accepted"] == metrics["accepted"]
    plots = json.loads((built / "reports/plots/articles_per_month.json").read_text())
    assert plots == report["coverage"]["articles_per_month"]
    for name in ("length_hist.json", "entity_labels.json"):
        assert json.loads((built / "reports/plots" / name).read_text())
    md = (built / "reports/quality.md").read_text()
    assert f"| accepted | {ind['accepted']:,} |" in md


@pytest.mark.slow
def test_dvc_sees_report_plots_and_metrics(built):
    shown = json.loads(run([bin_path("dvc"), "plots", "show", "--json"], built).stdout)
    assert {"reports/plots/articles_per_month.json", "reports/plots/length_hist.json",
            "reports/plots/entity_labels.json"} <= set(shown["data"])
    out = run([bin_path("dvc"), "metrics", "show", "--json"], built).stdout
    assert "reports/quality_metrics.json" in out
    assert "Running stage" not in run([bin_path("dvc"), "repro"], built).stdout


@pytest.mark.slow
def test_fail_on_exit_codes(built):
    curate = bin_path("curate")
    ok = run([curate, "quality", "--fail-on", "rejected_rate>0.99", "--fail-on", "accepted<1"], built)
    assert "ok   rejected_rate>0.99" in ok.stdout
    broken = run([curate, "quality", "--fail-on", "accepted<100000", "--fail-on", "inputs<0"], built, check=False)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "FAIL accepted<100000" in broken.stdout and "ok   inputs<0" in broken.stdout
    unknown = run([curate, "quality", "--fail-on", "rejekted_rate>0.1"], built, check=False)
    assert unknown.returncode == 2
    assert "unknown metric 'rejekted_rate'" in unknown.stderr and "rejected_rate" in unknown.stderr
    bad = run([curate, "quality", "--fail-on", "rejected_rate=>0.1"], built, check=False)
    assert bad.returncode == 2 and "cannot parse" in bad.stderr
    assert run([curate, "quality", "--format", "pdf"], built, check=False).returncode == 2


@pytest.mark.slow
def test_quality_of_a_tagged_revision_reads_through_dvc(built, tmp_path):
    proj = tmp_path / "proj"
    shutil.copytree(built, proj, symlinks=True)
    extra = proj / "corpus/raw/notes/20130403/new-note.txt"
    extra.parent.mkdir(parents=True)
    extra.write_text("Dockers vote to end strike\n\nANTWERP - Dock workers at the port of Antwerp voted on "
                     "Wednesday to end a three-day strike over pension reform, the union said, after the "
                     "government agreed to reopen talks on the retirement age of port labourers.\n")
    run([bin_path("dvc"), "repro"], proj)
    now = json.loads((proj / "reports/metrics.json").read_text())
    v1 = json.loads((built / "reports/metrics.json").read_text())
    assert now["inputs"] == v1["inputs"] + 1
    # working tree changed; the tagged version is read from git + the DVC cache
    shutil.rmtree(proj / "corpus/curated")  # prove --rev does not read the workspace
    res = run([bin_path("curate"), "quality", "--rev", "v1", "--format", "json"], proj)
    rep = json.loads(res.stdout)  # --format json: the report on stdout
    assert rep["counts"]["accepted"] == v1["accepted"]
    assert rep["counts"]["inputs"] == v1["inputs"]
    assert rep["consistency"]["ok"] is True
    assert rep["version"]["rev"] == "v1"
    assert json.loads((proj / "reports/quality.json").read_text())["counts"]["inputs"] == now["inputs"]
    unknown = run([bin_path("curate"), "quality", "--rev", "no-such-tag"], proj, check=False)
    assert unknown.returncode == 2 and "unknown revision" in unknown.stderr
