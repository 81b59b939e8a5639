"""The publisher's day of a web page whose markup states its time in UTC only.

A page that says `2020-08-25T00:23:33Z` was published on the 24th in Ottawa: the record's `date`
is the publisher's local day, `published_at` keeps the instant as stated. `local_day(instant,
url, visible)` gives (day, rule) for a UTC instant (offset +00:00), first source that has one:
* `url`: the day in the article's URL (`/2019/01/01/`, `/20190101/`, `-2019-01-01`), when it is
  within a day of the UTC day (a URL day further off is an old story's path, not this one);
* `visible`: the page's visible text writes one of two candidate days (the UTC day, and the
  site time zone's day, or without one the day before / after) and not the other
  (`26.12.2019`, `2019-12-26`, `26/12/2019`, `26. December 2019`, `December 26, 2019`): a site
  whose clock is UTC shows the UTC day (kept);
* `site-timezone`: the instant in the time zone of the site's country-code domain (`.de`,
  `.co.uk`, `.ca`; the table below is data: a domain missing from it keeps the UTC day);
* else the UTC day (rule None).
An instant with any other offset already states the publisher's clock: its day is kept.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

# the time zone of a country-code domain (the capital's, or the most populous one's); domains
# used worldwide as generic ones (.co, .io, .me, .tv) are left out
TLD_ZONES = {
    "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich", "li": "Europe/Vaduz",
    "fr": "Europe/Paris", "be": "Europe/Brussels", "nl": "Europe/Amsterdam", "lu": "Europe/Luxembourg",
    "it": "Europe/Rome", "es": "Europe/Madrid", "pt": "Europe/Lisbon", "uk": "Europe/London",
    "ie": "Europe/Dublin", "pl": "Europe/Warsaw", "cz": "Europe/Prague", "sk": "Europe/Bratislava",
    "hu": "Europe/Budapest", "dk": "Europe/Copenhagen", "se": "Europe/Stockholm", "no": "Europe/Oslo",
    "fi": "Europe/Helsinki", "ee": "Europe/Tallinn", "lv": "Europe/Riga", "lt": "Europe/Vilnius",
    "gr": "Europe/Athens", "ro": "Europe/Bucharest", "bg": "Europe/Sofia", "hr": "Europe/Zagreb",
    "si": "Europe/Ljubljana", "rs": "Europe/Belgrade", "ua": "Europe/Kyiv", "ru": "Europe/Moscow",
    "tr": "Europe/Istanbul", "il": "Asia/Jerusalem", "in": "Asia/Kolkata", "pk": "Asia/Karachi",
    "bd": "Asia/Dhaka", "cn": "Asia/Shanghai", "hk": "Asia/Hong_Kong", "tw": "Asia/Taipei",
    "jp": "Asia/Tokyo", "kr": "Asia/Seoul", "vn": "Asia/Ho_Chi_Minh", "th": "Asia/Bangkok",
    "sg": "Asia/Singapore", "my": "Asia/Kuala_Lumpur", "id": "Asia/Jakarta", "ph": "Asia/Manila",
    "au": "Australia/Sydney", "nz": "Pacific/Auckland", "za": "Africa/Johannesburg",
    "ng": "Africa/Lagos", "ke": "Africa/Nairobi", "eg": "Africa/Cairo", "ca": "America/Toronto",
    "mx": "America/Mexico_City", "br": "America/Sao_Paulo", "ar": "America/Argentina/Buenos_Aires",
    "cl": "America/Santiago", "pe": "America/Lima", "bo": "America/La_Paz",
    "uy": "America/Montevideo", "py": "America/Asuncion", "ve": "America/Caracas",
    "ec": "America/Guayaquil", "do": "America/Santo_Domingo", "cu": "America/Havana",
}

_URL_DAY = re.compile(r"(?<!\d)((?:19|20)\d\d)([/-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")


def _url_day(url: str) -> date | None:
    m = _URL_DAY.search(urlsplit(url).path)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[3]), int(m[4]))
    except ValueError:
        return None


def _zone(url: str) -> ZoneInfo | None:
    host = (urlsplit(url).hostname or "").lower()
    name = TLD_ZONES.get(host.rsplit(".", 1)[-1]) if "." in host else None
    return ZoneInfo(name) if name else None


MONTHS = {1: ("january", "januar", "jan"), 2: ("february", "februar", "feb"), 3: ("march", "märz", "mar"),
          4: ("april", "apr"), 5: ("may", "mai"), 6: ("june", "juni", "jun"), 7: ("july", "juli", "jul"),
          8: ("august", "aug"), 9: ("september", "sept", "sep"), 10: ("october", "oktober", "oct", "okt"),
          11: ("november", "nov"), 12: ("december", "dezember", "dec", "dez")}


def _written(day: date) -> re.Pattern[str]:
    """The ways a page writes `day`: numeric (day first, or ISO), `26. December 2019`,
    `December 26, 2019` (English and German month names)."""
    d, m, y = day.day, day.month, day.year
    months = "|".join(MONTHS[m])
    return re.compile(
        rf"(?<![\d.])(?:0?{d}[./]\s?0?{m}[./]\s?{y}|{y}-{m:02d}-{d:02d}|{y}/{m:02d}/{d:02d}"
        rf"|0?{d}\.?\s+(?:{months})\.?\s+{y}|(?:{months})\.?\s+0?{d},?\s+{y})(?!\d)", re.IGNORECASE)


def _visible_day(utc: date, other: date, visible: str) -> date | None:
    """The one of the two days the visible text writes, if it writes only one."""
    a, b = _written(utc).search(visible), _written(other).search(visible)
    return utc if a and not b else other if b and not a else None


def local_day(instant: str | None, url: str | None,
              visible: str = "") -> tuple[str | None, str | None]:
    """(the publisher's day, rule) of a UTC instant; (None, None) when there is nothing to change."""
    if not instant or not url:
        return None, None
    try:
        dt = datetime.fromisoformat(instant)
    except ValueError:
        return None, None
    if dt.utcoffset() != timedelta(0):
        return None, None
    from_url = _url_day(url)
    if from_url is not None and abs((from_url - dt.date()).days) <= 1:
        return from_url.isoformat(), "url"
    zone = _zone(url)
    others = [dt.astimezone(zone).date()] if zone is not None else \
        [dt.date() - timedelta(days=1), dt.date() + timedelta(days=1)]
    for other in others:
        seen = _visible_day(dt.date(), other, visible) if visible and other != dt.date() else None
        if seen is not None:
            return seen.isoformat(), "visible"
    if zone is not None:
        return dt.astimezone(zone).date().isoformat(), "site-timezone"
    return None, None
