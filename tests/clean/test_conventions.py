"""Publisher conventions: datelines, agency tags, bylines and sign-offs read from the table."""

from __future__ import annotations

import copy

import pytest

from curate.clean.conventions import TABLE, VERSION
from curate.clean.publishers import compile_conventions
from curate.clean.rules import RULES_VERSION, clean_record
from curate.clean.signoff import RULES_VERSION as SIGNOFF_VERSION
from curate.clean.signoff import parse_credits, split_names
from curate.clean.tickers import RULES_VERSION as TICKERS_VERSION
from curate.clean.tickers import strip_markup
from curate.params import CleanParams
from curate.record import Provenance, Record, Source

P = CleanParams()


def rec(text: str, fmt: str = "plaintext", **fields) -> Record:
    return Record(id="t1", source=Source(path="x", format=fmt, sha256="0"), text=text, **fields)


# ------------------------------------------------------------------------------ datelines

@pytest.mark.parametrize("raw, dateline, agency, text", [
    ("NEW DELHI, April 12 (BBC) - India's cabinet met.", "NEW DELHI", "BBC", "India's cabinet met."),
    ("NEW YORK, April 30 (IFR) - Bond sales rose.", "NEW YORK", "Reuters", "Bond sales rose."),
    ("DENVER (AP) — A wildfire spread.", "DENVER", "AP", "A wildfire spread."),
    ("STUTTGART, Germany, April 13 (AFP) - Daimler said.", "STUTTGART, Germany", "AFP", "Daimler said."),
    ("WASHINGTON, April 10 (UPI) -- Congress voted.", "WASHINGTON", "UPI", "Congress voted."),
    ("Berlin (dpa) - Die Regierung tagte.", "Berlin", "dpa", "Die Regierung tagte."),
    ("LONDON (Bloomberg) -- Gilts fell.", "LONDON", "Bloomberg", "Gilts fell."),
    ("LONDON, 12 March (PA) - Rail fares rise.", "LONDON", "PA", "Rail fares rise."),
    ("(Bloomberg) -- Oil climbed.", None, "Bloomberg", "Oil climbed."),
])
def test_agency_datelines_are_lifted_whole(raw, dateline, agency, text):
    out = clean_record(rec(raw), P)
    assert (out.dateline, out.agency, out.text) == (dateline, agency, text)


def test_bare_city_and_long_dash_is_a_dateline():
    out = clean_record(rec("BERLIN — The coalition agreed a budget."), P)
    assert (out.dateline, out.agency, out.text) == ("BERLIN", None, "The coalition agreed a budget.")


def test_dateline_with_a_year_gives_the_date_when_the_record_has_none():
    out = clean_record(rec("ATHENS, April 10, 2024 - Talks resumed."), P)
    assert (out.dateline, out.date, out.text) == ("ATHENS", "2024-04-10", "Talks resumed.")
    assert "date_from_dateline" in out.flags


def test_dateline_date_never_replaces_the_record_date():
    out = clean_record(rec("ATHENS, April 10, 2024 - Talks resumed.", date="2024-04-11"), P)
    assert out.date == "2024-04-11"
    assert "date_from_dateline" not in out.flags


@pytest.mark.parametrize("raw", [
    "UK Muslims should accept the ruling, a report said.",
    "MG Rover's sales fell again in March.",
    "US - China talks resumed on Monday.",
])
def test_a_capitalised_opening_without_a_dateline_pattern_is_text(raw):
    out = clean_record(rec(raw), P)
    assert (out.dateline, out.text) == (None, raw)


def test_a_lead_line_in_parentheses_that_is_no_editorial_note_stays():
    raw = "(after extra-time - score at 90 mins 1-1)\n\nChelsea beat Arsenal 2-1."
    out = clean_record(rec(raw), P)
    assert out.text == "(after extra-time - score at 90 mins 1-1)\n\nChelsea beat Arsenal 2-1."
    assert "editorial_note" not in out.flags


def test_an_editorial_note_from_the_table_is_removed():
    out = clean_record(rec("(Recasts after EADS announcement)\n\nPARIS (Reuters) - EADS said."), P)
    assert (out.text, out.dateline) == ("EADS said.", "PARIS")
    assert "editorial_note" in out.flags


# ------------------------------------------------------------------------------ sign-offs

def test_closing_byline_with_agency_goes_to_authors():
    raw = "DENVER (AP) — A wildfire spread on Monday.\n\nBy Colleen Slevin, Associated Press"
    out = clean_record(rec(raw), P)
    assert out.text == "A wildfire spread on Monday."
    assert out.authors == ["Colleen Slevin"]
    assert out.agency == "AP"
    assert "truncated" not in out.flags


def test_signoff_names_lose_place_and_org_suffixes_and_regions():
    group = "Additional reporting by Verna Gates in Birmingham, Alabama and Jim Doe at CNBC; Editing by Ann Roe"
    assert parse_credits(group) == {
        "additional_reporting": ["Verna Gates", "Jim Doe"], "editing": ["Ann Roe"],
    }


def test_places_and_bureaux_are_never_credit_names():
    assert split_names("Reuters bureaux, JAKARTA, WELLINGTON, MANILA") == []
    assert parse_credits("Reporting by Kim Dixon in Washington, D.C.") == {"reporting": ["Kim Dixon"]}


def test_signoff_of_desks_only_leaves_the_text_without_credits():
    out = clean_record(rec("Rates held.\n\n(Reporting by UK bureau)", fmt="reuters_web"), P)
    assert (out.text, out.credits) == ("Rates held.", {})
    assert "no_signoff" not in out.flags


def test_combined_roles_share_the_names():
    assert parse_credits("Writing and additional reporting by Ann Roe; Editing by Bo Li") == {
        "writing": ["Ann Roe"], "additional_reporting": ["Ann Roe"], "editing": ["Bo Li"],
    }


def test_note_after_the_signoff_is_removed_and_flagged():
    raw = ("Prices rose.\n\n(Reporting by Ann Roe; Editing by Bo Li)\n\n"
           "(This Dec. 18 story was corrected to fix the spelling of a name in paragraph 3)")
    out = clean_record(rec(raw, fmt="reuters_web"), P)
    assert out.text == "Prices rose."
    assert out.credits == {"reporting": ["Ann Roe"], "editing": ["Bo Li"]}
    assert "editorial_note" in out.flags


@pytest.mark.parametrize("code", [
    "<IDn:L1N0FS0NP>", "<ID:ID:nL3N0H72YB>", "< reut.rs/1e6piFj >", "<ID:nSP6809>",
])
def test_every_wire_code_variant_is_removed(code):
    out = clean_record(rec(f"Shares rose {code} on Monday.", fmt="reuters_web"), P)
    assert out.text == "Shares rose on Monday."


def test_a_bare_trailing_story_id_is_removed():
    out = clean_record(rec("Shares rose on Monday. nL1N0IM15P", fmt="reuters_web"), P)
    assert out.text == "Shares rose on Monday."


def test_a_word_like_a_story_id_inside_the_text_stays():
    text, _ = strip_markup("The nL1N0IM15P code and more.")
    assert text == "The nL1N0IM15P code and more."


# ------------------------------------------------------------------------------ per format

def test_no_signoff_and_no_dateline_only_for_formats_that_carry_them():
    plain = clean_record(rec("Prices rose.", fmt="plaintext"), P)
    web = clean_record(rec("Prices rose.", fmt="reuters_web"), P)
    assert not {"no_signoff", "no_dateline"} & set(plain.flags)
    assert {"no_signoff", "no_dateline"} <= set(web.flags)


def test_bare_place_opening_is_a_dateline_only_in_the_seed_format():
    assert clean_record(rec("MOSCOW A U.S. envoy met officials.", fmt="seed_dateline"), P).dateline == "MOSCOW"
    assert clean_record(rec("MOSCOW A U.S. envoy met officials.", fmt="plaintext"), P).dateline is None


# ------------------------------------------------------------------------------ a new agency

def test_a_new_agency_is_a_table_entry():
    table = copy.deepcopy(TABLE)
    table["agencies"].append({
        "agency": "Zeta", "tags": ["ZNA"], "orgs": ["Zeta News Agency"],
        "wire_codes": [r"\{ZNA-\d+\}"],
    })
    conv = compile_conventions(table)
    raw = "OSLO, May 2 (ZNA) - Fjord ferries {ZNA-991} resumed.\n\nBy Kari Nordmann, Zeta News Agency"
    out = clean_record(rec(raw), P, conv)
    assert (out.dateline, out.agency, out.authors) == ("OSLO", "Zeta", ["Kari Nordmann"])
    assert out.text == "Fjord ferries resumed."
    shipped = clean_record(rec(raw), P)
    assert (shipped.dateline, shipped.agency) == (None, None)


def test_a_cleaned_record_names_the_rules_and_table_versions_that_cleaned_it():
    prior = rec("BERLIN — Talks resumed.", provenance=Provenance(rules={"reader": "plaintext/1"}))
    rules = clean_record(prior, P).provenance.rules
    assert rules == {"reader": "plaintext/1", "clean": RULES_VERSION, "signoff": SIGNOFF_VERSION,
                     "tickers": TICKERS_VERSION, "conventions": f"conventions/{VERSION}"}


def test_a_table_without_a_version_says_so_in_provenance():
    table = {k: v for k, v in copy.deepcopy(TABLE).items() if k != "version"}
    out = clean_record(rec("BERLIN — Talks resumed."), P, compile_conventions(table))
    assert out.provenance.rules["conventions"] == "conventions/unversioned"


def test_a_place_beside_a_desk_is_no_name():
    assert parse_credits("Reporting by Shanghai and Beijing Newsrooms; Writing by Jason Subler") == {
        "writing": ["Jason Subler"],
    }


def test_every_reader_format_says_which_conventions_its_texts_carry():
    from curate.clean.conventions import FORMATS
    from curate.readers import READERS, warc

    assert {r.NAME for r in READERS} | {warc.NAME} <= set(FORMATS)


def test_a_feed_item_missing_its_dateline_is_flagged_but_a_web_page_is_not():
    from curate.clean.rules import clean_record
    from curate.params import CleanParams
    from curate.record import Provenance, Record, Source

    def cleaned(fmt: str) -> Record:
        return clean_record(Record(id="x", source=Source(path="a", format=fmt, sha256=""),
                                   text="The council met on Tuesday and agreed the budget."), CleanParams())

    assert "no_dateline" in cleaned("nitf").flags
    assert "no_dateline" not in cleaned("html").flags
    assert "no_signoff" not in cleaned("reuters21578").flags


# ------------------------------------------------------------------ agency forms and trailers

@pytest.mark.parametrize("raw, dateline, agency, text", [
    ("(ANSA) - Rome, October 11 - Italy's cabinet met.", "Rome", "ANSA", "Italy's cabinet met."),
    ("SEOUL, Nov 26 AFP - North Korea fired a missile.", "SEOUL", "AFP", "North Korea fired a missile."),
])
def test_the_tables_dateline_forms_give_place_and_agency(raw, dateline, agency, text):
    out = clean_record(rec(raw, "nitf"), P)
    assert (out.dateline, out.agency, out.text) == (dateline, agency, text)


def test_the_agency_credited_in_the_dateline_wins_over_the_feeds_distributor():
    out = clean_record(rec("SEOUL, Nov 26 AFP - North Korea fired a missile.", "nitf", agency="AAP"), P)
    assert out.agency == "AFP"


@pytest.mark.parametrize("trailer", ["© Reuters 2024", "© Reuters", "(c) 2024 Reuters",
                                     "Copyright 2024 The Associated Press. All rights reserved."])
def test_a_copyright_trailer_after_the_signoff_goes_and_the_signoff_is_lifted(trailer):
    body = ("The agency said the talks would resume.\n\n"
            f"(Reporting by Will Dunham; Editing by Tom Brown)\n\n{trailer}")
    out = clean_record(rec(body, "html"), P)
    assert out.text == "The agency said the talks would resume."
    assert out.credits == {"reporting": ["Will Dunham"], "editing": ["Tom Brown"]}
    assert "truncated" not in out.flags


@pytest.mark.parametrize("signoff", ["AAP RTV ar", "AFP sn", "ends"])
def test_a_desk_signoff_line_goes_and_its_initials_are_no_credit(signoff):
    out = clean_record(rec(f"The minister resigned on Friday.\n\n{signoff}", "nitf"), P)
    assert (out.text, out.credits, out.authors) == ("The minister resigned on Friday.", {}, [])


def test_a_paragraph_opening_with_an_agency_name_stays():
    out = clean_record(rec("The minister resigned.\n\nAFP said it would appeal", "nitf"), P)
    assert out.text.endswith("AFP said it would appeal")


def test_aps_underscore_end_matter_goes_and_its_contributors_are_credited():
    body = ("A wildfire spread across the hills on Sunday.\n\n___\n\n"
            "Associated Press writer Jane Roe in Rome contributed to this report.\n\n"
            "Reach the reporters at https://example.org/jroe.")
    out = clean_record(rec(body, "html"), P)
    assert out.text == "A wildfire spread across the hills on Sunday."
    assert out.credits == {"contributing": ["Jane Roe"]}
    assert "truncated" not in out.flags


def test_an_underscore_line_before_long_paragraphs_is_no_end_matter():
    long = "The council met again. " * 30
    body = f"A wildfire spread.\n\n___\n\n{long.strip()}"
    assert clean_record(rec(body, "html"), P).text.endswith("The council met again.")


def test_a_body_that_ends_in_a_trailer_without_a_full_stop_is_not_truncated():
    out = clean_record(rec("Shares rose 3 percent in early trade\n\n© Reuters 2024", "html"), P)
    assert out.text == "Shares rose 3 percent in early trade"
    assert "truncated" not in out.flags


def test_a_byline_alone_in_the_first_paragraph_goes_to_the_authors():
    out = clean_record(rec("By Toby Davis\n\nLONDON (Reuters) - Shares rose.", "nitf"), P)
    assert (out.authors, out.dateline, out.text) == (["Toby Davis"], "LONDON", "Shares rose.")


def test_a_body_that_is_only_a_byline_is_left_empty():
    out = clean_record(rec("By Toby Davis", "nitf"), P)
    assert (out.text, out.authors) == ("", ["Toby Davis"])


def test_a_first_paragraph_that_reads_on_after_by_stays():
    out = clean_record(rec("By the end of May, prices had doubled.", "nitf"), P)
    assert out.text == "By the end of May, prices had doubled."


def test_a_new_trailer_is_a_table_row():
    table = copy.deepcopy(TABLE)
    table["trailers"].append(r"(?i:more to follow)")
    out = clean_record(rec("Oil rose.\n\nMore to follow", "html"), P, compile_conventions(table))
    assert out.text == "Oil rose."


# ------------------------------------------------------------- credit lines without parentheses

@pytest.mark.parametrize("line, credits", [
    ("By Jonas Feldkirch; editing by Maria Stein",
     {"writing": ["Jonas Feldkirch"], "editing": ["Maria Stein"]}),
    ("Reporting by Ann Able in Tokyo and Carl Cole; Editing by Ben Baker",
     {"reporting": ["Ann Able", "Carl Cole"], "editing": ["Ben Baker"]}),
    ("Writing by Ann Able; editing by Ben Baker.", {"writing": ["Ann Able"], "editing": ["Ben Baker"]}),
    ("Editing by Maria Stein", {"editing": ["Maria Stein"]}),
])
def test_a_closing_credit_line_without_parentheses_goes_to_credits(line, credits):
    out = clean_record(rec(f"Prices rose on Monday.\n\nThey fell on Tuesday.\n\n{line}\n"), P)
    assert (out.text, out.credits) == ("Prices rose on Monday.\n\nThey fell on Tuesday.", credits)
    assert "truncated" not in out.flags


@pytest.mark.parametrize("last", [
    "By then, Maria Stein had left",            # a sentence of the story opening with "By"
    "By Jonas Feldkirch and Maria Stein",       # a byline with no role after it
    "Reporting by Reuters showed that",         # a role phrase followed by no person's name
    "By Tuesday Morning; editing by the desk",  # a role phrase whose names are no names
    "Prices rose. Editing by Maria Stein",      # the credit line is not the whole paragraph
])
def test_a_last_paragraph_that_is_not_only_a_credit_line_stays(last):
    out = clean_record(rec(f"Prices rose on Monday.\n\n{last}"), P)
    assert (out.text, out.credits) == (f"Prices rose on Monday.\n\n{last}", {})
    assert "truncated" in out.flags


def test_a_new_credit_line_form_is_a_table_row():
    table = copy.deepcopy(TABLE)
    table["credit_lines"].append(r"{role}\s+{names}\s+for\s+Reuters")
    line = "Reporting by Ann Able for Reuters"
    assert clean_record(rec(f"Oil rose.\n\n{line}"), P).text.endswith(line)
    out = clean_record(rec(f"Oil rose.\n\n{line}"), P, compile_conventions(table))
    assert (out.text, out.credits) == ("Oil rose.", {"reporting": ["Ann Able"]})
