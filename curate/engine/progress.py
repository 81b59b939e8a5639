"""Progress of a running stage on stderr: items done, rate, time left.

`dvc repro` shows a stage's stderr as it runs. On a terminal the line is redrawn in place (a bar,
five times a second); otherwise (a log, CI) one line is printed every `CURATE_PROGRESS_INTERVAL`
seconds (default 5), and a last line when the stage took that long. A stage shorter than that
prints nothing. `CURATE_PROGRESS=0` turns it off. Outputs never depend on it: it only counts.

`_run_stage` (curate/engine/stage.py) opens one `StageProgress` per stage and makes it
`current()`; the input windows advance it, and long computations inside a window (NER) report
their part with `working(n)`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator

BAR_WIDTH = 24


def _duration(seconds: float) -> str:
    s = int(seconds + 0.5)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class StageProgress:
    """Counts what a stage has done and shows it now and then; cheap enough to call per record."""

    def __init__(self, stage: str, stream=None, interval: float | None = None, enabled: bool | None = None):
        self.stage = stage
        self.unit = "articles"
        self.total: int | None = None
        self.done = 0
        self.partial = 0  # done inside the current window, not yet counted in `done`
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        if enabled is None:
            enabled = os.environ.get("CURATE_PROGRESS", "1").lower() not in ("0", "off", "no", "false")
        self.enabled = enabled
        if interval is None:
            interval = 0.2 if self.tty else float(os.environ.get("CURATE_PROGRESS_INTERVAL", "5"))
        self.interval = interval
        self.t0 = time.monotonic()
        self._next = self.t0 + (interval if not self.tty else 1.0)  # nothing for a stage of a second
        self.shown = False

    def start(self, total: int | None, unit: str = "articles") -> None:
        self.total, self.unit = total, unit

    def advance(self, n: int = 1) -> None:
        self.done += n
        self.partial = 0
        self._tick()

    def working(self, n: int) -> None:
        self.partial += n
        self._tick()

    def _tick(self) -> None:
        if self.enabled and time.monotonic() >= self._next:
            self._show()

    def line(self, now: float | None = None, final: bool = False) -> str:
        now = time.monotonic() if now is None else now
        n, elapsed = self.done + self.partial, max(now - self.t0, 1e-9)
        rate = n / elapsed
        head = f"{self.stage}: {n:,}" + (f"/{self.total:,}" if self.total else "") + f" {self.unit}"
        if final:
            return f"{head} in {_duration(elapsed)} ({rate:,.1f}/s)"
        parts = [head]
        if self.total:
            parts.append(f"{100 * min(n, self.total) / self.total:.0f}%")
        parts.append(f"{rate:,.1f}/s")
        if self.total and rate > 0 and n < self.total:
            parts.append(f"~{_duration((self.total - n) / rate)} left")
        return ", ".join(parts)

    def _show(self) -> None:
        now = time.monotonic()
        self._next = now + self.interval
        text = self.line(now)
        try:
            if self.tty:
                frac = min(1.0, (self.done + self.partial) / self.total) if self.total else 0.0
                filled = int(frac * BAR_WIDTH)
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
