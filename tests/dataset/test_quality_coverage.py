"""The time coverage of the quality report stays readable for a corpus of decades: the chart's
period follows the span (months, quarters, years) and the gaps are summed up, not listed."""

from __future__ import annotations

import re

from tests.builders import rec

from curate.report.quality import QualityAccumulator
from curate.report.sections import coverage_bin
from curate.report.stage import render_html, render_markdown


def coverage_of(*dates: str) -> dict:
    acc = QualityAccumulator()
    for i, d in enumerate(dates):
        acc.add(rec(f"r{i}", date=d))
    return acc.report()


def test_the_chart_period_is_the_finest_with_at_most_sixty_bars():
    assert [coverage_bin(n) for n in (1, 60, 61, 180, 181, 467)] == [
        "month", "month", "quarter", "quarter", "year", "year"]


def test_a_span_of_decades_is_counted_per_year_empty_years_included():
    cov = coverage_of("1987-03-01", "1987-04-01", "1990-01-05", "2025-12-31")["coverage"]
    assert cov["bin"] == "year" and len(cov["articles_per_month"]) == 466
    per_year = cov["articles_per_bin"]
    assert [(x["period"], x["articles"]) for x in per_year[:4]] == [
        ("1987", 2), ("1988", 0), ("1989", 0), ("1990", 1)]
    assert len(per_year) == 39 and per_year[-1] == {"period": "2025", "articles": 1}


def test_a_span_of_a_few_years_is_counted_per_quarter():
    cov = coverage_of("2018-02-01", "2018-03-30", "2023-11-02")["coverage"]
    assert cov["bin"] == "quarter"
    assert cov["articles_per_bin"][:2] == [{"period": "2018-Q1", "articles": 2}, {"period": "2018-Q2", "articles": 0}]
    assert cov["articles_per_bin"][-1] == {"period": "2023-Q4", "articles": 1}


def test_the_html_chart_has_one_bar_or_tick_per_year_for_decades():
    page = render_html(coverage_of("1987-03-01", "1990-01-05", "2025-12-31"))
    chart = page[page.index("Articles per year"):]
    chart = chart[: chart.index("</svg>")]
    assert len(re.findall(r"<rect ", chart)) == 39


def test_gaps_are_summed_up_with_the_longest_runs_only():
    dates = [f"{y}-01-15" for y in range(1990, 2026)]  # 35 runs of 11 gap months
    dates += ["1980-01-15"]  # and one run of ten years
    rep = coverage_of(*dates)
    summary = ("504 months without articles, in 36 runs; the longest: 1980-02 … 1989-12 (119 months), "
               "1990-02 … 1990-12 (11 months), 1991-02 … 1991-12 (11 months), 1992-02 … 1992-12 (11 months), "
               "1993-02 … 1993-12 (11 months), and 31 more.")
    assert summary in render_markdown(rep).splitlines()
    assert f"<p>Gaps: {summary}</p>" in render_html(rep)
    assert len(rep["coverage"]["gaps"]) == 36  # every run stays in the JSON
