"""Step 4 as a stage: entities and language (cached by text hash + annotator) computed on an
executor, then each record finished (curate.extract.finish). `extract_window` is what
`curate check` reuses."""

from __future__ import annotations

from pathlib import Path

from curate.engine.cache import LINE_KEYS, AnnotationCache, LiveKeys, cache_file, code_digest, line_cache_key, text_cache_key
from curate.engine.progress import current
from curate.engine.stage import StageResult, _previous, _run_stage, _windows, _Writer, cached_window
from curate.params import Params, shaping_digest
from curate.record import RECORD_DECODER, Reason, Record, Rejected, reject

# the code whose output the finished-record cache holds: this package and the record definition
EXTRACT_CODE = ("curate.extract.finish", "curate.record")


def _init_worker(model: str) -> None:
    from curate.extract.annotate import detect_language, load_model

    load_model(model)
    detect_language("Warm-up: the language model loads once per worker process.")


def extract_window(records: list[Record], params: Params, cache, executor) -> list[Record | Rejected]:
    """Extract a window of cleaned records, in order: annotations from `cache` (an
    AnnotationCache) or, for texts it lacks, computed on `executor` and stored; then entities,
    language, stats, flags and provenance (`finish_record`). A record whose finishing raises
    becomes an INTERNAL_ERROR rejection. The extract stage and `curate check` both call this."""
    from curate.extract.annotate import CHUNK, annotate_chunk, decode_annotation, model_identity
    from curate.extract.finish import finish_record

    ep, rp = params.extract, params.run
    model = model_identity(ep.model)
    aprefix = annotation_cache_prefix(params)
    digest = shaping_digest(params)
    keys = [text_cache_key(aprefix, r.content_hash) for r in records]
    found = cache.get_many(set(keys))
    missing: dict[str, str] = {}
    for k, r in zip(keys, records):
        if k not in found and k not in missing:
            missing[k] = r.text
    todo = list(missing.items())
    tasks = [(ep.model, [t for _, t in todo[i : i + CHUNK]], rp.batch_size)
             for i in range(0, len(todo), CHUNK)]
    fresh: list[tuple[str, bytes]] = []
    progress = current()  # NER is most of a window's time: report it chunk by chunk
    for j, encoded in enumerate(executor.map(annotate_chunk, tasks)):
        fresh.extend(zip([k for k, _ in todo[j * CHUNK : (j + 1) * CHUNK]], encoded))
        progress.working(len(encoded))
    cache.put_many(fresh)
    found.update(fresh)
    out: list[Record | Rejected] = []
    for record, k in zip(records, keys):
        try:
            out.append(finish_record(record, decode_annotation(found[k]), ep, model, digest))
        except Exception as exc:  # noqa: BLE001 - a bug on one input must not stop the stage
            out.append(reject(record, Reason.INTERNAL_ERROR,
                              f"extract raised {type(exc).__name__}: {exc}", "extract"))
    return out


def annotation_cache_prefix(params: Params) -> str:
    """Annotation keys start with the annotator (model, its version, spaCy version)."""
    from curate.extract.annotate import annotator_key

    return f"{annotator_key(params.extract.model)}:"


def extract_cache_prefix(params: Params) -> str:
    """Finished-record keys start with the extraction code, the annotator and the shaping params."""
    from curate.extract.annotate import annotator_key

    return f"{code_digest(*EXTRACT_CODE)}:{annotator_key(params.extract.model)}:{shaping_digest(params)}:"


def run_extract(root: Path, params: Params, executor=None) -> StageResult:
    """Entities (cached by text hash + annotator), language, stats, flags, provenance."""
    from curate.extract.annotate import model_identity, resolve_workers
    from curate.engine.executors import make_executor

    ep = params.extract
    model_identity(ep.model)  # a missing model fails before any work
    rp = params.run
    cache = AnnotationCache(cache_file(root, params, "annotations"))
    # finished records, keyed by input record bytes + extraction code + model + shaping params
    records_cache = AnnotationCache(cache_file(root, params, "extract"))
    prefix = extract_cache_prefix(params)
    dec = RECORD_DECODER
    own_executor = executor is None
    if own_executor:
        executor = make_executor(resolve_workers(rp.workers), rp.scheduler, _init_worker, (ep.model,))

    def compute(lines: list[bytes]) -> list[Record | Rejected]:
        return extract_window([dec.decode(ln) for ln in lines], params, cache, executor)

    def body(w: _Writer, result: StageResult) -> None:
        for window in _windows(_previous(root, "extract"), result):
            cached_window(w, window, records_cache, prefix, compute)
        result.extra.update(cache_hits=records_cache.hits, cache_misses=records_cache.misses,
                            annotation_hits=cache.hits, annotation_misses=cache.misses)

    try:
        return _run_stage(root, "extract", body)
    finally:
        cache.close()
        records_cache.close()
        if own_executor:
            executor.close()


def live_keys(m: LiveKeys) -> None:
    """For `curate cache prune`: the annotation keys (by text) and finished-record keys (by line)
    of dedup's output lines."""
    prefix = annotation_cache_prefix(m.params)
    m.caches["annotations"].mark(text_cache_key(prefix, LINE_KEYS.decode(line).content_hash)
                                 for line in m.lines("dedup"))
    prefix = extract_cache_prefix(m.params)
    m.caches["extract"].mark(line_cache_key(prefix, line) for line in m.lines("dedup"))
    m.caches["annotations"].count_missing()
    m.caches["extract"].count_missing()
