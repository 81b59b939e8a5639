"""Reader `reuters_web`: the Reuters web article layout.

    -- Barnes & Noble says e-books settlement hurts public      title
    -- By  Phil Wahba                                           byline (may be `-- ` empty)
    -- Thu Jun 7, 2012 10:59pm EDT                              timestamp
    -- http://www.reuters.com/article/...-idUSBRE85613E20120608 url
    (blank line, a line holding one space, blank line)
     (Reuters) - Barnes & Noble Inc ( BKS.N ) has objected ...   body

Header: up to four leading lines starting with `--`; the first is the title, the others are
recognised by content (URL, timestamp, `By ...` or empty byline) so a missing line does not shift
fields. Fields: title; authors (byline split on `and` / `,`, whitespace-normalised, role suffixes
like `Political Correspondent` and
tags like ` - Analysis` dropped); url; published_at with the zone's offset (EDT -04:00,
EST -05:00, ...); date = the local date of published_at. No readable timestamp -> date from the
URL's /YYYY/MM/DD/ (flag ``date_from_url``), else from the day folder (flag ``date_from_path``).
text = the raw body after the header and separator lines (first line's indentation kept; body
content such as `(Updates ...)` notes or an inline byline is left to clean).
Flags: ``date_folder_mismatch`` when a YYYYMMDD folder differs from date; ``truncated_header``
when fewer than four header lines were found; ``unknown_timezone``/``bad_date`` as they apply.
No body -> HEADER_ONLY (the header fields are kept on the rejected record).
Id: `reuters-<story code>` from the URL, else the path rule.

Sniff: the first line starts with `-- ` (or is `--`) and the first lines hold a second `--` line.
"""

from __future__ import annotations

import re

from . import dates, ids
from .base import (RawInput, Reason, check_day_folder, new_record, rejected,
                   skip_blank_lines)

NAME = "reuters_web"
VERSION = 1
HEADER_LINES = 4

_URL = re.compile(r"(?:https?://|www\.)\S+$")
_URL_DAY = re.compile(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/")
_STAMP_HINT = re.compile(r"\d{4}")
_AND = re.compile(r"\s+and\s+|\s*,\s*|\s*&\s*|\s*;\s*")
_TAG = re.compile(r"\s+-\s+.*$")  # 'Joseph A. Giannone - Analysis' -> the name
_ROLE = re.compile(
    r"\b(?:correspondent|editor|columnist|writer|reporter|analyst|chief|bureau|staff)\b",
    re.IGNORECASE)


def _is_header(line: str) -> bool:
    return line == "--" or line.startswith("-- ")


def sniff(text: str) -> bool:
    first, _, rest = text.partition("\n")
    if not _is_header(first):
        return False
    second = rest.partition("\n")[0]
    return _is_header(second) or not rest.strip()  # lone `-- title`: a truncated header


def parse_byline(value: str) -> list[str]:
    """'By  Roberta Rampton ,  Rachelle Younglai  and  Jonathan Spicer' -> three names."""
    value = " ".join(value.split())
    if value[:3].lower() == "by ":
        value = value[3:]
    elif value.lower() == "by":
        return []
    names = []
    for part in _AND.split(value):
        part = _TAG.sub("", part).strip()
        if part and not _ROLE.search(part):
            names.append(part)
    return names


def split_header(text: str) -> tuple[list[str], str | None]:
    """(header values without the '-- ', rest of the text or None if the file ends in the header)."""
    header: list[str] = []
    pos = 0
    while len(header) < HEADER_LINES:
        nl = text.find("\n", pos)
        line = text[pos:] if nl < 0 else text[pos:nl]
        if not _is_header(line):
            break
        header.append(line[3:].strip())
        if nl < 0:
            return header, None
        pos = nl + 1
    return header, text[pos:]


def read(src: RawInput, params) -> list:
    header, rest = split_header(src.text)
    flags = list(src.flags)
    title = header[0] or None if header else None
    authors: list[str] = []
    url = stamp = None
    for value in header[1:]:
        if url is None and _URL.match(value):
            url = value
        elif value[:2].lower() == "by" and (len(value) == 2 or value[2].isspace()):
            authors = parse_byline(value)
        elif stamp is None and _STAMP_HINT.search(value):
            stamp = value
    if len(header) < HEADER_LINES:
        flags.append("truncated_header")

    day = published = None
    if stamp:
        day, published, problem = dates.parse_reuters_stamp(stamp)
        if problem:
            flags.append(problem)
    if day is None and url and (m := _URL_DAY.search(url)):
        day = dates.parse_iso(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")[0]
        if day:
            flags.append("date_from_url")
    if day is None and (day := dates.day_folder(src.path)):
        flags.append("date_from_path")

    body = skip_blank_lines(rest or "")
    rid = ids.reuters_id(url) or ids.path_id(src.path)
    rec = new_record(rid, src.path, NAME, VERSION, src.sha256, flags=flags, url=url, title=title,
                     date=day, published_at=published, authors=authors, text=body)
    check_day_folder(rec)
    if not body.strip():
        what = "truncated header, no body" if len(header) < HEADER_LINES else "header but no body"
        return [rejected(rec, Reason.HEADER_ONLY, what)]
    return [rec]
