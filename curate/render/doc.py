"""A report as data: a Document of Sections of blocks of inline text, built once by a report's
model and written by the generic renderers (to_md.py, to_html.py, to_text.py). Knows no report.

Inline text is a `str` (our own words, written as is: no markup characters), a tuple (pieces
written one after another) or one of the nodes below; every data-derived string is a `Data`, which
each renderer escapes by its one rule (curate/render/text.py). Blocks are paragraphs, tables,
charts (drawn in HTML only), lists, fences and the like. Where the formats say a thing differently,
the model says so once, in place: `Alt` (inline) and `Only` (blocks) carry the per-format variant.
The formats are "md", "html", "text" (the terminal) and "brief" (the terminal's short summary).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Union

FORMATS = ("md", "html", "text", "brief")


# ------------------------------------------------------------------------------------- inline


@dataclass(frozen=True)
class Data:
    """A data-derived value: escaped by the renderer (Markdown metacharacters, HTML, controls)."""

    value: object


@dataclass(frozen=True)
class Raw:
    """A data-derived value written unescaped in Markdown (a code span's content), escaped in HTML."""

    value: object


@dataclass(frozen=True)
class Code:
    body: Inline


@dataclass(frozen=True)
class Bold:
    body: Inline
    tag: str = "b"  # the HTML element: b or strong


@dataclass(frozen=True)
class Mono:
    """Ids and paths: monospaced in HTML (they break anywhere), plain elsewhere."""

    body: Inline


@dataclass(frozen=True)
class Span:
    """A styled run in HTML (ok, bad, muted, add, del): plain elsewhere."""

    cls: str
    body: Inline


@dataclass(frozen=True)
class Link:
    """A link to a heading of the same page in HTML: plain elsewhere."""

    anchor: str
    body: Inline


@dataclass(frozen=True)
class Br:
    """A line break inside a paragraph (HTML); `sep` elsewhere."""

    sep: str = " "


@dataclass(frozen=True)
class Pre:
    """Preformatted data text inside a line (a list item): a unified diff when lang is "diff"."""

    body: str
    lang: str = ""


@dataclass(frozen=True)
class Alt:
    """The same thing said differently per format; a missing format writes nothing."""

    md: Inline | None = None
    html: Inline | None = None
    text: Inline | None = None


Inline = Union[str, tuple, Data, Raw, Code, Bold, Mono, Span, Link, Br, Pre, Alt]


# ------------------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Para:
    body: Inline
    muted: bool = False


@dataclass(frozen=True)
class Line:
    """One line with no paragraph around it (HTML: written as is; Markdown: no blank line after)."""

    body: Inline


@dataclass(frozen=True)
class Heading:
    """A heading inside a section (`### …` in Markdown, <h3> in HTML)."""

    body: Inline
    level: int = 3


@dataclass(frozen=True)
class Table:
    """Headers are ours; `numeric` / `dates`: column numbers right-aligned / never wrapped (HTML)."""

    headers: tuple
    rows: list
    numeric: frozenset = frozenset()
    dates: frozenset = frozenset()


@dataclass(frozen=True)
class Columns:
    """A chart of vertical bars (HTML only): (label, value) rows, svg_columns options."""

    rows: list
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class HBars:
    """A chart of horizontal bars (HTML only): (label, value) rows, svg_hbars options."""

    rows: list
    fmt: Callable = str
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Cards:
    """Big numbers with captions (HTML only): (value, caption) pairs, both inline."""

    items: list


@dataclass(frozen=True)
class Toc:
    """The table of contents (HTML only): every section with an anchor, in order."""


@dataclass(frozen=True)
class Details:
    """Folded away in HTML (closed <details>); written in full elsewhere."""

    summary: Inline
    blocks: tuple


@dataclass(frozen=True)
class Box:
    """A group written as one HTML part (in a <div class=…> unless `cls` is None); its blocks as
    they are elsewhere."""

    cls: str | None
    blocks: tuple


@dataclass(frozen=True)
class Quote:
    """A passage of data text: a Markdown blockquote line by line, one HTML paragraph."""

    text: str


@dataclass(frozen=True)
class Fence:
    """Preformatted data text (a unified diff when lang is "diff": coloured lines in HTML)."""

    body: str
    lang: str = ""


@dataclass(frozen=True)
class Bullets:
    items: list


@dataclass(frozen=True)
class Gap:
    """A blank line (Markdown and text)."""


@dataclass(frozen=True)
class Only:
    """Blocks shown in these formats only."""

    formats: frozenset
    blocks: tuple


def only(formats: str, *blocks) -> Only:
    """`Only` from a space-separated list of formats: only("md html", Para(...))."""
    return Only(frozenset(formats.split()), tuple(blocks))


# ----------------------------------------------------------------------------------- document


@dataclass(frozen=True)
class Section:
    """A heading (its title may differ per format by `Alt`; empty: no heading), the HTML anchor
    (listed in the table of contents) and the blocks under it; `formats`: where it is shown."""

    title: Inline | None
    blocks: tuple
    anchor: str | None = None
    level: int = 2
    formats: frozenset = frozenset(FORMATS)


@dataclass(frozen=True)
class Document:
    """A whole report: its title (the page title and first heading) and its sections in order."""

    title: Inline
    sections: tuple = ()
