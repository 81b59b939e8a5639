"""A Document (curate/render/doc.py) as one self-contained HTML page (curate/render/page.py).

Every data-derived string goes through `esc` (curate/render/text.py): control characters, such
as the terminal escape ESC, become visible `\\x1b` text and HTML metacharacters are escaped.
Charts are inline SVG (curate/render/svg.py); the page has no script and loads nothing.
"""

from __future__ import annotations

from curate.render import doc as d
from curate.render import to_text
from curate.render.page import cards, page, table, toc
from curate.render.svg import svg_columns, svg_hbars
from curate.render.text import esc


def inline(x) -> str:
    """One run of inline text as HTML."""
    if isinstance(x, str):
        return x
    if isinstance(x, tuple):
        return "".join(inline(p) for p in x)
    if isinstance(x, (d.Data, d.Raw)):
        return esc(x.value)
    if isinstance(x, d.Code):
        return f"<code>{inline(x.body)}</code>"
    if isinstance(x, d.Bold):
        return f"<{x.tag}>{inline(x.body)}</{x.tag}>"
    if isinstance(x, d.Mono):
        return f'<span class="ids">{inline(x.body)}</span>'
    if isinstance(x, d.Span):
        return f'<span class="{x.cls}">{inline(x.body)}</span>'
    if isinstance(x, d.Link):
        return f'<a href="#{x.anchor}">{inline(x.body)}</a>'
    if isinstance(x, d.Br):
        return "<br>"
    if isinstance(x, d.Pre):
        return _pre(x.body, x.lang)
    if isinstance(x, d.Alt):
        return "" if x.html is None else inline(x.html)
    raise TypeError(f"not inline text: {x!r}")


def _pre(body: str, lang: str) -> str:
    lines = []
    for line in body.splitlines():
        cls = ("add" if line.startswith("+") else "del" if line.startswith("-") else "") if lang == "diff" else ""
        lines.append(f'<span class="{cls}">{esc(line)}</span>' if cls else esc(line))
    return "<pre>" + "\n".join(lines) + "</pre>"


def block(b, contents: list) -> list[str]:
    """One block as HTML parts (the page puts each on its own line)."""
    if isinstance(b, d.Para):
        return [f'<p class="muted">{inline(b.body)}</p>' if b.muted else f"<p>{inline(b.body)}</p>"]
    if isinstance(b, d.Line):
        return [inline(b.body)]
    if isinstance(b, d.Heading):
        return [f"<h{b.level}>{inline(b.body)}</h{b.level}>"]
    if isinstance(b, d.Table):
        return [table([inline(h) for h in b.headers], [[inline(c) for c in row] for row in b.rows],
                      numeric=b.numeric, dates=b.dates)]
    if isinstance(b, d.Columns):
        return [svg_columns(b.rows, **b.options)]
    if isinstance(b, d.HBars):
        return [svg_hbars(b.rows, fmt=b.fmt, **b.options)]
    if isinstance(b, d.Cards):
        return [cards([(inline(v), inline(c)) for v, c in b.items])]
    if isinstance(b, d.Toc):
        return [toc(contents)]
    if isinstance(b, d.Details):
        return [f"<details><summary>{inline(b.summary)}</summary>", *blocks(b.blocks, contents), "</details>"]
    if isinstance(b, d.Box):
        inner = "".join(blocks(b.blocks, contents))
        return [inner if b.cls is None else f'<div class="{b.cls}">{inner}</div>']
    if isinstance(b, d.Quote):
        return [f"<p>{esc(b.text or '')}</p>"]
    if isinstance(b, d.Fence):
        return [_pre(b.body, b.lang)]
    if isinstance(b, d.Bullets):
        return ["<ul>" + "".join(f"<li>{inline(i)}</li>" for i in b.items) + "</ul>"]
    if isinstance(b, d.Only):
        return blocks(b.blocks, contents) if "html" in b.formats else []
    return []  # Gap: Markdown and text only


def blocks(bs, contents: list) -> list[str]:
    return [part for b in bs for part in block(b, contents)]


def _heading(s: d.Section) -> list[str]:
    title = inline(s.title) if s.title is not None else ""
    if not title:
        return []
    anchor = f' id="{s.anchor}"' if s.anchor else ""
    return [f"<h{s.level}{anchor}>{title}</h{s.level}>"]


def render(doc: d.Document) -> str:
    """The document as a whole HTML page: the title as <title> and <h1>, then every section."""
    shown = [s for s in doc.sections if "html" in s.formats]
    contents = [(s.anchor, inline(s.title)) for s in shown if s.anchor and s.title is not None]
    parts = [f"<h1>{inline(doc.title)}</h1>"]
    for s in shown:
        parts += _heading(s) + blocks(s.blocks, contents)
    return page(to_text.inline(doc.title, "html"), parts)
