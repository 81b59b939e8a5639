"""MinHash signatures through the MinHash cache: one home for the lookup-then-compute round that
the dedup stage runs over its records and `curate check` over the corpus (curate/check/corpus.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from curate.engine.cache import AnnotationCache, text_cache_key
from curate.engine.executors import map_chunked
from curate.params import DedupParams


def cached_signatures(cache: AnnotationCache, prefix: str, hashes: Sequence[str], items: Sequence,
                      task: Callable[..., list[bytes]], dedup: DedupParams, executor) -> tuple[list[bytes], int]:
    """The encoded MinHash signature of each of `items` (what `task` signs: record lines for
    `signature_lines`, texts for `signature_texts`), in order: from `cache` by `prefix` + its
    content hash (`hashes`), the missing ones computed with `task` on `executor` (map_chunked: in
    this process for a few), a text met twice signed once, and stored in the cache. Also returns
    how many of `items` were found in the cache."""
    wanted = [text_cache_key(prefix, h) for h in hashes]
    found = cache.get_many(set(wanted))
    todo = {key: item for key, item in zip(wanted, items) if key not in found}
    fresh = list(zip(todo, map_chunked(executor, task, list(todo.values()), dedup)))
    found.update(fresh)
    cache.put_many(fresh)
    return [found[key] for key in wanted], sum(key not in todo for key in wanted)
