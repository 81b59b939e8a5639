"""A Document (curate/render/doc.py) as terminal text: one line per paragraph or list item.

Data-derived strings are written as they are and the whole text then goes through `for_terminal`
(curate/render/text.py): no escape sequence or bidi control from an article reaches the terminal.
Charts, cards and tables drawn for the page are left out; the "brief" format is the short summary
(sections and blocks marked for it only).
"""

from __future__ import annotations

from curate.render import doc as d
from curate.render.text import for_terminal


def inline(x, fmt: str = "text") -> str:
    """One run of inline text, unescaped (`fmt` picks an `Alt`'s variant: text, or html for a page
    title)."""
    if isinstance(x, str):
        return x
    if isinstance(x, tuple):
        return "".join(inline(p, fmt) for p in x)
    if isinstance(x, (d.Data, d.Raw)):
        return x.value if isinstance(x.value, str) else str(x.value)
    if isinstance(x, (d.Code, d.Bold, d.Mono, d.Span, d.Link)):
        return inline(x.body, fmt)
    if isinstance(x, d.Br):
        return x.sep
    if isinstance(x, d.Pre):
        return x.body
    if isinstance(x, d.Alt):
        v = x.html if fmt == "html" else x.text
        return "" if v is None else inline(v, fmt)
    raise TypeError(f"not inline text: {x!r}")


def block(b, fmt: str) -> list[str]:
    """One block as lines of text."""
    if isinstance(b, (d.Para, d.Line, d.Heading)):
        return [inline(b.body)]
    if isinstance(b, d.Table):
        return ["  ".join(inline(c) for c in row) for row in b.rows]
    if isinstance(b, (d.Details, d.Box)):
        return blocks(b.blocks, fmt)
    if isinstance(b, (d.Quote, d.Fence)):
        return (b.text if isinstance(b, d.Quote) else b.body).splitlines()
    if isinstance(b, d.Bullets):
        return [f"  {inline(i)}" for i in b.items]
    if isinstance(b, d.Gap):
        return [""]
    if isinstance(b, d.Only):
        return blocks(b.blocks, fmt) if fmt in b.formats else []
    return []  # charts, cards, the table of contents: HTML only


def blocks(bs, fmt: str) -> list[str]:
    return [line for b in bs for line in block(b, fmt)]


def render(doc: d.Document, brief: bool = False) -> str:
    """The document as terminal text (`brief`: the short summary), every control shown escaped."""
    fmt = "brief" if brief else "text"
    out = [inline(doc.title)]
    for s in doc.sections:
        if fmt not in s.formats:
            continue
        title = inline(s.title) if s.title is not None else ""
        out += ([title] if title else []) + blocks(s.blocks, fmt)
    return for_terminal("\n".join(out)) + "\n"
