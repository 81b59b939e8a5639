"""A step as an object: the registry's data for it (curate/steps.py) joined to its code.

Each step package's `stage.py` exports `STEP`, a StageStep; `curate/pipeline/registry.py` collects
them in flow order for `curate run`, `curate check`, the stage commands and `curate cache prune`.
Like a datatrove PipelineStep, a step has one `run` (the whole stage, its counts in the
StageResult); like a Data-Juicer op, it is registered by name and says what it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from curate.steps import Step


class StepFailure(RuntimeError):
    """A failure a step reports in one line, exit 1 and no traceback (a model that cannot be
    loaded, a failing corpus rule, a worker that cannot see the project): defined here, so that
    the CLI names it without importing the steps' heavy modules (spaCy, pandera) at start-up."""


@dataclass(frozen=True)
class StageStep:
    """One step: `spec` (name, doc, code, params sections, caches: curate/steps.py), `runner`
    (root, params) -> StageResult, `live_keys` (marks for `curate cache prune`, for a step that
    caches) and `window`, its per-record or per-window computation where `curate check` reuses it.
    A step whose per-record work runs on an executor has `parallel` (its runner takes `executor=`,
    the one a whole `curate run` shares) and, if its workers need a warm-up, `worker_init` (a
    picklable function of no arguments that each worker runs once)."""

    spec: Step
    runner: Callable
    live_keys: Callable | None = None
    window: Callable | None = None
    parallel: bool = False
    worker_init: Callable | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def run(self, root: Path, params, executor=None):
        """Run the whole stage on the project at `root`: its StageResult (the report: its dict).
        A parallel step runs on `executor` when given (the caller ends it), else on one of its own."""
        if executor is not None and self.parallel:
            return self.runner(root, params, executor=executor)
        return self.runner(root, params)
