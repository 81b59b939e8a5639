"""One escaping rule (curate/render/text.py) for article-derived strings: the terminal, one-line,
HTML and Markdown forms all show the same visible text, and no other module escapes on its own."""

from __future__ import annotations

import ast
import html
import re

import pytest

from curate.render.text import esc, for_terminal, md, md_cell, visible
from tests.conftest import REPO

HOSTILE = ["red\x1b[31m alert\x1b]0;title\x07", "bidi \u202eevil\u2066", "tag <script>x</script> &amp; \"q\"",
           "star * `code` [link](u) _u_ #h ~s~", "nul\x00 c1\x9b del\x7f", "line\u2028sep\nnext\ttab"]


@pytest.mark.parametrize("s", HOSTILE)
def test_the_one_line_form_holds_no_character_that_drives_a_terminal(s):
    assert for_terminal(visible(s), single_line=True) == visible(s)


@pytest.mark.parametrize("s", HOSTILE)
def test_html_reads_back_as_the_one_line_form(s):
    assert html.unescape(esc(s)) == visible(s)
    assert "<" not in esc(s) and '"' not in esc(s)


@pytest.mark.parametrize("s", HOSTILE)
def test_a_markdown_cell_reads_back_as_the_one_line_form(s):
    assert html.unescape(re.sub(r"\\(.)", r"\1", md(s))) == visible(s)
    assert md_cell(s).replace("\\|", "|") == visible(s)


@pytest.mark.parametrize("s", HOSTILE)
def test_the_terminal_form_shows_the_same_escapes_as_the_one_line_form(s):
    """Only line breaks and tabs differ: the terminal keeps them, one line makes them spaces."""
    assert for_terminal(s).replace("\n", " ").replace("\t", " ") == visible(s)


def test_no_module_but_the_rule_escapes_html_itself():
    own = []
    for path in sorted((REPO / "curate").rglob("*.py")):
        if path == REPO / "curate/render/text.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr == "escape" and isinstance(node.value, ast.Name)
                    and node.value.id == "html") or (isinstance(node, ast.ImportFrom) and node.module in (
                    "html", "markupsafe") and any(a.name == "escape" for a in node.names)):
                own.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert own == []
