"""Reader `ninjs`: IPTC ninjs 1.x and 2.x JSON items, sniffed before jsonl by content."""

from __future__ import annotations

import json

from curate.readers import ids
from curate.record import Reason

from .builders import (accepted, labels, ninjs1, ninjs2, only, pretty, read, rejected_with,
                       write)


def test_every_field_of_a_ninjs_1_item(tmp_path):
    rec = accepted(only(tmp_path, write(tmp_path, "n/item.json", pretty(ninjs1()))))
    uri = "http://ninjs.example.com/newsitems/20130709simp123"
    assert rec.id == ids.safe_id("ninjs-", uri)
    assert (rec.source.format, rec.source.item, rec.source.line) == ("ninjs", f"{uri}:2", None)
    assert rec.title == "Ship's captain goes on trial"
    assert rec.authors == ["Jane Roe", "John Doe"]
    assert rec.credits == {}
    assert rec.dateline == "GROSSETO, Italy"
    assert (rec.date, rec.published_at, rec.modified_at) == \
        ("2013-07-09", "2013-07-09T08:00:00+02:00", "2013-07-09T10:37:00+00:00")
    assert (rec.publisher, rec.agency) == ("The Associated Press", "AP")
    assert rec.description == "The trial has begun."
    assert labels(rec) == [("subjectcode", "02000000"), ("subjectcode:name", "justice"),
                           ("genre", "Current"), ("genre:name", "Current")]
    assert rec.text == "GROSSETO, Italy (AP) -- The trial began.\n\nThe captain said nothing."
    assert rec.language == "en"
    assert rec.flags == [] and rec.url is None
    assert rec.provenance.reader == "ninjs/1"


def test_every_field_of_a_ninjs_2_item(tmp_path):
    rec = accepted(only(tmp_path, write(tmp_path, "n/item2.json", pretty(ninjs2()))))
    assert rec.id == "ninjs-urn_example_2023_story-42-" + rec.id.rsplit("-", 1)[1]
    assert rec.source.item == "urn:example:2023:story-42:3"
    assert rec.title == "Streik legt Bahnverkehr lahm"
    assert rec.authors == ["Anna Beispiel"]   # "Von" is German "By"
    assert rec.dateline == "Berlin"
    assert (rec.date, rec.published_at, rec.modified_at) == \
        ("2023-03-01", "2023-03-01T09:00:00+01:00", "2023-03-01T11:30:00+01:00")
    assert (rec.publisher, rec.agency) == ("dpa", "dpa")
    assert rec.description == "Ein Streik legt den Bahnverkehr lahm."
    assert labels(rec) == [("mediatopic", "20000530"), ("mediatopic:name", "Arbeitskampf")]
    assert rec.text == "BERLIN (dpa) - Ein Streik hat begonnen.\n\nZüge stehen still."
    assert rec.language == "de"


def test_plain_text_body_when_there_is_no_html(tmp_path):
    obj = ninjs1(body_html=None, body_text="First para.\n\nSecond\npara.")
    rec = accepted(only(tmp_path, write(tmp_path, "a.json", pretty(obj))))
    assert rec.text == "First para.\n\nSecond para."


def test_guid_instead_of_uri_and_an_authors_list(tmp_path):
    obj = ninjs1(uri=None, guid="urn:newsml:localhost:2017:abc", byline=None, firstcreated=None,
                 authors=[{"name": "John Writer", "role": "writer"}, {"name": "Ed Itor", "role": "editor"}])
    rec = accepted(only(tmp_path, write(tmp_path, "a.json", pretty(obj))))
    assert rec.id == ids.safe_id("ninjs-", "urn:newsml:localhost:2017:abc")
    assert rec.authors == ["John Writer"]
    assert rec.published_at == rec.modified_at == "2013-07-09T10:37:00+00:00"


def test_an_array_of_items_gives_one_input_each(tmp_path):
    items = [ninjs1(uri="urn:a", headline="A"), ninjs1(uri=None, headline="B"), "not an item"]
    out = read(tmp_path, write(tmp_path, "many.json", pretty(items)))
    assert [r.title for r in out[:2]] == ["A", "B"]
    assert [r.id for r in out] == ["ninjs-urn_a-" + out[0].id.rsplit("-", 1)[1],
                                   ids.path_id("many.json", 2), ids.path_id("many.json", 3)]
    rejected_with(out[2], Reason.MALFORMED_JSONL)


def test_an_item_without_text_is_header_only(tmp_path):
    obj = ninjs1(type="picture", body_html=None, body_text=None)
    rej = rejected_with(only(tmp_path, write(tmp_path, "pic.json", pretty(obj))), Reason.HEADER_ONLY)
    assert rej.title == "Ship's captain goes on trial"


def test_a_one_line_ninjs_object_is_ninjs(tmp_path):
    rec = only(tmp_path, write(tmp_path, "one.jsonl", json.dumps(ninjs1()) + "\n"))
    assert rec.source.format == "ninjs"


def test_jsonl_articles_stay_with_the_jsonl_reader(tmp_path):
    lines = [{"id": "a1", "title": "T", "text": "Body.", "date": "2020-01-02", "url": "http://x/1"},
             {"id": "a2", "title": "U", "text": "More.", "date": "2020-01-03", "type": "text"}]
    one_line = write(tmp_path, "one.jsonl", json.dumps(lines[1]) + "\n")
    many = write(tmp_path, "many.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    ninjs_lines = write(tmp_path, "ninjs.jsonl", json.dumps(ninjs1()) + "\n" + json.dumps(ninjs2()) + "\n")
    assert only(tmp_path, one_line).source.format == "jsonl"
    assert {r.source.format for r in read(tmp_path, many)} == {"jsonl"}
    # JSON Lines of ninjs items are not one JSON value: jsonl reads them (with its field mapping)
    assert {r.source.format for r in read(tmp_path, ninjs_lines)} == {"jsonl"}


def test_a_pretty_printed_object_without_ninjs_keys_is_not_ninjs(tmp_path):
    rel = write(tmp_path, "other.json", pretty({"id": "x", "text": "Body", "title": "T"}))
    assert {r.source.format for r in read(tmp_path, rel)} == {"json"}  # the JSON document reader, not ninjs


def test_an_api_response_wrapping_its_items_gives_one_input_per_item(tmp_path):
    one, two = ninjs1(uri="urn:example:a"), ninjs1(uri="urn:example:b", headline="Second story")
    for key in ("item", "data"):
        out = read(tmp_path, write(tmp_path, f"n/{key}.json", pretty({key: [one, two], "total": 2})))
        assert [accepted(r).source.format for r in out] == ["ninjs", "ninjs"]
        assert [r.title for r in out] == ["Ship's captain goes on trial", "Second story"]
        assert out[1].id == ids.safe_id("ninjs-", "urn:example:b")


def test_a_canceled_item_is_read_with_its_flag_even_without_text(tmp_path):
    obj = ninjs1(pubstatus="canceled", body_html=None, body_text=None)
    rec = accepted(only(tmp_path, write(tmp_path, "n/cancel.json", pretty(obj))))
    assert "canceled" in rec.flags and rec.id == ids.safe_id("ninjs-", obj["uri"])
