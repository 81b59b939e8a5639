"""After a parameter change, `curate diff` counts the records that differ only in the params
digest in one line instead of listing every one of them as `modified: provenance`."""

from __future__ import annotations

from pathlib import Path

import msgspec

from curate.dataset.diff import diff_sides
from curate.dataset.versions import WorkTree
from curate.record import Provenance, Record, Source, Stats, encode
from curate.report.diff_doc import render_html, render_md, render_text


def _record(i: int, digest: str, **changes) -> Record:
    r = Record(id=f"doc-{i:03d}", source=Source(path=f"n/{i}.txt", format="plaintext", sha256="0" * 64),
               title=f"Title {i}", date="2021-01-10", language="en", text=f"Body {i}.",
               stats=Stats(chars=8, words=2, sentences=1, paragraphs=1),
               provenance=Provenance(toolkit="0.1.0", reader="plaintext/1", params_sha256=digest))
    return msgspec.structs.replace(r, **changes)


def _version(root: Path, records: list[Record], short_words: int) -> WorkTree:
    arts = root / "corpus/curated/articles"
    arts.mkdir(parents=True)
    (arts / "part-00000.jsonl").write_bytes(b"".join(encode(r) + b"\n" for r in records))
    (root / "params.yaml").write_text(f"extract:\n  short_words: {short_words}\n")
    return WorkTree(root)


def test_records_changed_only_in_the_params_digest_are_summed_up_not_listed(tmp_path):
    a = _version(tmp_path / "a", [_record(i, "aaa") for i in range(8)], 50)
    b_records = [_record(i, "bbb") for i in range(6)]
    b_records.append(_record(6, "bbb", flags=["very_short"]))  # also a real change: listed
    b_records.append(_record(7, "bbb", provenance=Provenance(toolkit="0.2.0", params_sha256="bbb")))
    b = _version(tmp_path / "b", b_records, 60)
    report = diff_sides(a, b, limit=10)
    assert report["summary"]["modified"] == 8  # counts and the exit code do not change
    assert report["params_only"] == {"records": 6, "field": "provenance.params_sha256",
                                     "params_changed": ["extract.short_words"]}
    assert [m["id"] for m in report["examples"]["modified"]] == ["doc-006", "doc-007"]
    line = ("6 records differ only in provenance.params_sha256 (params changed: extract.short_words); "
            "not listed among the modified examples")
    text = render_text(report)
    assert line in text.splitlines() and "modified (first 2 of 2):" in text
    assert "~ doc-000" not in text
    assert line in render_md(report).replace("\\_", "_")
    assert line in render_html(report)
