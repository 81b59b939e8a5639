"""Where expensive work runs: in this process, in local worker processes, or on a Dask cluster.

An executor maps a picklable function over a list of tasks and returns results in task order,
so the caller's output never depends on which worker did what.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from typing import Any


class LocalExecutor:
    """`workers` processes (1 = in this process, no pool); the pool lives while the executor does."""

    def __init__(self, workers: int = 1, initializer: Callable[..., Any] | None = None, initargs: tuple = ()):
        self.workers = max(1, int(workers))
        self._initializer, self._initargs = initializer, initargs
        self._pool = None

    def map(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> list[Any]:
        if self.workers == 1 or len(tasks) <= 1:
            return [fn(*t) for t in tasks]
        if self._pool is None:
            ctx = mp.get_context("fork") if os.name == "posix" else mp.get_context("spawn")
            self._pool = ctx.Pool(self.workers, initializer=self._initializer, initargs=self._initargs)
        return self._pool.starmap(fn, tasks, chunksize=1)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


class DaskExecutor:
    """Runs tasks on a dask.distributed cluster (`pip install "curate[dask]"`)."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise RuntimeError('the Dask executor needs: pip install "curate[dask]"') from exc
        self.address = address
        self.client = Client(address)

    def map(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> list[Any]:
        futures = [self.client.submit(fn, *t, pure=False) for t in tasks]
        return self.client.gather(futures)

    def close(self) -> None:
        self.client.close()


def make_executor(workers: int, scheduler: str | None = None, initializer=None, initargs: tuple = ()):
    """Dask when a scheduler address is given (params or CURATE_DASK_SCHEDULER), else local."""
    address = scheduler or os.environ.get("CURATE_DASK_SCHEDULER") or None
    if address:
        return DaskExecutor(address)
    return LocalExecutor(workers, initializer, initargs)


def resolve_workers(workers: str | int | None) -> int:
    """`run.workers` as a process count: `auto` (or 0) = the CPUs this process may use."""
    if workers in ("auto", 0, None):
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    return max(1, int(workers))
