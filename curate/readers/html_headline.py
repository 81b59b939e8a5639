"""The page's headline: the title its metadata gives that the reader also sees.

A page names its headline several times: JSON-LD `headline`, `og:title` / `twitter:title`, the
`<title>` element, and the visible `<h1>`. They often differ (an SEO headline in JSON-LD, a
social one in og:title, a kicker, section or the site's name in `<title>`). The JSON-LD headline
is the article's own and stays first (html.py); without one, `agreeing` picks the visible
headline when a metadata title agrees with it, in the metadata's order:
* whole, or once the site's name is cut (html_meta.strip_site_suffix), up to dashes, quote marks,
  spacing and case (`loose_headline`);
* or, for the `<title>` element, as a run of its separated parts (`Site - Section - Headline`,
  `Headline » Blog name`) when the headline holds 3+ words and at least half of the title: a
  short `<h1>` that is one part of a title (a section's name) is no headline.
An `<h1>` that is only the site's name (a logo), or wholly a link to the site's home page (a
blog's name, `home_names`: a site name for the title's suffix too), is never the headline. The visible spelling wins
(its dashes and quotes). With no agreement the caller keeps its own order.
"""

from __future__ import annotations

import copy
import re

from .html_meta import (
    AFFIX_SEP, INVISIBLE, as_text, first_meta, loose_headline, part_names_site, site_keys, strip_site_suffix,
    visible_headline,
)

_MAX_CHARS = 400  # an h1 longer than this wraps a whole block, not a headline


def headlines(tree, site_names: list[str | None]) -> list[str]:
    """The visible `<h1>` texts, the site's own name aside."""
    sites = site_keys([s for s in site_names if s])
    out = []
    for h1 in tree.iter("h1"):
        text = " ".join(h1.text_content().translate(INVISIBLE).split())
        if text and len(text) <= _MAX_CHARS and not part_names_site(text, sites, loose=False):
            out.append(text)
    return list(dict.fromkeys(out))


_HOME_PATHS = ("", "/", "/index.html", "/index.php", "/index.htm")


def _is_home(href: str | None) -> bool:
    """A link to a site's home page (also as an archive's copy: `…/web/2014/http://x.com/`)."""
    from urllib.parse import urlsplit

    href = (href or "").strip()
    inner = href.rfind("http")
    parts = urlsplit(href[inner:] if inner > 0 else href)
    return bool(href) and parts.path in _HOME_PATHS and not parts.query and not parts.fragment


def home_names(tree) -> list[str]:
    """The texts of `<h1>`s that are wholly one link to the site's home page: a blog's or site's
    name above every page (`<h1><a href="/">Salsa figures - Rueda in Berlin</a></h1>`)."""
    out = []
    for h1 in tree.iter("h1"):
        text = " ".join(h1.text_content().translate(INVISIBLE).split())
        links = list(h1.iter("a"))
        if text and len(links) == 1 and " ".join(links[0].text_content().split()) == text \
                and _is_home(links[0].get("href")):
            out.append(text)
    return out


def names_site(text: str, site_names: list[str | None]) -> bool:
    """`text` is only the site's name (a blog's name as its page title)."""
    return part_names_site(text, site_keys([s for s in site_names if s]), loose=False)


def _runs(title: str) -> list[str]:
    """The runs of `title`'s separated parts that start or end it (`A - B - C`: `A`, `A - B`,
    `B - C`, `C`)."""
    seps = list(AFFIX_SEP.finditer(title))
    return [title[: m.start()].strip() for m in seps] + [title[m.end():].strip() for m in seps]


def _extended(title: str, heads: list[str]) -> str | None:
    """The `<h1>` that is `title` followed by a colon or dash and a subtitle (`Lemon cake: simply
    delicious!` for the title `Lemon cake`; a pipe leads to a site's name, not a subtitle)."""
    key = loose_headline(title)
    for h in heads:
        low = loose_headline(h)
        sep = AFFIX_SEP.match(low, len(key)) if len(key.split()) >= 2 and low.startswith(key) else None
        if sep and sep.group().strip() in (":", "-") and low[sep.end():].strip():  # not `| Site`
            return h
    return None


def agreeing(candidates: list[tuple[str, str | None]], heads: list[str],
             site_names: list[str | None], runs: tuple[str, ...] = ("title",)) -> tuple[str, str] | None:
    """(source, visible headline without the site's name) of the first candidate title that
    agrees with an `<h1>`; the candidates of the sources `runs` also by a run of their parts
    (whole or once the site's name is cut); an `<h1>` the candidate is the start of, up to a
    separator, is its headline with a subtitle. An `<h1>` the candidate agrees with whole keeps
    a leading part that merely holds a site word (`Women in the THW: …` on thw.de)."""
    keys = {loose_headline(h): h for h in reversed(heads)}
    for source, raw in candidates:
        if not raw or not keys:
            continue
        cut = strip_site_suffix(raw, site_names)
        if loose_headline(raw) in keys:
            return source, strip_site_suffix(keys[loose_headline(raw)], site_names, lead=False)
        head = keys.get(loose_headline(cut)) if cut else None
        if head is None and source in runs:
            head = next((keys[loose_headline(r)] for t in dict.fromkeys((raw, cut)) if t for r in _runs(t)
                         if loose_headline(r) in keys and len(r.split()) >= 3 and 2 * len(r) >= len(t)), None)
        head = head or (_extended(cut, heads) if cut else None)
        if head:
            return source, strip_site_suffix(head, site_names)
    return None


def kicker_of(title: str, other: str) -> bool:
    """`title` and `other` are one headline but for a kicker: one is a run of the other's
    separated parts (`Kücknitz - Auction raised …` and `Auction raised …`)."""
    a, b = loose_headline(title), loose_headline(other)
    return a != b and (any(loose_headline(r) == b for r in _runs(title))
                       or any(loose_headline(r) == a for r in _runs(other)))


# the class of a kicker inside an `<h1>` (`<span class="dachzeile">After the lockdown</span>
# <span class="headline">Car dealers expect a slow start</span>`): a topic line, not the headline
KICKER_CLASS = re.compile(r"(?:^|[\s_-])(?:kicker|dachzeile|spitzmarke|overline|topline|roofline|eyebrow|"
                          r"supertitle|overtitle|titleheader|label)(?:$|[\s_-])", re.IGNORECASE)
_HIDDEN_CLASS = re.compile(r"hidden|offscreen|sr-only", re.IGNORECASE)


def kicked_headlines(tree) -> list[str]:
    """The `<h1>`s that hold a kicker element (KICKER_CLASS), without it and without the
    separators hidden from sight (`aria-hidden`, `visually-hidden`)."""
    out = []
    for h1 in tree.iter("h1"):
        kicker = next((e for e in h1.iterdescendants() if isinstance(e.tag, str)
                       and KICKER_CLASS.search(e.get("class") or "") and e.text_content().strip()), None)
        if kicker is None:
            continue
        rest = copy.deepcopy(h1)
        for e in list(rest.iterdescendants()):
            if isinstance(e.tag, str) and (e.get("aria-hidden") == "true" or _HIDDEN_CLASS.search(e.get("class") or "")
                                           or KICKER_CLASS.search(e.get("class") or "")):
                e.drop_tree()
        text = " ".join(rest.text_content().translate(INVISIBLE).split()).strip(" -–—:|/")
        if len(text.split()) >= 2:
            out.append(text)
    return out


def without_kicker(title: str, kicked: list[str]) -> str:
    """`title` without the kicker the page's `<h1>` marks as one, when the title joins it with a
    dash, a pipe or a slash (`Pandemic - "How people die matters too"` -> `"How people die
    matters too"`: two display lines flattened); a colon-joined kicker stays (`Flood inquiry: Two
    resign`: the publisher's one-line headline, as web-dev's truth keeps it)."""
    key = loose_headline(title)
    for rest in kicked:
        tail = loose_headline(rest)
        if key != tail and key.endswith(tail) and key[: -len(tail)].rstrip().endswith(("-", "|", "/")):
            return rest
    return title


def page_title(tree, art: dict, meta: dict, sites: list[str | None], fallback) -> tuple[str, str] | None:
    """(source, title) of a page: the JSON-LD headline, unless og:title and the `<h1>` agree on
    it but for a kicker; without one, the `<h1>` a metadata title agrees with (`agreeing`), else
    og:title; else trafilatura's (`fallback()`, unless it names the site) or the `<title>`
    element; without a kicker the `<h1>` marks as one (`kicked_headlines`); in the visible
    headline's spelling (dashes, quotes, case), without soft hyphens."""
    ld_title = as_text(art.get("headline")) or as_text(art.get("name"))
    element = tree.find(".//title")
    element = " ".join(element.text_content().split()) if element is not None else None
    seen = agreeing([("og", t) for t in meta.get("og:title", [])]
                    + [("og", first_meta(meta, "twitter:title")), ("title", element)],
                    headlines(tree, sites), sites)
    if ld_title and not (seen and seen[0] == "og" and kicker_of(seen[1], strip_site_suffix(ld_title, sites))):
        seen = None
    found = seen or next(((src, t) for src, t in (
        ("json-ld", strip_site_suffix(ld_title, sites)),
        ("og", strip_site_suffix(first_meta(meta, "og:title", "twitter:title"), sites))) if t), None)
    if not found:  # trafilatura's, unless it only names the site; the <title> element
        raw = fallback()
        guess = strip_site_suffix(raw, sites)
        mine = guess and not names_site(guess, sites) and not names_site(raw, sites)
        own = strip_site_suffix(element, sites)
        found = next(((src, t) for src, t in (("trafilatura", guess if mine else None), ("title", own),
                                               ("trafilatura", guess)) if t), None)
    if not found:
        return None
    title = visible_headline(tree, without_kicker(found[1], kicked_headlines(tree)))
    return found[0], title.replace("\xad", "")  # a soft hyphen is no part of the headline's words
