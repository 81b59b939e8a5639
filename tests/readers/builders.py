"""Fixture builders for the readers' tests: writing a raw file, an ingest rejection; for the feed
and archive readers: NITF documents, NewsML-G2 items
and messages, ninjs objects and Reuters-21578 stories, shaped after the published
specifications (IPTC NITF 3.x, NewsML-G2 2.x, ninjs 1.x/2.x, the Reuters-21578 README and
lewis.dtd). All text is invented for the tests."""

from __future__ import annotations

import json
from pathlib import Path

from curate.params import IngestParams
from curate.readers import read_file
from curate.record import Reason, Record, Rejected

PARAMS = IngestParams()
PASSWD = "root:x:0:0:"  # what /etc/passwd starts with: must never appear in a record


def write(root: Path, rel: str, content: str | bytes) -> str:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return rel


def read(root: Path, rel: str) -> list[Record | Rejected]:
    return read_file(rel, root, PARAMS)


def only(root: Path, rel: str) -> Record | Rejected:
    out = read(root, rel)
    assert len(out) == 1, out
    return out[0]


def accepted(rec) -> Record:
    assert not isinstance(rec, Rejected), (rec.reason, rec.detail)
    return rec


def rejected_with(rec, reason: Reason) -> Rejected:
    assert isinstance(rec, Rejected), rec
    assert rec.reason == reason.value, (rec.reason, rec.detail)
    assert rec.stage == "ingest"
    assert rec.detail
    return rec


def labels(rec) -> list[tuple[str, str]]:
    return [(lab.scheme, lab.value) for lab in rec.labels]


def never_leaks(rec) -> None:
    """No field of the record holds what an external entity would have pulled in."""
    assert PASSWD not in json.dumps([getattr(rec, f) for f in ("title", "text", "authors",
                                     "dateline", "description")] + [l.value for l in rec.labels])


# ------------------------------------------------------------------------------------- NITF

def nitf(*, id_string: str | None = "AP-2015-12-10-0001", hl1: str = "Pollution trading returns",
         byline: str = "<byline>By JANE ROE<byttl>AP Business Writer</byttl></byline>",
         dateline: str = ('<dateline><location><city>NEW YORK</city></location>, '
                          '<story.date norm="20151210T191044Z">Dec. 10</story.date></dateline>'),
         paragraphs: tuple[str, ...] = ("NEW YORK (AP) — Farms capture the gas.",
                                        "Prices fell, traders said."),
         head_extra: str = "", docdata_extra: str = "", lang: str | None = "en-US",
         date_issue: str | None = "20151210T191044-0500") -> str:
    doc_id = f'<doc-id regsrc="AP" id-string="{id_string}"/>' if id_string else '<doc-id regsrc="AP"/>'
    issue = f'<date.issue norm="{date_issue}"/>' if date_issue else ""
    lang_attr = f' xml:lang="{lang}"' if lang else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<nitf version="-//IPTC//DTD NITF 3.4//EN"{lang_attr}><head><title>Head title</title>'
            f'{head_extra}<docdata>{doc_id}{issue}<doc.copyright holder="AP" year="2015"/>'
            f'{docdata_extra}</docdata></head>'
            f'<body><body.head><hedline><hl1>{hl1}</hl1><hl2>A subtitle</hl2></hedline>{byline}'
            f'<distributor>The Associated Press</distributor>{dateline}</body.head>'
            f'<body.content><block>{body}</block></body.content><body.end/></body></nitf>')


XML_DECL = '<?xml version="1.0" encoding="utf-8"?>\n'


# ------------------------------------------------------------------------------- NewsML-G2

G2_NS = "http://iptc.org/std/nar/2006-10-01/"


def g2_item(*, guid: str = "urn:newsml:example.com:20161018:US-FINANCE-FED", version: int = 1,
            lang: str = "en-GB", headline: str = "Fed to halt QE to avert bubble",
            first: str = "2016-10-18T13:12:21-05:00", created: str = "2016-10-21T16:25:32-05:00",
            meta_extra: str = "", people: str = "<by>By Meredith Jameson and Tom Poe</by>",
            dateline: str = "<dateline>BERLIN, Oct 18 (Reuters) -</dateline>",
            body: str = "<p>The Fed said it would halt bond buying.</p><p>Markets rose.</p>",
            content: str | None = None, ns: bool = True) -> str:
    xmlns = f' xmlns="{G2_NS}"' if ns else ""
    if content is None:
        content = (f'<inlineXML contenttype="application/xhtml+xml"><html '
                   f'xmlns="http://www.w3.org/1999/xhtml"><head><title/></head><body>{body}'
                   f'</body></html></inlineXML>')
    return (f'<newsItem{xmlns} guid="{guid}" version="{version}" standard="NewsML-G2" '
            f'standardversion="2.23" conformance="power" xml:lang="{lang}">'
            f'<catalogRef href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_29.xml"/>'
            f'<rightsInfo><copyrightHolder><name>Example Enews LLP</name></copyrightHolder></rightsInfo>'
            f'<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:REUTERS"/>'
            f'<versionCreated>{created}</versionCreated><firstCreated>{first}</firstCreated>'
            f'<pubStatus qcode="stat:usable"/>{meta_extra}</itemMeta>'
            f'<contentMeta><located type="cptype:city" qcode="geo:345678"><name>Berlin</name>'
            f'<broader type="cptype:country" qcode="iso3166-1a2:DE"><name>Germany</name></broader>'
            f'</located>{people}'
            f'<subject type="cpnat:abstract" qcode="medtop:04000000"><name xml:lang="en-GB">economy, '
            f'business and finance</name></subject>'
            f'<subject type="cpnat:abstract" qcode="medtop:20000523"><name xml:lang="de">Arbeitsmarkt'
            f'</name><name xml:lang="en-GB">labour market</name><broader qcode="medtop:04000000"/></subject>'
            f'<subject qcode="subj:04000000"/>'
            f'<genre qcode="genre:interview"><name xml:lang="en-GB">Interview</name></genre>'
            f'<slugline>US-Finance-Fed</slugline><headline>{headline}</headline>{dateline}'
            f'<creditline>Example Enews</creditline>'
            f'<description role="drol:summary">The Fed stops buying bonds.</description>'
            f'</contentMeta><contentSet>{content}</contentSet></newsItem>')


def g2_message(*items: str) -> str:
    inner = "".join(items)
    return (f'{XML_DECL}<newsMessage xmlns="{G2_NS}"><header><sent>2016-10-21T16:30:00Z</sent>'
            f'</header><itemSet>{inner}</itemSet></newsMessage>')


# ------------------------------------------------------------------------------------- ninjs

def ninjs1(**over) -> dict:
    """A ninjs 1.x text item after the specification's examples."""
    obj = {
        "uri": "http://ninjs.example.com/newsitems/20130709simp123",
        "type": "text",
        "version": "2",
        "versioncreated": "2013-07-09T10:37:00Z",
        "firstcreated": "2013-07-09T08:00:00+0200",
        "language": "en-GB",
        "headline": "Ship's captain goes on trial",
        "byline": "By Jane Roe and John Doe",
        "located": "GROSSETO, Italy",
        "copyrightholder": "The Associated Press",
        "description_text": "The trial has begun.",
        "subject": [{"name": "justice", "rel": "about",
                     "scheme": "http://cv.iptc.org/newscodes/subjectcode/", "code": "02000000"}],
        "genre": [{"name": "Current", "code": "Current"}],
        "body_html": "<p>GROSSETO, Italy (AP) -- The trial began.</p><p>The captain said nothing.</p>",
        "body_text": "GROSSETO, Italy (AP) -- The trial began. The captain said nothing.",
    }
    obj.update(over)
    return {k: v for k, v in obj.items() if v is not None}


def ninjs2(**over) -> dict:
    """A ninjs 2.x text item: headlines, bodies, descriptions, subjects with uris, by."""
    obj = {
        "standard": {"name": "ninjs", "version": "2.1",
                     "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"},
        "uri": "urn:example:2023:story-42",
        "type": "text",
        "version": "3",
        "firstcreated": "2023-03-01T09:00:00+01:00",
        "versioncreated": "2023-03-01T11:30:00+01:00",
        "language": "de",
        "headlines": [{"role": "sub", "value": "Unterzeile"},
                      {"role": "main", "value": "Streik legt Bahnverkehr lahm"}],
        "by": "Von Anna Beispiel",
        "descriptions": [{"role": "summary", "contenttype": "text/plain",
                          "value": "Ein Streik legt den Bahnverkehr lahm."}],
        "bodies": [{"role": "main", "contenttype": "text/html",
                    "value": "<p>BERLIN (dpa) - Ein Streik hat begonnen.</p><p>Züge stehen still.</p>"}],
        "subjects": [{"name": "Arbeitskampf", "rel": "about",
                      "uri": "http://cv.iptc.org/newscodes/mediatopic/20000530"}],
        "places": [{"name": "Berlin", "rel": "located"}],
        "infosources": [{"name": "dpa", "role": "source"}],
        "copyrightholder": "dpa",
    }
    obj.update(over)
    return {k: v for k, v in obj.items() if v is not None}


def pretty(obj) -> str:
    return json.dumps(obj, indent=4, ensure_ascii=False)


# ---------------------------------------------------------------------------- Reuters-21578

DOCTYPE_LEWIS = '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n'


def story(newid: int, *, title: str | None = "ACME <ACME> PROFIT RISES",
          dateline: str | None = "    NEW YORK, Feb 26 - ",
          body: str | None = ("Acme Widgets Inc <ACME> said first quarter profit\n"
                              "rose on higher sales to &lt;Beta\nCorp> units.\n"
                              "    The company said sales rose 10 pct.\n Reuter\n&#3;"),
          text_type: str | None = None, topics=("earn",), places=("usa",), people=(),
          orgs=(), exchanges=("nyse",), author: str | None = None,
          date: str = "26-FEB-1987 15:01:01.79", split: str = "TRAIN") -> str:
    def lst(tag: str, values) -> str:
        return f"<{tag}>{''.join(f'<D>{v}</D>' for v in values)}</{tag}>"

    type_attr = f' TYPE="{text_type}"' if text_type else ""
    parts = [f"<TEXT{type_attr}>&#2;\n"]
    if title is not None:
        parts.append(f"<TITLE>{title}</TITLE>\n")
    if author is not None:
        parts.append(f"<AUTHOR>{author}</AUTHOR>\n")
    if dateline is not None:
        parts.append(f"<DATELINE>{dateline}</DATELINE>")
    if body is not None:
        parts.append(f"<BODY>{body}</BODY>")
    parts.append("</TEXT>")
    return (f'<REUTERS TOPICS="{"YES" if topics else "NO"}" LEWISSPLIT="{split}" '
            f'CGISPLIT="TRAINING-SET" OLDID="{5000 + newid}" NEWID="{newid}">\n'
            f"<DATE>{date}</DATE>\n{lst('TOPICS', topics)}\n{lst('PLACES', places)}\n"
            f"{lst('PEOPLE', people)}\n{lst('ORGS', orgs)}\n{lst('EXCHANGES', exchanges)}\n"
            f"<COMPANIES></COMPANIES>\n<UNKNOWN> \n&#5;&#5;&#5;F\n&#22;&#22;&#1;f0001&#31;reute\n"
            f"u f BC-ACME-PROFIT   02-26 0050</UNKNOWN>\n{''.join(parts)}\n</REUTERS>\n")


def sgml(*stories: str) -> str:
    return DOCTYPE_LEWIS + "".join(stories)
