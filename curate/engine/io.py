"""Reading and writing JSONL files of records: streaming reads, atomic writes.

Every file the toolkit writes goes through `atomic_writer` (or `write_atomic`): data goes to a
temporary file in the same folder, is flushed and fsynced, then renamed over the target, so an
interrupted run leaves the previous file intact and never a partial one. Temporary names start
with `.tmp-` so readers and DVC-tracked folders can tell them apart.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import msgspec

from curate.record import RECORD_DECODER, REJECTED_DECODER, Record, Rejected
from curate.layout import shard_paths

TMP_PREFIX = ".tmp-"


class OutputError(OSError):
    """Writing an output failed (disk full, permissions); names the path, outputs left intact."""

    def __str__(self) -> str:  # the message only, without "[Errno 28] "
        return self.strerror or super().__str__()


def pid_alive(pid: int) -> bool:
    """True if process `pid` exists and is not a zombie (a killed process nobody reaped yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rpartition(b")")[2].split()[0]
        return state not in (b"Z", b"X")
    except (OSError, IndexError):
        return True


_pid_alive = pid_alive


def _temp_prefix(kind: str, name: str) -> str:
    """`.tmp-<name>-<pid>-` (or `.old-…`): the pid says whether a leftover's writer is alive."""
    return f"{kind}{name}-{os.getpid()}-"


_ANY_TEMP = re.compile(r"\.(?:tmp|old)-.+-(\d+)-[A-Za-z0-9_]{8}")


def _remove_dead(folder: str | Path, pattern: re.Pattern) -> list[str]:
    """Remove the entries of `folder` whose name fully matches `pattern` and whose writer (the
    pid in group 1, when the name has one) is dead; returns what was removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m is None or (m.group(1) and _pid_alive(int(m.group(1)))):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            _unlink_quietly(entry.path)
        removed.append(entry.path)
    return removed


def sweep_stale(folders: Iterable[str | Path]) -> list[str]:
    """Remove temp files/folders of killed processes (`.tmp-<name>-<pid>-XXXX`, `.old-…`, pid
    dead) anywhere under `folders` (a plot's temp sits in reports/plots/); returns what was
    removed. A stage command calls this first, so a temp left by a killed run disappears even
    when the rerun `dvc repro` does not run the stage that wrote it (its outputs persisted)."""
    removed = []
    for folder in folders:
        for parent, dirs, _files in os.walk(folder):
            gone = _remove_dead(parent, _ANY_TEMP)
            removed += gone
            names = {os.path.basename(path) for path in gone}
            dirs[:] = [d for d in dirs if d not in names and not _ANY_TEMP.fullmatch(d)]
    return removed


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_stale(parent: Path, kind: str, name: str) -> None:
    """Remove `<kind><name>-<pid>-XXXX` siblings left by killed processes (never a live one's)."""
    _remove_dead(parent, re.compile(re.escape(f"{kind}{name}-") + r"(?:(\d+)-)?[A-Za-z0-9_]{8}"))


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "wb", *, overwrite: bool = True) -> Iterator[IO]:
    """Yield a file handle whose content replaces `path` only if the block completes: written
    aside to a unique `.tmp-<name>-<pid>-XXXX` in the same folder, fsynced, then renamed over
    `path` (`overwrite=False`: hard-linked to it instead, FileExistsError when `path` exists);
    the temp file is removed whatever happens, and a killed writer's is swept by the next one."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target.parent, TMP_PREFIX, target.name)  # a killed run's temp file
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(TMP_PREFIX, target.name), dir=target.parent)
    with contextlib.suppress(OSError):  # mkstemp makes 0600; outputs get the usual mode
        os.fchmod(fd, 0o666 & ~_umask())
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_new(tmp, target)
    except FileExistsError:
        _unlink_quietly(tmp)
        raise
    except OSError as exc:
        _unlink_quietly(tmp)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise OutputError(exc.errno, f"no space left writing {target}: {exc.strerror}") from exc
        raise OutputError(exc.errno, f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _link_new(tmp: str, target: Path) -> None:
    """Publish `tmp` as `target` without ever replacing an existing file."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise FileExistsError(errno.EEXIST, "exists already, not overwritten") from None
    except OSError:
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "exists already, not overwritten") from None
        os.rename(tmp, target)  # a file system without hard links (checked just above)
        return
    _unlink_quietly(tmp)


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def write_atomic(path: str | Path, data: bytes | str) -> None:
    with atomic_writer(path, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def write_new(path: str | Path, data: bytes) -> None:
    """Write a new file atomically, never over an existing one (FileExistsError)."""
    with atomic_writer(path, "wb", overwrite=False) as fh:
        fh.write(data)


def sha256_file(path: str | Path) -> str:
    """The sha256 of a file's bytes, read 1 MiB at a time (the one file digest: interim parts,
    corpus signatures, release data digests)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def iter_lines(path: str | Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield line


def iter_records(path: str | Path) -> Iterator[Record]:
    dec = RECORD_DECODER
    for line in iter_lines(path):
        yield dec.decode(line)


def iter_rejected(path: str | Path) -> Iterator[Rejected]:
    dec = REJECTED_DECODER
    for line in iter_lines(path):
        yield dec.decode(line)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # filesystem without exchange: fall back to two renames
    raise OSError(err, os.strerror(err), str(b))


def _restore_old(target: Path) -> None:
    """A run killed between the two renames of the fallback swap left the previous folder as
    `.old-<name>-*` and no `<name>`: put it back before anything else."""
    if target.exists():
        return
    pattern = re.compile(re.escape(f".old-{target.name}-") + r"(?:\d+-)?[A-Za-z0-9_]{8}")
    olds = [e.path for e in os.scandir(target.parent) if pattern.fullmatch(e.name)]
    if len(olds) == 1:
        with contextlib.suppress(OSError):
            os.replace(olds[0], target)


def replace_dir(target: str | Path, fill) -> None:
    """Build a folder in a sibling temp folder with `fill(tmpdir)`, then swap it in.

    The previous folder stays complete until the swap; the swap is one atomic exchange
    (renameat2) where the filesystem has it, else two renames. Leftover `.tmp-*`/`.old-*`
    siblings of killed runs (their pid is in the name) are removed on the next run, after a
    previous folder stranded between the two renames is put back.
    """
    target = Path(target)
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    _restore_old(target)
    _remove_stale(parent, TMP_PREFIX, target.name)
    _remove_stale(parent, ".old-", target.name)
    tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(TMP_PREFIX, target.name), dir=parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700; outputs get the usual mode
        fill(tmp)
        if target.exists() and _exchange(tmp, target):
            shutil.rmtree(tmp, ignore_errors=True)  # now holds the previous folder
            return
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=_temp_prefix(".old-", target.name), dir=parent))
            os.rmdir(old)
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if exc.errno in _NO_SPACE:  # a raw OSError from deep inside `fill` names no path
            raise OutputError(exc.errno, f"no space left writing {target}: {exc.strerror}") from exc
        if exc.errno in (errno.EROFS, errno.EIO):
            raise OutputError(exc.errno, f"cannot write {target}: {exc.strerror}") from exc
        raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


_NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def iter_curated(curated_dir: Path) -> Iterator[Record]:
    """Every accepted record of a curated folder, shard by shard."""
    for path in shard_paths(curated_dir):
        yield from iter_records(path)


class _Text(msgspec.Struct):
    text: str = ""


_TEXT_DECODER = msgspec.json.Decoder(_Text)


def texts_at(paths: Iterable[Path], wanted: Iterable[int]) -> Iterator[tuple[int, str]]:
    """(index, text) of the records at positions `wanted` (counting the non-blank lines of
    `paths` in order): one streaming pass, only the wanted texts decoded. Dedup's and
    `curate check`'s exact check of borderline near-duplicate pairs both read texts so."""
    want = set(wanted)
    if not want:
        return
    i = 0
    for path in paths:
        for line in iter_lines(path):
            if i in want:
                yield i, _TEXT_DECODER.decode(line).text
            i += 1
