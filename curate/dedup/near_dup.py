"""Near-duplicate detection: MinHash signatures, LSH banding, verification, clusters.

Rule `minhash-lsh/1` (the name a rejected record's detail cites; change it when results change):

1. **Text → shingles.** The text is normalised (lowercased; every run of non-word characters, i.e.
   punctuation and whitespace, is one separator) and split into words. A shingle is a run of
   `shingle_words` consecutive words (a text with fewer words is one shingle). Each distinct word is
   hashed once to 64 bits with blake2b (cached per process), a shingle's hash is a polynomial of its
   word hashes in uint64 arithmetic followed by the splitmix64 finaliser. Everything is a pure
   function of the text: identical across processes, machines and runs (Python's `hash()` is never
   used).
2. **MinHash.** `num_perm` hash functions h_i(x) = (a_i * x + b_i) mod 2^64 with odd a_i (a
   permutation of the 64-bit space), a_i, b_i drawn once from a fixed seed. A record's signature is,
   for each i, the top 32 bits of min over its shingles of h_i(x): `num_perm` uint32 values, vectorised
   in numpy. Only signatures are kept (512 bytes a record at 128 permutations), never texts; the
   stage's index (`spill`) keeps them in a scratch file and reads back only candidates' rows.
3. **LSH.** The first bands*rows signature values are cut into `bands` bands of `rows` values; two
   records sharing all values of any band are a candidate pair. Every candidate is verified, so a
   false positive only costs a comparison while a false negative is a lost duplicate: (bands, rows)
   is the choice with the least false-positive area under the S-curve 1-(1-s^r)^b below the
   threshold among those that make a pair exactly at the threshold a candidate with probability
   >= 0.995 (datasketch's `_optimal_param` weighs both areas instead, and at 0.8 picks curves that
   miss a quarter of the pairs at the threshold). At threshold 0.8 and 128 permutations: 18 bands
   of 6 rows, P(candidate) = 0.996 at Jaccard 0.8, 0.25 at 0.5, 0.013 at 0.3. A band's key is a
   64-bit hash of its values; the stage's index holds only its low 32 bits per record and
   computes the full key for the records whose short key repeats: the same pairs.
4. **Verification.** A candidate pair is a near duplicate when the Jaccard similarity J of the
   shingle sets is >= `near_threshold`, or when the shorter text lies almost wholly inside the longer
   one: containment C = |A & B| / min(|A|, |B|) >= `near_containment` with J >= `near_min_jaccard`
   (a paragraph added to a short story leaves J near 0.7 but C near 1; distinct stories sharing a
   lead sentence, a disclaimer and a sign-off have a low C). J is estimated as the fraction of equal
   signature values, C from J and the exact set sizes (|A & B| = J (|A| + |B|) / (1 + J)). A pair
   whose decision would change within 3 standard errors of the estimate is borderline and decided by
   the exact sets when the caller can give its texts back (a second pass over those few texts
   only), else by the estimate. With containment on, the LSH curve is tuned for `near_min_jaccard`
   (more candidates, all verified).
5. **Clusters.** Verified pairs are joined with union-find. In each cluster the kept record is the
   earliest published (published_at converted to UTC; a bare date counts as the start of that day;
   a record without any date sorts last), ties broken by the smallest id. Every other member is a near
   duplicate of the kept one; its detail gives its Jaccard similarity with the kept record.
   The partition and the kept records do not depend on the input order.

Known limit: union-find is transitive, so in a chain A~B~C the record C may join A's cluster with a
similarity to A below the threshold (the detail says so).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from curate.params import DedupParams
from curate.dedup.spill import SegmentRows, SpilledRows
from curate.dedup.lsh import (BIG_BUCKET, EMPTY, MAX_MISS, SEED, VERIFY_CHUNK, MinHasher, band_keys,  # noqa: F401
                              candidate_pairs, estimate_jaccard, exact_jaccard, lsh_params, margin)

RULE = "minhash-lsh/1"


def utc_text(timestamp: str | None) -> str:
    """A timestamp as a string that sorts in time order: with an offset, converted to UTC (so
    `10:00-04:00` comes after `13:00+00:00`); a naive time as written; "" for none or unreadable.
    The one rule every dedup decision orders publication times by."""
    if not timestamp:
        return ""
    try:
        dt = datetime.fromisoformat(timestamp)
    except ValueError:
        return ""
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt.isoformat()


def order_key(record_id: str, published_at: str | None = None, date: str | None = None) -> tuple:
    """The keep rule: earliest publication (UTC), then smallest id; records without a date last."""
    when = utc_text(published_at) or date
    return (0, when, record_id) if when else (1, "", record_id)


@dataclass(frozen=True)
class Cluster:
    """Indices of one near-duplicate cluster: `kept` and the rejected `members` (sorted)."""

    kept: int
    members: tuple[int, ...]
    similarity: dict[int, float] = field(default_factory=dict)  # member -> Jaccard with kept
    exact: dict[int, bool] = field(default_factory=dict)        # similarity is exact, not estimated
    containment: dict[int, float] = field(default_factory=dict)  # member -> shorter-in-longer share

    @property
    def size(self) -> int:
        return 1 + len(self.members)


class NearDupIndex:
    """Signatures of records added one at a time (streaming); clusters found once all are in.

    >>> index = NearDupIndex(DedupParams())
    >>> for text in texts: index.add(text)
    >>> clusters = index.clusters(order_keys)

    With `spill` (a scratch file path) the index is compact: signatures go to that file as they
    come (read back with pread only for the rows of candidate pairs), and memory holds per record only the
    low 32 bits of its LSH band keys, its distinct-shingle count and whether it has words
    (`nbytes`: 4 x bands + 5 bytes, 165 at the default settings). The pairs are the same.
    With `segments` the index is as compact, its rows added a block at a time (`add_part`: the
    signature file and compact columns the stage keeps per clean part).
    """

    def __init__(self, params: DedupParams | None = None, hasher: MinHasher | None = None,
                 spill: Path | None = None, segments: bool = False):
        self.params = params or DedupParams()
        self.hasher = hasher or MinHasher(self.params.num_perm, self.params.shingle_words)
        self.compact = spill is not None or segments
        self._sigs = np.empty((0 if self.compact else 1024, self.hasher.num_perm), dtype=np.uint32)
        self._sizes = np.empty(1024, dtype=np.int64)  # distinct shingles per record
        self._n = 0
        self.stats: dict[str, int] = {}
        self.spill = spill
        self._pending: list[bytes] = []
        self._rows: SegmentRows | None = None
        if self.compact:
            self.bands, self.rows = lsh_params(self._lsh_threshold(), self.hasher.num_perm)
            self._short = array("I")   # band keys, low 32 bits, `bands` per record
            self._size_col = array("I")
            self._usable = bytearray()
            self._rows = SegmentRows(self.hasher.num_perm) if segments else None
        if spill is not None:
            self._file = open(spill, "wb")  # noqa: SIM115 - closed by close()

    def __len__(self) -> int:
        return self._n

    def add(self, text: str) -> int:
        """Add one record's text; returns its index (0, 1, 2, ... in call order)."""
        return self.add_encoded(self.encoded_signature(text))

    def encoded_signature(self, text: str) -> bytes:
        """A text's signature and distinct-shingle count as bytes (what the stage caches)."""
        shingles = self.hasher.shingles(text)
        size = np.unique(shingles).size if shingles.size else 0
        sig = np.ascontiguousarray(self.hasher.signature_of(shingles), dtype=np.uint32)
        return sig.tobytes() + int(size).to_bytes(8, "little")

    def add_part(self, n: int, short: bytes, sizes: bytes, usable: bytes, signatures: Path) -> None:
        """Segments mode: add `n` records at once: their short band keys (uint32, `bands` a
        record), distinct-shingle counts (uint32), has-words bytes and their signature file."""
        self._short.frombytes(short)
        self._size_col.frombytes(sizes)
        self._usable.extend(usable)
        self._rows.add(signatures, n)
        self._n += n

    def add_encoded(self, encoded: bytes) -> int:
        """Add a signature from `encoded_signature`; returns its index."""
        if self.compact and self.spill is None:
            raise ValueError("an index in segments mode takes whole parts (add_part)")
        if self.spill is not None:
            self._pending.append(encoded)
            if len(self._pending) >= 1024:
                self.flush()
            self._n += 1
            return self._n - 1
        if self._n == self._sigs.shape[0]:
            grown = np.empty((self._sigs.shape[0] * 2, self._sigs.shape[1]), dtype=np.uint32)
            grown[: self._n] = self._sigs[: self._n]
            self._sigs = grown
            self._sizes = np.concatenate([self._sizes, np.empty_like(self._sizes)])
        self._sigs[self._n] = np.frombuffer(encoded[:-8], dtype=np.uint32)
        self._sizes[self._n] = int.from_bytes(encoded[-8:], "little")
        self._n += 1
        return self._n - 1

    def flush(self) -> None:
        """Spill mode: the pending signatures (at most 1,024) to the file, their short band keys
        to memory."""
        if self.spill is None or not self._pending:
            return
        width = 4 * self.hasher.num_perm
        sigs = np.frombuffer(b"".join(e[:-8] for e in self._pending), dtype=np.uint32).reshape(-1, width // 4)
        self._file.write(sigs.tobytes())
        self._short.frombytes(band_keys(sigs, self.bands, self.rows).tobytes())
        self._size_col.extend(int.from_bytes(e[-8:], "little") for e in self._pending)
        self._usable.extend((sigs[:, 0] != EMPTY).tobytes())
        self._pending = []

    @property
    def nbytes(self) -> int:
        """Bytes this index holds in memory (the arrays' lengths; array.array over-allocates a few %)."""
        if not self.compact:
            return self._sigs.nbytes + self._sizes.nbytes
        return (self._short.buffer_info()[1] * self._short.itemsize + self._size_col.buffer_info()[1]
                * self._size_col.itemsize + len(self._usable) + sum(map(len, self._pending)))

    def close(self) -> None:
        """Spill mode: close and delete the scratch file; segments mode: close the files."""
        if self.spill is None and self._rows is not None:
            self._rows.close()
        if self.spill is not None and not self._file.closed:
            self._file.close()
            if self._rows is not None:
                self._rows.close()
            self.spill.unlink(missing_ok=True)

    @property
    def signatures(self) -> np.ndarray:
        if not self.compact:
            return self._sigs[: self._n]
        if self.spill is None:
            return self._rows
        self.flush()
        self._file.flush()
        if self._rows is None or self._rows.shape[0] != self._n:
            if self._rows is not None:
                self._rows.close()
            self._rows = SpilledRows(self.spill, self._n, self.hasher.num_perm)
        return self._rows

    @property
    def sizes(self) -> np.ndarray:
        if not self.compact:
            return self._sizes[: self._n]
        self.flush()
        return np.frombuffer(self._size_col, dtype=np.uint32).astype(np.int64) if self._n else np.empty(0, np.int64)

    def _lsh_threshold(self) -> float:
        p = self.params
        t = float(p.near_threshold)
        return min(t, p.near_min_jaccard) if p.near_containment is not None else t

    def _candidates(self, sigs: np.ndarray, bands: int, rows: int, active: np.ndarray | None) -> np.ndarray:
        if not self.compact:
            return candidate_pairs(sigs, bands, rows, active)
        short = np.frombuffer(self._short, dtype=np.uint32).reshape(self._n, bands) if self._n else None
        usable = np.frombuffer(self._usable, dtype=bool) if self._n else np.zeros(0, dtype=bool)
        return candidate_pairs(sigs, bands, rows, active, usable=usable, short_keys=short)

    def _decide(self, j: np.ndarray, c: np.ndarray) -> np.ndarray:
        p = self.params
        ok = j >= p.near_threshold
        if p.near_containment is not None:
            ok |= (c >= p.near_containment) & (j >= p.near_min_jaccard)
        return ok

    def _containment(self, j: np.ndarray, pairs: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        a, b = sizes[pairs[:, 0]], sizes[pairs[:, 1]]
        inter = j * (a + b) / (1.0 + j)
        return np.minimum(1.0, inter / np.maximum(1, np.minimum(a, b)))

    def verified_pairs(
        self,
        active: np.ndarray | None = None,
        reload: Callable[[list[int]], Iterable[tuple[int, str]]] | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pairs (M,2), Jaccard (M,), exact (M,) bool) of the verified near-duplicate pairs.

        `reload(indices)` yields (index, text) for the given indices: borderline pairs are then
        decided on their exact shingle sets. Without it they are decided by the estimate.
        """
        t = float(self.params.near_threshold)
        sigs = self.signatures
        bands, rows = lsh_params(self._lsh_threshold(), self.hasher.num_perm)
        pairs = self._candidates(sigs, bands, rows, active)
        sizes = self.sizes
        est = estimate_jaccard(sigs, pairs)
        exact = np.zeros(len(pairs), dtype=bool)
        m = margin(t, self.hasher.num_perm)
        lo, hi = np.clip(est - m, 0, 1), np.clip(est + m, 0, 1)
        border = (self._decide(lo, self._containment(lo, pairs, sizes))
                  != self._decide(hi, self._containment(hi, pairs, sizes)))
        self.stats = {"candidates": int(len(pairs)), "borderline": int(border.sum()), "bands": bands, "rows": rows}
        if reload is not None and border.any():
            bpairs = pairs[border]
            wanted = sorted(set(bpairs.ravel().tolist()))
            sets = {i: self.hasher.shingle_set(text) for i, text in reload(wanted)}
            found = np.array([i in sets and j in sets for i, j in bpairs.tolist()], dtype=bool)
            sims = np.array([exact_jaccard(sets[i], sets[j]) if ok else e
                             for (i, j), e, ok in zip(bpairs.tolist(), est[border].tolist(), found.tolist())])
            exact[border] = found
            est = est.copy()
            est[border] = sims
        keep = self._decide(est, self._containment(est, pairs, sizes))
        return pairs[keep], est[keep], exact[keep]

    def clusters(
        self,
        order_keys: Sequence[tuple] | Callable[[list[int]], Mapping[int, tuple]],
        active: np.ndarray | None = None,
        reload: Callable[[list[int]], Iterable[tuple[int, str]]] | None = None,
    ) -> list[Cluster]:
        """Near-duplicate clusters (size >= 2), largest first then by kept order key.

        `order_keys[i]` orders record i for the keep rule (see `order_key`); the smallest is kept.
        It may be a function of the clustered indices (sorted) returning their order keys, for a
        caller that holds no per-record keys. `active` (bool per record) restricts the comparison
        to records still in play.
        """
        if not callable(order_keys) and len(order_keys) != self._n:
            raise ValueError(f"{len(order_keys)} order keys for {self._n} records")
        pairs, sims, exact = self.verified_pairs(active, reload)
        clustered = np.unique(pairs).tolist()
        if callable(order_keys):
            order_keys = order_keys(clustered)
        parent = {i: i for i in clustered}  # union-find over the paired records only

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for i, j in pairs.tolist():
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
        groups: dict[int, list[int]] = {}
        for i in clustered:
            groups.setdefault(find(i), []).append(i)
        pair_sim = {(i, j): (s, e) for (i, j), s, e in zip(pairs.tolist(), sims.tolist(), exact.tolist())}
        sigs, sizes = self.signatures, self.sizes
        out = []
        for members in groups.values():
            kept = min(members, key=lambda i: order_keys[i])
            others = tuple(sorted((i for i in members if i != kept), key=lambda i: order_keys[i]))
            similarity, is_exact, contained = {}, {}, {}
            for i in others:
                key = (min(i, kept), max(i, kept))
                if key in pair_sim:
                    similarity[i], is_exact[i] = pair_sim[key]
                else:  # joined through another member: report the estimate against the kept one
                    similarity[i] = float((sigs[i] == sigs[kept]).mean())
                    is_exact[i] = False
                contained[i] = float(self._containment(np.array([similarity[i]]), np.array([key]), sizes)[0])
            out.append(Cluster(kept, others, similarity, is_exact, contained))
        out.sort(key=lambda c: (-c.size, order_keys[c.kept]))
        return out


# ------------------------------------------------------------------------------------- entry points


def detail_for(cluster: Cluster, member: int, ids: Sequence[str], params: DedupParams) -> str:
    sim = cluster.similarity.get(member, 0.0)
    con = cluster.containment.get(member, 0.0)
    how = "exact" if cluster.exact.get(member) else f"estimated from {params.num_perm} MinHash values"
    if sim >= params.near_threshold:
        why = f"threshold {params.near_threshold}"
    elif (params.near_containment is not None and con >= params.near_containment
          and sim >= params.near_min_jaccard):
        why = (f"the shorter text is {con:.0%} inside the longer (containment >= {params.near_containment}, "
               f"Jaccard >= {params.near_min_jaccard})")
    else:
        why = f"threshold {params.near_threshold}; joined through another member of the cluster"
    return (f"near duplicate of {ids[cluster.kept]} ({RULE}): Jaccard {sim:.3f} ({how}) over word "
            f"{params.shingle_words}-grams, {why}; cluster of {cluster.size}")


def near_decisions(
    index: NearDupIndex,
    ids: Sequence[str] | Mapping[int, str],
    order_keys: Sequence[tuple] | Callable[[list[int]], Mapping[int, tuple]],
    skip: Iterable[int] = (),
    reload: Callable[[list[int]], Iterable[tuple[int, str]]] | None = None,
) -> tuple[dict[int, tuple[str, str]], list[Cluster]]:
    """Index → (kept id, detail) for every near duplicate to drop, and the clusters.

    Records in `skip` (already dropped as exact duplicates or story versions) are not compared.
    `ids` needs to hold only the clustered records once `order_keys` (when a function) has run.
    """
    active = np.ones(len(index), dtype=bool)
    for i in skip:
        active[i] = False
    clusters = index.clusters(order_keys, active=active, reload=reload)
    drop: dict[int, tuple[str, str]] = {}
    for c in clusters:
        for i in c.members:
            drop[i] = (ids[c.kept], detail_for(c, i, ids, index.params))
    return drop, clusters
