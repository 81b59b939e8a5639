"""A web page's author names, cleaned of what bylines and author tags carry besides names.

`clean_authors(names, sites)` -> (authors, agency):
* a wire agency (a name of the agency table, `markup.agency`: `Associated Press`, `AFP`, `dpa`)
  is no author: it goes to `agency`, alone or at the end of a name (`JILL LAWLESS Associated
  Press` -> `JILL LAWLESS`, agency AP);
* roles and page words are no names: a role title (`AP Sports Writer`, `Staff Reporter`), a
  lead-in (`View all posts by`, `Artikel von`, `Interview`, a leading `and`), a trailing
  `Published` / `Updated`, placeholders (`No Author`, `Name`, `admin`), an organisation desk
  (`Detroit News wire services`);
* the site itself is no author: a name equal to the site's name (og:site_name, the publisher, the
  host: `CNN` on cnn.com, `Badische Zeitung` on its own pages);
* a "name" holding digits (`On August 3`) is page text, not a name.
The word lists are data (the tables below), not branches.
"""

from __future__ import annotations

import re

from .markup import agency

LEAD_INS = ("view all posts by", "all posts by", "posts by", "posted by", "written by",
            "published by", "ein artikel von", "artikel von", "beitrag von", "geschrieben von",
            "interview", "text", "and", "und", "by", "von")
TRAILERS = ("published", "updated", "veröffentlicht", "aktualisiert")
PLACEHOLDERS = frozenset({"no author", "name", "admin", "administrator", "author", "autor",
                          "unknown", "anonymous", "editor", "guest"})
ROLE = re.compile(
    r"(?:^|\s)(?:(?:senior|chief|staff|sports?|business|political|associate|contributing|"
    r"special|national|foreign|economics|technology|science|medical|health|entertainment|"
    r"news|bureau)\s+)*(?:writer|correspondent|reporter|editor|columnist|contributor|"
    r"journalist|photographer|producer)s?$", re.IGNORECASE)
DESK = re.compile(r"\b(?:wire services?|news services?|news desk)\b",
                  re.IGNORECASE)
_ALNUM = re.compile(r"[\W_]+")


def _strip_words(name: str) -> str:
    changed = True
    while changed and name:
        changed = False
        low = name.lower()
        for lead in LEAD_INS:
            if low.startswith(lead + " ") or low.startswith(lead + ":"):
                name, changed = name[len(lead) + 1:].strip(" :,"), True
                break
        low = name.lower()
        for trail in TRAILERS:
            if low.endswith(" " + trail):
                name, changed = name[: -len(trail) - 1].strip(" :,"), True
                break
    return name


def _agency_tail(name: str) -> tuple[str, str | None]:
    """('JILL LAWLESS', 'AP') from 'JILL LAWLESS Associated Press'; the name alone otherwise."""
    words = name.split()
    for n in range(min(4, len(words) - 1), 0, -1):
        found = agency(" ".join(words[-n:]))
        if found:
            return " ".join(words[:-n]), found
    return name, None


def _site_keys(sites: list[str | None]) -> set[str]:
    keys = set()
    for s in sites:
        if s:
            low = s.lower()
            keys.add(_ALNUM.sub("", low))
            if "." in low and " " not in low:
                keys.add(_ALNUM.sub("", low.rsplit(".", 1)[0]))
    return {k for k in keys if k}


def clean_authors(names: list[str], sites: list[str | None]) -> tuple[list[str], str | None]:
    """(the person names among `names`, the wire agency one of them named, or None)."""
    keys = _site_keys(sites)
    out: list[str] = []
    wire = None
    for raw in names:
        name = _strip_words(" ".join(raw.split()))
        found = agency(name)
        if not found:
            name = ROLE.sub("", name).strip(" ,")
            found = agency(name)
        if found:
            wire = wire or found
            continue
        name, found = _agency_tail(name)
        wire = wire or found
        name = _strip_words(ROLE.sub("", name).strip(" ,"))
        if not name or name.lower() in PLACEHOLDERS or DESK.search(name) \
                or any(c.isdigit() for c in name) or _ALNUM.sub("", name.lower()) in keys:
            continue
        out.append(name)
    return list(dict.fromkeys(out)), wire
