"""The article text of a client-rendered page, from the HTML its inline scripts carry.

A page built by JavaScript (Next.js, Nuxt, React hydration) can hold no article text in its markup
at all: the body is a string of HTML inside a script (`self.__next_f.push([1,"<p>..."])`,
`__NEXT_DATA__`, a query-cache dump). Only for a page that says it is an article (JSON-LD article
or `og:type article`) and whose markup gives too few words, the longest JSON string literal of
its inline scripts that holds paragraph markup (`<p`) is decoded and handed to trafilatura with
the page's own options, like any page. Provenance rule `text: script-html`.
"""

from __future__ import annotations

import re

import orjson

_STRING = re.compile(r'"((?:[^"\\]|\\.){200,})"')  # JSON string literals of 200+ characters
_MAX_SCRIPT = 4_000_000  # characters of inline script looked at, at most


def script_html(tree) -> str | None:
    """The longest JSON-encoded HTML fragment with paragraphs in the page's inline scripts."""
    best, seen = "", 0
    for script in tree.xpath("//script[not(@src)]/text()"):
        seen += len(script)
        if seen > _MAX_SCRIPT:
            break
        for m in _STRING.finditer(script):
            raw = m.group(1)
            if "\\u003cp" not in raw and "<p" not in raw:
                continue
            try:
                value = orjson.loads(f'"{raw}"')
            except orjson.JSONDecodeError:
                continue
            if len(value) > len(best) and re.search(r"<p[\s>]", value):
                best = value
    return best or None


def script_text(tree, extract) -> str | None:
    """The text trafilatura (`extract(tree)`, the html reader's call) finds in that fragment."""
    from lxml import html as lxml_html

    fragment = script_html(tree)
    if not fragment:
        return None
    doc = extract(lxml_html.document_fromstring(f"<html><body><article>{fragment}</article></body></html>"))
    return getattr(doc, "text", None)
