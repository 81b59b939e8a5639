"""The curated corpus as `curate check` sees it: dedup keys and MinHash signatures, no texts."""

from __future__ import annotations

import contextlib
import pickle
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from curate.layout import MANIFEST, shard_paths
from curate.params import Params
from curate.engine.cache import CACHE_FILES, AnnotationCache, code_digest
from curate.engine.io import iter_lines, sha256_file, texts_at, write_atomic
from curate.validate.corpus_rules import CorpusFacts, SourceGroups, missing_fields


class _SourceOf(msgspec.Struct, frozen=True):
    path: str = ""
    format: str = ""


class _NullFacts(msgspec.Struct):
    """The fields the corpus rules' null rates read (curate.validate.corpus_rules), and the
    record's source (which validate.sources entry it belongs to)."""

    source: _SourceOf = _SourceOf()
    reason: str = ""  # of a rejected record
    title: str | None = None
    dateline: str | None = None
    date: str | None = None
    credits: dict = {}
    flags: list[str] = []


@dataclass
class CorpusIndex:
    """The curated corpus as dedup sees it: keys (id, content_hash, dates, source) in shard order
    and, when near-dedup is on, one MinHash signature per record. No texts are kept. A check
    appends the batch's signatures to `near`: one index serves one check."""

    folder: Path
    keys: list = field(default_factory=list)
    near: object | None = None  # curate.dedup.near_dup.NearDupIndex
    shards: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    missing: list[tuple[str, ...]] = field(default_factory=list)  # null fields of record i
    groups: list[int] = field(default_factory=list)  # source group of record i (SourceGroups.of)
    rejected: dict[str, int] = field(default_factory=dict)  # the manifest's rejections by reason
    # rejections by source group and reason (validate.sources set: read from rejected/, else the manifest's)
    rejected_by_source: dict[int, dict[str, int]] = field(default_factory=dict)
    gone: int = 0  # records left out: their raw file was removed from the project (RawPresence)
    signed: dict[str, int] = field(default_factory=dict)  # signatures from the build's cache ("cached"), "computed"

    def facts(self) -> dict:
        """The corpus rules' facts of this version per source group
        (curate.validate.corpus_rules.CorpusFacts, keyed as SourceGroups.of)."""
        from collections import Counter

        by = {g: CorpusFacts(rejected=Counter(r)) for g, r in self.rejected_by_source.items()}
        for m, g in zip(self.missing, self.groups):
            (by.get(g) or by.setdefault(g, CorpusFacts())).accept(m)
        return by

    def __len__(self) -> int:
        return len(self.keys)

    def texts(self, wanted: Iterable[int]) -> Iterable[tuple[int, str]]:
        """(index, text) of wanted records: one streaming pass over the shards."""
        return texts_at(self.shards, wanted)


def _corpus_digest(shards: list[Path], params: Params) -> str:
    """What the corpus signatures depend on: shard contents, dedup params, the near_dup code."""
    import hashlib

    from curate.dedup.stage import DEDUP_CODE  # lazy: numpy costly to load

    h = hashlib.sha256(code_digest(*DEDUP_CODE).encode())
    h.update(msgspec.json.encode(params.dedup, order="deterministic"))
    for shard in shards:
        h.update(f"{shard.name}:{sha256_file(shard)}\n".encode())
    return h.hexdigest()[:24]


class RawPresence:
    """Whether a record's raw file is still part of the project: a raw file that is gone and that
    no DVC pointer file (`<folder>.dvc`, `<file>.dvc`) covers was removed (`git rm` of the bundled
    sample, a batch taken out), so the next build drops its records; a DVC-tracked file that is
    not pulled here still counts."""

    def __init__(self, raw_dir: Path):
        self.raw_dir = raw_dir
        self._known: dict[str, bool] = {}

    def removed(self, path: str) -> bool:
        if path not in self._known:
            raw = self.raw_dir / path
            covered = (Path(f"{p}.dvc").is_file() for p in [raw, *raw.parents] if p.is_relative_to(self.raw_dir))
            self._known[path] = not raw.exists() and not any(covered)
        return self._known[path]


def load_corpus(curated_dir: Path, params: Params, cache_dir: Path | None = None,
                raw_dir: Path | None = None, executor=None) -> CorpusIndex:
    """Index the accepted records of a curated folder (missing folder: an empty corpus). With
    `raw_dir` (the project's raw folder), records whose raw file was removed are left out
    (`gone`): the next build will not hold them, so an input is no copy of them.

    With `cache_dir`, the corpus's near-duplicate index (signatures) is kept there between runs as
    `check-corpus-<digest>.pickle`, the digest covering the shard contents, the dedup params and
    the near_dup module's code: one check against an unchanged corpus then costs a read of the
    keys, not a MinHash pass over every text. The file is rewritten when any of those change.
    Otherwise the signatures come from the dedup stage's MinHash cache in the same folder (the
    last build computed them), the missing ones computed on `executor` (`_Signer`)."""
    from curate.dedup.decisions import DedupKey  # lazy: numpy costly to load

    t0 = time.perf_counter()
    index = CorpusIndex(folder=curated_dir)
    index.shards = shard_paths(curated_dir)
    cached_path = _cached_near(index, params, cache_dir)
    signer = _Signer(index.near, params, cache_dir, executor) if index.near is not None and not len(index.near) else None

    groups_of = SourceGroups(params.validate)
    key_dec = msgspec.json.Decoder(DedupKey)
    null_dec = msgspec.json.Decoder(_NullFacts)
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple per combination of null fields
    presence = RawPresence(raw_dir) if raw_dir is not None and raw_dir.is_dir() else None
    try:
        for shard in index.shards:
            for line in iter_lines(shard):
                null = null_dec.decode(line)
                if presence is not None and presence.removed(null.source.path):
                    index.gone += 1
                    continue
                key = key_dec.decode(line)
                index.keys.append(key)
                m = tuple(missing_fields(null))
                index.missing.append(shared.setdefault(m, m))
                index.groups.append(groups_of.of(null.source.path, null.source.format))
                if signer is not None:
                    signer.add(key.content_hash, line)
    finally:
        if signer is not None:
            signer.close()
            index.signed = signer.counts
    if index.near is not None and len(index.near) != len(index.keys):  # stale cache: recompute
        index.near = _near_index(index.shards, params, presence, cache_dir, executor)
    if cached_path is not None and len(index.keys) and not index.gone:  # gone: another corpus
        _save_near(cached_path, index.near)
    index.rejected = _manifest_rejected(curated_dir)
    index.rejected_by_source = _rejected_by_source(curated_dir, groups_of) if groups_of else {-1: index.rejected}
    index.seconds = time.perf_counter() - t0
    return index


def _cached_near(index: CorpusIndex, params: Params, cache_dir: Path | None) -> Path | None:
    """Set `index.near` (near-dedup on): the cached signatures of these shards, else an empty
    index; the cache file to write once they are computed (None: loaded, or no cache)."""
    if not params.dedup.near:
        return None
    from curate.dedup.near_dup import NearDupIndex  # lazy: numpy costly to load

    index.near = NearDupIndex(params.dedup)
    if cache_dir is None or not index.shards:
        return None
    cached_path = cache_dir / f"check-corpus-{_corpus_digest(index.shards, params)}.pickle"
    try:
        index.near = pickle.loads(cached_path.read_bytes())
        return None  # loaded: nothing to compute or write
    except Exception:  # noqa: BLE001 - missing or unreadable cache: recompute
        return cached_path


def _save_near(cached_path: Path, near) -> None:
    """Keep the corpus signatures as `cached_path`, the only check-corpus file of its folder."""
    with contextlib.suppress(OSError):
        for old in cached_path.parent.glob("check-corpus-*.pickle"):
            old.unlink()
        write_atomic(cached_path, pickle.dumps(near, protocol=pickle.HIGHEST_PROTOCOL))


class _Signer:
    """Adds the corpus signatures to `near` in shard order, window by window: from the dedup
    stage's MinHash cache under `cache_dir` (`cached_signatures`), the missing ones computed on
    `executor` and stored there."""

    WINDOW = 2048

    def __init__(self, near, params: Params, cache_dir: Path | None, executor) -> None:
        from curate.dedup.stage import minhash_cache_prefix  # lazy: numpy costly to load

        self.near, self.params, self.executor = near, params, executor
        self.cache = AnnotationCache(cache_dir / CACHE_FILES["minhash"] if cache_dir is not None else None)
        self.prefix = minhash_cache_prefix(params)
        self.hashes: list[str] = []
        self.lines: list[bytes] = []  # record lines: decoded only for signatures the cache lacks
        self.counts = {"cached": 0, "computed": 0}

    def add(self, content_hash: str, line: bytes) -> None:
        self.hashes.append(content_hash)
        self.lines.append(line)
        if len(self.hashes) >= self.WINDOW:
            self.flush()

    def flush(self) -> None:
        from curate.dedup.signing import cached_signatures  # lazy: numpy costly to load
        from curate.dedup.stage import signature_lines  # lazy: numpy costly to load

        signatures, cached = cached_signatures(self.cache, self.prefix, self.hashes, self.lines, signature_lines,
                                               self.params.dedup, self.executor)
        for encoded in signatures:
            self.near.add_encoded(encoded)
        self.counts["cached"] += cached
        self.counts["computed"] += len(signatures) - cached
        self.hashes, self.lines = [], []

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.cache.close()


def _near_index(shards: list[Path], params: Params, presence: RawPresence | None, cache_dir: Path | None,
                executor):
    """The signatures of every record of `shards` whose raw file is not removed, in order."""
    from curate.dedup.decisions import DedupKey  # lazy: numpy costly to load
    from curate.dedup.near_dup import NearDupIndex  # lazy: numpy costly to load

    near = NearDupIndex(params.dedup)
    key_dec, null_dec = msgspec.json.Decoder(DedupKey), msgspec.json.Decoder(_NullFacts)
    signer = _Signer(near, params, cache_dir, executor)
    try:
        for shard in shards:
            for line in iter_lines(shard):
                if presence is None or not presence.removed(null_dec.decode(line).source.path):
                    signer.add(key_dec.decode(line).content_hash, line)
    finally:
        signer.close()
    return near


def _manifest_rejected(curated_dir: Path) -> dict[str, int]:
    """Rejections by reason of the published version (its manifest; none when unreadable)."""
    import orjson

    try:
        rejected = orjson.loads((curated_dir / MANIFEST).read_bytes()).get("rejected", {})
        return {str(k): int(v) for k, v in rejected.items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _rejected_by_source(curated_dir: Path, groups_of) -> dict[int, dict[str, int]]:
    """Rejections of the published version by source group and reason, read from its rejected/
    files (only each record's source and reason are decoded)."""
    from collections import Counter

    dec = msgspec.json.Decoder(_NullFacts)
    out: dict[int, Counter] = {}
    folder = curated_dir / "rejected"
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        for line in iter_lines(path):
            r = dec.decode(line)
            out.setdefault(groups_of.of(r.source.path, r.source.format), Counter())[r.reason] += 1
    return {g: dict(c) for g, c in out.items()}
