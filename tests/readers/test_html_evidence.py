"""A web page is evidence, not a verdict: pages from publishers no one here has seen keep their
article and only its text; what is not an article is still rejected (html_verdict.py, html.py,
html_people.py, html_dates.py, decode.py). Every page here is invented for the tests."""

from __future__ import annotations

from pathlib import Path

from curate.params import IngestParams
from curate.readers import read_file
from curate.readers.html_meta import split_names, strip_site_suffix
from curate.readers.html_people import clean_authors
from curate.record import Reason, Record, Rejected

from .web_builders import ARTICLE_LD, PARAGRAPHS, article_page, write_page

COLUMN = PARAGRAPHS * 2  # about 280 words of prose


def _one(tmp_path: Path, page: str | bytes, name: str = "page.html"):
    path = tmp_path / name
    path.write_bytes(page if isinstance(page, bytes) else page.encode("utf-8"))
    out = read_file(name, tmp_path, IngestParams())
    assert len(out) == 1
    return out[0]


def _website_page(paragraphs, *, dated: bool) -> str:
    meta = {"date": "2024-03-12"} if dated else None
    return article_page(ld=None, og={"og:type": "website", "og:site_name": "Northport Daily"},
                        meta=meta, paragraphs=paragraphs)


def test_website_typed_page_with_a_long_dated_article_is_kept_with_a_flag(tmp_path):
    rec = _one(tmp_path, _website_page(COLUMN, dated=True))
    assert type(rec) is Record
    assert "no_article_markup" in rec.flags and rec.date == "2024-03-12"
    assert PARAGRAPHS[2] in rec.text


def test_listing_page_without_markup_or_date_is_rejected(tmp_path):
    teasers = "".join(
        f'<div class="teaser"><h3><a href="/news/{i}">Ferry timetable change number {i} for the '
        f'winter season</a></h3><p>Short teaser text for story {i}.</p></div>' for i in range(12))
    page = (f'<!DOCTYPE html><html><head><title>News | Northport Daily</title>'
            f'<meta property="og:type" content="website"></head><body><h1>News</h1>{teasers}'
            f'</body></html>')
    rec = _one(tmp_path, page)
    assert type(rec) is Rejected and rec.reason == Reason.NOT_ARTICLE.value
    assert "no date" in rec.detail


def test_style_block_before_html_is_read_as_a_page(tmp_path):
    style = "<style type=\"text/css\">\n" + "#welcome-ad { position: fixed; top: 0; }\n" * 200 + "</style>\n"
    rec = _one(tmp_path, style + article_page())
    assert type(rec) is Record and rec.source.format == "html"
    assert rec.title == "Northport to deepen its shipping channel" and "position: fixed" not in rec.text


def test_php_warning_before_html_is_read_as_a_page(tmp_path):
    warning = "<br />\n<b>Deprecated</b>:  Assigning the return value of new by reference is deprecated\n"
    rec = _one(tmp_path, warning * 40 + article_page())
    assert type(rec) is Record and "Deprecated" not in rec.text


def test_one_nul_byte_in_a_long_page_is_no_binary_file(tmp_path):
    page = article_page(paragraphs=PARAGRAPHS * 20).encode("utf-8")
    cut = page.index(b"<main>")
    rec = _one(tmp_path, page[:cut] + b"\x00" + page[cut:])
    assert type(rec) is Record and "nul_removed" in rec.flags and "\x00" not in rec.text


def test_page_that_is_mostly_nul_bytes_stays_binary(tmp_path):
    rec = _one(tmp_path, b"<html>" + b"\x00" * 400 + b"</html>")
    assert type(rec) is Rejected and rec.reason == Reason.BINARY.value


def test_table_laid_out_article_is_read_in_recall_mode(tmp_path):
    # trafilatura's precise pass keeps nothing of a text laid out in a table; its default pass does
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = (f'<!DOCTYPE html><html><head><meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="2024-03-12T09:30:00+01:00">'
            f'<title>Northport to deepen its shipping channel</title></head><body><center><table>'
            f'<tr><td><a href="/">Home</a></td></tr><tr><td>{body}</td></tr></table></center></body></html>')
    rec = _one(tmp_path, page)
    assert type(rec) is Record and rec.provenance.rules["text"] == "trafilatura-recall"
    assert all(p in rec.text for p in PARAGRAPHS)


def test_long_video_page_is_kept_with_a_flag(tmp_path):
    ld = [{"@context": "https://schema.org", "@type": "VideoObject", "name": "Harbour video"}]
    rec = _one(tmp_path, article_page(ld=ld, og={"og:type": "video.other"}, paragraphs=COLUMN))
    assert type(rec) is Record and "video_page" in rec.flags


def test_reportage_news_article_counts_as_article_markup(tmp_path):
    ld = dict(ARTICLE_LD, **{"@type": "ReportageNewsArticle"})
    rec = _one(tmp_path, article_page(ld=ld, og={"og:type": "website"}))
    assert type(rec) is Record and "no_article_markup" not in rec.flags


def test_a_site_name_after_a_run_of_dashes_goes_with_the_whole_run():
    assert strip_site_suffix("航天合作指明方向--时政--人民网", ["人民网"]) == "航天合作指明方向--时政"
    assert strip_site_suffix("航天合作指明方向——人民网", []) == "航天合作指明方向"


def test_site_name_is_cut_from_titles_on_either_side():
    assert strip_site_suffix("提振汽车消费需求-新华网", ["新华网"]) == "提振汽车消费需求"
    assert strip_site_suffix("円相場の見出し：日本経済新聞", ["日本経済新聞"]) == "円相場の見出し"
    assert strip_site_suffix("Wales votes for change | BBC News", ["BBC News"]) == "Wales votes for change"
    assert strip_site_suffix("Diario HOY | Darán bendición a vehículos", ["hoy.com.do"]) == \
        "Darán bendición a vehículos"
    assert strip_site_suffix("Nutzerbasierte Abrechnung: Musik-Stars fordern", ["faz.net"]) == \
        "Nutzerbasierte Abrechnung: Musik-Stars fordern"  # a kicker is no site name
    assert strip_site_suffix("BBC News", ["BBC News"]) == "BBC News"


def test_json_ld_headline_loses_the_site_suffix(tmp_path):
    ld = dict(ARTICLE_LD, headline="Northport to deepen its shipping channel | Northport Daily")
    rec = _one(tmp_path, article_page(ld=ld))
    assert rec.title == "Northport to deepen its shipping channel"


def test_agency_role_and_page_words_are_no_authors():
    sites = ["Detroit News", "detroitnews.com"]
    names = ["Detroit News wire services Published", "JILL LAWLESS Associated Press",
             "AP Sports Writer", "and Tom Watkins", "View all posts by Daniel Lemire", "Detroit News"]
    assert clean_authors(names, sites) == (["JILL LAWLESS", "Tom Watkins", "Daniel Lemire"], "AP")


def test_agency_author_of_a_page_goes_to_the_agency_field(tmp_path):
    ld = dict(ARTICLE_LD, author=[{"@type": "Person", "name": "Anna Berger"},
                                  {"@type": "Person", "name": "dpa"}])
    rec = _one(tmp_path, article_page(ld=ld))
    assert rec.authors == ["Anna Berger"] and rec.agency == "dpa"


def test_utc_time_gets_the_publishers_day_from_the_url(tmp_path):
    url = "https://www.metro-ledger.example/2024/03/24/harbour-vote.html"
    ld = dict(ARTICLE_LD, datePublished="2024-03-25T02:25:00Z", url=url)
    rec = _one(tmp_path, article_page(ld=ld, canonical=url))
    assert rec.date == "2024-03-24" and rec.published_at == "2024-03-25T02:25:00+00:00"


def test_utc_time_gets_the_publishers_day_from_the_site_time_zone(tmp_path):
    url = "https://www.hafenblatt.de/wirtschaft/fahrrinne-123.html"
    ld = dict(ARTICLE_LD, datePublished="2024-03-11T23:30:00Z", url=url)
    rec = _one(tmp_path, article_page(ld=ld, canonical=url))
    assert rec.date == "2024-03-12" and rec.published_at == "2024-03-11T23:30:00+00:00"
    assert rec.provenance.rules["date"] == "site-timezone"


def test_stated_offset_keeps_its_own_day(tmp_path):
    url = "https://www.hafenblatt.de/wirtschaft/fahrrinne-123.html"
    ld = dict(ARTICLE_LD, datePublished="2024-03-11T20:30:00-05:00", url=url)
    rec = _one(tmp_path, article_page(ld=ld, canonical=url))
    assert rec.date == "2024-03-11"


def test_furniture_lines_at_the_body_ends_are_dropped(tmp_path):
    extra = ("<p>Popular</p><p>“swipe left below to view more authors”Swipe →</p>"
             "<p>More from Northport Daily…</p>")
    rec = _one(tmp_path, article_page(extra_body=extra))
    assert type(rec) is Record and PARAGRAPHS[-1] in rec.text
    assert "Swipe" not in rec.text and "Popular" not in rec.text and "More from" not in rec.text


def test_title_takes_the_visible_headlines_dashes_and_quotes(tmp_path):
    ld = dict(ARTICLE_LD, headline='Northport - the "deep channel" plan')
    rec = _one(tmp_path, article_page(ld=ld, h1="Northport – the „deep channel“ plan"))
    assert rec.title == "Northport – the „deep channel“ plan"


def test_title_keeps_its_words_when_the_headline_differs(tmp_path):
    ld = dict(ARTICLE_LD, headline="Harbour vote: Northport to deepen its channel")
    rec = _one(tmp_path, article_page(ld=ld, h1="Harbour vote Northport to deepen its channel"))
    assert rec.title == "Harbour vote: Northport to deepen its channel"


def test_author_found_by_trafilatura_keeps_the_pages_spelling(tmp_path):
    page = article_page(ld=None, og={"og:type": "article"}, meta={"date": "2024-03-12"},
                        extra_body='<p class="byline">Posted by <a rel="author" href="/u/lupa">lupa</a></p>')
    rec = _one(tmp_path, page)
    assert rec.provenance.rules["authors"] == "trafilatura" and rec.authors == ["lupa"]


def test_collection_page_without_article_markup_is_rejected_even_with_long_text(tmp_path):
    ld = {"@context": "https://schema.org", "@type": "CollectionPage", "name": "Business"}
    page = article_page(ld=ld, og={"og:type": "website"}, paragraphs=COLUMN)
    rec = _one(tmp_path, page)
    assert type(rec) is Rejected and rec.reason == Reason.NOT_ARTICLE.value
    assert "listing" in rec.detail


def test_naive_page_time_takes_the_sources_time_zone(tmp_path):
    from curate.params import SourceMapping

    ld = dict(ARTICLE_LD, datePublished="2024-01-15T23:30:00")
    (tmp_path / "berlin").mkdir()
    (tmp_path / "berlin" / "page.html").write_text(article_page(ld=ld), encoding="utf-8")
    params = IngestParams(sources=[SourceMapping(glob="berlin/**", timezone="Europe/Berlin")])
    rec = read_file("berlin/page.html", tmp_path, params)[0]
    assert rec.published_at == "2024-01-15T23:30:00+01:00" and rec.date == "2024-01-15"
    assert "naive_timestamp" not in rec.flags


def test_naive_page_time_without_a_source_time_zone_keeps_its_day_only(tmp_path):
    ld = dict(ARTICLE_LD, datePublished="2024-01-15T23:30:00")
    rec = _one(tmp_path, article_page(ld=ld))
    assert rec.published_at is None and rec.date == "2024-01-15" and "naive_timestamp" in rec.flags


def test_title_is_the_visible_headline_the_title_element_agrees_with(tmp_path):
    page = article_page(ld=None, og={"og:type": "article", "og:title": "Press releases"},
                        meta={"date": "2024-03-12"}, title="Northport Daily: Channel plan approved",
                        h1="Channel plan approved")
    rec = _one(tmp_path, page)
    assert rec.title == "Channel plan approved" and rec.provenance.rules["title"] == "title"


def test_title_element_agrees_with_the_headline_by_its_last_parts(tmp_path):
    page = article_page(ld=None, og={"og:type": "article"}, meta={"date": "2024-03-12"},
                        title="Northport Daily - Business - Harbour board approves the channel plan",
                        h1="Harbour board approves the channel plan")
    assert _one(tmp_path, page).title == "Harbour board approves the channel plan"


def test_a_short_headline_that_is_one_part_of_the_title_element_is_no_title():
    from curate.readers.html_headline import agreeing

    title = "Business - Harbour board approves the channel plan after long debate"
    assert agreeing([("title", title)], ["Business"], []) is None
    assert agreeing([("title", title)], ["Harbour board approves the channel plan after long debate"], []) \
        == ("title", "Harbour board approves the channel plan after long debate")


def test_json_ld_headline_stays_the_title_when_og_title_is_the_visible_one(tmp_path):
    page = article_page(og={"og:title": "Northport votes for a deeper channel"},
                        h1="Northport votes for a deeper channel")
    assert _one(tmp_path, page).title == ARTICLE_LD["headline"]


def test_a_long_title_part_holding_the_sites_name_is_no_site_suffix():
    title = "NFF: TINE football school matters for children's sport in the pandemic"
    assert strip_site_suffix(title, ["tine.no"]) == title


def test_a_title_part_without_letters_or_digits_is_cut():
    assert strip_site_suffix("Shops are closing faster » ☆☆☆☆☆", []) == "Shops are closing faster"


def _bylines(body: str) -> list[str]:
    from lxml import html as lxml_html

    from curate.readers.html_people import byline_names

    return byline_names(lxml_html.document_fromstring(f"<html><body>{body}</body></html>"))


def test_byline_marks_are_read_in_page_order_and_the_name_among_them_wins():
    byline = ('<div class="entry-meta"><span class="posted-on author-date">Posted on</span> '
              '<span class="author vcard"><a class="url fn n" rel="author" href="/u/realiberry">'
              'Realiberry</a></span></div>')
    marks = _bylines(byline)
    assert marks == ["Posted on", "Realiberry"]
    assert next(n for m in marks if (n := clean_authors([m], [])[0])) == ["Realiberry"]


def test_comment_authors_and_author_boxes_are_no_byline():
    body = ('<ol class="comment-list"><li><span class="comment-author vcard"><span class="fn">'
            'Maria Gast</span></span></li></ol><div class="author-box"><span class="author">Anna '
            'Berger</span></div><p class="byline">By Tom Lind</p>')
    assert _bylines(body) == ["By Tom Lind"]


def test_organisation_author_does_not_hide_the_persons_byline(tmp_path):
    ld = dict(ARTICLE_LD, author={"@type": "Organization", "name": "Northport Daily"})
    rec = _one(tmp_path, article_page(ld=ld))
    assert rec.authors == ["Anna Berger", "Tom Lind"] and rec.publisher == "Northport Daily"


def test_a_role_word_that_is_half_of_a_two_word_name_stays():
    assert clean_authors(["Rasender Reporter", "Sports Editor"], []) == (["Rasender Reporter"], None)


def test_legal_forms_and_desk_words_are_no_authors():
    names = ["Nikkei Inc", "Hanns-Seidel-Stiftung e.V.", "Quelle: dpa", "unserer Redaktion", "Posted on"]
    assert clean_authors(names, []) == ([], "dpa")


_TOPICS = ["ferry", "harbour", "lighthouse", "market"]


def _blog_page(canonical: str | None, title: str) -> str:
    posts = "".join(
        f'<article class="post hentry"><h2 class="entry-title"><a href="https://blog.example/{t}/">'
        f'The {t} diary</a></h2>' + "".join(f"<p>{p.replace('harbour', t)}</p>" for p in PARAGRAPHS)
        + "</article>" for t in _TOPICS)
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f'<!DOCTYPE html><html><head><title>{title}</title>{link}'
            f'<meta property="og:type" content="article"><meta property="og:site_name" content="Coast '
            f'blog"><meta name="date" content="2024-03-12"></head><body><main>{posts}</main></body></html>')


def test_a_page_of_several_posts_keeps_the_one_its_canonical_url_names(tmp_path):
    rec = _one(tmp_path, _blog_page("https://blog.example/lighthouse/", "Notes from the coast"))
    assert rec.provenance.rules["text"] == "trafilatura-post"
    assert "lighthouse authority" in rec.text and "ferry authority" not in rec.text


def test_a_page_of_several_posts_keeps_the_one_its_title_names(tmp_path):
    rec = _one(tmp_path, _blog_page(None, "The market diary | Coast blog"))
    assert "market authority" in rec.text and "lighthouse authority" not in rec.text


def test_a_page_of_several_posts_none_named_is_read_whole(tmp_path):
    rec = _one(tmp_path, _blog_page(None, "Coast blog"))
    assert "ferry authority" in rec.text and "market authority" in rec.text


def test_a_registered_association_is_one_organisation_not_two_names():
    assert clean_authors(split_names("Bund der Energieverbraucher e V"), []) == ([], None)


def test_an_author_label_before_the_name_is_dropped():
    assert clean_authors(["Autor: gnaddrig", "Author: Anna Berger"], []) == (["gnaddrig", "Anna Berger"], None)


def test_trafilaturas_title_that_only_names_the_site_gives_way_to_the_title_element(tmp_path):
    page = article_page(ld=None, og={"og:type": "article"}, meta={"date": "2024-03-12"},
                        canonical="https://harbourlog.example/2024/channel",
                        title="harbourlog » Channel plan approved", h1="harbourlog")
    assert _one(tmp_path, page).title == "Channel plan approved"


def test_a_byline_mark_cuts_the_date_before_by():
    body = '<div class="page-meta--author">Posted on September 21, 2020 by Adi Tzlil</div>'
    assert _bylines(body) == ["Adi Tzlil"]


def test_a_byline_mark_that_links_names_gives_the_linked_names():
    body = ('<div data-testid="prism-byline"><span>By</span><span><a href="/team/jr">J.R. Stone</a>'
            '</span><span>Thursday, January 13, 2022 4:39PM</span></div>')
    assert _bylines(body) == ["J.R. Stone"]


def test_the_sites_name_glued_to_a_lead_in_is_no_author():
    assert clean_authors(["VonEurosport", "Anna Berger"], ["eurosport.de"]) == (["Anna Berger"], None)
