"""Reader `html`: one saved web page (`.html`, `.htm`, gzipped or not, any name), one article.

Sniff (content only): after optional whitespace, BOM, `<?xml ...?>` prolog and comments, the text
starts with `<!DOCTYPE html` or `<html`, or starts with `<` and holds `<head` or `<body` in its first
2 KiB or `<!DOCTYPE html` / `<html` in its first 16 KiB (a server's `<style>` block or PHP warning
printed before the document; what comes before `<html>` is dropped when the page is read). (gzip
is undone before sniffing, see decode.py; WARC files go to warc.py first.)

Decoding: valid UTF-8 wins; else the charset the HTTP header (WARC) or the page's `<meta charset>`
declares; else Windows-1252 (flag ``decoded_cp1252``), which is what browsers do for a page that
declares nothing (ISO-8859-1 / ASCII declarations are read as Windows-1252 too, per WHATWG);
`decode.decode_page`. Stray NULs are dropped.

Body: trafilatura (`bare_extraction`, options from `ingest.web`: favor_precision by default, no
comments, no tables, no images) on the parsed tree; its paragraphs joined by `\\n\\n`. A page
of several complete posts is read from the one post its metadata names (its headline or
canonical URL; html_posts.py, rule `trafilatura-post`). When the
precise pass keeps fewer than `min_words` words, trafilatura runs again without favor_precision,
then with favor_recall (rule `trafilatura-recall`; taken when the retry adds min_words of text or
the page's visible text is long: a table-laid-out page, a page of odd markup). JSON-LD
`articleBody` replaces it only when it is clearly the fuller text (>= 1.2x the words, not cut
with an ellipsis), since `articleBody` is often a teaser cut at a few hundred characters.

Metadata, first source that has a value wins (provenance.rules[field] names it):
* schema.org JSON-LD: the article object (`NewsArticle`, `Article`, `ReportageNewsArticle`,
  `BlogPosting`, ... found at the top level, in lists, in `@graph`, or as a page's `mainEntity`;
  with several, the one whose url is the canonical url): `headline` -> title,
  `datePublished` / `dateModified` -> published_at / modified_at with their UTC offset (a naive
  timestamp keeps its day, flag ``naive_timestamp``), `author` (Person objects, strings, lists;
  an Organization author is the publisher, never an author), `publisher.name`, `articleSection`
  and `keywords` -> labels (schemes `articleSection`, `keywords`), `description`. An invalid JSON-LD
  block is ignored (flag ``bad_json_ld``) and the other sources are used.
* meta tags: `og:title`, `article:published_time` / `article:modified_time` (and the common
  `date`/`pubdate`/`dc.date` names, `itemprop=datePublished`), `<meta name="author">`,
  `article:author` (names, not profile URLs), `og:site_name`, `article:section`, `article:tag`,
  `og:description` / `description`, `<link rel="canonical">` / `og:url`.
* last: trafilatura's own metadata (title, authors) and htmldate's day (date only, never a time:
  htmldate labels local times as +00:00), flag ``date_from_htmldate``.
Title (html_headline.page_title): the JSON-LD headline, unless og:title and the `<h1>` agree on
it but for a kicker; without one, the visible `<h1>` that og:title, twitter:title or the
`<title>` element agrees with, else og:title, trafilatura's (unless it is only the site's name),
the `<title>` element. Titles lose a site-name prefix or suffix from every source (`Headline |
BBC News`, `…-新华网`, html_meta.strip_site_suffix) and a dash-joined kicker the `<h1>` marks as
one. Authors: after the metadata, trafilatura and byline markup, a byline written as text;
cleaned of agencies (-> `agency`), roles, lead-ins and the site's own name (html_people.py).
url = canonical (else og:url, JSON-LD url, else the WARC target URI). date = the local day of
published_at; for a time stated in UTC only, the publisher's day (html_dates.py: the URL's day,
the day the page shows, the site's time zone), published_at keeping the instant. language is
left to the extract stage (a page's `lang` is often wrong).

Id (ids.web_id): the publisher's story id where the URL carries one (Reuters `-idUSBRE85613E...`
-> `reuters-USBRE85613E`), else `web-<16 hex of sha256(host without www + path + query without
tracking parameters)>` of the canonical URL, so http/https, `www.` and `utm_*` re-crawls share one
id; no URL at all -> the path rule (with the WARC record id inside a WARC).

A page that says it is an article but whose markup gives too few words (client-rendered: the text
sits in a script as HTML) gets its body from that script (script_text.py, rule `script-html`).

Rejections: NOT_ARTICLE only when the page's signals agree (html_verdict.py: too few words, a
short undated video page, no article markup with no date and little text or a listing's shape,
or with a schema.org listing type; a lone signal is kept as a flag: ``no_article_markup``,
``video_page``, ``short_text``), MALFORMED_HTML (nesting past the HTML parser's depth limit of
255: the rest of the page is lost), TIMEOUT (extraction over `ingest.web.timeout_s`, bounded
with a per-page timer when run in a main thread).
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from . import ids
from .base import RawInput, Reason, new_record, rejected
from .html_dates import local_day
from .html_text import PageTimeout, as_paragraphs, title_and_author, count_words, deadline, extract_body
from .html_furniture import trim_furniture
from .html_headline import home_names, page_title
from .html_posts import the_post
from .html_people import author_sources, clean_authors, spelled
from .html_verdict import LISTING_TYPES, listing_shape, stub_text, verdict
from .markup import agency
from .decode import decode_page
from .html_meta import (
    META_DATES, META_MODIFIED, first_meta, label_values, split_people, as_text, ld_types, canonical_url, json_ld,
    meta_tags, parse_date, pick_article, publisher,
)

NAME = "html"
VERSION = 1

_HEAD = re.compile(r"\A(?:\s|\ufeff|<\?xml[^>]*>|<!--.*?-->)*<(?:!doctype\s+html|html[\s>])",
                   re.IGNORECASE | re.DOTALL)
_HIDDEN = frozenset({"script", "style", "noscript", "template"})
_ELLIPSIS = ("...", "…", "[…]", "[...]")


_START = re.compile(r"<(?:!doctype\s+html|html[\s>])", re.IGNORECASE)
_LEAD = 16384  # what may come before <html> / <!doctype>: a <style> block, a PHP warning


def sniff(text: str) -> bool:
    head = text[:2048]
    if _HEAD.match(head):
        return True
    if not head.lstrip().startswith("<"):
        return False
    low = head.lower()
    return "<head" in low or "<body" in low or _START.search(text, 0, _LEAD) is not None


def page_start(text: str) -> str:
    """The page from its `<!doctype html>` / `<html>` on: what a server printed before it (a
    `<style>` block, a PHP warning) is no part of the document."""
    if _HEAD.match(text[:2048]):
        return text
    m = _START.search(text, 0, _LEAD)
    return text[m.start():] if m else text


# ------------------------------------------------------------------------------------ the page

def _depth_exceeded(parser) -> bool:
    return any("depth" in e.message.lower() for e in parser.error_log)


def read(src: RawInput, params) -> list:
    """A saved page, through the page cache when the ingest stage set one (readers/pages.py)."""
    from . import pages

    content = src.content if src.content is not None else src.data
    page = pages.Page(path=src.path, content=content, sha=src.sha256, flags=list(src.flags), tz=src.tz)
    return pages.extract(page, params, *pages.active_cache())


def read_page(path: str, content: bytes, sha: str, params, *, flags: list[str] | None = None,
              http_charset: str | None = None, source: dict | None = None, tz=None) -> list:
    """One page's bytes -> [Record] or [Rejected]. `source` adds item/offset/url/fetched_at (WARC);
    `tz`: the source's time zone for the page's naive times (ingest.sources[].timezone)."""
    web = params.web
    source = source or {}
    text, dec_flags = decode_page(content, http_charset)
    flags = [f for f in (flags or []) if not f.startswith("decoded_")] + dec_flags
    fallback_id = ids.path_id(path if not source.get("item") else f"{path}#{source['item']}")
    rec = new_record(fallback_id, path, NAME, VERSION, sha, flags=flags)
    for key in ("item", "offset", "url", "fetched_at"):
        if source.get(key) is not None:
            setattr(rec.source, key, source[key])
    try:
        with deadline(web.timeout_s):
            return _read_page(rec, text, web, source, tz)
    except PageTimeout:
        return [rejected(rec, Reason.TIMEOUT,
                         f"page extraction took over ingest.web.timeout_s = {web.timeout_s} s")]


class _Page:
    """One parsed page while its record is filled: the tree, its JSON-LD article object, its
    meta tags, and `rules` (which source gave each field: the record's provenance.rules)."""

    def __init__(self, rec, tree, web, source: dict, tz=None):
        self.rec, self.tree, self.web, self.source, self.tz = rec, tree, web, source, tz
        self.rules: dict[str, str] = {}
        objs, bad = json_ld(tree)
        if bad:
            rec.flags.append("bad_json_ld")
        self.meta = meta_tags(tree)
        self.canonical = canonical_url(tree)
        art, self.others = pick_article(objs, self.canonical)
        self.art = art or {}
        self._fallback: dict[bool, object] = {}

    def take(self, field: str, *sources):
        """The first non-empty (source name, value), noted in `rules`."""
        for name, value in sources:
            if value:
                self.rules[field] = name
                return value
        return None

    def fallback(self, date: bool = False):
        """trafilatura's metadata: title and author, or with `date` also htmldate's day (the
        costly part, only for a page whose markup gives no date), computed at most once each way."""
        done = self._fallback
        if True not in done and (date or False not in done):
            from trafilatura.metadata import extract_metadata
            try:
                done[date] = extract_metadata(self.tree, default_url=self.rec.url) if date \
                    else title_and_author(self.tree)
            except Exception:  # noqa: BLE001 - a fallback must not lose the page
                done[date] = None
        return done.get(date, done.get(True))

    def url(self) -> None:
        art, meta = self.art, self.meta
        og = first_meta(meta, "og:url") or ""
        ld = as_text(art.get("url")) or ""
        self.rec.url = self.take("url", ("canonical", self.canonical), ("og", og if og.startswith("http") else None),
                                 ("json-ld", ld if ld.startswith("http") else None), ("warc", self.source.get("url")))
        if self.rec.url:
            self.rec.id = ids.web_id(self.rec.url)

    def markup(self) -> bool:
        """The page says it is an article: a JSON-LD *Article object, og:type article, or
        article:published_time."""
        return bool(self.art) or (first_meta(self.meta, "og:type") or "").lower() == "article" \
            or "article:published_time" in self.meta

    def body(self) -> str:
        """trafilatura's text (retried in recall mode when the precise pass keeps too little);
        the JSON-LD articleBody when it is clearly the fuller text; the HTML inside a script for
        a client-rendered article page."""
        art, web = self.art, self.web
        post = the_post(self.tree, self.art, self.meta, self.canonical, web.min_words)
        body = as_paragraphs(getattr(extract_body(post if post is not None else self.tree, web), "text", None))
        self.rules["text"] = "trafilatura-post" if post is not None else "trafilatura"
        if count_words(body) < web.min_words and web.favor_precision:
            body = self._recall(body)
        article_body = as_text(art.get("articleBody")) if isinstance(art.get("articleBody"), str) else None
        if article_body and count_words(article_body) >= 1.2 * max(count_words(body), 1) \
                and not article_body.rstrip().endswith(_ELLIPSIS):
            body = as_paragraphs(art["articleBody"].replace("\r", "\n"))
            self.rules["text"] = "json-ld"
        if count_words(body) < web.min_words and self.markup():
            from .script_text import script_text  # a client-rendered page: its text lives in a script

            scripted = as_paragraphs(script_text(self.tree, lambda t: extract_body(t, web)))
            if count_words(scripted) > count_words(body):
                body, self.rules["text"] = scripted, "script-html"
        body = trim_furniture(body)
        self.rec.text = body
        return body

    def _recall(self, body: str) -> str:
        """The precise pass kept fewer than min_words: trafilatura without favor_precision, then
        with favor_recall (rule `trafilatura-recall`). A retry's text counts when it reaches
        min_words and either adds min_words of its own or the page's raw text is long (>= 4 x
        min_words): on a short page the extra words are its furniture (headline, byline, ad)."""
        import msgspec

        web, precise = self.web, count_words(body)
        for options in ({"favor_precision": False}, {"favor_precision": False, "favor_recall": True}):
            text = as_paragraphs(getattr(extract_body(self.tree, msgspec.structs.replace(web, **options)),
                                       "text", None))
            words = count_words(text)
            if words >= web.min_words and (words - precise >= web.min_words
                                           or self.raw_words() >= 4 * web.min_words):
                self.rules["text"] = "trafilatura-recall"
                return text
        return body

    def visible_text(self) -> str:
        """The page's visible text (scripts and styles aside)."""
        body = self.tree.find("body")
        if body is None:
            return ""
        parts = []
        for e in body.iter():
            if isinstance(e.tag, str) and e.tag not in _HIDDEN and e.text:
                parts.append(e.text)
            if e is not body and e.tail:
                parts.append(e.tail)
        return " ".join(parts)

    def raw_words(self) -> int:
        return count_words(self.visible_text())

    def title(self) -> None:
        rec, art, meta = self.rec, self.art, self.meta
        sites = [as_text(art.get("publisher")), first_meta(meta, "og:site_name"),
                 ids.url_key(rec.url).split("/", 1)[0] if rec.url else None] + home_names(self.tree)
        found = page_title(self.tree, art, meta, sites, lambda: getattr(self.fallback(), "title", None))
        rec.title = self.take("title", found) if found else None
        if rec.title and rec.text:  # the headline repeated as the body's first paragraph
            first, _, rest = rec.text.partition("\n\n")
            if " ".join(first.split()).casefold() == rec.title.casefold() and rest:
                rec.text = rest

    def dates(self) -> str | None:
        """date and published_at from JSON-LD, then meta tags, then htmldate (the day only);
        modified_at; returns the day."""
        rec, art, rules = self.rec, self.art, self.rules
        day = published = problem = None
        for name, value in (("json-ld", as_text(art.get("datePublished")) or as_text(art.get("dateCreated"))),
                            ("meta", first_meta(self.meta, *META_DATES))):
            if value:
                day, published, problem = parse_date(value, self.tz)
                if day:
                    rules["date"] = name
                    if published:
                        rules["published_at"] = name
                    break
        if not day and getattr(self.fallback(True), "date", None):
            day = parse_date(self.fallback(True).date)[0]
            if day:
                rules["date"] = "htmldate"
                rec.flags.append("date_from_htmldate")
                problem = None
        if problem:
            rec.flags.append(problem)
        local, rule = local_day(published, rec.url, self.visible_text() if published and
                                published.endswith("+00:00") else "")
        if local and local != day:  # a UTC instant: the publisher's day (html_dates.py)
            day, rules["date"] = local, rule
        rec.date, rec.published_at = day, published
        mod_value = as_text(art.get("dateModified")) or first_meta(self.meta, *META_MODIFIED)
        if mod_value:
            rec.modified_at = parse_date(mod_value, self.tz)[1]
        return day

    def people(self) -> None:
        """authors (JSON-LD persons, then author meta tags, then trafilatura; the first source
        that names a person after html_people's cleaning), the agency one of them names, the
        publisher (an organisation author counts as one), the description."""
        rec, art, meta = self.rec, self.art, self.meta
        orgs: list[str] = []
        ld_names: list[str] = []
        split_people(art.get("author"), ld_names, orgs)
        sites = [as_text(art.get("publisher")), first_meta(meta, "og:site_name"),
                 ids.url_key(rec.url).split("/", 1)[0] if rec.url else None]
        wire = agency(*orgs)
        authors: list[str] = []
        for source, names in author_sources(ld_names, self.meta, lambda: getattr(self.fallback(), "author", None),
                                            self.tree, sites):
            authors, found = clean_authors(names, sites, rec.title)
            wire = wire or found
            if authors:
                self.rules["authors"] = source
                break
        if self.rules.get("authors") == "trafilatura":  # it title-cases names: the page's spelling
            visible = self.visible_text()
            authors = [spelled(n, visible) for n in authors]
        rec.authors = authors
        if wire and not rec.agency:
            rec.agency = wire
        rec.publisher = self.take("publisher",
                                  publisher(art, self.others, orgs, first_meta(meta, "og:site_name"), sites[2]))
        rec.description = self.take("description", ("json-ld", as_text(art.get("description"))),
                                    ("og", first_meta(meta, "og:description", "description", "twitter:description")))

    def labels(self) -> None:
        """articleSection and keywords labels, from JSON-LD, else the article:* meta tags."""
        from curate.record import Label

        art, meta = self.art, self.meta
        section = label_values(art.get("articleSection"))
        if section:
            self.rules["labels.articleSection"] = "json-ld"
        else:
            section = [s for v in meta.get("article:section", ()) for s in label_values(v)]
        keywords = label_values(art.get("keywords"))
        if keywords:
            self.rules["labels.keywords"] = "json-ld"
        else:
            keywords = [s for v in meta.get("article:tag", []) + meta.get("news_keywords", [])
                        for s in label_values(v)]
        self.rec.labels = [Label(scheme=scheme, value=v)
                           for scheme, values in (("articleSection", section), ("keywords", keywords))
                           for v in dict.fromkeys(values)]

    def not_article(self, body: str, day: str | None) -> str | None:
        """Why the page is no article, or None with its evidence kept as flags (html_verdict.py)."""
        og_type = (first_meta(self.meta, "og:type") or "").lower()
        other_types = set().union(*(ld_types(o) for o in self.others)) if self.others else set()
        video = og_type.startswith("video") or (not self.art and "VideoObject" in other_types)
        markup = self.markup()
        why, flags = verdict(words=count_words(body), min_words=self.web.min_words, markup=markup,
                             video=video, dated=bool(day),
                             own_date=bool(day) and self.rules.get("date") != "htmldate",
                             stub=stub_text(body),
                             listing=not markup and not day and listing_shape(self.tree),
                             collection=bool(other_types & LISTING_TYPES))
        self.rec.flags.extend(flags)
        return why


def _read_page(rec, text: str, web, source: dict, tz=None) -> list:
    text = page_start(text)
    parser = lxml_html.HTMLParser(recover=True, no_network=True, remove_comments=True,
                                  remove_pis=True, encoding="utf-8")
    try:
        tree = lxml_html.document_fromstring(text.encode("utf-8"), parser=parser)
    except Exception as exc:  # noqa: BLE001 - lxml raises ParserError/ValueError on odd pages
        return [rejected(rec, Reason.MALFORMED_HTML, f"the HTML parser could not read the page: {exc}")]
    if _depth_exceeded(parser):
        return [rejected(rec, Reason.MALFORMED_HTML,
                         "elements nested deeper than the HTML parser's limit (255): the rest of "
                         "the page cannot be read")]
    page = _Page(rec, tree, web, source, tz)
    page.url()
    body = page.body()  # the body first: a page that is no article needs no more work
    page.title()
    day = page.dates()
    page.people()
    page.labels()
    rec.provenance.rules = page.rules
    why = page.not_article(body, day)
    return [rejected(rec, Reason.NOT_ARTICLE, why)] if why else [rec]
