"""`curate check`: would these inputs join the corpus, and if not, why? (issue 3)

One code path. Every input goes through the functions the pipeline's stages call, in the same
order, with the same params.yaml; nothing here decides anything the pipeline does not:

    ingest    curate.readers.read_file           (what run_ingest calls per raw file)
    clean     curate.stages.clean_one            (run_clean, per record)
    dedup     curate.stages.dedup_decisions      (run_dedup), over the keys of the corpus followed
              by the keys of the batch, with a curate.near_dup.NearDupIndex holding the corpus
              signatures followed by the batch's: the same rules decide within the batch and
              against the corpus
    extract   curate.stages.extract_window       (run_extract, per window; annotation cache and
              worker processes as params.run says)
    validate  curate.stages.validate_verdicts    (run_validate: record contract, pandera rules)

Inputs. Arguments are files, folders (recursive, listed with the pipeline's own
`iter_raw_files`: names starting with '.' and `*.dvc` files are skipped as the pipeline skips
them) and globs (expanded here with `glob.glob(recursive=True)` when the shell did not). A JSONL
file gives one verdict per non-blank line, with its line number. The readers see each file at a
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
    `replaces` naming the corpus article that the next build will drop instead);
  * same story id as a corpus article: the pipeline keeps the latest version, so a newer version
    is accepted and `replaces` the corpus copy; an older one is rejected `story_version`, the note
    saying it is older than the corpus copy (same time: the later raw path wins, as in the pipeline);
  * the one rule of check's own: an input identical to a corpus article (same id, same text, same
    publication time, e.g. the corpus's own file sent again) is rejected `duplicate`, detail
    "already in the corpus". The pipeline would keep whichever copy's raw path sorts last, which
    changes nothing but the file the record cites, so adding it would only add clutter;
  * near duplicate (MinHash/LSH, `dedup.near_threshold`): rejected `near_duplicate` naming the
    kept article, or accepted with `replaces` when the input is the earliest of its cluster.
Within the batch the same rules decide between inputs; `note` says whether the kept copy is in
the corpus or in the batch (and which input).

Nothing is written to corpus/ or reports/. The annotation cache (`run.cache_dir`) is read and
filled, as the extract stage does, so a later `dvc repro` does not annotate the same texts again.
The batch is held in memory (the corpus side is keys and signatures only).

Usage errors (a path or glob that matches nothing, unreadable params.yaml) raise `UsageError`
before anything is checked: a typo must not yield a report that looks complete.
"""

from __future__ import annotations

import glob
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from curate.params import Params
from curate.record import Reason, Record, Rejected, Source, encode, reject

WINDOW = 512  # records extracted per round (progress granularity; bounds worker idle time)


class UsageError(ValueError):
    """Bad arguments (missing paths, globs matching nothing) or configuration: exit code 2."""


# ------------------------------------------------------------------------------------------ inputs


@dataclass
class Input:
    """One file to check: where it is, and where the readers (and later corpus/raw) see it."""

    display: str   # the path as the user wrote it (folder arguments: folder/relative path)
    root: Path     # the folder the readers treat as the raw root
    rel: str       # POSIX path under root: what the readers read
    dest: str = ""  # POSIX path under corpus/raw the pipeline would see (ids, source.path)
    in_raw: bool = False  # already inside the project's raw folder

    @property
    def full(self) -> Path:
        return self.root.joinpath(*self.rel.split("/"))


def _is_day(name: str) -> bool:
    from curate.readers.dates import day_folder

    return day_folder(f"{name}/x") is not None


def _inside(path: str, folder: str) -> str | None:
    """path relative to folder (POSIX) when path is folder or below it, else None."""
    if path == folder:
        return ""
    prefix = folder.rstrip(os.sep) + os.sep
    if path.startswith(prefix):
        return path[len(prefix):].replace(os.sep, "/")
    return None


def _expand(args: Sequence[str | Path]) -> list[str]:
    """Arguments → existing paths, in argument order; globs expanded; UsageError names the rest."""
    out: list[str] = []
    missing: list[str] = []
    for arg in args:
        arg = os.fspath(arg)
        if os.path.lexists(arg):
            out.append(arg)
        elif glob.has_magic(arg):
            found = sorted(glob.glob(arg, recursive=True))
            if found:
                out.extend(found)
            else:
                missing.append(f"{arg} (glob matches nothing)")
        else:
            missing.append(arg)
    if missing:
        raise UsageError("no such file or folder: " + ", ".join(missing))
    return out


def collect_inputs(args: Sequence[str | Path], raw_root: Path | None = None) -> list[Input]:
    """The files to check, in argument order (a folder's files sorted as the pipeline lists
    them), each file once. Raises UsageError naming every path that does not exist."""
    from curate.readers import iter_raw_files

    raw_real = os.path.realpath(raw_root) if raw_root is not None and raw_root.is_dir() else None
    inputs: list[Input] = []
    seen: set[tuple[str, str]] = set()  # (real folder, name): each file once

    def add(display: str, root: Path, rel: str, in_raw: bool) -> None:
        full = os.path.join(os.fspath(root), *rel.split("/"))  # the file itself (a link is not followed)
        key = (os.path.realpath(os.path.dirname(full)), os.path.basename(full))
        if key not in seen:
            seen.add(key)
            inputs.append(Input(display, root, rel, in_raw=in_raw))

    for path in _expand(args):
        absolute = os.path.abspath(path)
        is_dir = os.path.isdir(path)
        # the folder that holds the argument, resolved (the argument itself may be a symlink)
        anchor = os.path.realpath(absolute) if is_dir else os.path.join(
            os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
        under_raw = _inside(anchor, raw_real) if raw_real else None
        if is_dir:
            if under_raw is not None:
                root, prefix = Path(raw_real), (under_raw + "/" if under_raw else "")
            elif _is_day(os.path.basename(anchor)):
                root, prefix = Path(anchor).parent, os.path.basename(anchor) + "/"
            else:
                root, prefix = Path(anchor), ""
            listing_root = root / prefix if prefix else root
            for rel in iter_raw_files(listing_root):
                add(os.path.join(path, *rel.split("/")), root, prefix + rel, under_raw is not None)
        else:
            if under_raw is not None:
                root, rel = Path(raw_real), under_raw
            else:
                parent, name = os.path.split(anchor)
                if _is_day(os.path.basename(parent)):
                    root, rel = Path(os.path.dirname(parent)), f"{os.path.basename(parent)}/{name}"
                else:
                    root, rel = Path(parent), name
            add(path, root, rel, under_raw is not None)
    return inputs


def place(inputs: list[Input], prefix: str = "") -> None:
    """Set each input's path under corpus/raw: `prefix + rel` (inside the raw folder: rel itself);
    inputs whose destination is taken get `prefix + k/rel` (k = 2, 3, ...)."""
    taken: set[str] = set()
    for inp in inputs:
        if inp.in_raw:
            inp.dest = inp.rel
        else:
            dest, k = prefix + inp.rel, 1
            while dest in taken:
                k += 1
                dest = f"{prefix}{k}/{inp.rel}"
            inp.dest = dest
        taken.add(inp.dest)


def _skipped_name(rel: str) -> bool:
    """Names the pipeline's file listing skips (it would never read them)."""
    return any(part.startswith(".") or part.endswith(".dvc") for part in rel.split("/"))


def _relocate(item: Record, rel: str, dest: str) -> Record:
    """The record as the pipeline would read it at `dest` instead of `rel`: source.path and a
    path-rule id follow the path (day folders stay: dest ends with rel)."""
    if dest == rel:
        return item
    from curate.readers.ids import path_id

    rid = item.id
    line = item.source.line
    if line is not None and rid == path_id(rel, line):
        rid = path_id(dest, line)
    elif rid == path_id(rel):
        rid = path_id(dest)
    return msgspec.structs.replace(item, id=rid, source=msgspec.structs.replace(item.source, path=dest))


# ------------------------------------------------------------------------------------------ corpus


class _CorpusText(msgspec.Struct):
    text: str = ""


@dataclass
class CorpusIndex:
    """The curated corpus as dedup sees it: keys (id, content_hash, dates, source) in shard order
    and, when near-dedup is on, one MinHash signature per record. No texts are kept. A check
    appends the batch's signatures to `near`: one index serves one check."""

    folder: Path
    keys: list = field(default_factory=list)
    near: object | None = None  # curate.near_dup.NearDupIndex
    shards: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    def __len__(self) -> int:
        return len(self.keys)

    def texts(self, wanted: Iterable[int]) -> Iterable[tuple[int, str]]:
        """(index, text) of wanted records: one streaming pass over the shards."""
        from curate.jsonl_io import iter_lines

        want = set(wanted)
        if not want:
            return
        dec = msgspec.json.Decoder(_CorpusText)
        i = 0
        for shard in self.shards:
            for line in iter_lines(shard):
                if i in want:
                    yield i, dec.decode(line).text
                i += 1


def _corpus_digest(shards: list[Path], params: Params) -> str:
    """What the corpus signatures depend on: shard contents, dedup params, the near_dup code."""
    import hashlib

    import curate.near_dup

    h = hashlib.sha256(Path(curate.near_dup.__file__).read_bytes())
    h.update(msgspec.json.encode(params.dedup, order="deterministic"))
    for shard in shards:
        fh = hashlib.sha256()
        with open(shard, "rb") as f:
            while chunk := f.read(1 << 20):
                fh.update(chunk)
        h.update(f"{shard.name}:{fh.hexdigest()}\n".encode())
    return h.hexdigest()[:24]


def load_corpus(curated_dir: Path, params: Params, cache_dir: Path | None = None) -> CorpusIndex:
    """Index the accepted records of a curated folder (missing folder: an empty corpus).

    With `cache_dir`, the corpus's near-duplicate index (signatures) is kept there between runs as
    `check-corpus-<digest>.pickle`, the digest covering the shard contents, the dedup params and
    the near_dup module's code: one check against an unchanged corpus then costs a read of the
    keys, not a MinHash pass over every text. The file is rewritten when any of those change."""
    import pickle

    from curate.jsonl_io import iter_lines, write_atomic
    from curate.stages import DedupKey

    t0 = time.perf_counter()
    index = CorpusIndex(folder=curated_dir)
    index.shards = sorted((curated_dir / "articles").glob("part-*.jsonl"))
    cached_path = None
    if params.dedup.near:
        from curate.near_dup import NearDupIndex

        index.near = NearDupIndex(params.dedup)
        if cache_dir is not None and index.shards:
            cached_path = cache_dir / f"check-corpus-{_corpus_digest(index.shards, params)}.pickle"
            try:
                index.near = pickle.loads(cached_path.read_bytes())
                cached_path = None  # loaded: nothing to compute or write
            except Exception:  # noqa: BLE001 - missing or unreadable cache: recompute
                pass
    compute = index.near is not None and len(index.near) == 0
    key_dec = msgspec.json.Decoder(DedupKey)
    text_dec = msgspec.json.Decoder(_CorpusText)
    for shard in index.shards:
        for line in iter_lines(shard):
            index.keys.append(key_dec.decode(line))
            if compute:
                index.near.add(text_dec.decode(line).text)
    if index.near is not None and len(index.near) != len(index.keys):  # stale cache: recompute
        index.near = NearDupIndex(params.dedup)
        for shard in index.shards:
            for line in iter_lines(shard):
                index.near.add(text_dec.decode(line).text)
    if cached_path is not None and len(index.keys):
        import contextlib

        with contextlib.suppress(OSError):
            for old in cache_dir.glob("check-corpus-*.pickle"):
                old.unlink()
            write_atomic(cached_path, pickle.dumps(index.near, protocol=pickle.HIGHEST_PROTOCOL))
    index.seconds = time.perf_counter() - t0
    return index


# ---------------------------------------------------------------------------------------- verdicts


@dataclass
class Verdict:
    """The answer for one input (a file, or a line of a JSONL file)."""

    input: str                 # the path as given
    line: int | None           # JSONL line number
    accepted: bool
    id: str                    # the record id it would get
    reason: str | None = None  # stable reason code (curate.record.Reason) when rejected
    detail: str = ""           # the pipeline's human detail
    stage: str | None = None   # stage that rejected it
    duplicate_of: str | None = None  # kept id, for duplicate / story_version / near_duplicate
    replaces: list[str] = field(default_factory=list)  # corpus ids the next build drops for it
    note: str = ""             # context: corpus or batch, newer/older version
    path: str = ""             # path under corpus/raw the pipeline would see
    format: str = ""           # reader
    title: str | None = None
    date: str | None = None
    flags: list[str] = field(default_factory=list)
    input_index: int = -1      # index into CheckResult.inputs
    source_sha256: str = ""

    @property
    def label(self) -> str:
        return f"{self.input}:{self.line}" if self.line is not None else self.input

    def to_json(self) -> dict:
        return {
            "input": self.input, "line": self.line, "status": "accepted" if self.accepted else "rejected",
            "id": self.id, "reason": self.reason, "detail": self.detail, "stage": self.stage,
            "duplicate_of": self.duplicate_of, "replaces": self.replaces, "note": self.note,
            "path": self.path, "format": self.format, "title": self.title, "date": self.date,
            "flags": self.flags,
        }


@dataclass
class CheckResult:
    verdicts: list[Verdict]
    inputs: list[Input]
    corpus_dir: str
    corpus_records: int
    near_dedup: bool
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)
    records: list = field(default_factory=list, repr=False)  # final Record/Rejected per verdict

    @property
    def accepted(self) -> int:
        return sum(v.accepted for v in self.verdicts)

    @property
    def rejected(self) -> int:
        return len(self.verdicts) - self.accepted

    @property
    def by_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(v.reason for v in self.verdicts if not v.accepted).items()))

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    def summary(self) -> str:
        reasons = ", ".join(f"{k} {n}" for k, n in self.by_reason.items())
        files = len(self.inputs)
        head = f"{len(self.verdicts)} input{'s' if len(self.verdicts) != 1 else ''}"
        if files != len(self.verdicts):
            head += f" from {files} file{'s' if files != 1 else ''}"
        text = (f"{head} checked against {self.corpus_records} corpus articles: "
                f"{self.accepted} accepted, {self.rejected} rejected")
        return text + (f" ({reasons})" if reasons else "")

    def to_json(self) -> dict:
        return {
            "summary": {"inputs": len(self.verdicts), "files": len(self.inputs), "accepted": self.accepted,
                        "rejected": self.rejected, "rejected_by_reason": self.by_reason,
                        "exit_code": self.exit_code},
            "corpus": {"path": self.corpus_dir, "records": self.corpus_records,
                       "near_dedup": self.near_dedup},
            "inputs": [v.to_json() for v in self.verdicts],
        }


# ------------------------------------------------------------------------------------------- check

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


def _early(dest: str, reason: Reason, detail: str) -> Rejected:
    from curate.readers.ids import path_id

    rec = Record(id=path_id(dest), source=Source(path=dest, format="unknown", sha256=""))
    return reject(rec, reason, detail, "ingest")


def check_inputs(
    inputs: list[Input],
    params: Params,
    corpus: CorpusIndex,
    cache_path: Path | None = None,
    progress: Progress | None = None,
    executor=None,
) -> CheckResult:
    """Verdicts for inputs already collected and placed (see `collect_inputs`, `place`)."""
    from curate.annotation_cache import AnnotationCache
    from curate.readers import Skipped, read_file
    from curate.stages import DedupKey, clean_one, dedup_decisions, extract_window, validate_verdicts

    t_start = time.perf_counter()
    progress = progress or _noop
    timings: dict[str, float] = {"corpus_index": round(corpus.seconds, 3)}

    # ingest + clean, file by file
    items: list[_Item] = []
    t0 = time.perf_counter()
    for k, inp in enumerate(inputs):
        if _skipped_name(inp.rel):
            items.append(_Item(k, inp.rel, _early(inp.dest, Reason.UNREADABLE,
                         "the pipeline never reads names starting with '.' or ending in '.dvc'")))
        else:
            for out in read_file(inp.rel, inp.root, params.ingest):
                if isinstance(out, Skipped):  # no article, no input (a WARC request record)
                    continue
                out = _relocate(out, inp.rel, inp.dest)
                if not isinstance(out, Rejected):
                    out = clean_one(out, params)
                items.append(_Item(k, inp.rel, out))
        progress("read", k + 1, len(inputs))
    timings["read_clean"] = round(time.perf_counter() - t0, 3)

    # dedup: corpus keys first, then the batch's, with the pipeline's rules
    t0 = time.perf_counter()
    alive = [it for it in items if not isinstance(it.state, Rejected)]
    key_dec = msgspec.json.Decoder(DedupKey)
    n_corpus = len(corpus)
    keys = list(corpus.keys) + [key_dec.decode(encode(it.state)) for it in alive]
    near = corpus.near if params.dedup.near else None  # the corpus signatures, then the batch's
    if near is not None:
        for it in alive:
            near.add(it.state.text)

    def reload(wanted: list[int]):
        yield from corpus.texts([i for i in wanted if i < n_corpus])
        for i in wanted:
            if i >= n_corpus:
                yield i, alive[i - n_corpus].state.text

    drop = dedup_decisions(keys, params, near=near, reload=reload)
    corpus_by_id = {k.id: k for k in corpus.keys}

    # the one rule of check's own: an input identical to a corpus article (same id, text and
    # publication time) adds nothing; the pipeline would only swap which raw file the record cites
    identical: set[int] = set()
    for j, it in enumerate(alive):
        ck = corpus_by_id.get(it.state.id)
        r = it.state
        if ck is not None and (ck.content_hash, ck.published_at, ck.date) == (r.content_hash, r.published_at, r.date):
            identical.add(j)
    survivor_of: dict[str, int] = {}  # id → batch position of the surviving record with that id
    for j, it in enumerate(alive):
        if n_corpus + j not in drop and j not in identical:
            survivor_of.setdefault(it.state.id, j)

    def where(kept: str) -> str:
        kept_j = survivor_of.get(kept)
        if kept_j is None:
            return f"{kept} is in the corpus"
        k = alive[kept_j]
        line = f":{k.state.source.line}" if k.state.source.line else ""
        return f"{kept} is input {inputs[k.input_index].display}{line} in this batch"

    for j, it in enumerate(alive):
        r = it.state
        if j in identical:
            ck = corpus_by_id[r.id]
            it.duplicate_note = where(r.id)
            it.state = msgspec.structs.replace(
                reject(r, Reason.DUPLICATE, f"already in the corpus: same id, text and publication time "
                       f"as {r.id} ({ck.source.path})", "dedup"), duplicate_of=r.id)
            continue
        hit = drop.get(n_corpus + j)
        if hit is None:
            continue
        reason, kept, detail = hit
        note = where(kept)
        if reason in (Reason.STORY_VERSION, Reason.DUPLICATE_ID):
            if kept not in survivor_of:
                ck = corpus_by_id.get(kept)
                mine = r.published_at or r.date or ""
                theirs = (ck.published_at or ck.date or "") if ck else ""
                age = "older than" if mine < theirs else "published at the same time as"
                note = f"{age} the corpus copy (published {theirs or 'without a date'}): {note}"
            else:
                note = f"a newer version is in this batch: {note}"
        it.duplicate_note = note
        it.state = msgspec.structs.replace(reject(r, reason, detail, "dedup"), duplicate_of=kept)

    for i, (reason, kept, detail) in drop.items():  # corpus records the batch displaces
        if i < n_corpus and kept in survivor_of:
            ck = corpus.keys[i]
            when = ck.published_at or ck.date or "no date"
            what = {Reason.STORY_VERSION: "newer version of the corpus copy",
                    Reason.DUPLICATE_ID: "newer record with the corpus copy's id",
                    Reason.DUPLICATE: "same text as the corpus article, published earlier",
                    Reason.NEAR_DUPLICATE: "near duplicate of the corpus article, published earlier"}[reason]
            it = alive[survivor_of[kept]]
            it.replaces.append(ck.id)
            it.duplicate_note = "; ".join(filter(None, [it.duplicate_note,
                                                        f"replaces {ck.id} ({what}, published {when})"]))
    timings["dedup"] = round(time.perf_counter() - t0, 3)

    # extract: the survivors, window by window, on the pipeline's executor and annotation cache
    t0 = time.perf_counter()
    todo = [it for it in items if not isinstance(it.state, Rejected)]
    if todo:
        from curate.annotate import load_model, model_identity, resolve_workers
        from curate.executors import make_executor

        model_identity(params.extract.model)  # loaded before workers fork (they inherit it)
        cache = AnnotationCache(cache_path)
        own = executor is None
        if own:
            rp = params.run
            executor = make_executor(resolve_workers(rp.workers), rp.scheduler, load_model,
                                     (params.extract.model,))
        try:
            for s in range(0, len(todo), WINDOW):
                window = todo[s:s + WINDOW]
                for it, out in zip(window, extract_window([it.state for it in window], params, cache, executor)):
                    it.state = out
                progress("extract", min(s + WINDOW, len(todo)), len(todo))
        finally:
            cache.close()
            if own:
                executor.close()
    timings["extract"] = round(time.perf_counter() - t0, 3)

    # validate: the record contract and pandera rules on what was extracted
    t0 = time.perf_counter()
    final = [it for it in todo if not isinstance(it.state, Rejected)]
    if final:
        verdicts = validate_verdicts([it.state for it in final], params)
        for it, verdict in zip(final, verdicts.reasons):
            if verdict is not None:
                it.state = reject(it.state, verdict[0], verdict[1], "validate")
    timings["validate"] = round(time.perf_counter() - t0, 3)

    out: list[Verdict] = []
    for it in items:
        inp = inputs[it.input_index]
        s = it.state
        rej = isinstance(s, Rejected)
        out.append(Verdict(
            input=inp.display, line=s.source.line, accepted=not rej, id=s.id,
            reason=s.reason if rej else None, detail=s.detail if rej else "",
            stage=s.stage if rej else None, duplicate_of=s.duplicate_of if rej else None,
            replaces=it.replaces, note=it.duplicate_note, path=s.source.path, format=s.source.format,
            title=s.title, date=s.date, flags=list(s.flags), input_index=it.input_index,
            source_sha256=s.source.sha256,
        ))
    timings["total"] = round(time.perf_counter() - t_start, 3)
    return CheckResult(out, inputs, str(corpus.folder), n_corpus, near is not None,
                       seconds=timings["total"], timings=timings, records=[it.state for it in items])


def load_params_for(root: Path, params_path: Path | None) -> Params:
    """params.yaml (relative paths under root); a bad file is a usage error (exit 2)."""
    from curate.params import ParamsError, load_params

    path = params_path if params_path is not None else Path("params.yaml")
    if not path.is_absolute() and not path.exists():
        path = root / path
    try:
        return load_params(path)
    except (ParamsError, OSError) as exc:
        raise UsageError(f"cannot read parameters: {exc}") from exc


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

    `root` is the project folder (corpus/, params.yaml); `prefix` places the inputs under
    corpus/raw (what `curate add` uses for its batch folder). Raises UsageError (exit 2)."""
    if not paths:
        raise UsageError("no paths given")
    if params is None:
        params = load_params_for(root, params_path)
    inputs = collect_inputs(paths, root / params.ingest.raw_dir)
    place(inputs, prefix)
    rp = params.run
    corpus = load_corpus(root / params.output.curated_dir, params, root / rp.cache_dir if rp.cache_dir else None)
    from curate.stages import cache_file

    cache_path = cache_file(root, params, "annotations")
    return check_inputs(inputs, params, corpus, cache_path, progress, executor)


# ----------------------------------------------------------------------------------------- display


def render_table(result: CheckResult, title: str | None = None):
    """A rich Table, one row per input: verdict, reason, id, detail (+ note, replaces)."""
    from rich.markup import escape
    from rich.table import Table

    from curate.safe_text import for_terminal

    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("input", overflow="fold")
    table.add_column("verdict", no_wrap=True)
    table.add_column("reason", no_wrap=True)
    table.add_column("id", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for n, v in enumerate(result.verdicts, 1):
        verdict = "[green]accepted[/]" if v.accepted else "[red]rejected[/]"
        detail = v.detail
        if v.note:
            detail = f"{detail} ({v.note})" if detail else v.note
        table.add_row(str(n), escape(for_terminal(v.label)), verdict, v.reason or "",
                      escape(for_terminal(v.id)), escape(for_terminal(detail)))
    return table
