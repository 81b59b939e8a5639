"""Reader `seed_dateline`: the seed wire layout.

    ` date 2012-06-08 MOSCOW A U.S. special envoy met ...`   (optional leading spaces)
    blank line, paragraph, blank line, ..., `(Writing by ...; Editing by ...)`

date = the YYYY-MM-DD after `date`; published_at = None (no time in the layout); title = None;
text = the raw body after the `date YYYY-MM-DD ` prefix (dateline and sign-off stay: clean lifts
them). The body may also start on the next line. Nothing after the prefix -> HEADER_ONLY.
An impossible date (2012-02-30) -> date None and flag ``bad_date``.
Id: the path rule.
"""

from __future__ import annotations

import re

from . import dates, ids
from .base import (RawInput, Reason, check_day_folder, new_record, rejected,
                   skip_blank_lines)

NAME = "seed_dateline"
VERSION = 1

_PREFIX = re.compile(r"[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})(?=\s|$)[ \t]*\n?")


def sniff(text: str) -> bool:
    return _PREFIX.match(text) is not None


def read(src: RawInput, params) -> list:
    m = _PREFIX.match(src.text)
    flags = list(src.flags)
    day, _, problem = dates.parse_iso(m.group(1))
    if problem:
        flags.append(problem)
    body = skip_blank_lines(src.text[m.end():])
    rec = new_record(ids.path_id(src.path), src.path, NAME, VERSION, src.sha256, flags=flags,
                     date=day, text=body)
    check_day_folder(rec)
    if not body.strip():
        return [rejected(rec, Reason.HEADER_ONLY, "date line but no body")]
    return [rec]
