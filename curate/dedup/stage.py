"""Step 3 as a stage: keys and MinHash signatures (cached by content hash) of every record, the
decisions of curate.dedup.decisions, then the records copied through or dropped with a reason."""

from __future__ import annotations

from pathlib import Path

import msgspec

from curate.dedup.decisions import DedupKey, dedup_decisions
from curate.dedup.near_dup import NearDupIndex
from curate.engine.cache import LINE_KEYS, AnnotationCache, LiveKeys, cache_file, code_digest, text_cache_key
from curate.engine.io import iter_lines, texts_at
from curate.engine.executors import map_chunked
from curate.engine.stage import WINDOW, StageResult, previous_records, run_stage, StageWriter, stage_executor
from curate.engine.step import StageStep
from curate.params import DedupParams, Params
from curate.steps import BY_NAME
from curate.record import RECORD_DECODER, reject

# the code whose output the MinHash cache holds: the whole package (shingles and signatures in
# lsh.py, read by near_dup.py) and the record definition
DEDUP_CODE = ("curate.dedup", "curate.record")
# each cache this step keeps -> the code its keys digest (tests/pipeline/test_cache_code.py)
CACHE_CODE = {"minhash": DEDUP_CODE}


class _Text(msgspec.Struct):
    text: str = ""


def _reload_texts(src: Path):
    """For near-dup verification: (index, text) of the wanted records, one more streaming pass."""
    def reload(wanted: list[int]):
        return texts_at([src], wanted)

    return reload


def minhash_cache_prefix(params: Params) -> str:
    """MinHash signature keys start with the near-dup code and the MinHash settings."""
    dp = params.dedup
    return f"{code_digest(*DEDUP_CODE)}:{dp.num_perm}:{dp.shingle_words}:"


_SIGNERS: dict[tuple[int, int], NearDupIndex] = {}  # per process: the index whose hasher signs


def signature_lines(lines: list[bytes], dedup: DedupParams) -> list[bytes]:
    """The executor task: each record line's encoded MinHash signature (NearDupIndex.encoded_signature)."""
    settings = (dedup.num_perm, dedup.shingle_words)
    signer = _SIGNERS.get(settings)
    if signer is None:
        signer = _SIGNERS[settings] = NearDupIndex(dedup)
    return [signer.encoded_signature(_TEXT_DECODER.decode(line).text) for line in lines]


_TEXT_DECODER = msgspec.json.Decoder(_Text)


def run_dedup(root: Path, params: Params, executor=None) -> StageResult:
    """Keys of every record and, with near dedup on, its MinHash signature (from the cache, or
    computed on the executor: `run.workers` processes or `run.scheduler`, in this process for a
    few); then the decisions and the records copied through or dropped, in this process."""
    src = previous_records(root, "dedup")
    key_dec = msgspec.json.Decoder(DedupKey)
    near = None
    if params.dedup.near:
        near = NearDupIndex(params.dedup)
    keys = []  # ids and hashes only; each text becomes a MinHash signature and is let go
    lines_of_window: list[bytes] = []

    def add_signatures(lines: list[bytes], cache) -> None:
        # signatures are cached by content hash + MinHash settings + near-dup code; the missing
        # ones are computed on the executor, a distinct text once, and added in input order
        wanted = [text_cache_key(prefix, keys[len(keys) - len(lines) + i].content_hash) for i in range(len(lines))]
        found = cache.get_many(set(wanted))
        todo = {key: line for key, line in zip(wanted, lines) if key not in found}
        fresh = list(zip(todo, map_chunked(ex, signature_lines, list(todo.values()), params.dedup)))
        found.update(fresh)
        for key in wanted:
            near.add_encoded(found[key])
        cache.put_many(fresh)

    cache = AnnotationCache(cache_file(root, params, "minhash"))
    prefix = minhash_cache_prefix(params)
    try:
        with stage_executor(params, executor) as ex:  # one of its own: terminated on a failure
            for line in iter_lines(src):
                keys.append(key_dec.decode(line))
                if near is not None:
                    lines_of_window.append(line)
                    if len(lines_of_window) >= WINDOW:
                        add_signatures(lines_of_window, cache)
                        lines_of_window = []
            if near is not None and lines_of_window:
                add_signatures(lines_of_window, cache)
    finally:
        cache.close()
    drop = dedup_decisions(keys, params, near=near, reload=_reload_texts(src))

    record_dec = RECORD_DECODER

    def body(w: StageWriter, result: StageResult) -> None:
        result.extra.update(cache_hits=cache.hits, cache_misses=cache.misses)  # MinHash signatures
        # kept lines are copied as clean wrote them; only dropped records are decoded
        for i, line in enumerate(iter_lines(src)):
            result.inputs += 1
            if i in drop:
                reason, kept, detail = drop[i]
                record = record_dec.decode(line)
                w.drop(msgspec.structs.replace(reject(record, reason, detail, "dedup"), duplicate_of=kept))
            else:
                w.keep_encoded(line)

    return run_stage(root, "dedup", body)


def live_keys(m: LiveKeys) -> None:
    """For `curate cache prune`: the MinHash keys of clean's records (when near dedup is on);
    dedup must account for every cleaned record."""
    if m.params.dedup.near:
        prefix = minhash_cache_prefix(m.params)
        m.caches["minhash"].mark(text_cache_key(prefix, LINE_KEYS.decode(line).content_hash)
                                 for line in m.lines("clean"))
        if n := m.caches["minhash"].count_missing():
            m.problems.append(f"{n} cleaned record(s) have no MinHash signature with the current dedup settings")
    m.accounts("dedup", m.count("clean"), "clean")


# the step as an object: over all the keys, `dedup_decisions`
STEP = StageStep(BY_NAME["dedup"], run_dedup, live_keys=live_keys, window=dedup_decisions, parallel=True)
