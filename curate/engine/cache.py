"""The stage caches: a persistent key -> bytes store (SQLite), and the rules of every stage's keys.

SQLite in WAL mode: each batch is one transaction, so a killed process leaves either the whole
batch or none of it, and concurrent readers never see a half-written entry. Each entry also
stores the sha256 of its value; an entry whose checksum does not match is ignored (and
recomputed), so a damaged cache can cost time but never change an output.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from curate.steps import CACHES
from curate import __version__
from curate.engine.parts import iter_stage_lines
from curate.layout import interim_dir
from curate.record import Record, view

if TYPE_CHECKING:
    from curate.params import Params

_SCHEMA = """
CREATE TABLE IF NOT EXISTS annotations (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    checksum TEXT NOT NULL
)
"""


class AnnotationCache:
    """Maps `key` (content hash + annotator digest) to an encoded annotation (bytes)."""

    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path else None
        self._db: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0
        self.corrupt = 0
        self.disabled = ""  # why the cache was turned off (disk full, damaged file), if it was
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.execute(_SCHEMA)
            except (sqlite3.Error, OSError) as exc:
                self._disable(exc)

    def _disable(self, exc: BaseException) -> None:
        """A cache only saves time: when it cannot be used (full disk, damaged file), say so once
        and go on without it; the outputs are the same."""
        import sys

        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None
        self.disabled = f"{type(exc).__name__}: {exc}"
        print(f"curate: cache {self.path} not used ({self.disabled}); continuing without it",
              file=sys.stderr, flush=True)

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        keys = list(keys)
        found: dict[str, bytes] = {}
        if self._db is not None:
            try:
                for i in range(0, len(keys), 500):
                    chunk = keys[i : i + 500]
                    marks = ",".join("?" * len(chunk))
                    rows = self._db.execute(
                        f"SELECT key, value, checksum FROM annotations WHERE key IN ({marks})", chunk
                    )
                    for key, value, checksum in rows:
                        if hashlib.sha256(value).hexdigest() == checksum:
                            found[key] = value
                        else:
                            self.corrupt += 1
            except sqlite3.Error as exc:
                self._disable(exc)
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def put_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        if self._db is None:
            return
        rows = [(k, v, hashlib.sha256(v).hexdigest()) for k, v in items]
        if not rows:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO annotations (key, value, checksum) VALUES (?, ?, ?)", rows
                )
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:  # full disk: the entries are simply not cached
            self._disable(exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


# ------------------------------------------------------------------------------ the cache keys
# One SQLite file per stage cache under params.run.cache_dir. The stages and `curate cache prune`
# (curate/pipeline/cache_prune.py) both build keys with these functions, so eviction keeps
# exactly what a build looks up.
CACHE_FILES = {name: f"{name}.sqlite" for name in CACHES}  # the caches the steps declare


def cache_file(root: Path, params: Params, cache: str) -> Path | None:
    """Path of stage cache `cache` (a CACHE_FILES name); None when run.cache_dir is null."""
    return root / params.run.cache_dir / CACHE_FILES[cache] if params.run.cache_dir else None


def line_cache_key(prefix: str, line: bytes) -> str:
    """The clean and extract caches key a stage's output by prefix + sha256 of the input line."""
    return prefix + hashlib.sha256(line).hexdigest()


def text_cache_key(prefix: str, content_hash: str) -> str:
    """The MinHash and annotation caches key a text's value by prefix + its content hash."""
    return prefix + content_hash


def code_digest(*modules: str) -> str:
    """sha256 over the source of the named modules (a package: every module in its folder, in
    path order) and the toolkit version (records carry it in `provenance`): a cache key part
    that changes with the code that produced the cached value."""
    import importlib

    h = hashlib.sha256(__version__.encode() + b"\0")
    for name in modules:
        path = Path(importlib.import_module(name).__file__)
        files = sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path]
        for f in files:
            h.update(f.relative_to(path.parent).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


@dataclass
class LiveKeys:
    """What `curate cache prune` hands each step's `live_keys` function: the caches to mark the
    keys the current build looks up in (`caches[name].mark(keys)`, `.count_missing()`), the interim
    folders, and `problems`, where a step says why the interim outputs look stale. `facts` carries
    what one step learnt for the next (the raw files, a stage's record count)."""

    root: Path
    params: "Params"
    caches: dict
    problems: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    def out(self, stage: str) -> Path:
        return interim_dir(self.root, stage)

    def lines(self, stage: str, rejected: bool = False):
        """The non-blank lines of a stage's records (or rejections), part by part."""
        return iter_stage_lines(self.root, stage, rejected)

    def count(self, stage: str, rejected: bool = False) -> int:
        return sum(1 for _ in self.lines(stage, rejected))

    def accounts(self, stage: str, inputs: int, source: str) -> None:
        """A problem unless `stage`'s records and rejections add up to its `inputs`."""
        if self.count(stage) + self.count(stage, rejected=True) != inputs:
            self.problems.append(f"corpus/interim/{stage} does not account for the {inputs} records of "
                                 f"corpus/interim/{source}")


def _line_keys_decoder():
    import msgspec

    return msgspec.json.Decoder(view(Record, [("source", ["path"]), "content_hash"], "_LineKeys"))


# the part of an interim line the key rules read: its raw path and content hash
LINE_KEYS = _line_keys_decoder()
