"""A page's own metadata: schema.org JSON-LD (the article object, names, labels), meta tags
(OpenGraph, `article:*`, author), the canonical URL, titles without the site's suffix, and
dates with their UTC offset."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from html import unescape

import orjson

from . import ids
from .dates import local_stamp


ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting",
    "LiveBlogPosting", "Report", "ScholarlyArticle", "TechArticle", "SatiricalArticle",
})

_BYLINE_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|av|af|przez|od)\s+", re.IGNORECASE)

_ALNUM = re.compile(r"[\W_]+")

_NAME_SPLIT = re.compile(r"\s*(?:,|;|\||&|\s+(?:and|und|et|y|e(?!\.?\s*V\b)|en|og|och|i|a)\s+)\s*")

_PAREN = re.compile(r"\s*\([^)]{1,12}\)\s*$")

_ROLE_WORD = re.compile(r"^(?:autor(?:in)?|author|redakteur(?:in)?)\s+|\s+(?:기자|記者)$", re.IGNORECASE)

_TAGS = re.compile(r"<[^>]+>")

META_DATES = ("article:published_time", "og:article:published_time", "datepublished",
              "date", "pubdate", "publishdate", "publish-date", "publish_date", "dc.date",
              "dc.date.issued", "dcterms.date", "dcterms.created", "sailthru.date",
              "parsely-pub-date", "article.published", "cxenseparse:recs:publishtime")

META_MODIFIED = ("article:modified_time", "og:article:modified_time", "og:updated_time",
                 "datemodified", "dcterms.modified", "last-modified")

def ld_types(obj: dict) -> set[str]:
    t = obj.get("@type")
    values = t if isinstance(t, list) else [t]
    return {v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)}

def _candidates(obj, depth: int = 0):
    """Objects of a JSON-LD block: top level, lists, @graph, and a page's mainEntity."""
    if depth > 4:
        return
    if isinstance(obj, list):
        for item in obj:
            yield from _candidates(item, depth + 1)
    elif isinstance(obj, dict):
        yield obj
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(obj.get(key), (list, dict)):
                yield from _candidates(obj[key], depth + 1)

def json_ld(tree) -> tuple[list[dict], bool]:
    """(every JSON-LD object, whether any block was invalid)."""
    objs: list[dict] = []
    bad = False
    for script in tree.iterfind(".//script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind:
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            try:  # a common slip: raw newlines / tabs inside strings
                data = orjson.loads(re.sub(r"[\n\r\t]+", " ", raw))
            except orjson.JSONDecodeError:
                bad = True
                continue
        objs.extend(_candidates(data))
    return objs, bad

def pick_article(objs: list[dict], canonical: str | None) -> tuple[dict | None, list[dict]]:
    """(the article object, other objects such as a VideoObject)."""
    articles = [o for o in objs if ld_types(o) & ARTICLE_TYPES]
    if not articles:
        return None, objs
    if canonical and len(articles) > 1:
        key = ids.url_key(canonical)
        for o in articles:
            url = as_text(o.get("url")) or as_text(o.get("@id"))
            if url and ids.url_key(url) == key:
                return o, objs
    with_headline = [o for o in articles if o.get("headline")]
    return (with_headline or articles)[0], objs

def as_text(value) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or value.get("@id")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = " ".join(unescape(_TAGS.sub(" ", value)).split())
    return value or None

def split_people(value, authors: list[str], orgs: list[str]) -> None:
    if isinstance(value, list):
        for v in value:
            split_people(v, authors, orgs)
    elif isinstance(value, dict):
        name = as_text(value.get("name"))
        if not name:
            given, family = as_text(value.get("givenName")), as_text(value.get("familyName"))
            name = " ".join(p for p in (given, family) if p) or None
        if not name:
            return
        if ld_types(value) & {"Organization", "NewsMediaOrganization", "Corporation"}:
            orgs.append(name)
        else:
            authors.extend(split_names(name))
    elif isinstance(value, str):
        authors.extend(split_names(value))

# a name's last word that keeps its full stop: an initial (`Nicolas Gutierrez C.`) or a suffix
NAME_ABBREVIATIONS = frozenset({"jr", "sr", "jun", "sen", "snr", "jnr"})


def _clean_name(name: str) -> str | None:
    name = _PAREN.sub("", _ROLE_WORD.sub("", name)).strip(" ,")
    last = name.rstrip(".").rsplit(None, 1)[-1] if name.rstrip(". ") else ""
    if not (name.endswith(".") and " " in name and (len(last) == 1 or last.lower() in NAME_ABBREVIATIONS)):
        name = name.strip(" .,")
    if not name or "@" in name or not any(c.isalpha() for c in name) or \
            name.startswith(("http://", "https://", "/")):
        return None
    return name

def split_names(value: str) -> list[str]:
    """'Von A und B, dpa' -> ['A', 'B', 'dpa']; e-mail addresses, URLs, numbers dropped."""
    value = _BYLINE_PREFIX.sub("", " ".join(value.split()))
    if value.startswith(("http://", "https://", "/")):
        return []
    return [n for n in (_clean_name(p) for p in _NAME_SPLIT.split(value)) if n]

def label_values(value) -> list[str]:
    if isinstance(value, str):
        return [v for v in (" ".join(p.split()) for p in value.split(",")) if v]
    if isinstance(value, list):
        out = []
        for v in value:
            s = as_text(v)
            if s:
                out.append(s)
        return out
    s = as_text(value)
    return [s] if s else []

def meta_tags(tree) -> dict[str, list[str]]:
    """Every <meta property|name|itemprop=... content=...>, names lower-cased, values in order."""
    out: dict[str, list[str]] = {}
    for m in tree.iterfind(".//meta"):
        key = m.get("property") or m.get("name") or m.get("itemprop")
        value = m.get("content")
        if key and value and value.strip():
            out.setdefault(key.strip().lower(), []).append(" ".join(value.split()))
    for t in tree.xpath('.//*[@itemprop="datePublished" or @itemprop="dateModified"][@datetime]'):
        out.setdefault(t.get("itemprop").lower(), []).append(t.get("datetime").strip())
    return out

def first_meta(meta: dict, *keys: str) -> str | None:
    for k in keys:
        if meta.get(k):
            return meta[k][0]
    return None

def canonical_url(tree) -> str | None:
    for link in tree.iterfind(".//link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href.startswith(("http://", "https://")):
            return href
    return None

_CJK = "\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
# a site name's separator: spaced (`Headline | Site`, `Site: Headline`), a full-width or pipe one
# (`見出し：日本経済新聞`), or unspaced dashes between CJK characters (`…需求-新华网`, `…--人民网`)
AFFIX_SEP = re.compile(rf"\s+(?:\||-|–|—|::|·|•|»|«|/|\\|~)\s+|\s*[|｜：·・]\s*|:\s+"
                        rf"|(?<=[{_CJK}])\s*[-_–—]+\s*|\s*[-_–—]+\s*(?=[{_CJK}])")
_HOST_WORDS = frozenset({"www", "com", "net", "org", "info", "news", "blog", "online", "gov", "edu",
                         "web", "live", "media", "co", "de", "uk"})
_DATE_TAIL = re.compile(r"[\d.,:/\s-]+(?:uhr|h)?", re.IGNORECASE)


_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _key(text: str) -> str:
    """Lower-case letters and digits, umlauts spelled out and accents dropped (`Börsen-Zeitung`
    and the host `boersen-zeitung.de` give one key)."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return _ALNUM.sub("", "".join(c for c in folded if not unicodedata.combining(c)))


def site_keys(site_names: list[str]) -> set[str]:
    """Comparable forms of the site's names; for a host, also its name without the top-level
    domain (`golem.de` -> `golem`) and its distinctive labels (`hoy.com.do` -> `hoy`)."""
    keys = set()
    for n in site_names:
        if not n:
            continue
        low = n.lower().strip()
        keys.add(_key(low))
        if "." in low and " " not in low:
            keys.add(_key(low.rsplit(".", 1)[0]))
            keys.update(_key(label) for label in low.split(".") if label not in _HOST_WORDS)
    return {k for k in keys if k}


# the last word of a CJK outlet's name (`新华网`, `日本経済新聞`, `조선일보`): a short CJK title
# suffix ending in one names the site even when no metadata names it
OUTLET_WORDS = ("网", "網", "新聞", "新闻", "日报", "日報", "晚报", "晚報", "时报", "時報", "신문", "일보", "뉴스")
_CJK_NAME = re.compile(rf"[{_CJK}]{{2,8}}")


def part_names_site(part: str, sites: set[str], loose: bool = True) -> bool:
    """`part` names the site (the same key; `loose`, as for a suffix: for keys of 4+ characters
    the part inside the site's name, or the site's name inside a part it makes a third of: `Der
    SeglerBlog aus Berlin`, not `TINE Fotballskole viktig …` on tine.no; or a short part one of
    whose words is a site key: `Diario HOY` on hoy.com.do; `loose`, a short CJK name ending in an
    outlet word, OUTLET_WORDS), or is a date or no word at all."""
    key = _key(part)
    if _DATE_TAIL.fullmatch(part.strip()) or (part.strip() and not key):
        return True  # a date, or no letter or digit at all (`☆☆☆☆☆`)
    words = part.split()
    if loose and _CJK_NAME.fullmatch(part.strip()) and part.strip().endswith(OUTLET_WORDS):
        return True
    return bool(key) and (any(key == s or (loose and min(len(key), len(s)) >= 4
                                           and (key in s or (s in key and 3 * len(s) >= len(key))))
                              for s in sites)
                          or (len(words) <= 4 and any(len(_key(w)) >= 3 and _key(w) in sites for w in words)))


def strip_site_suffix(title: str | None, site_names: list[str], lead: bool = True) -> str | None:
    """'Headline | Site', 'Headline - site.de', 'Site: Headline', '見出し：日本経済新聞' ->
    'Headline' when the cut part names the site (og:site_name, the publisher, the host) or is a
    date; a title that is only the site name is kept. `lead=False`: suffixes only."""
    if not title:
        return title
    sites = site_keys(site_names)
    while True:
        seps = list(AFFIX_SEP.finditer(title))
        if not seps:
            return title
        last, first = seps[-1], seps[0]
        head = title[: last.start()].strip()
        if head and part_names_site(title[last.end():], sites):
            title = head
            continue
        tail = title[first.end():].strip()
        if lead and tail and part_names_site(title[: first.start()], sites, loose=False) \
                and not _DATE_TAIL.fullmatch(title[: first.start()].strip()):
            title = tail
            continue
        return _site_and_taglines_cut(title, seps, sites)


def _site_and_taglines_cut(title: str, seps: list, sites: set[str]) -> str:
    """`Headline : Site | its tagline | founded 2005` -> `Headline`: an inner part that is the
    site's very name (not a part holding it) ends the headline, with what follows it."""
    for m, nxt in zip(seps, seps[1:]):
        part = title[m.end(): nxt.start()]
        if title[: m.start()].strip() and _key(part) and _key(part) in sites:
            return title[: m.start()].strip()
    return title


_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"} | {c: '"' for c in "„“”‟\"«»‹›"}
                        | {c: "'" for c in "‚‘’‛"})
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def loose_headline(text: str) -> str:
    """A headline up to its dashes, quote marks, spacing, soft hyphens and case."""
    return " ".join(text.translate(INVISIBLE).replace("\xad", "").translate(_DASHES).casefold().split())


def visible_headline(tree, title: str) -> str:
    """The page's `<h1>` text when it is the same headline as `title` but for dashes, quote
    marks, spacing and case (the metadata often flattens `–` and `„…“` to `-` and `"`), else
    `title`."""
    key = loose_headline(title)
    for h1 in tree.iter("h1"):
        text = " ".join(h1.text_content().translate(INVISIBLE).split())
        if text and text != title and loose_headline(text) == key:
            return text
    return title


def parse_date(value: str | None, tz=None) -> tuple[str | None, str | None, str | None]:
    """(day, ISO timestamp with offset or None, problem) from a web page's date value; a naive
    time is read in `tz` (the source's time zone, RawInput.tz) when one is given."""
    if not value:
        return None, None, None
    s = value.strip()
    dt = None
    try:
        dt = datetime.fromisoformat(s.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", s) else s)
    except ValueError:
        try:
            dt = parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError):
            m = re.match(r"(\d{4})-(\d\d)-(\d\d)", s)
            if m:
                try:
                    return datetime(int(m[1]), int(m[2]), int(m[3])).date().isoformat(), None, "naive_timestamp"
                except ValueError:
                    pass
            return None, None, "bad_date"
    if dt is None or not (1800 <= dt.year <= 2200):
        return None, None, "bad_date"
    day = dt.date().isoformat()
    if len(s) <= 10:
        return day, None, None
    if dt.tzinfo is None:
        return (day, local_stamp(dt, tz), None) if tz is not None else (day, None, "naive_timestamp")
    return day, dt.isoformat(timespec="seconds"), None

# host labels that name no outlet (www.x.co.uk: only `x` does)
_GENERIC_HOST_LABELS = frozenset({"www", "m", "amp", "news", "com", "net", "org", "co", "ac", "gov", "edu"})

_NOT_A_NAME = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|www\.|[#/])", re.IGNORECASE)

def is_name(value: str | None) -> bool:
    """A publisher name, not a URL or JSON-LD `@id` (`https://x.co.uk/#organization`, `#org`)."""
    return bool(value) and not _NOT_A_NAME.match(value)

def _node_name(value, nodes: dict[str, dict]) -> str | None:
    """A JSON-LD value naming an organisation: its `name`, or the `name` of the node its `@id`
    points to (`"publisher": {"@id": "https://x/#organization"}` with that node in the @graph)."""
    if isinstance(value, list):
        value = value[0] if value else None
    ref = None
    if isinstance(value, dict):
        name = as_text(value.get("name"))
        if name:
            return name
        ref = value.get("@id")
    elif isinstance(value, str):
        ref = value
    node = nodes.get(ref) if isinstance(ref, str) else None
    name = as_text(node.get("name")) if node else None
    return name or (ref if isinstance(ref, str) and ref.strip() else None)

def _agrees(name: str, host: str) -> bool:
    """The name and the page's host share the outlet's label (`heise online` / www.heise.de)."""
    key = _ALNUM.sub("", name.lower())
    labels = [x for x in host.lower().split(".")[:-1] if len(x) >= 3 and x not in _GENERIC_HOST_LABELS]
    return any(x.replace("-", "") in key or (len(key) >= 3 and key in x.replace("-", "")) for x in labels)

def publisher(art: dict, objs: list[dict], orgs: list[str], site_name: str | None,
              host: str | None) -> tuple[str | None, str | None]:
    """(source, name) of the page's publisher. Candidates, in order: JSON-LD `publisher` (an
    `@id` resolved to its node's name), an organisation credited as author, `og:site_name`; URLs
    and `@id`s are never names. The first candidate that agrees with the page's host wins (a
    platform or section name such as `Blogger` loses to the site's own), else the first."""
    nodes = {o["@id"]: o for o in objs if isinstance(o.get("@id"), str)}
    found = [(src, v) for src, v in (("json-ld", _node_name(art.get("publisher"), nodes)),
                                     ("json-ld-author", orgs[0] if orgs else None),
                                     ("og", site_name)) if is_name(v)]
    if host:
        for src, v in found:
            if _agrees(v, host):
                return src, v
    return found[0] if found else (None, None)
