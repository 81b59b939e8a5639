"""One Ctrl-C stops `dvc repro`: a terminal's SIGINT to the whole process group (`dvc`, the running
`curate` stage, its worker processes) ends the build within a few seconds, with one line saying so
and no worker tracebacks; the published outputs stay the previous version's, and the next
`dvc repro` finishes.

DVC ignores SIGINT while a stage command runs (dvc/stage/run.py), so the stage decides: `curate`
exits 130, and `dvc repro` reports the failed stage and exits 255. DVC runs the command through
`$SHELL -c` (`/bin/sh` when unset): bash execs `curate`, so DVC sees 130 ("failed to run: curate
extract, exited with 130"); dash (Debian's /bin/sh) waits for it, then ends itself by the SIGINT
it also received, so DVC sees -2. The stage tests alternate the two shells. The moment is chosen with the hooks of tests/faults/hooks/: a stage held at
its start (CURATE_HOLD), or extract's workers seen running their first tasks (CURATE_TASK_MARK).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from curate.steps import STAGES
from tests.builders import NEWS_WORDS, reuters_web
from tests.conftest import bin_path, make_project, run
from tests.faults.kill_builds import digest, hooks_env, partial_outputs

pytestmark = pytest.mark.slow

WORKERS = 2
STOPPED_WITHIN = 5.0  # seconds from the SIGINT to the exit of `dvc repro`


@pytest.fixture(scope="module")
def built(built):
    """The sample built by `dvc repro` (tests/conftest.py), with the digest of its outputs."""
    return built, digest(built)


@pytest.fixture
def built_then_grown(tmp_path) -> tuple[Path, dict]:
    """The sample built by `dvc repro` with two workers (the digest of its outputs), then 160 new
    articles added: the next extract keeps its workers busy for several seconds."""
    proj = make_project(tmp_path / "proj")
    params = proj / "params.yaml"
    params.write_text(params.read_text().replace("workers: auto", f"workers: {WORKERS}"))
    run([bin_path("dvc"), "repro"], proj)
    reference = digest(proj)
    more = proj / "corpus/raw/more"
    more.mkdir()
    for i in range(160):
        rng = random.Random(i)
        body, more_text = (" ".join(f"{' '.join(rng.choices(NEWS_WORDS, k=12)).capitalize()}." for _ in range(20))
                           for _ in range(2))
        (more / f"article-{i:03d}.txt").write_text(
            reuters_web(f"Grown story {i}", body, more_text, story=f"USTRE{i:05d}", slug=f"grown-{i}"))
    return proj, reference


SHELLS = {"bash": "130", "dash": "-2"}  # the shell DVC runs a stage in -> the exit DVC reports


def _start(cmd: list[str], proj: Path, log: Path, env: dict, shell: str = "bash") -> subprocess.Popen:
    env = {**env, "SHELL": shutil.which(shell)}
    with open(log, "wb") as fh:
        return subprocess.Popen(cmd, cwd=proj, env=env, stdout=subprocess.DEVNULL, stderr=fh,
                                start_new_session=True)


def _interrupted_when(proc: subprocess.Popen, log: Path, ready, timeout: float = 300) -> float:
    """Wait until `ready()` holds, send one SIGINT to the process group (what a terminal's Ctrl-C
    does), and return the seconds until `dvc repro` exits (fails the test past a minute)."""
    end = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            raise AssertionError(f"finished before the interrupt:\n{log.read_text()}")
        if time.monotonic() > end:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError(f"never ready to interrupt:\n{log.read_text()}")
        time.sleep(0.02)
    t0 = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise AssertionError(f"still running 60 s after one SIGINT:\n{log.read_text()}") from None
    return time.monotonic() - t0


def _assert_stopped_in_one_line(stage: str, proc: subprocess.Popen, elapsed: float, log: Path,
                                shell: str = "bash") -> None:
    err = log.read_text()
    print(f"{stage}: dvc repro exited {proc.returncode}, {elapsed:.2f} s after one SIGINT")
    assert elapsed < STOPPED_WITHIN, f"took {elapsed:.1f} s:\n{err}"
    assert f"curate: {stage}: interrupted; outputs left as they were\n" in err, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert proc.returncode == 255 and f"failed to run: curate {stage}, exited with {SHELLS[shell]}" in err, err
    assert not [p for p in psutil.process_iter() if _in_group(p, proc.pid)], "a process outlived the build"


def _in_group(p: psutil.Process, pgid: int) -> bool:
    try:
        return os.getpgid(p.pid) == pgid
    except (ProcessLookupError, psutil.Error):
        return False


def _workers_running(mark: Path) -> bool:
    """`WORKERS` processes have started tasks (the window's tasks are many: all go to the pool)."""
    return mark.exists() and len(set(mark.read_text().split())) >= WORKERS


def _workers_started(proc: subprocess.Popen) -> bool:
    """The extract stage and its `WORKERS` pool processes exist (their initializer may be running)."""
    found = [p for p in psutil.process_iter(["cmdline"]) if (p.info["cmdline"] or [])[-1:] == ["extract"]
             and _in_group(p, proc.pid)]
    return len(found) > WORKERS


@pytest.mark.parametrize("moment", ["workers-starting", "workers-annotating"])
def test_one_sigint_mid_extract_stops_dvc_repro_and_keeps_the_previous_version(built_then_grown, tmp_path, moment):
    proj, reference = built_then_grown
    log, mark = tmp_path / "repro.log", tmp_path / "tasks"
    proc = _start([bin_path("dvc"), "repro"], proj, log, hooks_env(CURATE_TASK_MARK=f"extract:{mark}"))
    ready = (lambda: _workers_started(proc)) if moment == "workers-starting" else (lambda: _workers_running(mark))
    elapsed = _interrupted_when(proc, log, ready)
    _assert_stopped_in_one_line("extract", proc, elapsed, log)
    assert partial_outputs(proj) == []
    assert digest(proj) == reference

    run([bin_path("dvc"), "repro"], proj)
    assert json.loads((proj / "reports/metrics.json").read_text())["inputs"] > 160


@pytest.mark.parametrize(("stage", "shell"), [(s, list(SHELLS)[i % 2]) for i, s in enumerate([*STAGES, "report"])])
def test_one_sigint_at_any_stage_stops_dvc_repro_with_one_line(built, tmp_path, stage, shell):
    proj, reference = built
    log, gate = tmp_path / "repro.log", tmp_path / "gate"
    proc = _start([bin_path("dvc"), "repro", "--force", "--single-item", stage], proj, log,
                  hooks_env(CURATE_HOLD=f"{stage}:{gate}"), shell)
    elapsed = _interrupted_when(proc, log, Path(f"{gate}.held").exists)
    _assert_stopped_in_one_line(stage, proc, elapsed, log, shell)
    assert partial_outputs(proj) == []
    assert digest(proj) == reference


def test_one_sigint_mid_extract_on_dask_stops_dvc_repro_and_spares_the_cluster(built_then_grown, tmp_path):
    distributed = pytest.importorskip("distributed")
    proj, reference = built_then_grown
    log = tmp_path / "repro.log"
    with distributed.LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        tasks = cluster.scheduler.tasks
        proc = _start([bin_path("dvc"), "repro"], proj, log,
                      dict(os.environ, CURATE_DASK_SCHEDULER=cluster.scheduler_address))
        elapsed = _interrupted_when(proc, log, lambda: any(
            t.state == "processing" and str(k).startswith("annotate_by_language") for k, t in list(tasks.items())))
        _assert_stopped_in_one_line("extract", proc, elapsed, log)
        end = time.monotonic() + 5
        while tasks and time.monotonic() < end:  # the build's tasks are cancelled, not left queued
            time.sleep(0.05)
        assert not tasks
        assert len(cluster.scheduler.workers) == WORKERS
    assert partial_outputs(proj) == []
    assert digest(proj) == reference
    run([bin_path("dvc"), "repro"], proj)
