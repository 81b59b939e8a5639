"""The registry: the one list of the pipeline's steps, in order, with what each one is.

The CLI's stage commands, `curate run`, the interim folders (layout.STAGES), cache pruning and
the test that checks dvc.yaml all derive from this list. A step is a package with a `stage.py`
whose runner takes (root, params) and returns a StageResult; adding one is a folder and an entry
here (then a dvc.yaml stage: `tests/pipeline/test_registry.py` says what it must hold).
This module imports nothing of the package, so any module may read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

# what every stage's code imports: the record, parameters, paths and the stage engine
BASE_CODE = ("curate/engine", "curate/globs.py", "curate/layout.py", "curate/params.py",
             "curate/record.py", "curate/steps.py", "curate/__init__.py")


@dataclass(frozen=True)
class Step:
    name: str          # the stage name: `curate <name>`, dvc.yaml stage, corpus/interim/<name>
    doc: str           # one line for the CLI's help
    runner: str        # "module:function", called with (root, params)
    code: tuple[str, ...]  # the code the stage runs, beside BASE_CODE: its dvc.yaml deps
    params: tuple[str, ...]  # the params.yaml sections (or keys) it reads
    interim: bool = True   # writes corpus/interim/<name> (the report does not)
    caches: tuple[str, ...] = ()  # the stage caches it keeps under run.cache_dir (<name>.sqlite)
    # "module:function" that marks, for `curate cache prune`, the keys the current build looks up
    # in those caches (called with a curate.engine.cache.LiveKeys, in step order)
    live_keys: str | None = None

    def mark_live_keys(self, marks) -> None:
        module, func = self.live_keys.split(":")
        getattr(import_module(module), func)(marks)

    def run(self, root, params):
        module, func = self.runner.split(":")
        return getattr(import_module(module), func)(root, params)

    @property
    def deps(self) -> tuple[str, ...]:
        """The stage's code deps as dvc.yaml lists them (its own code, then the base)."""
        return self.code + BASE_CODE


STEPS: tuple[Step, ...] = (
    Step("ingest", "Stage 1: read corpus/raw/ with the sniffing readers into records (or rejections).",
         "curate.readers.stage:run_ingest", ("curate/readers",), ("ingest",),
         caches=("ingest", "pages"), live_keys="curate.readers.stage:live_keys"),
    Step("clean", "Stage 2: repair text, lift dateline, byline, credits and tickers into fields.",
         "curate.clean.stage:run_clean", ("curate/clean",), ("clean",),
         caches=("clean",), live_keys="curate.clean.stage:live_keys"),
    Step("dedup", "Stage 3: drop re-crawled story versions and exact duplicates (naming the kept id).",
         "curate.dedup.stage:run_dedup", ("curate/dedup",), ("dedup",),
         caches=("minhash",), live_keys="curate.dedup.stage:live_keys"),
    Step("extract", "Stage 4: named entities (spaCy, cached), language, statistics, flags, provenance.",
         "curate.extract.stage:run_extract", ("curate/extract",), ("extract",),
         caches=("annotations", "extract"), live_keys="curate.extract.stage:live_keys"),
    Step("validate", "Stage 5: record contract + pandera corpus rules; write corpus/curated and metrics.",
         "curate.validate.stage:run_validate", ("curate/validate",), ("validate", "output")),
    Step("report", "Statistics of the curated version: reports/quality.{md,html,json} and plot data.",
         "curate.dataset.quality_output:run_report",
         ("curate/dataset/quality.py", "curate/dataset/quality_output.py", "curate/dataset/quality_rules.py",
          "curate/dataset/quality_sections.py", "curate/dataset/versions.py", "curate/render"),
         ("output.curated_dir",), interim=False),
)

BY_NAME = {s.name: s for s in STEPS}
STAGES: tuple[str, ...] = tuple(s.name for s in STEPS if s.interim)
CACHES: tuple[str, ...] = tuple(c for s in STEPS for c in s.caches)
