"""A time limit for a block running in any thread, where SIGALRM cannot reach (Dask runs tasks
in worker threads; signals go to a process's main thread only).

One watchdog thread per process keeps the blocks' deadlines; when one passes, it raises the
block's exception in the block's thread with `PyThreadState_SetAsyncExc`. The exception lands
at the thread's next Python instruction: Python-level loops are cut at the deadline, but time
inside one C call (an lxml parse of a huge page, say) is cut only when that call returns.

A lock orders the watchdog's raise against the block's end: an exception is raised only while
the block is still inside, and one the watchdog raised just as the block ended is either taken
back (not yet delivered) or propagates out of the block, never later.
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

# a C-level lock: an exception raised in a thread between bytecodes never leaves it held (a
# Condition's Python-level __enter__ could); only the watchdog, which is never interrupted, waits
_mutex = threading.Lock()
_wake = threading.Condition(_mutex)
_entries: dict[int, tuple[int, type[BaseException]]] = {}  # token -> (thread id, exception)
_heap: list[tuple[float, int]] = []  # (monotonic deadline, token)
_tokens = itertools.count()
_watchdog: list[int] = []  # pid of the process whose watchdog runs (a fork has none)
SWALLOWED_AFTER_S = 0.1  # a block ending this long after its fired deadline had its exception swallowed


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> int:
    return ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                                      ctypes.py_object(exc) if exc else None)


def _watch() -> None:
    with _mutex:
        while True:
            while _heap and _heap[0][1] not in _entries:
                heapq.heappop(_heap)  # blocks that ended in time
            left = _heap[0][0] - time.monotonic() if _heap else 1.0
            if left > 0:
                _wake.wait(min(left, 1.0))
                continue
            _, token = heapq.heappop(_heap)
            thread_id, exc = _entries.pop(token)
            _set_async_exc(thread_id, exc)


def _ensure_watchdog() -> None:
    if _watchdog != [os.getpid()]:
        _watchdog[:] = [os.getpid()]
        threading.Thread(target=_watch, name="curate-deadline-watchdog", daemon=True).start()


@contextmanager
def thread_deadline(seconds: float, exc: type[BaseException]) -> Iterator[None]:
    """Raise `exc` in this thread if the block is still running after `seconds` (see the module
    docstring for what can and cannot be cut)."""
    token, end = next(_tokens), time.monotonic() + seconds
    with _mutex:
        _ensure_watchdog()
        _entries[token] = (threading.get_ident(), exc)
        heapq.heappush(_heap, (end, token))
        _wake.notify()
    fired = False
    try:
        yield
    finally:
        with _mutex:
            if _entries.pop(token, None) is None:  # fired: take it back if not delivered yet
                fired = True
                _set_async_exc(threading.get_ident(), None)
    # the deadline fired, yet the block ended long after it: the exception landed where it was
    # swallowed (a __del__ that ran in this thread then), and the block overran: it still fails
    if fired and time.monotonic() > end + SWALLOWED_AFTER_S:
        raise exc
