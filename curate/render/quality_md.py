"""Render a quality report (the dict `curate.dataset.quality` builds) as Markdown.

Every string that comes from the data goes through `md` (curate/render/text.py): control
characters become visible text and Markdown metacharacters are escaped.
"""

from __future__ import annotations

from curate.render.text import md


def fmt_num(v) -> str:
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") if v else "0"
    return f"{v:,}" if isinstance(v, int) else str(v)


def fmt_pct(v: float) -> str:
    return f"{100 * v:.2f}%"


def fmt_compact(v) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k}={x}" for k, x in v.items())
    return str(v)


def _consistency_word(r: dict) -> str:
    ok = r.get("consistency", {}).get("ok")
    return "no metrics file" if ok is None else ("yes" if ok else "NO")


# ------------------------------------------------------------------------------------- markdown


def _md_table(headers: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out + [""]


def _ids(ids: list, more: int = 0) -> str:
    s = ", ".join(md(i) for i in ids)
    return s + (f" (+{more} more)" if more else "")


def _md_summary(r: dict) -> list[str]:
    c, cov, L = r["counts"], r["coverage"], r["length"]
    m = r.get("metrics", {})
    out = [f"# Quality report: {md(r.get('version', {}).get('label', 'working tree'))}", ""]
    out += [f"Report `{r['report']}`; every count below is recomputed from the records on disk "
            "(curated shards and rejected files).", ""]
    out += ["## Summary", ""]
    out += _md_table(["metric", "value"], [
        ["inputs", fmt_num(c["inputs"])], ["accepted", fmt_num(c["accepted"])], ["rejected", fmt_num(c["rejected"])],
        ["rejected rate", fmt_pct(m.get("rejected_rate", 0.0))],
        ["duplicate rate", fmt_pct(m.get("duplicate_rate", 0.0))],
        ["months covered", f"{md(cov['first_month'])} … {md(cov['last_month'])} ({cov['months']} months, "
                           f"{cov['gap_months']} without articles)"],
        ["words (median / mean)", f"{L['percentiles']['p50']} / {L['mean']}"],
        ["skipped (not articles, not inputs)", fmt_num(r.get("skipped", {}).get("total", 0))],
        ["consistent with metrics.json", _consistency_word(r)],
    ])
    return out


def gap_summary(cov: dict, quote=md) -> str:
    """One sentence on the months without articles: how many, in how many runs, the longest runs."""
    if not cov["gaps"]:
        return "No gaps: every month of the range has articles."
    runs = len(cov["gaps"])
    longest = [(quote(g["from"]) if g["from"] == g["to"] else f"{quote(g['from'])} … {quote(g['to'])}")
               + f" ({g['months']} month{'s' if g['months'] != 1 else ''})" for g in cov.get("longest_gaps", [])]
    more = runs - len(longest)
    return (f"{cov['gap_months']} month{'s' if cov['gap_months'] != 1 else ''} without articles, in {runs} "
            f"run{'s' if runs != 1 else ''}" + ("; the longest: " if more else ": ") + ", ".join(longest)
            + (f", and {more} more" if more else "") + ".")


def _md_coverage(r: dict) -> list[str]:
    cov = r["coverage"]
    unit = cov.get("bin", "month")
    out = ["## Time coverage", "", f"Articles per {unit} with articles (every month, gaps included: "
            "`reports/plots/articles_per_month.json`).", ""]
    out += _md_table([unit, "articles"], [[md(x["period"]), x["articles"]]
                                          for x in cov.get("articles_per_bin", []) if x["articles"]])
    out += [gap_summary(cov), ""]
    out += [f"Records without a usable date: {cov['undated']}.", ""]

    return out


def _md_length(r: dict) -> list[str]:
    L = r["length"]
    out = ["## Length (words)", ""]
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

    return out


def _md_fields(r: dict) -> list[str]:
    out = ["## Missing fields (accepted records)", ""]
    out += _md_table(["field", "missing", "rate"],
                     [[md(k), v["count"], fmt_pct(v["rate"])] for k, v in r["missing"].items()])
    out += ["## Languages", ""]
    out += _md_table(["language", "articles", "rate"],
                     [[md(x["language"]), x["articles"], fmt_pct(x["rate"])] for x in r["languages"]])
    out += ["## Quality flags", ""]
    out += _md_table(["flag", "records", "rate", "counted on", "examples"],
                     [[md(f["flag"]), f["count"], fmt_pct(f["rate"]), f["source"], _ids(f["examples"])]
                      for f in r["flags"]])

    return out


def singletons(scheme: dict) -> bool:
    """Whether every value of a label scheme is on one record only (nothing to chart)."""
    return bool(scheme["top"]) and scheme["top"][0]["articles"] == 1


def singletons_text(scheme: dict, quote=md) -> str:
    examples = ", ".join(quote(t["value"]) for t in scheme["top"][:3])
    n = scheme["values"]
    return (f"{n:,} value{'s' if n != 1 else ''}, each on one record only (e.g. {examples}{', …' if n > 3 else ''}); "
            "no chart.")


def _md_labels(r: dict) -> list[str]:
    lab = r.get("labels") or {}
    out = ["## Labels", "", "The source's own labels (topic folders, Reuters-21578 TOPICS and PLACES, IPTC "
           "subjects, JSON-LD `articleSection`), by scheme.", ""]
    n = lab.get("labelled", 0) + lab.get("unlabelled", 0)
    out += [f"{lab.get('labelled', 0):,} of {n:,} accepted records carry labels; "
            f"{lab.get('unlabelled', 0):,} ({fmt_pct(lab.get('unlabelled_rate', 0.0))}) carry none.", ""]
    if lab.get("schemes"):
        out += _md_table(["scheme", "records", "rate", "distinct values", "top values (records)"],
                         [[md(x["scheme"]), x["articles"], fmt_pct(x["rate"]), x["values"],
                           singletons_text(x) if singletons(x) else
                           ", ".join(f"{md(t['value'])} ({t['articles']})" for t in x["top"])]
                          for x in lab["schemes"]])
    return out


def _md_duplicates(r: dict) -> list[str]:
    out = ["## Duplicates removed", ""]
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

    return out


def _md_entities(r: dict) -> list[str]:
    E = r["entities"]
    out = ["## Entities", "", f"{E['mentions']:,} mentions, {E['per_article']} per article.", ""]
    out += _md_table(["label", "mentions", "articles"], [[md(x["label"]), x["mentions"], x["articles"]]
                                                         for x in E["labels"]])
    out += ["Top entities by label (articles mentioning them):", ""]
    out += _md_table(["label", "top entities"],
                     [[md(label), ", ".join(f"{md(t['text'])} ({t['articles']})" for t in top)]
                      for label, top in E["top"].items()])

    return out


def _md_rejected(r: dict) -> list[str]:
    c = r["counts"]
    out = ["## Rejected by reason", ""]
    out += _md_table(["reason", "count", "rate", "examples (id, path: detail)"],
                     [[md(x["reason"]), x["count"], fmt_pct(x["rate"]),
                       "; ".join(f"{md(e['id'])} ({md(e['path'])}): {md(e['detail'])}" for e in x["examples"])]
                      for x in r["rejected"]])
    out += ["Rejected by stage:", ""]
    out += _md_table(["stage", "reasons"], [[md(s), ", ".join(f"{md(k)}={v}" for k, v in d.items())]
                                            for s, d in c["rejected_by_stage"].items()])
    sk = r.get("skipped") or {}
    out += [f"Skipped items: {sk.get('total', 0):,} parts of multi-item files that are not articles "
            "(WARC requests, revisits, non-HTML or non-2xx responses): not inputs, counted by kind in "
            "`reports/metrics.json`.", ""]
    if sk.get("by_kind"):
        out += _md_table(["kind", "items"], [[md(k), fmt_num(v)] for k, v in sk["by_kind"].items()])
    return out


def _md_consistency(r: dict) -> list[str]:
    m = r.get("metrics", {})
    out = ["## Consistency", ""]
    checks = r.get("consistency", {}).get("checks", [])
    if checks:
        out += _md_table(["check", "report", "recorded", "ok"],
                         [[md(ch["check"]), md(fmt_compact(ch["report"])), md(fmt_compact(ch["recorded"])),
                           "yes" if ch["ok"] else "**NO**"] for ch in checks])
    else:
        out += ["No reports/metrics.json or manifest to compare with.", ""]
    out += ["## Metrics", "", "Names usable in `curate quality --fail-on`.", ""]
    out += _md_table(["metric", "value"], [[md(k), fmt_num(v)] for k, v in m.items()])
    return out


def _md_samples(r: dict) -> list[str]:
    rows = r.get("samples") or []
    if not rows:
        return []
    out = ["## Sample articles", "", "A few accepted articles to read, the same ones whatever the order of the "
           "shards (smallest sha256 of their id).", ""]
    for x in rows:
        out += [f"### {md(x['title'] or '(no title)')}", "",
                f"`{md(x['id'])}` · {md(x['date'] or 'no date')} · {x['words']:,} words · {md(x['path'])}", ""]
        out += ["> " + md(line) if line.strip() else ">" for line in (x["lead"] or "").splitlines()] + [""]
    return out


# The report's sections in order, each with the HTML headings (anchor, title) it opens: the one
# list both formats follow (here `_md_<name>`, in quality_html `_<name>` and its table of contents).
SECTION_ORDER: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("summary", ()),
    ("coverage", (("coverage", "Time coverage"),)),
    ("length", (("length", "Length (words)"),)),
    ("fields", (("missing", "Missing fields"), ("languages", "Languages"), ("flags", "Quality flags"))),
    ("labels", (("labels", "Labels"),)),
    ("duplicates", (("duplicates", "Duplicates"),)),
    ("entities", (("entities", "Entities"),)),
    ("samples", (("samples", "Sample articles"),)),
    ("rejected", (("rejected", "Rejected by reason"),)),
    ("consistency", (("consistency", "Consistency"), ("metrics", "All metrics"))),
)
SECTIONS = tuple(globals()[f"_md_{name}"] for name, _ in SECTION_ORDER)


def render_markdown(r: dict) -> str:
    """The report as Markdown, section by section (the metrics table last)."""
    return "\n".join(line for section in SECTIONS for line in section(r)).rstrip() + "\n"
