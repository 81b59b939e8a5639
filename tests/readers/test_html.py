"""The html reader: saved news pages read as one article each, metadata from the page's own
structured data first, bad pages rejected with a reason."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import msgspec

from curate.params import IngestParams, WebParams
from curate.readers import html, read_file
from curate.record import Label, Reason, Record, Rejected

from .web_builders import (ARTICLE_LD, CAPTION_TEXT, PARAGRAPHS, article_page, write_page)

CANON = "https://www.northport-daily.example/business/harbour-channel-123.html"


def _one(tmp_path: Path, page: str, name: str = "page.html", params=None, **kw):
    write_page(tmp_path / name, page, **kw)
    out = read_file(name, tmp_path, params or IngestParams())
    assert len(out) == 1
    return out[0]


def test_article_page_gives_every_field_from_json_ld(tmp_path):
    rec = _one(tmp_path, article_page())
    assert type(rec) is Record
    assert rec.source.format == "html" and rec.source.path == "page.html"
    assert rec.url == CANON
    assert rec.id == "web-" + __import__("hashlib").sha256(
        b"northport-daily.example/business/harbour-channel-123.html").hexdigest()[:16]
    assert rec.title == "Northport to deepen its shipping channel"
    assert rec.date == "2024-03-12"
    assert rec.published_at == "2024-03-12T09:30:00+01:00"
    assert rec.modified_at == "2024-03-12T11:05:00+01:00"
    assert rec.authors == ["Anna Berger", "Tom Lind"]
    assert rec.publisher == "Northport Daily"
    assert rec.description == "The harbour authority approved a two-metre deepening of the channel."
    assert rec.labels == [Label(scheme="articleSection", value="Business"),
                          Label(scheme="keywords", value="ports"),
                          Label(scheme="keywords", value="shipping"),
                          Label(scheme="keywords", value="dredging")]
    assert rec.text == "\n\n".join(PARAGRAPHS)
    assert rec.provenance.reader == "html/1"
    assert rec.provenance.rules["title"] == "json-ld"
    assert rec.provenance.rules["published_at"] == "json-ld"
    assert rec.provenance.rules["url"] == "canonical"
    assert rec.flags == []


def test_navigation_ads_captions_related_links_and_footer_are_not_text(tmp_path):
    rec = _one(tmp_path, article_page())
    for clutter in ("Politics", "Subscribe now", CAPTION_TEXT, "Ferry operator announces",
                    "All rights reserved", "Privacy policy", "By Anna Berger"):
        assert clutter not in rec.text


def test_gzipped_page_without_extension_is_sniffed_by_content(tmp_path):
    rec = _one(tmp_path, article_page(), name="saved/northport-story", gz=True)
    assert type(rec) is Record and rec.title == "Northport to deepen its shipping channel"
    assert rec.source.sha256 == __import__("hashlib").sha256(
        (tmp_path / "saved/northport-story").read_bytes()).hexdigest()
    assert "gunzipped" in rec.flags


def test_json_ld_in_graph_with_webpage_and_breadcrumbs(tmp_path):
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": CANON, "name": "Page"},
        {"@type": "BreadcrumbList", "itemListElement": []},
        dict(ARTICLE_LD, **{"@type": ["ReportageNewsArticle"], "headline": "Graph headline"})]}
    rec = _one(tmp_path, article_page(ld=graph))
    assert rec.title == "Graph headline" and rec.published_at == "2024-03-12T09:30:00+01:00"


def test_organisation_author_is_the_publisher_not_an_author(tmp_path):
    ld = dict(ARTICLE_LD, author={"@type": "Organization", "name": "Northport Newsroom"})
    del ld["publisher"]
    rec = _one(tmp_path, article_page(ld=ld))
    assert "Northport Newsroom" not in rec.authors
    assert rec.publisher == "Northport Newsroom"
    assert rec.provenance.rules["publisher"] == "json-ld-author"


def test_author_strings_and_mixed_lists(tmp_path):
    ld = dict(ARTICLE_LD, author=["Anna Berger", {"@type": "Person", "name": "Tom Lind (tl)"},
                                  {"@type": "Organization", "name": "Wire Service"}])
    rec = _one(tmp_path, article_page(ld=ld))
    assert rec.authors == ["Anna Berger", "Tom Lind"]


def test_invalid_json_ld_is_ignored_and_meta_tags_are_used(tmp_path):
    og = {"og:title": "Harbour to be deepened | Northport Daily", "og:site_name": "Northport Daily",
          "og:type": "article", "article:published_time": "2024-03-12T08:30:00Z",
          "article:section": "Business", "article:tag": "ports"}
    rec = _one(tmp_path, article_page(ld='{"@type": "NewsArticle", "headline": broken', og=og,
                                      meta={"author": "Anna Berger, Tom Lind"}, h1="Harbour to be deepened"))
    assert type(rec) is Record
    assert "bad_json_ld" in rec.flags
    assert rec.title == "Harbour to be deepened"  # the site name suffix is not the title
    assert rec.published_at == "2024-03-12T08:30:00+00:00"
    assert rec.authors == ["Anna Berger", "Tom Lind"]
    assert rec.publisher == "Northport Daily"
    assert rec.labels == [Label(scheme="articleSection", value="Business"),
                          Label(scheme="keywords", value="ports")]
    assert rec.provenance.rules["title"] == "og" and rec.provenance.rules["authors"] == "meta"


def test_no_date_in_markup_falls_back_to_htmldate_day_only(tmp_path):
    page = article_page(ld=None, og={"og:type": "article"},
                        extra_body='<p class="date">Published 12 March 2024</p>')
    page = page.replace("<title>", '<meta name="x" content="y"><title>')
    rec = _one(tmp_path, page.replace("</h1>", '</h1><time datetime="2024-03-12">12.03.2024</time>'))
    assert rec.date == "2024-03-12" and rec.published_at is None
    assert "date_from_htmldate" in rec.flags and rec.provenance.rules["date"] == "htmldate"


def test_naive_json_ld_timestamp_keeps_its_day(tmp_path):
    rec = _one(tmp_path, article_page(ld=dict(ARTICLE_LD, datePublished="2024-03-12T09:30:00")))
    assert rec.date == "2024-03-12" and rec.published_at is None and "naive_timestamp" in rec.flags


def test_windows_1252_page_without_charset_is_decoded(tmp_path):
    paras = ["Le café de la gare a rouvert ses portes après des travaux qui ont duré deux ans, "
             "a annoncé la mairie lundi. « Nous sommes très heureux », a déclaré la gérante."] + PARAGRAPHS
    rec = _one(tmp_path, article_page(paragraphs=paras, charset=None), encoding="cp1252")
    assert type(rec) is Record
    assert "Le café de la gare" in rec.text and "« Nous sommes très heureux »" in rec.text
    assert "decoded_cp1252" in rec.flags


def test_declared_charset_other_than_utf8_is_honoured(tmp_path):
    paras = ["Правительство объявило о новой программе поддержки портов в понедельник."] + PARAGRAPHS
    rec = _one(tmp_path, article_page(paragraphs=paras, charset="windows-1251"), encoding="cp1251")
    assert "Правительство объявило" in rec.text and "decoded_cp1251" in rec.flags


def test_reuters_url_gives_the_reuters_story_id(tmp_path):
    url = "http://www.reuters.com/article/2012/06/08/us-barnesandnoble-idUSBRE85613E20120608"
    rec = _one(tmp_path, article_page(canonical=url, ld=dict(ARTICLE_LD, url=url)))
    assert rec.id == "reuters-USBRE85613E" and rec.url == url


def test_id_is_stable_across_recrawls_of_the_same_article(tmp_path):
    a = _one(tmp_path, article_page(canonical=CANON), name="a.html")
    b = _one(tmp_path, article_page(canonical=CANON.replace("https://www.", "http://") + "?utm_source=x"),
             name="b.html")
    assert a.id == b.id


def test_paywall_stub_is_not_an_article(tmp_path):
    stub = ["Die Hafenbehörde hat am Dienstag beschlossen, die Fahrrinne zu vertiefen. Lesen Sie "
            "weiter mit einem Abonnement: Jetzt für einen Euro im ersten Monat testen und alle "
            "Artikel lesen."]
    rec = _one(tmp_path, article_page(paragraphs=stub))
    assert type(rec) is Rejected and rec.reason == Reason.NOT_ARTICLE.value
    assert "ingest.web.min_words" in rec.detail
    assert rec.title == "Northport to deepen its shipping channel"  # what was read is kept


def test_section_front_is_not_an_article(tmp_path):
    teasers = "".join(f'<li><a href="/n{i}">Teaser headline number {i} about the harbour and the '
                      f'city council and its budget plans for next year</a></li>' for i in range(30))
    page = (f'<!DOCTYPE html><html><head><title>Business | Northport Daily</title>'
            f'<meta property="og:type" content="website"></head><body><h1>Business</h1>'
            f'<ul>{teasers}</ul></body></html>')
    rec = _one(tmp_path, page)
    assert type(rec) is Rejected and rec.reason == "not_article"


def test_undated_video_page_with_a_short_text_is_not_an_article(tmp_path):
    page = article_page(ld={"@context": "https://schema.org", "@type": "VideoObject",
                            "name": "Harbour video"}, og={"og:type": "video.other"},
                        paragraphs=PARAGRAPHS[:2])
    rec = _one(tmp_path, page)
    assert type(rec) is Rejected and rec.reason == "not_article" and "video" in rec.detail


def test_page_over_the_size_limit_is_too_large(tmp_path):
    params = IngestParams(max_bytes=2000)
    rec = _one(tmp_path, article_page(), params=params)
    assert type(rec) is Rejected and rec.reason == "too_large"


def test_gzip_bomb_is_too_large_without_inflating_it(tmp_path):
    (tmp_path / "bomb.html.gz").write_bytes(gzip.compress(b"<html>" + b" " * 50_000_000))
    out = read_file("bomb.html.gz", tmp_path, IngestParams(max_bytes=1_000_000))
    assert [o.reason for o in out] == ["too_large"] and "gzip content" in out[0].detail


def test_page_nested_ten_thousand_divs_deep_is_malformed(tmp_path):
    page = ("<!DOCTYPE html><html><body>" + "<div>" * 10_000 + "<p>" + " ".join(PARAGRAPHS)
            + "</p>" + "</div>" * 10_000 + "</body></html>")
    t = time.perf_counter()
    rec = _one(tmp_path, page)
    assert time.perf_counter() - t < 10
    assert type(rec) is Rejected and rec.reason == "malformed_html" and "255" in rec.detail


def test_extraction_over_the_time_bound_is_rejected_timeout(tmp_path):
    # a page large enough that extraction cannot finish within a millisecond
    page = article_page(paragraphs=PARAGRAPHS * 400)
    params = IngestParams(web=WebParams(timeout_s=0.001))
    rec = _one(tmp_path, page, params=params)
    assert type(rec) is Rejected and rec.reason == "timeout" and "ingest.web.timeout_s" in rec.detail


def test_web_params_at_defaults_leave_the_ingest_digest_unchanged():
    from curate.params import section_digest

    base = msgspec.json.encode(IngestParams(), order="deterministic").replace(b',"web":{}', b"")
    assert section_digest(IngestParams()) == __import__("hashlib").sha256(base).hexdigest()
    assert section_digest(IngestParams(web=WebParams(min_words=10))) != section_digest(IngestParams())


def test_sniff_takes_html_but_not_xml_feeds_or_prose():
    assert html.sniff("<!DOCTYPE html><html><head></head></html>")
    assert html.sniff("\ufeff<!-- saved -->\n<html lang='de'><body></body></html>")
    assert html.sniff('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">')
    assert not html.sniff('<?xml version="1.0"?><nitf><head><title>x</title></head></nitf>'[:30])
    assert not html.sniff("Title line\n\nSome prose about <html> tags.")
    assert not html.sniff(json.dumps({"html": "<html>"}))
