"""`curate check`: would these inputs join the corpus, and if not, why? (issue 3)

One code path. Every input goes through the functions the pipeline's stages call, in the same
order, with the same params.yaml; nothing here decides anything the pipeline does not. Check loops
over the registry's steps (curate/pipeline/registry.py), in flow order, and hands each step's
`window` (its per-record or per-window computation) to that step's phase (`PHASES`):

    ingest    curate.readers.read_file           (what run_ingest calls per raw file)
    clean     curate.clean.stage.clean_one       (run_clean, per record)
    dedup     curate.dedup.decisions.dedup_decisions (run_dedup), over the keys of the corpus followed
              by the keys of the batch, with a curate.dedup.near_dup.NearDupIndex holding the corpus
              signatures followed by the batch's: the same rules decide within the batch and
              against the corpus
    extract   curate.extract.stage.extract_window (run_extract, per window; annotation cache and
              worker processes as params.run says)
    validate  curate.validate.stage.validate_verdicts (run_validate: record contract, pandera rules)
    corpus    curate.validate.corpus_rules.evaluate (run_validate's corpus rules, per source) over
              the version `curate add` + `dvc repro` would build: the corpus (its articles' null
              fields, its manifest's rejections, by source from rejected/ when validate.sources is
              set), plus the accepted inputs, less the corpus articles they replace; rejected
              inputs are never copied, so they do not count

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
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from curate.check.corpus import CorpusIndex, load_corpus
from curate.check.inputs import Input, UsageError, collect_inputs, load_params_for, place, relocate
from curate.check.verdicts import CheckResult, Verdict
from curate.params import Params
from curate.record import Reason, Record, Rejected, encode, reject
from curate.check.project import in_project
from curate.engine.cache import AnnotationCache, cache_file
from curate.extract.stage import check_models, extract_setup
from curate.pipeline.registry import all_steps
from curate.validate.corpus_rules import CorpusFacts, SourceGroups, evaluate, failures, missing_fields

__all__ = ["UsageError", "check_inputs", "check_paths", "collect_inputs", "load_corpus", "place",
           "CheckResult", "Verdict", "Input", "CorpusIndex", "load_params_for"]

WINDOW = 512  # records extracted per round (progress granularity; bounds worker idle time)


Progress = Callable[[str, int, int], None]  # (phase, done, total)


def _noop(phase: str, done: int, total: int) -> None:
    pass


@dataclass
class _Item:
    """One reader output followed through the stages."""

    input_index: int
    rel: str
    state: Record  # a Record while it survives; a Rejected once a stage rejects it
    duplicate_note: str = ""
    replaces: list[str] = field(default_factory=list)
    replaced: list[tuple[int, str]] = field(default_factory=list)  # (corpus index, reason) it displaces


@dataclass
class _Batch:
    """What check carries from one step to the next: the inputs, the items they gave, the corpus."""

    inputs: list[Input]
    params: Params
    corpus: CorpusIndex
    progress: Progress
    cache_path: Path | None = None
    executor: object = None
    items: list[_Item] = field(default_factory=list)
    near: object = None  # the near-duplicate index dedup used (None when near dedup is off)

    def alive(self) -> list[_Item]:
        """The items no step has rejected yet, in input order."""
        return [it for it in self.items if not isinstance(it.state, Rejected)]


def _ingest(b: _Batch, read_file) -> None:
    """Each input through the readers (`read_file`, what run_ingest calls per raw file)."""
    from curate.readers import Skipped, early_reject, skipped_name  # lazy: lxml costly to load

    for k, inp in enumerate(b.inputs):
        if skipped_name(inp.rel):
            b.items.append(_Item(k, inp.rel, early_reject(inp.dest, Reason.UNREADABLE,
                           "the pipeline never reads names starting with '.' or ending in '.dvc'")))
        else:
            for out in read_file(inp.rel, inp.root, b.params.ingest, as_path=inp.dest or None):
                if not isinstance(out, Skipped):  # no article, no input (a WARC request record)
                    b.items.append(_Item(k, inp.rel, relocate(out, inp.rel, inp.dest)))
        b.progress("read", k + 1, len(b.inputs))


def _clean(b: _Batch, clean_one) -> None:
    """Each record read through `clean_one` (what run_clean calls per record)."""
    alive = b.alive()
    for n, it in enumerate(alive, 1):
        it.state = clean_one(it.state, b.params)
        if n % WINDOW == 0 or n == len(alive):
            b.progress("clean", n, len(alive))


def _decide(b: _Batch, alive: list[_Item], dedup_decisions):
    """Run the pipeline's dedup rules over the corpus keys followed by the batch's: (the
    dropped positions with their reason, kept id and detail; the near-duplicate index)."""
    from curate.dedup.decisions import NEW_INPUT, DedupKey, arrival  # lazy: numpy costly to load

    inputs, params, corpus = b.inputs, b.params, b.corpus
    key_dec = msgspec.json.Decoder(DedupKey)
    n_corpus = len(corpus)
    keys = list(corpus.keys) + [key_dec.decode(encode(it.state)) for it in alive]
    # ties go to the copy that arrived first: the corpus, then inputs already under corpus/raw,
    # then the new inputs (the batch folder `curate add` names for them sorts after every other)
    arrivals = [arrival(k) if i < n_corpus or inputs[alive[i - n_corpus].input_index].in_raw
                else (NEW_INPUT,) + arrival(k)[1:] for i, k in enumerate(keys)]
    near = corpus.near if params.dedup.near else None  # the corpus signatures, then the batch's
    if near is not None:
        for it in alive:
            near.add(it.state.text)

    def reload(wanted: list[int]):
        yield from corpus.texts([i for i in wanted if i < n_corpus])
        for i in wanted:
            if i >= n_corpus:
                yield i, alive[i - n_corpus].state.text

    return dedup_decisions(keys, params, near=near, reload=reload, arrivals=arrivals), near


def _where(kept: str, survivor_of: dict[str, int], alive: list[_Item], inputs, named: bool = False) -> str:
    """Where the kept copy is (corpus, or batch input and line); its id unless the detail `named` it."""
    kept_j, who = survivor_of.get(kept), "" if named else f"{kept} is "
    if kept_j is None:
        return f"{who}in the corpus"
    k = alive[kept_j]
    line = f":{k.state.source.line}" if k.state.source.line else ""
    return f"{who}input {inputs[k.input_index].display}{line} in this batch"


def _reject_losers(b: _Batch, alive: list[_Item], drop, corpus_by_id: dict, identical: set[int],
                   survivor_of: dict[str, int]) -> None:
    """Turn the batch's dropped and corpus-identical items into DUPLICATE (or the rule's own
    reason) rejections, each noting where the copy kept is."""
    n_corpus = len(b.corpus)
    for j, it in enumerate(alive):
        r = it.state
        if j in identical:  # the detail says where the kept copy is: no note to repeat it
            ck = corpus_by_id[r.id]
            it.state = msgspec.structs.replace(
                reject(r, Reason.DUPLICATE, f"already in the corpus as {r.id} ({ck.source.path}): "
                       "same id, text and publication time", "dedup"), duplicate_of=r.id)
            continue
        hit = drop.get(n_corpus + j)
        if hit is None:
            continue
        reason, kept, detail = hit
        # a cancellation or a withdrawn version keeps none; `same text as X (path)`: X said once
        version = reason in (Reason.STORY_VERSION, Reason.DUPLICATE_ID)
        note = _where(kept, survivor_of, alive, b.inputs, not version and f"{kept} " in f"{detail} ") if kept else detail
        if version:
            note = _version_note(r, corpus_by_id.get(kept), kept in survivor_of, note)
        it.duplicate_note = note
        it.state = msgspec.structs.replace(reject(r, reason, detail, "dedup"), duplicate_of=kept)


def _dedup(b: _Batch, dedup_decisions) -> None:
    """Dedup with the pipeline's rules (`dedup_decisions`, run_dedup's) over the corpus keys
    followed by the batch's; the batch's losers become rejections, the winners note the corpus
    records they replace. Keeps the near-duplicate index used in `b.near`."""
    alive = b.alive()
    drop, near = _decide(b, alive, dedup_decisions)
    n_corpus = len(b.corpus)
    corpus_by_id = {k.id: k for k in b.corpus.keys}
    identical = _identical_to_corpus(alive, corpus_by_id)
    survivor_of: dict[str, int] = {}  # id → batch position of the surviving record with that id
    for j, it in enumerate(alive):
        if n_corpus + j not in drop and j not in identical:
            survivor_of.setdefault(it.state.id, j)
    _reject_losers(b, alive, drop, corpus_by_id, identical, survivor_of)
    _note_replaced(drop, b.corpus, alive, survivor_of)
    b.near = near


def _identical_to_corpus(alive: list[_Item], corpus_by_id: dict) -> set[int]:
    """The one rule of check's own: an input identical to a corpus article (same id, text and
    publication time) adds nothing; the pipeline would only swap which raw file the record cites."""
    identical: set[int] = set()
    for j, it in enumerate(alive):
        ck = corpus_by_id.get(it.state.id)
        r = it.state
        if ck is not None and (ck.content_hash, ck.published_at, ck.date) == (r.content_hash, r.published_at, r.date):
            identical.add(j)
    return identical


def _version_note(r: Record, ck, newer_in_batch: bool, note: str) -> str:
    if newer_in_batch:
        return f"a newer version is in this batch: {note}"
    mine = r.published_at or r.date or ""
    theirs = (ck.published_at or ck.date or "") if ck else ""
    age = "older than" if mine < theirs else "published at the same time as"
    return f"{age} the corpus copy (published {theirs or 'without a date'}): {note}"


_REPLACES = {Reason.STORY_VERSION: "newer version of the corpus copy",
             Reason.DUPLICATE_ID: "newer record with the corpus copy's id",
             Reason.DUPLICATE: "same text as the corpus article, published earlier",
             Reason.NEAR_DUPLICATE: "near duplicate of the corpus article, published earlier"}


def _note_replaced(drop: dict, corpus: CorpusIndex, alive: list[_Item], survivor_of: dict[str, int]) -> None:
    """Corpus records the batch displaces: named on the batch record that displaces them."""
    n_corpus = len(corpus)
    for i, (reason, kept, _detail) in drop.items():
        if i < n_corpus and kept in survivor_of:
            ck = corpus.keys[i]
            when = ck.published_at or ck.date or "no date"
            it = alive[survivor_of[kept]]
            it.replaces.append(ck.id)
            it.replaced.append((i, reason.value))
            it.duplicate_note = "; ".join(filter(None, [it.duplicate_note,
                                                        f"replaces {ck.id} ({_REPLACES[reason]}, published {when})"]))


def _extract(b: _Batch, extract_window) -> None:
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


def _validate(b: _Batch, validate_verdicts) -> None:
    """The record contract and pandera rules (`validate_verdicts`, run_validate's) on what was
    extracted."""
    final = b.alive()
    if final:
        for it, verdict in zip(final, validate_verdicts([it.state for it in final], b.params).reasons):
            if verdict is not None:
                it.state = reject(it.state, verdict[0], verdict[1], "validate")


# what check does with each step's `window` on a batch, by step name; check runs them in the
# registry's order (tests/check/test_check_steps.py: every step with a window has one here)
PHASES: dict[str, Callable[[_Batch, Callable], None]] = {
    "ingest": _ingest, "clean": _clean, "dedup": _dedup, "extract": _extract, "validate": _validate}


def _corpus_rules(items: list[_Item], corpus: CorpusIndex, params: Params) -> tuple[list, list[str]]:
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


def _verdict(it: _Item, inp: Input) -> Verdict:
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
    b = _Batch(inputs, params, corpus, progress or _noop, cache_path, executor)
    for s in all_steps():  # the registry's steps, in flow order
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
    corpus = load_corpus(root / params.output.curated_dir, params, cache_dir, root / params.ingest.raw_dir if project else None)
    cache_path = cache_file(root, params, "annotations") if cache_dir else None
    return check_inputs(inputs, params, corpus, cache_path, progress, executor)
