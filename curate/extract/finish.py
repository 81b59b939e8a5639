"""Extraction: per-record statistics, language, entities and provenance (computed, not decided).

A record's entities come from the model of its language (extract.models); a record whose
language has no model keeps no entities and gets the flag `no_ner_model`, its provenance names
no model.

Statistics and flags are computed here and stored on the record; decisions that use them
(reject too-short texts, dates out of range) live in `validate`, driven by params.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec

from curate import __version__
from curate.extract.annotate import Annotation
from curate.extract.language import LANGUAGE_RULE
from curate.params import ExtractParams
from curate.record import Entity, Provenance, Record, Stats

RULES_VERSION = {"extract": "extract/1", "stats": "stats/1", "language": LANGUAGE_RULE}

_WORD = re.compile(r"\S+")
# a sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace
_SENT_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s|$)")
_ABBREV = re.compile(
    r"\b(?:[A-Z]\.|Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Inc|Corp|Co|Ltd|No|vs|Gen|Gov|Sen|Rep|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|U\.K|E\.U)\.$"
)


def compute_stats(text: str) -> Stats:
    """chars, words (whitespace tokens), sentences (rule-based), paragraphs (blocks split by \\n\\n)."""
    if not text:
        return Stats()
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    sentences = 0
    for para in paragraphs:
        n = 0
        for m in _SENT_END.finditer(para):
            head = para[max(0, m.start() - 6) : m.end()].rstrip("\"'”’)]")
            if not _ABBREV.search(head):
                n += 1
        # a paragraph without terminal punctuation still holds one sentence
        if not para.rstrip().endswith((".", "!", "?", '"', "”", "'", "’", ")")):
            n += 1
        sentences += max(n, 1)
    return Stats(
        chars=len(text),
        words=len(_WORD.findall(text)),
        sentences=sentences,
        paragraphs=len(paragraphs),
    )


def entities_from(text: str, annotation: Annotation, labels: Sequence[str]) -> list[Entity]:
    """Entities whose label is allowed and whose span indexes into text (always true by build)."""
    allowed = set(labels)
    out = []
    for start, end, label in annotation.spans:
        if label in allowed and 0 <= start < end <= len(text):
            out.append(Entity(text=text[start:end], label=label, start=start, end=end))
    return out


NO_NER_MODEL = "no_ner_model"  # the record's language has no NER model in extract.models


def extract_flags(record: Record, stats: Stats, params: ExtractParams, has_model: bool = True) -> list[str]:
    flags = set(record.flags)
    if not has_model:
        flags.add(NO_NER_MODEL)
    if stats.words < params.short_words:
        flags.add("very_short")
    if record.title is None:
        flags.add("no_title")
    return sorted(flags)


def finish_record(
    record: Record,
    annotation: Annotation,
    params: ExtractParams,
    model: tuple[str, str] | None,
    params_sha256: str,
    labels: Sequence[str] | None = None,
) -> Record:
    """Fill entities and language (from the annotation), stats, flags and provenance of a cleaned
    record. `model`: (name, version) of the model that annotated it, None when its language has
    none; `labels`: the labels kept for its language (default: extract.entity_labels)."""
    stats = compute_stats(record.text)
    rules = dict(record.provenance.rules)
    rules.update(RULES_VERSION)
    kept = params.entity_labels if labels is None else labels
    return msgspec.structs.replace(
        record,
        entities=entities_from(record.text, annotation, kept) if model else [],
        language=annotation.language,  # computed with the entities, in the workers, and cached
        stats=stats,
        flags=extract_flags(record, stats, params, has_model=model is not None),
        provenance=Provenance(
            toolkit=f"curate {__version__}",
            reader=record.provenance.reader,
            rules=rules,
            model=model[0] if model else None,
            model_version=model[1] if model else None,
            params_sha256=params_sha256,
        ),
    )
