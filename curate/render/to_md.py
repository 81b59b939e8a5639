"""A Document (curate/render/doc.py) as Markdown: headings, paragraphs, pipe tables, lists, fences.

Every data-derived string goes through `md` (curate/render/text.py): control characters become
visible text and Markdown metacharacters are escaped. Charts, cards and the table of contents are
HTML's alone; a fold (`Details`) is written in full.
"""

from __future__ import annotations

from curate.render import doc as d
from curate.render.text import md


def inline(x) -> str:
    """One run of inline text as Markdown."""
    if isinstance(x, str):
        return x
    if isinstance(x, tuple):
        return "".join(inline(p) for p in x)
    if isinstance(x, d.Data):
        return md(x.value)
    if isinstance(x, d.Raw):
        return x.value if isinstance(x.value, str) else str(x.value)
    if isinstance(x, d.Code):
        return f"`{inline(x.body)}`"
    if isinstance(x, d.Bold):
        return f"**{inline(x.body)}**"
    if isinstance(x, (d.Mono, d.Span, d.Link)):
        return inline(x.body)
    if isinstance(x, d.Br):
        return x.sep
    if isinstance(x, d.Pre):
        return fence(x.body, x.lang)
    if isinstance(x, d.Alt):
        return "" if x.md is None else inline(x.md)
    raise TypeError(f"not inline text: {x!r}")


def table(headers, rows) -> list[str]:
    """A pipe table and the blank line after it; an empty header cell is written `| |`."""
    head = "|" + "|".join(f" {inline(h)} " if inline(h) else " " for h in headers) + "|"
    out = [head, "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(inline(c) for c in row) + " |" for row in rows]
    return out + [""]


def fence(body: str, lang: str = "") -> str:
    """A fenced block long enough that no run of backticks in `body` closes it."""
    ticks = "```"
    while ticks in body:
        ticks += "`"
    return f"{ticks}{lang}\n{body}\n{ticks}"


def _quote(text: str) -> list[str]:
    return ["> " + md(line) if line.strip() else ">" for line in (text or "").splitlines()] + [""]


def block(b) -> list[str]:
    """One block as Markdown lines."""
    if isinstance(b, d.Para):
        return [inline(b.body), ""]
    if isinstance(b, d.Line):
        return [inline(b.body)]
    if isinstance(b, d.Heading):
        return [f"{'#' * b.level} {inline(b.body)}", ""]
    if isinstance(b, d.Table):
        return table(b.headers, b.rows)
    if isinstance(b, (d.Details, d.Box)):
        return blocks(b.blocks)
    if isinstance(b, d.Quote):
        return _quote(b.text)
    if isinstance(b, d.Fence):
        return [fence(b.body, b.lang), ""]
    if isinstance(b, d.Bullets):
        return [f"- {inline(i)}" for i in b.items]
    if isinstance(b, d.Gap):
        return [""]
    if isinstance(b, d.Only):
        return blocks(b.blocks) if "md" in b.formats else []
    return []  # charts, cards, the table of contents: HTML only


def blocks(bs) -> list[str]:
    return [line for b in bs for line in block(b)]


def render(doc: d.Document) -> str:
    """The document as Markdown: `# title`, then each section's heading and blocks."""
    out = [f"# {inline(doc.title)}", ""]
    for s in doc.sections:
        if "md" not in s.formats:
            continue
        title = inline(s.title) if s.title is not None else ""
        if title:
            out += [f"{'#' * s.level} {title}", ""]
        out += blocks(s.blocks)
    return "\n".join(out).rstrip() + "\n"

