"""The self-contained HTML page both reports (quality, diff) are built in: one stylesheet, no scripts.

Inline styles only and a Content-Security-Policy forbidding scripts and every remote load, so a
page renders the same offline. `table()` takes cells already escaped (`curate.render.text.esc`).
"""

from __future__ import annotations

from curate.render.text import esc

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#222;
margin:24px auto;max-width:1140px;padding:0 12px;line-height:1.45}
h1{font-size:24px;margin-bottom:4px}h2{border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:32px}
h3{margin-top:20px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 9px;text-align:left;vertical-align:top}
thead th{background:#eef1f5;border-bottom:2px solid #c8ced6}tbody tr:nth-child(even){background:#f8f9fb}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.date{white-space:nowrap}td.date .ids{word-break:normal}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.card{border:1px solid #ccc;border-radius:6px;padding:8px 12px;min-width:92px;background:#fafafa}
.card b{display:block;font-size:22px}.card span{font-size:12px;color:#555}
.bad{color:#b00020;font-weight:bold}.ok{color:#1b7f3b;font-weight:bold}
.add{color:#1a7f37}.del{color:#cf222e}
.muted{color:#666;font-size:13px}code{background:#f3f3f3;padding:0 3px}
.ids{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12px;word-break:break-all}
nav.toc{background:#f6f8fa;border:1px solid #ddd;border-radius:6px;padding:6px 14px;font-size:14px}
nav.toc ol{margin:4px 0;padding-left:20px;columns:2}
.summary{background:#f6f8fa;border-left:4px solid #4c78a8;padding:8px 14px;margin:12px 0}
.sample{border:1px solid #ddd;border-radius:6px;padding:8px 14px;margin:10px 0}
.sample p{margin:4px 0;white-space:pre-line}
details{margin:12px 0}summary{cursor:pointer;font-weight:bold}
pre{background:#f7f7f7;padding:.6em;white-space:pre-wrap;overflow-wrap:anywhere}
"""


def page(title: str, parts: list[str]) -> str:
    """A whole HTML document: `title` is data (escaped here), `parts` are HTML already."""
    head = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"]
    return "\n".join([*head, *parts, "</body></html>"]) + "\n"


def table(headers: list[str], rows: list[list[str]], numeric=frozenset(), dates=frozenset()) -> str:
    """Headers are ours; cells must already be escaped. `numeric` / `dates`: column numbers
    right-aligned / never wrapped."""
    def cls(i: int) -> str:
        return ' class="n"' if i in numeric else ' class="date"' if i in dates else ""

    head = "".join(f"<th{cls(i)}>{h}</th>" for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def toc(entries: list[tuple[str, str]]) -> str:
    """A table of contents: (anchor, heading) pairs, headings ours."""
    items = "".join(f'<li><a href="#{a}">{h}</a></li>' for a, h in entries)
    return f'<nav class="toc"><b>Contents</b><ol>{items}</ol></nav>'


def cards(items: list[tuple[str, str]]) -> str:
    """Big numbers with a caption: (value escaped or HTML, caption ours)."""
    return '<div class="cards">' + "".join(f'<div class="card"><b>{v}</b><span>{c}</span></div>'
                                           for v, c in items) + "</div>"
