"""Running a registered step as a stage: under the project lock, timed (stats line), by name
(its object from curate/pipeline/registry.py)."""

from __future__ import annotations

from pathlib import Path

from curate.params import Params
from curate.pipeline.locking import stage_lock
from curate.pipeline.registry import step
from curate.pipeline.stats import measured
from curate.steps import STAGES


def run_step(name: str, root: Path, params: Params):
    """Run stage `name` (a name in curate.steps) on the project at `root`; its StageResult."""
    with stage_lock(root, f"curate {name}"), measured(name) as stats:
        result = stats["result"] = step(name).run(root, params)
    return result


def run_steps(root: Path, params: Params, names=STAGES, locked: bool = False) -> dict:
    """Run the stages `names` in order (default: all of them); name -> StageResult. With
    `locked=False` the runners are called directly (tests, benchmarks: no lock, no stats)."""
    out = {}
    for name in names:
        out[name] = run_step(name, root, params) if locked else step(name).run(root, params)
    return out
