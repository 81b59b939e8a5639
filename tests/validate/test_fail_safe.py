"""A build that fails a corpus rule publishes nothing: the previous curated version, its metrics
and its reports stay byte for byte, DVC keeps dvc.lock, and the message names the rule, the
value, the limit and the params.yaml key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from tests.conftest import bin_path, make_project, run
from tests.check.corpus_rule_fixtures import build, snapshot, with_validate, write_corpus, write_no_dateline_batch
from tests.check.test_check import cli

from curate.validate.stage import CorpusRuleError, failed_metrics_path

NULL_DATELINE = ("corpus rule null_rate_dateline failed: 0.909091 of accepted records have no dateline "
                 "(30 of 33), limit 0.9 (params.yaml validate.max_null_rate.dateline)")


@pytest.fixture
def built(tmp_path) -> Path:
    root = tmp_path / "proj"
    write_corpus(root / "corpus/raw")
    build(root)
    return root


def test_a_failed_rule_leaves_the_previous_version_byte_for_byte(built):
    before = snapshot(built, "corpus/curated", "reports")
    write_no_dateline_batch(built / "corpus/raw")
    with pytest.raises(CorpusRuleError):
        build(built)
    assert snapshot(built, "corpus/curated", "reports") == before
    assert json.loads(before["corpus/curated/manifest.json"])["records"] == 3


def test_the_message_names_rule_value_limit_and_params_key(built):
    write_no_dateline_batch(built / "corpus/raw")
    with pytest.raises(CorpusRuleError) as err:
        build(built)
    lines = str(err.value).splitlines()
    assert lines[0] == NULL_DATELINE
    assert lines[1] == ("nothing was published: corpus/curated and reports/metrics.json still hold the previous "
                        "version; the metrics this build would have published are in "
                        "corpus/interim/validate/failed-metrics.json")
    assert [r.rule for r in err.value.failed] == ["null_rate_dateline"]


def test_the_would_be_metrics_are_left_for_inspection_and_cleared_by_a_passing_build(built):
    write_no_dateline_batch(built / "corpus/raw")
    with pytest.raises(CorpusRuleError):
        build(built)
    failed = json.loads(failed_metrics_path(built).read_bytes())
    assert (failed["inputs"], failed["accepted"]) == (33, 33)
    assert failed["corpus_checks"]["null_rate_dateline"] == {"limit": 0.9, "value": 0.909091, "passed": False}
    assert failed["failed_rules"][0]["params_key"] == "validate.max_null_rate.dateline"
    assert failed["failed_rules"][0]["message"] == NULL_DATELINE
    # loosening the limit publishes the new version and removes the leftover
    build(built, with_validate(max_null_rate={"title": 0.5, "dateline": 1.0}))
    assert not failed_metrics_path(built).exists()
    assert json.loads((built / "corpus/curated/manifest.json").read_bytes())["records"] == 33


def test_reject_rate_failure_names_its_setting(built):
    before = snapshot(built, "corpus/curated", "reports")
    day = built / "corpus/raw/20130308"
    day.mkdir()
    for i in range(3):
        (day / f"empty-{i}.txt").write_text("")
    with pytest.raises(CorpusRuleError) as err:
        build(built, with_validate(max_reject_rate=0.25))
    assert str(err.value).splitlines()[0] == (
        "corpus rule reject_rate failed: 0.5 of inputs were rejected (3 of 6; empty 3), limit 0.25 "
        "(params.yaml validate.max_reject_rate)")
    assert snapshot(built, "corpus/curated", "reports") == before


def test_a_build_that_rejects_every_input_fails_saying_why(tmp_path):
    raw = tmp_path / "proj/corpus/raw/20130308"
    raw.mkdir(parents=True)
    for i in range(2):
        (raw / f"empty-{i}.txt").write_text("")
    (raw / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(CorpusRuleError) as err:
        build(tmp_path / "proj")
    first = str(err.value).splitlines()[0]
    assert first.startswith("corpus rule empty_corpus failed: every input was rejected (3 inputs: empty 2, ")
    assert first.endswith("the corpus would be empty")
    assert not (tmp_path / "proj/corpus/curated").exists() and not (tmp_path / "proj/reports").exists()


def test_the_validate_command_exits_1_with_the_message(built, tmp_path):
    write_no_dateline_batch(built / "corpus/raw")
    for stage in ("ingest", "clean", "dedup", "extract"):
        assert cli(stage, "--root", str(built), "--params", str(tmp_path / "none.yaml")).exit_code == 0
    r = cli("validate", "--root", str(built), "--params", str(tmp_path / "none.yaml"))
    assert r.exit_code == 1
    assert f"validate: {NULL_DATELINE}" in r.output


def test_dvc_repro_fails_and_keeps_the_lock_the_corpus_and_the_reports(tmp_path):
    raw = tmp_path / "raw"
    write_corpus(raw)
    proj = make_project(tmp_path / "proj", raw=raw)
    run([bin_path("dvc"), "repro"], proj)
    before = snapshot(proj, "corpus/curated", "reports")
    assert {"reports/quality.md", "reports/quality.html", "reports/metrics.json"} <= set(before)
    lock_before = yaml.safe_load((proj / "dvc.lock").read_text())["stages"]
    write_no_dateline_batch(proj / "corpus/raw")
    failed = run([bin_path("dvc"), "repro"], proj, check=False)
    assert failed.returncode != 0
    assert NULL_DATELINE in failed.stderr + failed.stdout
    assert snapshot(proj, "corpus/curated", "reports") == before
    # the stages before validate ran and are recorded; validate and report keep the old version
    lock_after = yaml.safe_load((proj / "dvc.lock").read_text())["stages"]
    assert lock_after["validate"] == lock_before["validate"] and lock_after["report"] == lock_before["report"]
    assert lock_after["ingest"] != lock_before["ingest"]
    assert failed_metrics_path(proj).exists()
    # the workspace outputs are still the ones dvc.lock records for validate
    status = json.loads(run([bin_path("dvc"), "status", "validate", "--json"], proj).stdout or "{}")
    assert not any("changed outs" in str(entry) for entry in status.get("validate", []))
