"""Repairing DVC's own lock files after a killed `dvc repro` (`curate unlock`), and sweeping the
temp files of killed writers."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from curate.pipeline.locking import DVC_LOCK, CorpusBusy, describe_pid, try_flock, busy_message, dvc_holder
from curate.engine.io import sweep_stale, write_atomic
from curate.layout import INTERIM, REPORTS


def sweep_outputs(root: Path) -> list[str]:
    """Remove temp files of killed runs from the output folders; safe only under the lock.

    DVC may restore a killed stage's outputs from its cache instead of rerunning the stage, so
    the stage's own clean-up would never run: every stage command sweeps them first."""
    root = Path(root)
    return sweep_stale([root / INTERIM, root / "corpus" / "curated", root / REPORTS])

def repair_dvc_locks(root: Path) -> list[str]:
    """After a killed `dvc repro`: repair DVC's `.dvc/tmp/rwlock` if no DVC process is running.

    DVC rewrites that file in place (truncate, then write) at every stage start and end; killed
    in between, it leaves an empty or cut JSON file and every later `dvc` command fails with
    "Unable to read RWLock-file '.dvc/tmp/rwlock'. JSON structure is corrupted". Entries of dead
    processes DVC removes itself; a damaged file it cannot. Returns what was done (empty list:
    nothing needed). Raises CorpusBusy if a DVC command is running (then nothing is touched)."""
    root = Path(root)
    tmp = root / DVC_LOCK.parent
    rw = tmp / "rwlock"
    if not rw.exists():
        return []
    pid = dvc_holder(root)
    if pid is not None:
        raise CorpusBusy(busy_message(describe_pid(pid) if pid else "a DVC command"))
    fd, free = try_flock(tmp / "rwlock.lock")
    if not free:
        raise CorpusBusy(busy_message("a DVC command"))
    try:
        data = rw.read_bytes()
        try:
            lock = json.loads(data)
            ok = isinstance(lock, dict)
        except ValueError:
            ok = False
        if ok:  # well-formed: DVC drops dead entries itself
            return []
        write_atomic(rw, json.dumps({"read": {}, "write": {}}))
        return [f"rewrote {DVC_LOCK.parent / 'rwlock'}: it held {len(data)} bytes of cut JSON "
                f"(a `dvc` command was killed while writing it)"]
    finally:
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

def _lockfile_ok(path: Path) -> bool:
    try:
        from dvc.schema import COMPILED_LOCKFILE_SCHEMA
        from dvc.utils.serialize import loads_yaml

        data = loads_yaml(path.read_text())
        COMPILED_LOCKFILE_SCHEMA(data)
        return isinstance(data, dict)
    except Exception:  # noqa: BLE001 - unreadable, cut YAML, schema error: all "damaged"
        return False

def repair_dvc_state(root: Path) -> list[str]:
    """`curate unlock`: repair what a killed `dvc` command can leave behind, if none is running.

    - `.dvc/tmp/rwlock` cut short (see `repair_dvc_locks`);
    - `dvc.lock` cut short (DVC rewrites it in place after each stage: killed then, it leaves an
      empty or partial file and every `dvc` command fails with "'./dvc.lock' validation failed").
      It is moved to `.dvc/tmp/dvc.lock.damaged`; the next `dvc repro` runs every stage (same
      inputs, same bytes) and writes a whole one. Only stage *skipping* is lost, never data.
    """
    root = Path(root)
    done = repair_dvc_locks(root)  # raises CorpusBusy while DVC runs
    lock = root / "dvc.lock"
    if lock.exists() and not _lockfile_ok(lock):
        aside = root / DVC_LOCK.parent / "dvc.lock.damaged"
        aside.parent.mkdir(parents=True, exist_ok=True)
        os.replace(lock, aside)
        done.append(f"moved a damaged dvc.lock ({aside.stat().st_size} bytes: a `dvc` command was "
                    f"killed while writing it) to {aside.relative_to(root)}; the next `dvc repro` "
                    f"reruns every stage and writes a new one")
    return done
