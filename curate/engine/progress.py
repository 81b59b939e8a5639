"""Progress of a running stage on stderr: items done, rate, time left.

`dvc repro` shows a stage's stderr as it runs. On a terminal the line is redrawn in place (a bar,
five times a second); otherwise (a log, CI) one line is printed every `CURATE_PROGRESS_INTERVAL`
seconds (default 5), and a last line when the stage took that long. A stage shorter than that
prints nothing. `CURATE_PROGRESS=0` turns it off. Outputs never depend on it: it only counts.

`run_stage` (curate/engine/stage.py) opens one `StageProgress` per stage and makes it
`current()`; the input windows advance it, and long computations inside a window (NER) report
their part with `working(n)`.

Time left is estimated from work units that follow the cost (bytes read: one WARC file of
thousands of pages weighs what it holds, not one file among many), only once there is something
to estimate from (`ETA_MIN_SHARE` of the work and `ETA_MIN_SECONDS` of running), and from the
rate of the last `RATE_WINDOW` seconds, so a slow start (worker pools, model loading) does not
promise an hour for a stage of a minute.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator

BAR_WIDTH = 24
ETA_MIN_SHARE = 0.05  # of the work done before a time left is shown
ETA_MIN_SECONDS = 3.0  # of running before a time left is shown
RATE_WINDOW = 30.0  # seconds of recent work the rate of the time left is measured over
SAMPLE_EVERY = 0.5  # seconds between the (time, work) samples of that rate


def _duration(seconds: float) -> str:
    s = int(seconds + 0.5)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class StageProgress:
    """Counts what a stage has done and shows it now and then; cheap enough to call per record."""

    def __init__(self, stage: str, stream=None, interval: float | None = None, enabled: bool | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.stage = stage
        self.unit = "articles"
        self.total: int | None = None
        self.done = 0
        self.partial = 0  # done inside the current window, not yet counted in `done`
        self.work_total: float | None = None  # the cost of the whole stage (bytes), else `total`
        self.work = 0.0
        self.partial_work = 0.0
        self.clock = clock
        self._samples: deque[tuple[float, float]] = deque()
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        if enabled is None:
            enabled = os.environ.get("CURATE_PROGRESS", "1").lower() not in ("0", "off", "no", "false")
        self.enabled = enabled
        if interval is None:
            interval = 0.2 if self.tty else float(os.environ.get("CURATE_PROGRESS_INTERVAL", "5"))
        self.interval = interval
        self.t0 = clock()
        self._next = self.t0 + (interval if not self.tty else 1.0)  # nothing for a stage of a second
        self._next_sample = self.t0
        self._samples.append((self.t0, 0.0))
        self.shown = False

    def start(self, total: int | None, unit: str = "articles", work: float | None = None) -> None:
        """`total` items of `unit` to do, costing `work` units in all (bytes; default: the items)."""
        self.total, self.unit, self.work_total = total, unit, work

    def advance(self, n: int = 1, work: float | None = None) -> None:
        self.done += n
        self.work += n if work is None else work
        self.partial, self.partial_work = 0, 0.0
        self._tick()

    def working(self, n: int, work: float | None = None) -> None:
        self.partial += n
        self.partial_work += n if work is None else work
        self._tick()

    def _tick(self) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now >= self._next_sample:
            self._next_sample = now + SAMPLE_EVERY
            work = self.work + self.partial_work
            if work == 0:  # still starting: only the last such moment counts
                self._samples.clear()
            self._samples.append((now, work))
            while len(self._samples) > 2 and now - self._samples[1][0] >= RATE_WINDOW:
                self._samples.popleft()
        if now >= self._next:
            self._show(now)

    def share(self) -> float | None:
        """The part of the work done, 0..1 (by cost when the stage gave one); None without a total."""
        total = self.work_total if self.work_total is not None else self.total
        return min(1.0, (self.work + self.partial_work) / total) if total else None

    def time_left(self, now: float) -> float | None:
        """Seconds left at the recent rate of work; None until there is enough to estimate from."""
        total = self.work_total if self.work_total is not None else self.total
        work = self.work + self.partial_work
        if not total or work >= total or work < ETA_MIN_SHARE * total or now - self.t0 < ETA_MIN_SECONDS:
            return None
        since, base = self.t0, 0.0
        if self._samples and now - self._samples[0][0] >= SAMPLE_EVERY:
            since, base = self._samples[0]  # the recent rate, past the start-up
        rate = (work - base) / max(now - since, 1e-9)
        return (total - work) / rate if rate > 0 else None

    def line(self, now: float | None = None, final: bool = False) -> str:
        now = self.clock() if now is None else now
        n, elapsed = self.done + self.partial, max(now - self.t0, 1e-9)
        rate = n / elapsed
        head = f"{self.stage}: {n:,}" + (f"/{self.total:,}" if self.total else "") + f" {self.unit}"
        if final:
            return f"{head} in {_duration(elapsed)} ({rate:,.1f}/s)"
        parts = [head]
        if (share := self.share()) is not None:
            parts.append(f"{100 * share:.0f}%")
        parts.append(f"{rate:,.1f}/s")
        if self.total and n < self.total and (left := self.time_left(now)) is not None:
            parts.append(f"~{_duration(left)} left")
        return ", ".join(parts)

    def _show(self, now: float) -> None:
        self._next = now + self.interval
        text = self.line(now)
        try:
            if self.tty:
                filled = int((self.share() or 0.0) * BAR_WIDTH)
                self.stream.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {text}\x1b[K")
            else:
                self.stream.write(text + "\n")
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr never stops a stage
            self.enabled = False
            return
        self.shown = True

    def close(self, finished: bool = True) -> None:
        """The last line (done, time, rate); a stage stopped early (an error, a Ctrl-C) gets none:
        on a terminal its bar stays as it was and the line is ended for what comes next."""
        if not (self.enabled and self.shown):
            return
        with contextlib.suppress(OSError, ValueError):
            if finished:
                self.stream.write(("\r" if self.tty else "") + self.line(final=True) + ("\x1b[K\n" if self.tty else "\n"))
            elif self.tty:
                self.stream.write("\n")
            self.stream.flush()


_NULL = StageProgress("-", enabled=False)
_current: list[StageProgress] = []


def current() -> StageProgress:
    """The running stage's progress (a silent one outside a stage)."""
    return _current[-1] if _current else _NULL


@contextlib.contextmanager
def stage_progress(stage: str) -> Iterator[StageProgress]:
    p = StageProgress(stage)
    _current.append(p)
    finished = False
    try:
        yield p
        finished = True
    finally:
        _current.pop()
        p.close(finished)


def count_lines(path) -> int | None:
    """Lines of a file (the total of a stage reading it), in 1 MiB reads; None if unreadable."""
    try:
        with open(path, "rb") as fh:
            return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return None
