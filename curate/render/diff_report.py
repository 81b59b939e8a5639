"""Rendering a `curate diff` report (the dict `curate.dataset.diff.diff_versions` returns).

Formats: `text` (terminal), `md`, `html` (self-contained, every string escaped with
`html.escape`: article text, titles, ids and keys come from the data), `json`.
"""

from __future__ import annotations

import json
from typing import Any

from curate.render.text import esc, for_terminal, md

KINDS = ("added", "removed", "modified", "moved", "unchanged")


def render(report: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    if fmt == "md":
        return render_md(report)
    if fmt == "html":
        return render_html(report)
    return render_text(report)




def _safe(s: str) -> str:
    """No terminal control sequences from article data (ESC, CR, bidi, …) in the terminal summary."""
    return for_terminal(s)


def _val(v: Any, width: int = 120) -> str:
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    s = _safe(s).replace("\n", " ")
    return s if len(s) <= width else s[:width] + "…"


def _headline(report: dict) -> str:
    a, b = report["a"], report["b"]
    return f"{a['label']} ({a['records']} records) → {b['label']} ({b['records']} records)"


def _counts(report: dict) -> str:
    s = report["summary"]
    return ", ".join(f"{s[k]} {k}" for k in KINDS)


def _month_rows(report: dict) -> list[dict]:
    return [r for r in report["distributions"]["months"] if r["delta"]]


def _label_rows(report: dict) -> list[dict]:
    return [r for r in report["distributions"]["entity_labels"] if r["delta"]]


def _fmt_delta(d: Any) -> str:
    if isinstance(d, (int, float)) and not isinstance(d, bool):
        return f"{d:+g}" if isinstance(d, float) else f"{d:+d}"
    return ""


# ------------------------------------------------------------------------------------------ text


def render_text(report: dict, brief: bool = False) -> str:
    out = [f"curate diff: {_headline(report)}"]
    if report["fields"]:
        out.append(f"compared fields: {', '.join(report['fields'])}")
    out.append(f"records: {_counts(report)}")
    if report["modified_fields"]:
        out.append("modified fields: " + ", ".join(f"{k} {v}" for k, v in report["modified_fields"].items()))
    for name in ("metrics", "params", "schema"):
        ch = report[name]["changes"]
        if ch:
            out.append(f"{name} ({report[name]['path']}): {len(ch)} changed")
            if not brief:
                for c in ch:
                    va = "(absent)" if c["change"] == "added" else _val(c["a"], 60)
                    vb = "(absent)" if c["change"] == "removed" else _val(c["b"], 60)
                    out.append(f"  {c['key']}: {va} → {vb} {_fmt_delta(c.get('delta'))}".rstrip())
        for note in report[name]["notes"]:
            out.append(f"  note: {note}")
    if report["identical"]:
        out.append("identical: nothing changed")
        return _safe("\n".join(out)) + "\n"
    if brief:
        return _safe("\n".join(out)) + "\n"
    ex = report["examples"]
    for kind in ("added", "removed"):
        if ex[kind]:
            out.append(f"{kind} (first {len(ex[kind])} of {report['summary'][kind]}):")
            for r in ex[kind]:
                sign = "+" if kind == "added" else "-"
                out.append(f"  {sign} {r['id']}  {r.get('date') or ''}  "
                           f"{_val(r.get('title') or '', 70)}  [{r.get('source') or ''}]")
    if ex["moved"]:
        out.append(f"moved (first {len(ex['moved'])} of {report['summary']['moved']}):")
        for m in ex["moved"]:
            extra = m["fields"]
            out.append(f"  {m['from']} → {m['to']}" + (f"  (also changed: {', '.join(extra)})" if extra else ""))
    if ex["modified"]:
        out.append(f"modified (first {len(ex['modified'])} of {report['summary']['modified']}):")
        for m in ex["modified"]:
            out.append(_safe(f"  ~ {m['id']}: {', '.join(m['fields'])}"))
            for name, ch in m["changes"].items():
                if "diff" in ch:
                    out.extend("      " + _safe(line) for line in ch["diff"].splitlines())
                elif "gained" in ch:
                    out.append(f"    {name}: {ch['a_count']} → {ch['b_count']}"
                               + (" (offsets only)" if ch["offsets_only"] else
                                  f"; gained {_val(ch['gained'], 80)}; lost {_val(ch['lost'], 80)}"))
                else:
                    out.append(f"    {name}: {_val(ch['a'], 80)} → {_val(ch['b'], 80)}")
    months = _month_rows(report)
    if months:
        out.append("articles per month (changed): " + ", ".join(f"{r['key']} {r['a']}→{r['b']}" for r in months[:24])
                   + (" …" if len(months) > 24 else ""))
    labels = _label_rows(report)
    if labels:
        out.append("entity labels (changed): " + ", ".join(f"{r['key']} {r['a']}→{r['b']}" for r in labels))
    d = report["distributions"]
    if d["entities_gained"]:
        out.append("entities gained: " + ", ".join(f"{r['text']} ({r['label']}) {r['delta']:+d}" for r in d["entities_gained"]))
    if d["entities_lost"]:
        out.append("entities lost: " + ", ".join(f"{r['text']} ({r['label']}) {r['delta']:+d}" for r in d["entities_lost"]))
    return _safe("\n".join(out)) + "\n"


# -------------------------------------------------------------------------------------- markdown


_md = md  # a table cell: the one Markdown rule (curate.render.text)


def _fence(body: str, lang: str = "") -> str:
    ticks = "```"
    while ticks in body:
        ticks += "`"
    return f"{ticks}{lang}\n{body}\n{ticks}"


def render_md(report: dict) -> str:
    out = [f"# curate diff: {_md(report['a']['label'])} → {_md(report['b']['label'])}", ""]
    if report["fields"]:
        out += [f"Compared fields: {', '.join(_md(f) for f in report['fields'])}", ""]
    out += ["| | " + " | ".join(KINDS) + " |", "|---|" + "---|" * len(KINDS),
            "| records | " + " | ".join(str(report["summary"][k]) for k in KINDS) + " |", "",
            f"{_md(report['a']['label'])}: {report['a']['records']} records; "
            f"{_md(report['b']['label'])}: {report['b']['records']} records.", ""]
    if report["identical"]:
        out += ["**Identical**: nothing changed.", ""]
    if report["modified_fields"]:
        out += ["## Modified fields", "", "| field | records |", "|---|---|"]
        out += [f"| {_md(k)} | {v} |" for k, v in report["modified_fields"].items()] + [""]
    ex = report["examples"]
    for kind in ("added", "removed"):
        if ex[kind]:
            out += [f"## {kind.capitalize()} (first {len(ex[kind])} of {report['summary'][kind]})", "",
                    "| id | date | title | source |", "|---|---|---|---|"]
            out += [f"| {_md(r['id'])} | {_md(r.get('date') or '')} | {_md(r.get('title') or '')} | "
                    f"{_md(r.get('source') or '')} |" for r in ex[kind]] + [""]
    if ex["moved"]:
        out += [f"## Moved (first {len(ex['moved'])} of {report['summary']['moved']})", "",
                "| from | to | also changed |", "|---|---|---|"]
        out += [f"| {_md(m['from'])} | {_md(m['to'])} | {_md(', '.join(m['fields']))} |" for m in ex["moved"]] + [""]
    if ex["modified"]:
        out += [f"## Modified (first {len(ex['modified'])} of {report['summary']['modified']})", ""]
        for m in ex["modified"]:
            out += [f"### {_md(m['id'])}: {_md(', '.join(m['fields']))}", ""]
            for name, ch in m["changes"].items():
                if "diff" in ch:
                    out += [f"`{name}`:", "", _fence(ch["diff"], "diff"), ""]
                elif "gained" in ch:
                    out += [f"- `{name}`: {ch['a_count']} → {ch['b_count']}; gained {_md(ch['gained'])}; "
                            f"lost {_md(ch['lost'])}"]
                else:
                    out += [f"- `{name}`: {_md(ch['a'])} → {_md(ch['b'])}"]
            out.append("")
    for name in ("metrics", "params", "schema"):
        sec = report[name]
        if sec["changes"] or sec["notes"]:
            out += [f"## {name.capitalize()} (`{sec['path']}`)", ""]
            out += [f"- {_md(n)}" for n in sec["notes"]]
            if sec["changes"]:
                out += ["| key | A | B | Δ |", "|---|---|---|---|"]
                out += [f"| {_md(c['key'])} | {_md(c['a'])} | {_md(c['b'])} | {_fmt_delta(c.get('delta'))} |"
                        for c in sec["changes"]]
            out.append("")
    d = report["distributions"]
    months, labels = _month_rows(report), _label_rows(report)
    if months or labels or d["entities_gained"] or d["entities_lost"]:
        out += ["## Distribution shifts", ""]
    for title, rows in (("Articles per month", months), ("Entity labels (mentions)", labels)):
        if rows:
            out += [f"### {title}", "", "| | A | B | Δ |", "|---|---|---|---|"]
            out += [f"| {_md(r['key'])} | {r['a']} | {r['b']} | {r['delta']:+d} |" for r in rows] + [""]
    for title, key in (("Top entities gained (articles)", "entities_gained"), ("Top entities lost (articles)", "entities_lost")):
        if d[key]:
            out += [f"### {title}", "", "| entity | label | A | B | Δ |", "|---|---|---|---|---|"]
            out += [f"| {_md(r['text'])} | {_md(r['label'])} | {r['a']} | {r['b']} | {r['delta']:+d} |"
                    for r in d[key]] + [""]
    return "\n".join(out).rstrip() + "\n"


# ------------------------------------------------------------------------------------------ html

_CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}pre{background:#f7f7f7;padding:.6em;white-space:pre-wrap;overflow-wrap:anywhere}
.add{color:#1a7f37}.del{color:#cf222e}.num{text-align:right}code{background:#f3f3f3}"""


_h = esc  # every data-derived string in HTML goes through the one rule (curate.render.text)


def _table(head: list[str], rows: list[list[Any]]) -> str:
    th = "".join(f"<th>{_h(x)}</th>" for x in head)
    body = "".join("<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def _diff_html(diff: str) -> str:
    lines = []
    for line in diff.splitlines():
        cls = "add" if line.startswith("+") else "del" if line.startswith("-") else ""
        lines.append(f'<span class="{cls}">{_h(line)}</span>' if cls else _h(line))
    return "<pre>" + "\n".join(lines) + "</pre>"


def render_html(report: dict) -> str:
    a, b = report["a"], report["b"]
    title = f"curate diff: {a['label']} → {b['label']}"
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{_h(title)}</title><style>{_CSS}</style></head><body>", f"<h1>{_h(title)}</h1>"]
    if report["fields"]:
        out.append(f"<p>Compared fields: {_h(', '.join(report['fields']))}</p>")
    out.append(_table(["", *KINDS], [["records", *[report["summary"][k] for k in KINDS]]]))
    out.append(f"<p>{_h(a['label'])}: {a['records']} records; {_h(b['label'])}: {b['records']} records.</p>")
    if report["identical"]:
        out.append("<p><strong>Identical</strong>: nothing changed.</p>")
    if report["modified_fields"]:
        out += ["<h2>Modified fields</h2>", _table(["field", "records"], [[k, v] for k, v in report["modified_fields"].items()])]
    ex = report["examples"]
    for kind in ("added", "removed"):
        if ex[kind]:
            out += [f"<h2>{kind.capitalize()} (first {len(ex[kind])} of {report['summary'][kind]})</h2>",
                    _table(["id", "date", "title", "source"],
                           [[r["id"], r.get("date") or "", r.get("title") or "", r.get("source") or ""] for r in ex[kind]])]
    if ex["moved"]:
        out += [f"<h2>Moved (first {len(ex['moved'])} of {report['summary']['moved']})</h2>",
                _table(["from", "to", "title", "also changed"],
                       [[m["from"], m["to"], m.get("title") or "", ", ".join(m["fields"])] for m in ex["moved"]])]
    if ex["modified"]:
        out.append(f"<h2>Modified (first {len(ex['modified'])} of {report['summary']['modified']})</h2>")
        for m in ex["modified"]:
            out.append(f"<h3>{_h(m['id'])}: {_h(', '.join(m['fields']))}</h3>")
            if m.get("title"):
                out.append(f"<p>{_h(m['title'])}</p>")
            items = []
            for name, ch in m["changes"].items():
                if "diff" in ch:
                    items.append(f"<li><code>{_h(name)}</code>: {_diff_html(ch['diff'])}</li>")
                elif "gained" in ch:
                    items.append(f"<li><code>{_h(name)}</code>: {ch['a_count']} → {ch['b_count']}; "
                                 f"gained {_h(ch['gained'])}; lost {_h(ch['lost'])}</li>")
                else:
                    items.append(f"<li><code>{_h(name)}</code>: <span class=\"del\">{_h(ch['a'])}</span> → "
                                 f"<span class=\"add\">{_h(ch['b'])}</span></li>")
            out.append("<ul>" + "".join(items) + "</ul>")
    for name in ("metrics", "params", "schema"):
        sec = report[name]
        if sec["changes"] or sec["notes"]:
            out.append(f"<h2>{name.capitalize()} (<code>{_h(sec['path'])}</code>)</h2>")
            out += [f"<p>{_h(n)}</p>" for n in sec["notes"]]
            if sec["changes"]:
                out.append(_table(["key", "A", "B", "Δ"],
                                  [[c["key"], c["a"], c["b"], _fmt_delta(c.get("delta"))] for c in sec["changes"]]))
    d = report["distributions"]
    months, labels = _month_rows(report), _label_rows(report)
    if months or labels or d["entities_gained"] or d["entities_lost"]:
        out.append("<h2>Distribution shifts</h2>")
    for title2, rows in (("Articles per month", months), ("Entity labels (mentions)", labels)):
        if rows:
            out += [f"<h3>{title2}</h3>", _table(["", "A", "B", "Δ"], [[r["key"], r["a"], r["b"], f"{r['delta']:+d}"] for r in rows])]
    for title2, key in (("Top entities gained (articles)", "entities_gained"), ("Top entities lost (articles)", "entities_lost")):
        if d[key]:
            out += [f"<h3>{title2}</h3>", _table(["entity", "label", "A", "B", "Δ"],
                                               [[r["text"], r["label"], r["a"], r["b"], f"{r['delta']:+d}"] for r in d[key]])]
    out.append("</body></html>")
    return "\n".join(out) + "\n"
