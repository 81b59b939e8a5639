"""`curate check` / `curate add` say which corpus rules the corpus plus the batch would break,
with the same function and message as the validate stage; exit codes stay per input."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from tests.check.corpus_rule_fixtures import PARAMS, build, write_corpus, write_no_dateline_batch
from tests.check.test_check import cli
from tests.conftest import REPO

from curate.check.add import add_paths
from curate.check.run import check_paths
from curate.validate.stage import CorpusRuleError

NOW = dt.datetime(2024, 6, 4, 12, 30, 0, tzinfo=dt.timezone.utc)
BROKEN = ("null_rate_dateline: 0.909091 of accepted records have no dateline (30 of 33), limit 0.9 "
          "(params.yaml validate.max_null_rate.dateline)")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("rules")
    shutil.copy2(REPO / "params.yaml", root / "params.yaml")  # a project: the CLI reads its parameters
    write_corpus(root / "corpus/raw")
    build(root)
    return root


@pytest.fixture(scope="module")
def undated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("batch")
    write_no_dateline_batch(folder)
    return folder


def test_check_names_the_rule_the_batch_would_break(corpus, undated):
    r = check_paths([undated], root=corpus, params=PARAMS)
    assert r.accepted == 30 and r.exit_code == 0  # every input is fine on its own
    assert r.summary().splitlines()[-1] == (
        "corpus rules the corpus plus this batch would break (the next build would fail): " + BROKEN)


def test_check_json_lists_the_rules_in_the_summary(corpus, undated):
    r = cli("check", str(undated), "--json", "--root", str(corpus))
    assert r.exit_code == 0
    summary = json.loads(r.output)["summary"]
    assert summary["corpus_rules_broken"] == ["null_rate_dateline"]
    rule = next(x for x in summary["corpus_rules"] if x["rule"] == "null_rate_dateline")
    assert rule == {"rule": "null_rate_dateline", "value": 0.909091, "limit": 0.9,
                    "params_key": "validate.max_null_rate.dateline", "passed": False,
                    "fails_without_batch": False,
                    "message": "corpus rule null_rate_dateline failed: " + BROKEN.split(": ", 1)[1]}


def test_a_batch_that_breaks_nothing_says_so(corpus, undated):
    r = check_paths([undated / "20130307/report-000"], root=corpus, params=PARAMS)
    assert r.summary().splitlines()[-1] == "corpus rules with this batch: all 4 pass"
    assert r.to_json()["summary"]["corpus_rules_broken"] == []


def test_add_reports_the_rule_and_the_build_then_fails_as_announced(corpus, undated, tmp_path):
    import shutil

    root = tmp_path / "proj"
    shutil.copytree(corpus, root)
    res = add_paths([undated], root=root, params=PARAMS, now=NOW)
    assert res.exit_code == 0 and len(res.copies) == 30
    assert res.to_json()["summary"]["corpus_rules_broken"] == ["null_rate_dateline"]
    with pytest.raises(CorpusRuleError) as err:
        build(root)
    assert str(err.value).splitlines()[0] == "corpus rule null_rate_dateline failed: " + BROKEN.split(": ", 1)[1]


def test_rejected_inputs_do_not_count_since_add_never_copies_them(corpus, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    r = check_paths([tmp_path / "empty.txt"], root=corpus, params=PARAMS)
    assert r.rejected == 1
    reject = next(x for x in r.corpus_rules if x.rule == "reject_rate")
    assert (reject.value, reject.passed) == (0.0, True)
