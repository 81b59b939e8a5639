"""The generic renderers (curate/render/to_md.py, to_html.py, to_text.py) write any Document
(curate/render/doc.py): each escapes data by its own rule, keeps what is marked for other formats
out, and picks each Alt's variant; they know no report."""

from __future__ import annotations

import re
from pathlib import Path

from curate.render import to_html, to_md, to_text
from curate.render.doc import Alt, Columns, Data, Document, Para, Section, Table, Toc, only

HOSTILE = "a|b *c* <script>\x1b[31m"


def _doc(*sections: Section) -> Document:
    return Document(("Report: ", Data("v1")), tuple(sections))


def test_data_is_escaped_by_each_formats_own_rule():
    doc = _doc(Section("Data", (Para(Data(HOSTILE)),)))
    assert r"a\|b \*c\* &lt;script&gt;\\x1b\[31m" in to_md.render(doc)
    assert "a|b *c* &lt;script&gt;\\x1b[31m" in to_html.render(doc)
    assert "a|b *c* <script>\\x1b[31m" in to_text.render(doc)


def test_blocks_marked_for_a_format_appear_in_that_format_only():
    doc = _doc(Section(None, (only("md", Para("for markdown")), only("html", Para("for the page")),
                              only("text", Para("for the terminal")))))
    assert "for markdown" in to_md.render(doc) and "for the page" not in to_md.render(doc)
    assert "<p>for the page</p>" in to_html.render(doc) and "for markdown" not in to_html.render(doc)
    assert to_text.render(doc) == "Report: v1\nfor the terminal\n"


def test_an_alt_writes_the_formats_variant_and_nothing_where_it_has_none():
    doc = _doc(Section(Alt(md="Metrics", html="All metrics"), (Para(("x", Alt(text=" (terminal)"))),),
                       anchor="metrics"))
    assert "## Metrics\n\nx\n" in to_md.render(doc)
    assert '<h2 id="metrics">All metrics</h2>\n<p>x</p>' in to_html.render(doc)
    assert to_text.render(doc) == "Report: v1\nx (terminal)\n"


def test_the_page_lists_its_anchored_sections_in_its_table_of_contents():
    doc = _doc(Section(None, (Toc(),)), Section("One", (), anchor="one"), Section("Sub", (), level=3),
               Section(Alt(md="Two (md)", html="Two"), (), anchor="two"))
    nav = re.search(r'<nav class="toc">.*?</nav>', to_html.render(doc)).group()
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', nav) == [("one", "One"), ("two", "Two")]


def test_charts_are_drawn_on_the_page_only():
    doc = _doc(Section("Chart", (Columns([("2020-01", 3)], {"title": "per month"}),)))
    assert "<svg" in to_html.render(doc)
    assert "svg" not in to_md.render(doc) and "svg" not in to_text.render(doc)


def test_a_pipe_table_writes_an_empty_header_cell_as_one_space():
    doc = _doc(Section(None, (Table(("", "A"), [["k", "1"]]),)))
    assert "| | A |\n|---|---|\n| k | 1 |\n" in to_md.render(doc)


def test_the_brief_text_keeps_only_what_is_marked_for_it():
    doc = _doc(Section(None, (only("text brief", Para("summary")), only("text", Para("details")))),
               Section("Examples", (Para("one"),), formats=frozenset({"text"})))
    assert to_text.render(doc, brief=True) == "Report: v1\nsummary\n"
    assert to_text.render(doc) == "Report: v1\nsummary\ndetails\nExamples\none\n"


def test_the_renderers_name_no_report():
    render = Path(to_md.__file__).parent
    for path in sorted(render.glob("*.py")):
        code = re.sub(r'""".*?"""', "", path.read_text(encoding="utf-8"), flags=re.S)
        assert not re.search(r"\b(quality|diff_versions|verdict)", code), path.name
