"""Builders of web fixtures: news pages (JSON-LD, OpenGraph, navigation, captions, related links)
and WARC archives written with warcio. Every text here is invented for the tests."""

from __future__ import annotations

import gzip
import json
from io import BytesIO
from pathlib import Path

PARAGRAPHS = [
    "The harbour authority of Northport approved a plan on Tuesday to deepen the main shipping "
    "channel by two metres, a project that port officials say will allow larger container vessels "
    "to dock without waiting for the tide.",
    "The work is expected to start next spring and to last about eighteen months. Dredging will "
    "take place mostly at night to limit disruption to ferry services, the authority said in a "
    "statement after its monthly board meeting.",
    "Local fishermen have raised concerns about the effect of the dredging on shellfish beds near "
    "the mouth of the river. The authority promised an independent environmental survey before "
    "any work begins and said it would publish the results.",
    "The project will cost an estimated 140 million euros, of which the regional government has "
    "agreed to pay roughly a third, according to documents presented to the board.",
]

NAV = """<header><nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li><li><a href="/culture">Culture</a></li></ul></nav></header>"""
FOOTER = """<footer><p>Copyright 2024 Northport Daily Media Group. All rights reserved.</p>
<ul><li><a href="/imprint">Imprint</a></li><li><a href="/privacy">Privacy policy</a></li><li><a href="/jobs">Careers</a></li></ul></footer>"""
RELATED = """<aside class="related"><h3>More on this topic</h3><ul>
<li><a href="/a1">Ferry operator announces new timetable for the winter season</a></li>
<li><a href="/a2">City council debates parking fees in the old town centre</a></li></ul></aside>"""
CAPTION_TEXT = "Container cranes at the Northport terminal at dusk. Photo: Jane Example"
FIGURE = f"""<figure><img src="/img/cranes.jpg" alt="cranes"><figcaption>{CAPTION_TEXT}</figcaption></figure>"""
AD = """<div class="ad-slot advertisement"><p>Advertisement: Subscribe now and save 50 percent on your first year</p></div>"""

ARTICLE_LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Northport to deepen its shipping channel",
    "datePublished": "2024-03-12T09:30:00+01:00",
    "dateModified": "2024-03-12T11:05:00+01:00",
    "author": [{"@type": "Person", "name": "Anna Berger"}, {"@type": "Person", "name": "Tom Lind"}],
    "publisher": {"@type": "Organization", "name": "Northport Daily"},
    "articleSection": "Business",
    "keywords": "ports, shipping, dredging",
    "inLanguage": "en",
    "description": "The harbour authority approved a two-metre deepening of the channel.",
    "url": "https://www.northport-daily.example/business/harbour-channel-123.html",
}


def article_page(*, ld: dict | list | str | None = ARTICLE_LD, og: dict | None = None,
                 canonical: str | None = "https://www.northport-daily.example/business/harbour-channel-123.html",
                 title: str = "Northport to deepen its shipping channel | Northport Daily",
                 paragraphs: list[str] = PARAGRAPHS, meta: dict | None = None,
                 charset: str | None = "utf-8", extra_body: str = "", lang: str = "en",
                 h1: str = "Northport to deepen its shipping channel") -> str:
    """A news article page with the usual clutter around the text."""
    head = []
    if charset:
        head.append(f'<meta charset="{charset}">')
    head.append(f"<title>{title}</title>")
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    for k, v in (og or {}).items():
        head.append(f'<meta property="{k}" content="{v}">')
    for k, v in (meta or {}).items():
        head.append(f'<meta name="{k}" content="{v}">')
    if ld is not None:
        blocks = ld if isinstance(ld, list) else [ld]
        for block in blocks:
            text = block if isinstance(block, str) else json.dumps(block, ensure_ascii=False)
            head.append(f'<script type="application/ld+json">{text}</script>')
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head>{''.join(head)}</head>
<body>{NAV}
<main><article><h1>{h1}</h1>
<div class="byline">By Anna Berger and Tom Lind</div>
{FIGURE}
{body}
{AD}
{extra_body}
</article>{RELATED}</main>
{FOOTER}</body></html>"""


def write_page(path: Path, html: str, *, gz: bool = False, encoding: str = "utf-8") -> Path:
    data = html.encode(encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
    return path


# -------------------------------------------------------------------------------------- WARC

def _http(status: str, ctype: str | None):
    from warcio.statusandheaders import StatusAndHeaders

    headers = [("Content-Type", ctype)] if ctype else []
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


def _request(writer, uri: str):
    from warcio.statusandheaders import StatusAndHeaders

    host = uri.split("/")[2]
    path = "/" + uri.split("/", 3)[3] if uri.count("/") >= 3 else "/"
    hh = StatusAndHeaders(f"GET {path} HTTP/1.1", [("Host", host)], is_http_request=True)
    writer.write_record(writer.create_warc_record(uri, "request", http_headers=hh))


def _response(writer, uri: str, body: bytes, status: str = "200 OK",
              ctype: str | None = "text/html; charset=utf-8", date: str | None = None):
    headers = {"WARC-Date": date} if date else None
    rec = writer.create_warc_record(uri, "response", payload=BytesIO(body),
                                    http_headers=_http(status, ctype), warc_headers_dict=headers)
    writer.write_record(rec)
    return rec.rec_headers.get_header("WARC-Record-ID")


def page_for(n: int) -> str:
    url = f"https://www.northport-daily.example/news/story-{n}.html"
    ld = dict(ARTICLE_LD, headline=f"Story number {n} from the harbour", url=url)
    return article_page(ld=ld, canonical=url, h1=ld["headline"], paragraphs=[f"Report {n}. " + p for p in PARAGRAPHS])


def crawl_warc(path: Path, *, gz: bool = True, version: str = "1.1", pages: int = 2) -> dict:
    """A WARC like a crawler writes: warcinfo, then per HTML page a request and a 200 response,
    a revisit of the first page, a PDF response, a 404 page and a 301 redirect.
    Returns what a test needs: the page URLs, record ids and the expected skipped counts."""
    from warcio.warcwriter import WARCWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    urls, record_ids = [], []
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz, warc_version=version)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test-crawler/1.0",
                                                            "format": f"WARC File Format {version}"}))
        for n in range(1, pages + 1):
            url = f"https://www.northport-daily.example/news/story-{n}.html"
            _request(w, url)
            record_ids.append(_response(w, url, page_for(n).encode("utf-8"),
                                        date="2024-03-12T10:00:0%dZ" % n))
            urls.append(url)
        revisit = w.create_revisit_record(urls[0], digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                          refers_to_uri=urls[0], refers_to_date="2024-03-12T10:00:01Z",
                                          http_headers=_http("200 OK", "text/html"))
        w.write_record(revisit)
        pdf = "https://www.northport-daily.example/files/report.pdf"
        _request(w, pdf)
        _response(w, pdf, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n", ctype="application/pdf")
        missing = "https://www.northport-daily.example/news/gone.html"
        _request(w, missing)
        _response(w, missing, b"<!DOCTYPE html><html><body><h1>Not found</h1></body></html>",
                  status="404 Not Found")
    return {"urls": urls, "record_ids": record_ids,
            "skipped": {"warcinfo": 1, "request": pages + 2, "revisit": 1, "non_html": 1,
                        "status_404": 1}}
