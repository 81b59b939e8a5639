"""`dvc repro` on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on
127.0.0.1, started the way a user starts them, in a working folder that is not the project's.
The build gives the bytes of the local build (`dvc repro`: one client per stage; `curate run`:
one for the whole run), also on one worker running two tasks at once in threads (saved HTML
pages through the page cache included) and when a worker is killed mid-extract; `curate check`
on that worker gives the verdicts of a check in one process; each worker runs extract's
warm-up; a cluster that cannot see the project's folders stops with an error naming the path."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from curate.engine.cache import CACHE_FILES
from curate.record import encode
from tests.builders import one_worker, synthetic_article
from tests.readers.web_builders import page_for, write_page
from tests.conftest import REPO, bin_path, make_project, run
from tests.faults.kill_builds import HOOKS, digest, hooks_env

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

ARTICLES = 300
PAGES = 24  # saved HTML pages: read through the page cache (curate/readers/pages.py)


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    """The bundled sample, ARTICLES titled synthetic articles (twenty days, fifteen seeds) and
    PAGES saved HTML pages."""
    import shutil

    raw = tmp_path_factory.mktemp("raw") / "raw"
    shutil.copytree(REPO / "corpus/raw", raw)
    batch = raw / "synthetic"
    batch.mkdir()
    for n in range(ARTICLES):
        title = f"Harbour council report number {n}\n\n"
        (batch / f"a{n:04d}.txt").write_text(title + synthetic_article(n % 20, seed=n // 20))
    for n in range(PAGES):
        write_page(raw / "pages" / f"story-{n:02d}.html", page_for(n))
    return raw


@pytest.fixture(scope="module")
def local_build(raw, tmp_path_factory) -> tuple[dict, float]:
    """The local build's digest and wall time."""
    proj = make_project(tmp_path_factory.mktemp("local") / "proj", raw)
    start = time.monotonic()
    run([bin_path("dvc"), "repro"], proj)
    return digest(proj), time.monotonic() - start


def _python_path(*first: Path) -> str:
    rest = os.environ.get("PYTHONPATH")
    return os.pathsep.join([*(str(p) for p in first), str(REPO), *([rest] if rest else [])])


@contextmanager
def dask_cluster(where: Path, workers: int = 2, hide: Path | None = None, threads: int = 1):
    """`dask scheduler` and `workers` `dask worker` processes of `threads` threads on 127.0.0.1, started in
    `where` (not the project), with the fault hooks importable; yields (address, worker procs).
    With `hide`, the workers run in a mount namespace of their own where an empty folder covers
    `hide` (another machine's view of the files)."""
    where.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=_python_path(HOOKS))
    sched_file = where / "scheduler.json"
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", "0", "--no-dashboard", "--scheduler-file", str(sched_file)],
                              cwd=where, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        end = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < end:
            time.sleep(0.1)
        address = json.loads(sched_file.read_text())["address"]
        worker = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", str(threads),
                  "--no-dashboard", "--no-nanny", "--host", "127.0.0.1", "--local-directory", str(where)]
        if hide is not None:
            worker = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                      'mount -t tmpfs none "$0" && exec "$@"', str(hide), *worker]
        for _ in range(workers):
            procs.append(subprocess.Popen(worker, cwd=where, env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address) as client:
            client.wait_for_workers(workers, timeout=60)
        yield address, procs[1:]
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_dvc_repro_on_a_dask_scheduler_and_two_workers_gives_the_local_bytes(raw, local_build, tmp_path):
    reference, local_s = local_build
    proj = make_project(tmp_path / "proj", raw)
    with dask_cluster(tmp_path / "elsewhere") as (address, _):
        start = time.monotonic()
        run([bin_path("dvc"), "repro"], proj, env={"CURATE_DASK_SCHEDULER": address})
        cluster_s = time.monotonic() - start
    print(f"\n{ARTICLES} synthetic + sample articles: local {local_s:.1f} s, Dask (2 workers) {cluster_s:.1f} s")
    assert json.loads((proj / "reports/metrics.json").read_text())["inputs"] > ARTICLES
    assert digest(proj) == reference


def test_curate_run_on_one_dask_client_for_every_stage_gives_the_local_bytes(raw, local_build, tmp_path):
    reference, _ = local_build
    proj = make_project(tmp_path / "proj", raw)
    with dask_cluster(tmp_path / "elsewhere") as (address, _):
        run([bin_path("curate"), "run"], proj, env={"CURATE_DASK_SCHEDULER": address})
    assert digest(proj) == reference


def test_dvc_repro_on_a_worker_running_two_tasks_at_once_gives_the_local_bytes(raw, local_build, tmp_path):
    reference, local_s = local_build
    proj = make_project(tmp_path / "proj", raw)
    with dask_cluster(tmp_path / "elsewhere", workers=1, threads=2) as (address, _):
        from distributed import Client

        with Client(address) as client:
            nthreads = [w["nthreads"] for w in client.scheduler_info()["workers"].values()]
        start = time.monotonic()
        run([bin_path("dvc"), "repro"], proj, env={"CURATE_DASK_SCHEDULER": address})
        cluster_s = time.monotonic() - start
    print(f"\n{ARTICLES} synthetic + {PAGES} pages + sample: local {local_s:.1f} s, "
          f"Dask (1 worker, 2 threads) {cluster_s:.1f} s")
    assert nthreads == [2]
    assert digest(proj) == reference
    with sqlite3.connect(proj / ".curate-cache" / CACHE_FILES["pages"]) as db:  # every page cached
        assert db.execute("SELECT count(*) FROM annotations").fetchone() == (PAGES,)


def test_curate_check_on_a_worker_running_two_tasks_at_once_gives_the_local_verdicts(raw, tmp_path):
    from curate.check.run import check_paths
    from curate.engine.executors import DaskExecutor

    batch = raw / "synthetic"  # ARTICLES inputs: above the inline threshold, so on the cluster
    local = check_paths([batch], root=tmp_path, params=one_worker())
    with dask_cluster(tmp_path / "elsewhere", workers=1, threads=2) as (address, _):
        with DaskExecutor(address) as cluster:
            on_dask = check_paths([batch], root=tmp_path, params=one_worker(), executor=cluster)
    assert json.dumps(on_dask.to_json(), sort_keys=True) == json.dumps(local.to_json(), sort_keys=True)
    assert [encode(r) for r in on_dask.records] == [encode(r) for r in local.records]


def test_a_dask_executor_runs_the_extract_warm_up_once_on_every_worker(tmp_path):
    from curate.engine.executors import DaskExecutor
    from curate.extract.language import _identifier
    from curate.extract.stage import _init_worker

    with dask_cluster(tmp_path / "elsewhere") as (address, _):
        with DaskExecutor(address) as cold:
            before = cold.client.run(_identifier.cache_info)
        with DaskExecutor(address, _init_worker) as warm:
            after = warm.client.run(_identifier.cache_info)
    assert [info.currsize for info in before.values()] == [0, 0]
    assert [(info.currsize, info.misses) for info in after.values()] == [(1, 1), (1, 1)]


def test_a_worker_killed_mid_extract_leaves_the_build_its_local_bytes(raw, local_build, tmp_path):
    reference, _ = local_build
    proj = make_project(tmp_path / "proj", raw)
    mark = tmp_path / "extract-tasks"
    mark.touch()
    with dask_cluster(tmp_path / "elsewhere") as (address, workers):
        env = hooks_env(CURATE_DASK_SCHEDULER=address, CURATE_TASK_MARK=f"extract:{mark}")
        repro = subprocess.Popen([bin_path("dvc"), "repro"], cwd=proj, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True)
        pids = {w.pid for w in workers}
        end = time.monotonic() + 120
        busy = set()
        while not busy and repro.poll() is None and time.monotonic() < end:
            busy = {int(p) for p in mark.read_text().split()} & pids
            time.sleep(0.02)
        assert busy, "no worker started an extract task"
        victim = min(busy)
        os.kill(victim, signal.SIGKILL)
        out, _ = repro.communicate(timeout=180)
        assert repro.returncode == 0, out
        assert next(w for w in workers if w.pid == victim).wait(timeout=10) == -signal.SIGKILL
    assert digest(proj) == reference


def test_a_cluster_that_cannot_see_the_project_stops_ingest_naming_the_path(tmp_path):
    proj = make_project(tmp_path / "proj")
    with dask_cluster(tmp_path / "elsewhere", workers=1) as (address, _):
        from distributed import Client

        from curate.engine.executors import DaskExecutor, WorkerPathError

        gone = tmp_path / "gone" / "corpus" / "raw"  # a folder the driver had, the workers do not
        with DaskExecutor(address) as ex, pytest.raises(WorkerPathError) as caught:
            ex.check_paths([str(proj / "corpus/raw"), str(gone)])
        with Client(address) as client:
            worker = next(iter(client.scheduler_info()["workers"]))
    assert str(gone) in str(caught.value)
    assert worker in str(caught.value)


def _can_hide_folders() -> bool:
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs none /mnt"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_hide_folders(), reason="needs mount namespaces (unshare --mount)")
def test_dvc_repro_on_workers_that_do_not_see_the_project_fails_naming_the_path(tmp_path):
    proj = make_project(tmp_path / "proj")
    with dask_cluster(tmp_path / "elsewhere", workers=1, hide=proj) as (address, _):
        repro = run([bin_path("dvc"), "repro"], proj, check=False, env={"CURATE_DASK_SCHEDULER": address})
    assert repro.returncode != 0
    raw = str((proj / "corpus/raw").resolve())
    assert re.search(rf"curate: ingest: Dask worker tcp://127\.0\.0\.1:\d+ cannot see {re.escape(raw)}",
                     repro.stderr), repro.stderr
    assert "Traceback" not in repro.stderr
    assert not (proj / "corpus/interim/ingest").exists()
