"""Render a quality report (the dict `curate.dataset.quality` builds) as self-contained HTML.

One page (curate/render/page.py: inline styles, inline SVG charts from curate/render/svg.py, a
Content-Security-Policy forbidding scripts and remote loads), section by section: a table of
contents, the summary cards, coverage, length, fields, duplicates, entities, sample articles,
rejections, consistency, and the metrics table folded in a closed <details> at the end. Every
string that comes from the data goes through `esc`: control characters, such as the terminal
escape ESC, become visible `\\x1b` text and HTML metacharacters are escaped. The Markdown format is
curate/render/quality_md.py.
"""

from __future__ import annotations

from curate.render.page import cards, page, table, toc
from curate.render.quality_md import (  # noqa: F401 - importable here
    SECTION_ORDER, fmt_compact, fmt_num, fmt_pct, gap_summary, render_markdown, singletons, singletons_text)
from curate.render.svg import BAR, GAP, svg_columns, svg_hbars  # noqa: F401 - BAR: the screenshot test
from curate.render.text import esc, md, visible  # noqa: F401 - the one escaping rule

# the table of contents: the headings of quality_md.SECTION_ORDER (the one section list), in order
SECTIONS = tuple(head for _, heads in SECTION_ORDER for head in heads)


def _ids(ids: list, more: int = 0) -> str:
    s = ", ".join(esc(i) for i in ids)
    return f'<span class="ids">{s}</span>' + (f" (+{more} more)" if more else "")


def _h2(anchor: str) -> str:
    return f'<h2 id="{anchor}">{dict(SECTIONS)[anchor]}</h2>'


def _summary(r: dict) -> list[str]:
    c, cov, L, m = r["counts"], r["coverage"], r["length"], r.get("metrics", {})
    ok = r.get("consistency", {}).get("ok")
    ok_html = ('<span class="muted">no metrics file</span>' if ok is None
               else '<span class="ok">yes</span>' if ok else '<span class="bad">NO</span>')
    items = [(esc(v), t) for t, v in (
        ("inputs", fmt_num(c["inputs"])), ("accepted", fmt_num(c["accepted"])), ("rejected", fmt_num(c["rejected"])),
        ("rejected rate", fmt_pct(m.get("rejected_rate", 0.0))), ("duplicate rate", fmt_pct(m.get("duplicate_rate", 0.0))),
        ("median words", fmt_num(L["percentiles"]["p50"])), ("months / gaps", f"{cov['months']} / {cov['gap_months']}"))]
    if r.get("skipped", {}).get("total"):
        items.append((esc(fmt_num(r["skipped"]["total"])), "skipped (not articles)"))
    return [f'<p class="muted">Report <code>{esc(r["report"])}</code>. Every count is recomputed from the '
            "records on disk (curated shards and rejected files); the consistency section compares them "
            "with <code>reports/metrics.json</code> and the manifest.</p>",
            cards([*items, (ok_html, "matches metrics.json")]), toc(list(SECTIONS))]


def _coverage(r: dict) -> list[str]:
    cov = r["coverage"]
    unit = cov.get("bin", "month")
    rows = [(x["period"], x["articles"]) for x in cov.get("articles_per_bin", [])]
    empty = sum(1 for _, v in rows if not v)
    ticks = f" (red ticks: {empty} {unit}s without any)" if empty else ""
    out = [_h2("coverage"),
           f"<p>{esc(cov['first_month'] or '–')} to {esc(cov['last_month'] or '–')}: {cov['months']} months, "
           f"{cov['months_with_articles']} with articles, <b>{cov['gap_months']}</b> without. "
           f"Records without a usable date: {cov['undated']}.</p>"]
    if rows:
        out.append(svg_columns(rows, label_every=max(1, len(rows) // 40), highlight_zero=True,
                               title=f"Articles per {unit}", x_title=unit + ticks, y_title="articles"))
    if cov["gaps"]:
        out.append(f"<p>Gaps: {gap_summary(cov, esc)}</p>")
    return out


def _length(r: dict) -> list[str]:
    L, o = r["length"], r["length"]["outliers"]
    pk = list(L["percentiles"])
    out = [_h2("length"),
           svg_columns([(x["bin"], x["articles"]) for x in L["histogram"]], width=800, height=260,
                       title="Articles by length in words", x_title="words", y_title="articles"),
           table(["min", *pk, "max", "mean"],
                 [[fmt_num(L["min"]), *(fmt_num(L["percentiles"][k]) for k in pk), fmt_num(L["max"]), fmt_num(L["mean"])]],
                 numeric=set(range(len(pk) + 3))),
           f"<p>Outliers: <b>{o['above_p99']}</b> above p99 ({L['percentiles']['p99']} words), "
           f"<b>{o['below_p1']}</b> below p1 ({L['percentiles']['p1']} words).</p>"]
    for name, lst in (("Longest", o["longest"]), ("Shortest", o["shortest"])):
        if lst:
            out += [f"<h3>{name}</h3>", table(["id", "words", "title", "path"],
                                              [[_ids([x["id"]]), fmt_num(x["words"]), esc(x["title"]), _ids([x["path"]])]
                                               for x in lst], numeric={1})]
    return out


def _fields(r: dict) -> list[str]:
    return [
        _h2("missing"),
        '<p class="muted">Share of accepted records without the field; a full bar is 100%.</p>',
        svg_hbars([(k, v["rate"]) for k, v in r["missing"].items()], fmt=fmt_pct, scale_max=1.0,
                  title="Missing-field rates"),
        table(["field", "missing", "rate"], [[esc(k), fmt_num(v["count"]), fmt_pct(v["rate"])]
                                             for k, v in r["missing"].items()], numeric={1, 2}),
        _h2("languages"),
        svg_hbars([(x["language"], x["articles"]) for x in r["languages"][:15]], fmt=fmt_num, title="Languages"),
        _h2("flags"),
        table(["flag", "records", "rate", "counted on", "examples"],
              [[esc(f["flag"]), fmt_num(f["count"]), fmt_pct(f["rate"]), esc(f["source"]), _ids(f["examples"])]
               for f in r["flags"]], numeric={1, 2}),
    ]


def _labels(r: dict) -> list[str]:
    lab = r.get("labels") or {}
    n = lab.get("labelled", 0) + lab.get("unlabelled", 0)
    out = [_h2("labels"), f"<p>The source's own labels (topic folders, Reuters-21578 TOPICS and PLACES, IPTC "
           f"subjects, JSON-LD <code>articleSection</code>): <b>{lab.get('labelled', 0):,}</b> of {n:,} accepted "
           f"records carry some, <b>{lab.get('unlabelled', 0):,}</b> ({fmt_pct(lab.get('unlabelled_rate', 0.0))}) "
           "none.</p>"]
    schemes = lab.get("schemes") or []
    if not schemes:
        return [*out, '<p class="muted">No record carries labels.</p>']
    out.append(table(["scheme", "records", "rate", "distinct values"],
                     [[esc(x["scheme"]), fmt_num(x["articles"]), fmt_pct(x["rate"]), fmt_num(x["values"])] for x in schemes],
                     numeric={1, 2, 3}))
    for x in schemes:
        if singletons(x):  # a chart of bars all of length one says nothing
            out.append(f"<p><b>{esc(x['scheme'])}</b>: {singletons_text(x, esc)}</p>")
            continue
        shown = len(x["top"])
        out += [f"<h3>{esc(x['scheme'])}: top {shown} of {fmt_num(x['values'])} values</h3>",
                svg_hbars([(t["value"], t["articles"]) for t in x["top"]], fmt=fmt_num,
                          title=f"Records by {x['scheme']} label")]
    return out


def _duplicates(r: dict) -> list[str]:
    nd = r["near_duplicate_clusters"]
    out = [_h2("duplicates"),
           table(["reason", "removed", "kept records with copies", "largest group"],
                 [[esc(k), fmt_num(v["removed"]), fmt_num(v["kept_records_with_copies"]), fmt_num(v["largest_group"])]
                  for k, v in r["duplicates"].items()], numeric={1, 2, 3}),
           f"<h3>Near-duplicate clusters ({nd['clusters']})</h3>"]
    if nd["largest"]:
        out.append(table(["size", "kept", "near duplicates"],
                         [[fmt_num(x["size"]), _ids([x["kept"]]), _ids(x["duplicates"], x["more"])]
                          for x in nd["largest"]], numeric={0}))
    else:
        out.append('<p class="muted">No near duplicates were removed.</p>')
    return out


def _entities(r: dict) -> list[str]:
    E = r["entities"]
    return [_h2("entities"), f"<p>{E['mentions']:,} mentions, {E['per_article']} per article.</p>",
            svg_hbars([(x["label"], x["mentions"]) for x in E["labels"]], fmt=fmt_num, title="Entity mentions by label"),
            table(["label", "top entities (articles mentioning them)"],
                  [[esc(lab), ", ".join(f"{esc(t['text'])} ({t['articles']})" for t in top)]
                   for lab, top in E["top"].items()])]


def _samples(r: dict) -> list[str]:
    rows = r.get("samples") or []
    out = [_h2("samples"), '<p class="muted">A few accepted articles to read, the same ones whatever the '
           "order of the shards (the smallest sha256 of their id).</p>"]
    if not rows:
        return [*out, '<p class="muted">No accepted articles.</p>']
    for x in rows:
        out.append(f'<div class="sample"><b>{esc(x["title"] or "(no title)")}</b><br>'
                   f'<span class="muted">{esc(x["date"] or "no date")} · {x["words"]:,} words · '
                   f'{_ids([x["id"]])} · {_ids([x["path"]])}</span><p>{esc(x["lead"] or "")}</p></div>')
    return out


def _rejected(r: dict) -> list[str]:
    out = [_h2("rejected")]
    if r["rejected"]:
        out.append(svg_hbars([(x["reason"], x["count"]) for x in r["rejected"]], fmt=fmt_num, title="Rejected by reason"))
    else:
        out.append('<p class="muted">No input was rejected.</p>')
    out.append(table(["reason", "count", "rate", "examples"],
                     [[esc(x["reason"]), fmt_num(x["count"]), fmt_pct(x["rate"]),
                       "<br>".join(f"{_ids([e['id']])} {_ids(['(' + str(e['path']) + ')'])}: {esc(e['detail'])}"
                                   for e in x["examples"])] for x in r["rejected"]], numeric={1, 2})
               if r["rejected"] else "")
    if r["counts"]["rejected_by_stage"]:
        out.append(table(["stage", "reasons"], [[esc(s), esc(fmt_compact(d))]
                                                for s, d in r["counts"]["rejected_by_stage"].items()]))
    sk = r.get("skipped") or {}
    out.append(f"<h3>Skipped items ({sk.get('total', 0):,})</h3><p class=\"muted\">Parts of multi-item files "
               "that are not articles (WARC requests, revisits, non-HTML or non-2xx responses): not inputs, "
               "counted by kind in <code>reports/metrics.json</code>.</p>")
    if sk.get("by_kind"):
        out.append(table(["kind", "items"], [[esc(k), fmt_num(v)] for k, v in sk["by_kind"].items()], numeric={1}))
    return out


def _consistency(r: dict) -> list[str]:
    cons, m = r.get("consistency", {}), r.get("metrics", {})
    out = [_h2("consistency")]
    if cons.get("checks"):
        out.append(table(["check", "report", "recorded", "ok"],
                         [[esc(ch["check"]), esc(fmt_compact(ch["report"])), esc(fmt_compact(ch["recorded"])),
                           '<span class="ok">yes</span>' if ch["ok"] else '<span class="bad">NO</span>']
                          for ch in cons["checks"]]))
    else:
        out.append('<p class="muted">No reports/metrics.json or manifest to compare with.</p>')
    out += [_h2("metrics"), f"<details><summary>{len(m)} metrics, the names "
            "<code>curate quality --fail-on</code> rules use</summary>",
            table(["metric", "value"], [[esc(k), esc(fmt_num(v))] for k, v in m.items()], numeric={1}), "</details>"]
    return out


def render_html(r: dict) -> str:
    label = r.get("version", {}).get("label", "working tree")
    parts = [f"<h1>Quality report: {esc(label)}</h1>"]
    for name, _ in SECTION_ORDER:
        parts += globals()[f"_{name}"](r)
    return page(f"Quality report: {label}", parts)
