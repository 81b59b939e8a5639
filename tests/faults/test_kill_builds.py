"""CI run of the fault-injection script (small N) and `curate add` killed mid-copy."""

from __future__ import annotations

import subprocess

import pytest

from tests.builders import synthetic_article
from tests.conftest import bin_path, make_project, run
from tests.faults.kill_builds import fault_env, kill_builds

pytestmark = pytest.mark.slow


def test_kill_builds_script_recovers_every_run(tmp_path):
    lines: list[str] = []
    summary = kill_builds(runs=3, seed=8, workdir=tmp_path, out=lines.append)
    report = "\n".join(lines)
    assert summary["recovered_identical"] == 3, report
    assert summary["killed"] + summary["finished_before_kill"] == 3
    assert "recovered byte-identical" in report and summary["failures"] == [], report


@pytest.mark.parametrize("point", ["fsync:1", "fsync:2"])
def test_add_killed_mid_copy_leaves_no_half_copied_file(tmp_path, point):
    proj = make_project(tmp_path / "proj")
    before = {p for p in (proj / "corpus/raw").rglob("*")}
    inputs = []
    for i in range(3):
        f = tmp_path / f"in-{i}.txt"
        f.write_text(synthetic_article(i, words=4000))  # big enough that copying takes chunks
        inputs.append(f)
    mark = tmp_path / "fired"
    p = subprocess.run([bin_path("curate"), "add", *map(str, inputs)], cwd=proj, capture_output=True,
                       text=True, env=fault_env(f"add:{point}", mark), start_new_session=True, timeout=300)
    assert mark.exists(), f"the fault never fired: {p.stdout}\n{p.stderr}"
    assert p.returncode != 0
    originals = {f.name: f.read_bytes() for f in inputs}
    for path in (proj / "corpus/raw").rglob("*"):
        if path in before or not path.is_file():
            continue
        if path.name.startswith("."):
            continue  # a temp copy: the pipeline never lists dot names, DVC ignores `.tmp-*`
        assert path.read_bytes() == originals[path.name], f"{path} is a partial copy"
    # the corpus builds, and only whole files were added
    run([bin_path("curate"), "ingest"], proj)
    import json

    from tests.builders import stage_bytes

    added = [json.loads(line) for line in stage_bytes(proj, "ingest").decode().splitlines()
             if "added-" in line]
    assert len(added) == (0 if point == "fsync:1" else 1)
