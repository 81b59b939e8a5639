"""`curate check`: would these inputs join the corpus, and if not, why? (issue 3)

One code path. Every input goes through the functions the pipeline's stages call, in the same
order, with the same params.yaml; nothing here decides anything the pipeline does not. Check loops
over the registry's steps (curate/pipeline/registry.py), in flow order, and hands each step's
`window` (its per-record or per-window computation) to that step's phase (`PHASES`):

    ingest    curate.readers.read_file           (what run_ingest calls per raw file)
    clean     curate.clean.stage.clean_one       (run_clean, per record)
    dedup     curate.dedup.decisions.dedup_decisions (run_dedup; curate/check/dedup.py), over the
              keys of the corpus followed by the keys of the batch, with a
              curate.dedup.near_dup.NearDupIndex holding the corpus signatures followed by the
              batch's: the same rules decide within the batch and against the corpus
    extract   curate.extract.stage.extract_window (run_extract, per window; annotation cache and
              worker processes as params.run says)
    validate  curate.validate.stage.validate_verdicts (run_validate: record contract, pandera rules)
    corpus    curate.validate.corpus_rules.evaluate (run_validate's corpus rules, per source) over
              the version `curate add` + `dvc repro` would build: the corpus (its articles' null
              fields, its manifest's rejections, by source from rejected/ when validate.sources is
              set), plus the accepted inputs, less the corpus articles they replace; rejected
              inputs are never copied, so they do not count

Executor. The per-record work (clean, the batch's MinHash signatures, NER and extract's finishing,
validate's facts) goes through `map_chunked` as in the stages, on one executor for the whole
check (`check_executor`: the caller's, else `run.workers` processes or the `run.scheduler` Dask
cluster): in this process below INLINE_BELOW records, spread over the workers above, the same
verdicts either way. Reading the inputs (page extraction included) goes the same way,
FILES_PER_TASK files a task, in this process below FILES_INLINE_BELOW files.

Inputs. Arguments are files, folders (recursive, listed with the pipeline's own
`iter_raw_files`: names starting with '.' and `*.dvc` files are skipped as the pipeline skips
them) and globs (expanded here with `glob.glob(recursive=True)` when the shell did not). A JSONL
file gives one verdict per non-blank line, with its line number, a JSON array one per element,
with its index (`item`); JSONL and JSON files get the mapping chosen for the path they will
have under the raw folder (`Input.dest`, see curate/readers/sources.py). The readers see each file at a
path relative to a *root*:
  * a file or folder inside the project's raw folder (`ingest.raw_dir`): the raw folder, so
    ids and paths are exactly the ones the pipeline gives;
  * else a folder argument: the folder itself; a file argument: its parent folder;
  * either way, when that folder is a day folder (`YYYYMMDD`, `YYYY-MM-DD`) the root moves one
    level up so the day folder stays in the relative path (undated plain texts take their date
    from it, as in the pipeline).
A symlink that resolves outside its root is rejected by the readers (`unreadable`).

Ids. Ids from the source (Reuters story codes, JSONL ids) do not depend on where a file sits;
path-rule ids (`doc-<sha256(path)>`) do. `check` reports them for the file at its relative path
under the root (exact for files already under corpus/raw); `curate add` reports the ids the
files get in its batch folder. Two inputs with the same relative path from different roots get
distinct paths (`2/<path>`, `3/<path>`, ...) as `add` would store them.

Against the corpus. The corpus is what `corpus/curated/articles/` holds in the working tree. Its
index keeps ids, content hashes, dates and source paths (the dedup keys) and one MinHash signature
a record; texts are read again only for borderline near-duplicate pairs. The pipeline's rules
apply unchanged, so:
  * exact duplicate of a corpus article: rejected `duplicate` naming it (the pipeline keeps the
    earliest published copy: an input published *before* the corpus copy is accepted with
    `replaces` naming the corpus article that the next build will drop instead; at the same
    time the corpus copy stays, whatever the ids);
  * same story id as a corpus article: the pipeline keeps the latest version, so a newer version
    is accepted and `replaces` the corpus copy; an older one is rejected `story_version`, the note
    saying it is older than the corpus copy (same time: the copy that arrived first, the corpus's,
    is kept, as in the pipeline: see curate/dedup/decisions.py, "Ties");
  * an input identical to a corpus article (same id, same text, same publication time, e.g. the
    corpus's own file sent again) is rejected `duplicate`, detail "already in the corpus as <id>
    ...", no note (the pipeline would keep the corpus copy too; the message says so more plainly);
  * near duplicate (MinHash/LSH, `dedup.near_threshold`): rejected `near_duplicate` naming the
    kept article, or accepted with `replaces` when the input is the earliest of its cluster
    (strictly earlier: at equal times the corpus article stays).
Within the batch the same rules decide between inputs; `note` says whether the kept copy is in
the corpus or in the batch (and which input).

Nothing is written to corpus/ or reports/. The annotation cache (`run.cache_dir`) is read and
filled, as the extract stage does, so a later `dvc repro` does not annotate the same texts again.
The batch is held in memory (the corpus side is keys and signatures only).

Usage errors (a path or glob that matches nothing, unreadable params.yaml) raise `UsageError`
before anything is checked: a typo must not yield a report that looks complete.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from curate.check.batch import Batch, Item, Progress, check_executor
from curate.check.corpus import CorpusIndex, load_corpus
from curate.check.dedup import dedup_phase
from curate.check.inputs import Input, UsageError, collect_inputs, load_params_for, place, relocate
from curate.check.verdicts import CheckResult, Verdict
from curate.params import Params
from curate.engine.executors import map_chunked, per_item
from curate.record import Reason, Rejected, reject
from curate.check.project import in_project
from curate.engine.cache import AnnotationCache, cache_file
from curate.extract.stage import check_models, extract_setup
from curate.pipeline.registry import all_steps
from curate.validate.corpus_rules import CorpusFacts, SourceGroups, evaluate, failures, missing_fields

__all__ = ["UsageError", "check_inputs", "check_paths", "collect_inputs", "load_corpus", "place",
           "CheckResult", "Verdict", "Input", "CorpusIndex", "load_params_for"]

WINDOW = 512  # records cleaned / extracted per round (progress granularity; bounds worker idle time)


def _noop(phase: str, done: int, total: int) -> None:
    pass


FILES_PER_TASK = 8       # input files read per executor task (as ingest's FILES_PER_TASK)
FILES_INLINE_BELOW = 32  # fewer input files are read in this process (a page takes ~50 ms)


def _read_input(spec: tuple[str, str, str | None], read_file, ingest) -> list:
    """One input through `read_file` (an executor task's unit: module level, so it pickles)."""
    rel, root, dest = spec
    return read_file(rel, Path(root), ingest, as_path=dest)


def _ingest(b: Batch, read_file) -> None:
    """Each input through the readers (`read_file`, what run_ingest calls per raw file), on the
    executor, window by window in input order."""
    from curate.readers import Skipped, early_reject, skipped_name  # lazy: lxml costly to load

    todo: list[tuple[int, Input]] = []
    results: dict[int, list] = {}
    skipped = {k for k, inp in enumerate(b.inputs) if skipped_name(inp.rel)}
    for k, inp in enumerate(b.inputs):
        if k in skipped:
            results[k] = [early_reject(inp.dest, Reason.UNREADABLE,
                          "the pipeline never reads names starting with '.' or ending in '.dvc'")]
        else:  # absolute root: a Dask worker's working folder is not this one
            todo.append((k, inp))
    specs = [(inp.rel, str(inp.root.resolve()), inp.dest or None) for _, inp in todo]
    for s in range(0, len(todo), WINDOW):
        outs = map_chunked(b.executor, per_item, specs[s:s + WINDOW], _read_input, read_file, b.params.ingest,
                           chunk=FILES_PER_TASK, inline_below=FILES_INLINE_BELOW)
        results.update((k, out) for (k, _), out in zip(todo[s:s + WINDOW], outs))
        b.progress("read", min(s + WINDOW, len(todo)), len(todo))
    for k, inp in enumerate(b.inputs):
        for out in results[k]:
            if k in skipped:
                b.items.append(Item(k, inp.rel, out))
            elif not isinstance(out, Skipped):  # no article, no input (a WARC request record)
                b.items.append(Item(k, inp.rel, relocate(out, inp.rel, inp.dest)))


def _clean(b: Batch, clean_one) -> None:
    """Each record read through `clean_one` (what run_clean calls per record), on the executor."""
    alive = b.alive()
    for s in range(0, len(alive), WINDOW):
        window = alive[s:s + WINDOW]
        for it, out in zip(window, map_chunked(b.executor, per_item, [it.state for it in window], clean_one, b.params)):
            it.state = out
        b.progress("clean", min(s + WINDOW, len(alive)), len(alive))


def _extract(b: Batch, extract_window) -> None:
    """The survivors, window by window (`extract_window`, run_extract's), on the pipeline's
    executor and annotation cache."""
    todo = b.alive()
    if not todo:
        return
    setup = extract_setup(b.params, b.executor)  # the extract stage's own setup
    cache = AnnotationCache(b.cache_path)
    try:  # an executor of its own is terminated if this fails or is interrupted
        with setup as ex:
            for s in range(0, len(todo), WINDOW):
                window = todo[s:s + WINDOW]
                for it, out in zip(window, extract_window([it.state for it in window], b.params, cache, ex)):
                    it.state = out
                b.progress("extract", min(s + WINDOW, len(todo)), len(todo))
    finally:
        cache.close()


def _validate(b: Batch, validate_verdicts) -> None:
    """The record contract and pandera rules (`validate_verdicts`, run_validate's) on what was
    extracted."""
    final = b.alive()
    if final:
        for it, verdict in zip(final, validate_verdicts([it.state for it in final], b.params, b.executor).reasons):
            if verdict is not None:
                it.state = reject(it.state, verdict[0], verdict[1], "validate")


# what check does with each step's `window` on a batch, by step name; check runs them in the
# registry's order (tests/check/test_check_steps.py: every step with a window has one here)
PHASES: dict[str, Callable[[Batch, Callable], None]] = {
    "ingest": _ingest, "clean": _clean, "dedup": dedup_phase, "extract": _extract, "validate": _validate}


def _corpus_rules(items: list[Item], corpus: CorpusIndex, params: Params) -> tuple[list, list[str]]:
    """The corpus rules over the version `curate add` of this batch + `dvc repro` would build:
    the corpus, plus the accepted inputs, less the corpus articles they replace (rejected inputs
    are never copied, so they do not count). Returns the results and the rules the corpus
    fails already without the batch."""
    groups_of = SourceGroups(params.validate)
    before = corpus.facts()
    facts = corpus.facts()
    for it in items:
        if not isinstance(it.state, Rejected):
            src = it.state.source
            facts.setdefault(groups_of.of(src.path, src.format), CorpusFacts()).accept(missing_fields(it.state))
            for i, reason in it.replaced:
                facts[corpus.groups[i]].withdraw(corpus.missing[i], reason)
    already = [r.rule for r in failures(evaluate(before, params.validate))] if len(corpus) else []
    return evaluate(facts, params.validate), already


def _verdict(it: Item, inp: Input) -> Verdict:
    s = it.state
    rej = isinstance(s, Rejected)
    return Verdict(
        input=inp.display, line=s.source.line, accepted=not rej, id=s.id,
        reason=s.reason if rej else None, detail=s.detail if rej else "",
        stage=s.stage if rej else None, duplicate_of=s.duplicate_of if rej else None,
        replaces=it.replaces, note=it.duplicate_note, path=s.source.path, format=s.source.format,
        title=s.title, date=s.date, flags=list(s.flags), input_index=it.input_index,
        source_sha256=s.source.sha256, item=s.source.item,
    )


def check_inputs(
    inputs: list[Input],
    params: Params,
    corpus: CorpusIndex,
    cache_path: Path | None = None,
    progress: Progress | None = None,
    executor=None,
) -> CheckResult:
    """Verdicts for inputs already collected and placed (see `collect_inputs`, `place`)."""

    check_models(params)  # a model extract would refuse fails the check before any work
    t_start = time.perf_counter()
    timings: dict[str, float] = {"corpus_index": round(corpus.seconds, 3)}
    b = Batch(inputs, params, corpus, progress or _noop, cache_path)
    steps = all_steps()  # the registry's steps, in flow order
    with check_executor(params, executor, steps) as b.executor:
        for s in steps:
            if s.window is None:
                continue  # the report reads a published version: nothing of a batch
            t0 = time.perf_counter()
            PHASES[s.name](b, s.window)
            timings[s.name] = round(time.perf_counter() - t0, 3)
    items, near = b.items, b.near
    rules, already = _corpus_rules(items, corpus, params)
    out = [_verdict(it, inputs[it.input_index]) for it in items]
    timings["total"] = round(time.perf_counter() - t_start, 3)
    return CheckResult(out, inputs, str(corpus.folder), len(corpus), near is not None,
                       seconds=timings["total"], timings=timings, records=[it.state for it in items],
                       corpus_rules=rules, rules_failing_before=already, corpus_gone=corpus.gone)


def check_paths(
    paths: Sequence[str | Path],
    root: Path = Path("."),
    params: Params | None = None,
    params_path: Path | None = None,
    prefix: str = "",
    progress: Progress | None = None,
    executor=None,
) -> CheckResult:
    """Check files, folders and globs against the project's curated corpus; changes nothing.

    `root` is the project folder (corpus/, params.yaml); `prefix` places the inputs under corpus/raw
    (`curate add`'s batch folder). Raises UsageError (exit 2)."""
    if not paths:
        raise UsageError("no paths given")
    if params is None:
        params = load_params_for(root, params_path)
    inputs = collect_inputs(paths, root / params.ingest.raw_dir)
    place(inputs, prefix)
    project = in_project(root, params_path)  # outside a project: write nothing, raw files unknown
    cache_dir = root / params.run.cache_dir if project and params.run.cache_dir else None
    cache_path = cache_file(root, params, "annotations") if cache_dir else None
    return check_against_corpus(inputs, params, root / params.output.curated_dir, cache_dir,
                                root / params.ingest.raw_dir if project else None, cache_path, progress, executor)


def check_against_corpus(inputs: list[Input], params: Params, curated_dir: Path, cache_dir: Path | None,
                         raw_dir: Path | None, cache_path: Path | None, progress: Progress | None = None,
                         executor=None) -> CheckResult:
    """The corpus loaded (`load_corpus`), then the inputs checked against it (`check_inputs`), on
    one executor; a missing model fails before the corpus is read. `check_paths` and
    `curate add` call this."""
    check_models(params)
    with check_executor(params, executor, all_steps()) as ex:
        corpus = load_corpus(curated_dir, params, cache_dir, raw_dir, ex)
        return check_inputs(inputs, params, corpus, cache_path, progress, ex)
