"""The quality report as one model: the report dict (curate/report/accumulator.py builds it) turned
into a Document of sections (curate/render/doc.py), which curate/render/to_md.py and to_html.py
write. Adding a section is one builder here and its line in SECTION_ORDER.

Every data-derived string is a `Data`, escaped by the renderer. Where the Markdown file and the
HTML page say a thing differently (the page draws charts, folds the metrics, frames the samples),
`Alt` and `only(...)` hold both variants side by side.
"""

from __future__ import annotations

from curate.render.doc import (
    Alt, Bold, Box, Br, Cards, Code, Columns, Data, Details, Document, HBars, Heading, Line, Mono, Para, Quote, Raw,
    Section, Span, Table, Toc, only)
from curate.render.fmt import fmt_compact, fmt_num, fmt_pct

# The report's sections in order, each with the headings (anchor, HTML title) it opens: the table
# of contents, the HTML page and the Markdown file follow it (`_<name>` builds each).
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
SECTIONS = tuple(head for _, heads in SECTION_ORDER for head in heads)  # the table of contents
_TITLES = dict(SECTIONS)
# where the Markdown heading says more (or less) than the page's
_MD_TITLES = {"missing": "Missing fields (accepted records)", "duplicates": "Duplicates removed",
              "metrics": "Metrics"}


def _section(anchor: str, *blocks, formats: str | None = None) -> Section:
    title = _TITLES[anchor]
    md_title = _MD_TITLES.get(anchor, title)
    kw = {"formats": frozenset(formats.split())} if formats else {}
    return Section(title if md_title == title else Alt(md=md_title, html=title), tuple(blocks), anchor, **kw)


def n2(v) -> Alt:
    """A number as Markdown writes it (str) and as the page does (thousands separators)."""
    return Alt(md=str(v), html=fmt_num(v))


def hb(x) -> Alt:
    """Bold on the page, plain in Markdown."""
    return Alt(md=x, html=Bold(x))


def ids(values: list, more: int = 0) -> tuple:
    joined = tuple(p for i, v in enumerate(values) for p in ((", ",) if i else ()) + (Data(v),))
    return (Mono(joined), f" (+{more} more)" if more else "")


def gap_summary(cov: dict) -> tuple:
    """One sentence on the months without articles: how many, in how many runs, the longest runs."""
    if not cov["gaps"]:
        return ("No gaps: every month of the range has articles.",)
    runs = len(cov["gaps"])
    longest: list = []
    for i, g in enumerate(cov.get("longest_gaps", [])):
        span = (Data(g["from"]),) if g["from"] == g["to"] else (Data(g["from"]), " … ", Data(g["to"]))
        longest += [", "] * bool(i) + [*span, f" ({g['months']} month{'s' if g['months'] != 1 else ''})"]
    more = runs - len(cov.get("longest_gaps", []))
    return (f"{cov['gap_months']} month{'s' if cov['gap_months'] != 1 else ''} without articles, in {runs} "
            f"run{'s' if runs != 1 else ''}" + ("; the longest: " if more else ": "), *longest,
            (f", and {more} more" if more else "") + ".")


def singletons(scheme: dict) -> bool:
    """Whether every value of a label scheme is on one record only (nothing to chart)."""
    return bool(scheme["top"]) and scheme["top"][0]["articles"] == 1


def singletons_text(scheme: dict) -> tuple:
    examples = tuple(p for i, t in enumerate(scheme["top"][:3]) for p in ((", ",) if i else ()) + (Data(t["value"]),))
    n = scheme["values"]
    return (f"{n:,} value{'s' if n != 1 else ''}, each on one record only (e.g. ", *examples,
            f"{', …' if n > 3 else ''}); no chart.")


def months(n: int) -> str:
    return f"{n} month" + ("" if n == 1 else "s")


def _consistency_word(r: dict):
    ok = r.get("consistency", {}).get("ok")
    return Alt(md="no metrics file" if ok is None else ("yes" if ok else "NO"),
               html=Span("muted", "no metrics file") if ok is None else Span("ok", "yes") if ok else Span("bad", "NO"))


def _summary(r: dict) -> list[Section]:
    c, cov, L, m = r["counts"], r["coverage"], r["length"], r.get("metrics", {})
    cards = [(Data(v), t) for t, v in (
        ("inputs", fmt_num(c["inputs"])), ("accepted", fmt_num(c["accepted"])), ("rejected", fmt_num(c["rejected"])),
        ("rejected rate", fmt_pct(m.get("rejected_rate", 0.0))), ("duplicate rate", fmt_pct(m.get("duplicate_rate", 0.0))),
        ("median words", fmt_num(L["percentiles"]["p50"])), ("months / gaps", f"{cov['months']} / {cov['gap_months']}"))]
    if r.get("skipped", {}).get("total"):
        cards.append((Data(fmt_num(r["skipped"]["total"])), "skipped (not articles)"))
    lead = Section(None, (
        only("md", Para(("Report ", Code(Raw(r["report"])),
                         "; every count below is recomputed from the records on disk (curated shards and rejected "
                         "files)."))),
        only("html", Para(("Report ", Code(Raw(r["report"])), ". Every count is recomputed from the records on disk "
                           "(curated shards and rejected files); the consistency section compares them with ",
                           Code("reports/metrics.json"), " and the manifest."), muted=True),
             Cards([*cards, (_consistency_word(r), "matches metrics.json")]), Toc())))
    table = Table(("metric", "value"), [
        ["inputs", fmt_num(c["inputs"])], ["accepted", fmt_num(c["accepted"])], ["rejected", fmt_num(c["rejected"])],
        ["rejected rate", fmt_pct(m.get("rejected_rate", 0.0))],
        ["duplicate rate", fmt_pct(m.get("duplicate_rate", 0.0))],
        ["months covered", (Data(cov["first_month"]), " … ", Data(cov["last_month"]),
                            f" ({months(cov['months'])}, {cov['gap_months']} without articles)")],
        ["words (median / mean)", f"{L['percentiles']['p50']} / {L['mean']}"],
        ["skipped (not articles, not inputs)", fmt_num(r.get("skipped", {}).get("total", 0))],
        ["consistent with metrics.json", _consistency_word(r)],
    ])
    return [lead, Section("Summary", (table,), formats=frozenset({"md"}))]



def _coverage(r: dict) -> list[Section]:
    cov = r["coverage"]
    unit = cov.get("bin", "month")
    rows = [(x["period"], x["articles"]) for x in cov.get("articles_per_bin", [])]
    empty = sum(1 for _, v in rows if not v)
    ticks = f" (red ticks: {empty} {unit}s without any)" if empty else ""
    md = only("md", Para((f"Articles per {unit} with articles (every month, gaps included: ",
                          Code("reports/plots/articles_per_month.json"), ").")),
              Table((unit, "articles"), [[Data(p), str(v)] for p, v in rows if v]),
              Para(gap_summary(cov)), Para(f"Records without a usable date: {cov['undated']}."))
    html = only("html", Para((Data(cov["first_month"] or "–"), " to ", Data(cov["last_month"] or "–"),
                              f": {months(cov['months'])}, {cov['months_with_articles']} with articles, ",
                              Bold(str(cov["gap_months"])), " without. Records without a usable date: "
                              f"{cov['undated']}.")),
                *([Columns(rows, dict(label_every=max(1, len(rows) // 40), highlight_zero=True,
                                      title=f"Articles per {unit}", x_title=unit + ticks, y_title="articles"))]
                  if rows else []),
                *([Para(("Gaps: ", *gap_summary(cov)))] if cov["gaps"] else []))
    return [_section("coverage", md, html)]


def _length(r: dict) -> list[Section]:
    L, o = r["length"], r["length"]["outliers"]
    pk = list(L["percentiles"])
    blocks = [
        only("html", Columns([(x["bin"], x["articles"]) for x in L["histogram"]], dict(
            width=800, height=260, title="Articles by length in words", x_title="words", y_title="articles"))),
        Table(("min", *pk, "max", "mean"), [[n2(L["min"]), *(n2(L["percentiles"][k]) for k in pk), n2(L["max"]),
                                             n2(L["mean"])]], numeric=frozenset(range(len(pk) + 3))),
        only("md", Table(("words", "articles"), [[Data(h["bin"]), str(h["articles"])] for h in L["histogram"]])),
        Para(("Outliers: ", hb(str(o["above_p99"])), f" above p99 ({L['percentiles']['p99']} words), ",
              hb(str(o["below_p1"])), f" below p1 ({L['percentiles']['p1']} words).")),
    ]
    for name, rows in (("Longest", o["longest"]), ("Shortest", o["shortest"])):
        if rows:
            blocks += [only("md", Para(f"{name}:")), only("html", Heading(name)),
                       Table(("id", "words", "title", "path"),
                             [[ids([x["id"]]), n2(x["words"]), Data(x["title"]), ids([x["path"]])] for x in rows],
                             numeric=frozenset({1}))]
    return [_section("length", *blocks)]


def _fields(r: dict) -> list[Section]:
    missing = r["missing"]
    return [
        _section("missing",
                 only("html", Para("Share of accepted records without the field, among those it applies to; "
                                   "a full bar is 100%.", muted=True),
                      HBars([(k, v["rate"]) for k, v in missing.items()], fmt_pct,
                            dict(scale_max=1.0, title="Missing-field rates"))),
                 Table(("field", "missing", "rate"), [[Data(k), n2(v["count"]), fmt_pct(v["rate"])]
                                                      for k, v in missing.items()], numeric=frozenset({1, 2})),
                 *[Para(f"{k}: {v['not_applicable']} records of formats that never carry one are not counted "
                        "(as in the corpus rules' null rates).", muted=True)
                   for k, v in missing.items() if v.get("not_applicable")]),
        _section("languages",
                 only("md", Table(("language", "articles", "rate"), [[Data(x["language"]), str(x["articles"]),
                                                                      fmt_pct(x["rate"])] for x in r["languages"]])),
                 only("html", HBars([(x["language"], x["articles"]) for x in r["languages"][:15]], fmt_num,
                                    dict(title="Languages")))),
        _section("flags", Table(("flag", "records", "rate", "counted on", "examples"),
                                [[Data(f["flag"]), n2(f["count"]), fmt_pct(f["rate"]), Data(f["source"]),
                                  ids(f["examples"])] for f in r["flags"]], numeric=frozenset({1, 2}))),
    ]


def _top_values(x: dict) -> tuple:
    if singletons(x):
        return singletons_text(x)
    return tuple(p for i, t in enumerate(x["top"]) for p in ((", ",) if i else ()) + (Data(t["value"]), f" ({t['articles']})"))


def _labels(r: dict) -> list[Section]:
    lab = r.get("labels") or {}
    n = lab.get("labelled", 0) + lab.get("unlabelled", 0)
    labelled, unlabelled = lab.get("labelled", 0), lab.get("unlabelled", 0)
    rate = fmt_pct(lab.get("unlabelled_rate", 0.0))
    schemes = lab.get("schemes") or []
    md = only("md", Para(("The source's own labels (topic folders, Reuters-21578 TOPICS and PLACES, IPTC subjects, "
                          "JSON-LD ", Code("articleSection"), "), by scheme.")),
              Para(f"{labelled:,} of {n:,} accepted records carry labels; {unlabelled:,} ({rate}) carry none."),
              *([Table(("scheme", "records", "rate", "distinct values", "top values (records)"),
                       [[Data(x["scheme"]), str(x["articles"]), fmt_pct(x["rate"]), str(x["values"]), _top_values(x)]
                        for x in schemes])] if schemes else []))
    html = [Para(("The source's own labels (topic folders, Reuters-21578 TOPICS and PLACES, IPTC subjects, JSON-LD ",
                  Code("articleSection"), "): ", Bold(f"{labelled:,}"), f" of {n:,} accepted records carry some, ",
                  Bold(f"{unlabelled:,}"), f" ({rate}) none."))]
    if not schemes:
        html.append(Para("No record carries labels.", muted=True))
    else:
        html.append(Table(("scheme", "records", "rate", "distinct values"),
                          [[Data(x["scheme"]), fmt_num(x["articles"]), fmt_pct(x["rate"]), fmt_num(x["values"])]
                           for x in schemes], numeric=frozenset({1, 2, 3})))
    for x in schemes:
        if singletons(x):  # a chart of bars all of length one says nothing
            html.append(Para((Bold(Data(x["scheme"])), ": ", *singletons_text(x))))
            continue
        html += [Heading((Data(x["scheme"]), f": top {len(x['top'])} of {fmt_num(x['values'])} values")),
                 HBars([(t["value"], t["articles"]) for t in x["top"]], fmt_num,
                       dict(title=f"Records by {x['scheme']} label"))]
    return [_section("labels", md, only("html", *html))]


def _duplicates(r: dict) -> list[Section]:
    nd = r["near_duplicate_clusters"]
    clusters = (Table(("size", "kept", "near duplicates"),
                      [[n2(x["size"]), ids([x["kept"]]), ids(x["duplicates"], x["more"])] for x in nd["largest"]],
                      numeric=frozenset({0}))
                if nd["largest"] else Para("No near duplicates were removed.", muted=True))
    return [_section("duplicates", Table(("reason", "removed", "kept records with copies", "largest group"),
                                         [[Data(k), n2(v["removed"]), n2(v["kept_records_with_copies"]),
                                           n2(v["largest_group"])] for k, v in r["duplicates"].items()],
                                         numeric=frozenset({1, 2, 3}))),
            Section(f"Near-duplicate clusters ({nd['clusters']})", (clusters,), level=3)]


def _entities(r: dict) -> list[Section]:
    E = r["entities"]
    top = Table(("label", Alt(md="top entities", html="top entities (articles mentioning them)")),
                [[Data(label), tuple(p for i, t in enumerate(tops) for p in ((", ",) if i else ())
                                     + (Data(t["text"]), f" ({t['articles']})"))]
                 for label, tops in E["top"].items()])
    return [_section("entities", Para(f"{E['mentions']:,} mentions, {E['per_article']} per article."),
                     only("md", Table(("label", "mentions", "articles"),
                                      [[Data(x["label"]), str(x["mentions"]), str(x["articles"])] for x in E["labels"]]),
                          Para("Top entities by label (articles mentioning them):")),
                     only("html", HBars([(x["label"], x["mentions"]) for x in E["labels"]], fmt_num,
                                        dict(title="Entity mentions by label"))),
                     top)]


def _sample(x: dict) -> list:
    title = Data(x["title"] or "(no title)")
    return [only("md", Heading(title), Para((Code(Data(x["id"])), " · ", Data(x["date"] or "no date"),
                                             f" · {x['words']:,} words · ", Data(x["path"]))), Quote(x["lead"] or "")),
            only("html", Box("sample", (Line(Bold(title)), Line(Br()), Line(Span("muted", (
                Data(x["date"] or "no date"), f" · {x['words']:,} words · ", *ids([x["id"]]), " · ",
                *ids([x["path"]])))), Quote(x["lead"] or ""))))]


def _samples(r: dict) -> list[Section]:
    rows = r.get("samples") or []
    intro = Alt(md="A few accepted articles to read, the same ones whatever the order of the shards (smallest "
                   "sha256 of their id).",
                html="A few accepted articles to read, the same ones whatever the order of the shards (the smallest "
                     "sha256 of their id).")
    if not rows:  # the Markdown file leaves the section out
        return [_section("samples", Para(intro, muted=True), Para("No accepted articles.", muted=True),
                         formats="html")]
    return [_section("samples", Para(intro, muted=True), *(b for x in rows for b in _sample(x)))]


def _example(e: dict) -> tuple:
    return (*ids([e["id"]]), " ", Mono(("(", Alt(md=Data(e["path"]), html=Data(str(e["path"]))), ")")),
            ": ", Data(e["detail"]))


def _rejected(r: dict) -> list[Section]:
    rejected, by_stage = r["rejected"], r["counts"]["rejected_by_stage"]
    sk = r.get("skipped") or {}
    table = Table(("reason", "count", "rate", Alt(md="examples (id, path: detail)", html="examples")),
                  [[Data(x["reason"]), n2(x["count"]), fmt_pct(x["rate"]),
                    tuple(p for i, e in enumerate(x["examples"]) for p in ((Br("; "),) if i else ()) + _example(e))]
                   for x in rejected], numeric=frozenset({1, 2}))
    stages = Table(("stage", "reasons"), [[Data(s), Data(fmt_compact(d))] for s, d in by_stage.items()])
    skipped = "Parts of multi-item files that are not articles (WARC requests, revisits, non-HTML or non-2xx " \
              "responses): not inputs, counted by kind in "
    return [_section(
        "rejected",
        only("html", HBars([(x["reason"], x["count"]) for x in rejected], fmt_num, dict(title="Rejected by reason"))
             if rejected else Para("No input was rejected.", muted=True)),
        table if rejected else only("md", table), *([] if rejected else [only("html", Line(""))]),
        only("md", Para("Rejected by stage:"), stages), *([only("html", stages)] if by_stage else []),
        only("md", Para((f"Skipped items: {sk.get('total', 0):,} {skipped[0].lower()}{skipped[1:]}",
                         Code("reports/metrics.json"), "."))),
        only("html", Box(None, (Heading(f"Skipped items ({sk.get('total', 0):,})"),
                                Para((skipped, Code("reports/metrics.json"), "."), muted=True)))),
        *([Table(("kind", "items"), [[Data(k), fmt_num(v)] for k, v in sk["by_kind"].items()], numeric=frozenset({1}))]
          if sk.get("by_kind") else []))]


def _consistency(r: dict) -> list[Section]:
    checks, m = r.get("consistency", {}).get("checks", []), r.get("metrics", {})
    table = (Table(("check", "report", "recorded", "ok"),
                   [[Data(ch["check"]), Data(fmt_compact(ch["report"])), Data(fmt_compact(ch["recorded"])),
                     Alt(md="yes", html=Span("ok", "yes")) if ch["ok"] else Alt(md=Bold("NO"), html=Span("bad", "NO"))]
                    for ch in checks])
             if checks else Para("No reports/metrics.json or manifest to compare with.", muted=True))
    fail_on = Code("curate quality --fail-on")
    metrics = Table(("metric", "value"), [[Data(k), Data(fmt_num(v))] for k, v in m.items()], numeric=frozenset({1}))
    return [_section("consistency", table),
            _section("metrics", only("md", Para(("Names usable in ", fail_on, ".")), metrics),
                     only("html", Details((f"{len(m)} metrics, the names ", fail_on, " rules use"), (metrics,))))]


BUILDERS = {name: globals()[f"_{name}"] for name, _ in SECTION_ORDER}


def quality_document(r: dict) -> Document:
    """The quality report `r` as a Document: its sections in SECTION_ORDER."""
    label = r.get("version", {}).get("label", "working tree")
    return Document(("Quality report: ", Data(label)),
                    tuple(s for name, _ in SECTION_ORDER for s in BUILDERS[name](r)))
