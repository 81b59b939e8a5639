"""Corpus rules per source (`validate.sources`): each source is judged on its own records with its
own limits, so one source can neither fail nor mask another; every failure names the source and
the params.yaml key. `curate check` / `curate add` judge the same way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import msgspec
import pytest
from tests.builders import reuters_web
from tests.check.corpus_rule_fixtures import PARAMS, build, plain_text, write_corpus

from curate.check.add import add_paths
from curate.check.run import check_paths
from curate.layout import METRICS
from curate.params import ParamsError, Params, ValidateParams, load_params
from curate.validate.corpus_rules import CorpusFacts, evaluate, total
from curate.validate.stage import CorpusRuleError, failed_metrics_path


def article(i: int, dateline: bool) -> str:
    """A dated Reuters web article, distinct for every i, with a dateline or without one."""
    body = plain_text(i).split("\n\n", 1)[1].strip()
    return reuters_web(f"Local report number {i}", body, "Officials gave no further detail.",
                       story=f"USSRC{i:05d}", slug=f"report-{i}", date="2013/03/07",
                       stamp="Thu Mar 7, 2013 9:00am EST", city="BRANDPORT" if dateline else "")


def write_feed(folder: Path, start: int, datelines: list[bool]) -> None:
    day = folder / "20130307"
    day.mkdir(parents=True, exist_ok=True)
    for k, has in enumerate(datelines):
        (day / f"report-{start + k:03d}").write_text(article(start + k, has))


def with_sources(*sources: dict, **limits) -> Params:
    vp = msgspec.convert({**limits, "sources": list(sources)}, ValidateParams)
    return msgspec.structs.replace(PARAMS, validate=vp)


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    """wire/: three articles with a dateline; feed/: two without, one with, one empty file."""
    raw = tmp_path_factory.mktemp("raw")
    write_corpus(raw / "wire")
    write_feed(raw / "feed", 0, [False, False, True])
    (raw / "feed/empty.txt").write_text("")
    return raw


@pytest.fixture
def project(raw, tmp_path) -> Path:
    shutil.copytree(raw, tmp_path / "corpus/raw")
    return tmp_path


def metrics(root: Path) -> dict:
    return json.loads((root / METRICS).read_text())


def test_without_sources_the_metrics_keep_the_plain_rule_names(project):
    build(project)
    assert metrics(project)["corpus_checks"] == {
        "null_rate_dateline": {"limit": 0.9, "passed": True, "value": 0.333333},
        "null_rate_title": {"limit": 0.5, "passed": True, "value": 0.0}}


def test_a_source_over_its_own_limit_fails_the_build_naming_the_source_and_key(project):
    params = with_sources({"glob": "feed/**", "max_null_rate": {"dateline": 0.5}})
    with pytest.raises(CorpusRuleError) as err:
        build(project, params)
    assert str(err.value).splitlines()[0] == (
        "corpus rule null_rate_dateline[feed/**] failed: 0.666667 of accepted records of source feed/** "
        "have no dateline (2 of 3), limit 0.5 (params.yaml validate.sources[0].max_null_rate.dateline)")
    assert [r.rule for r in err.value.failed] == ["null_rate_dateline[feed/**]"]
    failed = json.loads(failed_metrics_path(project).read_text())["failed_rules"][0]
    assert (failed["source"], failed["params_key"]) == ("feed/**", "validate.sources[0].max_null_rate.dateline")
    assert not (project / "corpus/curated").exists()


def test_a_good_source_cannot_mask_a_bad_ones_reject_rate(project):
    # one project-wide limit of 0.2 passes: 1 rejected of 7 inputs; feed alone is 1 of 4
    build(project, with_sources(max_reject_rate=0.2))
    assert metrics(project)["corpus_checks"]["reject_rate"] == {"limit": 0.2, "passed": True, "value": 0.142857}
    with pytest.raises(CorpusRuleError) as err:
        build(project, with_sources({"glob": "feed/**", "max_reject_rate": 0.2}))
    assert str(err.value).splitlines()[0] == (
        "corpus rule reject_rate[feed/**] failed: 0.25 of inputs of source feed/** were rejected "
        "(1 of 4; empty 1), limit 0.2 (params.yaml validate.sources[0].max_reject_rate)")


def test_the_default_source_holds_only_records_no_entry_matches(project):
    build(project, with_sources({"glob": "feed/**", "max_null_rate": {"dateline": 0.7}}, max_reject_rate=0.5))
    checks = metrics(project)["corpus_checks"]
    assert checks == {
        "null_rate_dateline": {"limit": 0.9, "passed": True, "value": 0.0},   # wire/ alone
        "null_rate_title": {"limit": 0.5, "passed": True, "value": 0.0},
        "reject_rate": {"limit": 0.5, "passed": True, "value": 0.0},
        "null_rate_dateline[feed/**]": {"limit": 0.7, "passed": True, "value": 0.666667},
        "null_rate_title[feed/**]": {"limit": 0.5, "passed": True, "value": 0.0},   # the default limit
        "reject_rate[feed/**]": {"limit": 0.5, "passed": True, "value": 0.25}}


def test_a_reader_names_a_source_and_the_first_matching_entry_wins(project):
    params = with_sources({"glob": "wire/2013/port", "max_null_rate": {"dateline": 1.0}},
                          {"reader": "reuters_web", "max_null_rate": {"dateline": 0.3}})
    with pytest.raises(CorpusRuleError) as err:
        build(project, params)
    # port is the first entry's; the five other web articles are the reader's: 2 of 5 lack one
    assert err.value.failed[0].message == (
        "corpus rule null_rate_dateline[reader:reuters_web] failed: 0.4 of accepted records of source "
        "reader:reuters_web have no dateline (2 of 5), limit 0.3 "
        "(params.yaml validate.sources[1].max_null_rate.dateline)")


def test_judged_together_a_bad_source_would_pass(project):
    by = {-1: CorpusFacts(accepted=3), 0: CorpusFacts(accepted=3, rejected={"no_text": 1})}
    vp = msgspec.convert({"max_reject_rate": 0.2, "sources": [{"glob": "feed/**"}]}, ValidateParams)
    assert [r.passed for r in evaluate(total(by), vp) if r.rule == "reject_rate"] == [True]
    assert [(r.rule, r.passed) for r in evaluate(by, vp) if r.rule.startswith("reject_rate")] == [
        ("reject_rate", True), ("reject_rate[feed/**]", False)]


@pytest.mark.parametrize("entry, error", [
    ({"reader": "pdf"}, "unknown reader 'pdf'"),
    ({"glob": "a/**", "reader": "html"}, "exactly one of `glob`"),
    ({}, "exactly one of `glob`"),
    ({"glob": "a/**", "max_null_rate": {"titel": 0.1}}, "unknown field 'titel' (known: title, dateline, date, credits)"),
    ({"glob": "a/**", "max_reject_rate": 2}, "limits are rates between 0 and 1"),
    ({"glob": "/abs/**"}, "must be a non-empty path relative to the raw folder"),
])
def test_a_bad_sources_entry_is_refused_naming_it(tmp_path, entry, error):
    (tmp_path / "params.yaml").write_text(json.dumps({"validate": {"sources": [entry]}}))
    with pytest.raises(ParamsError) as err:
        load_params(tmp_path / "params.yaml")
    assert error in str(err.value) and "$.validate.sources[0]" in str(err.value)


# ----------------------------------------------------------------------------- check and add

FEED = {"glob": "**/feed/**", "max_null_rate": {"dateline": 0.7}}  # also matches added-*/feed/


@pytest.fixture(scope="module")
def built(raw, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(raw, root / "corpus/raw")
    build(root, with_sources(FEED))
    return root


def batch(tmp_path: Path, sub: str) -> Path:
    write_feed(tmp_path / "batch" / sub, 100, [False])
    return tmp_path / "batch"


def test_check_names_the_source_a_batch_would_break(built, tmp_path):
    r = check_paths([batch(tmp_path, "feed")], root=built, params=with_sources(FEED))
    assert r.accepted == 1
    assert [x.rule for x in r.corpus_rules if not x.passed] == ["null_rate_dateline[**/feed/**]"]
    assert r.summary().splitlines()[-1] == (
        "corpus rules the corpus plus this batch would break (the next build would fail): "
        "null_rate_dateline[**/feed/**]: 0.75 of accepted records of source **/feed/** have no dateline "
        "(3 of 4), limit 0.7 (params.yaml validate.sources[0].max_null_rate.dateline)")
    rejects = {x.rule: x.value for x in r.corpus_rules if x.rule.startswith("reject_rate")}
    assert rejects == {"reject_rate": 0.0, "reject_rate[**/feed/**]": 0.2}  # the corpus's empty file, by source


def test_check_counts_a_batch_in_its_own_source(built, tmp_path):
    r = check_paths([batch(tmp_path, "other")], root=built, params=with_sources(FEED))
    assert r.summary().splitlines()[-1] == "corpus rules with this batch: all 7 pass"
    default = next(x for x in r.corpus_rules if x.rule == "null_rate_dateline")
    assert (default.value, default.source) == (0.25, "default")


def test_add_reports_the_source_rule_and_the_build_fails_as_announced(built, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(built, root)
    params = with_sources(FEED)
    res = add_paths([batch(tmp_path, "feed")], root=root, params=params)
    summary = res.to_json()["summary"]
    assert summary["corpus_rules_broken"] == ["null_rate_dateline[**/feed/**]"]
    announced = next(x for x in summary["corpus_rules"] if not x["passed"])["message"]
    with pytest.raises(CorpusRuleError) as err:
        build(root, params)
    assert str(err.value).splitlines()[0] == announced
