"""`curate check` reads the corpus's MinHash signatures from the build's MinHash cache (the dedup
stage computed them), computing only those the cache lacks: a first check after a build costs a
cache read, not a MinHash pass over every corpus text, and gets the same signatures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.check.corpus_rule_fixtures import PARAMS, build, write_corpus

from curate.check.corpus import load_corpus
from curate.engine.cache import CACHE_FILES


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("built")
    write_corpus(root / "corpus/raw")
    build(root)
    return root


def _cache(root: Path) -> Path:
    return root / PARAMS.run.cache_dir


def test_without_a_cache_every_corpus_signature_is_computed(built):
    index = load_corpus(built / "corpus/curated", PARAMS)
    assert len(index.keys) > 0
    assert index.signed == {"cached": 0, "computed": len(index.keys)}


def test_after_a_build_the_corpus_signatures_come_from_its_minhash_cache(built, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / CACHE_FILES["minhash"]).write_bytes((_cache(built) / CACHE_FILES["minhash"]).read_bytes())
    fresh = load_corpus(built / "corpus/curated", PARAMS)
    cached = load_corpus(built / "corpus/curated", PARAMS, cache)
    assert cached.signed == {"cached": len(fresh.keys), "computed": 0}
    assert np.array_equal(cached.near.signatures, fresh.near.signatures)


def test_signatures_the_cache_lacks_are_computed_and_kept_for_the_next_check(built, tmp_path):
    cache = tmp_path / "cache"  # no minhash cache yet: every signature is computed, then stored
    first = load_corpus(built / "corpus/curated", PARAMS, cache)
    assert first.signed == {"cached": 0, "computed": len(first.keys)}
    for old in cache.glob("check-corpus-*.pickle"):
        old.unlink()  # the check's own copy of the index gone: the MinHash cache still has them
    again = load_corpus(built / "corpus/curated", PARAMS, cache)
    assert again.signed == {"cached": len(first.keys), "computed": 0}
    assert np.array_equal(again.near.signatures, first.near.signatures)


def test_an_unchanged_corpus_loads_its_saved_index_and_signs_nothing(built, tmp_path):
    cache = tmp_path / "cache"
    first = load_corpus(built / "corpus/curated", PARAMS, cache)
    again = load_corpus(built / "corpus/curated", PARAMS, cache)
    assert again.signed == {}
    assert np.array_equal(again.near.signatures, first.near.signatures)
