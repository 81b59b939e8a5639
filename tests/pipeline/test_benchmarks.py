"""The benchmark scripts run end to end on the bundled sample and report every figure
docs/performance.md promises (the figures themselves are measured on ../shared/data, never
asserted on timing)."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow
STAGES = ["ingest", "clean", "dedup", "extract", "validate", "report"]

sys.path.insert(0, str(REPO / "benchmarks"))


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    import pipeline_bench

    keep = tmp_path_factory.mktemp("bench") / "proj"
    result = pipeline_bench.main(["--corpus", str(REPO / "corpus/raw"), "--new", "3", "--workers", "1",
                                  "--param-change", "--keep", str(keep)])
    return result, keep


def test_pipeline_bench_reports_each_stage_rate_and_memory(bench):
    result, _ = bench
    run = result["runs"][0]
    assert [s["stage"] for s in run["full_stages"]] == STAGES
    for s in run["full_stages"]:
        assert s["seconds"] > 0 and s["articles_per_s"] > 0 and s["words_per_s"] > 0, s
        assert s["peak_rss_mb"] > 20, s  # VmHWM of a Python process that imported curate


def test_pipeline_bench_measures_the_build_tree_and_the_spacy_floor(bench):
    result, _ = bench
    run = result["runs"][0]
    assert run["raw_files"] == 9 and run["incremental_new_files"] == 3
    assert run["baseline_same_texts"]["docs"] == run["annotated_docs"] > 0
    assert run["throughput_ratio_vs_spacy"] > 0
    # the floor is sampled like the build (same sampler overhead on both sides): a model in memory
    assert run["baseline_same_texts"]["tree_rss_mb"] > 50 and run["baseline_same_texts"]["tree_pss_mb"] > 0
    # the largest process of the build's tree is exact (ru_maxrss): at least any stage's own peak
    assert run["peak_rss_mb_build"] >= max(s["peak_rss_mb"] for s in run["full_stages"])
    # the sums are sampled (a stage of this tiny build can peak between samples); PSS <= RSS
    assert 0 < run["peak_tree_pss_mb_build"] <= run["peak_tree_rss_mb_build"] * 1.05
    # and who held it: DVC itself is always part of the build's tree
    assert any(name.startswith("dvc repro") for name in run["peak_tree_rss_by_process_mb"])


def test_pipeline_bench_times_noop_incremental_and_param_change_rebuilds(bench):
    result, _ = bench
    run = result["runs"][0]
    assert run["noop_repro_s"] > 0 and 0 < run["incremental_fraction"]
    assert [s["stage"] for s in run["incremental_stages"]] == STAGES
    # a parameter of extract only: ingest, clean and dedup are not rerun
    assert [s["stage"] for s in run["param_change_stages"]] == ["extract", "validate", "report"]


def test_memory_scale_reports_each_index_stage_at_both_sizes(bench):
    import memory_scale

    _, keep = bench
    result = memory_scale.main(["--project", str(keep), "--factor", "2"])
    assert result["2x"]["records_in"] == 2 * result["1x"]["records_in"] > 0
    for stage in ("dedup", "validate", "report"):
        assert result["1x"][stage]["peak_rss_mb"] > 20 and result["2x"][stage]["peak_rss_mb"] > 20
        assert stage in result["growth"]


def test_synthetic_articles_are_deterministic_and_extend_by_number(tmp_path):
    import synth_articles

    one = synth_articles.write_batches(tmp_path / "a", 7, 0, 30, 10)
    two = synth_articles.write_batches(tmp_path / "b", 7, 0, 40, 10)
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two[:3]]
    assert synth_articles.article(7, 5) != synth_articles.article(8, 5)


def test_synthetic_articles_hold_no_near_duplicates():
    import synth_articles

    from curate.dedup.clusters import find_clusters

    articles = [synth_articles.article(3, i) for i in range(400)]
    assert find_clusters([a["text"] for a in articles], [a["id"] for a in articles]) == []


def test_scale_bench_reports_every_figure_and_a_projection():
    import scale

    result = scale.main(["--articles", "100", "200", "--batch", "50", "--workers", "1"])
    small, big = result["runs"]
    assert (small["articles"], big["articles"], big["raw_files"], big["plus_1pct_articles"]) == (100, 200, 4, 2)
    assert list(big["full_stages"]) == STAGES and list(big["plus_1pct_stages"]) == STAGES
    for s in big["full_stages"].values():
        assert s["wall_s"] > 0 and s["peak_rss_mb"] > 20 and s["wall_ms_per_article"] > 0, s
    assert big["noop_s"] > 0 and 0 < big["plus_1pct_fraction"] and big["max_process_mb"] > 20
    # DVC's cache holds the outputs; the +1% build adds at least its new records to it
    assert big["dvc_cache_mb"] > 0 and big["plus_1pct_dvc_cache_growth_mb"] > 0
    # measured by the dedup stage itself, not a constant
    assert 100 < big["dedup_index_bytes_per_record"] <= 300
    assert big["full_stages"]["dedup"]["extra"]["index_bytes"] >= 200 * 100
    assert result["projection"]["to"] == 1_000_000 and result["projection"]["full_s"] > 0
