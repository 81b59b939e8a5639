"""A Ctrl-C stops an executor at once: local workers ignore SIGINT (the parent stops them: no
worker tracebacks, no respawned workers, no pool waiting for tasks nobody will collect), and a
Dask executor cancels its futures and disconnects."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest

from tests.conftest import REPO

# a parent mapping 30-second tasks over two workers, ended either by its `with` block or by
# `close()` in a `finally`, as the stages and `curate check` use executors
MAP_SLEEPS = """
import sys, time
from curate.engine.executors import LocalExecutor
try:
    if sys.argv[1] == "with":
        with LocalExecutor(2) as ex:
            ex.map(time.sleep, [(30,)] * 4)
    else:
        ex = LocalExecutor(2)
        try:
            ex.map(time.sleep, [(30,)] * 4)
        finally:
            ex.close()
except KeyboardInterrupt:
    sys.exit("parent: interrupted")
"""


def _group(pgid: int) -> list[psutil.Process]:
    out = []
    for p in psutil.process_iter():
        try:
            if os.getpgid(p.pid) == pgid:
                out.append(p)
        except (ProcessLookupError, psutil.Error):
            continue
    return out


@pytest.mark.parametrize("ending", ["with", "finally-close"])
def test_one_sigint_to_the_group_stops_local_workers_without_tracebacks(ending):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", MAP_SLEEPS, ending], env=env, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    end = time.monotonic() + 60
    while len(psutil.Process(proc.pid).children()) < 2 and time.monotonic() < end:
        time.sleep(0.02)
    time.sleep(0.3)  # the workers are in their tasks
    t0 = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"still running 30 s after one SIGINT: {proc.communicate()[1]}") from None
    assert time.monotonic() - t0 < 3
    assert err == "parent: interrupted\n"
    assert _group(proc.pid) == []


def test_interrupted_dask_map_cancels_its_tasks_and_disconnects():
    distributed = pytest.importorskip("distributed")
    from curate.engine.executors import DaskExecutor

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        ex = DaskExecutor(cluster.scheduler_address)
        main = threading.main_thread().ident
        threading.Timer(1.0, signal.pthread_kill, (main, signal.SIGINT)).start()
        t0 = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            ex.map(time.sleep, [(3,)] * 10)  # 30 s of work on one worker thread
        assert time.monotonic() - t0 < 5
        assert ex.client.status == "closed"
        end = time.monotonic() + 5
        while cluster.scheduler.tasks and time.monotonic() < end:
            time.sleep(0.05)
        assert not cluster.scheduler.tasks
