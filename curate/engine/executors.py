"""Where expensive work runs: in this process, in local worker processes, or on a Dask cluster.

An executor maps a picklable function over a list of tasks and returns results in task order,
so the caller's output never depends on which worker did what.

Interruptions (docs/interruptions.md): a Ctrl-C is the parent's alone. Local workers ignore
SIGINT (no worker tracebacks, no worker dying mid-task and its task lost), and an executor left
by an exception, KeyboardInterrupt included, is terminated (workers stopped, Dask futures
cancelled) instead of waiting for work nobody will collect: a multiprocessing pool interrupted
mid-map hangs in close() + join(). Use an executor as a context manager (`with make_executor(...)`,
or `executor_for`), which does both.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from curate.engine.step import StepFailure


def _worker_init(initializer: Callable[..., Any] | None, initargs: tuple) -> None:
    """Every pool worker ignores SIGINT (the parent stops the pool), then runs `initializer`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """A Ctrl-C meanwhile is held until the block ends, then delivered (main thread only): the
    workers forked meanwhile start with a handler that does nothing, so a Ctrl-C before their
    initializer runs cannot kill them, and a pool is never left half started or half stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:
            signal.raise_signal(signal.SIGINT)


class _Executor:
    """The context-manager protocol: a normal exit closes (waits for the workers to finish), an
    exception terminates."""

    def close(self) -> None:
        raise NotImplementedError

    def terminate(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.close()
        else:
            self.terminate()


class LocalExecutor(_Executor):
    """`workers` processes (1 = in this process, no pool); the pool lives while the executor does."""

    def __init__(self, workers: int = 1, initializer: Callable[..., Any] | None = None, initargs: tuple = ()):
        self.workers = max(1, int(workers))
        self._initializer, self._initargs = initializer, initargs
        self._pool = None

    def map(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> list[Any]:
        if self.workers == 1 or len(tasks) <= 1:
            return [fn(*t) for t in tasks]
        try:
            if self._pool is None:
                ctx = mp.get_context("fork") if os.name == "posix" else mp.get_context("spawn")
                with _sigint_deferred():
                    self._pool = ctx.Pool(self.workers, initializer=_worker_init,
                                          initargs=(self._initializer, self._initargs))
            return self._pool.starmap(fn, tasks, chunksize=1)
        except BaseException:  # its tasks are lost to the caller: stop the workers now
            self.terminate()
            raise

    def close(self) -> None:
        """Wait for the workers to finish and stop them (the normal end)."""
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def terminate(self) -> None:
        """Stop the workers now, whatever they are doing (an error or an interrupt)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            with _sigint_deferred():
                pool.terminate()
                pool.join()


class DaskExecutor(_Executor):
    """Runs tasks on a dask.distributed cluster (`pip install "curate[dask]"`);
    `initializer(*initargs)` runs once on each worker, as a local pool's initializer does (a
    worker plugin: the workers there now and any that join later, e.g. one restarted after a
    crash)."""

    def __init__(self, address: str, initializer: Callable[..., Any] | None = None, initargs: tuple = ()):
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise RuntimeError('the Dask executor needs: pip install "curate[dask]"') from exc
        self.address = address
        self.client = Client(address)
        self._futures: list = []
        if initializer is not None:
            try:
                self.client.register_plugin(_worker_plugin(initializer, initargs), name=WARM_UP_PLUGIN)
            except BaseException:
                self.client.close()
                raise

    def map(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> list[Any]:
        self._futures = [self.client.submit(fn, *t, pure=False) for t in tasks]
        try:
            # wait here, not inside gather: a Ctrl-C in gather leaves its helpers on the client's
            # loop to die later with "Task exception was never retrieved" tracebacks
            # in short waits: a SIGINT that the OS handed to another thread (the client's loop) only
            # sets Python's flag, which the main thread sees when it wakes
            done = _all_done(self._futures)
            while not done.wait(0.2):
                pass
            return self.client.gather(self._futures)
        except BaseException:  # nobody will collect them: cancel them on the cluster
            self.terminate()
            raise
        finally:
            self._futures = []

    def check_paths(self, paths: Sequence[str]) -> None:
        """WorkerPathError unless every worker of the cluster sees each folder of `paths` (the
        project's absolute paths, which tasks read by name): once per stage, before any task."""
        missing = self.client.run(missing_folders, list(paths))
        for worker, lost in sorted(missing.items()):
            if lost:
                raise WorkerPathError(
                    f"Dask worker {worker} cannot see {lost[0]}: every worker must see the project "
                    "folder at the same path (a shared file system, docs/performance.md)")

    def close(self) -> None:
        self.client.close()

    def terminate(self) -> None:
        """Cancel this client's pending futures and disconnect at once (the cluster lives on)."""
        futures, self._futures = self._futures, []
        with _sigint_deferred(), contextlib.suppress(Exception):
            if futures:
                self.client.cancel(futures, force=True)
            self.client.close(timeout=2)


WARM_UP_PLUGIN = "curate-worker-init"  # one per cluster: a later run's initializer replaces it


def _worker_plugin(initializer: Callable[..., Any], initargs: tuple):
    """A Dask worker plugin whose setup runs `initializer(*initargs)` (distributed loads lazily)."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class WorkerInit(WorkerPlugin):
        def __init__(self, fn, args):
            self.fn, self.args = fn, args

        def setup(self, worker) -> None:
            self.fn(*self.args)

    return WorkerInit(initializer, initargs)


class WorkerPathError(StepFailure):
    """A cluster worker cannot see a folder of the project by the path the driver sends it."""


def missing_folders(paths: list[str]) -> list[str]:
    """The folders of `paths` this process cannot see (what `check_paths` runs on each worker)."""
    return [p for p in paths if not os.path.isdir(p)]


def _all_done(futures: list) -> threading.Event:
    """An event set once every future is finished, failed or cancelled."""
    done, lock, left = threading.Event(), threading.Lock(), [len(futures)]

    def one(_future) -> None:
        with lock:
            left[0] -= 1
            if left[0] == 0:
                done.set()

    if not futures:
        done.set()
    for future in futures:
        future.add_done_callback(one)
    return done


def make_executor(workers: int, scheduler: str | None = None, initializer=None, initargs: tuple = ()):
    """Dask when a scheduler address is given (params or CURATE_DASK_SCHEDULER), else local;
    `initializer(*initargs)` runs once in each worker of either."""
    address = scheduler or os.environ.get("CURATE_DASK_SCHEDULER") or None
    if address:
        return DaskExecutor(address, initializer, initargs)
    return LocalExecutor(workers, initializer, initargs)


def run_each(initializers: tuple) -> None:
    """Run every function of `initializers` in order: the worker initializer of an executor
    shared by several stages (curate/pipeline/run.py), each stage's own warm-up."""
    for fn in initializers:
        fn()


# A per-record computation given fewer items than this runs in the calling process: shipping
# a few records to workers (and, for a local pool not started yet, forking it) costs more than
# computing them; outputs are the same bytes either way (the functions are pure).
INLINE_BELOW = 256
RECORDS_PER_TASK = 64  # records per task: a window of 2,048 is 32 tasks


def map_chunked(executor, fn: Callable[..., list], items: Sequence, *args, chunk: int | None = None,
                inline_below: int | None = None) -> list:
    """`fn(items[i:i + chunk], *args)` for each chunk of `items` (RECORDS_PER_TASK by default),
    on `executor` (in this process when there are fewer than `inline_below` items, INLINE_BELOW
    by default, or no executor), flattened: one result per item, in order. The defaults are
    read at each call, so a setting of the module's constants holds for every caller."""
    chunk = chunk or RECORDS_PER_TASK
    inline_below = INLINE_BELOW if inline_below is None else inline_below
    tasks = [(items[i:i + chunk], *args) for i in range(0, len(items), chunk)]
    if executor is None or len(items) < inline_below:
        results = [fn(*t) for t in tasks]
    else:
        results = executor.map(fn, tasks)
    return [out for part in results for out in part]


def per_item(items: Sequence, fn: Callable[..., Any], *args) -> list:
    """The task of a per-item function for `map_chunked`: `fn(item, *args)` for each of `items`
    (`fn` defined at module level, so that it pickles by name)."""
    return [fn(item, *args) for item in items]


@contextlib.contextmanager
def executor_for(executor, workers: int, scheduler: str | None = None, initializer=None,
                 initargs: tuple = ()) -> Iterator[Any]:
    """`executor` when the caller gave one (the caller ends it), else a new one (`make_executor`)
    for the block: closed after it, terminated if it raises or is interrupted."""
    if executor is not None:
        yield executor
        return
    with make_executor(workers, scheduler, initializer, initargs) as own:
        yield own


def resolve_workers(workers: str | int | None) -> int:
    """`run.workers` as a process count: `auto` (or 0) = the CPUs this process may use."""
    if workers in ("auto", 0, None):
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    return max(1, int(workers))
