"""Reader `nitf`: IPTC NITF 3.x news documents (one or several `<nitf>` documents in a file).

Fields (paths under `nitf`, elements matched by local name, so the 3.x schema namespace reads too):
* title = `body/body.head/hedline/hl1` (else `head/title`); description = `body.head/abstract`;
* authors = the `person` elements of `body.head/byline` (the first byline not of class
  normalized_byline, which NYT adds as "Doe, John"), else the byline text without its `byttl`
  (a title such as "AP Business Writer" is not a name), split like a Reuters byline ("By A and
  B"), agency names dropped. Authors come from this structure, never from the text;
* dateline = `body.head/dateline/location` (its text, e.g. "NEW YORK" or "PARIS, France"), else
  the dateline text without its `story.date`;
* date / published_at = the first readable of `pubdata@date.publication`, `docdata/date.issue@norm`,
  `docdata/date.release@norm`, `dateline/story.date@norm` (ISO 8601 basic or extended; an offset
  or Z gives published_at, a bare day the date only, a time without offset the date and flag
  ``naive_timestamp``); none readable -> flag ``bad_date`` when a value was present;
* publisher = `pubdata@name`, else `docdata/doc.copyright@holder`; agency = the canonical wire
  agency (AP, Reuters, AFP, ...) named by `body.head/distributor`, `doc-id@regsrc`, the copyright
  holder or `pubdata@name`;
* labels: `tobject.subject@tobject.subject.refnum` -> scheme ``subj`` (IPTC subject code; its most
  specific name, detail/matter/type, -> scheme ``subj:name``); `iim/ds` 2:15 / 2:20 -> schemes
  ``iim:category`` / ``iim:supplemental-category``; `docdata/key-list/keyword@key` -> ``keyword``;
  `docdata/identified-content/classifier` -> ``classifier`` (``classifier:<type>`` when typed);
* text = the paragraphs of `body/body.content` (block elements `p`, `hl2`, ...) joined by "\\n\\n",
  without a picture's `media` (caption, producer) or other markup.FURNITURE; HTML written as
  text inside a paragraph is read as HTML;
  when a `block class="full_text"` exists (New York Times Annotated Corpus) only it is read: its
  `lead_paragraph` block repeats the start of the story;
* language = `xml:lang` of nitf, head or body (primary subtag).
Id: ``nitf-<doc-id@id-string>``; without one the path rule, with the document's 1-based position
in files holding several documents. source.item = the id-string (else the position when several);
source.offset = the byte offset of the document's `<nitf` in files holding several.
Rejections: the file's DTD declares entities -> UNSAFE_MARKUP (whole file, nothing parsed);
a document that is not well-formed, or the last one cut before `</nitf>` -> MALFORMED_MARKUP
(the others are kept); no paragraph text -> HEADER_ONLY (title and fields kept).

Sniff: the document element (or the DOCTYPE name) is `nitf`.
"""

from __future__ import annotations

import re

from curate.record import Label

from . import ids, markup
from .base import LabelSet, RawInput, Reason, new_record, rejected
from .safety import guarded

NAME = "nitf"
VERSION = 1
_START = re.compile(rb"<nitf[\s>/]")
_END = re.compile(rb"</nitf\s*>")
# undeclared entities in a fragment are tolerated only when a DTD is named (never loaded)
_STANDIN = b'<!DOCTYPE nitf SYSTEM "nitf.dtd">\n'


def sniff(text: str) -> bool:
    return markup.root_name(text) == "nitf"


def documents(data: bytes) -> list[tuple[int, bytes | None]]:
    """(byte offset, document bytes or None when it has no end tag) for each `<nitf>` document."""
    starts = [m.start() for m in _START.finditer(data)]
    out = []
    for i, start in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else len(data)
        end = None
        for end in _END.finditer(data, start, stop):
            pass
        out.append((start, data[start:end.end()] if end else None))
    return out


def _labels(root, flags) -> list[Label]:
    labels = LabelSet()
    add = labels.add

    for s in markup.descendants(root, "tobject.subject"):
        add("subj", markup.attr(s, "tobject.subject.refnum"))
        add("subj:name", markup.attr(s, "tobject.subject.detail", "tobject.subject.matter",
                                     "tobject.subject.type"))
    for ds in markup.descendants(root, "ds"):
        num = ds.get("num")
        if num == "2:15":
            add("iim:category", markup.attr(ds, "value"))
        elif num == "2:20":
            add("iim:supplemental-category", markup.attr(ds, "value"))
    for kw in markup.descendants(markup.first(root, "docdata"), "keyword"):
        add("keyword", markup.attr(kw, "key"))
    for c in markup.descendants(markup.first(root, "identified-content"), "classifier"):
        kind = markup.attr(c, "type")
        add(f"classifier:{kind}" if kind else "classifier", markup.text(c, flags))
    return labels


def _dateline(head, flags) -> str | None:
    dl = markup.child(head, "dateline")
    if dl is None:
        return None
    loc = markup.child(dl, "location")
    value = markup.text(loc, flags) if loc is not None else markup.text(dl, flags, frozenset({"story.date"}))
    return value.strip(" ,-\u2014\u2013") or None if value else None


def _authors(head, flags) -> list[str]:
    bylines = [b for b in markup.children(head, "byline")
               if "normalized" not in (b.get("class") or "")]  # NYT: 'Doe, John' repeats it
    if not bylines:
        return []
    by = bylines[0]
    people = [markup.text(p, flags) for p in markup.descendants(by, "person")]
    people = [p for p in people if p]
    if people:
        return people
    return markup.byline_names(markup.text(by, flags, frozenset({"byttl"})))


def read_document(src: RawInput, root, position: int | None, offset: int | None) -> object:
    flags = list(src.flags)
    head = markup.child(root, "head")
    body = markup.child(root, "body")
    bhead = markup.child(body, "body.head")
    docdata = markup.child(head, "docdata")
    pubdata = markup.child(head, "pubdata")
    doc_id = markup.child(docdata, "doc-id")
    id_string = markup.attr(doc_id, "id-string")

    title = markup.text(markup.path(bhead, "hedline", "hl1"), flags) or \
        markup.text(markup.child(head, "title"), flags)
    dl = markup.child(bhead, "dateline")
    day = published = None
    had_value = False
    for value in (markup.attr(pubdata, "date.publication"),
                  markup.attr(markup.child(docdata, "date.issue"), "norm"),
                  markup.attr(markup.child(docdata, "date.release"), "norm"),
                  markup.attr(markup.child(dl, "story.date"), "norm")):
        if value:
            had_value = True
            day, published, problem = markup.stamp(value, src.tz)
            if day:
                if problem:
                    flags.append(problem)
                break
    if had_value and day is None:
        flags.append("bad_date")
    holder = markup.attr(markup.child(docdata, "doc.copyright"), "holder")
    pubname = markup.attr(pubdata, "name")
    distributor = markup.text(markup.child(bhead, "distributor"), flags)
    lang = None
    for el in (root, head, body):
        lang = markup.language(markup.attr(el, "xml:lang"))
        if lang:
            break
    content = markup.child(body, "body.content")
    full = [b for b in markup.children(content, "block") if b.get("class") == "full_text"]
    # NYT Annotated Corpus: the lead_paragraph block repeats the start of the full_text block
    paras = [p for b in full for p in markup.paragraphs(b, flags)] if full else \
        markup.paragraphs(content, flags)

    if id_string:
        rid = ids.safe_id("nitf-", id_string)
    else:
        rid = ids.path_id(src.path, position)
    rec = new_record(rid, src.path, NAME, VERSION, src.sha256, flags=flags, title=title,
                     date=day, published_at=published, publisher=pubname or holder,
                     agency=markup.agency(distributor, markup.attr(doc_id, "regsrc"), holder, pubname),
                     dateline=_dateline(bhead, flags), authors=_authors(bhead, flags),
                     description=markup.text(markup.child(bhead, "abstract"), flags),
                     labels=_labels(root, flags), text="\n\n".join(paras), language=lang)
    rec.source.item = id_string or (str(position) if position is not None else None)
    rec.source.offset = offset
    if not paras:
        return rejected(rec, Reason.HEADER_ONLY, "NITF document without body.content text")
    return rec


def read(src: RawInput, params) -> list:
    data, encoding, exact = markup.feed_bytes(src)
    n_entities = markup.entity_declarations(data)
    if n_entities:
        rec = new_record(ids.path_id(src.path), src.path, NAME, VERSION, src.sha256,
                         flags=list(src.flags))
        return [rejected(rec, Reason.UNSAFE_MARKUP,
                         f"the DTD declares {n_entities} entit{'y' if n_entities == 1 else 'ies'}"
                         " (external or nested entities are never expanded); file not read")]
    docs = documents(data)
    several = len(docs) > 1
    out = []
    for i, (start, chunk) in enumerate(docs, 1):
        position = i if several else None
        offset = start if several and exact else None

        def one(chunk=chunk, position=position, offset=offset, start=start, i=i):
            def malformed(why: str):
                rec = new_record(ids.path_id(src.path, position), src.path, NAME, VERSION,
                                 src.sha256, flags=list(src.flags))
                rec.source.item, rec.source.offset = (str(position) if position else None), offset
                return rejected(rec, Reason.MALFORMED_MARKUP, f"document {i} (byte {start}) {why}")

            if chunk is None:
                return malformed("has no closing </nitf>: truncated")
            root, problem = markup.parse(_STANDIN + chunk, encoding)
            if root is None:
                return malformed(f"is not well-formed XML: {problem}")
            return read_document(src, root, position, offset)

        out.append(guarded(one, src.path, NAME, VERSION, src.sha256))
    if not docs:
        rec = new_record(ids.path_id(src.path), src.path, NAME, VERSION, src.sha256,
                         flags=list(src.flags))
        out.append(rejected(rec, Reason.MALFORMED_MARKUP, "no <nitf> element found"))
    return out
