"""The ingest stage on an executor: outputs byte-identical for any worker count, each HTML page
extracted once whatever file holds it, the per-page time bound working inside worker processes."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import msgspec

from curate.engine.executors import LocalExecutor
from curate.params import IngestParams, Params, RunParams, WebParams
from curate.pipeline.cache_prune import prune
from curate.readers.stage import run_ingest
from tests.builders import stage_bytes

from .web_builders import crawl_warc, page_for, write_page


def params(workers: int = 1, **web) -> Params:
    return msgspec.structs.replace(Params(), run=RunParams(workers=workers),
                                   ingest=IngestParams(web=WebParams(**web)))


def raw_folder(root: Path) -> Path:
    raw = root / "corpus/raw"
    for n in range(1, 12):
        write_page(raw / f"pages/story-{n:02d}.html", page_for(n), gz=n % 2 == 0)
    crawl_warc(raw / "crawls/a.warc.gz", pages=10)
    (raw / "notes/plain.txt").parent.mkdir(parents=True)
    (raw / "notes/plain.txt").write_text("A title line\n\nSome prose that is no web page at all.\n")
    return raw


def outputs(root: Path) -> dict[str, bytes]:
    return {kind: stage_bytes(root, "ingest", kind) for kind in ("records", "rejected", "skipped")}


def page_cache_keys(root: Path) -> set[str]:
    db = sqlite3.connect(root / ".curate-cache/pages.sqlite")
    try:
        return {k for (k,) in db.execute("SELECT key FROM annotations")}
    finally:
        db.close()


def test_outputs_are_byte_identical_for_one_and_two_workers(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    raw_folder(one)
    shutil.copytree(one / "corpus", two / "corpus")
    r1 = run_ingest(one, params(workers=1))
    r2 = run_ingest(two, params(workers=2))
    assert outputs(one) == outputs(two)
    assert (r1.inputs, r1.kept) == (r2.inputs, r2.kept) == (22, 22)
    assert r2.extra["page_misses"] == 10 and r2.extra["cache_misses"] == 13


def test_outputs_do_not_depend_on_a_warm_page_cache(tmp_path):
    raw_folder(tmp_path)
    run_ingest(tmp_path, params(workers=2))
    cold = outputs(tmp_path)
    shutil.rmtree(tmp_path / "corpus/interim")
    (tmp_path / ".curate-cache/ingest.sqlite").unlink()  # files are read again, pages come from cache
    again = run_ingest(tmp_path, params(workers=2))
    assert outputs(tmp_path) == cold
    assert again.extra["page_hits"] == 10 and again.extra["page_misses"] == 0


def test_the_same_page_in_two_warc_files_or_saved_again_is_extracted_once(tmp_path):
    raw = raw_folder(tmp_path)
    run_ingest(tmp_path, params())
    before = page_cache_keys(tmp_path)
    shutil.copy(raw / "crawls/a.warc.gz", raw / "crawls/b-copy.warc.gz")
    shutil.copy(raw / "pages/story-01.html", raw / "pages/renamed.html")
    result = run_ingest(tmp_path, params())
    # the WARC pages of both archives come from the page cache (streamed, not extracted)
    assert result.extra["page_hits"] == 20 and result.extra["page_misses"] == 0
    assert page_cache_keys(tmp_path) == before  # the renamed page hit the cache too
    assert result.kept == 22 + 10 + 1


def test_a_page_found_twice_keeps_each_place(tmp_path):
    raw = raw_folder(tmp_path)
    shutil.copy(raw / "crawls/a.warc.gz", raw / "crawls/b.warc.gz")
    run_ingest(tmp_path, params(workers=2))
    lines = outputs(tmp_path)["records"].decode().splitlines()
    paths = [msgspec.json.decode(ln)["source"]["path"] for ln in lines]
    assert paths.count("crawls/a.warc.gz") == paths.count("crawls/b.warc.gz") == 10


def test_page_timeout_works_inside_worker_processes(tmp_path):
    raw_folder(tmp_path)
    executor = LocalExecutor(2)
    try:
        result = run_ingest(tmp_path, params(workers=2, timeout_s=0.0005), executor=executor)
        assert executor._pool is not None  # the pages were read by worker processes
    finally:
        executor.close()
    assert result.rejected["timeout"] == 21 and result.kept == 1  # the plain text file
    assert not (tmp_path / ".curate-cache/pages.sqlite").exists() or page_cache_keys(tmp_path) == set()


def test_prune_keeps_the_pages_of_current_raw_files_and_drops_a_deleted_one(tmp_path):
    from curate.clean.stage import run_clean
    from curate.dedup.stage import run_dedup
    from curate.extract.stage import run_extract

    raw = raw_folder(tmp_path)
    (raw / "pages/extra.html").write_text(page_for(99))
    p = params()

    def build():
        for stage in (run_ingest, run_clean, run_dedup, run_extract):
            stage(tmp_path, p)

    build()
    before = page_cache_keys(tmp_path)
    (raw / "pages/extra.html").unlink()
    build()
    result = prune(tmp_path, p)
    assert len(before) == 22 and len(page_cache_keys(tmp_path)) == 21  # 12 saved pages, 10 in the WARC
    assert {s.name: s.removed for s in result.caches}["pages"] == 1


def test_a_warc_streamed_in_small_rounds_gives_the_same_outputs(tmp_path, monkeypatch):
    from curate.readers import stage

    one, small = tmp_path / "one", tmp_path / "small"
    raw_folder(one)
    shutil.copytree(one / "corpus", small / "corpus")
    run_ingest(one, params())
    monkeypatch.setattr(stage, "PAGE_WINDOW", 3)  # ten pages in four rounds
    run_ingest(small, params(workers=2))
    assert outputs(one) == outputs(small)


def test_a_dask_cluster_gives_the_local_bytes(tmp_path):
    import pytest

    distributed = pytest.importorskip("distributed")
    from curate.engine.executors import DaskExecutor

    local, dask = tmp_path / "local", tmp_path / "dask"
    raw_folder(local)
    shutil.copytree(local / "corpus", dask / "corpus")
    run_ingest(local, params())
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        ex = DaskExecutor(cluster.scheduler_address)
        try:
            run_ingest(dask, params(), executor=ex)
        finally:
            ex.close()
    assert outputs(dask) == outputs(local)
