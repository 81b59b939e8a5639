"""Step 4 as a stage: language (cached by text hash + language rule), then entities with the
model of that language (cached by text hash + annotator), computed on an executor, then each
record finished (curate.extract.finish), on the executor too (`finish_lines`). `extract_window`
is what `curate check` reuses."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import msgspec

from curate.engine.cache import LINE_KEYS, AnnotationCache, LiveKeys, cache_file, code_digest, line_cache_key, text_cache_key
from curate.engine.progress import current
from curate.engine.executors import map_chunked
from curate.engine.stage import StageResult, run_line_stage, stage_executor, tagged
from curate.engine.step import StageStep
from curate.params import Params, shaping_digest
from curate.steps import BY_NAME
from curate.record import RECORD_DECODER, Reason, Record, Rejected, reject, view
from curate.extract.annotate import (
    Annotation,
    CHUNK,
    annotate_by_language,
    annotator_key,
    decode_annotation,
    detect_language,
    encode_annotation,
    model_identity,
)
from curate.extract.finish import finish_record
from curate.extract.language import language_key

# the code whose output the annotation and finished-record caches hold: the whole package
# (language, annotate, finish, this module) and the record definition
EXTRACT_CODE = ("curate.extract", "curate.record")
# each cache this step keeps -> the code its keys digest (tests/pipeline/test_cache_code.py)
CACHE_CODE = {"annotations": EXTRACT_CODE, "extract": EXTRACT_CODE}


@cache
def extract_code() -> str:
    """code_digest of EXTRACT_CODE, once a process (every annotation key starts with it)."""
    return code_digest(*EXTRACT_CODE)


def check_models(params: Params) -> None:
    """Every configured model (`extract.model`, `extract.models`) is installed and each language's
    labels resolve: ModelError before any work otherwise (the extract stage, `curate check`)."""
    ep = params.extract
    for model in sorted(set(ep.models_by_language().values())):
        model_identity(model)
    ep.labels_by_language()


def extract_setup(params: Params, executor=None):
    """What extract runs on, the one setup of the extract stage and `curate check`: the models
    checked (check_models), then a context manager giving `executor`, or a new one whose workers
    load the language identifier once (terminated if the block raises or is interrupted)."""
    check_models(params)
    return stage_executor(params, executor, _init_worker)


def _init_worker() -> None:
    detect_language("Warm-up: the language identifier loads once per worker process; the NER "
                    "models load when a text of their language first needs one.")


class _Lookup:
    """Where each text's language and entities come from: the annotation cache's two kinds of
    entries (`lang:<language key>:<hash>` -> language code; `<annotator key>:<hash>` -> that
    model's spans), then the workers for what it lacks."""

    def __init__(self, params: Params, cache):
        ep = params.extract
        self.cache, self.models = cache, ep.models_by_language()
        self.identity = {m: model_identity(m) for m in sorted(set(self.models.values()))}
        self.ner_prefix = {m: ner_cache_prefix(m) for m in self.identity}
        self.lang_prefix = language_cache_prefix(params)
        self.labels = ep.labels_by_language()
        self.languages: dict[str, str] = {}  # content hash -> language
        self.spans: dict[str, bytes] = {}  # content hash -> encoded Annotation of its model

    def ner_key(self, h: str, language: str) -> str | None:
        model = self.models.get(language)
        return text_cache_key(self.ner_prefix[model], h) if model else None

    def fill(self, records: list[Record], params: Params, executor) -> None:
        hashes = list(dict.fromkeys(r.content_hash for r in records))
        text = {r.content_hash: r.text for r in records}
        found = self.cache.get_many(text_cache_key(self.lang_prefix, h) for h in hashes)
        self.languages = {h: found[k].decode() for h in hashes
                          if (k := text_cache_key(self.lang_prefix, h)) in found}
        ner = {h: k for h, lang in self.languages.items() if (k := self.ner_key(h, lang))}
        got = self.cache.get_many(ner.values())
        self.spans = {h: got[k] for h, k in ner.items() if k in got}
        todo = [h for h in hashes if h not in self.languages or (h in ner and h not in self.spans)]
        pairs, rp = tuple(sorted(self.models.items())), params.run
        tasks = [(pairs, params.extract.language, [text[h] for h in todo[i:i + CHUNK]],
                  [self.languages.get(h) for h in todo[i:i + CHUNK]], rp.batch_size)
                 for i in range(0, len(todo), CHUNK)]
        fresh: list[tuple[str, bytes]] = []
        progress = current()  # NER is most of a window's time: report it chunk by chunk
        for j, encoded in enumerate(executor.map(annotate_by_language, tasks)):
            progress.working(len(encoded), work=sum(len(t) for t in tasks[j][2]))  # ~ the lines' bytes
            for h, b in zip(todo[j * CHUNK:(j + 1) * CHUNK], encoded):
                a = decode_annotation(b)
                if h not in self.languages:
                    self.languages[h] = a.language
                    fresh.append((text_cache_key(self.lang_prefix, h), a.language.encode()))
                if (k := self.ner_key(h, a.language)):
                    self.spans[h] = encode_annotation(type(a)(a.spans))
                    fresh.append((k, self.spans[h]))
        self.cache.put_many(fresh)

    def annotation(self, content_hash: str) -> tuple[str, bytes | None]:
        """What finishing a record of this text needs: its language, its model's encoded spans
        (None when its language has no model)."""
        language = self.languages[content_hash]
        return language, self.spans[content_hash] if self.models.get(language) else None

    def annotators(self) -> dict[str, tuple[tuple[str, str], list[str]]]:
        """language -> (model identity, sorted labels kept), for each language with a model."""
        return {lang: (self.identity[m], sorted(self.labels[lang])) for lang, m in self.models.items()}


@dataclass(frozen=True)
class _Finishing:
    """What finishing any record needs beside its own annotation (sent once per executor task)."""

    params: Params
    annotators: dict[str, tuple[tuple[str, str], list[str]]]
    digest: str


def _finish_one(record: Record, language: str, spans: bytes | None, how: _Finishing) -> Record | Rejected:
    """Stats, flags, provenance and entities of one record (`finish_record`); a record whose
    finishing raises becomes an INTERNAL_ERROR rejection."""
    try:
        model, labels = how.annotators[language] if spans is not None else (None, None)
        annotation = Annotation(decode_annotation(spans).spans if spans is not None else [], language)
        return finish_record(record, annotation, how.params.extract, model, how.digest, labels)
    except Exception as exc:  # noqa: BLE001 - a bug on one input must not stop the stage
        return reject(record, Reason.INTERNAL_ERROR, f"extract raised {type(exc).__name__}: {exc}", "extract")


def finish_lines(items: list[tuple[bytes, str, bytes | None]], how: _Finishing) -> list[bytes]:
    """The executor task: each (record line, language, spans) finished, as tagged bytes."""
    dec = RECORD_DECODER
    return [tagged(_finish_one(dec.decode(line), language, spans, how)) for line, language, spans in items]


def _annotated(records, params: Params, cache, executor) -> tuple[_Lookup, _Finishing]:
    lookup = _Lookup(params, cache)
    lookup.fill(records, params, executor)
    return lookup, _Finishing(params, lookup.annotators(), shaping_digest(params))


def finish_records(items: list[tuple[Record, str, bytes | None]], how: _Finishing) -> list[Record | Rejected]:
    """The executor task of `extract_window`: each (record, language, spans) finished."""
    return [_finish_one(record, language, spans, how) for record, language, spans in items]


def extract_window(records: list[Record], params: Params, cache, executor) -> list[Record | Rejected]:
    """Extract a window of cleaned records, in order: each text's language, then its entities with
    the model of that language (none without one), from `cache` (an AnnotationCache) or computed
    on `executor` and stored; then stats, flags and provenance (`finish_record`), on `executor`
    too (map_chunked: in this process for a few). A record whose finishing raises becomes an
    INTERNAL_ERROR rejection. `curate check` calls this; the stage, `extract_lines`."""
    lookup, how = _annotated(records, params, cache, executor)
    items = [(r, *lookup.annotation(r.content_hash)) for r in records]
    return map_chunked(executor, finish_records, items, how)


def extract_lines(lines: list[bytes], params: Params, cache, executor) -> list[bytes]:
    """`extract_window` for the lines of a window, as tagged bytes, the finishing too on
    `executor` (map_chunked); this process decodes only each line's hash and text."""
    texts = [_TEXT_DECODER.decode(ln) for ln in lines]
    lookup, how = _annotated(texts, params, cache, executor)
    items = [(ln, *lookup.annotation(t.content_hash)) for ln, t in zip(lines, texts)]
    del texts
    return map_chunked(executor, finish_lines, items, how)


_TEXT_DECODER = msgspec.json.Decoder(view(Record, ["content_hash", "text"], "_HashText"))


def language_cache_prefix(params: Params) -> str:
    """Language keys start with `lang:`, the extraction code and the language rule with its
    thresholds."""
    return f"lang:{extract_code()}:{language_key(params.extract.language)}:"


def annotation_cache_prefix(params: Params, language: str = "en") -> str:
    """Entity keys start with the extraction code and the annotator of the language's model
    (model, version, spaCy)."""
    return ner_cache_prefix(params.extract.models_by_language()[language])


def ner_cache_prefix(model: str) -> str:
    """Entity keys of one model: the extraction code, then its annotator."""
    return f"{extract_code()}:{annotator_key(model)}:"


def annotation_keys(params: Params, content_hash: str, language: str | None) -> list[str]:
    """The annotation cache's keys for one text of this language: its language, its entities."""
    keys = [text_cache_key(language_cache_prefix(params), content_hash)]
    if language in params.extract.models_by_language():
        keys.append(text_cache_key(annotation_cache_prefix(params, language), content_hash))
    return keys


def extract_cache_prefix(params: Params) -> str:
    """Finished-record keys start with the extraction code, the language rule, every model's
    annotator and the shaping params."""
    models = params.extract.models_by_language()
    annotators = ",".join(f"{lang}={annotator_key(m)}" for lang, m in sorted(models.items()))
    return f"{extract_code()}:{language_cache_prefix(params)}{annotators}:{shaping_digest(params)}:"


def run_extract(root: Path, params: Params, executor=None) -> StageResult:
    """Entities (cached by text hash + annotator), language, stats, flags, provenance."""
    setup = extract_setup(params, executor)  # a missing model fails here
    cache = AnnotationCache(cache_file(root, params, "annotations"))
    # finished records, keyed by input record bytes + extraction code + model + shaping params
    records_cache = AnnotationCache(cache_file(root, params, "extract"))
    prefix = extract_cache_prefix(params)

    try:  # an executor of its own is terminated if the stage fails or is interrupted
        with setup as ex:
            result = run_line_stage(root, "extract", prefix, records_cache,
                                    lambda lines: extract_lines(lines, params, cache, ex))
        result.extra.update(cache_hits=records_cache.hits, cache_misses=records_cache.misses,
                            annotation_hits=cache.hits, annotation_misses=cache.misses)
        return result
    finally:
        cache.close()
        records_cache.close()


def live_keys(m: LiveKeys) -> None:
    """For `curate cache prune`: the annotation keys (language and entities, by text and by the
    language extract gave it) and finished-record keys (by line) of dedup's output lines."""
    langs = msgspec.json.Decoder(view(Record, ["content_hash", "language"], "_LangKeys"))
    m.caches["annotations"].mark(k for line in m.lines("extract") for r in [langs.decode(line)]
                                 for k in annotation_keys(m.params, r.content_hash, r.language))
    prefix = language_cache_prefix(m.params)
    m.caches["annotations"].mark(text_cache_key(prefix, LINE_KEYS.decode(line).content_hash)
                                 for line in m.lines("dedup"))
    prefix = extract_cache_prefix(m.params)
    m.caches["extract"].mark(line_cache_key(prefix, line) for line in m.lines("dedup"))
    m.caches["annotations"].count_missing()
    m.caches["extract"].count_missing()


# the step as an object: per window, `extract_window`
STEP = StageStep(BY_NAME["extract"], run_extract, live_keys=live_keys, window=extract_window, parallel=True,
                 worker_init=_init_worker)
