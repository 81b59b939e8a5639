"""A page of several posts: the one the page is about.

A blog's day page, a category page kept as an article, or a post page that shows the next posts in
full holds several complete posts (`<article>` elements or blocks of class `hentry`, each with a
text of min_words words or more; comments are no posts). Extracting the whole page keeps them
all. `the_post` returns the post that the page's own metadata names: its heading is the page's
headline (JSON-LD headline, og:title, `<title>`, each also without the site's name) or it links
to the page's canonical URL. With no post or several posts named, the page is read whole:
nothing is guessed.
"""

from __future__ import annotations

import copy
import re

from . import ids
from .html_meta import first_meta, loose_headline, as_text, strip_site_suffix

_POST_CLASS = re.compile(r"(?:^|\s)(?:hentry|type-post)(?:\s|$)")
_COMMENT = re.compile(r"comment", re.IGNORECASE)


def _posts(tree) -> list:
    """Outermost post blocks of the page, comments aside."""
    found = []
    for el in tree.iter("article", "div", "section"):
        if el.tag != "article" and not _POST_CLASS.search(el.get("class") or ""):
            continue
        if _COMMENT.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            continue
        if any(a in found for a in el.iterancestors()):
            continue
        found.append(el)
    return found


def _named(post, titles: set[str], canonical_key: str | None) -> bool:
    for h in post.iter("h1", "h2", "h3"):
        if loose_headline(h.text_content()) in titles:
            return True
    if canonical_key:
        for a in post.iter("a"):
            href = a.get("href") or ""
            if href.startswith("http") and ids.url_key(href) == canonical_key:
                return True
    return False


def the_post(tree, art: dict, meta: dict, canonical: str | None, min_words: int):
    """A document holding only the post the page is about, or None (one post, or no single post
    named by the page's headlines or `canonical`). `art`: the JSON-LD article object, `meta`:
    the meta tags (html_meta)."""
    from lxml import html as lxml_html

    full = [p for p in _posts(tree) if len(p.text_content().split()) >= min_words]
    if len(full) < 2:
        return None
    element = tree.find(".//title")
    titles = [as_text(art.get("headline")), first_meta(meta, "og:title"),
              element.text_content() if element is not None else None]
    sites = [as_text(art.get("publisher")), first_meta(meta, "og:site_name"),
             ids.url_key(canonical).split("/", 1)[0] if canonical else None]
    titles += [strip_site_suffix(" ".join(t.split()), sites) for t in titles if t]
    keys = {loose_headline(t) for t in titles if t}
    canonical_key = ids.url_key(canonical) if canonical else None
    named = [p for p in full if _named(p, keys, canonical_key)]
    if len(named) != 1:
        return None
    doc = lxml_html.document_fromstring("<html><head></head><body></body></html>")
    doc.find("body").append(copy.deepcopy(named[0]))
    return doc
