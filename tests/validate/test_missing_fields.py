"""One missing-field rule (curate.record.is_missing: None, blank string, empty list or mapping):
the null-rate rules, validate's facts, the quality report and the dataset card count the same
records, and no other module decides what is missing."""

from __future__ import annotations

from pathlib import Path

from curate.layout import ARTICLES, shard_name
from curate.record import Record, Source, Stats, encode
from curate.release.facts import corpus_facts
from curate.report.quality import QualityAccumulator
from curate.validate.corpus_rules import missing_fields
from curate.validate.facts import facts
from tests.builders import modules_using

# the modules that count missing fields with curate.record.is_missing, each one a counter below
COUNTERS = {"curate.validate.corpus_rules", "curate.report.quality", "curate.release.facts"}


def rec(**kw) -> Record:
    base = dict(id="doc-1", source=Source(path="a.txt", format="plaintext", sha256="0"),
                title="Talks resume", date="2024-04-10", dateline="ATHENS", text="Talks resumed.",
                credits={"writing": ["Ann Lee"]}, stats=Stats(chars=14, words=2, sentences=1, paragraphs=1))
    base.update(kw)
    return Record(**base)


def missing_everywhere(record: Record, field: str, tmp: Path) -> dict[str, bool]:
    quality = QualityAccumulator()
    quality.add(record)
    shard = tmp / "corpus/curated" / ARTICLES / shard_name(0)
    shard.parent.mkdir(parents=True, exist_ok=True)
    shard.write_bytes(encode(record) + b"\n")
    return {"null_rate rule": field in missing_fields(record),
            "validate facts": facts(record, frozenset(), "1900-01-01", "2100-01-01")[f"{field}_missing"] is True,
            "quality report": quality.report()["missing"][field]["count"] == 1,
            "dataset card": corpus_facts(tmp).missing[field] == 1}


def test_every_module_that_counts_missing_fields_is_a_counter_here():
    assert modules_using("curate.record", "is_missing") == COUNTERS


def test_a_blank_title_is_missing_for_every_counter(tmp_path):
    assert set(missing_everywhere(rec(title="  \n"), "title", tmp_path).values()) == {True}


def test_empty_credits_are_missing_for_every_counter(tmp_path):
    assert set(missing_everywhere(rec(credits={}), "credits", tmp_path).values()) == {True}


def test_a_dateline_its_format_should_carry_is_missing_for_every_counter(tmp_path):
    record = rec(dateline=None, flags=["no_dateline"])
    assert set(missing_everywhere(record, "dateline", tmp_path).values()) == {True}


def test_a_dateline_its_format_never_carries_is_missing_for_no_counter(tmp_path):
    assert set(missing_everywhere(rec(dateline=None), "dateline", tmp_path).values()) == {False}


def test_a_present_title_is_missing_for_no_counter(tmp_path):
    assert set(missing_everywhere(rec(), "title", tmp_path).values()) == {False}
