"""The warc reader: one input per HTML 2xx response, every other record counted by kind, damaged
archives give what could be read plus one rejection naming the offset; end to end with DVC."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

from curate.params import IngestParams
from curate.readers import Skipped, read_file
from curate.record import Record, Rejected
from tests.builders import stage_bytes
from tests.conftest import bin_path, make_project, run

from .web_builders import crawl_warc, page_for


def _split(out):
    recs = [o for o in out if isinstance(o, (Record, Rejected))]
    skipped = Counter(o.kind for o in out if isinstance(o, Skipped))
    return recs, dict(skipped)


@pytest.mark.parametrize("gz, version", [(True, "1.1"), (False, "1.0"), (True, "1.0")])
def test_one_input_per_html_2xx_response_and_the_rest_counted_by_kind(tmp_path, gz, version):
    name = "crawl.warc.gz" if gz else "crawl.warc"
    info = crawl_warc(tmp_path / name, gz=gz, version=version)
    out = read_file(name, tmp_path, IngestParams())
    recs, skipped = _split(out)
    assert [type(r) for r in recs] == [Record, Record]
    assert skipped == info["skipped"]
    for rec, url, rid, n in zip(recs, info["urls"], info["record_ids"], (1, 2)):
        assert rec.source.path == name and rec.source.format == "warc"
        assert rec.source.item == rid and rec.source.url == url
        assert rec.source.fetched_at == f"2024-03-12T10:00:0{n}Z"
        assert rec.url == url and rec.title == f"Story number {n} from the harbour"
        assert rec.published_at == "2024-03-12T09:30:00+01:00"
        assert rec.authors == ["Anna Berger", "Tom Lind"]
        assert rec.text.startswith(f"Report {n}. The harbour authority")
        assert rec.provenance.reader == "html/1"


def test_offsets_find_each_record_again(tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    crawl_warc(tmp_path / "crawl.warc.gz")
    out = read_file("crawl.warc.gz", tmp_path, IngestParams())
    data = (tmp_path / "crawl.warc.gz").read_bytes()
    assert any(isinstance(o, Skipped) for o in out) and any(not isinstance(o, Skipped) for o in out)
    for o in out:
        offset = o.offset if isinstance(o, Skipped) else o.source.offset
        item = o.item if isinstance(o, Skipped) else o.source.item
        record = next(iter(ArchiveIterator(__import__("io").BytesIO(data[offset:]))))
        assert record.rec_headers.get_header("WARC-Record-ID") == item


def test_the_size_limit_bounds_each_page_not_the_archive(tmp_path):
    crawl_warc(tmp_path / "crawl.warc.gz", pages=3)
    size = (tmp_path / "crawl.warc.gz").stat().st_size
    out = read_file("crawl.warc.gz", tmp_path, IngestParams(max_bytes=size // 2))
    assert [type(o) for o in out if not isinstance(o, Skipped)] == [Record] * 3
    small = read_file("crawl.warc.gz", tmp_path, IngestParams(max_bytes=1000))
    recs, _ = _split(small)
    assert [r.reason for r in recs] == ["too_large"] * 3
    assert all(r.detail.startswith(f"record at offset {r.source.offset}:") for r in recs)


def test_truncated_warc_gives_what_was_read_and_one_rejection_naming_the_offset(tmp_path):
    crawl_warc(tmp_path / "full.warc.gz", pages=3)
    data = (tmp_path / "full.warc.gz").read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(data[: int(len(data) * 0.6)])
    out = read_file("cut.warc.gz", tmp_path, IngestParams())
    recs, _ = _split(out)
    assert [type(r) for r in recs[:-1]] == [Record] * (len(recs) - 1) and len(recs) >= 2
    last = recs[-1]
    assert type(last) is Rejected and last.reason == "truncated"
    assert f"byte offset {last.source.offset}" in last.detail


def test_garbage_after_a_good_record_is_truncated_not_a_crash(tmp_path):
    crawl_warc(tmp_path / "a.warc", gz=False, pages=1)
    data = (tmp_path / "a.warc").read_bytes()
    (tmp_path / "b.warc").write_bytes(data + b"WARC/1.1\r\nnot a header at all\r\n\r\n\x00\x01garbage")
    recs, _ = _split(read_file("b.warc", tmp_path, IngestParams()))
    assert [type(r) for r in recs] == [Record, Rejected] and recs[-1].reason == "truncated"


def test_a_warc_is_sniffed_by_content_whatever_its_name(tmp_path):
    crawl_warc(tmp_path / "crawl.warc.gz")
    (tmp_path / "crawl.warc.gz").rename(tmp_path / "download.bin")
    recs, skipped = _split(read_file("download.bin", tmp_path, IngestParams()))
    assert len(recs) == 2 and skipped["request"] == 4


def test_check_gives_one_verdict_per_page(tmp_path):
    from curate.check.run import check_paths
    from curate.params import Params

    crawl_warc(tmp_path / "in" / "crawl.warc.gz")
    result = check_paths([tmp_path / "in" / "crawl.warc.gz"], root=tmp_path / "proj", params=Params())
    assert len(result.verdicts) == 2
    assert sorted(v.title for v in result.verdicts) == ["Story number 1 from the harbour",
                                                        "Story number 2 from the harbour"]


@pytest.mark.slow
def test_dvc_repro_counts_skipped_records_and_the_accounting_holds(tmp_path):
    raw = tmp_path / "raw"
    info = crawl_warc(raw / "crawls" / "crawl.warc.gz", pages=3)
    (raw / "pages").mkdir()
    (raw / "pages" / "story-9.html.gz").write_bytes(gzip.compress(page_for(9).encode()))
    (raw / "pages" / "front.html").write_text(
        "<!DOCTYPE html><html><head><meta property='og:type' content='website'></head>"
        "<body><h1>Business</h1><ul><li><a href='/a'>A teaser</a></li></ul></body></html>")
    # with the default params: web pages never count in the dateline null rate
    proj = make_project(tmp_path / "proj", raw=raw)
    run([bin_path("dvc"), "repro"], proj)
    metrics = json.loads((proj / "reports/metrics.json").read_text())
    assert metrics["skipped_by_kind"] == info["skipped"]
    assert metrics["skipped"] == sum(info["skipped"].values())
    assert metrics["inputs"] == 5  # 3 pages in the WARC, 1 saved page, 1 section front
    assert metrics["rejected_by_reason"].get("not_article") == 1
    assert metrics["accepted"] + metrics["rejected"] == metrics["inputs"]
    assert metrics["accounting_ok"] is True
    skipped_lines = stage_bytes(proj, "ingest", "skipped").decode().splitlines()
    assert len(skipped_lines) == metrics["skipped"]
    assert all(json.loads(s)["path"] == "crawls/crawl.warc.gz" for s in skipped_lines)


@pytest.mark.slow
def test_curate_add_takes_a_warc_and_the_next_build_counts_its_pages(tmp_path):
    proj = make_project(tmp_path / "proj")  # the bundled sample
    run([bin_path("dvc"), "repro"], proj)
    before = json.loads((proj / "reports/metrics.json").read_text())
    info = crawl_warc(tmp_path / "inbox" / "crawl.warc.gz", pages=3)
    added = run([bin_path("curate"), "add", str(tmp_path / "inbox" / "crawl.warc.gz"), "--root", str(proj),
                 "--json"], proj)
    verdicts = json.loads(added.stdout)["inputs"]
    assert len(verdicts) == 3 and all(v["status"] == "accepted" for v in verdicts)
    run([bin_path("dvc"), "repro"], proj)
    after = json.loads((proj / "reports/metrics.json").read_text())
    assert after["inputs"] == before["inputs"] + 3
    assert after["accepted"] == before["accepted"] + 3
    assert after["skipped_by_kind"] == info["skipped"] and after["accounting_ok"] is True
    stats = [json.loads(line) for line in stage_bytes(proj, "ingest").decode().splitlines()]
    assert sum(r["source"]["format"] == "warc" for r in stats) == 3


def test_pages_of_a_cut_archive_are_flagged_damaged_source(tmp_path):
    crawl_warc(tmp_path / "full.warc.gz", pages=3)
    data = (tmp_path / "full.warc.gz").read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(data[: int(len(data) * 0.6)])
    cut = [r for r in _split(read_file("cut.warc.gz", tmp_path, IngestParams()))[0] if type(r) is Record]
    whole = [r for r in _split(read_file("full.warc.gz", tmp_path, IngestParams()))[0] if type(r) is Record]
    assert cut and all("damaged_source" in r.flags for r in cut)
    assert whole and not any("damaged_source" in r.flags for r in whole)


def test_naive_page_times_in_a_warc_take_the_sources_time_zone(tmp_path):
    from warcio.warcwriter import WARCWriter

    from curate.params import SourceMapping
    from .web_builders import ARTICLE_LD, _response, article_page

    ld = dict(ARTICLE_LD, datePublished="2024-07-02T09:30:00")
    with open(tmp_path / "crawl.warc.gz", "wb") as fh:
        _response(WARCWriter(fh, gzip=True), ld["url"], article_page(ld=ld).encode())
    params = IngestParams(sources=[SourceMapping(glob="*.warc.gz", timezone="Europe/Berlin")])
    rec = _split(read_file("crawl.warc.gz", tmp_path, params))[0][0]
    assert rec.published_at == "2024-07-02T09:30:00+02:00" and "naive_timestamp" not in rec.flags
