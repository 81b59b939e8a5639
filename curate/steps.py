"""The registry: the one list of the pipeline's steps, in order, with what each one is.

The CLI's stage commands, `curate run`, the interim folders (layout.STAGES), cache pruning and
the test that checks dvc.yaml all derive from this list. A step is a package with a `stage.py`
exporting `STEP` (a curate.engine.step.StageStep: this entry, its runner, live keys and window),
collected in this order by curate/pipeline/registry.py; adding one is a folder, an entry here and
a line there (then a dvc.yaml stage: `tests/pipeline/test_registry.py` says what it must hold).
This module is the steps' pure data and imports nothing of the package, so any module may read it.
"""

from __future__ import annotations

from dataclasses import dataclass

# what every stage's code imports: the record, parameters, paths and the stage engine
BASE_CODE = ("curate/engine", "curate/globs.py", "curate/layout.py", "curate/params.py",
             "curate/record.py", "curate/steps.py", "curate/__init__.py")


@dataclass(frozen=True)
class Step:
    name: str          # the stage name: `curate <name>`, dvc.yaml stage, corpus/interim/<name>
    doc: str           # one line for the CLI's help
    code: tuple[str, ...]  # the code the stage runs, beside BASE_CODE: its dvc.yaml deps
    params: tuple[str, ...]  # the params.yaml sections (or keys) it reads
    interim: bool = True   # writes corpus/interim/<name> (the report does not)
    caches: tuple[str, ...] = ()  # the stage caches it keeps under run.cache_dir (<name>.sqlite)

    @property
    def deps(self) -> tuple[str, ...]:
        """The stage's code deps as dvc.yaml lists them (its own code, then the base)."""
        return self.code + BASE_CODE


STEPS: tuple[Step, ...] = (
    Step("ingest", "Stage 1: read corpus/raw/ with the sniffing readers into records (or rejections).",
         ("curate/readers",), ("ingest",), caches=("ingest", "pages")),
    Step("clean", "Stage 2: repair text, lift dateline, byline, credits and tickers into fields.",
         ("curate/clean",), ("clean",), caches=("clean",)),
    Step("dedup", "Stage 3: drop re-crawled story versions and exact duplicates (naming the kept id).",
         ("curate/dedup",), ("dedup",), caches=("minhash",)),
    Step("extract", "Stage 4: named entities (spaCy, cached), language, statistics, flags, provenance.",
         ("curate/extract",), ("extract",), caches=("annotations", "extract")),
    Step("validate", "Stage 5: record contract + pandera corpus rules; write corpus/curated and metrics.",
         ("curate/validate",), ("validate", "output")),
    Step("report", "Statistics of the curated version: reports/quality.{md,html,json} and plot data.",
         ("curate/report", "curate/dataset/versions.py", "curate/render"),
         ("output.curated_dir",), interim=False),
)

BY_NAME = {s.name: s for s in STEPS}
STAGES: tuple[str, ...] = tuple(s.name for s in STEPS if s.interim)
CACHES: tuple[str, ...] = tuple(c for s in STEPS for c in s.caches)
