"""The safety net: a reader that raises turns into a rejected record (INTERNAL_ERROR), never a crash.

`guarded(fn, path, ...)` calls `fn()`; on any exception it returns a Rejected with the path-rule
id, reason INTERNAL_ERROR and `ExceptionType: message` as detail. Nothing is ever lost.
"""

from __future__ import annotations

from curate.record import Reason

from . import ids
from .base import new_record, rejected


def internal_error(exc: BaseException, path: str, fmt: str, version: int, sha: str = "",
                   line: int | None = None):
    rec = new_record(ids.path_id(path, line), path, fmt, version, sha, line=line)
    return rejected(rec, Reason.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")


def guarded(fn, path: str, fmt: str, version: int, sha: str = "", line: int | None = None):
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - the point of this module
        return internal_error(exc, path, fmt, version, sha, line)
