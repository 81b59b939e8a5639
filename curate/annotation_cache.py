"""A persistent cache of annotations (entities, language), keyed by text hash + annotator key.

SQLite in WAL mode: each batch is one transaction, so a killed process leaves either the whole
batch or none of it, and concurrent readers never see a half-written entry. Each entry also
stores the sha256 of its value; an entry whose checksum does not match is ignored (and
recomputed), so a damaged cache can cost time but never change an output.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

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
