"""The quality report from cached per-shard summaries (curate/report/summary.py): the same report
as one pass over every record, reading only the shards whose summary is not cached."""

from __future__ import annotations

import os
from pathlib import Path

from curate.dataset.versions import WorkTree
from curate.record import Entity, Reason, encode
from curate.report.build import build_report
from curate.report.stage import FORMATS, render
from curate.report.summary import SummaryCache
from tests.builders import rec, rejected, write_curated

ARTICLES = "corpus/curated/articles"


def corpus(root: Path) -> None:
    """Four shards, one empty: undated and badly dated records, flags and entities in every
    shard, a flag whose first examples span shards, the same text (same sample lead) in two
    shards, ties on length, and copies of one kept record rejected for two reasons (three
    rejected files)."""
    records = [rec(f"r{i:03d}", words=40 + (i * 37) % 1201,
                   date=None if i % 7 == 0 else f"20{10 + i % 9}-0{1 + i % 9}-03",
                   flags=(["truncated"] if i % 2 else ["no_signoff", "markup_left"])
                   + (["editorial_note"] if i in (1, 2, 4, 5, 8) else []),  # examples from two shards
                   entities=[Entity(text=f"Acme  {i % 4}", label="ORG", start=0, end=5)],
                   language="en" if i % 5 else "de")
               for i in range(1200)]  # enough for 10 outliers beyond p1 and p99
    records += [rec("same-a", words=45), rec("same-b", words=45), rec("bad-date", date="2020-13-40")]
    rejects = [rejected(f"n{i}", Reason.NEAR_DUPLICATE, "r001") for i in range(5)]
    rejects += [rejected("d1", Reason.DUPLICATE, "r001"), rejected("d2", Reason.DUPLICATE, "r002"),
                rejected("e1", Reason.EMPTY), rejected("e2", Reason.EMPTY)]
    write_curated(root, records, rejects, shards=3)
    (root / ARTICLES / "part-00003.jsonl").write_bytes(b"")


def outputs(report: dict) -> dict[str, bytes]:
    return {fmt: render(report, fmt) for fmt in FORMATS}


def test_merged_shard_summaries_make_the_report_of_one_pass_byte_for_byte(tmp_path):
    corpus(tmp_path)
    one_pass = build_report(WorkTree(tmp_path))
    cache = SummaryCache(tmp_path / ".curate-cache/report")
    merged = build_report(WorkTree(tmp_path), cache)
    assert cache.misses == 7 and cache.hits == 0  # 4 shards, 3 rejected files
    assert outputs(merged) == outputs(one_pass)
    assert merged == one_pass


def test_cached_summaries_make_the_same_report_as_one_pass(tmp_path):
    corpus(tmp_path)
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / ".curate-cache/report"))
    cache = SummaryCache(tmp_path / ".curate-cache/report")
    assert outputs(build_report(WorkTree(tmp_path), cache)) == outputs(build_report(WorkTree(tmp_path)))
    assert (cache.hits, cache.misses) == (7, 0)


def test_an_added_shard_is_the_only_file_read_and_hashed_again(tmp_path):
    corpus(tmp_path)
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / ".curate-cache/report"))
    (tmp_path / ARTICLES / "part-00004.jsonl").write_bytes(encode(rec("z-new", words=9000)) + b"\n")
    cache = SummaryCache(tmp_path / ".curate-cache/report")
    report = build_report(WorkTree(tmp_path), cache)
    assert (cache.hits, cache.misses, cache.hashed) == (7, 1, 1)
    assert outputs(report) == outputs(build_report(WorkTree(tmp_path)))


def test_a_damaged_summary_is_recomputed(tmp_path):
    corpus(tmp_path)
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / ".curate-cache/report"))
    entry = sorted((tmp_path / ".curate-cache/report").glob("*.summary"))[0]
    raw = bytearray(entry.read_bytes())
    raw[-3] ^= 0x01  # one bit of a count or a name: the checksum no longer matches
    entry.write_bytes(bytes(raw))
    cache = SummaryCache(tmp_path / ".curate-cache/report")
    report = build_report(WorkTree(tmp_path), cache)
    assert (cache.corrupt, cache.misses, cache.hits) == (1, 1, 6)
    assert outputs(report) == outputs(build_report(WorkTree(tmp_path)))


def test_a_shard_rewritten_in_place_is_hashed_and_read_again(tmp_path):
    corpus(tmp_path)
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / ".curate-cache/report"))
    shard = tmp_path / ARTICLES / "part-00000.jsonl"
    st = os.stat(shard)
    shard.write_bytes(shard.read_bytes().replace(b'"en"', b'"fr"'))  # same size
    os.utime(shard, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    cache = SummaryCache(tmp_path / ".curate-cache/report")
    report = build_report(WorkTree(tmp_path), cache)
    assert (cache.hashed, cache.misses) == (1, 1)
    assert outputs(report) == outputs(build_report(WorkTree(tmp_path)))
    assert any(x["language"] == "fr" for x in report["languages"])


def test_summaries_made_by_other_code_are_not_used(tmp_path):
    corpus(tmp_path)
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / ".curate-cache/report", code="before"))
    cache = SummaryCache(tmp_path / ".curate-cache/report", code="after")
    build_report(WorkTree(tmp_path), cache)
    assert (cache.hits, cache.misses) == (0, 7)


def test_summaries_no_version_uses_are_deleted(tmp_path):
    corpus(tmp_path)
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / ".curate-cache/report"))
    (tmp_path / ARTICLES / "part-00000.jsonl").unlink()
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / ".curate-cache/report"))
    assert len(list((tmp_path / ".curate-cache/report").glob("*.summary"))) == 6
