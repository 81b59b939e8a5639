"""Step 2 as a stage: clean every record (curate.clean.rules, the rules of curate/clean/registry.py),
cached by input line + params + code + rule versions.
`clean_one` is the per-record function `curate check` reuses.

Dates: a record keeps the date its reader found (structure or day folder), else the dateline's
(`ATHENS, April 10, 2024 -`, flag `date_from_dateline`), else its source's `date` in
`clean.sources` (flag `date_from_source`); with none it is accepted with `date: null` and the flag
`no_date`, unless its source says `undated: reject` (rejected `no_date`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec

from curate.engine.cache import LINE_KEYS, AnnotationCache, LiveKeys, cache_file, code_digest, line_cache_key
from curate.engine.executors import map_chunked
from curate.engine.stage import StageResult, run_line_stage, stage_executor, tagged
from curate.engine.step import StageStep
from curate.globs import glob_matches
from curate.params import Params, SourceDates, section_digest
from curate.steps import BY_NAME
from curate.record import CANCELED_FLAG, RECORD_DECODER, Reason, Record, Rejected, reject

# the code whose output the clean cache holds: the whole package (the rules and their registry,
# header, sign-offs, tickers, the conventions table), the glob rule of clean.sources and the
# record definition
CLEAN_CODE = ("curate.clean", "curate.globs", "curate.record")
# each cache this step keeps -> the code its keys digest (tests/pipeline/test_cache_code.py)
CACHE_CODE = {"clean": CLEAN_CODE}


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean_one(record: Record, params: Params) -> Record | Rejected:
    """Clean one record; an empty body or an exception becomes a rejection, never a crash."""
    from curate.clean.rules import clean_record  # lazy: ftfy costly to load

    try:
        cleaned = clean_record(record, params.clean)
    except Exception as exc:  # noqa: BLE001 - a bug on one input must not stop the stage
        return reject(record, Reason.INTERNAL_ERROR, f"clean raised {type(exc).__name__}: {exc}", "clean")
    cleaned = msgspec.structs.replace(cleaned, content_hash=content_hash(cleaned.text))
    if "clean_error" in cleaned.flags:
        return reject(cleaned, Reason.INTERNAL_ERROR, "a cleaning rule failed on this input (flag clean_error)", "clean")
    if CANCELED_FLAG in cleaned.flags:
        return cleaned  # a cancellation reaches dedup whatever its text and date (it withdraws a story)
    if not cleaned.text.strip():
        return reject(cleaned, Reason.NO_TEXT, "the body is empty once header, dateline and sign-off are removed", "clean")
    return _undated(cleaned, params.clean.sources)


def source_setting(path: str, sources: list[SourceDates]) -> SourceDates | None:
    """The first `clean.sources` entry whose glob matches the raw path (curate/globs.py)."""
    return next((s for s in sources if glob_matches(s.glob, path)), None)


def _undated(record: Record, sources: list[SourceDates]) -> Record | Rejected:
    if record.date is not None:
        return record
    setting = source_setting(record.source.path, sources)
    if setting and setting.date:
        flags = sorted(set(record.flags) | {"date_from_source"})
        return msgspec.structs.replace(record, date=setting.date, flags=flags)
    if setting and setting.undated == "reject":
        return reject(record, Reason.NO_DATE, f"no date in the structure, dateline or folder, and "
                      f"clean.sources {setting.glob!r} says undated: reject", "clean")
    return msgspec.structs.replace(record, flags=sorted(set(record.flags) | {"no_date"}))


def clean_cache_prefix(params: Params) -> str:
    """Clean cache keys start with the cleaning code, the rules in order with their versions
    (curate/clean/registry.py) and the clean params."""
    from curate.clean.registry import KEY  # lazy: the rules load ftfy, costly to load
    return f"{code_digest(*CLEAN_CODE)}:{KEY}:{section_digest(params.clean)}:"


def clean_lines(lines: list[bytes], params: Params) -> list[bytes]:
    """The executor task: `clean_one` of each ingested line, as tagged bytes (engine.stage.tagged)."""
    dec = RECORD_DECODER
    return [tagged(clean_one(dec.decode(ln), params)) for ln in lines]


def run_clean(root: Path, params: Params, executor=None) -> StageResult:
    """Clean every record, the lines a window's cache lacks on the executor (`run.workers`
    processes or `run.scheduler`; in this process for a few). A part of ingest's output already
    cleaned with the same code and params is reused whole (engine.stage.run_line_stage); results
    are cached by (raw record bytes, clean params, cleaning code), so a rebuild after adding
    articles cleans only the new ones; a hit returns the exact bytes the same code computed before, so outputs do not depend
    on the cache."""

    cache = AnnotationCache(cache_file(root, params, "clean"))
    prefix = clean_cache_prefix(params)

    try:  # an executor of its own is terminated if the stage fails or is interrupted
        with stage_executor(params, executor) as ex:
            result = run_line_stage(root, "clean", prefix, cache,
                                    lambda lines: map_chunked(ex, clean_lines, lines, params))
        result.extra.update(cache_hits=cache.hits, cache_misses=cache.misses)
        return result
    finally:
        cache.close()


def live_keys(m: LiveKeys) -> None:
    """For `curate cache prune`: the clean keys of ingest's output lines; every raw file they
    came from must still exist, and clean must account for every ingested record."""
    prefix = clean_cache_prefix(m.params)
    gone: set[str] = set()
    n_ingest = 0

    def keys():
        nonlocal n_ingest
        for line in m.lines("ingest"):
            n_ingest += 1
            gone.add(LINE_KEYS.decode(line).source.path)
            yield line_cache_key(prefix, line)

    m.caches["clean"].mark(keys())
    gone.update(LINE_KEYS.decode(line).source.path for line in m.lines("ingest", rejected=True))
    gone -= m.facts.get("raw_files", set())
    if gone:
        shown = sorted(gone)[:3]
        more = f" and {len(gone) - 3} more" if len(gone) > 3 else ""
        m.problems.append(f"corpus/interim/ingest holds records of {len(gone)} raw file(s) that no longer "
                          f"exist ({', '.join(shown)}{more})")
    if n := m.caches["clean"].count_missing():
        m.problems.append(f"{n} ingested record(s) are not cleaned with the current clean params and code")
    m.accounts("clean", n_ingest, "ingest")


# the step as an object: per record, `clean_one`
STEP = StageStep(BY_NAME["clean"], run_clean, live_keys=live_keys, window=clean_one, parallel=True)
