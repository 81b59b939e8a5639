"""Reader `reuters21578`: the Reuters-21578 SGML collection (`reut2-NNN.sgm`, 1,000 stories a file).

    <REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5544" NEWID="1">
    <DATE>26-FEB-1987 15:01:01.79</DATE>
    <TOPICS><D>cocoa</D></TOPICS> <PLACES><D>el-salvador</D><D>usa</D></PLACES> <PEOPLE/ORGS/...>
    <TEXT>&#2;<TITLE>BAHIA COCOA REVIEW</TITLE>
    <DATELINE>    SALVADOR, Feb 26 - </DATELINE><BODY>Showers continued ...
     Reuter
    &#3;</BODY></TEXT></REUTERS>

Each `<REUTERS>` story is one input (the accounting counts stories, not files). The SGML is read
with regular expressions, never an XML/SGML parser, and no entity is expanded except the
character references and `&lt;` / `&gt;` / `&amp;` the collection uses; control characters
(`&#2;`, `&#3;` end mark, `&#5;`, `&#22;`, `&#127;`, ...) are dropped. Each story's bytes are
decoded on their own (UTF-8, else cp1252, else latin-1, as decode.py does).
Fields:
* title = TITLE, dateline = the place of DATELINE (`    NEW YORK, Feb 26 - ` -> `NEW YORK`,
  `NEWPORT BEACH, Calif., March 2 - ` -> `NEWPORT BEACH, Calif.`), authors = AUTHOR
  (`by Janie Gabbett, Reuters` -> `Janie Gabbett`), agency = "Reuters";
* date = the day of DATE (`26-FEB-1987 15:01:01.79` -> 1987-02-26). DATE has no time zone: with
  the source's `timezone` (ingest.sources, RawInput.tz) published_at is that clock time there;
  without one published_at stays null (the contract wants an offset) and the record is flagged
  ``naive_timestamp``: the clock time is not invented into a zone. Unreadable -> flag ``bad_date``;
* labels: every `<D>` of TOPICS, PLACES, PEOPLE, ORGS, EXCHANGES, COMPANIES -> scheme
  ``reuters21578:topics`` / ``:places`` / ``:people`` / ``:orgs`` / ``:exchanges`` /
  ``:companies``; the split attributes LEWISSPLIT, CGISPLIT and the TOPICS attribute ->
  ``reuters21578:lewissplit`` / ``:cgisplit`` / ``:topics-attr`` (what the ModApte split reads);
* text = BODY without the trailing `Reuter` sign-off and the end mark; paragraphs (a line that
  starts with blank space starts one; the hard-wrapped lines of a paragraph are joined with a
  space) joined by "\\n\\n". Ticker markup `<ALD>` goes to `tickers` and out of the text; a
  company mark-up `<Arsenal Holdings Inc>` keeps the name without the brackets;
* TEXT TYPE="UNPROC" (a story the collection left unsplit: no TITLE/DATELINE/BODY) -> text = the
  TEXT content, title null, flag ``unprocessed_text``.
Id: ``reuters21578-<NEWID>`` (else the path rule with the story's position); source.item = NEWID,
source.offset = byte offset of the story's `<REUTERS` in the file.
Rejections (the story's fields kept): no BODY (TEXT TYPE="BRIEF": a title only, the collection's
"Blah blah blah." placeholder) -> HEADER_ONLY; no TEXT, or the last story cut before
`</REUTERS>` (a truncated file) -> MALFORMED_MARKUP naming the NEWID and byte offset. A file over
params.ingest.max_bytes is rejected whole (TOO_LARGE) before any story is read: the 22 files of
the collection are ~1.3 MB each, under the 5 MB default; raise `ingest.max_bytes` for bigger ones.

Sniff: the text starts (after blank space) with `<!DOCTYPE lewis` or `<REUTERS`.
"""

from __future__ import annotations

import re
from datetime import datetime

from curate.record import Label

from . import dates, ids, markup
from .base import RawInput, Reason, new_record, rejected
from .decode import decode_text
from .safety import guarded

NAME = "reuters21578"
VERSION = 1
AGENCY = "Reuters"
LISTS = ("TOPICS", "PLACES", "PEOPLE", "ORGS", "EXCHANGES", "COMPANIES")
SPLITS = (("LEWISSPLIT", "lewissplit"), ("CGISPLIT", "cgisplit"), ("TOPICS", "topics-attr"))

_SNIFF = re.compile(r"\s*(?:<!DOCTYPE\s+lewis\b[^\[>]*(?:\[.*?\])?\s*>\s*)?<REUTERS\b",
                    re.IGNORECASE | re.DOTALL)
_START = re.compile(rb"<REUTERS\b[^>]*>")
_END = re.compile(rb"</REUTERS\s*>")
_ATTR = re.compile(r'([A-Za-z]+)\s*=\s*"([^"]*)"')
_D = re.compile(r"<D>(.*?)</D>", re.DOTALL)
_CHARREF = re.compile(r"&#(\d{1,7});")
_TICKER = re.compile(r"[ \t]*<([A-Z][A-Z0-9.]{0,7})>")
_COMPANY = re.compile(r"<([^<>]{1,120})>")  # may wrap over a line end
_SIGNOFF = re.compile(r"\s*\bReuters?\s*\Z", re.IGNORECASE)
_DAY = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:\s+(\d{1,2}):(\d{2}):(\d{2}))?")
# the date after the place: ', Feb 26', ', 2 March', ', Narch 2' (a typo in the collection)
_DATE_TAIL = re.compile(r",?\s*(?:[A-Za-z]{3,9}\.?\s+\d{1,2}|\d{1,2}\s+[A-Za-z]{3,9}\.?)"
                        r"(?:,?\s*\d{4})?\s*$")
_DASH = re.compile(r"\s[-\u2013\u2014]+(?:\s|$)")


def sniff(text: str) -> bool:
    return _SNIFF.match(text[:4096]) is not None


def _element(name: str, text: str) -> str | None:
    m = re.search(rf"<{name}\b[^>]*>(.*?)</{name}\s*>", text, re.DOTALL | re.IGNORECASE)
    return m.group(1) if m else None


def unescape(value: str) -> str:
    """Character references (control characters dropped) and the three named entities."""
    def ref(m: re.Match) -> str:
        n = int(m.group(1))
        if n in (9, 10, 13) or 32 <= n < 127 or 160 <= n <= 0x10FFFF:
            return chr(n)
        return ""

    value = _CHARREF.sub(ref, value)
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def place_of(value: str | None) -> str | None:
    """The place a dateline starts with: '    NEW YORK, Feb 26 - ' -> 'NEW YORK';
    'BERLIN, Oct 18 (Reuters) -' -> 'BERLIN'; 'AMSTERDAM, 2 March - ' -> 'AMSTERDAM'; text after
    the dash is not the place; a dateline holding only a date/time -> None."""
    if not value:
        return None
    s = " ".join(value.split())
    s = re.sub(r"\s*\([^)]*\)\s*", " ", s)
    s = _DASH.split(f"{s} ", 1)[0].strip(" -\u2013\u2014:")  # the story may follow the dash
    s = _DATE_TAIL.sub("", s).strip(" ,-")
    if not s or not s[0].isalpha() or re.search(r"\d", s):
        return None
    return s


def _paragraphs(value: str) -> list[str]:
    """A line starting with blank space, or after a blank line, starts a paragraph; the other
    (hard-wrapped) lines continue the current one."""
    paras: list[list[str]] = []
    new = True
    for line in value.split("\n"):
        if not line.strip():
            new = True
            continue
        if new or line[:1] in (" ", "\t"):
            paras.append([])
        paras[-1].append(line.strip())
        new = False
    return [" ".join(" ".join(p).split()) for p in paras]


def _text(value: str, tickers: list[str]) -> str:
    value = unescape(value)

    def ticker(m: re.Match) -> str:
        if m.group(1) not in tickers:
            tickers.append(m.group(1))
        return ""

    value = _TICKER.sub(ticker, value)
    value = _COMPANY.sub(r"\1", value)
    value = _SIGNOFF.sub("", value.rstrip())
    return "\n\n".join(_paragraphs(value))


def _authors(value: str | None) -> list[str]:
    if not value:
        return []
    value = " ".join(unescape(value).split())
    return [n for n in markup.byline_names(value) if n.lower() not in ("reuter", "reuters")]


def _labels(story: str, attrs: dict) -> list[Label]:
    """Every `<D>` of the label lists, then the split attributes, as scheme/value labels."""
    labels: list[Label] = []
    for tag in LISTS:
        body = _element(tag, story)
        for d in _D.findall(body or ""):
            value = " ".join(unescape(d).split())
            if value:
                labels.append(Label(scheme=f"reuters21578:{tag.lower()}", value=value))
    for attr, scheme in SPLITS:
        if attrs.get(attr):
            labels.append(Label(scheme=f"reuters21578:{scheme}", value=attrs[attr]))
    return labels


def _when(story: str, tz, flags: list[str]):
    """(day, published_at) of DATE; flags ``naive_timestamp`` (no zone) or ``bad_date``."""
    raw_date = _element("DATE", story)
    if not raw_date:
        return None, None
    m = _DAY.search(raw_date)
    mon = dates.MONTHS.get(m.group(2).lower()) if m else None
    day = dates._day(int(m.group(3)), mon, int(m.group(1))) if mon else None
    if day and tz is not None and m.group(4) and int(m.group(4)) < 24:
        return day, dates.local_stamp(datetime(int(m.group(3)), mon, int(m.group(1)),
                                               int(m.group(4)), int(m.group(5)) % 60,
                                               int(m.group(6)) % 60), tz)
    flags.append("naive_timestamp" if day else "bad_date")
    return day, None


def _rejection(rec, where: str, complete: bool, tm, body, text_type, text: str):
    """The story's rejection (truncated, no TEXT, title only, empty BODY), else the record."""
    if not complete:
        return rejected(rec, Reason.MALFORMED_MARKUP,
                        f"{where} has no closing </REUTERS>: the file is truncated")
    if tm is None:
        return rejected(rec, Reason.MALFORMED_MARKUP, f"{where} has no TEXT element")
    if body is None and text_type != "UNPROC":
        return rejected(rec, Reason.HEADER_ONLY,
                        f"{where} has no BODY (TEXT TYPE={text_type}): title only")
    if not text.strip():
        return rejected(rec, Reason.NO_TEXT, f"{where} has an empty BODY")
    return rec


def read_story(src: RawInput, raw: bytes, offset: int, position: int, complete: bool):
    flags = list(src.flags)
    story = decode_text(raw, flags)
    head = _START.match(raw)
    attrs = dict(_ATTR.findall(story[: story.find(">") + 1])) if head else {}
    newid = attrs.get("NEWID", "").strip() or None
    rid = ids.safe_id("reuters21578-", newid) if newid else ids.path_id(src.path, position)
    labels = _labels(story, attrs)
    day, published = _when(story, src.tz, flags)
    tm = re.search(r"<TEXT\b([^>]*)>(.*?)(?:</TEXT\s*>|\Z)", story, re.DOTALL | re.IGNORECASE)
    text_type = (dict(_ATTR.findall(tm.group(1))).get("TYPE") or "NORM").upper() if tm else None
    inner = tm.group(2) if tm else ""
    title = _element("TITLE", inner)
    title = " ".join(unescape(title).split()) or None if title is not None else None
    dateline = _element("DATELINE", inner)
    body = _element("BODY", inner)
    tickers: list[str] = []
    text = ""
    if body is not None:
        text = _text(body, tickers)
    elif text_type == "UNPROC":
        text = _text(inner, tickers)
        flags.append("unprocessed_text")
    rec = new_record(rid, src.path, NAME, VERSION, src.sha256, flags=flags, title=title, date=day,
                     published_at=published, agency=AGENCY, dateline=place_of(unescape(dateline) if dateline else None),
                     authors=_authors(_element("AUTHOR", inner)), labels=labels, text=text,
                     tickers=tickers)
    rec.source.item = newid
    rec.source.offset = offset
    where = f"story NEWID={newid or '?'} at byte {offset}"
    return _rejection(rec, where, complete, tm, body, text_type, text)


def read(src: RawInput, params) -> list:
    data = src.text.encode("utf-8") if "decoded_utf16" in src.flags else src.data
    starts = [m.start() for m in _START.finditer(data)]
    out = []
    for i, start in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else len(data)
        end = _END.search(data, start, stop)
        raw = data[start:end.end()] if end else data[start:stop]
        out.append(guarded(
            lambda raw=raw, start=start, i=i, end=end: read_story(src, raw, start, i + 1,
                                                                  end is not None),
            src.path, NAME, VERSION, src.sha256))
    if not out:
        rec = new_record(ids.path_id(src.path), src.path, NAME, VERSION, src.sha256,
                         flags=list(src.flags))
        out.append(rejected(rec, Reason.MALFORMED_MARKUP, "no <REUTERS> story found"))
    return out
