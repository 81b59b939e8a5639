"""The registry (curate/steps.py, the steps' data; curate/pipeline/registry.py, the step objects) is
the one list of steps: dvc.yaml, the CLI and `curate run` agree with it, and each stage depends on
its own code, so a change to one step reruns that step and what follows."""

from __future__ import annotations

import inspect
import json
import re
import shutil
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from curate.cli import app
from curate.engine.step import StageStep
from curate.pipeline.registry import all_steps
from curate.steps import BY_NAME, STAGES, STEPS
from tests.builders import with_sample
from tests.conftest import REPO, bin_path, make_project, run

# a few articles of the bundled sample, none a duplicate of another: a build takes seconds
SMALL = ["seed/000_36da013c6c0019e4.txt", "notes/20130402/harbour-expansion.txt",
         "web/20091203/us-lumenta-chile-mine-idUSTRE5B23KL20091203"]


def test_dvc_yaml_agrees_with_the_registered_step_objects():
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    steps = all_steps()
    assert list(stages) == [s.name for s in steps]  # the same stages, in order
    for step in steps:
        stage = stages[step.name]
        assert stage["cmd"] == f"curate {step.name}"
        code = [d for d in stage["deps"] if d.startswith("curate/")]
        assert code == list(step.spec.deps), step.name
        assert stage["params"] == list(step.spec.params), step.name


def test_the_registry_holds_one_object_per_step_in_flow_order():
    steps = all_steps()
    assert [s.name for s in steps] == [s.name for s in STEPS]
    assert [s.name for s in steps if s.spec.interim] == list(STAGES)
    for step in steps:
        assert isinstance(step, StageStep) and step.spec is BY_NAME[step.name]
        assert callable(step.runner), step.name
        assert callable(step.live_keys) == bool(step.spec.caches), step.name  # prune marks every cache


def test_each_step_objects_code_lies_in_the_code_its_stage_depends_on():
    """The runner, live keys and window of a step are in the code dvc.yaml lists for it (or in
    the base every stage depends on), so editing them reruns that stage."""
    steps = all_steps()
    assert steps and all(step.runner for step in steps)  # else the loop below checks nothing
    for step in steps:
        deps = step.spec.deps
        for fn in filter(None, (step.runner, step.live_keys, step.window)):
            path = Path(inspect.getsourcefile(inspect.unwrap(fn))).resolve().relative_to(REPO).as_posix()
            assert any(path == d or path.startswith(d + "/") for d in deps), (step.name, path)


def test_the_cli_has_a_command_for_every_step():
    commands = typer.main.get_command(app).commands
    assert STEPS  # else the loop below checks nothing
    for step in STEPS:
        assert step.name in commands, step.name
        if step.interim:  # the stage commands are made from the registry, with its one-line doc
            assert commands[step.name].help == step.doc


def run_recording_steps(tmp_path: Path, monkeypatch, command: str) -> list[str]:
    """`curate <command>` on the bundled sample in `tmp_path`; the names of the step objects whose
    `run` it called, in order (each still runs for real)."""
    ran: list[str] = []
    real = StageStep.run

    def recording(self, root, params, executor=None):
        ran.append(self.name)
        return real(self, root, params, executor)

    monkeypatch.setattr(StageStep, "run", recording)
    root = with_sample(tmp_path)
    shutil.copy2(REPO / "params.yaml", root / "params.yaml")
    result = CliRunner().invoke(app, [command, "--root", str(root), "--params", str(root / "params.yaml")])
    assert result.exit_code == 0, result.output
    return ran


def test_curate_run_runs_every_step_object_in_order(tmp_path, monkeypatch):
    assert run_recording_steps(tmp_path, monkeypatch, "run") == [s.name for s in STEPS]


def test_curate_run_gives_every_stage_one_and_the_same_executor(tmp_path, monkeypatch):
    import curate.engine.stage

    given: list = []  # the executor each stage was handed when it asked for one
    real = curate.engine.stage.executor_for

    def recording(executor, *args, **kwargs):
        given.append(executor)
        return real(executor, *args, **kwargs)

    monkeypatch.setattr(curate.engine.stage, "executor_for", recording)
    run_recording_steps(tmp_path, monkeypatch, "run")
    assert len(given) == len(STAGES) and given[0] is not None
    assert all(ex is given[0] for ex in given)


def test_a_stage_command_runs_its_step_object(tmp_path, monkeypatch):
    assert run_recording_steps(tmp_path, monkeypatch, "ingest") == ["ingest"]


def changed_stages(proj: Path) -> set[str]:
    """The stages `dvc status` lists: those whose own deps changed since the build."""
    return set(json.loads(run([bin_path("dvc"), "status", "--json"], proj).stdout))


def downstream(proj: Path, stages: set[str]) -> set[str]:
    """`stages` and every stage after them in DVC's graph (`dvc dag --dot`)."""
    edges = re.findall(r'^"([^"]+)" -> "([^"]+)";$', run([bin_path("dvc"), "dag", "--dot"], proj).stdout, re.M)
    assert edges, "no edges in `dvc dag --dot`"
    out, grew = set(stages), True
    while grew:
        more = {b for a, b in edges if a in out} - out
        out |= more
        grew = bool(more)
    return out


@pytest.fixture(scope="module")
def small_build(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("registry")
    raw = base / "raw"
    for rel in SMALL:
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / "corpus/raw" / rel, raw / rel)
    proj = make_project(base / "proj", raw)
    run([bin_path("dvc"), "repro"], proj)
    assert changed_stages(proj) == set()
    return proj


@pytest.mark.slow
@pytest.mark.parametrize("module, step, expected", [
    ("curate/validate/rules.py", "validate", {"validate", "report"}),
    ("curate/clean/rules.py", "clean", {"clean", "dedup", "extract", "validate", "report"}),
])
def test_a_change_to_a_step_reruns_that_step_and_what_follows_only(small_build, module, step, expected):
    """After a full build, a change to one step's module leaves `dvc status` listing that step
    alone (DVC lists a stage whose own deps changed; the stages after it go stale only if its
    outputs change), so what `dvc repro` may rerun is that step and the stages after it in DVC's
    graph: nothing upstream.

    The project's copy of the module is what DVC hashes (the `curate` command imports the
    package from where it is installed): appending a comment changes the file, not the code."""
    path = small_build / module
    original = path.read_bytes()
    path.write_bytes(original + b"# edited\n")
    try:
        listed = changed_stages(small_build)
        assert listed == {step}
        assert downstream(small_build, listed) == expected
    finally:
        path.write_bytes(original)
    assert changed_stages(small_build) == set()
