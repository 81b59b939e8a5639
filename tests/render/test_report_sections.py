"""The quality report's sections come from one ordered list (quality_doc.SECTION_ORDER): the HTML
page, its table of contents and the Markdown report follow it."""

from __future__ import annotations

import re

from curate.report.quality_doc import SECTIONS, SECTION_ORDER
from curate.report.stage import render_html, render_markdown
from tests.render.test_report_html import _report


def test_the_html_table_of_contents_lists_the_page_headings_in_page_order():
    html = render_html(_report())
    assert re.findall(r'<h2 id="([^"]+)">', html) == [anchor for anchor, _ in SECTIONS]


def test_the_markdown_report_gives_its_sections_in_the_same_order_as_the_html():
    headings = re.findall(r"^## (\S+)", render_markdown(_report()), flags=re.M)
    titles = [title.removeprefix("All ").split()[0] for _, heads in SECTION_ORDER for _, title in heads]
    assert [h.lower() for h in headings] == ["summary", *(t.lower() for t in titles)]
