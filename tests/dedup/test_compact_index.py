"""Dedup's compact index: under 300 bytes a record in memory, and the decisions of the full one."""

from __future__ import annotations

import hashlib
import tracemalloc

import numpy as np

from curate.dedup.decisions import DedupKey, _SourceKey, dedup_decisions
from curate.dedup.key_table import KeyTable
from curate.dedup.lsh import MinHasher, candidate_pairs
from curate.dedup.near_dup import NearDupIndex
from curate.dedup.spill import SpilledRows
from curate.params import Params
from curate.record import Reason
from tests.builders import synthetic_article


def key(i: int, text: str, rid: str | None = None) -> DedupKey:
    return DedupKey(id=rid or f"jsonl-a{i:05d}", content_hash=hashlib.sha256(text.encode()).hexdigest(),
                    date="2013-05-10", published_at=f"2013-05-10T{i % 24:02d}:00:00+00:00",
                    source=_SourceKey(path=f"batch-{i // 1000:03d}.jsonl", line=i % 1000 + 1))


def test_the_compact_index_holds_at_most_300_bytes_a_record(tmp_path):
    n = 3000
    texts = [synthetic_article(i % 50, seed=i // 50) for i in range(n)]
    signer = NearDupIndex(Params().dedup)
    encoded = [signer.encoded_signature(t) for t in texts]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        keys = KeyTable(lambda wanted: {})
        near = NearDupIndex(Params().dedup, spill=tmp_path / "sigs")
        for i, (text, enc) in enumerate(zip(texts, encoded)):
            keys.add(key(i, text))
            near.add_encoded(enc)
        near.flush()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        near.close()
    assert len(keys) == len(near) == n
    assert held / n <= 300, f"{held / n:.0f} bytes a record"
    assert (keys.nbytes + near.nbytes) / n <= 300


def corpus() -> tuple[list[DedupKey], list[str]]:
    """300 distinct articles, then a near copy (one word changed), an exact copy and a later
    version of the same story id of some of them."""
    texts = [synthetic_article(i % 30, seed=i // 30) for i in range(300)]
    keys = [key(i, t) for i, t in enumerate(texts)]
    for j, i in enumerate(range(0, 300, 37)):
        near = texts[i].replace("Officials", "Ministers", 1)
        texts += [near, texts[i + 1], texts[i + 2] + " Updated."]
        keys += [key(300 + 3 * j, near), key(301 + 3 * j, texts[i + 1]),
                 key(302 + 3 * j, texts[-1], rid=keys[i + 2].id)]
    return keys, texts


def test_the_compact_index_decides_as_the_full_one(tmp_path):
    keys, texts = corpus()
    full = NearDupIndex(Params().dedup)
    compact = NearDupIndex(Params().dedup, spill=tmp_path / "sigs")
    for t in texts:
        full.add(t)
        compact.add(t)
    asked: list[int] = []

    def load(wanted):
        asked.extend(wanted)
        return {i: keys[i] for i in wanted}

    table = KeyTable(load)
    for k in keys:
        table.add(k)
    reload = lambda wanted: ((i, texts[i]) for i in wanted)  # noqa: E731
    expected = dedup_decisions(keys, Params(), near=full, reload=reload)
    got = dedup_decisions(table, Params(), near=compact, reload=reload)
    compact.close()
    assert {r for r, _, _ in expected.values()} >= {Reason.NEAR_DUPLICATE, Reason.DUPLICATE, Reason.DUPLICATE_ID}
    assert got == expected
    assert len(set(asked)) < len(keys) / 4  # only the records some rule compares were read back


def test_short_band_keys_that_collide_change_no_candidate_pair():
    h = MinHasher()
    texts = [synthetic_article(i) for i in range(20)] + [synthetic_article(3)]
    sigs = np.vstack([h.signature(t) for t in texts])
    colliding = np.zeros((len(texts), 40), dtype=np.uint32)  # every short key equal
    assert candidate_pairs(sigs, 40, 3, short_keys=colliding).tolist() == candidate_pairs(sigs, 40, 3).tolist()


def test_spilled_rows_read_back_as_the_array_they_were_written_from(tmp_path):
    sigs = np.arange(40 * 8, dtype=np.uint32).reshape(40, 8)
    (tmp_path / "sigs").write_bytes(sigs.tobytes())
    rows = SpilledRows(tmp_path / "sigs", 40, 8)
    try:
        idx = np.array([7, 3, 7, 39])
        assert (rows[5] == sigs[5]).all()
        assert (rows[idx] == sigs[idx]).all()
        assert (rows[idx, 2:5] == sigs[idx, 2:5]).all()
    finally:
        rows.close()


def test_repeated_marks_exactly_the_values_that_occur_twice_or_more():
    from curate.dedup.lsh import repeated

    rng = np.random.default_rng(3)
    for dtype, n in ((np.uint32, 5000), (np.uint64, 5000), (np.uint32, 1), (np.uint64, 0)):
        values = rng.integers(0, np.iinfo(dtype).max, n, dtype=np.uint64).astype(dtype)
        values[: n // 10] = values[n // 10: 2 * (n // 10)]  # planted repeats
        counts = {v: c for v, c in zip(*np.unique(values, return_counts=True))}
        assert repeated(values).tolist() == [counts[v] >= 2 for v in values]
