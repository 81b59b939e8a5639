"""Reader `reuters21578`: Reuters-21578 SGML files; every story is one input."""

from __future__ import annotations

import json

import pytest

from curate.readers import ids
from curate.record import Reason
from tests.conftest import bin_path, make_project, run

from .builders import accepted, labels, only, read, rejected_with, sgml, story, write


def test_every_field_of_a_story(tmp_path):
    data = sgml(story(7, author="    By Jane Roe, Reuters", people=("volcker",), orgs=("imf",)))
    rel = write(tmp_path, "r21578/reut2-000.sgm", data)
    rec = accepted(only(tmp_path, rel))
    assert rec.id == "reuters21578-7"
    assert (rec.source.path, rec.source.format, rec.source.item, rec.source.offset, rec.source.line) == \
        (rel, "reuters21578", "7", len(b'<!DOCTYPE lewis SYSTEM "lewis.dtd">\n'), None)
    assert rec.title == "ACME <ACME> PROFIT RISES"   # as written in TITLE
    assert rec.dateline == "NEW YORK"
    assert rec.authors == ["Jane Roe"]
    assert (rec.date, rec.published_at, rec.modified_at) == ("1987-02-26", None, None)
    assert rec.flags == ["naive_timestamp"]       # DATE has no zone: no offset is invented
    assert (rec.agency, rec.publisher) == ("Reuters", None)
    assert labels(rec) == [("reuters21578:topics", "earn"), ("reuters21578:places", "usa"),
                           ("reuters21578:people", "volcker"), ("reuters21578:orgs", "imf"),
                           ("reuters21578:exchanges", "nyse"), ("reuters21578:lewissplit", "TRAIN"),
                           ("reuters21578:cgisplit", "TRAINING-SET"),
                           ("reuters21578:topics-attr", "YES")]
    assert rec.text == ("Acme Widgets Inc said first quarter profit rose on higher sales to "
                        "Beta Corp units.\n\nThe company said sales rose 10 pct.")
    assert rec.tickers == ["ACME"]
    assert rec.description is None and rec.credits == {} and rec.url is None
    assert rec.provenance.reader == "reuters21578/1"


def test_each_story_is_one_input_and_a_story_without_body_is_rejected(tmp_path):
    data = sgml(story(1), story(2, title="BANK RATE CUT", text_type="BRIEF", dateline=None,
                                body=None), story(3, title="OTHER NEWS"))
    out = read(tmp_path, write(tmp_path, "reut2-001.sgm", data))
    assert [r.id for r in out] == ["reuters21578-1", "reuters21578-2", "reuters21578-3"]
    rej = rejected_with(out[1], Reason.HEADER_ONLY)
    assert rej.title == "BANK RATE CUT" and rej.date == "1987-02-26"
    assert "NEWID=2" in rej.detail and "BRIEF" in rej.detail
    assert accepted(out[2]).title == "OTHER NEWS"


def test_brief_placeholder_text_outside_body_is_not_a_body(tmp_path):
    brief = story(4, title="RATES UP", text_type="BRIEF", dateline=None, body=None).replace(
        "<TITLE>RATES UP</TITLE>\n", "******<TITLE>RATES UP</TITLE>Blah blah blah.\n&#3;\n")
    rej = rejected_with(only(tmp_path, write(tmp_path, "b.sgm", sgml(brief))), Reason.HEADER_ONLY)
    assert rej.title == "RATES UP" and rej.text == ""


def test_unprocessed_text_is_kept_with_a_flag(tmp_path):
    unproc = story(5, title=None, dateline=None, body=None, text_type="UNPROC").replace(
        "<TEXT TYPE=\"UNPROC\">&#2;\n",
        "<TEXT TYPE=\"UNPROC\">&#2;\nFED WEEKLY REPORT - FEB 26\n Net free reserves....644 vs...1,337\n"
        " Bank borrowings......680 vs.....425\n Reuter\n&#3;")
    rec = accepted(only(tmp_path, write(tmp_path, "u.sgm", sgml(unproc))))
    assert rec.title is None and rec.dateline is None
    assert rec.text == ("FED WEEKLY REPORT - FEB 26\n\nNet free reserves....644 vs...1,337\n\n"
                        "Bank borrowings......680 vs.....425")
    assert rec.flags == ["naive_timestamp", "unprocessed_text"]


def test_a_truncated_file_keeps_whole_stories_and_names_the_cut_one(tmp_path):
    whole = sgml(story(1), story(2))
    cut = story(3)
    data = whole + cut[: len(cut) // 2]
    out = read(tmp_path, write(tmp_path, "cut.sgm", data))
    assert [type(r).__name__ for r in out] == ["Record", "Record", "Rejected"]
    rej = rejected_with(out[2], Reason.MALFORMED_MARKUP)
    assert rej.source.offset == len(whole.encode())
    assert f"NEWID=3 at byte {len(whole.encode())}" in rej.detail and "truncated" in rej.detail
    assert rej.id == "reuters21578-3"


def test_control_characters_end_mark_and_sign_off_are_gone(tmp_path):
    body = "Shares rose&#127; sharply.\n    Analysts agreed.\n REUTER\n&#3;"
    rec = accepted(only(tmp_path, write(tmp_path, "c.sgm", sgml(story(9, body=body)))))
    assert rec.text == "Shares rose sharply.\n\nAnalysts agreed."
    assert not any(ord(c) < 32 and c != "\n" for c in rec.text)


def test_latin1_bytes_and_datelines_with_a_state(tmp_path):
    data = sgml(story(11, dateline="    NEWPORT BEACH, Calif., March 2 - ",
                      body="Caf\u00e9 chain Acme said.\n Reuter\n&#3;"),
                story(12, dateline="    AMSTERDAM, 2 March - "),
                story(13, dateline="    RIO DE JANEIRO, Feb 26 - Brazil's \"Cruzado\" anti- "))
    out = read(tmp_path, write(tmp_path, "l.sgm", data.encode("latin-1")))
    assert [r.dateline for r in out] == ["NEWPORT BEACH, Calif.", "AMSTERDAM", "RIO DE JANEIRO"]
    assert out[0].text == "Café chain Acme said."
    assert "decoded_cp1252" in out[0].flags


def test_a_story_without_newid_gets_the_path_rule_with_its_position(tmp_path):
    data = sgml(story(1), story(2).replace(' NEWID="2"', ""))
    out = read(tmp_path, write(tmp_path, "n.sgm", data))
    assert out[1].id == ids.path_id("n.sgm", 2) and out[1].source.item is None


def test_sniffed_by_content_not_by_name(tmp_path):
    rel = write(tmp_path, "stories.txt", story(1))   # no DOCTYPE, not .sgm
    assert only(tmp_path, rel).source.format == "reuters21578"


def test_an_sgml_entity_declaration_is_never_expanded(tmp_path):
    data = ('<!DOCTYPE lewis [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            + story(1, body="Leak &xxe; here.\n Reuter\n&#3;"))
    rec = accepted(only(tmp_path, write(tmp_path, "x.sgm", data)))
    assert rec.text == "Leak &xxe; here."


@pytest.mark.slow
def test_dvc_repro_counts_stories_not_files(tmp_path):
    raw = tmp_path / "raw"
    write(raw, "reuters21578/reut2-000.sgm", sgml(
        story(1, title="ACME PROFIT RISES", body=(
            "Acme Widgets Inc said first quarter profit rose sharply\non higher sales of widgets "
            "to industrial customers in the United States and abroad.\n    The company said "
            "sales rose 10 pct to 50 mln dlrs in the quarter.\n Reuter\n&#3;")),
        story(2, title="RATES UP", text_type="BRIEF", dateline=None, body=None),
        story(3, title="BETA CORP SETS DIVIDEND", dateline="    CHICAGO, March 2 - ", body=(
            "Beta Corp said its board declared a quarterly dividend of\n15 cts a share, payable "
            "April 1 to holders of record March 16.\n Reuter\n&#3;"),
            date=" 2-MAR-1987 10:00:00.00", topics=("earn",)),
        story(4, title="GAMMA TO BUY DELTA", dateline="    LONDON, March 3 - ", body=(
            "Gamma Plc said it agreed to buy Delta Ltd for 40 mln stg\nin cash, subject to "
            "shareholder approval.\n Reuter\n&#3;"), date=" 3-MAR-1987 09:00:00.00",
            topics=("acq",), places=("uk",))))
    proj = make_project(tmp_path / "proj", raw=raw)
    run([bin_path("dvc"), "repro"], proj)
    m = json.loads((proj / "reports/metrics.json").read_text())
    assert m["inputs"] == 4
    assert m["accepted"] == 3
    assert m["rejected_by_reason"] == {"header_only": 1}
    assert m["inputs"] == m["accepted"] + sum(m["rejected_by_reason"].values())
    assert m["accounting_ok"] is True
    recs = [json.loads(line) for p in sorted((proj / "corpus/curated/articles").glob("*.jsonl"))
            for line in p.read_text().splitlines()]
    by_id = {r["id"]: r for r in recs}
    assert sorted(by_id) == ["reuters21578-1", "reuters21578-3", "reuters21578-4"]
    assert by_id["reuters21578-3"]["dateline"] == "CHICAGO"
    assert by_id["reuters21578-4"]["date"] == "1987-03-03"
    assert {"scheme": "reuters21578:places", "value": "uk"} in by_id["reuters21578-4"]["labels"]
    assert by_id["reuters21578-1"]["text"].startswith("Acme Widgets Inc said first quarter profit")
    rejected = [json.loads(line) for line in
                (proj / "corpus/curated/rejected/header_only.jsonl").read_text().splitlines()]
    assert [(r["id"], r["title"]) for r in rejected] == [("reuters21578-2", "RATES UP")]


def test_a_source_time_zone_gives_the_naive_date_its_offset(tmp_path):
    from curate.params import IngestParams, SourceMapping
    from curate.readers import read_file

    rel = write(tmp_path, "r21578/reut2-000.sgm", sgml(story(7, date="26-FEB-1987 15:01:01.79")))
    params = IngestParams(sources=[SourceMapping(glob="r21578/**", timezone="America/New_York")])
    (rec,) = read_file(rel, tmp_path, params)
    assert (accepted(rec).date, rec.published_at) == ("1987-02-26", "1987-02-26T15:01:01-05:00")
    assert "naive_timestamp" not in rec.flags
