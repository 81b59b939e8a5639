"""A web page's author names, cleaned of what bylines and author tags carry besides names.

`clean_authors(names, sites)` -> (authors, agency):
* a wire agency (a name of the agency table, `markup.agency`: `Associated Press`, `AFP`, `dpa`)
  is no author: it goes to `agency`, alone or at the end of a name (`JILL LAWLESS Associated
  Press` -> `JILL LAWLESS`, agency AP);
* roles and page words are no names: a role title (`AP Sports Writer`, `Staff Reporter`), a
  lead-in (`View all posts by`, `Artikel von`, `Interview`, a leading `and`), a trailing
  `Published` / `Updated`, placeholders (`No Author`, `Name`, `admin`, `Redaktion`), a role
  title that leaves one word of a two-word name is part of it (`Rasender Reporter`), an organisation desk
  (`Detroit News wire services`), a role before the name (`FOCUS-Online-Experte Robin Tschöpe`,
  LEAD_ROLE), a degree after it (`Grant Tinsley, PhD`, POST_NOMINALS);
* a name followed by `says` (COMMENT_MARKS) is a commenter's, no author;
* the site itself is no author: a name equal to the site's name (og:site_name, the publisher, the
  host: `CNN` on cnn.com, `Badische Zeitung` on its own pages), also before a split (`Jobs &
  Hire`, `names_in`); nor is the page's headline;
* a "name" holding digits (`On August 3`) or of more than MAX_NAME_WORDS words is page text or
  a description, not a name; one ending in a legal form
  (`Nikkei Inc`, `Hanns-Seidel-Stiftung e.V.`, ORG_FORMS) is an organisation.
Where no markup names an author, `byline_lines` reads a byline written as text (`Written by:
Julie Lind`, `Ein Artikel von Pamela Kamp | 27.01.2022`: TEXT_LEADS, then a capitalised name).
The word lists are data (the tables below), not branches.
"""

from __future__ import annotations

import re

from .html_meta import loose_headline, split_names
from .markup import agency

# meta tags naming a page's authors, in the order they are asked
AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator", "parsely-author",
               "sailthru.author", "cxenseparse:author")
LEAD_INS = ("view all posts by", "all posts by", "posts by", "posted by", "written by",
            "published by", "posted on", "published on", "ein artikel von", "artikel von",
            "beitrag von", "geschrieben von", "veröffentlicht von", "veröffentlicht am", "quelle",
            "autorin", "autor", "author",
            "interview", "text", "and", "und", "by", "von", "vom")
TRAILERS = ("published", "updated", "veröffentlicht", "aktualisiert")
PLACEHOLDERS = frozenset({"no author", "name", "admin", "administrator", "author", "autor",
                          "unknown", "anonymous", "editor", "guest", "red", "unserer redaktion", "our staff",
                          "agenturen", "agencies", "staff", "newsroom"})
# a legal form ends an organisation's name, never a person's (`Nikkei Inc`, `… Stiftung e.V.`)
ORG_FORMS = re.compile(r"\b(?:inc|ltd|llc|corp|plc|gmbh|ag|kg|e\.?\s?v|s\.?a|s\.?l|b\.?v|n\.?v)\.?$",
                       re.IGNORECASE)
ROLE = re.compile(
    r"(?:^|\s)(?:(?:senior|chief|staff|sports?|business|political|associate|contributing|"
    r"special|national|foreign|economics|technology|science|medical|health|entertainment|"
    r"news|bureau)\s+)*(?:writer|correspondent|reporter|editor|columnist|contributor|"
    r"journalist|photographer|producer)s?$", re.IGNORECASE)
# a role before the name, alone or after the site's name (`FOCUS-Online-Experte Robin Tschöpe`,
# `Gastautorin Anna Berger`); cut only when two words of name remain
LEAD_ROLE = re.compile(r"^(?:[\w.]+-)*(?:experte|expertin|gastautor(?:in)?|korrespondent(?:in)?|"
                       r"redakteur(?:in)?|reporter(?:in)?|kolumnist(?:in)?)\s+(?=\S+\s+\S)",
                       re.IGNORECASE)
# a degree or title after the name (`Grant Tinsley, PhD`): no name of its own
POST_NOMINALS = frozenset({"phd", "md", "msc", "ms", "ma", "mba", "mph", "rd", "rn", "bsc", "ba",
                           "dphil", "llm", "cpt", "rdn", "do", "facs", "dr", "prof"})
# a name followed by `says` is a commenter's (`Art Edwards says`), not the article's author
COMMENT_MARKS = ("says", "sagt", "schreibt", "meint")  # not `said`: `Edward Said`
MAX_NAME_WORDS = 6  # more is a description (`… University faculty professor`), not a name
DESK = re.compile(r"\b(?:wire services?|news services?|news desk)\b",
                  re.IGNORECASE)
_ALNUM = re.compile(r"[\W_]+")


def _strip_words(name: str) -> str:
    changed = True
    while changed and name:
        changed = False
        low = name.lower()
        for lead in LEAD_INS:
            if low == lead or low.startswith(lead + " ") or low.startswith(lead + ":"):
                name, changed = name[len(lead) + 1:].strip(" :,"), True
                break
        low = name.lower()
        for trail in TRAILERS:
            if low.endswith(" " + trail):
                name, changed = name[: -len(trail) - 1].strip(" :,"), True
                break
    return name


def _unrole(name: str) -> str:
    """`name` without a role title (`Anna Berger, Staff Writer`); a name the cut would leave
    one word of keeps the word (`Rasender Reporter` is a pen name, `Sports Editor` a role)."""
    cut = ROLE.sub("", name).strip(" ,")
    return name if len(cut.split()) == 1 and len(name.split()) == 2 else cut


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


def spelled(name: str, text: str) -> str:
    """`name` as `text` spells it when it differs only in case or in an initial's full stop
    (`lupa`, not `Lupa`; `Günter W. Kienitz`, not `Günter W Kienitz`)."""
    pattern = r"\.?\s+".join(re.escape(w.rstrip(".")) + (r"\." if w.endswith(".") else "")
                            for w in name.split())
    m = re.search(r"(?<!\w)" + pattern + r"(?!\w)", text, re.IGNORECASE)
    return " ".join(m.group(0).split()) if m else name


def _is_site(name: str, keys: set[str]) -> bool:
    """The site's own name, also glued to a lead-in in one word (`VonEurosport`)."""
    key = _ALNUM.sub("", name.lower())
    return key in keys or (" " not in name.strip() and any(len(k) >= 5 and k in key for k in keys))


def names_in(value: str, sites: list[str | None]) -> list[str]:
    """The names of one author value; a value that is the site's own name whole names no one
    (`Jobs & Hire` is not `Jobs` and `Hire`), nor does the site's name followed by one-word
    parts (its town and country)."""
    keys = _site_keys(sites)
    if _is_site(" ".join(value.split()), keys):
        return []
    names = split_names(value)
    if len(names) > 1 and _is_site(names[0], keys) and all(len(n.split()) == 1 for n in names[1:]):
        return []  # the site's name and its place (`hessenschau.de, Frankfurt, Germany`)
    return names


def clean_authors(names: list[str], sites: list[str | None],
                  headline: str | None = None) -> tuple[list[str], str | None]:
    """(the person names among `names`, the wire agency one of them named, or None); the page's
    `headline` is no name (a byline extractor that took the title)."""
    keys = _site_keys(sites)
    title = loose_headline(headline) if headline else None
    if len(names) > 1 and _is_site(" ".join(names), keys):  # the site's name split (`Jobs; Hire`)
        return [], None
    out: list[str] = []
    wire = None
    for raw in names:
        name = _strip_words(" ".join(raw.split()))
        if name.lower().rsplit(None, 1)[-1:] in ([m] for m in COMMENT_MARKS) and " " in name:
            continue
        name = LEAD_ROLE.sub("", name)
        found = agency(name)
        if not found:
            name = _unrole(name)
            found = agency(name)
        if found:
            wire = wire or found
            continue
        name, found = _agency_tail(name)
        wire = wire or found
        name = _strip_words(_unrole(name))
        if not name or len(name.split()) > MAX_NAME_WORDS or name.lower() in PLACEHOLDERS or name.lower().replace(".", "") in POST_NOMINALS \
                or DESK.search(name) or ORG_FORMS.search(name) \
                or any(c.isdigit() for c in name) or _is_site(name, keys) or loose_headline(name) == title:
            continue
        out.append(name)
    return list(dict.fromkeys(out)), wire


# the markup of a byline: a rel/itemprop `author`, or a class naming the author or byline
_BYLINE_CLASS = re.compile(r"(?:^|[\s_-])(?:author|autor|byline|writer)(?:name)?(?:$|[\s_-])", re.IGNORECASE)
_NOT_BYLINE = re.compile(r"comment|reply|related|teaser|footer|widget|sidebar|avatar|bio\b|box\b",
                         re.IGNORECASE)
_DATED_BY = re.compile(r"^.*?\d.*?\s(?:by|von|par|por|door|av|di)\s+", re.IGNORECASE)
_MAX_BYLINE = 80  # characters: more is a biography or a paragraph, not a byline


def byline_names(tree, most: int = 5) -> list[str]:
    """The texts of the page's first `most` byline marks (`rel="author"`, `itemprop="author"`, a
    class, `data-testid` or `data-component` naming the author or byline), outside comments,
    related teasers and author boxes, in page order (a byline's `Posted on` date mark can come
    before its name); a mark's linked names are its text when it links any (the rest is often a
    date or a logo), else a date before `by` is cut (`Posted on May 2, 2020 by Adi Tzlil`)."""
    out: list[str] = []
    for el in tree.iter():
        if len(out) >= most:
            break
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "meta", "link", "img"):
            continue
        rel, prop, cls = el.get("rel") or "", el.get("itemprop") or "", el.get("class") or ""
        marks = f"{cls} {el.get('data-testid') or ''} {el.get('data-component') or ''}"
        if "author" not in rel.lower().split() and prop.lower() != "author" and not _BYLINE_CLASS.search(marks):
            continue
        if any(_NOT_BYLINE.search(f"{a.get('class') or ''} {a.get('id') or ''}") for a in el.iterancestors()) \
                or _NOT_BYLINE.search(f"{cls} {el.get('id') or ''}"):
            continue
        named = el.find('.//*[@itemprop="name"]')
        links = [t for a in el.iter("a") if (t := " ".join(a.text_content().split()))
                 and len(t.split()) <= 5 and not any(c.isdigit() for c in t)]
        text = ", ".join(links) if named is None and links else \
            " ".join(" ".join((named if named is not None else el).itertext()).split())
        dated = _DATED_BY.match(text)  # `Posted on September 21, 2020 by Adi Tzlil`
        text = text[dated.end():] if dated else text
        if 2 <= len(text) <= _MAX_BYLINE and text not in out:
            out.append(text)
    return out


# a byline written as text, not marked up: a lead word, then a name of 2-4 capitalised words
# (particles such as `von`, `de` inside), then the end or a separator (`| 27.01.2022`, `, Project lead`)
TEXT_LEADS = ("written by", "posted by", "ein artikel von", "autorin", "autor", "author", "text",
              "by", "von", "par", "por", "door", "di")
_PARTICLE = r"(?:von|van|der|den|de|del|della|da|di|du|la|le|zu|y|bin|ibn|al)"
_CAP = r"[^\W\d_][\w'’.-]*"
TEXT_BYLINE = re.compile(
    rf"^(?:{'|'.join(TEXT_LEADS)})\s*:?\s+((?=[^\W\d_])(?:{_CAP})(?:\s+(?:{_PARTICLE}\s+)*{_CAP}){{1,3}})"
    r"\s*(?:$|[|,/(]|\s[-–—]\s)", re.IGNORECASE)
_BYLINE_TEXT_MAX = 100  # characters of the element's text (with the tail of a lone lead word)


def _capitalised(name: str) -> bool:
    return all(w[0].isupper() for w in name.split() if not re.fullmatch(_PARTICLE, w, re.IGNORECASE))


def byline_lines(tree) -> list[str]:
    """The name of the first short text in the page that reads as a byline (`Written by: Julie
    Lind`, `Ein Artikel von Pamela Kamp | 27.01.2022`, `<h5>Autor:</h5> Peter Lind/SP-X`),
    outside comments, related teasers, navigation and footers (`_NOT_BYLINE`)."""
    body = tree.find("body")
    for el in body.iterdescendants() if body is not None else ():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "nav", "footer", "a", "time"):
            continue
        text = " ".join(el.text_content().split())
        if text.rstrip(" :").lower() in TEXT_LEADS and el.tail:  # `<h5>Autor:</h5> Peter Lind`
            text = f"{text} {' '.join(el.tail.split())}"
        m = TEXT_BYLINE.match(text) if len(text) <= _BYLINE_TEXT_MAX else None
        if not m or not _capitalised(m.group(1)) or any(
                _NOT_BYLINE.search(f"{a.get('class') or ''} {a.get('id') or ''}") or a.tag in ("nav", "footer")
                for a in (el, *el.iterancestors())):
            continue
        return [m.group(1).rstrip(".")]
    return []


def author_sources(ld_names: list[str], meta: dict, traf_author, tree, sites: list[str | None]):
    """(source, names) in order: JSON-LD, each author meta tag (AUTHOR_META), trafilatura's
    (`traf_author()`, asked only when reached), the page's byline markup (`byline_names`), a
    byline in its text (`byline_lines`); an organisation author, often the site itself, does not
    stop the search: it is no person. trafilatura reads the same author tags: its names that only
    come from a tag value found to name the site are dropped too."""
    yield "json-ld", ld_names
    site_tags = []
    for key in AUTHOR_META:
        values = meta.get(key, ())
        site_tags += [v.casefold() for v in values if not names_in(v, sites)]
        yield "meta", [n for value in values for n in names_in(value, sites)]
    author = traf_author()
    if author:
        names = [n for a in author.split(";") for n in names_in(a, sites)]
        yield "trafilatura", [] if names and all(any(n.casefold() in v for v in site_tags) for n in names) else names
    for text in byline_names(tree):
        yield "byline", names_in(text, sites)
    yield "byline-text", byline_lines(tree)
