"""Step 3 as a stage: keys and MinHash signatures (cached by content hash) of every record, the
decisions of curate.dedup.decisions, then the records copied through or dropped with a reason."""

from __future__ import annotations

from pathlib import Path

import msgspec

from curate.dedup.decisions import DedupKey, dedup_decisions
from curate.dedup.key_table import KeyTable, load_lines
from curate.dedup.near_dup import NearDupIndex
from curate.dedup.signing import cached_signatures
from curate.engine.cache import LINE_KEYS, AnnotationCache, LiveKeys, cache_file, code_digest, text_cache_key
from curate.engine.io import iter_lines, texts_at
from curate.engine.parts import digest, part_path, read_local, stage_parts, verified_digest
from curate.engine.stage import WINDOW, PartRun, StageResult, run_stage, StageWriter, stage_executor
from curate.engine.step import StageStep
from curate.layout import interim_dir
from curate.params import DedupParams, Params, section_digest
from curate.steps import BY_NAME
from curate.record import RECORD_DECODER, reject

# the code whose output the MinHash cache holds: the whole package (shingles and signatures in
# lsh.py, read by near_dup.py) and the record definition
DEDUP_CODE = ("curate.dedup", "curate.record")
# each cache this step keeps -> the code its keys digest (tests/pipeline/test_cache_code.py)
CACHE_CODE = {"minhash": DEDUP_CODE}


class _Text(msgspec.Struct):
    text: str = ""


def _reload_texts(paths: list[Path]):
    """For near-dup verification: (index, text) of the wanted records, one more streaming pass."""
    def reload(wanted: list[int]):
        return texts_at(paths, wanted)

    return reload


def minhash_cache_prefix(params: Params) -> str:
    """MinHash signature keys start with the near-dup code and the MinHash settings."""
    dp = params.dedup
    return f"{code_digest(*DEDUP_CODE)}:{dp.num_perm}:{dp.shingle_words}:"


_SIGNERS: dict[tuple[int, int], NearDupIndex] = {}  # per process: the index whose hasher signs


def _signer(dedup: DedupParams) -> NearDupIndex:
    """This process's index for the MinHash settings of `dedup` (threads may share it: signing
    reads its hasher's arrays and fills a word -> hash memo whose values never change)."""
    settings = (dedup.num_perm, dedup.shingle_words)
    signer = _SIGNERS.get(settings)
    if signer is None:
        signer = _SIGNERS[settings] = NearDupIndex(dedup)
    return signer


def signature_lines(lines: list[bytes], dedup: DedupParams) -> list[bytes]:
    """The executor task: each record line's encoded MinHash signature (NearDupIndex.encoded_signature)."""
    signer = _signer(dedup)
    return [signer.encoded_signature(_TEXT_DECODER.decode(line).text) for line in lines]


def signature_texts(texts: list[str], dedup: DedupParams) -> list[bytes]:
    """The executor task of `curate check`: each text's encoded MinHash signature."""
    signer = _signer(dedup)
    return [signer.encoded_signature(text) for text in texts]


_TEXT_DECODER = msgspec.json.Decoder(_Text)


def _spill_path(root: Path) -> Path:
    """The scratch file of the signatures, beside the interim folders: one name, so a killed run's
    file is overwritten by the next (a stage runs alone: curate/pipeline/locking.py)."""
    return interim_dir(root, "dedup").parent / ".dedup-signatures.tmp"


def _lines(paths: list[Path]):
    return (line for path in paths for line in iter_lines(path))


def _index(paths: list[Path], params: Params, near: NearDupIndex | None, cache: AnnotationCache, ex,
           counts: list[int]) -> KeyTable:
    """Every record's key and, with near dedup on, its MinHash signature added to `near`: from
    the cache (content hash + MinHash settings + near-dup code), the missing ones computed on the
    executor, a distinct text once, added in input order; `counts` gets each part's records."""
    key_dec = msgspec.json.Decoder(DedupKey)
    prefix = minhash_cache_prefix(params)
    # per record only hashes of its id and content hash: full keys are read back for the few
    # records a rule compares (curate/dedup/key_table.py); each text becomes a signature
    keys = KeyTable(lambda wanted: load_lines(_lines(paths), wanted, key_dec.decode))
    hashes: list[str] = []  # content hashes of the window's records
    lines_of_window: list[bytes] = []

    def add_signatures() -> None:
        signatures, _ = cached_signatures(cache, prefix, hashes, lines_of_window, signature_lines, params.dedup, ex)
        for encoded in signatures:
            near.add_encoded(encoded)

    for path in paths:
        n = 0
        for line in iter_lines(path):
            n += 1
            key = key_dec.decode(line)
            keys.add(key)
            if near is not None:
                hashes.append(key.content_hash)
                lines_of_window.append(line)
                if len(lines_of_window) >= WINDOW:
                    add_signatures()
                    lines_of_window.clear()
                    hashes.clear()
        counts.append(n)
    if near is not None and lines_of_window:
        add_signatures()
    return keys


def dedup_stage_key(params: Params) -> str:
    """What decides a dedup part's bytes beside its input and its decisions: the dedup code (and
    record definition) and the dedup params."""
    return f"{code_digest(*DEDUP_CODE)}:{section_digest(params.dedup)}"


def decisions_digest(drop: dict, start: int, n: int) -> str:
    """Digest of the drops among positions [start, start + n): (position in the part, reason,
    kept id, detail), in order; a part is rewritten only when its input or this changes."""
    return digest(*(f"{i - start}\t{drop[i][0]}\t{drop[i][1]}\t{drop[i][2]}"
                    for i in range(start, start + n) if i in drop))


def run_dedup(root: Path, params: Params, executor=None) -> StageResult:
    """Keys of every record and, with near dedup on, its MinHash signature (from the cache, or
    computed on the executor: `run.workers` processes or `run.scheduler`, in this process for a
    few); then the decisions over the whole corpus, in this process, and the records copied
    through or dropped part by part: a part whose input and drops are those of a part of the
    previous run is reused whole (engine/stage.PartRun)."""
    source = interim_dir(root, "clean")
    upstream = stage_parts(root, "clean")
    known = read_local(source)
    paths = [part_path(source, p.name) for p in upstream]
    near = NearDupIndex(params.dedup, spill=_spill_path(root)) if params.dedup.near else None
    cache = AnnotationCache(cache_file(root, params, "minhash"))
    counts: list[int] = []
    try:
        with stage_executor(params, executor) as ex:  # one of its own: terminated on a failure
            try:
                keys = _index(paths, params, near, cache, ex, counts)
            finally:
                cache.close()
        if near is not None:
            near.flush()  # the last pending signatures (a bounded buffer, not per record)
        index_bytes = keys.nbytes + (near.nbytes if near is not None else 0)
        drop = dedup_decisions(keys, params, near=near, reload=_reload_texts(paths))
    finally:
        if near is not None:
            near.close()

    record_dec = RECORD_DECODER
    stage_key = dedup_stage_key(params)

    def body(run: PartRun, result: StageResult) -> None:
        result.extra.update(cache_hits=cache.hits, cache_misses=cache.misses)  # MinHash signatures
        result.extra.update(index_bytes=index_bytes,
                            index_bytes_per_record=round(index_bytes / len(keys), 1) if len(keys) else 0)
        start = 0
        for up, path, n in zip(upstream, paths, counts):
            input_digest = verified_digest(source, up, known)

            def fill(w: StageWriter, path=path, start=start) -> None:
                # kept lines are copied as clean wrote them; only dropped records are decoded
                for i, line in enumerate(iter_lines(path), start):
                    result.inputs += 1
                    if i in drop:
                        reason, kept, detail = drop[i]
                        record = record_dec.decode(line)
                        w.drop(msgspec.structs.replace(reject(record, reason, detail, "dedup"), duplicate_of=kept))
                    else:
                        w.keep_encoded(line)

            run.part(input_digest, digest(stage_key, input_digest, decisions_digest(drop, start, n)), fill)
            start += n

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
