"""A `curate diff` report as one self-contained HTML page (curate/render/page.py): a summary on top,
then the record examples, the metric, parameter and schema changes and the distribution shifts.

Every data-derived string (ids, titles, paths, keys, values, article text) goes through `esc`.
"""

from __future__ import annotations

import json
from typing import Any

from curate.render.diff_report import KINDS, fmt_delta, label_rows, listed_modified, month_rows, params_only_line
from curate.render.page import cards, page, table
from curate.render.text import esc


def _v(value: Any) -> str:
    return esc(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _id(rid: str) -> str:
    return f'<span class="ids">{esc(rid)}</span>'


def _diff_html(diff: str) -> str:
    lines = []
    for line in diff.splitlines():
        cls = "add" if line.startswith("+") else "del" if line.startswith("-") else ""
        lines.append(f'<span class="{cls}">{esc(line)}</span>' if cls else esc(line))
    return "<pre>" + "\n".join(lines) + "</pre>"


def _summary(report: dict) -> list[str]:
    a, b, s = report["a"], report["b"], report["summary"]
    out = [cards([(f"{s[k]:,}", k) for k in KINDS])]
    lines = [f"{_id(a['label'])}: {a['records']:,} records → {_id(b['label'])}: {b['records']:,} records."]
    if report["identical"]:
        lines.append("<strong>Identical</strong>: nothing changed.")
    if report["fields"]:
        lines.append(f"Compared fields: {esc(', '.join(report['fields']))}.")
    if report["modified_fields"]:
        lines.append("Modified fields: " + ", ".join(f"{esc(k)} {v:,}" for k, v in report["modified_fields"].items())
                     + ".")
    if params_only_line(report):
        lines.append(esc(params_only_line(report)) + ".")
    for name in ("metrics", "params", "schema"):
        n = len(report[name]["changes"])
        if n:
            lines.append(f'<a href="#{name}">{n} {name} change{"s" if n != 1 else ""}</a> '
                         f'(<code>{esc(report[name]["path"])}</code>).')
    out.append('<div class="summary">' + "<br>".join(lines) + "</div>")
    return out


def _records(report: dict) -> list[str]:
    ex, s = report["examples"], report["summary"]
    out = []
    for kind in ("added", "removed"):
        if ex[kind]:
            out += [f"<h2>{kind.capitalize()} (first {len(ex[kind])} of {s[kind]:,})</h2>",
                    table(["id", "date", "title", "source"],
                          [[_id(r["id"]), esc(r.get("date") or ""), esc(r.get("title") or ""),
                            _id(r.get("source") or "")] for r in ex[kind]], dates={0, 1})]
    if ex["moved"]:
        out += [f"<h2>Moved (first {len(ex['moved'])} of {s['moved']:,})</h2>",
                table(["from", "to", "title", "also changed"],
                      [[_id(m["from"]), _id(m["to"]), esc(m.get("title") or ""), esc(", ".join(m["fields"]))]
                       for m in ex["moved"]])]
    if ex["modified"]:
        out.append(f"<h2>Modified (first {len(ex['modified'])} of {listed_modified(report):,})</h2>")
        for m in ex["modified"]:
            out.append(f"<h3>{_id(m['id'])}: {esc(', '.join(m['fields']))}</h3>")
            if m.get("title"):
                out.append(f'<p class="muted">{esc(m["title"])}</p>')
            items = []
            for name, ch in m["changes"].items():
                if "diff" in ch:
                    items.append(f"<li><code>{esc(name)}</code>: {_diff_html(ch['diff'])}</li>")
                elif "gained" in ch:
                    items.append(f"<li><code>{esc(name)}</code>: {ch['a_count']} → {ch['b_count']}; "
                                 f"gained {_v(ch['gained'])}; lost {_v(ch['lost'])}</li>")
                else:
                    items.append(f'<li><code>{esc(name)}</code>: <span class="del">{_v(ch["a"])}</span> → '
                                 f'<span class="add">{_v(ch["b"])}</span></li>')
            out.append("<ul>" + "".join(items) + "</ul>")
    return out


def _files(report: dict) -> list[str]:
    out = []
    for name in ("metrics", "params", "schema"):
        sec = report[name]
        if sec["changes"] or sec["notes"]:
            out.append(f'<h2 id="{name}">{name.capitalize()} (<code>{esc(sec["path"])}</code>)</h2>')
            out += [f"<p>{esc(n)}</p>" for n in sec["notes"]]
            if sec["changes"]:
                out.append(table(["key", "A", "B", "Δ"],
                                 [[esc(c["key"]), _v(c["a"]), _v(c["b"]), esc(fmt_delta(c.get("delta")))]
                                  for c in sec["changes"]], numeric={1, 2, 3}))
    return out


def _distributions(report: dict) -> list[str]:
    d = report["distributions"]
    months, labels = month_rows(report), label_rows(report)
    out = ["<h2>Distribution shifts</h2>"] if months or labels or d["entities_gained"] or d["entities_lost"] else []
    for title, rows in (("Articles per month", months), ("Entity labels (mentions)", labels)):
        if rows:
            out += [f"<h3>{title}</h3>", table(["", "A", "B", "Δ"], [[esc(r["key"]), str(r["a"]), str(r["b"]),
                                                                     f"{r['delta']:+d}"] for r in rows],
                                               numeric={1, 2, 3}, dates={0})]
    for title, key in (("Top entities gained (articles)", "entities_gained"),
                       ("Top entities lost (articles)", "entities_lost")):
        if d[key]:
            out += [f"<h3>{title}</h3>", table(["entity", "label", "A", "B", "Δ"],
                                               [[esc(r["text"]), esc(r["label"]), str(r["a"]), str(r["b"]),
                                                 f"{r['delta']:+d}"] for r in d[key]], numeric={2, 3, 4})]
    return out


def render_html(report: dict) -> str:
    title = f"curate diff: {report['a']['label']} → {report['b']['label']}"
    return page(title, [f"<h1>{esc(title)}</h1>", *_summary(report), *_records(report), *_files(report),
                        *_distributions(report)])
