"""Cleaning: each rule as a specification, on short invented snippets in the real layouts."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.clean.rules import clean_record, clean_text
from curate.params import CleanParams
from curate.record import Record, Source
from curate.clean.signoff import parse_credits
from curate.clean.tickers import strip_markup

P = CleanParams()
REPO = Path(__file__).resolve().parents[2]
SEED = "000_36da013c6c0019e4.txt"


def rec(text: str, fmt: str = "reuters_web", **fields) -> Record:
    return Record(id="t1", source=Source(path="x", format=fmt, sha256="0"), text=text, **fields)


def web(body: str) -> str:
    """A Reuters web body as the reader hands it over: blank line, one-space line, blank line."""
    return "\n \n\n" + body


# ------------------------------------------------------------------------------------ repair

def test_mojibake_is_repaired_and_flagged():
    out = clean_record(rec("The chef FranÃ§ois Dupont opened a caf\u00c3\u00a9 in Lyon."), P)
    assert out.text == "The chef François Dupont opened a café in Lyon."
    assert "mojibake_fixed" in out.flags


def test_mojibake_repair_can_be_switched_off():
    out = clean_record(rec("FranÃ§ois said so."), CleanParams(fix_mojibake=False))
    assert out.text == "FranÃ§ois said so."
    assert "mojibake_fixed" not in out.flags


def test_clean_text_without_mojibake_sets_no_flag():
    assert "mojibake_fixed" not in clean_record(rec("Plain café text."), P).flags


def test_html_entities_are_unescaped_even_when_double_escaped():
    assert clean_text("AT&amp;T and Procter &amp;amp; Gamble &quot;agreed&quot;.", P) == (
        'AT&T and Procter & Gamble "agreed".'
    )


def test_control_characters_are_removed_newlines_kept():
    out = clean_text("Shares\x00 rose\x07 5\x1b percent.\r\n\r\nThen\x7f fell.", P)
    assert out == "Shares rose 5 percent.\n\nThen fell."


def test_odd_spaces_are_normalised():
    out = clean_text("Oil\u00a0rose\u2009to $90\u3000a barrel,\tsaid\u200b one trader.", P)
    assert out == "Oil rose to $90 a barrel, said one trader."


def test_text_is_nfc():
    out = clean_text("Cafe\u0301 owners", P)
    assert out == "Caf\u00e9 owners"
    assert unicodedata.is_normalized("NFC", out)


def test_empty_text_gives_empty_text():
    out = clean_record(rec(""), P)
    assert out.text == ""
    assert clean_text("", P) == ""
    assert clean_text(" \n \n\n ", P) == ""


# ------------------------------------------------------------------------------------ re-flow

def test_reflow_seed_layout_blank_line_paragraphs():
    raw = "First paragraph here.\n\nSecond   paragraph here. \n\n\n\nThird one."
    assert clean_text(raw, P) == "First paragraph here.\n\nSecond paragraph here.\n\nThird one."


def test_reflow_web_layout_one_paragraph_per_space_led_line():
    raw = " The bank cut rates on Tuesday. \n Analysts had expected the move. \n\n Shares rose. "
    assert clean_text(raw, P) == (
        "The bank cut rates on Tuesday.\n\nAnalysts had expected the move.\n\nShares rose."
    )


def test_reflow_web_layout_keeps_a_long_run_together_line_as_one_paragraph():
    long_line = " " + " ".join(["The index rose one point on the day."] * 10) + " "
    assert clean_text(long_line, P) == long_line.strip()


def test_reflow_old_style_hard_wraps_and_double_space_breaks():
    raw = (
        " Factory orders rose for a third month in\n"
        "March, the government said on Monday, beating\n"
        "forecasts.  Economists had expected a small fall,\n"
        "citing weak exports. \n\n"
        "  A separate report showed prices flat. "
    )
    assert clean_text(raw, P) == (
        "Factory orders rose for a third month in March, the government said on Monday, "
        "beating forecasts.\n\n"
        "Economists had expected a small fall, citing weak exports.\n\n"
        "A separate report showed prices flat."
    )


def test_reflow_old_style_line_holding_a_paragraph_break_is_still_joined():
    raw = (
        " Retail sales rose 0.4 percent in June, the\n"
        "Commerce Department said on Friday, after a revised rise in May of 0.2 percent.  Sales\n"
        "excluding autos were flat for the month, the\n"
        "report showed."
    )
    assert clean_text(raw, P) == (
        "Retail sales rose 0.4 percent in June, the Commerce Department said on Friday, "
        "after a revised rise in May of 0.2 percent.\n\n"
        "Sales excluding autos were flat for the month, the report showed."
    )


def test_double_spaces_inside_names_do_not_break_paragraphs():
    assert clean_text("By  Jane Example  and  John Sample wrote this.", P) == (
        "By Jane Example and John Sample wrote this."
    )


def test_reflow_off_keeps_lines_but_normalises_spaces():
    out = clean_text("One  line\nnext line\n\nPara two.", CleanParams(reflow=False))
    assert out == "One line\nnext line\n\nPara two."


@pytest.mark.parametrize("raw", [
    " The bank cut rates. \n\n Shares rose ( BKS.N ). ",
    "Line one wrapped\nhere.  New para &amp; more\r\n\r\nFranÃ§ois\x00 ok",
    "\u00a0\u2028x\u2029y\u0085z",
    "",
])
def test_clean_text_is_idempotent_on_examples(raw):
    once = clean_text(raw, P)
    assert clean_text(once, P) == once


# ------------------------------------------------------------------------------------ dateline

def test_seed_dateline_is_lifted():
    out = clean_record(rec("NEW YORK Stocks fell on Monday.\n\nBonds rose.", fmt="seed_dateline"), P)
    assert out.dateline == "NEW YORK"
    assert out.text == "Stocks fell on Monday.\n\nBonds rose."


def test_seed_dateline_stops_at_single_letter_word():
    out = clean_record(rec("MOSCOW A U.S. envoy met officials.", fmt="seed_dateline"), P)
    assert out.dateline == "MOSCOW"
    assert out.text == "A U.S. envoy met officials."


@pytest.mark.parametrize("place", ["TORONTO/LONDON", "RIO DE JANEIRO", "WINSTON-SALEM"])
def test_seed_dateline_forms(place):
    out = clean_record(rec(f"{place} The firm said on Friday it would grow.", fmt="seed_dateline"), P)
    assert out.dateline == place
    assert out.text.startswith("The firm said")


def test_seed_dateline_does_not_take_an_initialism():
    out = clean_record(rec("U.S. stocks fell on Monday.", fmt="seed_dateline"), P)
    assert out.dateline is None
    assert out.text == "U.S. stocks fell on Monday."


def test_reuters_dateline_with_region():
    out = clean_record(rec(web(" LIMA, Peru  (Reuters) - Copper output rose in May.")), P)
    assert out.dateline == "LIMA, Peru"
    assert out.text == "Copper output rose in May."


def test_reuters_dateline_trailing_date_is_dropped():
    out = clean_record(rec(web(" WASHINGTON  Oct 27 (Reuters) - Growth slowed.")), P)
    assert out.dateline == "WASHINGTON"
    assert out.text == "Growth slowed."


def test_agency_tag_without_city_gives_no_dateline():
    out = clean_record(rec(web(" (Reuters) - Growth slowed in the quarter.")), P)
    assert out.dateline is None
    assert out.text == "Growth slowed in the quarter."


def test_dateline_is_not_overwritten_when_reader_set_one():
    out = clean_record(rec(web(" PARIS  (Reuters) - Sales rose."), dateline="LYON"), P)
    assert out.dateline == "LYON"
    assert out.text == "Sales rose."


def test_dash_dateline_without_agency_tag():
    out = clean_record(rec("WASHINGTON, April 7 - Most students got offers this week."), P)
    assert out.dateline == "WASHINGTON"
    assert out.text == "Most students got offers this week."


def test_seed_date_header_is_removed_if_still_present():
    out = clean_record(rec("date 2012-06-08 MOSCOW A talk was held.", fmt="seed_dateline"), P)
    assert out.text == "A talk was held."
    assert out.dateline == "MOSCOW"


# ------------------------------------------------------------------------------------ byline, notes

def test_old_style_byline_goes_to_authors_and_note_is_removed():
    raw = web(
        "  (Updates with closing market quotes, paragraphs 8-11) \n\n"
        "  By  Jane Example  and  John Sample WASHINGTON  Oct 27 (Reuters) - Output\n"
        "slowed in the third quarter."
    )
    out = clean_record(rec(raw), P)
    assert out.authors == ["Jane Example", "John Sample"]
    assert out.dateline == "WASHINGTON"
    assert out.text == "Output slowed in the third quarter."
    assert "editorial_note" in out.flags


def test_byline_does_not_replace_reader_authors():
    raw = web(" By  Jane Example PARIS  (Reuters) - Sales rose.")
    out = clean_record(rec(raw, authors=["Header  Name"]), P)
    assert out.authors == ["Header Name"]
    assert out.text == "Sales rose."


def test_reader_author_names_lose_double_spaces():
    assert clean_record(rec("Text.", authors=["Jane  Example "]), P).authors == ["Jane Example"]


# ------------------------------------------------------------------------------------ sign-off

@pytest.mark.parametrize("group, credits", [
    ("(Writing by Ann Able; Editing by Ben Baker)",
     {"writing": ["Ann Able"], "editing": ["Ben Baker"]}),
    ("(Additional reporting by  Cal Cole  in Washington; editing by  Dee Dunn )",
     {"additional_reporting": ["Cal Cole"], "editing": ["Dee Dunn"]}),
    ("(Reporting by Eve East. Additional reporting by Fay Fox.; Editing by Gus Gale,  Hal Hunt  "
     "and Ida Ink)",
     {"reporting": ["Eve East"], "additional_reporting": ["Fay Fox"],
      "editing": ["Gus Gale", "Hal Hunt", "Ida Ink"]}),
    ("(Reporting by Jon Jay in Tokyo and Kim Kay in Seoul; Editing by Lea Lee)",
     {"reporting": ["Jon Jay", "Kim Kay"], "editing": ["Lea Lee"]}),
    ("(Compiled by Max Moe; Edited by Ned Nye & Ola Orr)",
     {"compiling": ["Max Moe"], "editing": ["Ned Nye", "Ola Orr"]}),
    ("(Reporting By Pat Poe, editing by Quin Quo)",
     {"reporting": ["Pat Poe"], "editing": ["Quin Quo"]}),
    ("(Graphic by Ray Roe; Editing by Sue Sun)",
     {"graphic": ["Ray Roe"], "editing": ["Sue Sun"]}),
])
def test_signoff_variants_are_parsed_and_removed(group, credits):
    out = clean_record(rec(web(f" (Reuters) - Prices rose on Monday. {group}")), P)
    assert out.credits == credits
    assert out.text == "Prices rose on Monday."
    assert "no_signoff" not in out.flags


def test_signoff_as_its_own_paragraph():
    raw = "NEW YORK Prices rose.\n\nThey fell later.\n\n(Writing by Ann Able; Editing by Ben Baker)"
    out = clean_record(rec(raw, fmt="seed_dateline"), P)
    assert out.credits == {"writing": ["Ann Able"], "editing": ["Ben Baker"]}
    assert out.text == "Prices rose.\n\nThey fell later."


def test_signoff_names_have_no_duplicates_within_a_role():
    assert parse_credits("Editing by Ann Able, Ann Able and Ben Baker") == {
        "editing": ["Ann Able", "Ben Baker"]
    }


def test_two_signoff_groups_and_a_currency_note():
    raw = web(" (Reuters) - Profit rose. (Reporting by Ann Able) (Editing by Ben Baker) "
              "($1 = 0.7350 euro)")
    out = clean_record(rec(raw), P)
    assert out.credits == {"reporting": ["Ann Able"], "editing": ["Ben Baker"]}
    assert out.text == "Profit rose. ($1 = 0.7350 euro)"


def test_old_style_double_parenthesis_signoff_cut_off():
    raw = web(" (Reuters) - Profit rose. ((Reporting by Ann Able, editing by Ben Baker, "
              "Reuters messaging: ann.able@example.com; tel: 1-202-35")
    out = clean_record(rec(raw), P)
    assert out.credits == {"reporting": ["Ann Able"], "editing": ["Ben Baker"]}
    assert out.text == "Profit rose."


def test_trailing_correction_note_after_signoff_is_removed():
    raw = web(" (Reuters) - Profit rose. (Editing by Ben Baker) (This story was corrected to fix "
              "the profit figure in paragraph 2)")
    out = clean_record(rec(raw), P)
    assert out.credits == {"editing": ["Ben Baker"]}
    assert out.text == "Profit rose."
    assert "editorial_note" in out.flags


def test_unparseable_trailing_group_stays_in_text():
    raw = web(" (Reuters) - The firm was founded in 1901 (by two brothers).")
    out = clean_record(rec(raw), P)
    assert out.credits == {}
    assert out.text == "The firm was founded in 1901 (by two brothers)."
    assert "no_signoff" in out.flags


def test_trailing_parenthesis_that_is_not_credits_stays():
    out = clean_record(rec("Sales rose. (Figures are in U.S. dollars)"), P)
    assert out.text == "Sales rose. (Figures are in U.S. dollars)"
    assert out.credits == {}


def test_text_that_is_only_a_signoff():
    out = clean_record(rec("(Reporting by Ann Able; Editing by Ben Baker)"), P)
    assert out.text == ""
    assert out.credits == {"reporting": ["Ann Able"], "editing": ["Ben Baker"]}


# ------------------------------------------------------------------------------------ tickers, codes

@pytest.mark.parametrize("markup, codes", [
    ("( BKS.N )", ["BKS.N"]),
    ("(BKS.N)", ["BKS.N"]),
    ("( 7203.T )", ["7203.T"]),
    ("(.SPX)", [".SPX"]),
    ("( .DJI )", [".DJI"]),
    ("( GOOG.O )", ["GOOG.O"]),
    ("( BRKa.N )", ["BRKa.N"]),
    ("( BKS.N , MSFT.O )", ["BKS.N", "MSFT.O"]),
    ("( DBKGn.DE )", ["DBKGn.DE"]),
])
def test_ticker_markup_is_captured_and_removed(markup, codes):
    out = clean_record(rec(f"Barnes & Noble Inc {markup} has objected."), P)
    assert out.tickers == codes
    assert out.text == "Barnes & Noble Inc has objected."


def test_ticker_removal_leaves_no_space_before_punctuation():
    out = clean_record(rec("Orders went to Boeing ( BA.N ), not Airbus ( AIR.PA )."), P)
    assert out.text == "Orders went to Boeing, not Airbus."
    assert out.tickers == ["BA.N", "AIR.PA"]


def test_tickers_unique_in_order_of_first_appearance():
    out = clean_record(rec("A ( BBB.N ) and C <AAA.O> then A ( BBB.N ) again."), P)
    assert out.tickers == ["BBB.N", "AAA.O"]


@pytest.mark.parametrize("code", ["<ID:nSP6809>", "<O/R>", "<nN12345>", "<US/>", "[ID:nN12345]",
                                  "<ID: nN02486506>"])
def test_wire_codes_are_removed(code):
    out = clean_record(rec(f"For details, see {code} Shares rose."), P)
    assert out.text == "For details, see Shares rose."
    assert out.tickers == []


@pytest.mark.parametrize("code, ticker", [("<0#.INDEX>", "0#.INDEX"), ("<.SPX>", ".SPX"),
                                          ("<BKS.N>", "BKS.N")])
def test_ticker_like_wire_codes_go_to_tickers(code, ticker):
    out = clean_record(rec(f"The index {code} rose."), P)
    assert out.text == "The index rose."
    assert out.tickers == [ticker]


def test_graphic_link_box_is_removed():
    out = clean_record(rec("Stocks rose. <^^^^^^ GRAPHIC: rates r.example.com/x ^^^^^^> Bonds fell."), P)
    assert out.text == "Stocks rose. Bonds fell."


def test_abbreviation_in_parentheses_is_not_a_ticker():
    text, codes = strip_markup("The accord (U.S) was signed.")
    assert codes == []
    assert text == "The accord (U.S) was signed."


def test_markup_left_flag_when_unknown_tags_remain():
    out = clean_record(rec("Prices <will not> rise, he said."), P)
    assert "markup_left" in out.flags


# ------------------------------------------------------------------------------------ flags

def test_truncated_flag_when_text_stops_mid_sentence():
    assert "truncated" in clean_record(rec("The company said it would"), P).flags
    assert "truncated" not in clean_record(rec("The company said so."), P).flags


def test_no_signoff_flag():
    assert "no_signoff" in clean_record(rec("Prices rose."), P).flags


def test_reader_flags_are_kept_and_flags_sorted():
    out = clean_record(rec("Prices rose", flags=["bad_date"]), P)
    assert out.flags == sorted(set(out.flags))
    assert "bad_date" in out.flags


def test_clean_record_returns_a_new_record():
    original = rec(web(" PARIS  (Reuters) - Sales rose."))
    out = clean_record(original, P)
    assert out is not original
    assert original.text.startswith("\n \n\n PARIS")


# ------------------------------------------------------------------------------------ seed article

def test_seed_article_end_to_end():
    raw = (REPO / "corpus" / "raw" / "seed" / SEED).read_text(encoding="utf-8")  # in the repository
    body = raw.split("2012-06-08", 1)[1].lstrip(" ")
    out = clean_record(rec(body, fmt="seed_dateline"), P)
    assert out.dateline == "MOSCOW"
    assert out.credits == {"writing": ["Steve Gutterman"], "editing": ["Mark Heinrich"]}
    assert out.text.startswith("A U.S. special envoy met Russian officials")
    assert "2012-06-08" not in out.text and "Writing by" not in out.text
    assert len(out.text.split("\n\n")) == 14
    assert "no_signoff" not in out.flags


# ------------------------------------------------------------------------------------ properties

_CONTROL = {chr(c) for c in (*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0))}


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_property_clean_record_never_raises_and_text_is_clean(text):
    out = clean_record(rec(text), P)
    assert isinstance(out.text, str)
    assert "\r" not in out.text
    assert not (_CONTROL & set(out.text))
    assert "clean_error" not in out.flags
    once = clean_text(text, P)
    assert clean_text(once, P) == once
    assert not (_CONTROL & set(once))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    " ", "  ", "\n", "\n\n", "(", ")", "Reuters", "(Reuters) - ", "By ", "NEW YORK ", "Oct 27 ",
    "( BKS.N )", "<O/R>", "Reporting by ", "Ann Able", "; Editing by ", ".", "Ã©", "&amp;",
    "word", "Word", "\u00a0", "\x00", "\r\n",
]), max_size=40).map("".join))
def test_property_on_wire_like_fragments(text):
    out = clean_record(rec(text), P)
    assert "\r" not in out.text and not (_CONTROL & set(out.text))
    assert "clean_error" not in out.flags
    assert "(Reuters) -" not in out.text
    once = clean_text(text, P)
    assert clean_text(once, P) == once


def test_ticker_removal_does_not_double_punctuation():
    out = clean_record(rec("Banks such as Morgan Stanley, ( MS.N ), and others. Ford Motor Co.\n"
                           "( F.N ), too."), P)
    assert out.text == "Banks such as Morgan Stanley, and others. Ford Motor Co., too."
    assert out.tickers == ["MS.N", "F.N"]
