"""The `curate diff` report as one model: the dict `curate.dataset.diff.diff_versions` returns,
turned into a Document of sections (curate/render/doc.py) that curate/render/to_md.py, to_html.py
and to_text.py write (the terminal's "brief" summary is the text up to the record examples).

Every data-derived string is a `Data`, escaped by the renderer. The formats differ in places (the
terminal lists record examples one per line and the file changes before them; the page shows cards
and a summary box; Markdown a table of counts); `Alt` and `only(...)` hold the variants in place.
"""

from __future__ import annotations

import json
from typing import Any

from curate.render import to_html, to_md, to_text
from curate.render.doc import (
    Alt, Bold, Box, Br, Bullets, Cards, Code, Data, Document, Fence, Gap, Line, Link, Mono, Para, Pre, Raw, Section, Span,
    Table, only)
from curate.render.fmt import fmt_delta
from curate.render.text import for_terminal

KINDS = ("added", "removed", "modified", "moved", "unchanged")
FILES = ("metrics", "params", "schema")
_RECORDS = frozenset({"md", "html", "text"})  # the sections of record examples (not in the brief)


def _val(v: Any, width: int = 120) -> str:
    """A value on one terminal line, cut at `width` characters."""
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    s = for_terminal(s).replace("\n", " ")
    return s if len(s) <= width else s[:width] + "…"


def _json(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def _cell(v: Any) -> Alt:
    """A changed value: Markdown writes None as nothing, the page as JSON (null)."""
    return Alt(md=Data(v), html=Data(_json(v)))


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


def _joined(parts: list, sep) -> tuple:
    return tuple(p for i, part in enumerate(parts) for p in ((sep,) if i else ()) + (part,))


def _terminal_head(report: dict) -> list:
    """The terminal's first lines: fields, counts, file changes (their values unless brief)."""
    s = report["summary"]
    lines = [Line(f"compared fields: {', '.join(report['fields'])}")] if report["fields"] else []
    lines.append(Line("records: " + ", ".join(f"{s[k]} {k}" for k in KINDS)))
    if report["modified_fields"]:
        lines.append(Line("modified fields: " + ", ".join(f"{k} {v}" for k, v in report["modified_fields"].items())))
    if params_only_line(report):
        lines.append(Line(params_only_line(report)))
    for name in FILES:
        ch = report[name]["changes"]
        if ch:
            lines.append(Line(f"{name} ({report[name]['path']}): {len(ch)} changed"))
            lines.append(only("text", *(Line(f"  {c['key']}: {_change_values(c)} {fmt_delta(c.get('delta'))}".rstrip())
                                        for c in ch)))
        lines += [Line(f"  note: {note}") for note in report[name]["notes"]]
    if report["identical"]:
        lines.append(Line("identical: nothing changed"))
    return [only("text brief", *lines)]


def _change_values(c: dict) -> str:
    va = "(absent)" if c["change"] == "added" else _val(c["a"], 60)
    vb = "(absent)" if c["change"] == "removed" else _val(c["b"], 60)
    return f"{va} → {vb}"


def _summary_box(report: dict) -> list:
    a, b, s = report["a"], report["b"], report["summary"]
    lines: list = [(Mono(Data(a["label"])), f": {a['records']:,} records → ", Mono(Data(b["label"])),
                    f": {b['records']:,} records.")]
    if report["identical"]:
        lines.append((Bold("Identical", tag="strong"), ": nothing changed."))
    if report["fields"]:
        lines.append(("Compared fields: ", Data(", ".join(report["fields"])), "."))
    if report["modified_fields"]:
        lines.append(("Modified fields: ", *_joined([(Data(k), f" {v:,}") for k, v in report["modified_fields"].items()],
                                                    ", "), "."))
    if params_only_line(report):
        lines.append((Data(params_only_line(report)), "."))
    for name in FILES:
        n = len(report[name]["changes"])
        if n:
            lines.append((Link(name, f"{n} {name} change{'s' if n != 1 else ''}"), " (",
                          Code(Data(report[name]["path"])), ")."))
    return [only("html", Cards([(f"{s[k]:,}", k) for k in KINDS]), Box("summary", (Line(_joined(lines, Br())),)))]


def _md_summary(report: dict) -> list:
    a, b = report["a"], report["b"]
    out = [Para(("Compared fields: ", Data(", ".join(report["fields"]))))] if report["fields"] else []
    out += [Table(("", *KINDS), [["records", *(str(report["summary"][k]) for k in KINDS)]]),
            Para((Data(a["label"]), f": {a['records']} records; ", Data(b["label"]), f": {b['records']} records."))]
    if report["identical"]:
        out.append(Para((Bold("Identical"), ": nothing changed.")))
    if params_only_line(report):
        out.append(Para(Data(params_only_line(report))))
    return [only("md", *out)]


def _examples(report: dict, kind: str) -> list[Section]:
    rows, total = report["examples"][kind], report["summary"][kind]
    if not rows:
        return []
    sign, title = ("+" if kind == "added" else "-"), kind.capitalize()
    table = Table(("id", "date", "title", "source"),
                  [[Mono(Data(r["id"])), Data(r.get("date") or ""), Data(r.get("title") or ""),
                    Mono(Data(r.get("source") or ""))] for r in rows], dates=frozenset({0, 1}))
    lines = [Line(f"  {sign} {r['id']}  {r.get('date') or ''}  {_val(r.get('title') or '', 70)}  "
                  f"[{r.get('source') or ''}]") for r in rows]
    return [Section(Alt(md=f"{title} (first {len(rows)} of {total})", html=f"{title} (first {len(rows)} of {total:,})",
                        text=f"{kind} (first {len(rows)} of {total}):"),
                    (only("md html", table), only("text", *lines)), formats=_RECORDS)]


def _moved(report: dict) -> list[Section]:
    rows, total = report["examples"]["moved"], report["summary"]["moved"]
    if not rows:
        return []
    md = Table(("from", "to", "also changed"), [[Data(m["from"]), Data(m["to"]), Data(", ".join(m["fields"]))]
                                                for m in rows])
    html = Table(("from", "to", "title", "also changed"),
                 [[Mono(Data(m["from"])), Mono(Data(m["to"])), Data(m.get("title") or ""), Data(", ".join(m["fields"]))]
                  for m in rows])
    lines = [Line(f"  {m['from']} → {m['to']}" + (f"  (also changed: {', '.join(m['fields'])})" if m["fields"] else ""))
             for m in rows]
    return [Section(Alt(md=f"Moved (first {len(rows)} of {total})", html=f"Moved (first {len(rows)} of {total:,})",
                        text=f"moved (first {len(rows)} of {total}):"),
                    (only("md", md), only("html", html), only("text", *lines)), formats=_RECORDS)]


def _text_changes(m: dict) -> list:
    lines = [Line(f"  ~ {m['id']}: {', '.join(m['fields'])}")]
    for name, ch in m["changes"].items():
        if "diff" in ch:
            lines += [Line("      " + line) for line in ch["diff"].splitlines()]
        elif "gained" in ch:
            lines.append(Line(f"    {name}: {ch['a_count']} → {ch['b_count']}" + (
                " (offsets only)" if ch["offsets_only"] else
                f"; gained {_val(ch['gained'], 80)}; lost {_val(ch['lost'], 80)}")))
        else:
            lines.append(Line(f"    {name}: {_val(ch['a'], 80)} → {_val(ch['b'], 80)}"))
    return lines


def _record_changes(m: dict) -> Section:
    md, items = [], []
    for name, ch in m["changes"].items():
        field = Code(Raw(name))
        if "diff" in ch:
            md += [Para((field, ":")), Fence(ch["diff"], "diff")]
            items.append((field, ": ", Pre(ch["diff"], "diff")))
        elif "gained" in ch:
            counts = f": {ch['a_count']} → {ch['b_count']}; gained "
            md.append(Bullets([(field, counts, Data(ch["gained"]), "; lost ", Data(ch["lost"]))]))
            items.append((field, counts, Data(_json(ch["gained"])), "; lost ", Data(_json(ch["lost"]))))
        else:
            md.append(Bullets([(field, ": ", Data(ch["a"]), " → ", Data(ch["b"]))]))
            items.append((field, ": ", Span("del", Data(_json(ch["a"]))), " → ", Span("add", Data(_json(ch["b"])))))
    html = [Para(Data(m["title"]), muted=True)] if m.get("title") else []
    return Section((Mono(Data(m["id"])), ": ", Data(", ".join(m["fields"]))),
                   (only("md", *md, Gap()), only("html", *html, Bullets(items))), level=3,
                   formats=frozenset({"md", "html"}))


def _modified(report: dict) -> list[Section]:
    rows, listed = report["examples"]["modified"], listed_modified(report)
    if not rows:
        return []
    head = Section(Alt(md=f"Modified (first {len(rows)} of {listed})", html=f"Modified (first {len(rows)} of {listed:,})",
                       text=f"modified (first {len(rows)} of {listed}):"),
                   (only("text", *(line for m in rows for line in _text_changes(m))),), formats=_RECORDS)
    return [head, *(_record_changes(m) for m in rows)]


def _files(report: dict) -> list[Section]:
    out = []
    for name in FILES:
        sec = report[name]
        if not (sec["changes"] or sec["notes"]):
            continue
        table = Table(("key", "A", "B", "Δ"), [[Data(c["key"]), _cell(c["a"]), _cell(c["b"]), Data(fmt_delta(c.get("delta")))]
                                               for c in sec["changes"]], numeric=frozenset({1, 2, 3}))
        out.append(Section((name.capitalize(), " (", Code(Raw(sec["path"])), ")"),
                           (only("md", Bullets([Data(n) for n in sec["notes"]])),
                            only("html", *(Para(Data(n)) for n in sec["notes"])),
                            table if sec["changes"] else only("md", Gap())),
                           anchor=name, formats=frozenset({"md", "html"})))
    return out


def _shift_rows(rows: list[dict], *cols: str) -> list[list]:
    return [[*(Data(r[c]) for c in cols), str(r["a"]), str(r["b"]), f"{r['delta']:+d}"] for r in rows]


def _distributions(report: dict) -> list[Section]:
    d = report["distributions"]
    months, labels = month_rows(report), label_rows(report)
    page = frozenset({"md", "html"})
    out = [Section("Distribution shifts", (), formats=page)] if months or labels or d["entities_gained"] or \
        d["entities_lost"] else []
    for title, rows in (("Articles per month", months), ("Entity labels (mentions)", labels)):
        if rows:
            out.append(Section(title, (Table(("", "A", "B", "Δ"), _shift_rows(rows, "key"), numeric=frozenset({1, 2, 3}),
                                             dates=frozenset({0})),), level=3, formats=page))
    for title, key in (("Top entities gained (articles)", "entities_gained"),
                       ("Top entities lost (articles)", "entities_lost")):
        if d[key]:
            out.append(Section(title, (Table(("entity", "label", "A", "B", "Δ"), _shift_rows(d[key], "text", "label"),
                                             numeric=frozenset({2, 3, 4})),), level=3, formats=page))
    lines = []
    if months:
        lines.append(Line("articles per month (changed): " + ", ".join(f"{r['key']} {r['a']}→{r['b']}" for r in months[:24])
                          + (" …" if len(months) > 24 else "")))
    if labels:
        lines.append(Line("entity labels (changed): " + ", ".join(f"{r['key']} {r['a']}→{r['b']}" for r in labels)))
    for word, key in (("gained", "entities_gained"), ("lost", "entities_lost")):
        if d[key]:
            lines.append(Line(f"entities {word}: " + ", ".join(f"{r['text']} ({r['label']}) {r['delta']:+d}"
                                                               for r in d[key])))
    return [*out, Section(None, tuple(lines), formats=frozenset({"text"}))]


def diff_document(report: dict) -> Document:
    """The diff report as a Document: the summary, the record examples, the file changes and the
    distribution shifts."""
    a, b = report["a"], report["b"]
    title = ("curate diff: ", Data(a["label"]), Alt(text=f" ({a['records']} records)"), " → ", Data(b["label"]),
             Alt(text=f" ({b['records']} records)"))
    modified_fields = Table(("field", "records"), [[Data(k), str(v)] for k, v in report["modified_fields"].items()])
    sections = [Section(None, (*_terminal_head(report), *_md_summary(report), *_summary_box(report))),
                *([Section("Modified fields", (modified_fields,), formats=frozenset({"md"}))]
                  if report["modified_fields"] else []),
                *_examples(report, "added"), *_examples(report, "removed"), *_moved(report), *_modified(report),
                *_files(report), *_distributions(report)]
    return Document(title, tuple(sections))


FORMATS = ("text", "md", "html", "json")


def render_md(report: dict) -> str:
    return to_md.render(diff_document(report))


def render_html(report: dict) -> str:
    return to_html.render(diff_document(report))


def render_text(report: dict, brief: bool = False) -> str:
    """The terminal text (`brief`: the summary lines only, up to the record examples)."""
    return to_text.render(diff_document(report), brief=brief)


def render(report: dict, fmt: str) -> str:
    """The diff report in `fmt` (one of FORMATS; anything else: text)."""
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return {"md": render_md, "html": render_html}.get(fmt, render_text)(report)
