"""The pipeline's stages: ingest, clean, dedup, extract, validate (each a `curate` command).

Every stage reads the previous stage's `records.jsonl` under corpus/interim/, streams it, and
writes its own folder (records + rejected) atomically: the folder is built aside and swapped in.
Dedup runs before extract so duplicates never cost an NER pass. The validate stage writes the
published corpus (sharded, sorted by id), gathers every rejected record by reason, and writes
the accounting to reports/metrics.json: inputs == accepted + sum(rejected by reason).
"""

from __future__ import annotations

import hashlib
import os
import stat
import zlib
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
import orjson

from curate import __version__
from curate.jsonl_io import (
    iter_lines,
    iter_records,
    iter_rejected,
    replace_dir,
    write_atomic,
)
from curate.layout import MANIFEST, METRICS, RECORDS, REJECTED, STAGES, interim_dir, shard_name
from curate.params import Params, RunParams, section_digest, shaping_digest
from curate.record import RECORD_DECODER, REJECTED_DECODER, Reason, Record, Rejected, encode, reject


@dataclass
class StageResult:
    """What a stage did: counts in and out, rejections by reason."""

    stage: str
    inputs: int = 0
    kept: int = 0
    rejected: Counter = field(default_factory=Counter)
    extra: dict = field(default_factory=dict)

    def summary(self) -> str:
        rej = ", ".join(f"{k}={v}" for k, v in sorted(self.rejected.items())) or "none"
        return f"{self.stage}: {self.inputs} in, {self.kept} kept, rejected: {rej}"


class _Writer:
    """Appends records and rejections to a stage's folder, counting them."""

    def __init__(self, folder: Path, result: StageResult):
        self.result = result
        self._rec = open(folder / RECORDS, "wb")
        self._rej = open(folder / REJECTED, "wb")

    def keep(self, record: Record) -> None:
        self.keep_encoded(encode(record))

    def keep_encoded(self, line: bytes) -> None:
        self._rec.write(line + b"\n")
        self.result.kept += 1

    def drop(self, rejected: Rejected) -> None:
        self._rej.write(encode(rejected) + b"\n")
        self.result.rejected[rejected.reason] += 1

    def close(self) -> None:
        self._rec.close()
        self._rej.close()


def _run_stage(root: Path, stage: str, body) -> StageResult:
    result = StageResult(stage)

    def fill(tmp: Path) -> None:
        w = _Writer(tmp, result)
        try:
            body(w, result)
        finally:
            w.close()

    replace_dir(interim_dir(root, stage), fill)
    return result


def _previous(root: Path, stage: str) -> Path:
    i = STAGES.index(stage)
    return interim_dir(root, STAGES[i - 1]) / RECORDS


# ---------------------------------------------------------------------------------------- ingest


READER_CODE = ("curate.readers", "curate.readers.base", "curate.readers.dates", "curate.readers.decode",
               "curate.readers.files", "curate.readers.ids", "curate.readers.jsonl",
               "curate.readers.plaintext", "curate.readers.reuters_web", "curate.readers.safety",
               "curate.readers.seed_dateline", "curate.record", "curate.readers.markup",
               "curate.readers.nitf", "curate.readers.newsml_g2", "curate.readers.ninjs",
               "curate.readers.reuters21578")


def _stat_key(path: Path) -> str | None:
    """Identity of a raw file as git and DVC see it (size, mtime, inode); None = do not cache
    (symlinks, whose targets may change, and anything that cannot be stat'ed)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_mode}"


# The stage caches: SQLite files under params.run.cache_dir (curate/annotation_cache.py), one per
# stage, and the rules of their keys. The stages and `curate cache prune` (curate/cache_prune.py)
# both build keys with these functions, so eviction keeps exactly what a build looks up.
CACHE_FILES = {"ingest": "ingest.sqlite", "clean": "clean.sqlite", "minhash": "minhash.sqlite",
               "annotations": "annotations.sqlite", "extract": "extract.sqlite"}


def cache_file(root: Path, params: Params, cache: str) -> Path | None:
    """Path of stage cache `cache` (a CACHE_FILES name); None when run.cache_dir is null."""
    return root / params.run.cache_dir / CACHE_FILES[cache] if params.run.cache_dir else None


def ingest_cache_prefix(params: Params) -> str:
    """Ingest cache keys start with the reader code and the ingest params."""
    return f"{code_digest(*READER_CODE)}:{section_digest(params.ingest)}:"


def ingest_cache_key(prefix: str, raw_root: Path, rel: str) -> str | None:
    """What raw file `rel` gave is keyed by prefix + path + stat identity; None = not cached."""
    sk = _stat_key(raw_root / rel)
    return None if sk is None else f"{prefix}{rel}\0{sk}"


def line_cache_key(prefix: str, line: bytes) -> str:
    """The clean and extract caches key a stage's output by prefix + sha256 of the input line."""
    return prefix + hashlib.sha256(line).hexdigest()


def text_cache_key(prefix: str, content_hash: str) -> str:
    """The MinHash and annotation caches key a text's value by prefix + its content hash."""
    return prefix + content_hash


def run_ingest(root: Path, params: Params) -> StageResult:
    """Raw files → records; unreadable inputs become rejections. Files are read in path order.

    What a file gave is cached by (path, size, mtime, inode) + ingest params + reader code, so a
    rebuild after adding articles reads only the new or changed files."""
    from curate.annotation_cache import AnnotationCache
    from curate.readers import iter_raw_files, read_file

    raw_root = root / params.ingest.raw_dir
    cache = AnnotationCache(cache_file(root, params, "ingest"))
    prefix = ingest_cache_prefix(params)

    def emit(w: _Writer, result: StageResult, value: bytes) -> None:
        for line in value.split(b"\n"):
            if not line:
                continue
            result.inputs += 1
            if line[:1] == b"R":
                w.drop(_rejected_dec.decode(line[1:]))
            else:
                w.keep_encoded(line[1:])

    def flush(w: _Writer, result: StageResult, files: list[str]) -> None:
        keys = {}
        for rel in files:
            key = ingest_cache_key(prefix, raw_root, rel)
            if key is not None:
                keys[rel] = key
        found = cache.get_many(set(keys.values()))
        fresh = []
        for rel in files:
            value = found.get(keys.get(rel, ""))
            if value is None:
                items = read_file(rel, raw_root, params.ingest)
                value = b"\n".join((b"R" if isinstance(i, Rejected) else b"K") + encode(i) for i in items)
                if rel in keys:
                    fresh.append((keys[rel], value))
            emit(w, result, value)
        cache.put_many(fresh)

    def body(w: _Writer, result: StageResult) -> None:
        files = iter_raw_files(raw_root) if raw_root.exists() else []
        result.extra["files"] = len(files)
        for i in range(0, len(files), WINDOW):
            flush(w, result, files[i : i + WINDOW])
        result.extra.update(cache_hits=cache.hits, cache_misses=cache.misses)

    try:
        return _run_stage(root, "ingest", body)
    finally:
        cache.close()


# ----------------------------------------------------------------------------------------- clean


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean_one(record: Record, params: Params) -> Record | Rejected:
    """Clean one record; an empty body or an exception becomes a rejection, never a crash."""
    from curate.clean import clean_record

    try:
        cleaned = clean_record(record, params.clean)
    except Exception as exc:  # noqa: BLE001 - a bug on one input must not stop the stage
        return reject(record, Reason.INTERNAL_ERROR, f"clean raised {type(exc).__name__}: {exc}", "clean")
    cleaned = msgspec.structs.replace(cleaned, content_hash=content_hash(cleaned.text))
    if "clean_error" in cleaned.flags:
        return reject(cleaned, Reason.INTERNAL_ERROR, "a cleaning rule failed on this input (flag clean_error)", "clean")
    if not cleaned.text.strip():
        return reject(cleaned, Reason.NO_TEXT, "the body is empty once header, dateline and sign-off are removed", "clean")
    return cleaned


def code_digest(*modules: str) -> str:
    """sha256 over the source of the named modules: a cache key part that changes with the code."""
    import importlib

    h = hashlib.sha256()
    for name in modules:
        h.update(Path(importlib.import_module(name).__file__).read_bytes())
    return h.hexdigest()[:16]


_rejected_dec = REJECTED_DECODER


def _windows(path: Path, result: StageResult) -> Iterator[list[bytes]]:
    """The non-blank lines of `path` in windows of WINDOW, counting them as the stage's inputs."""
    window: list[bytes] = []
    for line in iter_lines(path):
        result.inputs += 1
        window.append(line)
        if len(window) >= WINDOW:
            yield window
            window = []
    if window:
        yield window


def cached_window(w: _Writer, lines: list[bytes], cache, prefix: str, compute) -> None:
    """Write the outputs of a window of input lines, each from `cache` (keyed by `prefix` +
    sha256 of the line) or computed by `compute(lines) -> [Record | Rejected]` and stored.

    A hit holds exactly the bytes the same code and parameters produced before (the prefix names
    both), so an output never depends on whether the cache was warm."""
    keys = [line_cache_key(prefix, ln) for ln in lines]
    found = cache.get_many(set(keys))
    todo: dict[str, bytes] = {}
    for key, ln in zip(keys, lines):
        if key not in found:
            todo.setdefault(key, ln)
    fresh = []
    for key, out in zip(todo, compute(list(todo.values()))):
        value = (b"R" if isinstance(out, Rejected) else b"K") + encode(out)
        found[key] = value
        fresh.append((key, value))
    cache.put_many(fresh)
    for key in keys:
        value = found[key]
        if value[:1] == b"R":
            w.drop(_rejected_dec.decode(value[1:]))
        else:
            w.keep_encoded(value[1:])


CLEAN_CODE = ("curate.clean", "curate.signoff", "curate.tickers", "curate.record", "curate.stages")
EXTRACT_CODE = ("curate.extract", "curate.annotate", "curate.record", "curate.stages")


def clean_cache_prefix(params: Params) -> str:
    """Clean cache keys start with the cleaning code and the clean params."""
    return f"{code_digest(*CLEAN_CODE)}:{section_digest(params.clean)}:"


def minhash_cache_prefix(params: Params) -> str:
    """MinHash signature keys start with the near-dup code and the MinHash settings."""
    dp = params.dedup
    return f"{code_digest('curate.near_dup')}:{dp.num_perm}:{dp.shingle_words}:"


def annotation_cache_prefix(params: Params) -> str:
    """Annotation keys start with the annotator (model, its version, spaCy version)."""
    from curate.annotate import annotator_key

    return f"{annotator_key(params.extract.model)}:"


def extract_cache_prefix(params: Params) -> str:
    """Finished-record keys start with the extraction code, the annotator and the shaping params."""
    from curate.annotate import annotator_key

    return f"{code_digest(*EXTRACT_CODE)}:{annotator_key(params.extract.model)}:{shaping_digest(params)}:"


def run_clean(root: Path, params: Params) -> StageResult:
    """Clean every record. Results are cached by (raw record bytes, clean params, cleaning code),
    so a rebuild after adding articles cleans only the new ones; a hit returns the exact bytes
    the same code computed before, so outputs do not depend on the cache."""
    from curate.annotation_cache import AnnotationCache

    cache = AnnotationCache(cache_file(root, params, "clean"))
    prefix = clean_cache_prefix(params)
    dec = RECORD_DECODER

    def compute(lines: list[bytes]) -> list[Record | Rejected]:
        return [clean_one(dec.decode(ln), params) for ln in lines]

    def body(w: _Writer, result: StageResult) -> None:
        for window in _windows(_previous(root, "clean"), result):
            cached_window(w, window, cache, prefix, compute)
        result.extra.update(cache_hits=cache.hits, cache_misses=cache.misses)

    try:
        return _run_stage(root, "clean", body)
    finally:
        cache.close()


# ----------------------------------------------------------------------------------------- dedup


class _SourceKey(msgspec.Struct, frozen=True):
    """The part of a record's source dedup reads: its tie-breaks and messages name the raw path."""

    path: str = ""
    line: int | None = None


class _Key(msgspec.Struct):
    """What dedup keeps per record (ids, hashes, dates, raw path): never the text."""

    id: str
    content_hash: str
    date: str | None = None
    published_at: str | None = None
    modified_at: str | None = None
    source: _SourceKey = _SourceKey()


DedupKey = _Key  # public name: `curate check` decodes the same keys from its records and the corpus


def _recency(k: _Key) -> tuple:
    """Later publication wins among story versions; ties broken by raw path then line."""
    return (k.published_at or k.date or "", k.source.path, k.source.line or 0)


def _latest(k: _Key) -> tuple:
    """Among story versions the last modified wins (NewsML-G2 / ninjs versions share their first
    publication), then the later publication; ties broken by raw path then line."""
    return (k.modified_at or k.published_at or k.date or "", *_recency(k))


class _Text(msgspec.Struct):
    text: str = ""


def _reload_texts(src: Path):
    """For near-dup verification: (index, text) of the wanted records, one more streaming pass."""
    dec = msgspec.json.Decoder(_Text)

    def reload(wanted: list[int]):
        want = set(wanted)
        for i, line in enumerate(iter_lines(src)):
            if i in want:
                yield i, dec.decode(line).text

    return reload


def dedup_decisions(keys: list[_Key], params: Params, near=None, reload=None) -> dict[int, tuple[Reason, str, str]]:
    """Index → (reason, kept id, detail) for every record to drop. Deterministic in the keys.

    1. story versions: records sharing an id (a Reuters story id re-crawled): keep the latest
       (published_at, then date, then raw path); the others are `story_version` (Reuters ids)
       or `duplicate_id` (ids from other sources).
    2. exact duplicates: among the survivors, records sharing a content_hash: keep the earliest
       published (the original; ties: smallest id); the others are `duplicate`.
    3. near duplicates (`near`: a `curate.near_dup.NearDupIndex` holding the signature of record i
       at index i; skipped when None): among the survivors, MinHash/LSH clusters at
       `near_threshold`; keep the earliest published (UTC; ties: smallest id); the others are
       `near_duplicate`. `reload(indices)` yields (index, text) for the exact check of
       borderline pairs (see curate/near_dup.py).
    """
    from curate.readers.ids import STORY_ID_PREFIXES  # ids whose repeats are story versions

    drop: dict[int, tuple[Reason, str, str]] = {}
    if params.dedup.story_versions:
        by_id: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            by_id.setdefault(k.id, []).append(i)
        for rid, idx in by_id.items():
            if len(idx) < 2:
                continue
            keep = max(idx, key=lambda i: _latest(keys[i]))
            reason = Reason.STORY_VERSION if rid.startswith(STORY_ID_PREFIXES) else Reason.DUPLICATE_ID
            for i in idx:
                if i != keep:
                    drop[i] = (reason, rid, f"another version of story {rid} was kept "
                               f"(kept {keys[keep].source.path}, published {_recency(keys[keep])[0]})")
    if params.dedup.exact:
        by_hash: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            if i not in drop:
                by_hash.setdefault(k.content_hash, []).append(i)
        for idx in by_hash.values():
            if len(idx) < 2:
                continue
            keep = min(idx, key=lambda i: (_recency(keys[i])[0], keys[i].id, _recency(keys[i])[1:]))
            for i in idx:
                if i != keep:
                    drop[i] = (Reason.DUPLICATE, keys[keep].id,
                               f"same text as {keys[keep].id} ({keys[keep].source.path})")
    if params.dedup.near and near is not None:
        from curate.near_dup import near_decisions, order_key

        order = [order_key(k.id, k.published_at, k.date) for k in keys]
        near_drop, _ = near_decisions(near, [k.id for k in keys], order, skip=drop.keys(), reload=reload)
        for i, (kept, detail) in near_drop.items():
            drop[i] = (Reason.NEAR_DUPLICATE, kept, detail)
    return drop


def run_dedup(root: Path, params: Params) -> StageResult:
    src = _previous(root, "dedup")
    key_dec = msgspec.json.Decoder(_Key)
    text_dec = msgspec.json.Decoder(_Text)
    near = None
    if params.dedup.near:
        from curate.near_dup import NearDupIndex

        near = NearDupIndex(params.dedup)
    keys = []  # ids and hashes only; each text becomes a MinHash signature and is let go
    lines_of_window: list[bytes] = []

    def add_signatures(lines: list[bytes], cache) -> None:
        # signatures are cached by content hash + MinHash settings + near-dup code
        wanted = [text_cache_key(prefix, keys[len(keys) - len(lines) + i].content_hash) for i in range(len(lines))]
        found = cache.get_many(set(wanted))
        fresh = []
        for key, line in zip(wanted, lines):
            enc = found.get(key)
            if enc is None:
                enc = found[key] = near.encoded_signature(text_dec.decode(line).text)
                fresh.append((key, enc))
            near.add_encoded(enc)
        cache.put_many(fresh)

    from curate.annotation_cache import AnnotationCache

    cache = AnnotationCache(cache_file(root, params, "minhash"))
    prefix = minhash_cache_prefix(params)
    try:
        for line in iter_lines(src):
            keys.append(key_dec.decode(line))
            if near is not None:
                lines_of_window.append(line)
                if len(lines_of_window) >= WINDOW:
                    add_signatures(lines_of_window, cache)
                    lines_of_window = []
        if near is not None and lines_of_window:
            add_signatures(lines_of_window, cache)
    finally:
        cache.close()
    drop = dedup_decisions(keys, params, near=near, reload=_reload_texts(src))

    record_dec = RECORD_DECODER

    def body(w: _Writer, result: StageResult) -> None:
        # kept lines are copied as clean wrote them; only dropped records are decoded
        for i, line in enumerate(iter_lines(src)):
            result.inputs += 1
            if i in drop:
                reason, kept, detail = drop[i]
                record = record_dec.decode(line)
                w.drop(msgspec.structs.replace(reject(record, reason, detail, "dedup"), duplicate_of=kept))
            else:
                w.keep_encoded(line)

    return _run_stage(root, "dedup", body)


# --------------------------------------------------------------------------------------- extract

WINDOW = 2048  # records looked up / annotated per round; bounds memory


def _init_worker(model: str) -> None:
    from curate.annotate import detect_language, load_model

    load_model(model)
    detect_language("Warm-up: the language model loads once per worker process.")


def extract_window(records: list[Record], params: Params, cache, executor) -> list[Record | Rejected]:
    """Extract a window of cleaned records, in order: annotations from `cache` (an
    AnnotationCache) or, for texts it lacks, computed on `executor` and stored; then entities,
    language, stats, flags and provenance (`finish_record`). A record whose finishing raises
    becomes an INTERNAL_ERROR rejection. The extract stage and `curate check` both call this."""
    from curate.annotate import CHUNK, annotate_chunk, decode_annotation, model_identity
    from curate.extract import finish_record

    ep, rp = params.extract, params.run
    model = model_identity(ep.model)
    aprefix = annotation_cache_prefix(params)
    digest = shaping_digest(params)
    keys = [text_cache_key(aprefix, r.content_hash) for r in records]
    found = cache.get_many(set(keys))
    missing: dict[str, str] = {}
    for k, r in zip(keys, records):
        if k not in found and k not in missing:
            missing[k] = r.text
    todo = list(missing.items())
    tasks = [(ep.model, [t for _, t in todo[i : i + CHUNK]], rp.batch_size)
             for i in range(0, len(todo), CHUNK)]
    fresh: list[tuple[str, bytes]] = []
    for j, encoded in enumerate(executor.map(annotate_chunk, tasks)):
        fresh.extend(zip([k for k, _ in todo[j * CHUNK : (j + 1) * CHUNK]], encoded))
    cache.put_many(fresh)
    found.update(fresh)
    out: list[Record | Rejected] = []
    for record, k in zip(records, keys):
        try:
            out.append(finish_record(record, decode_annotation(found[k]), ep, model, digest))
        except Exception as exc:  # noqa: BLE001 - a bug on one input must not stop the stage
            out.append(reject(record, Reason.INTERNAL_ERROR,
                              f"extract raised {type(exc).__name__}: {exc}", "extract"))
    return out


def run_extract(root: Path, params: Params, executor=None) -> StageResult:
    """Entities (cached by text hash + annotator), language, stats, flags, provenance."""
    from curate.annotate import model_identity, resolve_workers
    from curate.annotation_cache import AnnotationCache
    from curate.executors import make_executor

    ep = params.extract
    model_identity(ep.model)  # a missing model fails before any work
    rp = params.run
    cache = AnnotationCache(cache_file(root, params, "annotations"))
    # finished records, keyed by input record bytes + extraction code + model + shaping params
    records_cache = AnnotationCache(cache_file(root, params, "extract"))
    prefix = extract_cache_prefix(params)
    dec = RECORD_DECODER
    own_executor = executor is None
    if own_executor:
        executor = make_executor(resolve_workers(rp.workers), rp.scheduler, _init_worker, (ep.model,))

    def compute(lines: list[bytes]) -> list[Record | Rejected]:
        return extract_window([dec.decode(ln) for ln in lines], params, cache, executor)

    def body(w: _Writer, result: StageResult) -> None:
        for window in _windows(_previous(root, "extract"), result):
            cached_window(w, window, records_cache, prefix, compute)
        result.extra.update(cache_hits=records_cache.hits, cache_misses=records_cache.misses,
                            annotation_hits=cache.hits, annotation_misses=cache.misses)

    try:
        return _run_stage(root, "extract", body)
    finally:
        cache.close()
        records_cache.close()
        if own_executor:
            executor.close()


# -------------------------------------------------------------------------------------- validate


def _shard_of(record_id: str, shards: int) -> int:
    return zlib.crc32(record_id.encode("utf-8")) % shards


def validate_verdicts(records, params: Params):
    """Per-record verdicts (None = accepted, else (reason, detail)) and corpus-rule results for
    extracted records, in order: the contract facts of each record judged by the pandera schema.
    The validate stage and `curate check` both call this."""
    from curate.validate import facts, judge, resolve_date

    vp = params.validate
    labels = frozenset(params.extract.entity_labels)
    dmin, dmax = resolve_date(vp.date_min), resolve_date(vp.date_max)
    return judge((facts(r, labels, dmin, dmax) for r in records), vp)


class _LineIndex:
    """(offset, length) of each record line of a file, in two compact arrays (16 bytes a line)."""

    def __init__(self) -> None:
        self.offsets = array("q")
        self.lengths = array("q")

    def __len__(self) -> int:
        return len(self.offsets)

    def add(self, offset: int, length: int) -> None:
        self.offsets.append(offset)
        self.lengths.append(length)

    def read(self, fh, pos: int) -> bytes:
        fh.seek(self.offsets[pos])
        return fh.read(self.lengths[pos])


def _indexed_records(path: Path, index: _LineIndex, recoded: dict[int, bytes]) -> Iterator[Record]:
    """Decode the records of `path` in order, adding each line's (offset, length) to `index`
    so accepted lines can later be copied by offset: one decode per record, texts never kept.
    A line that is not exactly `encode(record)` (other key order or spacing: not written by
    extract) gets its canonical encoding kept in `recoded` under its position instead."""
    dec = RECORD_DECODER
    offset = 0
    with open(path, "rb") as fh:
        for line in fh:
            stripped = line.strip()
            if stripped:
                record = dec.decode(stripped)
                canonical = encode(record)
                if canonical != stripped:
                    recoded[len(index)] = canonical
                index.add(offset + len(line) - len(line.lstrip()), len(stripped))
                yield record
            offset += len(line)


def _write_shard_sorted(src, out_path: Path, entries: list[tuple[str, int]],
                        index: _LineIndex, recoded: dict[int, bytes]) -> int:
    """Write the records at positions `entries` (id, position) sorted by id, copying each line
    from `src` by its (offset, length) in `index` (or its `recoded` bytes); returns bytes written."""
    entries.sort()
    written = 0
    with open(out_path, "wb") as out:
        for _id, pos in entries:
            line = recoded.get(pos)
            if line is None:
                line = index.read(src, pos)
            written += out.write(line + b"\n")
    return written


def run_validate(root: Path, params: Params) -> StageResult:
    """Contract + corpus rules; publish shards sorted by id, rejected by reason, and metrics."""
    vp = params.validate
    src = _previous(root, "validate")
    line_index = _LineIndex()  # (offset, length) per record line, in order
    recoded: dict[int, bytes] = {}
    ids: list[str] = []

    def records_noting_ids():
        for record in _indexed_records(src, line_index, recoded):
            ids.append(record.id)
            yield record

    verdicts = validate_verdicts(records_noting_ids(), params)

    curated = root / params.output.curated_dir
    nshards = max(1, params.output.shards)
    result = StageResult("validate")
    by_reason: dict[str, list[bytes]] = {}
    by_stage: dict[str, Counter] = {}

    def add_rejected(rej: Rejected) -> None:
        by_reason.setdefault(rej.reason, []).append(encode(rej))
        by_stage.setdefault(rej.stage, Counter())[rej.reason] += 1

    # earlier stages' rejections, in stage order (each file is already in a deterministic order)
    for stage in STAGES[:-1]:
        path = interim_dir(root, stage) / REJECTED
        if path.exists():
            for rej in iter_rejected(path):
                add_rejected(rej)

    shard_bytes: dict[int, int] = {}
    shard_counts: dict[int, int] = {}

    def fill_articles(tmp: Path) -> None:
        # accepted lines are copied byte for byte (extract wrote them with `encode`), sorted by id
        # within their shard through an (id, offset, length) index: the texts are never held
        shards: list[list[tuple[str, int]]] = [[] for _ in range(nshards)]
        dec = RECORD_DECODER
        with open(src, "rb") as fh:
            for pos, (rid, verdict) in enumerate(zip(ids, verdicts.reasons)):
                result.inputs += 1
                if verdict is None:
                    shards[_shard_of(rid, nshards)].append((rid, pos))
                    result.kept += 1
                else:
                    reason, detail = verdict
                    add_rejected(reject(dec.decode(line_index.read(fh, pos)), reason, detail, "validate"))
                    result.rejected[reason.value] += 1
            for i in range(nshards):
                shard_counts[i] = len(shards[i])
                shard_bytes[i] = _write_shard_sorted(fh, tmp / shard_name(i), shards[i], line_index, recoded)
                shards[i] = []

    replace_dir(curated / "articles", fill_articles)

    def fill_rejected(tmp: Path) -> None:
        for reason in sorted(by_reason):
            (tmp / f"{reason}.jsonl").write_bytes(b"".join(ln + b"\n" for ln in by_reason[reason]))

    replace_dir(curated / "rejected", fill_rejected)

    ingest_inputs = sum(1 for _ in iter_lines(interim_dir(root, "ingest") / RECORDS)) + \
        sum(by_stage.get("ingest", Counter()).values())
    rejected_by_reason = {r: len(v) for r, v in sorted(by_reason.items())}
    metrics = {
        "toolkit": f"curate {__version__}",
        "inputs": ingest_inputs,
        "accepted": result.kept,
        "rejected": sum(rejected_by_reason.values()),
        "rejected_by_reason": rejected_by_reason,
        "rejected_by_stage": {s: dict(sorted(c.items())) for s, c in sorted(by_stage.items())},
        "accounting_ok": ingest_inputs == result.kept + sum(rejected_by_reason.values()),
        "corpus_checks": verdicts.corpus_checks,
        "shards": nshards,
    }
    manifest = {
        "toolkit": f"curate {__version__}",
        "records": result.kept,
        "shards": [
            {"path": f"articles/{shard_name(i)}", "records": shard_counts.get(i, 0),
             "bytes": shard_bytes.get(i, 0)}
            for i in range(nshards)
        ],
        "rejected": rejected_by_reason,
        "params_sha256": section_digest(msgspec.structs.replace(params, run=RunParams())),
    }
    write_atomic(curated / MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    write_atomic(root / METRICS, orjson.dumps(metrics, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    result.extra.update(metrics=metrics)
    failed = [k for k, v in verdicts.corpus_checks.items() if not v["passed"]]
    if failed:
        raise CorpusRuleError(f"corpus rules failed: {', '.join(failed)} (see {METRICS})")
    reject_rate = metrics["rejected"] / metrics["inputs"] if metrics["inputs"] else 0.0
    if reject_rate > vp.max_reject_rate:
        raise CorpusRuleError(f"rejected rate {reject_rate:.3f} above validate.max_reject_rate {vp.max_reject_rate}")
    return result


class CorpusRuleError(RuntimeError):
    """A corpus-wide rule (null rate, reject rate) failed; outputs are written for inspection."""


RUNNERS = {
    "ingest": run_ingest,
    "clean": run_clean,
    "dedup": run_dedup,
    "extract": run_extract,
    "validate": run_validate,
}


def iter_curated(curated_dir: Path) -> Iterator[Record]:
    """Every accepted record of a curated folder, shard by shard."""
    for path in sorted((curated_dir / "articles").glob("part-*.jsonl")):
        yield from iter_records(path)
