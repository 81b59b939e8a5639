"""Deterministic fault injection for `curate` commands, loaded through PYTHONPATH.

Set `CURATE_FAULT="<command>:<point>:<n>[:group]"` and put this folder first on PYTHONPATH; in a
process started as `curate <command> ...` (`*` matches any command, e.g. `curate run`), the n-th
time the named point is reached the process SIGKILLs itself (or, with `group`, its whole process
group: `dvc repro` and every worker die at the same instant, as with `kill -9 -PGID`).
Before dying it appends "<command>:<point>:<n>" to the file named by `CURATE_FAULT_MARK`, so a
test can prove the fault fired. Points:

    write          after the n-th record a stage wrote to a part of its (temporary) folder,
                   flushed (a part reused from the previous run is linked, not written)
    fsync          before the n-th os.fsync: an atomic_writer file written, not yet renamed
    replace        before the n-th os.replace or folder exchange (a temp file/folder about to
                   become an output)
    replace_after  right after the n-th os.replace or exchange (e.g. between the two renames of
                   a swap)
    put            inside the n-th annotation-cache transaction, rows inserted, not committed
    put_after      after the n-th annotation-cache transaction committed
    copy           after the n-th chunk written by shutil.copyfileobj (`curate add` mid-copy)

`CURATE_HOLD="<command>:<gate file>"` makes that stage (every stage, for `*`) write
`<gate file>.held` at its start, inside the project lock, and wait there until the gate file
exists (at most 10 minutes): a window for concurrency tests that no machine load can close early.

`CURATE_TASK_MARK="<command>:<file>"` makes every task that command's executor runs append the
pid of the process running it to `<file>` as it starts: a test waits for the workers to be busy.

Nothing happens in any other process (DVC itself, git, pytest), so it is safe to inherit.
"""

import os
import signal
import sys
import time


def _spec_for_this_command(var: str) -> str | None:
    """The rest of `var` (`<command>:<rest>`) when this process is `curate <command>` (`*`: any)."""
    spec = os.environ.get(var)
    if not spec or len(sys.argv) < 2 or os.path.basename(sys.argv[0]) not in ("curate", "cli.py"):
        return None
    command, rest = spec.split(":", 1)
    return rest if command in ("*", sys.argv[1]) else None


def _at_stage_start(var: str, before) -> None:
    """With `var` set to `<command>:<arg>` in a process started as `curate <command>` (`*`: any),
    call before(arg) at the start of every stage it runs, inside the project lock."""
    arg = _spec_for_this_command(var)
    if arg is None:
        return
    from curate.engine.step import StageStep

    real = StageStep.run

    def wrapped(self, *a, **k):
        before(arg)
        return real(self, *a, **k)

    StageStep.run = wrapped


def _hold(gate: str) -> None:
    with open(gate + ".held", "w") as fh:
        fh.write(str(os.getpid()))
    end = time.monotonic() + 600
    while not os.path.exists(gate) and time.monotonic() < end:
        time.sleep(0.05)


class _MarkedTask:
    """A task function that first appends this process's pid to `mark` (picklable: workers run it)."""

    def __init__(self, fn, mark: str):
        self.fn, self.mark = fn, mark

    def __call__(self, *args):
        with open(self.mark, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        return self.fn(*args)


def _mark_tasks(mark: str) -> None:
    from curate.engine import executors

    for cls in (executors.LocalExecutor, executors.DaskExecutor):
        def map(self, fn, tasks, _real=cls.map):
            return _real(self, _MarkedTask(fn, mark), tasks)

        cls.map = map


def _install() -> None:
    rest = _spec_for_this_command("CURATE_FAULT")
    if rest is None:
        return
    parts = rest.split(":")
    point, nth = parts[0], int(parts[1])
    group = len(parts) > 2 and parts[2] == "group"
    counts = {}

    def hit(name: str) -> None:
        if name != point:
            return
        counts[name] = counts.get(name, 0) + 1
        if counts[name] != nth:
            return
        mark = os.environ.get("CURATE_FAULT_MARK")
        if mark:
            with open(mark, "a") as fh:
                fh.write(f"{sys.argv[1]}:{point}:{nth}\n")
        sys.stdout.flush()
        sys.stderr.flush()
        if group:
            os.killpg(os.getpgrp(), signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)

    real_replace, real_fsync = os.replace, os.fsync

    def replace(src, dst, *a, **k):
        hit("replace")
        real_replace(src, dst, *a, **k)
        hit("replace_after")

    def fsync(fd):
        hit("fsync")
        return real_fsync(fd)

    os.replace, os.fsync = replace, fsync

    if point in ("replace", "replace_after"):
        # a folder swapped in over the previous one is one renameat2 exchange, not os.replace
        from curate.engine import io as jsonl_io

        real_exchange = jsonl_io._exchange

        def exchange(a, b):
            hit("replace")
            done = real_exchange(a, b)
            hit("replace_after")
            return done

        jsonl_io._exchange = exchange

    if point == "copy":
        import shutil

        def copyfileobj(fsrc, fdst, length=0):
            while True:
                buf = fsrc.read(length or 64 * 1024)
                if not buf:
                    break
                fdst.write(buf)
                fdst.flush()
                hit("copy")

        shutil.copyfileobj = copyfileobj
        shutil._USE_CP_SENDFILE = False

    if point == "write":
        from curate.engine import stage as stages

        for meth in ("keep_encoded", "drop"):  # `keep` goes through keep_encoded
            real = getattr(stages.StageWriter, meth)

            def wrapped(self, item, _real=real):
                _real(self, item)
                for fh in self._files.values():  # the current part's files
                    fh.fh.flush()
                hit("write")

            setattr(stages.StageWriter, meth, wrapped)

    if point in ("put", "put_after"):
        import hashlib

        from curate.engine import cache as annotation_cache

        real_put = annotation_cache.AnnotationCache.put_many

        def put_many(self, items):
            items = list(items)
            if point == "put" and self._db is not None and items:
                counts["put"] = counts.get("put", 0) + 1
                if counts["put"] == nth:
                    rows = [(k, v, hashlib.sha256(v).hexdigest()) for k, v in items]
                    self._db.execute("BEGIN IMMEDIATE")
                    self._db.executemany(
                        "INSERT OR REPLACE INTO annotations (key, value, checksum) VALUES (?, ?, ?)", rows)
                    counts["put"] = nth - 1
                    hit("put")
            real_put(self, items)
            if items:
                hit("put_after")

        annotation_cache.AnnotationCache.put_many = put_many


try:
    _install()
    _at_stage_start("CURATE_HOLD", _hold)
    if (_task_mark := _spec_for_this_command("CURATE_TASK_MARK")) is not None:
        _mark_tasks(_task_mark)
except Exception as exc:  # noqa: BLE001 - a broken hook must be loud, not silently inert
    print(f"fault hook failed: {exc!r}", file=sys.stderr)
    raise
