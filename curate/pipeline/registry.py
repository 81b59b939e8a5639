"""The steps as objects, in flow order: each step package's `STEP` (a curate.engine.step.StageStep)
for `curate run`, `curate check`, the stage commands and `curate cache prune`.

curate/steps.py holds their data (floor 0); this module joins it to their code. Adding a step is
a `STEP` in its `stage.py`, an entry in curate/steps.py and a loader below. Each loader imports
one step's module when first asked for, so a stage command loads only its own step's libraries.
"""

from __future__ import annotations

from curate.engine.step import StageStep
from curate.steps import STEPS


def _ingest() -> StageStep:
    from curate.readers.stage import STEP  # lazy: lxml and the readers load only for ingest
    return STEP


def _clean() -> StageStep:
    from curate.clean.stage import STEP  # lazy: one step's libraries per stage command
    return STEP


def _dedup() -> StageStep:
    from curate.dedup.stage import STEP  # lazy: numpy loads only for dedup
    return STEP


def _extract() -> StageStep:
    from curate.extract.stage import STEP  # lazy: the language and NER code loads only for extract
    return STEP


def _validate() -> StageStep:
    from curate.validate.stage import STEP  # lazy: pandas loads only for validate
    return STEP


def _report() -> StageStep:
    from curate.report.stage import STEP  # lazy: the report's renderers load only for it
    return STEP


LOADERS = {"ingest": _ingest, "clean": _clean, "dedup": _dedup, "extract": _extract,
           "validate": _validate, "report": _report}


def step(name: str) -> StageStep:
    """The step named `name` (a name in curate.steps.STEPS)."""
    return LOADERS[name]()


def all_steps() -> tuple[StageStep, ...]:
    """Every step, in flow order (curate.steps.STEPS)."""
    return tuple(step(s.name) for s in STEPS)
