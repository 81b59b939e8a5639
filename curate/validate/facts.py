"""The contract facts of one record: the scalar row the validate schema checks (curate.validate.rules).

Light on purpose (no pandera, no polars): the validate stage computes these on its executor's
workers, which import only this module for it (`facts_lines`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping

from curate.record import RECORD_DECODER, Record, encode, is_safe_id
from curate.validate.corpus_rules import missing_facts

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$")


def _real_date(value: str | None) -> bool:
    if value is None or not _DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _offsets_ok(text: str, entities) -> bool:
    """Every entity span lies inside the text and spells exactly its `text`."""
    n = len(text)
    for e in entities:
        start, end = e.start, e.end
        if not (0 <= start < end <= n and text[start:end] == e.text):
            return False
    return True


def facts(record: Record, labels: frozenset[str] | Mapping[str | None, frozenset[str]], date_min: str,
          date_max: str) -> dict:
    """The scalar facts about one record that the schema checks. `labels`: the entity labels
    allowed, one set for every record or one per language (a language absent allows none)."""
    text = record.text
    allowed = labels if isinstance(labels, frozenset) else labels.get(record.language, frozenset())
    date_ok = _real_date(record.date)
    pub = record.published_at
    return {
        "id": record.id,
        "id_safe": is_safe_id(record.id),
        "content_hash_ok": record.content_hash == hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "offsets_ok": _offsets_ok(text, record.entities),
        "labels_ok": {e.label for e in record.entities} <= allowed,
        "published_at_ok": pub is None or (bool(_ISO_TS.match(pub)) and pub[:10] == record.date),
        "text_chars": len(text.strip()),
        "date": date_ok or record.date is None,
        "date_in_window": (not date_ok) or (date_min <= record.date <= date_max),
        "date_value": record.date,  # for the detail of a rejection (not a check)
        "words": record.stats.words,
        # title/dateline/date/credits_missing, by the one missing rule; dateline null (not
        # counted) for a format that never carries one: clean flags `no_dateline` only where the
        # conventions table says the format carries one
        **missing_facts(record),
        # which validate.sources entry the record belongs to (taken out before the frame is built)
        "source_path": record.source.path,
        "source_format": record.source.format,
    }


def facts_lines(lines: list[bytes], how: tuple) -> list[tuple[dict, bytes | None]]:
    """The executor task: each extracted line's facts (`facts(record, *how)`), and its canonical
    encoding when the line is not exactly that (not written by extract; else None)."""
    out = []
    for line in lines:
        record = RECORD_DECODER.decode(line)
        canonical = encode(record)
        out.append((facts(record, *how), canonical if canonical != line else None))
    return out
