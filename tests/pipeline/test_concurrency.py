"""Concurrent commands: `curate add`/`check`/`run` while `dvc repro` runs, two `dvc repro` at once,
a stage orphaned by a killed `dvc repro`. Each command either completes correctly or says clearly
that the corpus is busy (exit 75, naming the command and pid); nothing is corrupted.

A stage is held at its start, inside its lock, until the test opens a gate (CURATE_HOLD,
tests/faults/hooks/), so the overlap is certain however loaded the machine is.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.builders import synthetic_article
from tests.conftest import bin_path, run
from tests.faults.kill_builds import cache_problems, digest, hooks_env, partial_outputs

pytestmark = pytest.mark.slow

BUSY = re.compile(r"the corpus is busy: `dvc repro` \(pid \d+\) is running; try again when it finishes")


@pytest.fixture(scope="module")
def built(built):
    """The sample built by `dvc repro` (tests/conftest.py), with the digest of its outputs."""
    return built, digest(built)


def _start(cmd, proj: Path, log: Path, env: dict) -> subprocess.Popen:
    with open(log, "wb") as fh:
        return subprocess.Popen(cmd, cwd=proj, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _held(gate: Path, proc: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    """Wait until the held stage has started (inside its lock) and waits for `gate`."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if Path(f"{gate}.held").exists():
            return
        if proc.poll() is not None:
            raise AssertionError(f"finished before the stage was held:\n{log.read_text()}")
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for the held stage:\n{log.read_text()}")


def _inputs(tmp: Path, n: int, seed: int) -> list[str]:
    tmp.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = tmp / f"new-{seed}-{i}.txt"
        p.write_text(synthetic_article(i, seed))
        paths.append(str(p))
    return paths


def remove_added_batches(proj: Path) -> None:
    """Back to the reference corpus: the batches `curate add` copied, and their DVC pointers."""
    import shutil

    for batch in (proj / "corpus/raw").glob("added-*"):
        shutil.rmtree(batch) if batch.is_dir() else batch.unlink()


def test_add_check_and_run_during_repro_say_busy_then_work(built, tmp_path):
    proj, reference = built
    log = tmp_path / "repro.log"
    gate = tmp_path / "gate"
    repro = _start([bin_path("dvc"), "repro", "--force"], proj, log, hooks_env(CURATE_HOLD=f"extract:{gate}"))
    try:
        _held(gate, repro, log)  # the stage command is running, held inside its lock
        new = _inputs(tmp_path / "in", 2, seed=1)
        for cmd in (["add", *new], ["check", *new], ["run"], ["ingest"]):
            t = time.monotonic()
            p = run([bin_path("curate"), *cmd], proj, check=False)
            assert p.returncode == 75, (cmd, p.returncode, p.stdout, p.stderr)
            assert BUSY.search(p.stderr), p.stderr
            assert f"pid {repro.pid}" in p.stderr
            assert time.monotonic() - t < 30, "a busy corpus must not make the command wait long"
        assert not any((proj / "corpus/raw").glob("added-*")), "add copied while busy"
    finally:
        gate.touch()
        assert repro.wait(timeout=300) == 0, log.read_text()
    assert digest(proj) == reference
    # now idle: add copies, dvc repro ingests the new articles, the accounting holds
    p = run([bin_path("curate"), "add", *new], proj, check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    run([bin_path("dvc"), "repro"], proj)
    m = json.loads((proj / "reports/metrics.json").read_text())
    ref_inputs = 15
    assert m["inputs"] == ref_inputs + 2 and m["accounting_ok"]
    # back to the reference corpus for the next tests
    remove_added_batches(proj)
    run([bin_path("dvc"), "repro"], proj)
    assert digest(proj) == reference


def test_add_holding_the_lock_makes_stages_wait_not_break(built, tmp_path):
    """A `curate run` started while `curate add` holds the lock waits for it and then sees the
    whole batch (the new articles are ingested; nothing half-added)."""
    proj, reference = built
    new = _inputs(tmp_path / "in", 2, seed=2)
    log = tmp_path / "add.log"
    add = _start([bin_path("curate"), "add", *new], proj, log, dict(os.environ))
    try:
        lock = proj / ".dvc/tmp/curate.lock"
        end = time.monotonic() + 60
        while b"curate add" not in (lock.read_bytes() if lock.exists() else b"") and time.monotonic() < end:
            time.sleep(0.02)
        out = run([bin_path("curate"), "run"], proj, check=False)
    finally:
        assert add.wait(timeout=300) == 0, log.read_text()
    assert out.returncode == 0, out.stderr
    if "waiting for" in out.stderr:  # it started while add held the lock (add may finish first)
        # the holder is named, unless it exited between the failed lock attempt and the lookup
        assert re.search(r"waiting for (`curate add` \(pid \d+\)|another curate command|another process) to finish",
                         out.stderr), out.stderr
    assert "ingest: 17 in" in out.stdout, out.stdout
    remove_added_batches(proj)
    run([bin_path("dvc"), "repro"], proj)
    assert digest(proj) == reference


def test_two_repros_at_once(built, tmp_path):
    """A second `dvc repro` started while the first runs a stage is refused by DVC at its start
    (the stage command holds DVC's repository lock for it), before deleting anything; the first
    completes; the corpus equals the clean build."""
    proj, reference = built
    log_a, log_b = tmp_path / "a.log", tmp_path / "b.log"
    gate = tmp_path / "gate"
    a = _start([bin_path("dvc"), "repro", "--force"], proj, log_a, hooks_env(CURATE_HOLD=f"dedup:{gate}"))
    try:
        _held(gate, a, log_a)  # the stage command has started and holds the locks
        b = _start([bin_path("dvc"), "repro", "--force"], proj, log_b, dict(os.environ))
        rb = b.wait(timeout=300)
    finally:
        gate.touch()
    ra = a.wait(timeout=300)
    assert ra == 0, log_a.read_text() + "\n--- B:\n" + log_b.read_text()
    out_b = log_b.read_text()
    assert rb != 0 and "Unable to acquire lock" in out_b, out_b
    assert "Running stage" not in out_b
    assert partial_outputs(proj) == [] and cache_problems(proj) == []
    assert digest(proj) == reference
    assert "up to date" in run([bin_path("dvc"), "status"], proj).stdout


def test_two_repros_started_together_never_corrupt(built, tmp_path):
    """Started at the same instant, either may win DVC's locks: each completes or stops with a
    lock message; a final `dvc repro` gives the clean build."""
    proj, reference = built
    procs = [_start([bin_path("dvc"), "repro", "--force"], proj, tmp_path / f"{i}.log", dict(os.environ))
             for i in range(2)]
    codes = [p.wait(timeout=300) for p in procs]
    logs = [(tmp_path / f"{i}.log").read_text() for i in range(2)]
    assert 0 in codes, logs
    for code, log in zip(codes, logs):
        if code != 0:
            assert "Unable to acquire lock" in log or "is busy" in log, log
    assert partial_outputs(proj) == [] and cache_problems(proj) == []
    run([bin_path("dvc"), "repro"], proj)
    assert digest(proj) == reference


def test_stage_orphaned_by_killed_repro_is_waited_for(built, tmp_path):
    """kill -9 of `dvc repro` alone (not its group) leaves its `curate extract` running, still
    holding the locks: a new `dvc repro` is refused by DVC's lock until the orphan ends (or, with
    `dvc --wait-for-lock repro`, waits for it), and then rebuilds to the clean build's bytes."""
    proj, reference = built
    log = tmp_path / "a.log"
    gate = tmp_path / "gate"
    a = _start([bin_path("dvc"), "repro", "--force"], proj, log, hooks_env(CURATE_HOLD=f"extract:{gate}"))
    try:
        _held(gate, a, log)
        os.kill(a.pid, signal.SIGKILL)  # the dvc process only: its stage command lives on
        a.wait()
        first = run([bin_path("dvc"), "repro"], proj, check=False)
        assert "Unable to acquire lock" in first.stderr, first.stdout + first.stderr
    finally:
        gate.touch()  # the orphan finishes its stage
    run([bin_path("dvc"), "--wait-for-lock", "repro"], proj)
    assert digest(proj) == reference
    assert partial_outputs(proj) == [] and cache_problems(proj) == []
