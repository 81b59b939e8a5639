"""One missing-field rule (curate.record.is_missing: None, blank string, empty list or mapping):
the null-rate rules, validate's facts and the quality report count the same records."""

from __future__ import annotations

from curate.dataset.quality import QualityAccumulator
from curate.record import Record, Source, Stats
from curate.validate.corpus_rules import missing_fields
from curate.validate.facts import facts


def rec(**kw) -> Record:
    base = dict(id="doc-1", source=Source(path="a.txt", format="plaintext", sha256="0"),
                title="Talks resume", date="2024-04-10", dateline="ATHENS", text="Talks resumed.",
                credits={"writing": ["Ann Lee"]}, stats=Stats(chars=14, words=2, sentences=1, paragraphs=1))
    base.update(kw)
    return Record(**base)


def missing_everywhere(record: Record, field: str) -> dict[str, bool]:
    quality = QualityAccumulator()
    quality.add(record)
    return {"null_rate rule": field in missing_fields(record),
            "validate facts": facts(record, frozenset(), "1900-01-01", "2100-01-01")[f"{field}_missing"] is True,
            "quality report": quality.missing[field] == 1}


def test_a_blank_title_is_missing_for_every_counter():
    assert set(missing_everywhere(rec(title="  \n"), "title").values()) == {True}


def test_empty_credits_are_missing_for_every_counter():
    assert set(missing_everywhere(rec(credits={}), "credits").values()) == {True}


def test_a_present_title_is_missing_for_no_counter():
    assert set(missing_everywhere(rec(), "title").values()) == {False}
