"""Step 5 as a stage: the record contract and corpus rules (curate.validate.rules) over the
extracted records; publishes shards, rejected records by reason, the manifest and the metrics
(inputs == accepted + sum(rejected by reason)). `validate_verdicts` is what `curate check` reuses."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import msgspec
import orjson

from curate import __version__
from curate.engine.io import iter_lines, iter_rejected, replace_dir, write_atomic
from curate.engine.stage import StageResult, _previous
from curate.layout import MANIFEST, METRICS, RECORDS, REJECTED, SKIPPED, STAGES, interim_dir, shard_name
from curate.params import Params, RunParams, section_digest
from curate.record import RECORD_DECODER, Rejected, encode, reject
from curate.validate.publish import _indexed_records, _LineIndex, _shard_of, _write_shard_sorted


def validate_verdicts(records, params: Params):
    """Per-record verdicts (None = accepted, else (reason, detail)) and corpus-rule results for
    extracted records, in order: the contract facts of each record judged by the pandera schema.
    The validate stage and `curate check` both call this."""
    from curate.validate.rules import facts, judge, resolve_date

    vp = params.validate
    # per language; a record without one (extracted before languages chose models): entity_labels
    labels = {None: frozenset(params.extract.entity_labels), **params.extract.labels_by_language()}
    dmin, dmax = resolve_date(vp.date_min), resolve_date(vp.date_max)
    return judge((facts(r, labels, dmin, dmax) for r in records), vp)


def run_validate(root: Path, params: Params) -> StageResult:
    """Contract + corpus rules; publish shards sorted by id, rejected by reason, and metrics."""
    vp = params.validate
    src = _previous(root, "validate")
    line_index = _LineIndex()  # (offset, length) per record line, in order
    recoded: dict[int, bytes] = {}
    ids: list[str] = []

    def records_noting_ids():
        for record in _indexed_records(src, line_index, recoded):
            ids.append(record.id)
            yield record

    verdicts = validate_verdicts(records_noting_ids(), params)

    curated = root / params.output.curated_dir
    nshards = max(1, params.output.shards)
    result = StageResult("validate")
    by_reason: dict[str, list[bytes]] = {}
    by_stage: dict[str, Counter] = {}

    def add_rejected(rej: Rejected) -> None:
        by_reason.setdefault(rej.reason, []).append(encode(rej))
        by_stage.setdefault(rej.stage, Counter())[rej.reason] += 1

    # earlier stages' rejections, in stage order (each file is already in a deterministic order)
    for stage in STAGES[:-1]:
        path = interim_dir(root, stage) / REJECTED
        if path.exists():
            for rej in iter_rejected(path):
                add_rejected(rej)

    shard_bytes: dict[int, int] = {}
    shard_counts: dict[int, int] = {}

    def fill_articles(tmp: Path) -> None:
        # accepted lines are copied byte for byte (extract wrote them with `encode`), sorted by id
        # within their shard through an (id, offset, length) index: the texts are never held
        shards: list[list[tuple[str, int]]] = [[] for _ in range(nshards)]
        dec = RECORD_DECODER
        with open(src, "rb") as fh:
            for pos, (rid, verdict) in enumerate(zip(ids, verdicts.reasons)):
                result.inputs += 1
                if verdict is None:
                    shards[_shard_of(rid, nshards)].append((rid, pos))
                    result.kept += 1
                else:
                    reason, detail = verdict
                    add_rejected(reject(dec.decode(line_index.read(fh, pos)), reason, detail, "validate"))
                    result.rejected[reason.value] += 1
            for i in range(nshards):
                shard_counts[i] = len(shards[i])
                shard_bytes[i] = _write_shard_sorted(fh, tmp / shard_name(i), shards[i], line_index, recoded)
                shards[i] = []

    replace_dir(curated / "articles", fill_articles)

    def fill_rejected(tmp: Path) -> None:
        for reason in sorted(by_reason):
            (tmp / f"{reason}.jsonl").write_bytes(b"".join(ln + b"\n" for ln in by_reason[reason]))

    replace_dir(curated / "rejected", fill_rejected)

    ingest_inputs = sum(1 for _ in iter_lines(interim_dir(root, "ingest") / RECORDS)) + \
        sum(by_stage.get("ingest", Counter()).values())
    rejected_by_reason = {r: len(v) for r, v in sorted(by_reason.items())}
    metrics = {
        "toolkit": f"curate {__version__}",
        "inputs": ingest_inputs,
        "accepted": result.kept,
        "rejected": sum(rejected_by_reason.values()),
        "rejected_by_reason": rejected_by_reason,
        "rejected_by_stage": {s: dict(sorted(c.items())) for s, c in sorted(by_stage.items())},
        "accounting_ok": ingest_inputs == result.kept + sum(rejected_by_reason.values()),
        "corpus_checks": verdicts.corpus_checks,
        "shards": nshards,
        # parts of multi-item files that are no article and no input (WARC requests, revisits,
        # non-HTML or non-2xx responses), by kind: not in `inputs`, never silently lost
        **_skipped(root),
    }
    manifest = {
        "toolkit": f"curate {__version__}",
        "records": result.kept,
        "shards": [
            {"path": f"articles/{shard_name(i)}", "records": shard_counts.get(i, 0),
             "bytes": shard_bytes.get(i, 0)}
            for i in range(nshards)
        ],
        "rejected": rejected_by_reason,
        "params_sha256": section_digest(msgspec.structs.replace(params, run=RunParams())),
    }
    write_atomic(curated / MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    write_atomic(root / METRICS, orjson.dumps(metrics, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    result.extra.update(metrics=metrics)
    failed = [k for k, v in verdicts.corpus_checks.items() if not v["passed"]]
    if failed:
        raise CorpusRuleError(f"corpus rules failed: {', '.join(failed)} (see {METRICS})")
    reject_rate = metrics["rejected"] / metrics["inputs"] if metrics["inputs"] else 0.0
    if reject_rate > vp.max_reject_rate:
        raise CorpusRuleError(f"rejected rate {reject_rate:.3f} above validate.max_reject_rate {vp.max_reject_rate}")
    return result


class _Kind(msgspec.Struct):
    kind: str = ""


def _skipped(root: Path) -> dict:
    """`skipped` and `skipped_by_kind` of the metrics, from ingest's list of skipped items."""
    counts: Counter = Counter()
    path = interim_dir(root, "ingest") / SKIPPED
    if path.exists():
        dec = msgspec.json.Decoder(_Kind)
        for line in iter_lines(path):
            counts[dec.decode(line).kind] += 1
    return {"skipped": sum(counts.values()), "skipped_by_kind": dict(sorted(counts.items()))}


class CorpusRuleError(RuntimeError):
    """A corpus-wide rule (null rate, reject rate) failed; outputs are written for inspection."""
