"""A progress bar on stderr for long commands, shown only when stderr is a terminal.

`with progress_bar() as update: work(progress=update)` where `update(phase, done, total)`;
phases get one bar each. When stderr is not a terminal (pipes, CI, tests) `update` does nothing.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

Update = Callable[[str, int, int], None]


def _quiet(phase: str, done: int, total: int) -> None:
    pass


@contextlib.contextmanager
def progress_bar(enabled: bool | None = None) -> Iterator[Update]:
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield _quiet
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bars: dict[str, int] = {}
    with Progress(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as prog:

        def update(phase: str, done: int, total: int) -> None:
            if phase not in bars:
                bars[phase] = prog.add_task(phase, total=total)
            prog.update(bars[phase], completed=done, total=total)

        yield update
