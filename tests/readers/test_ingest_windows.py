"""Ingest reads raw files in windows bounded by file count and raw bytes, in path order."""

from __future__ import annotations

from curate.readers.stage import file_windows


def test_windows_close_at_the_byte_bound_and_keep_path_order():
    files = [f"batch-{i:03d}.jsonl" for i in range(10)]
    sizes = dict.fromkeys(files, 30)
    windows = list(file_windows(files, sizes, max_files=100, max_bytes=100))
    assert [len(w) for w in windows] == [3, 3, 3, 1]
    assert [f for w in windows for f in w] == files


def test_windows_close_at_the_file_bound():
    files = [f"a{i}.txt" for i in range(5)]
    windows = list(file_windows(files, {}, max_files=2, max_bytes=100))
    assert windows == [["a0.txt", "a1.txt"], ["a2.txt", "a3.txt"], ["a4.txt"]]


def test_a_file_larger_than_the_bound_is_a_window_alone():
    files = ["a", "big", "c"]
    windows = list(file_windows(files, {"a": 10, "big": 500, "c": 10}, max_files=100, max_bytes=100))
    assert windows == [["a"], ["big"], ["c"]]
