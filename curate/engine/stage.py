"""How any step runs as a stage: stream the previous stage's records in windows, look each
window up in a stage cache or compute it, write records and rejections to a folder built aside
and swapped in whole (one atomic exchange), counting what came in and what went out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from curate.engine.cache import line_cache_key
from curate.engine.io import iter_lines, replace_dir
from curate.engine.progress import count_lines, current, stage_progress
from curate.layout import RECORDS, REJECTED, STAGES, interim_dir
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


class StageWriter:
    """Appends records and rejections to a stage's folder, counting them."""

    def __init__(self, folder: Path, result: StageResult):
        self.result = result
        self.folder = folder
        self._rec = open(folder / RECORDS, "wb")
        self._rej = open(folder / REJECTED, "wb")
        self._side: dict[str, object] = {}

    def keep(self, record: Record) -> None:
        self.keep_encoded(encode(record))

    def keep_encoded(self, line: bytes) -> None:
        self._rec.write(line + b"\n")
        self.result.kept += 1

    def drop(self, rejected: Rejected) -> None:
        self._rej.write(encode(rejected) + b"\n")
        self.result.rejected[rejected.reason] += 1

    def side(self, name: str, line: bytes) -> None:
        """Append a line to another file of the stage's folder (e.g. ingest's skipped items)."""
        fh = self._side.get(name)
        if fh is None:
            fh = self._side[name] = open(self.folder / name, "wb")
        fh.write(line + b"\n")

    def close(self) -> None:
        self._rec.close()
        self._rej.close()
        for fh in self._side.values():
            fh.close()


def stage_executor(params, executor=None, initializer=None, initargs: tuple = ()):
    """The executor a stage (or `curate check`) runs on, as a context manager: `executor` when the
    caller gave one (the caller ends it), else `run.workers` local processes or the
    `run.scheduler` Dask cluster for the block, closed after it and terminated if it raises or is
    interrupted; `initializer(*initargs)` runs once in each worker."""
    return executor_for(executor, resolve_workers(params.run.workers), params.run.scheduler,
                        initializer, initargs)


def run_stage(root: Path, stage: str, body) -> StageResult:
    result = StageResult(stage)

    def fill(tmp: Path) -> None:
        w = StageWriter(tmp, result)
        try:
            body(w, result)
        finally:
            w.close()

    with stage_progress(stage):  # stderr: done, rate, time left (curate/engine/progress.py)
        replace_dir(interim_dir(root, stage), fill)
    return result


def previous_records(root: Path, stage: str) -> Path:
    i = STAGES.index(stage)
    return interim_dir(root, STAGES[i - 1]) / RECORDS


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size or None
    except OSError:
        return None


def record_windows(path: Path, result: StageResult) -> Iterator[list[bytes]]:
    """The non-blank lines of `path` in windows of WINDOW, counting them as the stage's inputs
    (and, once a window is written, as the stage's progress)."""
    progress = current()
    if progress.enabled:
        progress.start(count_lines(path), work=_size(path))  # the time left goes by bytes
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
