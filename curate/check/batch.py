"""What `curate check` carries from one step to the next (the inputs, the records they gave, the
corpus), and the executor its per-record work runs on (curate/check/run.py runs the steps)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from curate.check.corpus import CorpusIndex
from curate.check.inputs import Input
from curate.engine.executors import run_each
from curate.engine.stage import stage_executor
from curate.params import Params
from curate.record import Record, Rejected

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class Item:
    """One reader output followed through the stages."""

    input_index: int
    rel: str
    state: Record  # a Record while it survives; a Rejected once a stage rejects it
    duplicate_note: str = ""
    replaces: list[str] = field(default_factory=list)
    replaced: list[tuple[int, str]] = field(default_factory=list)  # (corpus index, reason) it displaces


@dataclass
class Batch:
    """What check carries from one step to the next: the inputs, the items they gave, the corpus,
    and the executor the steps' per-record work runs on."""

    inputs: list[Input]
    params: Params
    corpus: CorpusIndex
    progress: Progress
    cache_path: Path | None = None
    executor: object = None
    items: list[Item] = field(default_factory=list)
    near: object = None  # the near-duplicate index dedup used (None when near dedup is off)

    def alive(self) -> list[Item]:
        """The items no step has rejected yet, in input order."""
        return [it for it in self.items if not isinstance(it.state, Rejected)]


def check_executor(params: Params, executor, steps):
    """The executor a check runs its per-record work on (map_chunked: in this process below
    INLINE_BELOW records), as a context manager: `executor` when the caller gave one, else
    `run.workers` local processes (the pool forked only when a step has enough records to send)
    or the `run.scheduler` Dask cluster, whose workers run the warm-up of every step in `steps`
    that has one, as `curate run`'s do."""
    inits = tuple(s.worker_init for s in steps if s.worker_init is not None)
    return stage_executor(params, executor, run_each if inits else None, (inits,) if inits else ())
