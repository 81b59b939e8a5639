"""The project lock: commands that change the corpus never run on top of each other or of `dvc repro`.

Two locks matter, both advisory `flock(2)` locks that the kernel releases when their holder dies
(so a `kill -9` never leaves the project locked):

* DVC's locks. `dvc repro` holds its repository lock `.dvc/tmp/lock` (zc.lockfile:
  `flock(LOCK_EX|LOCK_NB)`, holder pid in the file) between stages, releases it while a stage
  command runs, and meanwhile lists its pid in `.dvc/tmp/rwlock` against the paths the stage
  reads and writes. We only *probe* them (never hold them): a command that would change
  `corpus/raw/` or read half-built outputs (`curate add`, `curate check`) refuses while a DVC
  process other than one of its own ancestors is in either; a stage command or `curate run`
  refuses only while another DVC process is running a stage (the rwlock), since any DVC
  command (`dvc status`) takes the repository lock for a moment. Stage commands run *by*
  `dvc repro` see their own parent in the rwlock and carry on. Entries of killed processes are
  ignored (DVC does the same when it next runs).
* The curate lock, `.dvc/tmp/curate.lock` (or `.curate-cache/lock` in a folder without `.dvc/`).
  Stage commands and `curate run` take it exclusively and wait for it (a killed `dvc repro` can
  leave an orphaned stage command running for a while; the next stage waits for it instead of
  swapping folders under it). `curate add` takes it exclusively, `curate check` shared; both give
  up after a short wait and say who holds it.

Usage:

    with project_lock(root, "curate add", exclusive=True, timeout=5, check_dvc=True):
        ...   # raises CorpusBusy with a message for humans

After a killed `dvc repro`, DVC can leave `.dvc/tmp/rwlock` cut short (it rewrites it in place);
every `dvc` command then fails with "Unable to read RWLock-file". `curate unlock` repairs it when no
DVC process is running (`repair_dvc_locks`).

Messages name the holder: "the corpus is busy: `dvc repro` (pid 123) is running; try again when it
finishes". `CURATE_LOCK_TIMEOUT` (seconds) overrides the wait of stage commands.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shlex
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from curate.engine.io import pid_alive

DVC_LOCK = Path(".dvc/tmp/lock")
CURATE_LOCK_DVC = Path(".dvc/tmp/curate.lock")
CURATE_LOCK_PLAIN = Path(".curate-cache/lock")
STAGE_WAIT = 600.0  # seconds a stage command waits for another curate command
EXIT_BUSY = 75  # sysexits EX_TEMPFAIL: nothing was changed, try again later
POLL = 0.1
_HELD: dict[str, bool] = {}  # lock path -> exclusive, for locks this process holds
_FDS: set[int] = set()  # descriptors holding our flocks


def _drop_in_child() -> None:
    """A forked worker (extract's process pool) must not keep our locks alive: flock locks live
    as long as any descriptor of the open file, so an orphaned worker of a killed stage would
    hold the project lock forever. The child closes its copies (never LOCK_UN: that would
    release the parent's lock)."""
    for fd in list(_FDS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _FDS.clear()
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_in_child)


class CorpusBusy(RuntimeError):
    """Another process is changing the corpus; the message says which and what to do."""


def curate_lock_path(root: Path) -> Path:
    root = Path(root)
    return root / (CURATE_LOCK_DVC if (root / ".dvc").is_dir() else CURATE_LOCK_PLAIN)


def describe_pid(pid: int | None) -> str:
    """`dvc repro` (pid 123) / `curate add` (pid 9) / pid 9, from the holder's command line."""
    if not pid:
        return "another process"
    cmd = None
    try:
        import psutil

        argv = psutil.Process(pid).cmdline()
        words = [os.path.basename(argv[0])] + argv[1:] if argv else []
        # `python -m dvc repro` / `/venv/bin/dvc repro`: show the tool and its sub-command
        for i, w in enumerate(words):
            base = os.path.basename(w)
            if base in ("dvc", "curate") or w in ("dvc", "curate"):
                sub = next((x for x in words[i + 1:] if not x.startswith("-")), "")
                cmd = f"{base} {sub}".strip()
                break
        if cmd is None and words:
            cmd = " ".join(shlex.quote(w) for w in words[:3])
    except Exception:  # noqa: BLE001 - a vanished or foreign process: the pid is enough
        pass
    return f"`{cmd}` (pid {pid})" if cmd else f"pid {pid}"


def _alive(pid: int) -> bool:
    return pid_alive(pid)


def _ancestors() -> set[int]:
    pids = {os.getpid()}
    try:
        import psutil

        pids.update(p.pid for p in psutil.Process().parents())
    except Exception:  # noqa: BLE001
        pids.add(os.getppid())
    return pids


def try_flock(path: Path) -> tuple[int | None, bool]:
    """(fd holding an exclusive flock on `path`, True) or (None, False) if someone holds it.
    (None, True) if the file does not exist. Never creates the file."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None, True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise
        return None, False
    return fd, True


def dvc_holder(root: Path) -> int | None:
    """Pid of a process holding DVC's repository lock (0 if unknown), or None if it is free.

    Probes with a non-blocking flock that is released at once; never creates the lock file.
    `dvc repro` holds this lock between stages but releases it while a stage command runs."""
    path = Path(root) / DVC_LOCK
    fd, free = try_flock(path)
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    if free:
        return None
    try:
        with open(path, "rb") as fh:
            return int(fh.read(64).split()[0])
    except (ValueError, IndexError, OSError):
        return 0


def dvc_stage_holders(root: Path) -> list[int]:
    """Live pids (not us, not our ancestors) that DVC's `.dvc/tmp/rwlock` says are reading or
    writing stage paths: a `dvc repro` running a stage command. Entries of killed processes are
    ignored, as DVC itself does. Read under DVC's `rwlock.lock`, as DVC edits it."""
    tmp = Path(root) / DVC_LOCK.parent
    data = b""
    for _ in range(30):
        fd, free = try_flock(tmp / "rwlock.lock")
        if free:
            try:
                data = (tmp / "rwlock").read_bytes()
            except OSError:
                data = b""
            finally:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                    os.close(fd)
            break
        time.sleep(POLL)
    else:  # DVC is editing it right now: some DVC command is active
        return [0]
    try:
        lock = json.loads(data) if data.strip() else {}
    except ValueError:
        return [0]
    infos = []
    for entries in (lock.get("read") or {}).values():
        infos.extend(entries if isinstance(entries, list) else [entries])
    for entry in (lock.get("write") or {}).values():
        infos.extend(entry if isinstance(entry, list) else [entry])
    mine = _ancestors()
    pids = sorted({int(i.get("pid", 0)) for i in infos if isinstance(i, dict)})
    return [p for p in pids if p and p not in mine and _alive(p)]


def busy_message(holder: str) -> str:
    return f"the corpus is busy: {holder} is running; try again when it finishes"


def check_dvc_idle(root: Path, strict: bool = True) -> None:
    """Raise CorpusBusy if a DVC command that is not our ancestor is running a stage (its pid in
    DVC's rwlock) or, when `strict`, holds DVC's repository lock (between stages, `dvc status`)."""
    pids = dvc_stage_holders(root)
    if not pids and strict:
        pid = dvc_holder(root)
        if pid is not None and pid not in _ancestors():
            pids = [pid]
    if pids:
        raise CorpusBusy(busy_message(describe_pid(pids[0]) if pids[0] else "a DVC command"))


def _read_holder(fd: int) -> dict:
    try:
        data = os.pread(fd, 4096, 0)
        return json.loads(data) if data.strip() else {}
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def project_lock(root: Path, command: str, *, exclusive: bool, timeout: float,
                 check_dvc: bool = True, strict: bool = True, on_wait=None) -> Iterator[None]:
    """Hold the curate lock (exclusive or shared) for the block; CorpusBusy after `timeout` s.

    `check_dvc`: also refuse while `dvc repro` (not our ancestor) holds DVC's lock, checked
    before and again once the curate lock is held. `on_wait(message)` is called once if we
    have to wait."""
    root = Path(root)
    if check_dvc:
        check_dvc_idle(root, strict)
    path = curate_lock_path(root)
    key = os.path.realpath(path)
    held = _HELD.get(key)
    if held is not None and (held or not exclusive):  # re-entered (`curate run` -> stages)
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    _FDS.add(fd)
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + max(0.0, timeout)
        waited = False
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
            pid = _read_holder(fd).get("pid")
            who = describe_pid(pid) if pid and _alive(pid) else "another curate command"
            if time.monotonic() >= deadline:
                raise CorpusBusy(busy_message(who))
            if not waited and on_wait is not None:
                on_wait(f"waiting for {who} to finish (up to {timeout:.0f} s)")
            waited = True
            time.sleep(POLL)
        if exclusive:
            info = json.dumps({"pid": os.getpid(), "cmd": command}).encode()
            os.ftruncate(fd, 0)
            os.pwrite(fd, info + b"\n", 0)
        _HELD[key] = exclusive
        try:
            if check_dvc:  # dvc repro may have started while we waited
                check_dvc_idle(root, strict)
            yield
        finally:
            _HELD.pop(key, None)
            if exclusive:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _FDS.discard(fd)
        os.close(fd)


@contextlib.contextmanager
def hold_dvc_lock_under_dvc(root: Path, wait: float = 10.0) -> Iterator[bool]:
    """Run by `dvc repro` (DVC_STAGE set), hold DVC's repository lock while the stage runs.

    DVC releases its repository lock while a stage command runs and guards only the stage's own
    paths (rwlock). A second `dvc repro` started then would delete the outputs of another stage
    (DVC removes outputs before running a stage) under the first build: the first fails later
    with missing inputs. Holding the repository lock for DVC makes the second one stop at its
    start ("Unable to acquire lock. Most likely another DVC process is running"), touching
    nothing. Yields whether the lock is held; never fails the stage for it."""
    if not os.environ.get("DVC_STAGE"):
        yield False
        return
    path = Path(os.environ.get("DVC_ROOT") or root) / DVC_LOCK
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        yield False
        return
    _FDS.add(fd)
    got = False
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                got = True
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    break
            if time.monotonic() >= deadline:  # `dvc status` of someone else, stuck: go on
                break
            time.sleep(0.02)
        yield got
    finally:
        _FDS.discard(fd)
        if got:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def stage_timeout() -> float:
    try:
        return float(os.environ.get("CURATE_LOCK_TIMEOUT", STAGE_WAIT))
    except ValueError:
        return STAGE_WAIT


@contextlib.contextmanager
def stage_lock(root: Path, command: str) -> Iterator[None]:
    """What stage commands and `curate run` hold: exclusive, waiting, refusing to run beside a
    `dvc repro` that did not start them."""
    def tell(msg: str) -> None:
        print(f"curate: {msg}", file=sys.stderr, flush=True)

    # Run by `dvc repro`, a stage never refuses (that would fail the build that started it): it
    # waits for the curate lock and rebuilds its outputs (same inputs, same bytes). By hand
    # (`curate run`), it refuses beside a `dvc repro`.
    under_dvc = bool(os.environ.get("DVC_STAGE"))
    with project_lock(root, command, exclusive=True, timeout=stage_timeout(), check_dvc=not under_dvc,
                      strict=False, on_wait=tell), hold_dvc_lock_under_dvc(root):
        from curate.pipeline.repair import sweep_outputs  # lazy: repair imports this module

        sweep_outputs(root)
        yield


