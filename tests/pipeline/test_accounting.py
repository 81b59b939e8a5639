"""Nothing is lost: every raw input ends accepted or rejected with a reason, whatever it holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curate.engine.io import iter_curated, iter_rejected
from curate.params import Params
from tests.builders import build_stages, header_only, reuters_web

BODY = "Acme Corp ( ACME.N ) said on Thursday its chief executive John Smith would step down after ten years, sending its shares lower in New York trading. "
MORE = "Officials in Paris and Berlin said the plan would be reviewed by the European Commission next month."


def web(title: str, story: str) -> str:
    return reuters_web(title, BODY * 3, MORE, story=story)


def build(raw: Path) -> None:
    (raw / "web").mkdir(parents=True)
    (raw / "web" / "good").write_text(web("Acme chief to step down", "USBRE1"))
    (raw / "web" / "recrawl").write_text(web("Acme chief to step down", "USBRE1").replace("10:59pm", "11:30pm"))
    (raw / "web" / "copy").write_text(web("Copy", "USBRE2"))
    (raw / "web" / "empty").write_bytes(b"")
    (raw / "web" / "header-only").write_text(header_only(reuters_web("t", "", "", story="USBRE3")))
    (raw / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (raw / "latin1.txt").write_bytes("Caf\xe9 owners protest\n\nOwners of caf\xe9s in Montr\xe9al said on Monday taxes were too high.".encode("latin-1"))
    (raw / "feed.jsonl").write_text(
        json.dumps({"id": "a1", "title": "Rates", "date": "2013-04-02", "text": "The Bank of England kept rates on hold on Tuesday, its governor Mark Carney said."}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "a2", "title": "No date", "text": "A story without any date at all, written in London."}) + "\n"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("acct")
    build(root / "corpus/raw")
    build_stages(root, Params())
    return root


def reasons(root: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in (root / "corpus/curated/rejected").glob("*.jsonl"):
        for rej in iter_rejected(path):
            out.setdefault(rej.reason, []).append(f"{rej.source.path}:{rej.source.line or ''}")
    return out


def test_inputs_equal_accepted_plus_rejected(built):
    m = json.loads((built / "reports/metrics.json").read_text())
    assert m["inputs"] == 10  # 7 single-article files + 3 JSONL lines
    assert m["inputs"] == m["accepted"] + sum(m["rejected_by_reason"].values())


def test_each_bad_input_has_its_reason(built):
    r = reasons(built)
    assert r["empty"] == ["web/empty:"]
    assert r["header_only"] == ["web/header-only:"]
    assert r["binary"] == ["bin.txt:"]
    assert r["malformed_jsonl"] == ["feed.jsonl:2"]
    assert "no_date" not in r  # undated articles are accepted with the flag no_date by default
    assert r["story_version"] == ["web/good:"]
    # the re-crawl (kept as the story's latest version) has the same text as web/copy, which was
    # published earlier: the earliest copy of a text is the one kept
    assert r["duplicate"] == ["web/recrawl:"]


def test_latin1_article_is_decoded_and_flagged(built):
    recs = [r for r in iter_curated(built / "corpus/curated") if r.source.path == "latin1.txt"]
    # a plaintext file without any date is accepted undated, with the decoding kept in flags
    assert recs and recs[0].title == "Café owners protest" and "Montréal" in recs[0].text
    assert recs[0].date is None and {"decoded_cp1252", "no_date"} <= set(recs[0].flags)


def test_a_step_that_raises_on_one_article_rejects_only_that_article(tmp_path, monkeypatch):
    import curate.clean.rules

    build(tmp_path / "corpus/raw")
    real = curate.clean.rules.clean_record

    def flaky(record, params):
        if record.source.path == "feed.jsonl" and record.source.line == 1:
            raise RuntimeError("boom")
        return real(record, params)

    monkeypatch.setattr(curate.clean.rules, "clean_record", flaky)
    build_stages(tmp_path, Params())
    m = json.loads((tmp_path / "reports/metrics.json").read_text())
    assert m["rejected_by_reason"]["internal_error"] == 1
    assert m["accounting_ok"]
    rej = next(iter_rejected(tmp_path / "corpus/curated/rejected/internal_error.jsonl"))
    assert "boom" in rej.detail and rej.stage == "clean"
