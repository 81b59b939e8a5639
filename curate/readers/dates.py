"""Dates: the Reuters header timestamp, ISO dates/timestamps, and day folders in paths.

All functions return None for what they cannot read; none raises.
"""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# Zone abbreviations seen in (or plausible for) Reuters web headers -> UTC offset.
ZONES = {
    "EDT": "-04:00", "EST": "-05:00", "CDT": "-05:00", "CST": "-06:00", "MDT": "-06:00",
    "MST": "-07:00", "PDT": "-07:00", "PST": "-08:00", "GMT": "+00:00", "UTC": "+00:00",
    "BST": "+01:00", "CET": "+01:00", "CEST": "+02:00",
}
# "Thu Jun 7, 2012 10:59pm EDT" (weekday optional, minutes optional, zone optional)
_STAMP = re.compile(
    r"(?:[A-Za-z]{3,9},?\s+)?([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})"
    r"(?:\s+(\d{1,2})(?::(\d\d))?\s*([AaPp])\.?[Mm]\.?)?(?:\s+([A-Za-z]{2,5}))?\s*$"
)
_DAY8 = re.compile(r"(\d{4})(\d{2})(\d{2})$")
_DAYISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})$")


def _day(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_reuters_stamp(value: str) -> tuple[str | None, str | None, str | None]:
    """(date, published_at, problem) from 'Thu Jun 7, 2012 10:59pm EDT'.

    published_at carries the zone's offset; an unknown or missing zone gives the date only and
    problem 'unknown_timezone'; an unreadable stamp gives (None, None, 'bad_date').
    """
    m = _STAMP.match(value.strip())
    if not m:
        return None, None, "bad_date"
    mon = MONTHS.get(m.group(1).lower())
    day = _day(int(m.group(3)), mon, int(m.group(2))) if mon else None
    if day is None:
        return None, None, "bad_date"
    if m.group(4) is None:
        return day, None, None
    hour, minute = int(m.group(4)), int(m.group(5) or 0)
    if not (1 <= hour <= 12 and minute < 60):
        return day, None, "bad_date"
    hour = hour % 12 + (12 if m.group(6) in "Pp" else 0)
    offset = ZONES.get((m.group(7) or "").upper())
    if offset is None:
        return day, None, "unknown_timezone"
    return day, f"{day}T{hour:02d}:{minute:02d}:00{offset}", None


def local_stamp(naive: datetime, tz) -> str:
    """A naive clock time read as local time in `tz`: ISO 8601 with that zone's offset then."""
    return naive.replace(tzinfo=tz).isoformat(timespec="seconds")


def parse_iso(value: str, tz=None) -> tuple[str | None, str | None, str | None]:
    """(date, published_at, problem) from 'YYYY-MM-DD' or an ISO 8601 timestamp.

    A timestamp with an offset (or Z) gives published_at normalised to '+HH:MM'; a naive one gives
    published_at in `tz` (the source's time zone, RawInput.tz) when one is given, else the date
    only and problem 'naive_timestamp'.
    """
    s = value.strip()
    m = _DAYISO.match(s)
    if m:
        day = _day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return (day, None, None) if day else (None, None, "bad_date")
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None, None, "bad_date"
    day = dt.date().isoformat()
    if dt.tzinfo is None:
        if tz is not None:
            return day, local_stamp(dt, tz), None
        return day, None, "naive_timestamp"
    return day, dt.isoformat(timespec="seconds"), None


def day_folder(path: str) -> str | None:
    """The deepest directory of a relative path named YYYYMMDD or YYYY-MM-DD, as YYYY-MM-DD."""
    parts = path.split("/")[:-1]
    for part in reversed(parts):
        if len(part) == 8 and part.isdigit():
            m = _DAY8.match(part)
        elif len(part) == 10:
            m = _DAYISO.match(part)
        else:
            continue
        if m:
            day = _day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if day:
                return day
    return None
