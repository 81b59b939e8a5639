"""Render a quality report (the dict `curate.dataset.quality` builds) as Markdown or self-contained HTML.

The HTML needs no network and no JavaScript: styles are inline, charts are inline SVG, and a
Content-Security-Policy forbids scripts and every remote load, so it renders the same on an offline
machine. Every string that comes from the data (ids, titles, paths, details, entity texts, reason,
flag and label names) goes through `esc` (HTML) or `md` (Markdown): control characters, such as
the terminal escape ESC, become visible `\\x1b` text and HTML metacharacters are escaped.
"""

from __future__ import annotations

import html
import re

from curate.render.text import for_terminal

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")

BAR = "#4c78a8"      # bars of every chart (the screenshot test looks for this colour)
GAP = "#e45756"      # months without articles
GRID = "#dddddd"
TEXT = "#333333"


def visible(s) -> str:
    """One line with control characters (ESC, NUL, C1, bidi, line separators) as visible escapes
    (`curate.render.text.for_terminal`, the one rule for article-derived strings); tabs and newlines
    become spaces."""
    s = "" if s is None else str(s)
    return for_terminal(s.replace("\r", " ").replace("\n", " ").replace("\t", " "))


def esc(s) -> str:
    """A data-derived string made safe for HTML text and attribute values."""
    return html.escape(visible(s), quote=True)


def md(s) -> str:
    """A data-derived string made safe for a Markdown table cell (no HTML, no markup)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(visible(s), quote=False))


def _num(v) -> str:
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") if v else "0"
    return f"{v:,}" if isinstance(v, int) else str(v)


def _pct(v: float) -> str:
    return f"{100 * v:.2f}%"


# ------------------------------------------------------------------------------------- markdown


def _md_table(headers: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out + [""]


def _ids(ids: list, more: int = 0) -> str:
    s = ", ".join(md(i) for i in ids)
    return s + (f" (+{more} more)" if more else "")


def render_markdown(r: dict) -> str:
    c, cov, L = r["counts"], r["coverage"], r["length"]
    m = r.get("metrics", {})
    out = [f"# Quality report: {md(r.get('version', {}).get('label', 'working tree'))}", ""]
    out += [f"Report `{r['report']}`; every count below is recomputed from the records on disk "
            "(curated shards and rejected files).", ""]
    out += ["## Summary", ""]
    out += _md_table(["metric", "value"], [
        ["inputs", _num(c["inputs"])], ["accepted", _num(c["accepted"])], ["rejected", _num(c["rejected"])],
        ["rejected rate", _pct(m.get("rejected_rate", 0.0))],
        ["duplicate rate", _pct(m.get("duplicate_rate", 0.0))],
        ["months covered", f"{md(cov['first_month'])} … {md(cov['last_month'])} ({cov['months']} months, "
                           f"{cov['gap_months']} without articles)"],
        ["words (median / mean)", f"{L['percentiles']['p50']} / {L['mean']}"],
        ["consistent with metrics.json", _consistency_word(r)],
    ])
    out += ["## Time coverage", "", "Articles per month with articles (every month, gaps included: "
            "`reports/plots/articles_per_month.json`).", ""]
    out += _md_table(["month", "articles"], [[md(x["month"]), x["articles"]]
                                             for x in cov["articles_per_month"] if x["articles"]])
    if cov["gaps"]:
        out += ["Gaps (months without articles inside the range): " +
                ", ".join(md(g["from"]) if g["from"] == g["to"] else f"{md(g['from'])} … {md(g['to'])}"
                          for g in cov["gaps"]), ""]
    else:
        out += ["No gaps: every month of the range has articles.", ""]
    out += [f"Records without a usable date: {cov['undated']}.", ""]

    out += ["## Length (words)", ""]
    out += _md_table(["min", *L["percentiles"].keys(), "max", "mean"],
                     [[L["min"], *L["percentiles"].values(), L["max"], L["mean"]]])
    out += _md_table(["words", "articles"], [[md(h["bin"]), h["articles"]] for h in L["histogram"]])
    o = L["outliers"]
    out += [f"Outliers: {o['above_p99']} above p99 ({L['percentiles']['p99']} words), "
            f"{o['below_p1']} below p1 ({L['percentiles']['p1']} words).", ""]
    for name, rows in (("Longest", o["longest"]), ("Shortest", o["shortest"])):
        if rows:
            out += [f"{name}:", ""]
            out += _md_table(["id", "words", "title", "path"],
                             [[md(x["id"]), x["words"], md(x["title"]), md(x["path"])] for x in rows])

    out += ["## Missing fields (accepted records)", ""]
    out += _md_table(["field", "missing", "rate"],
                     [[md(k), v["count"], _pct(v["rate"])] for k, v in r["missing"].items()])
    out += ["## Languages", ""]
    out += _md_table(["language", "articles", "rate"],
                     [[md(x["language"]), x["articles"], _pct(x["rate"])] for x in r["languages"]])
    out += ["## Quality flags", ""]
    out += _md_table(["flag", "records", "rate", "counted on", "examples"],
                     [[md(f["flag"]), f["count"], _pct(f["rate"]), f["source"], _ids(f["examples"])]
                      for f in r["flags"]])

    out += ["## Duplicates removed", ""]
    out += _md_table(["reason", "removed", "kept records with copies", "largest group"],
                     [[md(k), v["removed"], v["kept_records_with_copies"], v["largest_group"]]
                      for k, v in r["duplicates"].items()])
    nd = r["near_duplicate_clusters"]
    out += [f"### Near-duplicate clusters ({nd['clusters']})", ""]
    if nd["largest"]:
        out += _md_table(["size", "kept", "near duplicates"],
                         [[x["size"], md(x["kept"]), _ids(x["duplicates"], x["more"])] for x in nd["largest"]])
    else:
        out += ["No near duplicates were removed.", ""]

    E = r["entities"]
    out += ["## Entities", "", f"{E['mentions']:,} mentions, {E['per_article']} per article.", ""]
    out += _md_table(["label", "mentions", "articles"], [[md(x["label"]), x["mentions"], x["articles"]]
                                                         for x in E["labels"]])
    out += ["Top entities by label (articles mentioning them):", ""]
    out += _md_table(["label", "top entities"],
                     [[md(label), ", ".join(f"{md(t['text'])} ({t['articles']})" for t in top)]
                      for label, top in E["top"].items()])

    out += ["## Rejected by reason", ""]
    out += _md_table(["reason", "count", "rate", "examples (id, path: detail)"],
                     [[md(x["reason"]), x["count"], _pct(x["rate"]),
                       "; ".join(f"{md(e['id'])} ({md(e['path'])}): {md(e['detail'])}" for e in x["examples"])]
                      for x in r["rejected"]])
    out += ["Rejected by stage:", ""]
    out += _md_table(["stage", "reasons"], [[md(s), ", ".join(f"{md(k)}={v}" for k, v in d.items())]
                                            for s, d in c["rejected_by_stage"].items()])
    out += ["## Consistency", ""]
    checks = r.get("consistency", {}).get("checks", [])
    if checks:
        out += _md_table(["check", "report", "recorded", "ok"],
                         [[md(ch["check"]), md(_compact(ch["report"])), md(_compact(ch["recorded"])),
                           "yes" if ch["ok"] else "**NO**"] for ch in checks])
    else:
        out += ["No reports/metrics.json or manifest to compare with.", ""]
    out += ["## Metrics", "", "Names usable in `curate quality --fail-on`.", ""]
    out += _md_table(["metric", "value"], [[md(k), _num(v)] for k, v in m.items()])
    return "\n".join(out).rstrip() + "\n"


def _compact(v) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k}={x}" for k, x in v.items())
    return str(v)


def _consistency_word(r: dict) -> str:
    ok = r.get("consistency", {}).get("ok")
    return "no metrics file" if ok is None else ("yes" if ok else "NO")


# ------------------------------------------------------------------------------------------ svg


def svg_columns(rows: list[tuple[str, int]], *, width: int = 1100, height: int = 260,
                label_every: int = 1, highlight_zero: bool = False, title: str = "") -> str:
    """Vertical bars (one per row) with a y axis; zero rows get a red tick when highlighted."""
    left, right, top, bottom = 50, 10, 20, 60
    pw, ph = width - left - right, height - top - bottom
    vmax = max((v for _, v in rows), default=0) or 1
    n = max(len(rows), 1)
    step = pw / n
    bw = max(1.0, step * 0.8)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{esc(title)}</title>']
    for k in range(5):
        v = vmax * k / 4
        y = top + ph - ph * k / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{TEXT}">'
                     f'{v:.0f}</text>')
    for i, (label, v) in enumerate(rows):
        x = left + i * step + (step - bw) / 2
        h = ph * v / vmax
        if v == 0 and highlight_zero:
            parts.append(f'<rect x="{x:.1f}" y="{top + ph - 3:.1f}" width="{bw:.1f}" height="3" fill="{GAP}">'
                         f'<title>{esc(label)}: 0</title></rect>')
        elif v:
            parts.append(f'<rect x="{x:.1f}" y="{top + ph - h:.1f}" width="{bw:.1f}" height="{max(h, 1):.1f}" '
                         f'fill="{BAR}"><title>{esc(label)}: {v}</title></rect>')
        if i % label_every == 0:
            cx = left + i * step + step / 2
            parts.append(f'<text x="{cx:.1f}" y="{top + ph + 12}" font-size="10" fill="{TEXT}" '
                         f'text-anchor="end" transform="rotate(-45 {cx:.1f} {top + ph + 12})">{esc(label)}</text>')
    parts.append(f'<line x1="{left}" y1="{top + ph}" x2="{width - right}" y2="{top + ph}" stroke="{TEXT}"/></svg>')
    return "".join(parts)


def svg_hbars(rows: list[tuple[str, float]], *, width: int = 700, bar_h: int = 18, fmt=_num, title: str = "") -> str:
    """Horizontal bars with the label on the left and the value on the right."""
    left, right = 170, 90
    pw = width - left - right
    vmax = max((v for _, v in rows), default=0) or 1
    height = max(1, len(rows)) * (bar_h + 4) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{esc(title)}</title>']
    for i, (label, v) in enumerate(rows):
        y = 4 + i * (bar_h + 4)
        w = pw * v / vmax
        short = visible(label)
        short = short if len(short) <= 24 else short[:23] + "…"
        parts.append(f'<text x="{left - 6}" y="{y + bar_h - 5}" font-size="12" text-anchor="end" fill="{TEXT}">'
                     f'{esc(short)}</text>')
        if v:
            parts.append(f'<rect x="{left}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" fill="{BAR}">'
                         f'<title>{esc(label)}: {esc(fmt(v))}</title></rect>')
        parts.append(f'<text x="{left + max(w, 1) + 4:.1f}" y="{y + bar_h - 5}" font-size="12" fill="{TEXT}">'
                     f'{esc(fmt(v))}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ----------------------------------------------------------------------------------------- html

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#222;
margin:24px auto;max-width:1140px;padding:0 12px;line-height:1.4}
h1{font-size:24px;margin-bottom:4px}h2{border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:32px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.card{border:1px solid #ccc;border-radius:6px;padding:8px 14px;min-width:120px;background:#fafafa}
.card b{display:block;font-size:22px}.card span{font-size:12px;color:#555}
.bad{color:#b00020;font-weight:bold}.ok{color:#1b7f3b;font-weight:bold}
.muted{color:#666;font-size:13px}code{background:#f3f3f3;padding:0 3px}
.ids{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12px;word-break:break-all}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | frozenset = frozenset()) -> str:
    """Headers are ours; cells must already be escaped."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _idlist(ids: list, more: int = 0) -> str:
    s = ", ".join(esc(i) for i in ids)
    return f'<span class="ids">{s}</span>' + (f" (+{more} more)" if more else "")


def render_html(r: dict) -> str:
    c, cov, L, m = r["counts"], r["coverage"], r["length"], r.get("metrics", {})
    label = r.get("version", {}).get("label", "working tree")
    cons = r.get("consistency", {})
    cons_ok = cons.get("ok")
    cons_html = ('<span class="muted">no metrics file</span>' if cons_ok is None
                 else '<span class="ok">yes</span>' if cons_ok else '<span class="bad">NO</span>')
    h: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Quality report: {esc(label)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Quality report: {esc(label)}</h1>",
        f'<p class="muted">Report <code>{esc(r["report"])}</code>. Every count is recomputed from the '
        "records on disk (curated shards and rejected files); the consistency section compares them "
        "with <code>reports/metrics.json</code> and the manifest.</p>",
        '<div class="cards">',
    ]
    for title, value in (("inputs", _num(c["inputs"])), ("accepted", _num(c["accepted"])),
                         ("rejected", _num(c["rejected"])), ("rejected rate", _pct(m.get("rejected_rate", 0.0))),
                         ("duplicate rate", _pct(m.get("duplicate_rate", 0.0))),
                         ("median words", _num(L["percentiles"]["p50"])),
                         ("months / gaps", f"{cov['months']} / {cov['gap_months']}")):
        h.append(f'<div class="card"><b>{esc(value)}</b><span>{title}</span></div>')
    h.append(f'<div class="card"><b>{cons_html}</b><span>matches metrics.json</span></div></div>')

    # coverage
    rows = [(x["month"], x["articles"]) for x in cov["articles_per_month"]]
    every = max(1, len(rows) // 40)
    h.append("<h2>Time coverage</h2>")
    h.append(f"<p>{esc(cov['first_month'] or '–')} to {esc(cov['last_month'] or '–')}: {cov['months']} months, "
             f"{cov['months_with_articles']} with articles, <b>{cov['gap_months']}</b> without "
             f"(red ticks). Records without a usable date: {cov['undated']}.</p>")
    if rows:
        h.append(svg_columns(rows, label_every=every, highlight_zero=True, title="Articles per month"))
    if cov["gaps"]:
        gaps = ", ".join(esc(g["from"]) if g["from"] == g["to"] else f"{esc(g['from'])} … {esc(g['to'])}"
                         for g in cov["gaps"])
        h.append(f"<p>Gaps: {gaps}</p>")

    # length
    h.append("<h2>Length (words)</h2>")
    h.append(svg_columns([(x["bin"], x["articles"]) for x in L["histogram"]], width=800, height=240,
                         title="Articles by length in words"))
    pk = list(L["percentiles"])
    h.append(_table(["min", *pk, "max", "mean"],
                    [[_num(L["min"]), *(_num(L["percentiles"][k]) for k in pk), _num(L["max"]), _num(L["mean"])]],
                    numeric=set(range(len(pk) + 3))))
    o = L["outliers"]
    h.append(f"<p>Outliers: <b>{o['above_p99']}</b> above p99 ({L['percentiles']['p99']} words), "
             f"<b>{o['below_p1']}</b> below p1 ({L['percentiles']['p1']} words).</p>")
    for name, lst in (("Longest", o["longest"]), ("Shortest", o["shortest"])):
        if lst:
            h.append(f"<h3>{name}</h3>")
            h.append(_table(["id", "words", "title", "path"],
                            [[f'<span class="ids">{esc(x["id"])}</span>', _num(x["words"]), esc(x["title"]),
                              f'<span class="ids">{esc(x["path"])}</span>'] for x in lst], numeric={1}))

    # missing, languages, flags
    h.append("<h2>Missing fields</h2>")
    h.append(svg_hbars([(k, v["rate"]) for k, v in r["missing"].items()], fmt=_pct, title="Missing-field rates"))
    h.append(_table(["field", "missing", "rate"], [[esc(k), _num(v["count"]), _pct(v["rate"])]
                                                   for k, v in r["missing"].items()], numeric={1, 2}))
    h.append("<h2>Languages</h2>")
    h.append(svg_hbars([(x["language"], x["articles"]) for x in r["languages"][:15]], title="Languages"))
    h.append("<h2>Quality flags</h2>")
    h.append(_table(["flag", "records", "rate", "counted on", "examples"],
                    [[esc(f["flag"]), _num(f["count"]), _pct(f["rate"]), esc(f["source"]), _idlist(f["examples"])]
                     for f in r["flags"]], numeric={1, 2}))

    # duplicates
    h.append("<h2>Duplicates and story versions removed</h2>")
    h.append(_table(["reason", "removed", "kept records with copies", "largest group"],
                    [[esc(k), _num(v["removed"]), _num(v["kept_records_with_copies"]), _num(v["largest_group"])]
                     for k, v in r["duplicates"].items()], numeric={1, 2, 3}))
    nd = r["near_duplicate_clusters"]
    h.append(f"<h3>Near-duplicate clusters ({nd['clusters']})</h3>")
    if nd["largest"]:
        h.append(_table(["size", "kept", "near duplicates"],
                        [[_num(x["size"]), f'<span class="ids">{esc(x["kept"])}</span>',
                          _idlist(x["duplicates"], x["more"])] for x in nd["largest"]], numeric={0}))
    else:
        h.append('<p class="muted">No near duplicates were removed.</p>')

    # entities
    E = r["entities"]
    h.append("<h2>Entities</h2>")
    h.append(f"<p>{E['mentions']:,} mentions, {E['per_article']} per article.</p>")
    h.append(svg_hbars([(x["label"], x["mentions"]) for x in E["labels"]], title="Entity mentions by label"))
    h.append(_table(["label", "top entities (articles mentioning them)"],
                    [[esc(lab), ", ".join(f"{esc(t['text'])} ({t['articles']})" for t in top)]
                     for lab, top in E["top"].items()]))

    # rejected
    h.append("<h2>Rejected by reason</h2>")
    if r["rejected"]:
        h.append(svg_hbars([(x["reason"], x["count"]) for x in r["rejected"]], title="Rejected by reason"))
    h.append(_table(["reason", "count", "rate", "examples"],
                    [[esc(x["reason"]), _num(x["count"]), _pct(x["rate"]),
                      "<br>".join(f'<span class="ids">{esc(e["id"])}</span> <span class="ids">({esc(e["path"])})'
                                  f"</span>: {esc(e['detail'])}" for e in x["examples"])]
                     for x in r["rejected"]], numeric={1, 2}))
    h.append(_table(["stage", "reasons"], [[esc(s), esc(_compact(d))] for s, d in c["rejected_by_stage"].items()]))

    # consistency + metrics
    h.append("<h2>Consistency</h2>")
    if cons.get("checks"):
        h.append(_table(["check", "report", "recorded", "ok"],
                        [[esc(ch["check"]), esc(_compact(ch["report"])), esc(_compact(ch["recorded"])),
                          '<span class="ok">yes</span>' if ch["ok"] else '<span class="bad">NO</span>']
                         for ch in cons["checks"]]))
    else:
        h.append('<p class="muted">No reports/metrics.json or manifest to compare with.</p>')
    h.append("<h2>Metrics</h2><p class=\"muted\">Names usable in <code>curate quality --fail-on</code>.</p>")
    h.append(_table(["metric", "value"], [[esc(k), esc(_num(v))] for k, v in m.items()], numeric={1}))
    h.append("</body></html>")
    return "\n".join(h) + "\n"
