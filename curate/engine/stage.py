"""How any step runs as a stage: partition by partition (curate/engine/parts.py), a part whose
input and settings are those of a part of the previous run is hard-linked from it; any other is
written from the previous stage's part streamed in windows, each window looked up in a stage cache
or computed. The parts go to a folder built aside and swapped in whole (one atomic exchange),
with its index.json, counting what came in and what went out."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from curate.engine.cache import line_cache_key
from curate.engine.io import iter_lines, replace_dir
from curate.engine.parts import (PARTS, Local, Part, digest, note_file, part_name, part_path, read_index, read_local,
                                 stage_parts, unchanged, verified_digest, write_index, write_local)
from curate.engine.progress import current, stage_progress
from curate.layout import STAGES, interim_dir
from curate.record import REJECTED_DECODER, Record, Rejected, encode
from curate.engine.executors import executor_for, resolve_workers

_rejected_dec = REJECTED_DECODER


WINDOW = 2048  # records looked up / annotated per round; bounds memory


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


class _Hashed:
    """A file written once, its sha256 computed while writing."""

    def __init__(self, path: Path):
        self.path, self.fh, self.sha = path, open(path, "wb"), hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.fh.write(data)
        self.sha.update(data)

    def close(self, local: Local) -> list:
        """Close it; its [sha256, size] for the index (its stat identity noted in `local`)."""
        self.fh.close()
        return note_file(local, self.path, self.sha.hexdigest())


class StageWriter:
    """Appends records and rejections to the current part of a stage's folder (`begin` ... `end`),
    counting them for the stage and for the part; `local` gathers the folder's local file."""

    def __init__(self, folder: Path, result: StageResult):
        self.result = result
        self.folder = folder
        (folder / PARTS).mkdir(exist_ok=True)
        self.part: Part | None = None
        self._files: dict[str, _Hashed] = {}
        self.local = Local(keys={}, files={})

    def begin(self, name: str, input_digest: str = "", key: str = "") -> None:
        self.part = Part(name, input=input_digest, rejected={}, skipped={}, files={})
        if key:
            self.local.keys[name] = key
        self._files["records"] = _Hashed(part_path(self.folder, name, "records"))

    def keep(self, record: Record) -> None:
        self.keep_encoded(encode(record))

    def keep_encoded(self, line: bytes) -> None:
        self._files["records"].write(line + b"\n")
        self.result.kept += 1
        self.part.kept += 1

    def _file(self, kind: str) -> _Hashed:
        """The part's file of `kind`, opened at its first line: a part without rejections (or
        skipped items) has no such file, so DVC has fewer files to walk on every build."""
        fh = self._files.get(kind)
        if fh is None:
            fh = self._files[kind] = _Hashed(part_path(self.folder, self.part.name, kind))
        return fh

    def drop(self, rejected: Rejected) -> None:
        self._file("rejected").write(encode(rejected) + b"\n")
        self.result.rejected[rejected.reason] += 1
        self.part.rejected[rejected.reason] = self.part.rejected.get(rejected.reason, 0) + 1

    def skip(self, line: bytes, kind: str) -> None:
        """Append an item that is no input (ingest: WARC requests, ...) to the part's skipped file."""
        self._file("skipped").write(line + b"\n")
        self.part.skipped[kind] = self.part.skipped.get(kind, 0) + 1

    def end(self, inputs: int) -> Part:
        """Close the part's files; its entry of index.json (`inputs`: what it read)."""
        part, self.part = self.part, None
        part.inputs = inputs
        for kind, fh in self._files.items():
            part.files[kind] = fh.close(self.local)
        self._files = {}
        return part

    def close(self) -> None:
        for fh in self._files.values():
            fh.fh.close()
        self._files = {}


def stage_executor(params, executor=None, initializer=None, initargs: tuple = ()):
    """The executor a stage (or `curate check`) runs on, as a context manager: `executor` when the
    caller gave one (the caller ends it), else `run.workers` local processes or the
    `run.scheduler` Dask cluster for the block, closed after it and terminated if it raises or is
    interrupted; `initializer(*initargs)` runs once in each worker."""
    return executor_for(executor, resolve_workers(params.run.workers), params.run.scheduler,
                        initializer, initargs)


class PartRun:
    """One stage run over partitions: each part reused from the stage's previous output when its
    reuse key is one the previous local file recorded and its files are unchanged (hard-linked
    into the folder built aside, counts from the old index), else written by `fill`."""

    def __init__(self, old_folder: Path, w: StageWriter, result: StageResult):
        self.old_folder, self.w, self.result = old_folder, w, result
        self.old_local = read_local(old_folder)
        keys = self.old_local.keys
        self.old = {keys[p.name]: p for p in (read_index(old_folder) or []) if keys.get(p.name)}
        self.parts: list[Part] = []
        self.written = 0

    def part(self, input_digest: str, key: str, fill) -> bool:
        """The next part: reused (True) or written by `fill(writer)` (False)."""
        if self._reuse(key):
            return True
        before = self.result.inputs
        self.w.begin(part_name(len(self.parts)), input_digest, key)
        fill(self.w)
        self.written += 1
        self.parts.append(self.w.end(self.result.inputs - before))
        return False

    def _reuse(self, key: str) -> bool:
        old = self.old.get(key) if key else None
        if old is None or not all(unchanged(self.old_folder, old, kind, self.old_local) for kind in old.files):
            return False
        name = part_name(len(self.parts))
        for kind, entry in old.files.items():
            dst = part_path(self.w.folder, name, kind)
            link_or_copy(part_path(self.old_folder, old.name, kind), dst)
            note_file(self.w.local, dst, entry[0])
        self.w.local.keys[name] = key
        self.parts.append(msgspec.structs.replace(old, name=name))
        r = self.result
        r.inputs, r.kept = r.inputs + old.inputs, r.kept + old.kept
        r.rejected.update(old.rejected)
        if old.skipped:
            counts = r.extra.setdefault("skipped_by_kind", {})
            for k, n in old.skipped.items():
                counts[k] = counts.get(k, 0) + n
        return True


def link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link `src` as `dst` (same inode and mtime: DVC does not hash it again); a copy
    where links are not possible."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def run_stage(root: Path, stage: str, body) -> StageResult:
    """Run `body(run: PartRun, result)`, which writes the stage's parts in order, in a folder
    built aside; then write its index.json, swap the folder in and write its local file (the
    stat identities survive the swap: a folder's rename keeps its files' inodes and mtimes)."""
    result = StageResult(stage)
    target = interim_dir(root, stage)
    local = Local()

    def fill(tmp: Path) -> None:
        nonlocal local
        w = StageWriter(tmp, result)
        local = w.local
        run = PartRun(target, w, result)
        try:
            body(run, result)
        finally:
            w.close()
        write_index(tmp, stage, run.parts)
        result.extra.update(parts=len(run.parts), parts_reused=len(run.parts) - run.written)

    with stage_progress(stage):  # stderr: done, rate, time left (curate/engine/progress.py)
        replace_dir(target, fill)
    try:
        write_local(target, local)
    except OSError:  # a missing or stale local file costs the next run work, never bytes
        pass
    return result


def previous_stage(stage: str) -> str:
    return STAGES[STAGES.index(stage) - 1]


def record_windows(path: Path, result: StageResult) -> Iterator[list[bytes]]:
    """The non-blank lines of `path` in windows of WINDOW, counting them as the stage's inputs
    (and, once a window is written, as the stage's progress)."""
    progress = current()
    window: list[bytes] = []
    for line in iter_lines(path):
        result.inputs += 1
        window.append(line)
        if len(window) >= WINDOW:
            yield window
            progress.advance(len(window), work=sum(len(b) + 1 for b in window))
            window = []
    if window:
        yield window
        progress.advance(len(window), work=sum(len(b) + 1 for b in window))


def run_line_stage(root: Path, stage: str, prefix: str, cache, compute) -> StageResult:
    """A stage whose output line depends on its input line alone (clean, extract): each part of
    the previous stage's output becomes the same part of this one, reused when its input digest
    (the previous part's sha256) and `prefix` (code, rules, params) are those of a part of the
    previous run, else written window by window through `cached_window`."""
    source = interim_dir(root, previous_stage(stage))
    upstream = stage_parts(root, previous_stage(stage))
    known = read_local(source)

    def body(run: PartRun, result: StageResult) -> None:
        progress = current()
        progress.start(sum(p.kept for p in upstream), work=sum(p.files["records"][1] for p in upstream) or None)
        for up in upstream:
            input_digest = verified_digest(source, up, known)

            def fill(w: StageWriter, path=part_path(source, up.name)) -> None:
                for window in record_windows(path, result):
                    cached_window(w, window, cache, prefix, compute)

            if run.part(input_digest, digest(prefix, input_digest), fill):
                progress.advance(up.kept, work=up.files["records"][1])

    return run_stage(root, stage, body)


def tagged(out: Record | Rejected) -> bytes:
    """A stage's output for one input as bytes: `K` + the record's JSON line, or `R` + the
    rejection's (what a stage cache holds and an executor task returns)."""
    return (b"R" if isinstance(out, Rejected) else b"K") + encode(out)


def cached_window(w: StageWriter, lines: list[bytes], cache, prefix: str, compute) -> None:
    """Write the outputs of a window of input lines, each from `cache` (keyed by `prefix` +
    sha256 of the line) or computed by `compute(lines) -> [tagged bytes]` and stored.

    A hit holds exactly the bytes the same code and parameters produced before (the prefix names
    both), so an output never depends on whether the cache was warm."""
    keys = [line_cache_key(prefix, ln) for ln in lines]
    found = cache.get_many(set(keys))
    todo: dict[str, bytes] = {}
    for key, ln in zip(keys, lines):
        if key not in found:
            todo.setdefault(key, ln)
    fresh = []
    for key, value in zip(todo, compute(list(todo.values()))):
        found[key] = value
        fresh.append((key, value))
    cache.put_many(fresh)
    for key in keys:
        value = found[key]
        if value[:1] == b"R":
            w.drop(_rejected_dec.decode(value[1:]))
        else:
            w.keep_encoded(value[1:])
