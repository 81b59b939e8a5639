"""The head of a story: date line, editorial notes, byline, dateline and agency tag.

    split_header(body, conv, want_dateline, bare_place, strict_seed) -> Header

A capitalised opening is a dateline only when a dateline pattern holds:
  - an agency tag from the conventions table follows it:  `NEW DELHI, April 12 (BBC) - `,
    `DENVER (AP) — `, `STUTTGART, Germany, April 13 (AFP) - `, `Berlin (dpa) - `;
  - a date follows the place after a comma, then a dash:  `ATHENS, April 10, 2024 - `;
  - a long dash follows the place:                       `BERLIN — `;
  - the format opens with a bare place (`bare_place` in the table, the seed wire layout):
    `MOSCOW A U.S. envoy ...`;
  - one of the table's DATELINE_FORMS holds (tried first): `(ANSA) - Rome, October 11 - `,
    `SEOUL, Nov 26 AFP - `.
A first paragraph that is only a byline (`By Toby Davis`) goes to the names.
Multi-word and `City, State` / `City, Country` places are kept whole. A date with a year in the
dateline is returned (`Header.date`, ISO) for records that have none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date as _date

from curate.clean import signoff
from curate.clean.publishers import DATE, MIX_PLACE, PLACE, Conventions

_DATE_HEADER_RE = re.compile(r"^\s*date\s+\d{4}-\d{2}-\d{2}\b\s*")
_PLACE, _MIX_PLACE, _DATE = PLACE, MIX_PLACE, DATE
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Place and date right before the agency tag (searched in the text before the tag).
_LEAD_RE = re.compile(rf"(?:^|(?<=\s))(?P<place>{_PLACE})?\s*,?\s*(?P<date>{_DATE})?\s*[-–—]?\s*$")
# Title-case place right before a tag, alone in its paragraph: `Berlin (dpa) - `.
_MIX_LEAD_RE = re.compile(rf"^(?P<place>{_MIX_PLACE})\s*,?\s*(?P<date>{_DATE})?\s*[-–—]?\s*$")
_INITIALISM_RE = re.compile(r"^(?:[A-Z]\.)+$")
_SEED_WORD_RE = re.compile(r"^[A-Z][A-Z'’.\-/&]*$")
_DATE_PARTS_RE = re.compile(r"(\d{1,2})?\s*([A-Za-z]{3})[a-z]*\.?\s*(\d{1,2})?,?\s*(\d{4})?")


@dataclass
class Header:
    body: str
    dateline: str | None = None
    names: list[str] = field(default_factory=list)
    note: bool = False
    agency: str | None = None
    date: str | None = None


def dateline_date(text: str | None) -> str | None:
    """`April 10, 2024` / `10 April 2024` -> `2024-04-10`; None without a year or when unreal."""
    if not text:
        return None
    m = _DATE_PARTS_RE.fullmatch(text.strip())
    if not m or not m.group(4) or m.group(2).lower() not in _MONTHS:
        return None
    day = m.group(1) or m.group(3)
    try:
        return _date(int(m.group(4)), _MONTHS.index(m.group(2).lower()) + 1, int(day)).isoformat()
    except (TypeError, ValueError):
        return None


def _leading_group(text: str) -> tuple[int, int] | None:
    """(start, end) of a parenthesised group that opens the text, or None."""
    if not text.startswith("("):
        return None
    depth = 0
    for i, ch in enumerate(text[:1200]):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return 0, i + 1
    return None


def strip_editorial_notes(body: str, conv: Conventions) -> tuple[str, bool]:
    """Remove `(Updates with ...)`-style notes that open the body (openers from the table)."""
    found = False
    for _ in range(4):
        span = _leading_group(body)
        if not span:
            break
        inner = body[1: span[1] - 1].strip()
        if not conv.note_re.search(inner):
            break
        body = body[span[1]:].lstrip()
        found = True
    return body, found


def _seed_dateline(body: str, strict: bool) -> tuple[str | None, str]:
    """`MOSCOW A U.S. envoy ...` -> ("MOSCOW", "A U.S. envoy ..."); strict for non-seed formats."""
    words = body[:200].split(" ")
    run: list[str] = []
    for w in words:
        if not w or not _SEED_WORD_RE.match(w) or _INITIALISM_RE.match(w):
            break
        if sum(c.isalpha() for c in w) < 2:
            break
        run.append(w)
    if not run:
        return None, body
    rest = body[len(" ".join(run)):].lstrip(" ")
    if not rest or rest.startswith("\n"):
        return None, body
    if strict and not (rest[:1].isupper() or rest[:1] in "\"'“‘"):
        return None, body
    return " ".join(run), rest


def _place(text: str | None) -> str | None:
    if not text:
        return None
    place = " ".join(text.rstrip(",").split())
    return place if sum(c.isalpha() for c in place) >= 2 else None


def _tagged(h: Header, m: re.Match[str], conv: Conventions) -> None:
    """The body holds an agency tag at m: the place, date and byline before it are lifted."""
    body = h.body
    prefix, rest = body[: m.start()], body[m.end():]
    para_start = prefix.rfind("\n\n") + 1  # the dateline sits in the tag's paragraph
    head, last = prefix[:para_start], prefix[para_start:].strip()
    lead = _LEAD_RE.search(last)
    if (lead is None or not lead.group("place")) and not head:
        lead = _MIX_LEAD_RE.match(last) or lead
    place = _place(lead.group("place")) if lead else None
    before = last[: lead.start()] if lead else last
    before, names = signoff.parse_byline(before, conv)
    h.names = h.names or names
    before = before.strip()
    if before and not names and not place and not head:
        # The tag sits in the middle of a sentence: remove the tag only.
        h.body = f"{prefix.rstrip()} {rest}"
        return
    h.agency = conv.agency_of(m.group("tag"))
    h.dateline = place
    h.date = dateline_date(lead.group("date")) if lead else None
    kept = "\n\n".join(p for p in (head.strip(), before) if p)
    h.body = f"{kept}\n\n{rest}" if kept else rest


def _untagged(h: Header, conv: Conventions, bare_place: bool, strict_seed: bool) -> None:
    dated = re.match(rf"^(?:(?P<place>{_PLACE})\s*,?\s*)?(?P<date>{_DATE})\s+{conv.dash}+\s+(?=\S)", h.body)
    if dated:
        h.dateline = _place(dated.group("place"))
        h.date = dateline_date(dated.group("date"))
        h.body = h.body[dated.end():]
        return
    bare = re.match(rf"^(?P<place>{_PLACE})\s*{conv.long_dash}\s*(?=\S)", h.body)
    if bare and _place(bare.group("place")):
        h.dateline = _place(bare.group("place"))
        h.body = h.body[bare.end():]
        return
    if bare_place:
        h.dateline, h.body = _seed_dateline(h.body, strict_seed)


def split_header(body: str, conv: Conventions, want_dateline: bool, bare_place: bool,
                 strict_seed: bool) -> Header:
    """The header taken out of body: dateline, agency, byline names, editorial note, date."""
    body = _DATE_HEADER_RE.sub("", body, count=1)
    body, note = strip_editorial_notes(body, conv)
    body, names = signoff.split_opening_byline(body, conv)
    h = Header(body=body, note=note, names=names)
    form = next((f.match(body) for f in conv.dateline_forms if f.match(body)), None)
    m = None if form else conv.tag_re.search(body, 0, 2500)
    if form:
        h.dateline, h.agency = _place(form.group("place")), conv.agency_of(form.group("tag"))
        h.date = dateline_date(form.groupdict().get("date"))
        h.body = body[form.end():]
    elif m:
        _tagged(h, m, conv)
    else:
        _untagged(h, conv, bare_place, strict_seed)
    if "(" in h.body:
        h.body = conv.tag_anywhere_re.sub(" ", h.body)
    if not want_dateline:
        h.dateline = None
    return h
