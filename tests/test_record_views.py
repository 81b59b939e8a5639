"""Readers that need a few fields of many records (report, card, diff) decode through views
generated from the record definition, never through hand-kept copies of its fields."""

import msgspec
import pytest

from curate.record import Entity, Record, Rejected, Source, Stats, encode, view


def _record() -> Record:
    return Record(
        id="reuters-1",
        source=Source(path="wire/a.txt", format="seed_dateline", sha256="ab" * 32),
        title="Fed holds rates",
        date="2024-05-01",
        text="WASHINGTON (Reuters) - The Federal Reserve held rates.",
        entities=[Entity(text="Federal Reserve", label="ORG", start=27, end=42)],
        stats=Stats(chars=54, words=8, sentences=1, paragraphs=1),
        flags=["short"],
    )


def test_a_view_decodes_its_fields_with_the_values_the_record_wrote():
    v = view(Record, ["id", "date", ("source", ["format"]), ("entities", ["label"]), ("stats", ["words"])])
    got = msgspec.json.decode(encode(_record()), type=v)
    assert (got.id, got.date, got.source.format, got.stats.words) == ("reuters-1", "2024-05-01", "seed_dateline", 8)
    assert [e.label for e in got.entities] == ["ORG"]


def test_a_view_holds_nothing_it_did_not_ask_for():
    v = view(Record, ["id", ("source", ["format"])])
    got = msgspec.json.decode(encode(_record()), type=v)
    assert not hasattr(got, "text") and not hasattr(got, "title")
    assert not hasattr(got.source, "path")


def test_a_view_keeps_the_records_defaults_and_required_fields():
    v = view(Record, ["id", "flags", "language", ("stats", ["words"])])
    got = msgspec.json.decode(b'{"id": "x"}', type=v)
    assert (got.flags, got.language, got.stats.words) == ([], None, 0)
    with pytest.raises(msgspec.ValidationError, match="id"):
        msgspec.json.decode(b'{"flags": []}', type=v)


def test_a_view_of_a_rejected_record_reads_the_reason_fields():
    rej = Rejected(id="r", source=Source(path="a", format="jsonl", sha256=""), reason="duplicate", duplicate_of="k")
    got = msgspec.json.decode(encode(rej), type=view(Rejected, ["id", "reason", "duplicate_of"]))
    assert (got.reason, got.duplicate_of) == ("duplicate", "k")


def test_a_view_of_a_field_the_record_does_not_have_fails_when_it_is_defined():
    with pytest.raises(ValueError, match="no field 'headline'"):
        view(Record, ["id", "headline"])


def test_only_struct_fields_can_be_narrowed():
    with pytest.raises(TypeError, match="narrowed"):
        view(Record, [("authors", ["x"])])


def test_the_report_card_and_diff_views_decode_a_full_record():
    from curate.dataset import diff
    from curate.release import card
    from curate.report import build

    line = encode(_record())
    for v in (build.RecordView, card.FactsView, diff.LiteRecord, diff._IdOnly):
        assert msgspec.json.decode(line, type=v).id == "reuters-1"
