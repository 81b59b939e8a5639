"""Running registered steps as stages: under the project lock, timed (stats line), by name (its
object from curate/pipeline/registry.py); a run of several stages opens one executor for all of
them (`run_executor`)."""

from __future__ import annotations

from pathlib import Path

from curate.engine.executors import make_executor, resolve_workers, run_each
from curate.params import Params
from curate.pipeline.locking import stage_lock
from curate.pipeline.registry import step
from curate.pipeline.stats import measured
from curate.steps import STAGES


def run_executor(params: Params, names=STAGES):
    """The one executor a run of the stages `names` shares, as a context manager (closed after
    the block, terminated if it raises or is interrupted): `run.workers` local processes or the
    `run.scheduler` / CURATE_DASK_SCHEDULER Dask cluster, whose workers each run once the
    warm-up of every step in `names` that has one (extract's language identifier)."""
    inits = tuple(s.worker_init for s in map(step, names) if s.worker_init is not None)
    return make_executor(resolve_workers(params.run.workers), params.run.scheduler,
                         run_each if inits else None, (inits,) if inits else ())


def run_step(name: str, root: Path, params: Params, executor=None):
    """Run stage `name` (a name in curate.steps) on the project at `root`, on `executor` when
    given (else the stage opens its own); its StageResult."""
    with stage_lock(root, f"curate {name}"), measured(name) as stats:
        result = stats["result"] = step(name).run(root, params, executor)
    return result


def run_steps(root: Path, params: Params, names=STAGES, locked: bool = False, executor=None) -> dict:
    """Run the stages `names` in order (default: all of them) on one executor (`executor`, or
    one opened for the run); name -> StageResult. With `locked=False` the runners are called
    directly (tests, benchmarks: no lock, no stats)."""
    out = {}
    if executor is None:
        with run_executor(params, names) as own:
            return run_steps(root, params, names, locked, own)
    for name in names:
        out[name] = run_step(name, root, params, executor) if locked else step(name).run(root, params, executor)
    return out
