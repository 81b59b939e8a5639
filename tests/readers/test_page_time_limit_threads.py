"""The per-page time limit (`ingest.web.timeout_s`) outside a main thread: in a plain thread and
in the worker threads of a Dask cluster, where no SIGALRM reaches (curate/engine/thread_deadline.py)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import msgspec
import pytest

from curate.engine.thread_deadline import thread_deadline
from curate.params import IngestParams, Params, RunParams, WebParams
from curate.readers import read_file
from curate.readers.stage import run_ingest

from .web_builders import PARAGRAPHS, article_page, write_page

SLOW_PAGE = PARAGRAPHS * 4000  # its extraction takes seconds on this machine, unbounded


class Late(BaseException):
    pass


def in_a_thread(fn):
    """fn() run in a new (non-main) thread: (its result, seconds it took)."""
    out = {}

    def target():
        start = time.monotonic()
        out["value"] = fn()
        out["seconds"] = time.monotonic() - start

    t = threading.Thread(target=target)
    t.start()
    t.join()
    return out["value"], out["seconds"]


def test_a_python_loop_in_a_thread_is_cut_at_its_deadline():
    def spin():
        try:
            with thread_deadline(0.2, Late):
                while True:
                    pass
        except Late:
            return "cut"

    value, seconds = in_a_thread(spin)
    assert value == "cut" and seconds < 1.5


def test_a_block_that_ends_in_time_is_never_interrupted_afterwards():
    def many():
        for _ in range(200):
            with thread_deadline(0.001, Late):
                pass
        end = time.monotonic() + 0.3  # every deadline has passed meanwhile
        while time.monotonic() < end:
            pass
        return "untouched"

    assert in_a_thread(many)[0] == "untouched"


def test_a_block_whose_exception_was_swallowed_still_fails_when_it_ends_late():
    def swallowing():  # as a __del__ running in the thread when the exception lands swallows it
        try:
            with thread_deadline(0.2, Late):
                end = time.monotonic() + 0.8
                while time.monotonic() < end:
                    try:
                        while time.monotonic() < end:
                            pass
                    except Late:
                        pass
        except Late:
            return "failed"
        return "passed"

    assert in_a_thread(swallowing)[0] == "failed"


def test_a_slow_page_read_in_a_thread_is_rejected_timeout_before_it_would_end(tmp_path):
    """Cut, not judged once done: the bounded read ends well before the same page read without a
    bound, measured in the same test (about 0.4 s against 1.9 s on a quiet 2-core machine; under
    load both grow, the parse before the first check of the deadline too)."""
    write_page(tmp_path / "slow.html", article_page(paragraphs=SLOW_PAGE))
    _, unbounded = in_a_thread(lambda: read_file("slow.html", tmp_path, IngestParams(web=WebParams(timeout_s=600))))
    out, seconds = in_a_thread(lambda: read_file("slow.html", tmp_path, IngestParams(web=WebParams(timeout_s=0.3))))
    assert [o.reason for o in out] == ["timeout"] and "ingest.web.timeout_s" in out[0].detail
    assert seconds < 0.6 * unbounded, f"bounded {seconds:.2f} s, unbounded {unbounded:.2f} s"


def _ingest_on_dask_threads(root: Path, timeout_s: float):
    """run_ingest of `root` on a one-worker, two-thread Dask cluster: (its result, seconds)."""
    distributed = pytest.importorskip("distributed")
    from curate.engine.executors import DaskExecutor

    params = msgspec.structs.replace(Params(), run=RunParams(workers=1, cache_dir=None),
                                     ingest=IngestParams(web=WebParams(timeout_s=timeout_s)))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, DaskExecutor(cluster.scheduler_address) as ex:
        start = time.monotonic()
        result = run_ingest(root, params, executor=ex)
        return result, time.monotonic() - start


def test_pages_read_on_dask_worker_threads_are_cut_at_the_bound(tmp_path):
    """Cut on the workers' threads: the bounded ingest ends well before the same pages read
    without a bound on the same cluster shape, measured in the same test."""
    for n in range(3):
        write_page(tmp_path / f"corpus/raw/slow-{n}.html", article_page(paragraphs=SLOW_PAGE))
    full, unbounded = _ingest_on_dask_threads(tmp_path, 600)
    assert full.kept == 3
    result, seconds = _ingest_on_dask_threads(tmp_path, 0.3)
    assert result.rejected["timeout"] == 3 and result.kept == 0
    assert seconds < 0.6 * unbounded, f"bounded {seconds:.2f} s, unbounded {unbounded:.2f} s"
