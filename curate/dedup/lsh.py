"""MinHash signatures and LSH banding: the word hashing, the signature of a text, the band
parameters for a threshold, candidate pairs and Jaccard estimates. Pure functions over arrays."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable

import numpy as np

SEED = 20240604                 # fixed: signatures must be identical across processes and runs
MAX_MISS = 0.005                # LSH choice: P(pair at the threshold is not a candidate) <= this
BIG_BUCKET = 50                 # buckets larger than this are verified as a star, not all pairs
VERIFY_CHUNK = 65_536           # candidate pairs compared per numpy call (bounds memory)

_U32 = np.uint64(32)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)

_LSH_CACHE: dict[tuple[float, int], tuple[int, int]] = {}




_WORD = re.compile(r"\w+")

_POLY = np.uint64(0x9E3779B97F4A7C15)

EMPTY = np.uint32(0xFFFFFFFF)   # signature value of a record without any word

def normalise_words(text: str) -> list[str]:
    """Lowercased words; punctuation and whitespace runs are separators."""
    return _WORD.findall(text.lower())

class _WordHashes(dict):
    """word -> 64-bit blake2b hash, computed once per distinct word (deterministic)."""

    max_size = 2_000_000

    def __missing__(self, word: str) -> int:
        if len(self) >= self.max_size:  # bound memory on pathological vocabularies
            self.clear()
        value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
        self[word] = value
        return value

def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, in place on a uint64 array."""
    x ^= x >> _S30
    x *= _MIX1
    x ^= x >> _S27
    x *= _MIX2
    x ^= x >> _S31
    return x

class MinHasher:
    """Text → shingle hashes → MinHash signature (uint32[num_perm]); deterministic."""

    def __init__(self, num_perm: int = 128, shingle_words: int = 5, seed: int = SEED):
        if num_perm < 2 or shingle_words < 1:
            raise ValueError("num_perm must be >= 2 and shingle_words >= 1")
        self.num_perm = num_perm
        self.shingle_words = shingle_words
        rng = np.random.default_rng(seed)  # PCG64: the same stream on every platform
        self._a = (rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
        self._b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) << np.uint64(1)
        self._a = self._a.reshape(-1, 1)
        self._b = self._b.reshape(-1, 1)
        self._words = _WordHashes()

    def shingles(self, text: str) -> np.ndarray:
        """64-bit hashes of the text's word n-grams (with repeats); empty for a text without words."""
        words = normalise_words(text)
        n = len(words)
        if n == 0:
            return np.empty(0, dtype=np.uint64)
        toks = np.fromiter(map(self._words.__getitem__, words), dtype=np.uint64, count=n)
        k = min(self.shingle_words, n)
        m = n - k + 1
        h = toks[:m].copy()
        for j in range(1, k):
            h *= _POLY
            h += toks[j:j + m]
        return _mix64(h)

    def shingle_set(self, text: str) -> np.ndarray:
        return np.unique(self.shingles(text))

    def signature(self, text: str) -> np.ndarray:
        return self.signature_of(self.shingles(text))

    def signature_of(self, shingles: np.ndarray) -> np.ndarray:
        if shingles.size == 0:
            return np.full(self.num_perm, EMPTY, dtype=np.uint32)
        v = self._a * shingles      # (num_perm, n), wraps mod 2^64
        v += self._b
        return (v.min(axis=1) >> _U32).astype(np.uint32)

    def signatures(self, texts: Iterable[str]) -> np.ndarray:
        rows = [self.signature(t) for t in texts]
        if not rows:
            return np.empty((0, self.num_perm), dtype=np.uint32)
        return np.vstack(rows)

def _s_curve(s: np.ndarray, bands: int, rows: int) -> np.ndarray:
    return 1.0 - (1.0 - s ** rows) ** bands

def optimal_lsh_params(threshold: float, num_perm: int, max_miss: float = MAX_MISS) -> tuple[int, int]:
    """(bands, rows), bands*rows <= num_perm: the least false-positive area below the threshold
    among the choices that miss a pair exactly at the threshold with probability <= max_miss."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    lo = np.linspace(0.0, threshold, 201)
    best, best_cost = None, (math.inf, math.inf)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            miss = 1.0 - float(_s_curve(np.array(threshold), bands, rows))
            fp = float(np.trapezoid(_s_curve(lo, bands, rows), lo))
            cost = (0.0, fp) if miss <= max_miss else (miss, fp)  # feasible first, then least FP
            if cost < best_cost:
                best, best_cost = (bands, rows), cost
    return best

def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    key = (round(threshold, 6), num_perm)
    if key not in _LSH_CACHE:
        _LSH_CACHE[key] = optimal_lsh_params(threshold, num_perm)
    return _LSH_CACHE[key]

def margin(threshold: float, num_perm: int) -> float:
    """3 standard errors of the MinHash Jaccard estimate at the threshold."""
    return 3.0 * math.sqrt(threshold * (1.0 - threshold) / num_perm)

def _band_keys(sigs: np.ndarray, start: int, stop: int) -> np.ndarray:
    """One 64-bit key per row for signature columns [start, stop)."""
    return _band_keys_at(sigs[:, start:stop], start)


def _band_keys_at(cols: np.ndarray, start: int) -> np.ndarray:
    """The 64-bit band keys of `cols`, the columns of the band starting at column `start`."""
    key = np.full(cols.shape[0], ((start + 1) * int(_POLY)) & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    for c in range(cols.shape[1]):
        key *= _MIX1
        key += cols[:, c].astype(np.uint64)
        key ^= key >> _S31
    return _mix64(key)


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(N, bands) uint32: the low 32 bits of each row's 64-bit band keys (what a compact index
    keeps; rows sharing a 64-bit key always share these, the converse is checked)."""
    out = np.empty((sigs.shape[0], bands), dtype=np.uint32)
    for band in range(bands):
        out[:, band] = _band_keys(sigs, band * rows, (band + 1) * rows).astype(np.uint32)
    return out


def _bucket_pairs(keys: np.ndarray, idx: np.ndarray, found: list[np.ndarray]) -> None:
    """Append the pairs of the rows `idx` sharing a 64-bit key `keys` (one band) to `found`."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    if sk.size < 2:
        return
    same = sk[1:] == sk[:-1]
    if not same.any():
        return
    starts = np.flatnonzero(np.r_[True, ~same])
    sizes = np.diff(np.r_[starts, sk.size])
    pair_starts = starts[sizes == 2]
    if pair_starts.size:
        found.append(np.stack([idx[order[pair_starts]], idx[order[pair_starts + 1]]], axis=1))
    for s, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist()):
        members = np.sort(idx[order[s:s + size]])
        if size <= BIG_BUCKET:
            ii, jj = np.triu_indices(size, 1)
            found.append(np.stack([members[ii], members[jj]], axis=1))
        else:  # a star on the smallest index and a chain: linear in the bucket size
            found.append(np.stack([np.full(size - 1, members[0]), members[1:]], axis=1))
            found.append(np.stack([members[1:-1], members[2:]], axis=1))


def repeated(values: np.ndarray) -> np.ndarray:
    """Mask of the entries whose value occurs more than once (unsigned integers: hashes). A
    count of their low bits in a table of 4-8 slots an entry rules out most singles in linear
    time (about 7 times faster than sorting them all at 100,000); the rest are sorted."""
    if values.size < 2:
        return np.zeros(values.size, dtype=bool)
    bits = int(values.size).bit_length() + 2
    slots = (values & np.array((1 << bits) - 1, dtype=values.dtype)).astype(np.intp)
    maybe = np.flatnonzero(np.bincount(slots, minlength=1 << bits)[slots] >= 2)
    dup = np.zeros(values.size, dtype=bool)
    dup[maybe[_sorted_repeated(values[maybe])]] = True
    return dup


def _sorted_repeated(values: np.ndarray) -> np.ndarray:
    """`repeated` by sorting every entry."""
    order = np.argsort(values, kind="stable")
    sv = values[order]
    dup = np.zeros(values.size, dtype=bool)
    if sv.size >= 2:
        same = sv[1:] == sv[:-1]
        dup[order[1:][same]] = True
        dup[order[:-1][same]] = True
    return dup


def candidate_pairs(sigs: np.ndarray, bands: int, rows: int, active: np.ndarray | None = None,
                    usable: np.ndarray | None = None, short_keys: np.ndarray | None = None) -> np.ndarray:
    """Unique index pairs (i < j) sharing at least one LSH band, as an (M, 2) int64 array.

    `usable` (bool per row): rows with a signature (default: computed from `sigs`). With
    `short_keys` (`band_keys`), a band's 64-bit keys are computed only for the rows whose short
    key repeats, reading just those rows of `sigs` (which may be a file mapping): same pairs."""
    n = sigs.shape[0]
    idx = np.arange(n, dtype=np.int64)
    if usable is None:
        usable = sigs[:, 0] != EMPTY if n else np.zeros(0, dtype=bool)
    usable = usable.copy()
    if active is not None:
        usable &= active
    idx = idx[usable]
    sub = sigs[usable] if short_keys is None else None
    found: list[np.ndarray] = []
    for band in range(bands):
        if short_keys is None:
            _bucket_pairs(_band_keys(sub, band * rows, (band + 1) * rows), idx, found)
            continue
        rep = idx[repeated(short_keys[idx, band])]
        if rep.size:
            cols = np.asarray(sigs[rep, band * rows:(band + 1) * rows])
            _bucket_pairs(_band_keys_at(cols, band * rows), rep, found)
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    pairs = np.sort(pairs, axis=1)
    return np.unique(pairs, axis=0)


def estimate_jaccard(sigs: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    out = np.empty(len(pairs), dtype=np.float64)
    for s in range(0, len(pairs), VERIFY_CHUNK):
        p = pairs[s:s + VERIFY_CHUNK]
        out[s:s + len(p)] = (sigs[p[:, 0]] == sigs[p[:, 1]]).mean(axis=1)
    return out

def exact_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard of two sorted unique shingle-hash arrays."""
    if a.size == 0 and b.size == 0:
        return 1.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)
