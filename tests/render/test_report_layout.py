"""The quality report's layout: even axes, bars on a 100% track, contents, samples, metrics folded."""

from __future__ import annotations

import hashlib
import re

from curate.report.quality import QualityAccumulator
from curate.report.rules import flat_metrics
from curate.record import Record, Source, Stats
from curate.report.stage import render_html, render_markdown
from curate.render.svg import nice_ticks, svg_columns, svg_hbars


def _record(i: int) -> Record:
    text = f"First paragraph of article {i}.\n\nSecond paragraph.\n\nThird paragraph, not shown."
    return Record(id=f"doc-{i:03d}", source=Source(path=f"n/{i}.txt", format="plaintext", sha256="0" * 64),
                  title=f"Title {i}", date=f"2021-0{1 + i % 9}-10", language="en", text=text,
                  stats=Stats(chars=len(text), words=12 + i, sentences=3, paragraphs=3))


def _report(order) -> dict:
    acc = QualityAccumulator()
    for i in order:
        acc.add(_record(i))
    report = acc.report()
    report["consistency"] = {"ok": None}
    report["metrics"] = flat_metrics(report)
    return report


def test_axis_ticks_are_even_steps_that_cover_the_largest_value():
    assert nice_ticks(38) == [0, 10, 20, 30, 40]
    assert nice_ticks(11) == [0, 5, 10, 15]
    assert nice_ticks(6) == [0, 2, 4, 6]
    assert nice_ticks(1) == [0, 1]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(23_456) == [0, 5000, 10000, 15000, 20000, 25000]


def test_column_charts_label_their_ticks_evenly_and_title_their_axes():
    svg = svg_columns([("2021-01", 38), ("2021-02", 0), ("2021-03", 7)], x_title="month", y_title="articles")
    assert re.findall(r'text-anchor="end" fill="#333333">([\d,]+)</text>', svg) == ["0", "10", "20", "30", "40"]
    assert ">month</text>" in svg and ">articles</text>" in svg


def test_rate_bars_fill_their_share_of_a_full_track():
    svg = svg_hbars([("authors", 0.4167), ("title", 0.0)], width=700, scale_max=1.0)
    track = 700 - 170 - 90
    widths = [float(w) for w in re.findall(r'<rect x="170" y="4" width="([\d.]+)"', svg)]
    assert widths == [track, round(track * 0.4167, 1)]  # the grey track, then 41.67% of it


def test_the_page_has_contents_samples_and_the_metrics_folded_at_the_end():
    page = render_html(_report(range(12)))
    anchors = re.findall(r'<a href="#([a-z]+)">', page)
    assert anchors == ["coverage", "length", "missing", "languages", "flags", "labels", "duplicates", "entities",
                       "samples", "rejected", "consistency", "metrics"]
    assert all(f'id="{a}"' in page for a in anchors)
    tail = page[page.index('<h2 id="metrics">'):]
    assert "<details><summary>" in tail and "<details open" not in page
    assert tail.count("<h2") == 1 and "words_p50" in tail  # the metrics table comes last
    assert page.count('<div class="sample">') == 5
    assert "First paragraph of article" in page and "Third paragraph" not in page


def test_samples_are_the_same_whatever_the_order_of_the_records():
    forward, backward = _report(range(30)), _report(reversed(range(30)))
    assert forward["samples"] == backward["samples"]
    by_hash = sorted((f"doc-{i:03d}" for i in range(30)), key=lambda i: hashlib.sha256(i.encode()).hexdigest())
    assert [s["id"] for s in forward["samples"]] == by_hash[:5]
    md = render_markdown(forward)
    assert "## Sample articles" in md and md.index("## Sample articles") < md.index("## Metrics")
