"""Eviction for the stage caches under `run.cache_dir` (`curate cache prune`, `curate cache info`).

The stages cache what they compute (the caches each step declares in curate/steps.py: `ingest`,
`clean`, `minhash`, `annotations`, `extract`, one SQLite file each, AnnotationCache's schema) and never delete an
entry, so entries of deleted or changed articles, old parameters and old code pile up. Pruning is a
mark and sweep against the current workspace: the keys the current build would look up are built
by each step's `live_keys` (in its stage module) with the stage's own key functions from params.yaml, the code digests, the raw files (ingest) and
the interim outputs (clean: ingest's lines; minhash: clean's records; annotations and extract:
dedup's lines); every other entry is deleted and the file is VACUUMed. The marks go to a
temporary table beside each cache, never into memory.

The interim outputs stand for what a rebuild needs, so pruning refuses (PruneRefused: exit 2,
nothing deleted) when they are missing or stale: in a DVC project when `dvc status` of the stages
up to extract is not clean; in any project when the outputs disagree with the caches (a raw file
new, changed or deleted since ingest ran; records that the current clean or MinHash keys do not
cover; a stage's input and output counts that differ). It holds the project lock the stages take
(curate/pipeline/locking.py), exclusive (shared for a dry run), so it never runs during a build.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


from curate.engine.parts import INDEX, part_path, read_index
from curate.layout import interim_dir
from curate.engine.cache import CACHE_FILES, LiveKeys, cache_file
from curate.report.summary import FOLDER as SUMMARY_FOLDER, SUFFIX as SUMMARY_SUFFIX
from curate.params import Params
from curate.steps import STEPS
from curate.pipeline.locking import project_lock
from curate.pipeline.registry import all_steps

TABLE = "annotations"  # AnnotationCache's table: (key TEXT PRIMARY KEY, value, checksum)
# the interim outputs a prune reads: those of every step that keeps a cache
READ_STAGES = tuple(s.name for s in STEPS if s.caches)


class PruneRefused(RuntimeError):
    """The interim outputs are missing or stale: pruning now could drop what a rebuild needs."""


@dataclass
class CacheStats:
    """One cache file: entries before, kept and removed; bytes on disk (file + WAL) before and after."""

    name: str
    path: Path
    exists: bool = False
    entries: int = 0
    kept: int = 0
    removed: int = 0
    missing: int = 0  # keys the current build looks up that the cache lacks (computed next build)
    bytes_before: int = 0
    bytes_after: int = 0
    estimated: bool = False  # dry run: bytes_after is an estimate
    damaged: str = ""  # not an SQLite cache (the stages skip it too): left as it is


@dataclass
class PruneResult:
    cache_dir: Path | None
    dry_run: bool
    caches: list[CacheStats] = field(default_factory=list)

    def totals(self) -> tuple[int, int, int, int]:
        """(kept, removed, bytes before, bytes after) over every cache."""
        c = self.caches
        return (sum(s.kept for s in c), sum(s.removed for s in c),
                sum(s.bytes_before for s in c), sum(s.bytes_after for s in c))


def _disk_bytes(path: Path) -> int:
    total = 0
    for p in (path, path.with_name(path.name + "-wal")):
        try:
            total += p.stat().st_size
        except OSError:
            pass
    return total


def _connect(path: Path) -> sqlite3.Connection:
    """Open an existing cache file, never creating one. Read-write even to only count: the last
    connection to close then removes the WAL files, as the stages' connections do."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=60,
                         isolation_level=None)
    db.execute("PRAGMA busy_timeout=60000")
    return db


def _has_table(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (TABLE,)).fetchone() is not None


class _Cache:
    """One cache opened for mark and sweep: the keys to keep go to the temp table `keep`."""

    def __init__(self, name: str, path: Path | None):
        self.stats = CacheStats(name, path if path is not None else Path())
        self.db: sqlite3.Connection | None = None
        if path is None or not path.is_file():
            return
        self.stats.exists = True
        self.stats.bytes_before = _disk_bytes(path)
        self.db = _connect(path)
        try:
            self.db.execute("CREATE TEMP TABLE keep (key TEXT PRIMARY KEY) WITHOUT ROWID")
            table = _has_table(self.db)
        except sqlite3.DatabaseError as exc:
            self.stats.damaged, table = f"{type(exc).__name__}: {exc}", False
        if not table:  # an empty or damaged file: nothing to keep or remove
            self.close()

    def mark(self, keys: Iterable[str]) -> None:
        """Keep these keys (consumes the iterable even when the cache file does not exist)."""
        if self.db is None:
            for _ in keys:
                pass
            return
        self.db.execute("BEGIN")
        try:
            self.db.executemany("INSERT OR IGNORE INTO temp.keep (key) VALUES (?)", ((k,) for k in keys))
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def count_missing(self) -> int:
        """Marked keys the cache does not hold."""
        if self.db is None:
            return 0
        self.stats.missing = self.db.execute(
            f"SELECT count(*) FROM temp.keep WHERE key NOT IN (SELECT key FROM main.{TABLE})").fetchone()[0]
        return self.stats.missing

    def sweep(self, dry_run: bool) -> CacheStats:
        """Count, then (unless dry_run) delete every unmarked entry and VACUUM; closes the file."""
        s = self.stats
        if self.db is None:
            s.bytes_after = s.bytes_before
            return s
        db = self.db
        s.entries = db.execute(f"SELECT count(*) FROM main.{TABLE}").fetchone()[0]
        s.kept = db.execute(f"SELECT count(*) FROM main.{TABLE} WHERE key IN (SELECT key FROM temp.keep)").fetchone()[0]
        s.removed = s.entries - s.kept
        if dry_run:
            s.bytes_after, s.estimated = self._estimate_after(), True
        elif s.removed:
            db.execute("BEGIN IMMEDIATE")
            db.execute(f"DELETE FROM main.{TABLE} WHERE key NOT IN (SELECT key FROM temp.keep)")
            db.execute("COMMIT")
            db.execute("VACUUM main")
            db.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")  # the file itself shrinks now
        self.close()
        if not dry_run:
            s.bytes_after = _disk_bytes(s.path)
        return s

    def _estimate_after(self) -> int:
        """Bytes after a VACUUM, by the share of the payload (key + value + checksum) kept."""
        size = "coalesce(sum(length(key) + length(value) + length(checksum)), 0)"
        total = self.db.execute(f"SELECT {size} FROM main.{TABLE}").fetchone()[0]
        kept = self.db.execute(f"SELECT {size} FROM main.{TABLE} WHERE key IN (SELECT key FROM temp.keep)").fetchone()[0]
        if not total:
            return self.stats.bytes_before
        page = self.db.execute("PRAGMA main.page_size").fetchone()[0]
        floor = 3 * page  # header page + the table's and its key index's root pages
        return floor + round(max(0, self.stats.bytes_before - floor) * kept / total)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def require_outputs(root: Path) -> None:
    """PruneRefused unless every interim output the marks read is there."""
    for stage in READ_STAGES:
        folder = interim_dir(root, stage)
        parts = read_index(folder)
        paths = [folder / INDEX] if parts is None else \
            [part_path(folder, p.name, kind) for p in parts for kind in p.files]
        for path in paths:
            if not path.is_file():
                raise PruneRefused(f"{path.relative_to(root)} is missing: the interim outputs name what a "
                                   "rebuild needs; run `dvc repro` first (nothing was deleted)")


def is_dvc_project(root: Path) -> bool:
    return (root / ".dvc").is_dir() and (root / "dvc.yaml").is_file()


def require_dvc_clean(root: Path) -> None:
    """PruneRefused unless `dvc status` of the stages up to extract is clean."""
    from dvc.repo import Repo

    try:
        with Repo(str(root)) as repo:
            try:
                status = repo.status(targets=[READ_STAGES[-1]], with_deps=True)
            except Exception:  # noqa: BLE001 - no stage of that name: the whole pipeline then
                status = repo.status()
    except Exception as exc:  # noqa: BLE001 - a broken DVC state must not let prune guess
        raise PruneRefused(f"`dvc status` failed ({type(exc).__name__}: {exc}); nothing was deleted") from exc
    if status:
        raise PruneRefused(f"`dvc status` is not clean (changed: {', '.join(sorted(status))}): the interim "
                           "outputs are stale; run `dvc repro` first (nothing was deleted)")


def _mark(root: Path, params: Params, caches: dict[str, _Cache]) -> list[str]:
    """Mark in every cache the keys the current build looks up (each step's `live_keys`, in step
    order); returns why the interim outputs look stale (empty: they match the raw files and caches)."""
    marks = LiveKeys(root, params, caches)
    for step in all_steps():
        if step.spec.caches:
            step.live_keys(marks)
    return marks.problems


def _open_caches(root: Path, params: Params) -> dict[str, _Cache]:
    caches: dict[str, _Cache] = {}
    try:
        for name in CACHE_FILES:
            caches[name] = _Cache(name, cache_file(root, params, name))
    except BaseException:
        for c in caches.values():
            c.close()
        raise
    return caches


def prune(root: Path, params: Params, dry_run: bool = False, lock_timeout: float = 5) -> PruneResult:
    """Delete (unless `dry_run`) every cache entry the current build would not look up, then
    VACUUM. Raises PruneRefused (nothing deleted) when the interim outputs are missing or stale,
    CorpusBusy when a build holds the project lock."""
    root = Path(root)
    result = PruneResult(root / params.run.cache_dir if params.run.cache_dir else None, dry_run)
    if result.cache_dir is None:
        return result
    with project_lock(root, "curate cache prune", exclusive=not dry_run, timeout=lock_timeout):
        require_outputs(root)
        if is_dvc_project(root):
            require_dvc_clean(root)
        caches = _open_caches(root, params)
        try:
            problems = _mark(root, params, caches)
            if problems:
                raise PruneRefused(f"the interim outputs do not match the workspace ({'; '.join(problems)}): "
                                   "run `dvc repro` first (nothing was deleted)")
            result.caches = [c.sweep(dry_run) for c in caches.values()]
        finally:
            for c in caches.values():
                c.close()
    return result


def cache_info(root: Path, params: Params) -> list[CacheStats]:
    """Entries and bytes of every stage cache (read only, no lock: SQLite readers are safe)."""
    out = []
    for name in CACHE_FILES:
        path = cache_file(root, params, name)
        s = CacheStats(name, path if path is not None else Path())
        if path is not None and path.is_file():
            s.exists, s.bytes_before = True, _disk_bytes(path)
            db = _connect(path)
            try:
                s.entries = db.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] if _has_table(db) else 0
            except sqlite3.DatabaseError as exc:
                s.damaged = f"{type(exc).__name__}: {exc}"
            finally:
                db.close()
            s.bytes_after = s.bytes_before
        out.append(s)
    return out


# ------------------------------------------------------------------------------------- display


def render_prune(result: PruneResult) -> list[str]:
    """Lines for the terminal: one per cache (kept, removed, bytes before -> after), then totals."""
    if result.cache_dir is None:
        return ["the stage caches are off (run.cache_dir: null): nothing to prune"]
    est = "~" if result.dry_run else ""
    lines = [f"{'cache':<20} {'kept':>8} {'removed':>8} {'bytes before':>13} -> after"]
    for s in result.caches:
        if not s.exists or s.damaged:
            lines.append(f"{s.path.name:<20} {'(none)' if not s.exists else f'(not touched: {s.damaged})':>8}")
            continue
        lines.append(f"{s.path.name:<20} {s.kept:>8} {s.removed:>8} {s.bytes_before:>13,} -> {est}{s.bytes_after:,}")
    kept, removed, before, after = result.totals()
    verb = "would remove" if result.dry_run else "removed"
    lines.append(f"{result.cache_dir}: {verb} {removed} entries, kept {kept}; "
                 f"{before:,} -> {est}{after:,} bytes" + (" (dry run: nothing deleted)" if result.dry_run else ""))
    return lines


# files of the cache folder that are not stage caches, by what writes them
OTHER_FILES = (("check-corpus-*.pickle", "curate check's corpus index"),
               (f"{SUMMARY_FOLDER}/*{SUMMARY_SUFFIX}", "the quality report's shard summaries"))


def other_files(cache_dir: Path, stats: list[CacheStats]) -> list[tuple[str, int, int]]:
    """(what, files, bytes) for every file of the cache folder the stage-cache lines do not count:
    the corpus index of `curate check`, SQLite's -shm files, anything else (by name)."""
    counted = {p for s in stats if s.exists for p in (s.path, s.path.with_name(s.path.name + "-wal"))}
    groups: dict[str, list[int]] = {}
    for path in sorted(p for p in cache_dir.rglob("*") if p.is_file() and p not in counted):
        label = next((f"{pat} ({what})" for pat, what in OTHER_FILES if path.match(pat)),
                     path.relative_to(cache_dir).as_posix())
        try:
            size = path.stat().st_size
        except OSError:
            continue
        g = groups.setdefault(label, [0, 0])
        g[0], g[1] = g[0] + 1, g[1] + size
    return [(label, n, size) for label, (n, size) in groups.items()]


def render_info(stats: list[CacheStats], cache_dir: Path | None) -> list[str]:
    """One line per stage cache, one per other kind of file in the folder, then the folder's total."""
    if cache_dir is None:
        return ["the stage caches are off (run.cache_dir: null)"]
    lines = [f"{'cache':<20} {'entries':>8} {'bytes':>13}"]
    for s in stats:
        if not s.exists or s.damaged:
            lines.append(f"{s.path.name:<20} {'(none)' if not s.exists else f'(damaged: {s.damaged})':>8}")
        else:
            lines.append(f"{s.path.name:<20} {s.entries:>8} {s.bytes_before:>13,}")
    others = other_files(cache_dir, stats) if cache_dir.is_dir() else []
    for label, n, size in others:
        lines.append(f"{label}: {n} file{'s' if n != 1 else ''}, {size:,} bytes")
    total = sum(s.bytes_before for s in stats) + sum(size for _, _, size in others)
    lines.append(f"{cache_dir}: {sum(s.entries for s in stats)} entries, {total:,} bytes in all")
    return lines
