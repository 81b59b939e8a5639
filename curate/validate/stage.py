"""Step 5 as a stage: the record contract (curate.validate.rules) and the corpus rules
(curate.validate.corpus_rules) over the extracted records. Only when every corpus rule passes does
it publish shards, rejected records by reason, the manifest and the metrics (inputs == accepted +
sum(rejected by reason)); a failure publishes nothing, leaves the would-be metrics in
corpus/interim/validate/failed-metrics.json and exits non-zero (so DVC keeps dvc.lock).
With `output.shards: 0` it works part by part: one shard per extract part, and a part whose key
did not change keeps its verdicts and its shard from the last published build
(curate/validate/reuse.py). `validate_verdicts` is what `curate check` reuses."""

from __future__ import annotations

import contextlib
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
import orjson

from curate import __version__
from curate.engine.io import iter_rejected, replace_dir, write_atomic
from curate.engine.executors import map_chunked, per_item
from curate.engine.parts import iter_stage_lines, part_name, part_path, read_local, stage_files, stage_parts, verified_digest
from curate.engine.stage import WINDOW, StageResult, link_or_copy, stage_executor
from curate.engine.step import StageStep, StepFailure
from curate.layout import ARTICLES, MANIFEST, METRICS, STAGES, interim_dir, shard_name
from curate.params import Params, RunParams, section_digest
from curate.steps import BY_NAME
from curate.record import RECORD_DECODER, REJECTED_DECODER, Rejected, encode, reject
from curate.validate import reuse
from curate.validate.reuse import PartState
from curate.validate.corpus_rules import CorpusFacts, RuleResult, SourceGroups, evaluate, failures, metric_checks
from curate.validate.publish import indexed_windows, LineIndex, shard_of, write_shard_sorted
from curate.validate.facts import facts, facts_lines
from curate.validate.rules import judge, resolve_date

if TYPE_CHECKING:  # the rules import pandera: loaded when a stage or check judges records
    from curate.validate.rules import Verdicts


def validate_verdicts(records, params: Params, executor=None):
    """Per-record verdicts (None = accepted, else (reason, detail)) and corpus-rule results for
    extracted records, in order: the contract facts of each record (on `executor`, map_chunked:
    in this process for a few or without one) judged by the pandera schema. The validate stage
    and `curate check` both call this."""
    how = _facts_settings(params)
    return judge(map_chunked(executor, per_item, list(records), facts, *how), params.validate)


def _facts_settings(params: Params) -> tuple:
    """`facts`' arguments beside the record: labels per language, the date window."""
    vp = params.validate
    # per language; a record without one (extracted before languages chose models): entity_labels
    labels = {None: frozenset(params.extract.entity_labels), **params.extract.labels_by_language()}
    return labels, resolve_date(vp.date_min), resolve_date(vp.date_max)


FAILED_METRICS = "failed-metrics.json"  # under corpus/interim/validate/: a failed build's metrics


def failed_metrics_path(root: Path) -> Path:
    """Where a build that fails a corpus rule leaves the metrics it would have published."""
    return interim_dir(root, "validate") / FAILED_METRICS


@dataclass
class _Judged:
    """The records of the extract parts judged in this build: their ids and verdicts, and where
    each line sits (which of those part files: `line_index.files`, and where in it)."""

    ids: list[str]
    verdicts: Verdicts
    line_index: LineIndex
    recoded: dict[int, bytes]


def _judge_extracted(paths: list[Path], earlier: set[int], params: Params, executor) -> _Judged:
    """Each record's facts computed on the executor (`run.workers` processes or `run.scheduler`,
    in this process for a few) a window at a time, then judged together here; `earlier`: the
    positions of records whose id a part before theirs already had."""
    line_index = LineIndex()  # (offset, length) per record line, in order
    recoded: dict[int, bytes] = {}
    ids: list[str] = []
    how = _facts_settings(params)

    def rows():
        for window in indexed_windows(paths, line_index, WINDOW):
            for row, canonical in map_chunked(executor, facts_lines, window, how):
                if canonical is not None:
                    recoded[len(ids)] = canonical
                ids.append(row["id"])
                yield row

    verdicts = judge(rows(), params.validate, earlier)
    return _Judged(ids, verdicts, line_index, recoded)


@dataclass
class _Rejections:
    """Every rejected record's line by reason, and the counts by stage and by source group."""

    groups_of: SourceGroups
    by_reason: dict[str, list[bytes]] = field(default_factory=dict)
    by_stage: dict[str, Counter] = field(default_factory=dict)
    by_source: dict[int, Counter] = field(default_factory=dict)

    def add(self, rej: Rejected, line: bytes | None = None) -> None:
        """One rejection (`line`: its encoding, when known)."""
        self.by_reason.setdefault(rej.reason, []).append(encode(rej) if line is None else line)
        self.by_stage.setdefault(rej.stage, Counter())[rej.reason] += 1
        self.by_source.setdefault(self.groups_of.of(rej.source.path, rej.source.format), Counter())[rej.reason] += 1

    def counts(self) -> dict[str, int]:
        return {r: len(v) for r, v in sorted(self.by_reason.items())}


def _earlier_rejections(root: Path, params: Params) -> _Rejections:
    """Earlier stages' rejections, in stage order (each file is already in a deterministic order)."""
    rej = _Rejections(SourceGroups(params.validate))
    for stage in STAGES[:-1]:
        for path in stage_files(root, stage, "rejected"):
            for r in iter_rejected(path):
                rej.add(r)
    return rej


@dataclass
class _Part:
    """One extract part in this build: its state (reused, or made now from `entries`, the
    accepted (id, line position) pairs, and `rejected`, its rejection lines), its ordinal."""

    ordinal: int
    state: PartState
    file: int = -1  # its index among the files judged now
    reused: bool = False
    old_shard: str = ""
    entries: list[tuple[str, int]] = field(default_factory=list)
    rejected: list[bytes] = field(default_factory=list)


def _plan(root: Path, params: Params, by_part: bool) -> tuple[list[_Part], list[Path], set[int]]:
    """Every extract part, reused from the last published build where it can be (`by_part`:
    one shard per part; else every part is judged now, in one frame, and no id is read ahead);
    the record files of the others and the positions of their records whose id an earlier part
    had."""
    folder = interim_dir(root, "extract")
    known = read_local(folder)
    old = reuse.read_state(root) if by_part else reuse.State()
    ids_of = {p.extract: p.ids for p in old.parts}
    by_key = {p.key: p for p in old.parts}
    articles, saved = root / params.output.curated_dir / ARTICLES, reuse.state_dir(root)
    prefix = reuse.key_prefix(params, _facts_settings(params))
    plan, paths, ids_by_part = [], [], []
    for up in stage_parts(root, "extract"):
        sha = verified_digest(folder, up, known) if "records" in up.files else ""
        ids = ids_of[sha] if sha in ids_of else (reuse.scan_ids(part_path(folder, up.name)) if sha and by_part else [])
        plan.append(_Part(int(up.name), PartState(sha, "", ids)))
        ids_by_part.append(ids)
    earlier: set[int] = set()
    offset = 0  # of the part's first record among those judged now
    for p, dup_ids in zip(plan, reuse.earlier_ids(ids_by_part)):
        p.state.key = reuse.part_key(prefix, p.state.extract, dup_ids)
        got = by_key.get(p.state.key)
        if by_part and reuse.reusable(got, p.state.key, articles, saved):
            p.state, p.reused, p.old_shard = msgspec.structs.replace(got), True, got.shard
            continue
        earlier.update(offset + i for i, rid in enumerate(p.state.ids) if rid in dup_ids)
        offset += len(p.state.ids)
        if p.state.extract:
            p.file = len(paths)
            paths.append(part_path(folder, part_name(p.ordinal)))
    return plan, paths, earlier


def _settle(plan: list[_Part], j: _Judged | None, rej: _Rejections, result: StageResult, saved: Path) -> dict:
    """Each part's verdicts into the stage's counts, rejections (in part order, then record
    order) and accepted records' facts; the facts summed by source group."""
    by_source: dict[int, CorpusFacts] = {}
    pos = 0
    rd_ctx = j.line_index.reader() if j is not None else contextlib.nullcontext()
    with rd_ctx as rd:
        for p in plan:
            if p.reused:
                for line in reuse.read_rejected(saved, p.state):
                    rej.add(REJECTED_DECODER.decode(line), line)
            else:
                pos = _settle_new(p, j, rd, pos, rej) if p.file >= 0 else pos
            st = p.state
            result.inputs += st.inputs
            result.kept += st.accepted
            result.rejected.update(st.rejected)
            reuse.add_facts(by_source, st.facts)
    return by_source


def _settle_new(p: _Part, j: _Judged, rd, pos: int, rej: _Rejections) -> int:
    """A part judged now: its ids, accepted entries, rejections and facts from the verdicts of
    its records (positions `pos` onwards); the position after its last record."""
    groups: dict[int, CorpusFacts] = {}
    rejected: Counter = Counter()
    v, files = j.verdicts, j.line_index.files
    end = pos
    while end < len(files) and files[end] == p.file:
        end += 1
    p.state.ids = j.ids[pos:end]
    for i, rid in enumerate(p.state.ids):
        verdict = v.reasons[pos + i]
        if verdict is None:
            p.entries.append((rid, pos + i))
            groups.setdefault(v.groups[pos + i], CorpusFacts()).accept(v.missing[pos + i])
        else:
            reason, detail = verdict
            r = reject(RECORD_DECODER.decode(rd.read(pos + i)), reason, detail, "validate")
            line = encode(r)
            p.rejected.append(line)
            rej.add(r, line)
            rejected[reason.value] += 1
    p.state.accepted = len(p.entries)
    p.state.rejected = dict(sorted(rejected.items()))
    p.state.facts = reuse.facts_of(groups)
    return pos + len(p.state.ids)


def _corpus_rules(accepted: dict[int, CorpusFacts], rej: _Rejections, params: Params) -> list[RuleResult]:
    """The corpus rules, per source, over the accepted records' facts and every stage's rejections."""
    by_source: dict[int, CorpusFacts] = {}
    for group in sorted(set(accepted) | set(rej.by_source)):
        got = accepted.get(group) or CorpusFacts()
        by_source[group] = CorpusFacts(accepted=got.accepted, missing=Counter(got.missing),
                                       exempt=Counter(got.exempt), rejected=Counter(rej.by_source.get(group, {})))
    return evaluate(by_source, params.validate)


def _metrics(root: Path, result: StageResult, rej: _Rejections, checks: dict, nshards: int) -> dict:
    # ingest's records as its index counts them (each part's kept lines): no record is read
    ingest_inputs = sum(p.kept for p in stage_parts(root, "ingest")) + \
        sum(rej.by_stage.get("ingest", Counter()).values())
    rejected_by_reason = rej.counts()
    return {
        "toolkit": f"curate {__version__}",
        "inputs": ingest_inputs,
        "accepted": result.kept,
        "rejected": sum(rejected_by_reason.values()),
        "rejected_by_reason": rejected_by_reason,
        "rejected_by_stage": {s: dict(sorted(c.items())) for s, c in sorted(rej.by_stage.items())},
        "accounting_ok": ingest_inputs == result.kept + sum(rejected_by_reason.values()),
        "corpus_checks": checks,
        "shards": nshards,
        # parts of multi-item files that are no article and no input (WARC requests, revisits,
        # non-HTML or non-2xx responses), by kind: not in `inputs`, never silently lost
        **_skipped(root),
    }


def _dumps(obj) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def _hash_shards(plan: list[_Part], nshards: int) -> list[list[tuple[str, int]]]:
    """`output.shards` > 0: the accepted (id, position) pairs of every part by crc32(id) % nshards."""
    shards: list[list[tuple[str, int]]] = [[] for _ in range(nshards)]
    for p in plan:
        for rid, pos in p.entries:
            shards[shard_of(rid, nshards)].append((rid, pos))
    return shards


def _fill_articles(tmp: Path, params: Params, plan: list[_Part], j: _Judged | None, old: Path) -> list[dict]:
    """The accepted lines, copied byte for byte (extract wrote them with `encode`) and sorted by
    id within their shard through an (id, offset, length) index (the texts are never held):
    one shard per part (`output.shards` 0; a reused part's shard hard-linked from `old`), else
    `output.shards` shards by crc32(id). The manifest's list of shards."""
    nshards = params.output.shards
    listed: list[dict] = []
    rd_ctx = j.line_index.reader() if j is not None else contextlib.nullcontext()
    with rd_ctx as rd:
        if nshards > 0:
            for i, entries in enumerate(_hash_shards(plan, nshards)):
                n = write_shard_sorted(rd, tmp / shard_name(i), entries, j.recoded if j else {})
                listed.append({"path": f"{ARTICLES}/{shard_name(i)}", "records": len(entries), "bytes": n})
            return listed
        for p in plan:
            if not p.state.accepted:
                continue
            name = shard_name(p.ordinal)
            if p.reused:
                link_or_copy(old / p.old_shard, tmp / name)
            else:
                p.state.bytes = write_shard_sorted(rd, tmp / name, p.entries, j.recoded)
            p.state.shard = name
            listed.append({"path": f"{ARTICLES}/{name}", "records": p.state.accepted, "bytes": p.state.bytes})
    return listed


def _publish(root: Path, params: Params, plan: list[_Part], j: _Judged | None, rej: _Rejections,
             metrics: dict) -> None:
    """Shards sorted by id, rejected by reason, the manifest, then the metrics (each atomic)."""
    curated = root / params.output.curated_dir
    shards: list[dict] = []

    def fill_articles(tmp: Path) -> None:
        shards.extend(_fill_articles(tmp, params, plan, j, curated / ARTICLES))

    def fill_rejected(tmp: Path) -> None:
        for reason in sorted(rej.by_reason):
            (tmp / f"{reason}.jsonl").write_bytes(b"".join(ln + b"\n" for ln in rej.by_reason[reason]))

    replace_dir(curated / ARTICLES, fill_articles)
    replace_dir(curated / "rejected", fill_rejected)
    manifest = {
        "toolkit": f"curate {__version__}",
        "records": metrics["accepted"],
        "shards": shards,
        "rejected": metrics["rejected_by_reason"],
        "params_sha256": section_digest(msgspec.structs.replace(params, run=RunParams())),
    }
    write_atomic(curated / MANIFEST, _dumps(manifest))
    write_atomic(root / METRICS, _dumps(metrics))


def _refuse(root: Path, metrics: dict, failed: list[RuleResult]) -> CorpusRuleError:
    """Nothing is published: the would-be metrics go to failed_metrics_path, the error names why."""
    path = failed_metrics_path(root)
    write_atomic(path, _dumps({**metrics, "failed_rules": [
        {"rule": r.rule, "source": r.source, "value": r.value, "limit": r.limit, "params_key": r.key,
         "message": r.message}
        for r in failed]}))
    where = path.relative_to(root).as_posix()
    return CorpusRuleError("\n".join(r.message for r in failed) + (
        f"\nnothing was published: corpus/curated and {METRICS} still hold the previous version; "
        f"the metrics this build would have published are in {where}"), failed)


def run_validate(root: Path, params: Params, executor=None) -> StageResult:
    """Contract + corpus rules; when every corpus rule passes, publish shards sorted by id,
    rejected by reason, the manifest and the metrics. When one fails, publish nothing.

    Part by part (`output.shards` 0): an extract part whose key is that of the last published
    build keeps its verdicts, rejections and facts (curate/validate/reuse.py) and its shard is
    hard-linked; only the others are judged."""
    by_part = params.output.shards <= 0
    plan, paths, earlier = _plan(root, params, by_part)
    judged = None
    if paths:
        with stage_executor(params, executor) as ex:  # one of its own: terminated on a failure
            judged = _judge_extracted(paths, earlier, params, ex)
    rej = _earlier_rejections(root, params)
    result = StageResult("validate")
    saved = reuse.state_dir(root)
    accepted = _settle(plan, judged, rej, result, saved)
    nshards = sum(1 for p in plan if p.state.accepted) if by_part else params.output.shards
    rules = _corpus_rules(accepted, rej, params)
    metrics = _metrics(root, result, rej, metric_checks(rules), nshards)
    result.extra.update(metrics=metrics, parts=len(plan), parts_reused=sum(p.reused for p in plan))
    if failed := failures(rules):
        raise _refuse(root, metrics, failed)
    _publish(root, params, plan, judged, rej, metrics)
    if by_part:
        reuse.write_state(root, [p.state for p in plan], {p.state.key: p.rejected for p in plan if not p.reused},
                          root / params.output.curated_dir / ARTICLES)
    else:
        shutil.rmtree(saved, ignore_errors=True)
    failed_metrics_path(root).unlink(missing_ok=True)
    return result


class _Kind(msgspec.Struct):
    kind: str = ""


def _skipped(root: Path) -> dict:
    """`skipped` and `skipped_by_kind` of the metrics, from ingest's list of skipped items."""
    counts: Counter = Counter()
    dec = msgspec.json.Decoder(_Kind)
    for line in iter_stage_lines(root, "ingest", kind="skipped"):
        counts[dec.decode(line).kind] += 1
    return {"skipped": sum(counts.values()), "skipped_by_kind": dict(sorted(counts.items()))}


class CorpusRuleError(StepFailure):
    """A corpus rule (null rate, reject rate, empty corpus) failed: nothing was published.
    `failed` holds the failing rules (curate.validate.corpus_rules.RuleResult)."""

    def __init__(self, message: str, failed: list | None = None) -> None:
        super().__init__(message)
        self.failed = list(failed or [])


# the step as an object: per window, `validate_verdicts`
STEP = StageStep(BY_NAME["validate"], run_validate, window=validate_verdicts, parallel=True)
