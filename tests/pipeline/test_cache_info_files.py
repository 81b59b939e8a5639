"""`curate cache info` accounts for every byte of the cache folder, not only the stage caches."""

from __future__ import annotations


from curate.engine.cache import AnnotationCache, cache_file
from curate.params import Params
from curate.pipeline.cache_prune import cache_info, render_info


def test_cache_info_counts_every_file_of_the_cache_folder(tmp_path):
    params = Params()
    folder = tmp_path / params.run.cache_dir
    cache = AnnotationCache(cache_file(tmp_path, params, "clean"))
    cache.put_many([(f"k{i}", b"v" * 1000) for i in range(20)])
    cache.close()
    folder.joinpath("check-corpus-0123456789abcdef01234567.pickle").write_bytes(b"p" * 225_000)
    folder.joinpath("notes.txt").write_bytes(b"x" * 10)
    folder.joinpath("report").mkdir()
    for i in range(3):  # one line for them all, however many shards the corpus has
        folder.joinpath(f"report/{i:064x}.summary").write_bytes(b"s" * 100)
    lines = render_info(cache_info(tmp_path, params), folder)
    on_disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert lines[-1] == f"{folder}: 20 entries, {on_disk:,} bytes in all"
    assert "check-corpus-*.pickle (curate check's corpus index): 1 file, 225,000 bytes" in lines
    assert "notes.txt: 1 file, 10 bytes" in lines
    assert "report/*.summary (the quality report's shard summaries): 3 files, 300 bytes" in lines
