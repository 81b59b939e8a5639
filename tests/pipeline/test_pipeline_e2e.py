"""End to end: `dvc repro` in a temp git repo over the bundled sample, as a new user runs it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from curate.engine.io import iter_records, iter_rejected
from tests.conftest import bin_path, make_project, run

pytestmark = pytest.mark.slow


def curated_digest(proj: Path) -> dict[str, str]:
    out = {}
    for path in sorted((proj / "corpus/curated").rglob("*.json*")):
        if path.is_file():
            out[str(path.relative_to(proj))] = hashlib.sha256(path.read_bytes()).hexdigest()
    out["reports/metrics.json"] = hashlib.sha256((proj / "reports/metrics.json").read_bytes()).hexdigest()
    return out


# `built` (tests/conftest.py): the sample built by `dvc repro`, with each stage's stats line


def test_every_stage_reports_time_and_memory_for_the_benchmark(built):
    lines = [json.loads(x) for x in (built.parent / "stage-stats.jsonl").read_text().splitlines()]
    assert [s["stage"] for s in lines] == ["ingest", "clean", "dedup", "extract", "validate", "report"]
    for s in lines:
        assert s["seconds"] > 0 and s["peak_rss_mb"] > 0, s
    extract = lines[3]
    assert extract["cpu_seconds"] > 0 and extract["inputs"] == extract["kept"] > 0


def test_repro_writes_sharded_curated_corpus(built):
    shards = sorted((built / "corpus/curated/articles").glob("part-*.jsonl"))
    assert shards, "no shards written"
    ids = [r.id for s in shards for r in iter_records(s)]
    assert len(ids) == len(set(ids)), "record ids are not unique"
    for shard in shards:
        shard_ids = [r.id for r in iter_records(shard)]
        assert shard_ids == sorted(shard_ids), f"{shard.name} is not sorted by id"


def test_metrics_account_for_every_input(built):
    m = json.loads((built / "reports/metrics.json").read_text())
    assert m["inputs"] == m["accepted"] + sum(m["rejected_by_reason"].values())
    assert m["accounting_ok"] is True
    rejected_lines = sum(1 for p in (built / "corpus/curated/rejected").glob("*.jsonl") for _ in iter_rejected(p))
    assert rejected_lines == m["rejected"]
    assert m["accepted"] == sum(1 for p in (built / "corpus/curated/articles").glob("*.jsonl") for _ in iter_records(p))


def test_rejected_files_are_named_by_reason_and_carry_detail(built):
    paths = sorted((built / "corpus/curated/rejected").glob("*.jsonl"))
    assert paths, "the sample has rejections: no rejected file written"
    for path in paths:
        for rej in iter_rejected(path):
            assert rej.reason == path.stem
            assert rej.detail


def test_second_repro_runs_no_stage(built):
    out = run([bin_path("dvc"), "repro"], built).stdout
    assert "Running stage" not in out, out


def test_seed_article_record_in_curated_corpus(built):
    seed = [r for p in (built / "corpus/curated/articles").glob("*.jsonl") for r in iter_records(p)
            if r.source.path.endswith("000_36da013c6c0019e4.txt")]
    assert len(seed) == 1
    r = seed[0]
    assert r.date == "2012-06-08"
    assert r.dateline == "MOSCOW"
    assert r.credits["writing"] == ["Steve Gutterman"]
    assert r.credits["editing"] == ["Mark Heinrich"]
    assert r.text.startswith("A U.S. special envoy met Russian officials")
    assert "date 2012-06-08" not in r.text and "(Writing by" not in r.text
    ents = {(e.text, e.label) for e in r.entities}
    assert ("Fred Hof", "PERSON") in ents and ("Syria", "GPE") in ents
    assert all(r.text[e.start:e.end] == e.text for e in r.entities)
    assert r.provenance.model and r.provenance.model_version
    assert r.language == "en" and r.provenance.rules["language"] == "py3langid/3"


def test_rebuild_from_scratch_with_other_worker_count_is_byte_identical(built, tmp_path):
    other = make_project(tmp_path / "proj2")
    params = (other / "params.yaml").read_text().replace("workers: auto", "workers: 1")
    (other / "params.yaml").write_text(params)
    run([bin_path("curate"), "run"], other)
    a, b = curated_digest(built), curated_digest(other)
    assert a == b
