"""Readers: one raw file in, records or rejected records out; never raises.

Each test states one behaviour. Fixtures are written here (tmp_path) or read from the bundled
sample in corpus/raw (the seed article and invented articles in the Reuters web layout).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

import msgspec
import pytest

from curate.params import IngestParams, JsonlMapping
from curate.readers import READERS, iter_raw_files, read_file, warc
from curate.readers import ids as readers_ids
from curate.record import FORMATS, Reason, Record, Rejected

from .builders import rejected_with, write

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "corpus" / "raw"
SEED = "seed/000_36da013c6c0019e4.txt"
PARAMS = IngestParams()
ID_RULE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}")

REUTERS = (
    "-- Acme Widgets profit beats forecasts\n"
    "-- By  Jane  Doe  and  John Roe\n"
    "-- Thu Jun 7, 2012 10:59pm EDT\n"
    "-- http://www.reuters.com/article/2012/06/08/us-acme-results-idUSBRE85613E20120608\n"
    "\n \n\n"
    " CHICAGO  (Reuters) - Acme Widgets Inc ( ACME.N ) said on Thursday quarterly profit rose.\n\n"
    " (Reporting by Jane Doe; Editing by Sam Poe)"
)


def one(path: str, root: Path = RAW, params: IngestParams = PARAMS) -> Record:
    out = read_file(path, root, params)
    assert len(out) == 1, out
    return out[0]




# --- the seed article -----------------------------------------------------------------------

def test_seed_article_reads_date_and_body_after_the_date_prefix():
    rec = one(SEED)
    assert not isinstance(rec, Rejected)
    assert rec.date == "2012-06-08"
    assert rec.published_at is None
    assert rec.title is None
    assert rec.text.startswith("MOSCOW A U.S. special envoy met Russian officials")
    assert rec.text.endswith("(Writing by Steve Gutterman; Editing by Mark Heinrich)")


def test_seed_article_id_and_source_follow_the_path_rule():
    rec = one(SEED)
    raw = (RAW / SEED).read_bytes()
    assert rec.id == "doc-" + hashlib.sha256(SEED.encode()).hexdigest()[:16]
    assert rec.source.path == SEED
    assert rec.source.format == "seed_dateline"
    assert rec.source.sha256 == hashlib.sha256(raw).hexdigest()
    assert rec.source.line is None
    assert rec.provenance.reader == "seed_dateline/1"


# --- the Reuters web layout -----------------------------------------------------------------

def test_reuters_header_fields(tmp_path):
    rel = write(tmp_path, "20120608/us-acme-results-idUSBRE85613E20120608", REUTERS)
    rec = one(rel, tmp_path)
    assert rec.source.format == "reuters_web"
    assert rec.provenance.reader == "reuters_web/1"
    assert rec.title == "Acme Widgets profit beats forecasts"
    assert rec.authors == ["Jane Doe", "John Roe"]
    assert rec.url == "http://www.reuters.com/article/2012/06/08/us-acme-results-idUSBRE85613E20120608"
    assert rec.published_at == "2012-06-07T22:59:00-04:00"
    assert rec.date == "2012-06-07"  # the local date, not the URL's


def test_reuters_body_is_raw_text_after_the_separator_lines(tmp_path):
    rel = write(tmp_path, "a", REUTERS.replace("\n", "\r\n"))
    rec = one(rel, tmp_path)
    assert rec.text == (" CHICAGO  (Reuters) - Acme Widgets Inc ( ACME.N ) said on Thursday "
                        "quarterly profit rose.\n\n (Reporting by Jane Doe; Editing by Sam Poe)")


def test_reuters_est_timestamp_gets_minus_five_hours(tmp_path):
    rel = write(tmp_path, "a", REUTERS.replace("Thu Jun 7, 2012 10:59pm EDT",
                                              "Thu Dec 3, 2009 12:15am EST"))
    rec = one(rel, tmp_path)
    assert rec.published_at == "2009-12-03T00:15:00-05:00"
    assert rec.date == "2009-12-03"


def test_reuters_id_is_the_story_code_without_date_suffix(tmp_path):
    rec = one(write(tmp_path, "a", REUTERS), tmp_path)
    assert rec.id == "reuters-USBRE85613E"


def test_reuters_recrawl_shares_the_story_id():
    a = one("web/20120608/us-albrecht-vanrijn-idUSBRE8570AB20120608")
    b = one("web/20120609/us-albrecht-vanrijn-idUSBRE8570AB20120609")
    assert a.id == b.id == "reuters-USBRE8570AB"
    assert a.text == b.text
    assert a.source.sha256 != b.source.sha256


def test_reuters_day_folder_differing_from_date_is_flagged():
    assert "date_folder_mismatch" not in one(
        "web/20120608/us-albrecht-vanrijn-idUSBRE8570AB20120608").flags
    assert "date_folder_mismatch" in one(
        "web/20120609/us-albrecht-vanrijn-idUSBRE8570AB20120609").flags


def test_reuters_empty_byline_and_role_suffix(tmp_path):
    no_by = one(write(tmp_path, "a", REUTERS.replace("-- By  Jane  Doe  and  John Roe", "-- ")),
                tmp_path)
    assert no_by.authors == []
    role = one(write(tmp_path, "b", REUTERS.replace(
        "-- By  Jane  Doe  and  John Roe",
        "-- By  Roberta Rampton ,  Rachelle Younglai  and  Jonathan Spicer")), tmp_path)
    assert role.authors == ["Roberta Rampton", "Rachelle Younglai", "Jonathan Spicer"]
    corr = one(write(tmp_path, "c", REUTERS.replace(
        "-- By  Jane  Doe  and  John Roe", "-- By  Alan Wheatley , Global Economics Correspondent")),
        tmp_path)
    assert corr.authors == ["Alan Wheatley"]
    tag = one(write(tmp_path, "d", REUTERS.replace(
        "-- By  Jane  Doe  and  John Roe", "-- By  Pedro Nicolaci da Costa - Analysis")), tmp_path)
    assert tag.authors == ["Pedro Nicolaci da Costa"]


def test_reuters_old_hard_wrapped_body_keeps_inline_byline_for_clean():
    rec = one("web/20070315/polandbank-wisla-idUSL1531892220070315")
    assert rec.authors == []
    assert rec.text.startswith("  (Updates with analyst comment")
    assert "By  Martin Kowalczyk WARSAW" in rec.text
    assert "\n" in rec.text and " \n" in rec.text  # hard wraps left for clean to reflow


def test_reuters_without_story_code_falls_back_to_path_id(tmp_path):
    rel = write(tmp_path, "x", REUTERS.replace("-idUSBRE85613E20120608", ""))
    assert one(rel, tmp_path).id == readers_ids.path_id("x")


# --- JSONL -----------------------------------------------------------------------------------

def test_jsonl_lines_become_records_with_line_numbers_and_line_hashes():
    out = read_file("feeds/wire-2013-04.jsonl", RAW, PARAMS)
    assert [r.source.line for r in out] == [1, 2, 3, 4]
    lines = (RAW / "feeds/wire-2013-04.jsonl").read_bytes().split(b"\n")
    assert out[0].source.sha256 == hashlib.sha256(lines[0]).hexdigest()
    first = out[0]
    assert first.source.format == "jsonl"
    assert first.title == "Port of Valparaiso approves $600 mln terminal expansion"
    assert first.published_at == "2013-04-02T14:20:00-03:00"
    assert first.date == "2013-04-02"
    assert first.dateline == "VALPARAISO, Chile"
    assert first.authors == ["Rosa Etchegaray"]
    assert out[1].date == "2013-04-03" and out[1].published_at is None
    assert out[1].authors == ["Lars Haugen", "Ingrid Solberg"]


def test_jsonl_malformed_line_is_reported_with_its_number_and_good_lines_still_read():
    out = read_file("feeds/wire-2013-04.jsonl", RAW, PARAMS)
    bad = rejected_with(out[2], Reason.MALFORMED_JSONL)
    assert bad.detail.startswith("line 3:")
    assert [isinstance(r, Rejected) for r in out] == [False, False, True, False]


def test_jsonl_mapping_with_dotted_paths(tmp_path):
    rel = write(tmp_path, "feed.jsonl",
                '{"doc": {"key": "A/1"}, "body": "Some text here.", "meta": {"title": "T", '
                '"when": "2013-01-02"}}\n')
    params = IngestParams(jsonl=JsonlMapping(id="doc.key", text="body", title="meta.title",
                                             date="meta.when"))
    rec = one(rel, tmp_path, params)
    assert rec.text == "Some text here."
    assert rec.title == "T"
    assert rec.date == "2013-01-02"
    assert rec.id.startswith("jsonl-A_1-") and ID_RULE.fullmatch(rec.id)


def test_jsonl_ids_are_sanitised_and_safe_ids_kept(tmp_path):
    rel = write(tmp_path, "f.jsonl", '{"id": "abc-1", "text": "x"}\n\n{"id": 42, "text": "y"}\n'
                                     '{"text": "z"}\n')
    out = read_file(rel, tmp_path, PARAMS)
    assert [r.id for r in out] == ["jsonl-abc-1", "jsonl-42", readers_ids.path_id(rel, 4)]
    assert [r.source.line for r in out] == [1, 3, 4]  # blank line 2 ignored


def test_jsonl_lines_without_an_id_take_their_urls_id_whatever_their_order(tmp_path):
    lines = ['{"url": "https://www.reuters.com/article/us-fed-idUSKBN1X1234", "text": "a"}',
             '{"url": "https://example.com/news/2013/story?utm_source=x", "text": "b"}']
    first = read_file(write(tmp_path, "a.jsonl", "\n".join(lines) + "\n"), tmp_path, PARAMS)
    again = read_file(write(tmp_path, "b.jsonl", "\n".join(lines[::-1]) + "\n"), tmp_path, PARAMS)
    assert [r.id for r in first] == ["reuters-USKBN1X1234", readers_ids.web_id("https://example.com/news/2013/story")]
    assert [r.id for r in again] == [r.id for r in first][::-1]


def test_jsonl_text_missing_or_not_a_string_or_not_an_object(tmp_path):
    rel = write(tmp_path, "f.jsonl", '{"id": 1, "title": "no text"}\n{"text": 5}\n[1, 2]\n')
    out = read_file(rel, tmp_path, PARAMS)
    # valid JSON that does not fit the mapping is a mapping mismatch, not malformed JSONL
    assert [rejected_with(r, Reason.MAPPING_MISMATCH).detail[:7] for r in out[:2]] == \
        ["line 1:", "line 2:"]
    assert rejected_with(out[2], Reason.MALFORMED_JSONL).detail[:7] == "line 3:"
    assert out[0].title == "no text"  # what could be read is kept


# --- plaintext ------------------------------------------------------------------------------

def test_plaintext_title_body_and_date_from_day_folder():
    rec = one("notes/20130402/harbour-expansion.txt")
    assert rec.source.format == "plaintext"
    assert rec.title == "Rotterdam harbour board backs Maasvlakte rail link"
    assert rec.text.startswith("ROTTERDAM, Netherlands - The board")
    assert rec.date == "2013-04-02"
    assert "date_from_path" in rec.flags


def test_plaintext_without_day_folder_has_no_date(tmp_path):
    rec = one(write(tmp_path, "notes/a.txt", "A title\n\nThe body of the note.\n"), tmp_path)
    assert rec.date is None and rec.title == "A title"
    assert "date_from_path" not in rec.flags


def test_prose_without_title_line_is_unknown_layout(tmp_path):
    rel = write(tmp_path, "p.txt", "Just one line of prose and nothing else " * 20)
    rejected_with(one(rel, tmp_path), Reason.UNKNOWN_LAYOUT)


# --- sniffing ---------------------------------------------------------------------------------

def test_reader_is_chosen_by_content_not_by_file_name(tmp_path):
    assert one(write(tmp_path, "x.jsonl", REUTERS), tmp_path).source.format == "reuters_web"
    assert one(write(tmp_path, "y.txt", '{"text": "hi"}\n'), tmp_path).source.format == "jsonl"
    assert one(write(tmp_path, "z.json", " date 2012-01-02 PARIS Body."),
               tmp_path).source.format == "seed_dateline"


# --- ugly inputs --------------------------------------------------------------------------------

def test_empty_file(tmp_path):
    rec = rejected_with(one(write(tmp_path, "e", b""), tmp_path), Reason.EMPTY)
    assert rec.id == readers_ids.path_id("e")
    assert rec.source.sha256 == hashlib.sha256(b"").hexdigest()


def test_whitespace_only_file(tmp_path):
    rejected_with(one(write(tmp_path, "w", b" \n\t\r\n  \n"), tmp_path), Reason.EMPTY)


def test_bundled_empty_and_header_only_files():
    rejected_with(one("web/20120612/us-markets-stocks-idUSBRE85B0XY20120612"), Reason.EMPTY)
    rec = rejected_with(one("web/20120613/us-brazil-rates-idUSBRE85C1KQ20120613"),
                        Reason.HEADER_ONLY)
    assert rec.title == "Brazil central bank seen holding Selic rate steady"
    assert rec.id == "reuters-USBRE85C1KQ"


def test_truncated_header_is_header_only_and_keeps_what_was_read(tmp_path):
    rel = write(tmp_path, "t", "-- Acme Widgets profit beats forecasts\n-- By  Jane Doe\n-- Thu Ju")
    rec = rejected_with(one(rel, tmp_path), Reason.HEADER_ONLY)
    assert rec.title == "Acme Widgets profit beats forecasts"
    assert rec.authors == ["Jane Doe"]
    assert "truncated_header" in rec.flags


def test_header_with_whitespace_only_body_is_header_only(tmp_path):
    rel = write(tmp_path, "h", REUTERS.split("\n \n")[0] + "\n \n\n   \n\t\n")
    rejected_with(one(rel, tmp_path), Reason.HEADER_ONLY)


def test_cp1252_bytes_are_decoded_and_flagged(tmp_path):
    raw = REUTERS.replace("profit rose.", "profit rose \u2013 caf\u00e9 sales.").encode("cp1252")
    rec = one(write(tmp_path, "c", raw), tmp_path)
    assert "caf\u00e9 sales" in rec.text and "\u2013" in rec.text
    assert "decoded_cp1252" in rec.flags
    assert rec.source.sha256 == hashlib.sha256(raw).hexdigest()


def test_latin1_only_bytes_fall_back_to_latin1(tmp_path):
    raw = REUTERS.encode("utf-8").replace(b"Acme Widgets Inc", b"Acme \x81\xe9 Inc")
    rec = one(write(tmp_path, "l", raw), tmp_path)
    assert "decoded_latin1" in rec.flags and "\u00e9" in rec.text


def test_mojibake_passes_through_unrepaired(tmp_path):
    moji = "caf\u00e9 \u2019s".encode("utf-8").decode("cp1252")  # 'cafÃ© â€™s'
    rec = one(write(tmp_path, "m", REUTERS.replace("profit rose.", moji)), tmp_path)
    assert moji in rec.text
    assert not any(f.startswith("decoded_") for f in rec.flags)


def test_utf8_bom_is_dropped(tmp_path):
    rec = one(write(tmp_path, "b", b"\xef\xbb\xbf" + REUTERS.encode()), tmp_path)
    assert rec.source.format == "reuters_web" and rec.title.startswith("Acme")


def test_nul_bytes_and_png_are_binary(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4
    rejected_with(one(write(tmp_path, "pic.txt", png), tmp_path), Reason.BINARY)
    rejected_with(one(write(tmp_path, "n", REUTERS.encode() + b"\x00"), tmp_path), Reason.BINARY)


def test_too_large_is_rejected_from_its_size(tmp_path):
    rel = write(tmp_path, "big", REUTERS)
    rec = rejected_with(one(rel, tmp_path, IngestParams(max_bytes=100)), Reason.TOO_LARGE)
    assert str(len(REUTERS.encode())) in rec.detail


def test_symlink_outside_root_is_listed_and_unreadable(tmp_path):
    root, outside = tmp_path / "raw", tmp_path / "secret.txt"
    root.mkdir()
    outside.write_text(REUTERS)
    (root / "link").symlink_to(outside)
    (root / "inside").symlink_to(root / "real")
    write(root, "real", REUTERS)
    assert iter_raw_files(root) == ["inside", "link", "real"]
    rec = rejected_with(one("link", root), Reason.UNREADABLE)
    assert "outside" in rec.detail
    assert one("inside", root).source.format == "reuters_web"


def test_escaping_paths_and_directories_are_unreadable(tmp_path):
    (tmp_path / "raw" / "d").mkdir(parents=True)
    (tmp_path / "x").write_text(REUTERS)
    rejected_with(one("../x", tmp_path / "raw"), Reason.UNREADABLE)
    rejected_with(one("/etc/passwd", tmp_path / "raw"), Reason.UNREADABLE)
    rejected_with(one("d", tmp_path / "raw"), Reason.UNREADABLE)
    rejected_with(one("vanished", tmp_path / "raw"), Reason.UNREADABLE)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied_is_unreadable(tmp_path):
    rel = write(tmp_path, "locked", REUTERS)
    (tmp_path / rel).chmod(0)
    try:
        rec = rejected_with(one(rel, tmp_path), Reason.UNREADABLE)
        assert "ermission" in rec.detail
    finally:
        (tmp_path / rel).chmod(0o644)


def test_odd_file_names_are_read_and_ids_stay_safe(tmp_path):
    names = ["with space.txt", "quote's \"double\".txt", "caf\u00e9 \u65e5\u672c.txt",
             "20130102/-dash.txt"]
    for name in names:
        rel = write(tmp_path, name, "Title\n\nBody text.\n")
        rec = one(rel, tmp_path)
        assert rec.source.path == name
        assert rec.source.format == "plaintext"
        assert ID_RULE.fullmatch(rec.id)
    assert iter_raw_files(tmp_path) == sorted(names)


def test_reader_exception_becomes_internal_error(tmp_path, monkeypatch):
    from curate.readers import reuters_web

    def boom(src, params):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(reuters_web, "read", boom)
    rec = rejected_with(one(write(tmp_path, "a", REUTERS), tmp_path), Reason.INTERNAL_ERROR)
    assert "kaboom" in rec.detail and rec.source.format == "reuters_web"


# --- listing ----------------------------------------------------------------------------------

def test_iter_raw_files_sorted_recursive_skipping_hidden_and_dvc(tmp_path):
    for rel in ["b/2.txt", "a/1.txt", "top", ".hidden", ".git/config", "x.dvc", ".gitignore",
                "a/.cache/z", "a/deep/er/3"]:
        write(tmp_path, rel, "x")
    assert iter_raw_files(tmp_path) == ["a/1.txt", "a/deep/er/3", "b/2.txt", "top"]


def test_every_bundled_file_gives_output_with_safe_ids():
    files = iter_raw_files(RAW)
    assert SEED in files and len(files) >= 10
    for path in files:
        out = read_file(path, RAW, PARAMS)
        assert out
        for rec in out:
            assert ID_RULE.fullmatch(rec.id), rec.id
            msgspec.json.encode(rec)  # serialisable


def test_ids_never_exceed_128_characters():
    long = "x" * 300
    assert len(readers_ids.safe_id("jsonl-", long)) <= 128
    assert readers_ids.safe_id("jsonl-", long) != readers_ids.safe_id("jsonl-", long + "y")


def test_reading_is_fast(tmp_path):
    for i in range(500):
        write(tmp_path, f"2012010{i % 9 + 1}/s{i}", REUTERS.replace("85613E", f"{i:06d}"))
    start = time.perf_counter()
    for path in iter_raw_files(tmp_path):
        read_file(path, tmp_path, PARAMS)
    assert time.perf_counter() - start < 1.0  # ~0.05 s measured; 20,000 files in ~1.6 s


def test_the_format_names_a_source_may_name_are_the_readers_own():
    assert sorted(FORMATS) == sorted({r.NAME for r in READERS} | {warc.NAME})
