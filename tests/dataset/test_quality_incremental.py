"""The quality report from cached per-shard summaries (curate/report/summary.py): the same report
as one pass over every record, reading only the shards whose summary is not cached."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from curate.dataset.versions import WorkTree
from curate.record import Entity, Reason, encode
from curate.report.build import accumulate, build_report, iter_version, summarize, version_files
from curate.report.stage import FORMATS, render
from curate.report.summary import SummaryCache, merged
from tests.builders import rec, rejected, write_curated

ARTICLES = "corpus/curated/articles"
CACHE = ".curate-cache/report"


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
    cache = SummaryCache(tmp_path / CACHE)
    merged = build_report(WorkTree(tmp_path), cache)
    assert cache.read == 7  # 4 shards, 3 rejected files
    assert outputs(merged) == outputs(one_pass)
    assert merged == one_pass


def test_summaries_merge_in_any_grouping_to_the_one_pass_accumulator(tmp_path):
    corpus(tmp_path)
    version = WorkTree(tmp_path)
    files = zip(("records", "rejected"), version_files(version, "corpus/curated"))
    parts = [summarize(version, rel, kind) for kind, rels in files for rel in rels]
    by_pairs = merged([merged(parts[i:i + 2]) for i in range(0, len(parts), 2)])
    one_pass = accumulate(*iter_version(version, "corpus/curated"))
    assert by_pairs.report() == merged(parts).report() == one_pass.report()


def test_cached_summaries_make_the_same_report_as_one_pass(tmp_path):
    corpus(tmp_path)
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / CACHE))
    cache = SummaryCache(tmp_path / CACHE)
    assert outputs(build_report(WorkTree(tmp_path), cache)) == outputs(build_report(WorkTree(tmp_path)))
    assert (cache.read, cache.hashed, cache.misses) == (0, 0, 0)


def test_an_added_shard_is_the_only_file_read_and_hashed_again(tmp_path):
    corpus(tmp_path)
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / CACHE))
    (tmp_path / ARTICLES / "part-00004.jsonl").write_bytes(encode(rec("z-new", words=9000)) + b"\n")
    cache = SummaryCache(tmp_path / CACHE)
    report = build_report(WorkTree(tmp_path), cache)
    assert (cache.read, cache.hashed) == (1, 1)
    assert outputs(report) == outputs(build_report(WorkTree(tmp_path)))


def test_damaged_summaries_are_recomputed(tmp_path):
    corpus(tmp_path)
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / CACHE))
    for entry in (tmp_path / CACHE).glob("*.summary"):
        raw = bytearray(entry.read_bytes())
        raw[-3] ^= 0x01  # one bit of a count or a name: the checksum no longer matches
        entry.write_bytes(bytes(raw))
    cache = SummaryCache(tmp_path / CACHE)
    report = build_report(WorkTree(tmp_path), cache)
    assert cache.corrupt > 0 and cache.read == 7
    assert outputs(report) == outputs(build_report(WorkTree(tmp_path)))


def test_a_shard_rewritten_in_place_is_hashed_and_read_again(tmp_path):
    corpus(tmp_path)
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / CACHE))
    shard = tmp_path / ARTICLES / "part-00000.jsonl"
    st = os.stat(shard)
    shard.write_bytes(shard.read_bytes().replace(b'"en"', b'"fr"'))  # same size
    os.utime(shard, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    cache = SummaryCache(tmp_path / CACHE)
    report = build_report(WorkTree(tmp_path), cache)
    assert (cache.hashed, cache.read) == (1, 1)
    assert outputs(report) == outputs(build_report(WorkTree(tmp_path)))
    assert any(x["language"] == "fr" for x in report["languages"])


def test_a_renamed_shard_is_neither_hashed_nor_read_again(tmp_path):
    corpus(tmp_path)
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / CACHE))
    (tmp_path / ARTICLES / "part-00002.jsonl").rename(tmp_path / ARTICLES / "part-00009.jsonl")
    cache = SummaryCache(tmp_path / CACHE)
    report = build_report(WorkTree(tmp_path), cache)
    assert (cache.hashed, cache.read) == (0, 0)
    assert outputs(report) == outputs(build_report(WorkTree(tmp_path)))


def test_summaries_made_by_other_code_are_not_used(tmp_path):
    corpus(tmp_path)
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / CACHE, code="before"))
    cache = SummaryCache(tmp_path / CACHE, code="after")
    build_report(WorkTree(tmp_path), cache)
    assert (cache.hits, cache.read) == (0, 7)


def test_the_summary_of_a_deleted_shard_is_deleted(tmp_path):
    corpus(tmp_path)
    cache = SummaryCache(tmp_path / CACHE)
    build_report(WorkTree(tmp_path), cache)
    shard = tmp_path / ARTICLES / "part-00000.jsonl"
    entry = cache.entry("records", hashlib.sha256(shard.read_bytes()).hexdigest())
    assert entry.exists()
    shard.unlink()
    build_report(WorkTree(tmp_path), SummaryCache(tmp_path / CACHE))
    assert not entry.exists()


def test_the_report_command_keeps_its_summaries_where_its_params_file_says(tmp_path):
    import subprocess

    from tests.conftest import bin_path

    corpus(tmp_path)
    (tmp_path / "other.yaml").write_text("run:\n  cache_dir: elsewhere\n")
    p = subprocess.run([bin_path("curate"), "report", "--root", str(tmp_path), "--params", str(tmp_path / "other.yaml")],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert any((tmp_path / "elsewhere/report").iterdir())
    assert not (tmp_path / CACHE).exists()
