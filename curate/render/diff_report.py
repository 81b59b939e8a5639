"""Rendering a `curate diff` report (the dict `curate.dataset.diff.diff_versions` returns).

Formats: `text` (terminal), `md`, `html` (self-contained, every string escaped with
`html.escape`: article text, titles, ids and keys come from the data), `json`.
"""

from __future__ import annotations

import json
from typing import Any

from curate.render.text import for_terminal, md

KINDS = ("added", "removed", "modified", "moved", "unchanged")


def render(report: dict, fmt: str) -> str:
    from curate.render.diff_html import render_html  # lazy: curate.render.diff_html imports this module

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


def params_only_line(report: dict) -> str | None:
    """One line for the records whose only change is the params digest (a params change touches
    every record's provenance): counted here instead of listed one by one."""
    po = report.get("params_only") or {}
    n = po.get("records", 0)
    if not n:
        return None
    changed = ", ".join(po.get("params_changed") or []) or "none in params.yaml"
    return (f"{n} record{'s' if n != 1 else ''} differ only in {po['field']} (params changed: {changed}); "
            "not listed among the modified examples")


def listed_modified(report: dict) -> int:
    """Modified records that are listed: all but those differing only in the params digest."""
    return report["summary"]["modified"] - (report.get("params_only") or {}).get("records", 0)


def month_rows(report: dict) -> list[dict]:
    return [r for r in report["distributions"]["months"] if r["delta"]]


def label_rows(report: dict) -> list[dict]:
    return [r for r in report["distributions"]["entity_labels"] if r["delta"]]


def fmt_delta(d: Any) -> str:
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
    if params_only_line(report):
        out.append(params_only_line(report))
    for name in ("metrics", "params", "schema"):
        ch = report[name]["changes"]
        if ch:
            out.append(f"{name} ({report[name]['path']}): {len(ch)} changed")
            if not brief:
                for c in ch:
                    va = "(absent)" if c["change"] == "added" else _val(c["a"], 60)
                    vb = "(absent)" if c["change"] == "removed" else _val(c["b"], 60)
                    out.append(f"  {c['key']}: {va} → {vb} {fmt_delta(c.get('delta'))}".rstrip())
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
        out.append(f"modified (first {len(ex['modified'])} of {listed_modified(report)}):")
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
    months = month_rows(report)
    if months:
        out.append("articles per month (changed): " + ", ".join(f"{r['key']} {r['a']}→{r['b']}" for r in months[:24])
                   + (" …" if len(months) > 24 else ""))
    labels = label_rows(report)
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
    if params_only_line(report):
        out += [_md(params_only_line(report)), ""]
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
        out += [f"## Modified (first {len(ex['modified'])} of {listed_modified(report)})", ""]
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
                out += [f"| {_md(c['key'])} | {_md(c['a'])} | {_md(c['b'])} | {fmt_delta(c.get('delta'))} |"
                        for c in sec["changes"]]
            out.append("")
    d = report["distributions"]
    months, labels = month_rows(report), label_rows(report)
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
