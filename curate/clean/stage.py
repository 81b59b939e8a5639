"""Step 2 as a stage: clean every record (curate.clean.rules), cached by input line + params + code.
`clean_one` is the per-record function `curate check` reuses."""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec

from curate.engine.cache import AnnotationCache, cache_file, code_digest
from curate.engine.stage import StageResult, _previous, _run_stage, _windows, _Writer, cached_window
from curate.params import Params, section_digest
from curate.record import RECORD_DECODER, Reason, Record, Rejected, reject

# the code whose output the clean cache holds: this package and the record definition
CLEAN_CODE = ("curate.clean.rules", "curate.record")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean_one(record: Record, params: Params) -> Record | Rejected:
    """Clean one record; an empty body or an exception becomes a rejection, never a crash."""
    from curate.clean.rules import clean_record

    try:
        cleaned = clean_record(record, params.clean)
    except Exception as exc:  # noqa: BLE001 - a bug on one input must not stop the stage
        return reject(record, Reason.INTERNAL_ERROR, f"clean raised {type(exc).__name__}: {exc}", "clean")
    cleaned = msgspec.structs.replace(cleaned, content_hash=content_hash(cleaned.text))
    if "clean_error" in cleaned.flags:
        return reject(cleaned, Reason.INTERNAL_ERROR, "a cleaning rule failed on this input (flag clean_error)", "clean")
    if not cleaned.text.strip():
        return reject(cleaned, Reason.NO_TEXT, "the body is empty once header, dateline and sign-off are removed", "clean")
    return cleaned


def clean_cache_prefix(params: Params) -> str:
    """Clean cache keys start with the cleaning code and the clean params."""
    return f"{code_digest(*CLEAN_CODE)}:{section_digest(params.clean)}:"


def run_clean(root: Path, params: Params) -> StageResult:
    """Clean every record. Results are cached by (raw record bytes, clean params, cleaning code),
    so a rebuild after adding articles cleans only the new ones; a hit returns the exact bytes
    the same code computed before, so outputs do not depend on the cache."""

    cache = AnnotationCache(cache_file(root, params, "clean"))
    prefix = clean_cache_prefix(params)
    dec = RECORD_DECODER

    def compute(lines: list[bytes]) -> list[Record | Rejected]:
        return [clean_one(dec.decode(ln), params) for ln in lines]

    def body(w: _Writer, result: StageResult) -> None:
        for window in _windows(_previous(root, "clean"), result):
            cached_window(w, window, cache, prefix, compute)
        result.extra.update(cache_hits=cache.hits, cache_misses=cache.misses)

    try:
        return _run_stage(root, "clean", body)
    finally:
        cache.close()
