"""Reader `newsml_g2`: NewsML-G2 newsItems, alone or in a newsMessage; one input per item."""

from __future__ import annotations

import time

import msgspec

from curate.params import Params
from curate.readers import ids
from curate.record import Reason, encode
from curate.dedup.decisions import DedupKey, dedup_decisions

from .builders import (G2_NS, XML_DECL, accepted, g2_item, g2_message, labels, never_leaks,
                       only, read, rejected_with, write)


def test_every_field_of_a_news_item(tmp_path):
    rel = write(tmp_path, "g2/fed.xml", XML_DECL + g2_item(version=9))
    rec = accepted(only(tmp_path, rel))
    assert rec.id == ids.safe_id("newsml-", "urn:newsml:example.com:20161018:US-FINANCE-FED")
    assert rec.id.startswith("newsml-urn_newsml_example.com_20161018_US-FINANCE-FED-")
    assert (rec.source.format, rec.source.item, rec.source.offset) == \
        ("newsml_g2", "urn:newsml:example.com:20161018:US-FINANCE-FED:9", None)
    assert rec.title == "Fed to halt QE to avert bubble"
    assert rec.authors == ["Meredith Jameson", "Tom Poe"]
    assert rec.credits == {"credit": ["Example Enews"]}
    assert rec.dateline == "BERLIN"
    assert (rec.date, rec.published_at, rec.modified_at) == \
        ("2016-10-18", "2016-10-18T13:12:21-05:00", "2016-10-21T16:25:32-05:00")
    assert (rec.publisher, rec.agency) == ("Reuters", "Reuters")
    assert rec.description == "The Fed stops buying bonds."
    assert labels(rec) == [("medtop", "04000000"), ("medtop:name", "economy, business and finance"),
                           ("medtop", "20000523"), ("medtop:name", "labour market"),
                           ("subj", "04000000"), ("genre", "interview"), ("genre:name", "Interview")]
    assert rec.text == "The Fed said it would halt bond buying.\n\nMarkets rose."
    assert rec.language == "en"
    assert rec.flags == [] and rec.tickers == [] and rec.url is None
    assert rec.provenance.reader == "newsml_g2/1"


def test_a_message_of_several_items_gives_one_input_each(tmp_path):
    msg = g2_message(g2_item(guid="tag:example.com,2018:a", headline="First"),
                     g2_item(guid="tag:example.com,2018:b", headline="Second", ns=False),
                     '<packageItem guid="tag:example.com,2018:pkg" version="1"/>')
    out = read(tmp_path, write(tmp_path, "msg.xml", msg))
    assert [r.title for r in out[:2]] == ["First", "Second"]
    assert [r.source.item for r in out] == ["tag:example.com,2018:a:1", "tag:example.com,2018:b:1",
                                            "tag:example.com,2018:pkg"]
    rej = rejected_with(out[2], Reason.UNKNOWN_LAYOUT)
    assert "packageItem" in rej.detail
    assert rej.id == ids.path_id("msg.xml", 3)


def test_versions_of_a_story_share_the_id_and_dedup_keeps_the_latest(tmp_path):
    v1 = g2_item(version=1, created="2016-10-18T13:12:21-05:00", body="<p>First take.</p>")
    v2 = g2_item(version=2, created="2016-10-18T15:00:00-05:00", body="<p>Second take, longer.</p>")
    new = accepted(only(tmp_path, write(tmp_path, "a/v2.xml", v2)))
    old = accepted(only(tmp_path, write(tmp_path, "b/v1.xml", v1)))  # sorts after: path is no help
    assert new.id == old.id
    assert new.published_at == old.published_at   # firstCreated is shared
    keys = [msgspec.json.decode(encode(r), type=DedupKey) for r in (new, old)]  # as dedup reads them
    drop = dedup_decisions(keys, Params())
    assert list(drop) == [1]
    assert drop[1][0] == Reason.STORY_VERSION and drop[1][1] == new.id


def test_creators_are_authors_only_when_they_are_people(tmp_path):
    people = ('<creator uri="http://www.example.com/staff/mjameson"><name>Meredith Jameson</name></creator>'
              '<creator literal="Opta Sports Data" qcode="NS:OPTA" role="cRole:source"/>'
              '<contributor role="crole:editor"><name>Sam Editor</name></contributor>')
    rec = accepted(only(tmp_path, write(tmp_path, "a.xml", g2_item(people=people))))
    assert rec.authors == ["Meredith Jameson"]
    assert rec.credits == {"credit": ["Example Enews"], "editing": ["Sam Editor"]}


def test_a_dateline_holding_only_a_time_gives_the_located_place(tmp_path):
    item = g2_item(dateline="<dateline>2018-01-03 20:13:08 GMT+00:00</dateline>")
    assert accepted(only(tmp_path, write(tmp_path, "a.xml", item))).dateline == "Berlin"


def test_a_text_body_without_paragraph_elements(tmp_path):
    item = g2_item(body="Jan 3 (OPTA) - Results\n  Aves 1 Moreirense 2\n\n\n  Thursday fixtures")
    rec = accepted(only(tmp_path, write(tmp_path, "a.xml", item)))
    assert rec.text == "Jan 3 (OPTA) - Results Aves 1 Moreirense 2\n\nThursday fixtures"


def test_an_inline_nitf_body(tmp_path):
    content = ('<inlineXML contenttype="application/nitf+xml"><nitf xmlns="http://iptc.org/std/NITF/2006-10-18/">'
               '<body><body.content><p>One.</p><p>Two.</p></body.content></body></nitf></inlineXML>')
    rec = accepted(only(tmp_path, write(tmp_path, "a.xml", g2_item(content=content))))
    assert rec.text == "One.\n\nTwo."


def test_an_item_without_text_is_header_only_with_its_fields(tmp_path):
    content = '<inlineXML contenttype="application/nitf+xml"><!-- nothing --></inlineXML>'
    rej = rejected_with(only(tmp_path, write(tmp_path, "a.xml", g2_item(content=content))),
                        Reason.HEADER_ONLY)
    assert rej.title == "Fed to halt QE to avert bubble" and rej.source.item.endswith(":1")


def test_a_naive_timestamp_gives_the_day_and_a_flag(tmp_path):
    rec = accepted(only(tmp_path, write(tmp_path, "a.xml", g2_item(first="2016-10-18T13:12:21"))))
    assert (rec.date, rec.published_at) == ("2016-10-18", None)
    assert rec.flags == ["naive_timestamp"]


def test_a_truncated_message_is_one_rejection(tmp_path):
    msg = g2_message(g2_item(guid="a"), g2_item(guid="b"))
    rej = rejected_with(only(tmp_path, write(tmp_path, "cut.xml", msg[: len(msg) - 200])),
                        Reason.MALFORMED_MARKUP)
    assert "not well-formed" in rej.detail


def test_an_external_entity_never_reaches_a_record(tmp_path):
    doc = ('<?xml version="1.0"?>\n<!DOCTYPE newsItem [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
           + g2_item(headline="&xxe;", body="<p>&xxe;</p>"))
    rej = rejected_with(only(tmp_path, write(tmp_path, "xxe.xml", doc)), Reason.UNSAFE_MARKUP)
    never_leaks(rej)


def test_a_nested_entity_bomb_is_rejected_at_once(tmp_path):
    decls = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 12))
    doc = f'<!DOCTYPE newsMessage [{decls}]>' + g2_message(g2_item(body="<p>&a11;</p>"))[len(XML_DECL):]
    start = time.perf_counter()
    rej = rejected_with(only(tmp_path, write(tmp_path, "bomb.xml", doc)), Reason.UNSAFE_MARKUP)
    assert time.perf_counter() - start < 2 and "12 entities" in rej.detail


def test_sniffed_by_the_root_element(tmp_path):
    rec = only(tmp_path, write(tmp_path, "feed", f'<!-- feed -->\n<nar:newsItem xmlns:nar="{G2_NS}" '
                               'guid="x" version="1"><nar:contentSet/></nar:newsItem>'))
    assert rec.source.format == "newsml_g2"
    rejected_with(rec, Reason.HEADER_ONLY)


def test_the_items_xhtml_header_is_no_part_of_the_text(tmp_path):
    header = ('<header><ul class="slugline"><li>Politics</li><li>Germany</li></ul>'
              '<time datetime="2016-10-18T13:12:21+02:00">18.10.2016 13:12</time>'
              '<p class="genre">Report</p></header>')
    xml = g2_item(body=f"{header}<section><p>The Fed said it would halt bond buying.</p></section>")
    rec = accepted(only(tmp_path, write(tmp_path, "dpa/item.xml", XML_DECL + xml)))
    assert rec.text == "The Fed said it would halt bond buying."


def test_a_canceled_item_is_read_with_its_flag_even_without_text(tmp_path):
    xml = g2_item(body="", meta_extra="").replace('qcode="stat:usable"', 'qcode="stat:canceled"')
    rec = accepted(only(tmp_path, write(tmp_path, "feed/cancel.xml", XML_DECL + xml)))
    assert "canceled" in rec.flags and rec.text == ""
    assert rec.id == ids.safe_id("newsml-", "urn:newsml:example.com:20161018:US-FINANCE-FED")


def test_a_cancellation_withdraws_the_story_it_cancels_once_cleaned(tmp_path):
    from curate.clean.stage import clean_one

    story_v1 = g2_item(version=1, created="2016-10-18T13:12:21-05:00", body="<p>First take.</p>")
    cancel = g2_item(version=2, created="2016-10-18T15:00:00-05:00", body="").replace(
        'qcode="stat:usable"', 'qcode="stat:canceled"')
    recs = [clean_one(accepted(only(tmp_path, write(tmp_path, rel, xml))), Params())
            for rel, xml in (("a/v1.xml", story_v1), ("b/cancel.xml", cancel))]
    keys = [msgspec.json.decode(encode(r), type=DedupKey) for r in recs]  # as dedup reads them
    drop = dedup_decisions(keys, Params())
    assert [drop[0][0], drop[1][0]] == [Reason.WITHDRAWN, Reason.CANCELLATION]
