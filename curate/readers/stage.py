"""Step 1 as a stage: raw files -> records, each file's outputs cached by its stat identity."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from curate.engine.cache import AnnotationCache, LiveKeys, cache_file, code_digest
from curate.engine.progress import current
from curate.engine.stage import WINDOW, StageResult, _run_stage, _Writer
from curate.layout import SKIPPED
from curate.params import Params, section_digest
from curate.record import REJECTED_DECODER, Rejected, encode

_rejected_dec = REJECTED_DECODER
# the code whose output the ingest cache holds: every reader module, and the record definition
READER_CODE = ("curate.readers", "curate.record")


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


def ingest_cache_prefix(params: Params) -> str:
    """Ingest cache keys start with the reader code and the ingest params."""
    return f"{code_digest(*READER_CODE)}:{section_digest(params.ingest)}:"


def ingest_cache_key(prefix: str, raw_root: Path, rel: str) -> str | None:
    """What raw file `rel` gave is keyed by prefix + path + stat identity; None = not cached."""
    sk = _stat_key(raw_root / rel)
    return None if sk is None else f"{prefix}{rel}\0{sk}"


def run_ingest(root: Path, params: Params) -> StageResult:
    """Raw files → records; unreadable inputs become rejections. Files are read in path order.

    What a file gave is cached by (path, size, mtime, inode) + ingest params + reader code, so a
    rebuild after adding articles reads only the new or changed files."""
    from curate.readers import Skipped, iter_raw_files, read_file
    from curate.readers.base import SKIPPED_DECODER

    raw_root = root / params.ingest.raw_dir
    cache = AnnotationCache(cache_file(root, params, "ingest"))
    prefix = ingest_cache_prefix(params)

    def emit(w: _Writer, result: StageResult, value: bytes) -> None:
        for line in value.split(b"\n"):
            if not line:
                continue
            if line[:1] == b"S":  # no input: listed apart, counted by kind
                w.side(SKIPPED, line[1:])
                counts = result.extra.setdefault("skipped_by_kind", {})
                kind = SKIPPED_DECODER.decode(line[1:]).kind
                counts[kind] = counts.get(kind, 0) + 1
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
                value = b"\n".join((b"R" if isinstance(i, Rejected) else b"S" if isinstance(i, Skipped)
                                     else b"K") + encode(i) for i in items)
                if rel in keys:
                    fresh.append((keys[rel], value))
            emit(w, result, value)
            current().advance()
        cache.put_many(fresh)

    def body(w: _Writer, result: StageResult) -> None:
        files = iter_raw_files(raw_root) if raw_root.exists() else []
        result.extra["files"] = len(files)
        current().start(len(files), "files")
        for i in range(0, len(files), WINDOW):
            flush(w, result, files[i : i + WINDOW])
        result.extra.update(cache_hits=cache.hits, cache_misses=cache.misses)

    try:
        return _run_stage(root, "ingest", body)
    finally:
        cache.close()


def live_keys(m: LiveKeys) -> None:
    """For `curate cache prune`: the ingest keys of the current raw files (path, stat identity)."""
    from curate.readers import iter_raw_files

    raw_root = m.root / m.params.ingest.raw_dir
    files = iter_raw_files(raw_root) if raw_root.exists() else []
    m.facts["raw_files"] = set(files)
    prefix = ingest_cache_prefix(m.params)
    cache = m.caches["ingest"]
    cache.mark(k for k in (ingest_cache_key(prefix, raw_root, rel) for rel in files) if k is not None)
    if n := cache.count_missing():
        m.problems.append(f"{n} raw file(s) are new or changed, or the ingest params or readers changed, "
                          "since corpus/interim/ingest was built")
