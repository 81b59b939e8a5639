"""Step 3 as a stage: keys and MinHash signatures (cached by content hash) of every record, the
decisions of curate.dedup.decisions, then the records copied through or dropped with a reason."""

from __future__ import annotations

import bisect
from array import array
from pathlib import Path

import msgspec
import numpy as np

from curate.dedup.decisions import DedupKey, dedup_decisions
from curate.dedup.key_table import KeyTable, columns, load_lines
from curate.dedup.lsh import EMPTY, band_keys
from curate.dedup.near_dup import NearDupIndex
from curate.dedup.part_summary import PartSummary, SummaryWriter, prune, read_summary, summary_folder
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


def _summary(path: Path, name: str, params: Params, near: NearDupIndex | None, cache: AnnotationCache, ex,
             folder: Path) -> PartSummary:
    """One clean part's summary (curate/dedup/part_summary.py), computed from its lines: each
    record's key hashes and, with near dedup on, its MinHash signature from the cache (content
    hash + MinHash settings + near-dup code) or computed on the executor, a distinct text once."""
    key_dec = msgspec.json.Decoder(DedupKey)
    prefix = minhash_cache_prefix(params)
    num_perm = params.dedup.num_perm
    w = SummaryWriter(folder, name, num_perm if near is not None else 0, near.bands if near is not None else 0)
    try:
        for window in _windows(path):
            keys = [key_dec.decode(line) for line in window]
            cols = columns(keys)
            if near is None:
                w.add(len(window), *cols)
                continue
            encoded, _ = cached_signatures(cache, prefix, [k.content_hash for k in keys], window,
                                           signature_lines, params.dedup, ex)
            sigs = np.frombuffer(b"".join(e[:-8] for e in encoded), dtype=np.uint32).reshape(-1, num_perm)
            sizes = array("I", (int.from_bytes(e[-8:], "little") for e in encoded)).tobytes()
            w.add(len(window), *cols, sizes, (sigs[:, 0] != EMPTY).tobytes(),
                  band_keys(sigs, near.bands, near.rows).tobytes(), signatures=sigs.tobytes())
        return w.finish()
    except BaseException:
        w.abort()
        raise


def _windows(path: Path):
    window: list[bytes] = []
    for line in iter_lines(path):
        window.append(line)
        if len(window) >= WINDOW:
            yield window
            window = []
    if window:
        yield window


def _by_part(paths: list[Path], counts: list[int], wanted, read) -> dict:
    """{index: value} of the wanted records (positions over all parts), reading only the parts
    that hold one: `read(path, positions in the part)` yields (position, value)."""
    wanted = sorted(wanted)
    out, start = {}, 0
    for path, n in zip(paths, counts):
        lo, hi = bisect.bisect_left(wanted, start), bisect.bisect_left(wanted, start + n)
        if lo < hi:
            out.update((start + i, v) for i, v in read(path, [i - start for i in wanted[lo:hi]]))
        start += n
    return out


def _index(paths: list[Path], names: list[str], params: Params, near: NearDupIndex | None, cache: AnnotationCache,
           ex, folder: Path) -> tuple[KeyTable, list[int], int]:
    """Every record's key hashes and, with near dedup on, its LSH columns and signature rows added
    to `near`, part by part: a part's summary read back when the last builds kept it (by `names`),
    else computed from its lines and kept. Returns the table, each part's records and how many
    parts were read back."""
    key_dec = msgspec.json.Decoder(DedupKey)
    counts: list[int] = []

    def load(wanted: list[int]) -> dict:  # full keys, read back for the few records a rule compares
        return _by_part(paths, counts, wanted,
                        lambda path, local: load_lines(iter_lines(path), local, key_dec.decode).items())

    keys = KeyTable(load)
    num_perm, bands = (params.dedup.num_perm, near.bands) if near is not None else (0, 0)
    reused = 0
    for path, name in zip(paths, names):
        summary = read_summary(folder, name, num_perm, bands)
        if summary is None:
            summary = _summary(path, name, params, near, cache, ex, folder)
        else:
            reused += 1
        keys.extend(summary.id_hashes, summary.content_hashes, summary.canceled)
        if near is not None:
            near.add_part(summary.n, summary.short, summary.sizes, summary.usable, summary.signatures)
        counts.append(summary.n)
    return keys, counts, reused


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
    stage_key = dedup_stage_key(params)
    inputs = [verified_digest(source, up, known) for up in upstream]
    names = [digest(stage_key, d) for d in inputs]
    folder = summary_folder(source.parent)
    near = NearDupIndex(params.dedup, segments=True) if params.dedup.near else None
    cache = AnnotationCache(cache_file(root, params, "minhash"))
    try:
        with stage_executor(params, executor) as ex:  # one of its own: terminated on a failure
            try:
                keys, counts, reused = _index(paths, names, params, near, cache, ex, folder)
            finally:
                cache.close()
        index_bytes = keys.nbytes + (near.nbytes if near is not None else 0)
        reload = (lambda wanted: _by_part(paths, counts, wanted, lambda path, local: texts_at([path], local)).items())
        drop = dedup_decisions(keys, params, near=near, reload=reload)
    finally:
        if near is not None:
            near.close()
    prune(folder, set(names))

    record_dec = RECORD_DECODER

    def body(run: PartRun, result: StageResult) -> None:
        result.extra.update(cache_hits=cache.hits, cache_misses=cache.misses)  # MinHash signatures
        result.extra.update(summaries_reused=reused)  # parts whose keys and signatures were read back
        result.extra.update(index_bytes=index_bytes,
                            index_bytes_per_record=round(index_bytes / len(keys), 1) if len(keys) else 0)
        start = 0
        for path, n, input_digest in zip(paths, counts, inputs):
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
