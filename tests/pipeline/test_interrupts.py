"""Interrupted builds: kill -9 at named points of every stage, then rebuild; nothing partial, nothing lost.

Faults are injected deterministically (tests/faults/hooks/sitecustomize.py): the `curate` stage
command SIGKILLs itself, or its whole process group (the `dvc repro` that started it, and its
workers), at a chosen point: mid-write, before/after a rename, inside an annotation-cache
transaction. Random-time kills of `dvc repro` are in tests/faults/kill_builds.py (and its test).

After each kill: no output under corpus/curated/ or reports/ is partial, the annotation cache is
sound. After `dvc repro` again: the outputs are byte-identical to an uninterrupted build and no
temp file is left behind.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.builders import forget_parts
from tests.conftest import bin_path, run
from tests.faults.kill_builds import cache_problems, dead_temp, digest, fault_env, leftovers, partial_outputs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(built):
    """The sample built by `dvc repro` (tests/conftest.py), with the digest of its outputs."""
    return built, digest(built)


def _killed(cmd: list[str], proj: Path, spec: str, tmp_path: Path) -> subprocess.CompletedProcess:
    mark = tmp_path / "fired"
    proc = subprocess.run(cmd, cwd=proj, env=fault_env(spec, mark), capture_output=True, text=True,
                          start_new_session=True, timeout=300)
    assert mark.exists() and mark.read_text().strip(), \
        f"fault {spec} never fired\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert proc.returncode != 0, "the killed build reported success"
    return proc


def _assert_recovered(proj: Path, reference: dict, run_cache: bool = False) -> None:
    args = [bin_path("dvc"), "repro"] + ([] if run_cache else ["--no-run-cache"])
    out = run(args, proj)
    assert digest(proj) == reference, out.stdout
    assert cache_problems(proj) == []
    # DVC may restore a killed stage's outputs from its cache instead of rerunning it: a temp of
    # the killed process can stay until the next curate command sweeps it (see below)
    assert all(dead_temp(p) for p in leftovers(proj)), leftovers(proj)


# (stage, point, nth, group): group=True kills `dvc repro` and everything it started at that instant
SCENARIOS = [
    ("ingest", "write", 3, True),           # records half written to the stage's temp folder
    ("clean", "replace", 1, False),         # stage done, killed just before its folder is swapped in
    ("extract", "put", 1, True),            # inside an annotation-cache transaction (cold cache)
    ("extract", "put_after", 1, False),     # cache committed by a process that then dies
    ("validate", "replace", 2, True),       # articles swapped in, rejected/ not yet
    ("validate", "replace_after", 4, True),  # metrics.json renamed, process not yet exited
]


@pytest.mark.parametrize("stage,point,nth,group", SCENARIOS,
                         ids=[f"{s}-{p}{n}-{'group' if g else 'self'}" for s, p, n, g in SCENARIOS])
def test_kill_stage_then_repro_is_identical(built, tmp_path, stage, point, nth, group):
    proj, reference = built
    if stage == "extract":  # cold cache: the killed process is the one writing the cache
        shutil.rmtree(proj / ".curate-cache", ignore_errors=True)
    if stage != "validate":  # else the stage links the previous run's parts: nothing written
        forget_parts(proj, stage)
    spec = f"{stage}:{point}:{nth}" + (":group" if group else "")
    _killed([bin_path("dvc"), "repro", "--force", "--single-item", stage], proj, spec, tmp_path)
    assert partial_outputs(proj) == []
    assert cache_problems(proj) == []
    _assert_recovered(proj, reference)


def test_killed_dvc_repro_leaves_the_previous_outputs_in_place(built, tmp_path):
    """Every output is `persist: true`, so DVC does not delete it before the stage runs, and the
    stage swaps its outputs in atomically: `dvc repro` killed before validate's first swap leaves
    the published version exactly as it was (DVC's default would have deleted it first)."""
    proj, reference = built
    _killed([bin_path("dvc"), "repro", "--force", "--single-item", "validate"], proj,
            "validate:replace:1:group", tmp_path)
    assert digest(proj) == reference
    _assert_recovered(proj, reference)


def test_next_curate_command_sweeps_temps_of_killed_runs(built):
    proj, reference = built
    run([bin_path("curate"), "ingest"], proj)
    assert leftovers(proj) == []
    assert run([bin_path("dvc"), "status"], proj).stdout.strip().endswith("up to date.")


def test_cache_written_by_killed_extract_is_sound_and_reused(built, tmp_path):
    """Entries committed by a process killed right after are whole (checksums) and give the
    same outputs as a clean build when the next run serves them from the cache."""
    proj, reference = built
    shutil.rmtree(proj / ".curate-cache", ignore_errors=True)
    forget_parts(proj, "extract")  # else its parts are linked from the previous run, no annotation
    _killed([bin_path("curate"), "extract"], proj, "extract:put_after:1", tmp_path)
    import sqlite3

    con = sqlite3.connect(proj / ".curate-cache/annotations.sqlite")
    n = con.execute("SELECT count(*) FROM annotations").fetchone()[0]
    con.close()
    assert n > 0 and cache_problems(proj) == []
    out = run([bin_path("curate"), "run"], proj).stdout
    assert "extract: 10 in" in out
    assert digest(proj) == reference


def test_uncommitted_cache_transaction_is_never_served(built, tmp_path):
    """Killed inside the transaction: the rows are not in the cache afterwards (WAL rollback)."""
    proj, reference = built
    shutil.rmtree(proj / ".curate-cache", ignore_errors=True)
    forget_parts(proj, "extract")
    _killed([bin_path("curate"), "extract"], proj, "extract:put:1", tmp_path)
    import sqlite3

    db = proj / ".curate-cache/annotations.sqlite"
    if db.exists():
        con = sqlite3.connect(db)
        assert con.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
        con.close()
    assert cache_problems(proj) == []
    run([bin_path("curate"), "run"], proj)
    assert digest(proj) == reference


def test_damaged_cache_entry_is_recomputed_not_served(built):
    """A cache entry whose bytes no longer match its checksum is ignored and recomputed."""
    import sqlite3

    proj, reference = built
    run([bin_path("curate"), "run"], proj)  # warm cache
    db = proj / ".curate-cache/annotations.sqlite"
    con = sqlite3.connect(db)
    con.execute("UPDATE annotations SET value = CAST('{\"entities\":[]}' AS BLOB)")
    con.commit()
    con.close()
    forget_parts(proj, "extract")  # so extract reads the cache instead of linking its parts
    out = run([bin_path("curate"), "extract"], proj).stdout
    assert "10 kept" in out
    run([bin_path("curate"), "validate"], proj)
    assert digest(proj) == reference


def test_kill_curate_run_between_swaps_keeps_previous_outputs(built, tmp_path):
    """Without DVC (which deletes outputs first), a killed `curate run` leaves every output
    folder whole: the previous version or the new one, never a mix inside one file, never absent."""
    proj, reference = built
    run([bin_path("curate"), "run"], proj)
    for spec in ("validate:replace:1", "validate:replace_after:2", "validate:fsync:2"):
        _killed([bin_path("curate"), "validate"], proj, spec, tmp_path)
        assert partial_outputs(proj) == []
        for out in ("corpus/curated/articles", "corpus/curated/rejected", "corpus/curated/manifest.json",
                    "reports/metrics.json"):
            assert (proj / out).exists(), f"{out} vanished after a kill at {spec}"
        (tmp_path / "fired").unlink()
    assert digest(proj) == reference
    run([bin_path("curate"), "validate"], proj)
    assert digest(proj) == reference
    assert leftovers(proj) == []


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_sweep_removes_dead_temps_in_nested_output_folders(tmp_path):
    """A report killed while writing a plot leaves `reports/plots/.tmp-…`; `dvc repro` then
    keeps the persisted outputs without rerunning report, so only the next stage command's
    sweep can remove it: the sweep must reach every folder under the outputs, not only the top."""
    from curate.pipeline.repair import sweep_outputs

    dead = _dead_pid()
    nested = [tmp_path / "reports/plots" / f".tmp-length_hist.json-{dead}-1btwn2an",
              tmp_path / "corpus/curated/articles" / f".tmp-part-00000.jsonl-{dead}-abcdefgh"]
    folder = tmp_path / "corpus/interim" / f".old-ingest-{dead}-zyxwvuts"
    for path in nested:
        path.parent.mkdir(parents=True)
        path.write_text("{\"half\": ")
    (folder / "sub").mkdir(parents=True)
    (folder / "sub/records.jsonl").write_text("{}\n")
    removed = sweep_outputs(tmp_path)
    assert sorted(removed) == sorted(map(str, [*nested, folder]))
    assert not any(p.exists() for p in [*nested, folder])


def test_sweep_keeps_temps_of_a_live_writer(tmp_path):
    import os

    live = tmp_path / "reports/plots" / f".tmp-length_hist.json-{os.getpid()}-1btwn2an"
    live.parent.mkdir(parents=True)
    live.write_text("{")
    from curate.pipeline.repair import sweep_outputs

    assert sweep_outputs(tmp_path) == []
    assert live.exists()
