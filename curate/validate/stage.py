"""Step 5 as a stage: the record contract (curate.validate.rules) and the corpus rules
(curate.validate.corpus_rules) over the extracted records. Only when every corpus rule passes does
it publish shards, rejected records by reason, the manifest and the metrics (inputs == accepted +
sum(rejected by reason)); a failure publishes nothing, leaves the would-be metrics in
corpus/interim/validate/failed-metrics.json and exits non-zero (so DVC keeps dvc.lock).
`validate_verdicts` is what `curate check` reuses."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
import orjson

from curate import __version__
from curate.engine.io import iter_rejected, replace_dir, write_atomic
from curate.engine.executors import map_chunked, per_item
from curate.engine.parts import iter_stage_lines, stage_files
from curate.engine.stage import WINDOW, StageResult, stage_executor
from curate.engine.step import StageStep
from curate.layout import MANIFEST, METRICS, STAGES, interim_dir, shard_name
from curate.params import Params, RunParams, section_digest
from curate.steps import BY_NAME
from curate.record import RECORD_DECODER, Rejected, encode, reject
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
    """The extracted records judged: their ids and verdicts, and where each line sits (in which
    part file of corpus/interim/extract)."""

    ids: list[str]
    verdicts: Verdicts
    line_index: LineIndex
    recoded: dict[int, bytes]


def _judge_extracted(root: Path, params: Params, executor) -> _Judged:
    """Each record's facts computed on the executor (`run.workers` processes or `run.scheduler`,
    in this process for a few) a window at a time, then judged together here."""
    src = stage_files(root, "extract")
    line_index = LineIndex()  # (offset, length) per record line, in order
    recoded: dict[int, bytes] = {}
    ids: list[str] = []
    how = _facts_settings(params)

    def rows_noting_ids():
        for window in indexed_windows(src, line_index, WINDOW):
            first = len(ids)
            for i, (row, canonical) in enumerate(map_chunked(executor, facts_lines, window, how)):
                if canonical is not None:
                    recoded[first + i] = canonical
                ids.append(row["id"])
                yield row

    verdicts = judge(rows_noting_ids(), params.validate)
    return _Judged(ids, verdicts, line_index, recoded)


@dataclass
class _Rejections:
    """Every rejected record's line by reason, and the counts by stage and by source group."""

    groups_of: SourceGroups
    by_reason: dict[str, list[bytes]] = field(default_factory=dict)
    by_stage: dict[str, Counter] = field(default_factory=dict)
    by_source: dict[int, Counter] = field(default_factory=dict)

    def add(self, rej: Rejected) -> None:
        self.by_reason.setdefault(rej.reason, []).append(encode(rej))
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


def _sort_into_shards(j: _Judged, rej: _Rejections, nshards: int, result: StageResult) -> list[list[tuple[str, int]]]:
    """(id, line position) of each accepted record in its shard; validate's rejections added."""
    shards: list[list[tuple[str, int]]] = [[] for _ in range(nshards)]
    with j.line_index.reader() as rd:
        for pos, (rid, verdict) in enumerate(zip(j.ids, j.verdicts.reasons)):
            result.inputs += 1
            if verdict is None:
                shards[shard_of(rid, nshards)].append((rid, pos))
                result.kept += 1
            else:
                reason, detail = verdict
                rej.add(reject(RECORD_DECODER.decode(rd.read(pos)), reason, detail, "validate"))
                result.rejected[reason.value] += 1
    return shards


def _corpus_rules(j: _Judged, rej: _Rejections, params: Params) -> list[RuleResult]:
    """The corpus rules, per source, over the accepted records' facts and every stage's rejections."""
    by_source: dict[int, CorpusFacts] = {}
    for group in sorted(set(j.verdicts.by_source) | set(rej.by_source)):
        got = j.verdicts.by_source.get(group) or CorpusFacts()
        by_source[group] = CorpusFacts(accepted=got.accepted, missing=Counter(got.missing),
                                       exempt=Counter(got.exempt), rejected=Counter(rej.by_source.get(group, {})))
    return evaluate(by_source, params.validate)


def _metrics(root: Path, result: StageResult, rej: _Rejections, checks: dict, nshards: int) -> dict:
    ingest_inputs = sum(1 for _ in iter_stage_lines(root, "ingest")) + \
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


def _publish(root: Path, params: Params, j: _Judged, shards: list[list[tuple[str, int]]],
             rej: _Rejections, metrics: dict) -> None:
    """Shards sorted by id, rejected by reason, the manifest, then the metrics (each atomic)."""
    curated = root / params.output.curated_dir
    shard_bytes: dict[int, int] = {}
    shard_counts = {i: len(entries) for i, entries in enumerate(shards)}

    def fill_articles(tmp: Path) -> None:
        # accepted lines are copied byte for byte (extract wrote them with `encode`), sorted by id
        # within their shard through an (id, offset, length) index: the texts are never held
        with j.line_index.reader() as rd:
            for i, entries in enumerate(shards):
                shard_bytes[i] = write_shard_sorted(rd, tmp / shard_name(i), entries, j.recoded)

    def fill_rejected(tmp: Path) -> None:
        for reason in sorted(rej.by_reason):
            (tmp / f"{reason}.jsonl").write_bytes(b"".join(ln + b"\n" for ln in rej.by_reason[reason]))

    replace_dir(curated / "articles", fill_articles)
    replace_dir(curated / "rejected", fill_rejected)
    manifest = {
        "toolkit": f"curate {__version__}",
        "records": metrics["accepted"],
        "shards": [{"path": f"articles/{shard_name(i)}", "records": shard_counts[i], "bytes": shard_bytes[i]}
                   for i in range(len(shards))],
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
    rejected by reason, the manifest and the metrics. When one fails, publish nothing."""
    with stage_executor(params, executor) as ex:  # one of its own: terminated on a failure
        judged = _judge_extracted(root, params, ex)
    rej = _earlier_rejections(root, params)
    result = StageResult("validate")
    nshards = max(1, params.output.shards)
    shards = _sort_into_shards(judged, rej, nshards, result)
    rules = _corpus_rules(judged, rej, params)
    metrics = _metrics(root, result, rej, metric_checks(rules), nshards)
    result.extra.update(metrics=metrics)
    if failed := failures(rules):
        raise _refuse(root, metrics, failed)
    _publish(root, params, judged, shards, rej, metrics)
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


class CorpusRuleError(RuntimeError):
    """A corpus rule (null rate, reject rate, empty corpus) failed: nothing was published.
    `failed` holds the failing rules (curate.validate.corpus_rules.RuleResult)."""

    def __init__(self, message: str, failed: list | None = None) -> None:
        super().__init__(message)
        self.failed = list(failed or [])


# the step as an object: per window, `validate_verdicts`
STEP = StageStep(BY_NAME["validate"], run_validate, window=validate_verdicts, parallel=True)
