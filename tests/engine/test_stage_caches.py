"""Stage caches (cleaning, annotations) make reruns cheap and never change an output byte."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import msgspec

from curate.params import CleanParams, ExtractParams, Params
from curate.clean.stage import run_clean
from curate.extract.stage import run_extract
from curate.readers.stage import run_ingest
from curate.dedup.part_summary import summary_folder
from curate.dedup.stage import run_dedup
from curate.layout import interim_dir
from tests.builders import build_stages, forget_parts, no_cache, one_worker, stage_bytes, with_sample


def outputs(root: Path, stage: str) -> bytes:
    return stage_bytes(root, stage) + b"--\n" + stage_bytes(root, stage, "rejected")


def test_second_clean_is_served_from_cache_with_identical_bytes(tmp_path):
    root = with_sample(tmp_path)
    params = Params()
    run_ingest(root, params)
    first = run_clean(root, params)
    before = outputs(root, "clean")
    forget_parts(root, "clean")
    second = run_clean(root, params)
    assert first.extra["cache_misses"] == first.inputs and first.extra["cache_hits"] == 0
    assert second.extra["cache_hits"] == second.inputs
    assert outputs(root, "clean") == before


def test_cached_clean_equals_uncached_clean(tmp_path):
    root = with_sample(tmp_path)
    cached, uncached = Params(), no_cache()
    run_ingest(root, cached)
    run_clean(root, cached)
    forget_parts(root, "clean")
    run_clean(root, cached)
    from_cache = outputs(root, "clean")
    forget_parts(root, "clean")
    run_clean(root, uncached)
    assert outputs(root, "clean") == from_cache


def test_changing_a_clean_parameter_misses_the_cache(tmp_path):
    root = with_sample(tmp_path)
    params = Params()
    run_ingest(root, params)
    run_clean(root, params)
    other = msgspec.structs.replace(params, clean=CleanParams(fix_mojibake=False))
    assert run_clean(root, other).extra["cache_hits"] == 0


def test_second_extract_annotates_nothing(tmp_path):
    root = with_sample(tmp_path)
    params = one_worker()
    build_stages(root, params, ("ingest", "clean", "dedup"))
    first = run_extract(root, params)
    before = outputs(root, "extract")
    forget_parts(root, "extract")
    second = run_extract(root, params)
    assert first.extra["cache_misses"] == first.inputs
    assert second.extra["cache_hits"] == second.inputs and second.extra["cache_misses"] == 0
    assert outputs(root, "extract") == before


def test_dedup_with_cached_signatures_equals_dedup_without_cache(tmp_path):
    root = with_sample(tmp_path)
    cached, uncached = Params(), no_cache()
    build_stages(root, cached, ("ingest", "clean"))
    first = run_dedup(root, cached)
    # second run without the part summaries dedup keeps beside its folder: every signature from
    # the MinHash cache
    shutil.rmtree(summary_folder(interim_dir(root, "dedup").parent))
    second = run_dedup(root, cached)
    assert second.extra["cache_hits"] == first.extra["cache_misses"] > 0
    assert second.extra["cache_misses"] == 0
    from_cache = outputs(root, "dedup")
    assert (root / ".curate-cache" / "minhash.sqlite").exists()
    forget_parts(root, "dedup")
    run_dedup(root, uncached)
    assert outputs(root, "dedup") == from_cache


def test_second_ingest_reads_only_new_or_changed_files(tmp_path):
    root = with_sample(tmp_path)
    params = Params()
    first = run_ingest(root, params)
    before = outputs(root, "ingest")
    forget_parts(root, "ingest")
    second = run_ingest(root, params)
    assert outputs(root, "ingest") == before
    assert second.extra["cache_hits"] == first.extra["cache_misses"] > 0
    # a changed file (new bytes, new mtime) is read again; the others come from the cache
    seed = root / "corpus/raw/seed/000_36da013c6c0019e4.txt"
    seed.write_text(seed.read_text().replace("Fred Hof", "Frederic Hof"))
    os.utime(seed, ns=(seed.stat().st_atime_ns, seed.stat().st_mtime_ns + 10**9))
    third = run_ingest(root, params)
    assert third.extra["cache_misses"] == 1
    assert b"Frederic Hof" in stage_bytes(root, "ingest")
    uncached = no_cache(params)
    with_cache = outputs(root, "ingest")
    run_ingest(root, uncached)
    assert outputs(root, "ingest") == with_cache


def test_a_shaping_parameter_change_reextracts_from_cached_annotations_with_the_same_languages(tmp_path):
    from curate.record import RECORD_DECODER

    decode_record = RECORD_DECODER.decode

    root = with_sample(tmp_path)
    params = one_worker()
    build_stages(root, params, ("ingest", "clean", "dedup"))
    run_extract(root, params)
    first = {r.id: r for r in map(decode_record, stage_bytes(root, "extract").splitlines())}
    other = msgspec.structs.replace(params, extract=ExtractParams(short_words=10_000))
    again = run_extract(root, other)
    second = {r.id: r for r in map(decode_record, stage_bytes(root, "extract").splitlines())}
    assert again.extra["cache_misses"] == again.inputs  # every record re-extracted ...
    assert again.extra["annotation_misses"] == 0        # ... with entities and language from the cache
    assert {i: r.language for i, r in second.items()} == {i: r.language for i, r in first.items()}
    assert "en" in {r.language for r in second.values()}
    assert all("very_short" in r.flags for r in second.values())
