"""The page cache of an ingest task is the task's own, per thread: a Dask worker runs several
tasks at once in threads, and one task ending must neither close nor swap another's cache."""

from __future__ import annotations

import threading

from curate.readers import pages


def test_a_task_ending_in_one_thread_leaves_another_threads_page_cache_open(tmp_path):
    ends_first, both_in, first_done = threading.Barrier(2), threading.Barrier(2), threading.Event()
    seen: dict[str, tuple] = {}

    def task(name: str, wait_for_other: bool) -> None:
        path = str(tmp_path / f"pages-{name}.sqlite")
        with pages.active(path, f"{name}:"):
            cache, prefix = pages.active_cache()
            both_in.wait(5)
            if wait_for_other:
                first_done.wait(5)  # the other task has left its block meanwhile
                cache.put_many([(f"{name}-key", b"page")])  # still open
                seen[name] = (pages.active_cache(), cache, prefix, cache.get_many([f"{name}-key"]))
        if not wait_for_other:
            first_done.set()
        ends_first.wait(5)
        seen[name + "-after"] = pages.active_cache()

    threads = [threading.Thread(target=task, args=("a", False)), threading.Thread(target=task, args=("b", True))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    (still, cache, prefix, got) = seen["b"]
    assert still == (cache, "b:") and prefix == "b:"
    assert got == {"b-key": b"page"}
    assert seen["a-after"] == (None, "") and seen["b-after"] == (None, "")


def test_a_block_inside_another_restores_the_outer_cache_on_exit(tmp_path):
    with pages.active(str(tmp_path / "outer.sqlite"), "outer:"):
        outer = pages.active_cache()
        with pages.active(None, ""):
            assert pages.active_cache() == (None, "")
        assert pages.active_cache() == outer
    assert pages.active_cache() == (None, "")
