"""Reader `nitf`: IPTC NITF 3.x documents; one input per `<nitf>` document; untrusted XML."""

from __future__ import annotations

import time

from curate.readers import ids
from curate.record import Reason

from .builders import (PASSWD, XML_DECL, accepted, labels, never_leaks, nitf, only, read,
                       rejected_with, write)


def test_every_field_of_a_nitf_document(tmp_path):
    doc = nitf(
        head_extra=('<tobject tobject.type="news"><tobject.subject tobject.subject.ipr="IPTC" '
                    'tobject.subject.refnum="04000000" tobject.subject.type="Economy, Business '
                    '&amp; Finance"/><tobject.subject tobject.subject.refnum="06006000" '
                    'tobject.subject.type="Environmental Issue" tobject.subject.matter="climate '
                    'change"/></tobject><iim ver="32000"><ds num="2:15" value="BUS"/>'
                    '<ds num="2:20" value="ENV"/></iim>'),
        docdata_extra=('<key-list><keyword key="emissions"/></key-list><identified-content>'
                       '<classifier class="indexing_service" type="descriptor">Air Pollution'
                       '</classifier></identified-content>'))
    rel = write(tmp_path, "feeds/story.xml", XML_DECL + doc)
    rec = accepted(only(tmp_path, rel))
    assert rec.id == "nitf-AP-2015-12-10-0001"
    assert (rec.source.path, rec.source.format, rec.source.item, rec.source.offset) == \
        ("feeds/story.xml", "nitf", "AP-2015-12-10-0001", None)
    assert rec.title == "Pollution trading returns"
    assert rec.authors == ["JANE ROE"]          # the byttl "AP Business Writer" is not a name
    assert rec.credits == {}
    assert rec.dateline == "NEW YORK"
    assert (rec.date, rec.published_at) == ("2015-12-10", "2015-12-10T19:10:44-05:00")
    assert rec.modified_at is None
    assert (rec.publisher, rec.agency) == ("AP", "AP")
    assert rec.description is None
    assert labels(rec) == [("subj", "04000000"), ("subj:name", "Economy, Business & Finance"),
                           ("subj", "06006000"), ("subj:name", "climate change"),
                           ("iim:category", "BUS"), ("iim:supplemental-category", "ENV"),
                           ("keyword", "emissions"), ("classifier:descriptor", "Air Pollution")]
    assert rec.text == "NEW YORK (AP) — Farms capture the gas.\n\nPrices fell, traders said."
    assert rec.language == "en"
    assert rec.url is None and rec.tickers == [] and rec.flags == []
    assert rec.provenance.reader == "nitf/1"


def test_byline_person_elements_are_the_authors(tmp_path):
    doc = nitf(byline=('<byline>By <person>Ann Lee</person> and <person>Bo Kim</person>'
                       '<byttl>Staff Writers</byttl></byline>'))
    rec = accepted(only(tmp_path, write(tmp_path, "a.xml", doc)))
    assert rec.authors == ["Ann Lee", "Bo Kim"]


def test_byline_text_names_drop_the_agency(tmp_path):
    doc = nitf(byline="<byline>By Colleen Slevin, Associated Press</byline>")
    assert accepted(only(tmp_path, write(tmp_path, "a.xml", doc))).authors == ["Colleen Slevin"]


def test_dateline_without_location_drops_the_story_date(tmp_path):
    doc = nitf(dateline='<dateline>LIMA, Peru, <story.date norm="20151210">Dec. 10</story.date></dateline>')
    assert accepted(only(tmp_path, write(tmp_path, "a.xml", doc))).dateline == "LIMA, Peru"


def test_a_day_without_time_gives_the_date_only(tmp_path):
    rec = accepted(only(tmp_path, write(tmp_path, "a.xml", nitf(date_issue="20151210"))))
    assert (rec.date, rec.published_at, rec.flags) == ("2015-12-10", None, [])


def test_pubdata_is_publisher_and_first_date(tmp_path):
    doc = nitf(head_extra=('<pubdata type="print" name="The New York Times" '
                           'date.publication="19870101T000000Z"/>'))
    rec = accepted(only(tmp_path, write(tmp_path, "a.xml", doc)))
    assert (rec.publisher, rec.agency) == ("The New York Times", "AP")
    assert rec.published_at == "1987-01-01T00:00:00+00:00"


def test_nyt_corpus_layout_reads_full_text_once_and_the_print_byline(tmp_path):
    doc = ('<nitf change.date="June 10, 2005" change.time="19:30" version="-//IPTC//DTD NITF 3.3//EN">'
           '<head><title>Test Story</title><docdata><doc-id id-string="1815718"/>'
           '<doc.copyright holder="The New York Times" year="1987"/></docdata>'
           '<pubdata date.publication="19870101T000000" name="The New York Times"/></head>'
           '<body><body.head><hedline><hl1>A Headline</hl1></hedline>'
           '<byline class="print_byline">By JOHN DOE</byline>'
           '<byline class="normalized_byline">Doe, John</byline>'
           '<abstract><p>A short abstract.</p></abstract></body.head><body.content>'
           '<block class="lead_paragraph"><p>First paragraph.</p></block>'
           '<block class="full_text"><p>First paragraph.</p><p>Second paragraph.</p></block>'
           '</body.content></body></nitf>')
    rec = accepted(only(tmp_path, write(tmp_path, "nyt/1815718.xml", doc)))
    assert rec.id == "nitf-1815718"
    assert rec.authors == ["JOHN DOE"]
    assert rec.text == "First paragraph.\n\nSecond paragraph."
    assert rec.description == "A short abstract."
    assert (rec.publisher, rec.agency) == ("The New York Times", None)
    assert (rec.date, rec.published_at) == ("1987-01-01", None)  # a naive time gives the day only
    assert rec.flags == ["naive_timestamp"]


def test_several_documents_in_one_file_are_one_input_each(tmp_path):
    data = (XML_DECL + nitf(id_string="A-1", hl1="First") + "\n" + nitf(id_string=None, hl1="Second")
            + "\n" + nitf(id_string="A-3", hl1="Third"))
    rel = write(tmp_path, "bundle.xml", data)
    out = read(tmp_path, rel)
    assert [accepted(r).title for r in out] == ["First", "Second", "Third"]
    assert [r.id for r in out] == ["nitf-A-1", ids.path_id(rel, 2), "nitf-A-3"]
    assert [r.source.item for r in out] == ["A-1", "2", "A-3"]
    raw = (tmp_path / rel).read_bytes()
    for r in out:
        assert raw[r.source.offset:].startswith(b"<nitf ")


def test_a_truncated_last_document_is_rejected_and_the_others_kept(tmp_path):
    second = nitf(id_string="A-2", hl1="Cut")
    data = nitf(id_string="A-1", hl1="Whole") + "\n" + second[: len(second) // 2]
    out = read(tmp_path, write(tmp_path, "cut.xml", data))
    assert accepted(out[0]).title == "Whole"
    rej = rejected_with(out[1], Reason.MALFORMED_MARKUP)
    offset = len(nitf(id_string="A-1", hl1="Whole").encode()) + 1
    assert "document 2" in rej.detail and f"byte {offset}" in rej.detail and "truncated" in rej.detail
    assert rej.source.offset == offset


def test_documents_kept_from_a_cut_file_are_flagged_and_lose_a_tie_to_an_intact_copy(tmp_path):
    import msgspec

    from curate.dedup.decisions import DedupKey, dedup_decisions
    from curate.params import Params
    from curate.record import encode

    second = nitf(id_string="A-2", hl1="Cut")
    cut = read(tmp_path, write(tmp_path, "a-cut.xml", nitf(id_string="A-1") + "\n" + second[:200]))[0]
    whole = only(tmp_path, write(tmp_path, "b-whole.xml", nitf(id_string="A-1")))
    assert "damaged_source" in accepted(cut).flags and "damaged_source" not in accepted(whole).flags
    keys = [msgspec.json.decode(encode(r), type=DedupKey) for r in (cut, whole)]
    assert list(dedup_decisions(keys, Params())) == [0]


def test_a_malformed_document_is_rejected_with_the_parser_message(tmp_path):
    doc = nitf().replace("</hl1>", "</hl2>")
    rej = rejected_with(only(tmp_path, write(tmp_path, "bad.xml", doc)), Reason.MALFORMED_MARKUP)
    assert "not well-formed" in rej.detail and "line" in rej.detail


def test_a_document_without_body_text_is_header_only_with_its_fields(tmp_path):
    rej = rejected_with(only(tmp_path, write(tmp_path, "a.xml", nitf(paragraphs=()))), Reason.HEADER_ONLY)
    assert rej.title == "Pollution trading returns" and rej.dateline == "NEW YORK"


def test_an_external_entity_never_reaches_a_record(tmp_path):
    doc = ('<?xml version="1.0"?>\n<!DOCTYPE nitf [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
           + nitf(hl1="&xxe;", paragraphs=("Leak: &xxe;",)))
    rec = only(tmp_path, write(tmp_path, "xxe.xml", doc))
    rej = rejected_with(rec, Reason.UNSAFE_MARKUP)
    assert "declares 1 entity" in rej.detail
    never_leaks(rej)
    assert rej.text == "" and rej.title is None


def test_a_nested_entity_bomb_is_rejected_at_once(tmp_path):
    decls = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 12))
    doc = f'<?xml version="1.0"?>\n<!DOCTYPE nitf [{decls}]>\n' + nitf(paragraphs=("&a11;",))
    start = time.perf_counter()
    rej = rejected_with(only(tmp_path, write(tmp_path, "bomb.xml", doc)), Reason.UNSAFE_MARKUP)
    assert time.perf_counter() - start < 2
    assert "declares 12 entities" in rej.detail
    assert len(rej.text) < 100


def test_the_parser_alone_never_expands_an_entity(tmp_path):
    """Even past the declaration check, the parser neither reads files nor expands bombs."""
    from curate.readers import markup

    xxe = (b'<!DOCTYPE nitf [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b"<nitf><body><body.content><p>a &xxe; b</p></body.content></body></nitf>")
    root, problem = markup.parse(xxe)
    flags: list[str] = []
    assert problem is None
    assert markup.paragraphs(markup.first(root, "body.content"), flags) == ["a b"]
    assert flags == ["unresolved_entity"]
    decls = b'<!ENTITY a0 "ha">' + b"".join(
        b'<!ENTITY a%d "%s">' % (i, (b"&a%d;" % (i - 1)) * 10) for i in range(1, 12))
    root, problem = markup.parse(b"<!DOCTYPE nitf [" + decls + b"]><nitf><p>&a11;</p></nitf>")
    assert root is None or len("".join(root.itertext())) < 1000
    if root is None:
        assert problem


def test_named_entities_of_a_dtd_that_is_not_loaded(tmp_path):
    doc = ('<!DOCTYPE nitf SYSTEM "http://www.nitf.org/IPTC/NITF/3.4/specification/dtd/nitf-3-4.dtd">\n'
           + nitf(paragraphs=("Caf&eacute;&nbsp;owner&mystery; spoke.",)))
    rec = accepted(only(tmp_path, write(tmp_path, "ent.xml", doc)))
    assert rec.text == "Café owner spoke."  # NBSP: a space once whitespace is normalised
    assert rec.flags == ["unresolved_entity"]


def test_sniffed_by_content_whatever_the_file_name(tmp_path):
    rec = accepted(only(tmp_path, write(tmp_path, "no-extension", "\n\n" + nitf())))
    assert rec.source.format == "nitf"
    assert PASSWD not in rec.text


def test_latin1_document_with_its_declared_encoding(tmp_path):
    doc = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n'
           + nitf(hl1="Caf\u00e9 owners", paragraphs=("Se\u00f1or Ruiz spoke.",)))
    rec = accepted(only(tmp_path, write(tmp_path, "l1.xml", doc.encode("latin-1"))))
    assert (rec.title, rec.text) == ("Café owners", "Señor Ruiz spoke.")


def test_a_source_time_zone_gives_a_naive_issue_time_its_offset(tmp_path):
    from curate.params import IngestParams, SourceMapping
    from curate.readers import read_file

    rel = write(tmp_path, "ap/story.xml", nitf(date_issue="20151210T191044"))
    params = IngestParams(sources=[SourceMapping(glob="ap/*.xml", timezone="America/New_York")])
    (rec,) = read_file(rel, tmp_path, params)
    assert accepted(rec).published_at == "2015-12-10T19:10:44-05:00"
    assert "naive_timestamp" not in rec.flags


def test_a_pictures_caption_and_producer_are_no_part_of_the_text(tmp_path):
    doc = nitf(paragraphs=("Farms capture the gas.", "Prices fell."))
    media = ('<media media-type="image"><media-reference source="pic.jpg"/>'
             '<media-caption>Cows graze near a digester.</media-caption>'
             '<media-producer>Photo: Jane Roe</media-producer></media>')
    doc = doc.replace("<body.content><block>", f"<body.content>{media}<block>")
    rec = accepted(only(tmp_path, write(tmp_path, "ap/pic.xml", doc)))
    assert rec.text == "Farms capture the gas.\n\nPrices fell."


def test_html_written_as_text_in_a_paragraph_is_read_as_html_and_embeds_go(tmp_path):
    embed = ('&lt;div class="social-embed"&gt;&lt;blockquote&gt;A post&lt;/blockquote&gt;'
             '&lt;script async src="https://example.com/w.js"&gt;&lt;/script&gt;&lt;/div&gt;')
    doc = nitf(paragraphs=("&lt;p&gt;(ANSA) - Rome, October 11 - The cabinet met.", embed,
                           "Ministers agreed a budget."))
    rec = accepted(only(tmp_path, write(tmp_path, "ansa/item.xml", doc)))
    assert rec.text == "(ANSA) - Rome, October 11 - The cabinet met.\n\nMinisters agreed a budget."


def test_a_byline_alone_as_the_body_is_rejected_once_cleaned(tmp_path):
    from curate.clean.stage import clean_one
    from curate.params import Params

    rec = accepted(only(tmp_path, write(tmp_path, "ap/by.xml", nitf(paragraphs=("By Toby Davis",)))))
    out = clean_one(rec, Params())
    assert out.reason == Reason.NO_TEXT.value and out.authors == ["JANE ROE"]
