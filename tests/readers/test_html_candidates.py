"""A page's title and authors from its candidates compared with one another (html_headline.py,
html_meta.py, html_people.py, html_verdict.py). Every page and name here is invented for the tests."""

from __future__ import annotations

from pathlib import Path

from curate.params import IngestParams
from curate.readers import read_file
from curate.readers.html_meta import split_names, strip_site_suffix
from curate.readers.html_people import clean_authors, spelled

from .web_builders import ARTICLE_LD, article_page

SHORT = ["The harbour board met on Tuesday evening and approved the first stage of the channel "
         "plan after a long debate about costs, dredging permits and the fishing fleet's berths. "
         "Work on the outer basin is to start in the spring of next year."]


def _one(tmp_path: Path, page: str, name: str = "page.html"):
    (tmp_path / name).write_text(page, encoding="utf-8")
    out = read_file(name, tmp_path, IngestParams())
    assert len(out) == 1
    return out[0]


def _og_page(og_titles: list[str], h1: str, title: str = "Northport Daily", **kw) -> str:
    page = article_page(ld=None, og={"og:type": "article", "og:site_name": "Northport Daily"},
                        meta={"date": "2024-03-12"}, title=title, h1=h1, **kw)
    tags = "".join(f'<meta property="og:title" content="{t}">' for t in og_titles)
    return page.replace("<title>", tags + "<title>", 1)


# ---------------------------------------------------------------------------------- titles

def test_json_ld_headline_with_a_kicker_gives_way_to_the_og_title_the_h1_shows(tmp_path):
    ld = dict(ARTICLE_LD, headline="Eastside - Channel plan approved after long debate")
    page = article_page(ld=ld, og={"og:title": "Channel plan approved after long debate"},
                        h1="Channel plan approved after long debate")
    assert _one(tmp_path, page).title == "Channel plan approved after long debate"


def test_og_title_with_a_kicker_the_h1_shows_beats_json_ld_without_it(tmp_path):
    ld = dict(ARTICLE_LD, headline="Channel plan approved after long debate")
    shown = "Harbour vote: Channel plan approved after long debate"
    page = article_page(ld=ld, og={"og:title": shown}, h1=shown)
    assert _one(tmp_path, page).title == shown


def test_json_ld_headline_stays_when_og_title_is_another_headline(tmp_path):
    page = article_page(og={"og:title": "Dredging to start in May"}, h1="Dredging to start in May")
    assert _one(tmp_path, page).title == ARTICLE_LD["headline"]


def test_second_og_title_the_h1_shows_is_the_title(tmp_path):
    page = _og_page(["Channel plan approved – what it means for fishers", "Channel plan approved"],
                    h1="Channel plan approved")
    assert _one(tmp_path, page).title == "Channel plan approved"


def test_h1_that_adds_a_subtitle_to_the_og_title_is_the_title(tmp_path):
    page = _og_page(["Lemon cake from the tray | Northport Daily"], h1="Lemon cake from the tray: simply delicious!")
    assert _one(tmp_path, page).title == "Lemon cake from the tray: simply delicious!"


def test_h1_that_adds_a_site_name_after_a_pipe_is_no_subtitle(tmp_path):
    page = _og_page(["Lemon cake from the tray"], h1="Lemon cake from the tray | OTHERBLOG.NET")
    assert _one(tmp_path, page).title == "Lemon cake from the tray"


def test_title_element_with_a_leading_date_agrees_with_the_h1_once_the_site_is_cut(tmp_path):
    page = article_page(ld=None, og={"og:type": "article", "og:site_name": "Harbourportal"},
                        meta={"date": "2024-03-12"}, h1="Online meeting on the channel plan",
                        title="12.03.2024 | Online meeting on the channel plan: Harbourportal")
    assert _one(tmp_path, page).title == "Online meeting on the channel plan"


def test_h1_the_og_title_agrees_with_whole_keeps_a_part_holding_a_site_word(tmp_path):
    shown = "Women in the NHB: past, present and future"
    page = _og_page([shown], h1=shown, canonical="https://www.nhb.example/news/women.html")
    assert _one(tmp_path, page).title == shown


def test_a_short_cjk_suffix_ending_in_an_outlet_word_is_cut_without_metadata():
    assert strip_site_suffix("港口航道获批-北港网", []) == "港口航道获批"
    assert strip_site_suffix("港口の航路が承認：北港新聞", []) == "港口の航路が承認"
    assert strip_site_suffix("港口航道获批-互联网与港口的未来", []) == "港口航道获批-互联网与港口的未来"


def test_an_h1_linking_to_the_home_page_is_the_sites_name_not_the_headline(tmp_path):
    page = article_page(ld=None, og={"og:type": "article"}, meta={"date": "2024-03-12"}, canonical=None,
                        title="Channel plan approved | Harbour notes from Eastside",
                        h1='<a href="/">Harbour notes from Eastside</a>')
    assert _one(tmp_path, page).title == "Channel plan approved"


def test_an_archived_copys_home_link_counts_as_the_home_page():
    from lxml import html as lxml_html

    from curate.readers.html_headline import home_names

    tree = lxml_html.document_fromstring(
        '<html><body><h1><a href="https://web.archive.org/web/2014/http://harbour.example/">Harbour</a></h1>'
        '<h1><a href="/2024/03/channel.html">Channel plan approved</a></h1></body></html>')
    assert home_names(tree) == ["Harbour"]


def test_the_sites_name_inside_a_title_goes_with_the_taglines_after_it():
    title = "Channel plan approved : Harbour Notes | Watching the port since 2005 | Year 6"
    assert strip_site_suffix(title, ["Harbour Notes"]) == "Channel plan approved"


def test_a_kicker_the_h1_marks_as_one_is_cut_from_the_title(tmp_path):
    h1 = ('<span class="article-title__overline">Harbour vote</span><span aria-hidden="true"> - </span>'
          '<span class="article-title__text">Channel plan approved after long debate</span>')
    page = article_page(ld=dict(ARTICLE_LD, headline="Harbour vote - Channel plan approved after long debate"), h1=h1)
    assert _one(tmp_path, page).title == "Channel plan approved after long debate"


def test_a_kicker_the_title_joins_with_a_colon_stays(tmp_path):
    h1 = ('<span class="kicker">Harbour vote</span><span class="hide">: </span>'
          '<span>Channel plan approved after long debate</span>')
    page = article_page(ld=dict(ARTICLE_LD, headline="Harbour vote: Channel plan approved after long debate"), h1=h1)
    assert _one(tmp_path, page).title == "Harbour vote: Channel plan approved after long debate"


def test_a_title_that_does_not_end_with_the_kicked_h1_is_kept(tmp_path):
    h1 = '<span class="kicker">Harbour vote</span> Channel plan approved after long debate'
    page = article_page(ld=dict(ARTICLE_LD, headline="Dredging to start in May"), h1=h1)
    assert _one(tmp_path, page).title == "Dredging to start in May"


def test_soft_hyphens_are_no_part_of_the_title(tmp_path):
    ld = dict(ARTICLE_LD, headline="Channel plan approved after long de\u00adbate")
    assert _one(tmp_path, article_page(ld=ld)).title == "Channel plan approved after long debate"


# --------------------------------------------------------------------------------- authors

def test_an_initials_or_suffixs_full_stop_stays_with_the_name():
    assert split_names("Perry Lane Jr.") == ["Perry Lane Jr."]
    assert split_names("Nicolas Marin C.") == ["Nicolas Marin C."]
    assert split_names("Anna Berger.") == ["Anna Berger"]


def test_a_degree_after_the_name_is_no_author():
    assert clean_authors(split_names("Grant Lindqvist, PhD"), []) == (["Grant Lindqvist"], None)


def test_a_role_before_the_name_is_cut():
    names = split_names("Von HARBOUR-Online-Experte Robin Tamm")
    assert clean_authors(names, ["Harbour Online"]) == (["Robin Tamm"], None)
    assert clean_authors(["Gastautorin Anna Berger"], []) == (["Anna Berger"], None)


def test_the_sites_name_holding_an_ampersand_is_no_pair_of_authors():
    from curate.readers.html_people import names_in

    assert names_in("Docks & Cranes", ["Docks & Cranes"]) == []
    assert clean_authors(["Docks", "Cranes"], ["Docks & Cranes"]) == ([], None)
    assert names_in("Anna Berger & Tom Lind", ["Docks & Cranes"]) == ["Anna Berger", "Tom Lind"]


def test_the_sites_name_and_its_place_name_no_one():
    from curate.readers.html_people import names_in

    assert names_in("harbourdaily.example, Northport, Norway", ["harbourdaily.example"]) == []


def test_a_site_and_place_author_tag_is_not_read_back_through_trafilatura(tmp_path):
    page = article_page(ld=None, og={"og:type": "article", "og:site_name": "harbourdaily.example"},
                        meta={"date": "2024-03-12", "author": "harbourdaily.example, Northport, Norway"})
    rec = _one(tmp_path, page)
    assert "Northport" not in rec.authors and "Norway" not in rec.authors


def test_a_description_of_many_words_is_no_name():
    names = split_names("Povilas Lind, professor of the faculty of human studies at Northport University")
    assert clean_authors(names, []) == (["Povilas Lind"], None)


def _lines(body: str) -> list[str]:
    from lxml import html as lxml_html

    from curate.readers.html_people import byline_lines

    return byline_lines(lxml_html.document_fromstring(f"<html><body>{body}</body></html>"))


def test_a_byline_written_as_text_gives_its_name():
    assert _lines('<p><em>Written by: <a href="/u/jl">Julie Lind</a></em></p>') == ["Julie Lind"]
    assert _lines('<div class="metaInfo">Ein Artikel von <strong>Pamela Kamp</strong> | 27.01.2022</div>') \
        == ["Pamela Kamp"]
    assert _lines("<p><strong>Autorin: Uta Berg, Projektleiterin in Tunis.</strong></p>") == ["Uta Berg"]


def test_a_lone_lead_word_takes_the_name_after_its_element():
    assert _lines("<div><h5>Autor: </h5>Peter Lind/SP-X</div>") == ["Peter Lind"]


def test_prepositions_and_comments_are_no_text_bylines():
    assert _lines("<p>von Berlin nach Hamburg</p><p>by the way we went</p>") == []
    assert _lines('<div class="comment"><span>von Peter Lind</span></div>') == []


def test_the_pages_headline_is_no_author():
    headline = "A realistic reading of the harbour multiplier"
    assert clean_authors([headline, "Georg Lind"], [], headline) == (["Georg Lind"], None)


def test_vom_before_a_name_is_a_lead_in():
    assert clean_authors(["Vom Hafenblogger"], []) == (["Hafenblogger"], None)


def test_a_commenters_says_line_is_no_author():
    assert clean_authors(["Art Lindqvist says", "Anna Berger"], []) == (["Anna Berger"], None)


def test_a_name_keeps_the_pages_full_stops_and_one_line():
    assert spelled("Gunter W Kamp", "Text by Gunter W.\n   Kamp, 2013") == "Gunter W. Kamp"


# ------------------------------------------------------------------------------- verdict

def test_short_text_with_a_published_date_meta_tag_and_no_article_markup_is_kept(tmp_path):
    page = article_page(ld=None, og={"og:type": "website"}, meta={"DC.date.issued": "2024-03-12T18:28:00+03:00"},
                        paragraphs=SHORT)
    rec = _one(tmp_path, page)
    assert rec.text and "short_text" in rec.flags
