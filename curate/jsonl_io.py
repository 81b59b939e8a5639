"""Reading and writing JSONL files of records: streaming reads, atomic writes.

Every file the toolkit writes goes through `atomic_writer` (or `write_atomic`): data goes to a
temporary file in the same folder, is flushed and fsynced, then renamed over the target, so an
interrupted run leaves the previous file intact and never a partial one. Temporary names start
with `.tmp-` so readers and DVC-tracked folders can tell them apart.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import msgspec

from curate.record import Record, Rejected, encode

TMP_PREFIX = ".tmp-"


class OutputError(OSError):
    """Writing an output failed (disk full, permissions); names the path, outputs left intact."""


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "wb") -> Iterator[IO]:
    """Yield a file handle whose content replaces `path` only if the block completes."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=target.parent)
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        _unlink_quietly(tmp)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise OutputError(exc.errno, f"no space left writing {target}: {exc.strerror}") from exc
        raise OutputError(exc.errno, f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def write_atomic(path: str | Path, data: bytes | str) -> None:
    with atomic_writer(path, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def write_jsonl(path: str | Path, items: Iterable[msgspec.Struct]) -> int:
    """Write structs one per line, atomically; returns the number written."""
    n = 0
    with atomic_writer(path, "wb") as fh:
        buf: list[bytes] = []
        for item in items:
            buf.append(encode(item))
            n += 1
            if len(buf) >= 1024:
                fh.write(b"\n".join(buf) + b"\n")
                buf.clear()
        if buf:
            fh.write(b"\n".join(buf) + b"\n")
    return n


def iter_lines(path: str | Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield line


def iter_records(path: str | Path) -> Iterator[Record]:
    dec = msgspec.json.Decoder(Record)
    for line in iter_lines(path):
        yield dec.decode(line)


def iter_rejected(path: str | Path) -> Iterator[Rejected]:
    dec = msgspec.json.Decoder(Rejected)
    for line in iter_lines(path):
        yield dec.decode(line)


def replace_dir(target: str | Path, fill) -> None:
    """Build a folder in a sibling temp folder with `fill(tmpdir)`, then swap it in.

    The previous folder stays complete until the swap; the swap itself is two renames, and a
    leftover `.tmp-*`/`.old-*` sibling from a killed run is removed on the next run.
    """
    target = Path(target)
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.glob(f"{TMP_PREFIX}{target.name}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in parent.glob(f".old-{target.name}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{target.name}-", dir=parent))
    try:
        fill(tmp)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".old-{target.name}-", dir=parent))
            os.rmdir(old)
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
