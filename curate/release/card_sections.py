"""The body sections of the dataset card (Datasheets for Datasets: Motivation, Composition,
Collection process, Preprocessing, Uses, Distribution, Maintenance) and the loading notes. Each
section is a function of the release facts returning its markdown lines."""

from __future__ import annotations

import msgspec
import orjson

from curate.params import Params
from curate.record import Record, Rejected
from curate.release.code_docs import param_comment, reader_descriptions, reason_docs
from curate.release.croissant import FieldSpec, record_fields
from curate.release.facts import CorpusFacts, ReleaseInfo, languages_of
from curate.render.text import md_cell

OTHER_LICENSE_NOTE = (
    "The articles' copyright belongs to their publishers; the license `other` means no license "
    "is granted for the article texts by this repository. Use them under the terms of your "
    "agreement with the publishers (or your jurisdiction's research exceptions). The curation "
    "code (curate) is MIT-licensed."
)


# ------------------------------------------------------------------------------- small helpers


def flatten(value, prefix: str = "") -> list[tuple[str, object]]:
    if isinstance(value, dict) and value:
        out = []
        for k in value:  # definition order (params sections are Structs)
            out += flatten(value[k], f"{prefix}.{k}" if prefix else str(k))
        return out
    return [(prefix, value)]


def _fmt(value) -> str:
    if isinstance(value, str):
        return f"`{value}`"
    if isinstance(value, list):
        return ", ".join(f"`{v}`" for v in value) if value else "(none)"
    if value is None:
        return "null"
    return f"`{orjson.dumps(value).decode()}`"


def _cell(text: str) -> str:
    """A table cell by the one escaping rule (curate/render/text.py `md_cell`)."""
    return md_cell(str(text))


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def fields_table(specs: list[FieldSpec]) -> str:
    rows = []
    for top in specs:
        for spec in top.walk():
            if spec.path.endswith("[]") or spec.path.endswith("{}"):
                continue  # the list/map itself carries the type
            rows.append([f"`{spec.path}`", spec.type_text(), "yes" if spec.required else "no", spec.doc])
    return _table(["field", "type", "required", "meaning"], rows)


def _pct(k: int, n: int) -> str:
    return f"{100 * k / n:.1f}%" if n else "-"



# ----------------------------------------------------------------------------- parameters


PARAM_SECTIONS = {
    "ingest": "Reading raw files (readers chosen by sniffing the content).",
    "clean": "Text repair and lifting metadata out of the body.",
    "dedup": "Duplicates: exact text, story versions, near duplicates (MinHash + LSH).",
    "extract": "Entities (spaCy), language, statistics and flags.",
    "validate": "Record contract and corpus rules.",
    "output": "Curated layout.",
    "run": "Execution only: never changes the output bytes.",
}


# what a parameter decides, where the decision is a filter or a threshold (others: see params.py)
PARAM_NOTES = {
    "ingest.raw_dir": "where raw articles are read from",
    "ingest.max_bytes": "larger inputs are rejected `too_large`",
    "ingest.jsonl.*": "JSONL key (dotted path) holding this field",
    "clean.fix_mojibake": "repair mis-decoded text with ftfy (flag `mojibake_fixed`)",
    "clean.reflow": "join hard-wrapped lines into paragraphs",
    "extract.model": "spaCy pipeline for the entities",
    "extract.entity_labels": "entity labels kept (others dropped; a record with another label is a `contract` rejection)",
    "extract.short_words": "fewer words: flag `very_short` (not dropped)",
    "extract.truncated_min_chars": "threshold of the `truncated` flag (not dropped)",
    "extract.language": "when language detection (py3langid) says `und`, undetermined, rather than "
                        "guess: too few words, too few letters (tables of figures), or low confidence; "
                        "`{}` = the defaults (curate/extract/language.py)",
    "dedup.exact": "drop exact duplicates (same text): `duplicate`",
    "dedup.story_versions": "drop older crawls of the same story id: `story_version`",
    "dedup.near": "drop near duplicates (MinHash + LSH, verified): `near_duplicate`",
    "dedup.near_threshold": "estimated Jaccard similarity of shingle sets at or above which texts are near duplicates",
    "dedup.num_perm": "MinHash permutations",
    "dedup.shingle_words": "words per shingle",
    "dedup.near_containment": "also near duplicate: the shorter text's shingles lie this much inside the longer (null: off)",
    "dedup.near_min_jaccard": "minimum Jaccard for the containment rule",
    "validate.date_min": "earlier dates are rejected `date_out_of_range`",
    "validate.date_max": "later dates are rejected `date_out_of_range` (`today` = build day)",
    "validate.min_words": "fewer words are rejected `too_short`",
    "validate.max_null_rate.*": "corpus rule: the build fails above this share of nulls",
    "validate.max_reject_rate": "the build fails when more inputs than this share are rejected",
    "output.curated_dir": "where the curated files are written",
    "output.shards": "0: one article shard per partition of the raw inputs (a rebuild rewrites only "
                     "the new ones); N: N shards by crc32 of the id",
}


# ------------------------------------------------------------------------------- sections


def _span(facts: CorpusFacts) -> str:
    return f"{facts.first_date} to {facts.last_date}" if facts.first_date else "no dated articles"


def _lang_text(facts: CorpusFacts) -> str:
    return ", ".join(f"`{c}` ({facts.languages[c]})" for c in languages_of(facts)) or "none detected"


def intro(info: ReleaseInfo, facts: CorpusFacts) -> list[str]:
    return [
        f"# {info.name} — {info.version}", "",
        f"{facts.records} news articles ({facts.words} words, {_span(facts)}; languages: "
        f"{_lang_text(facts)}), cleaned, deduplicated, annotated with named entities and validated "
        f"against a record contract by {', '.join(sorted(facts.toolkits)) or 'curate'}. Released "
        f"{info.date} as git tag `{info.version}`; the data files are versioned with DVC.", "",
        "Files beside this card: `articles/part-*.jsonl` (the dataset, one JSON object a line), "
        "`rejected/<reason>.jsonl` (every input that did not join, with the reason), "
        "`manifest.json` (shards, counts, bytes) and `croissant.json` (Croissant 1.0 metadata).", "",
    ]


def motivation(info: ReleaseInfo) -> list[str]:
    creator = info.creator or "the repository's maintainers"
    return [
        "## Motivation", "",
        "- **Purpose.** A clean, documented, versioned corpus of news articles (wire stories and web "
        "articles) for NLP research on news text: every article carries its metadata as fields "
        "(date with time zone, dateline, authors, credits by role, tickers) instead of leaving it in "
        "the text, and every version can be fetched by tag and compared record by record "
        "(`curate diff`).",
        "- **Why curated this way.** Generic web-text filters delete exactly the lines news metadata "
        "lives in; here the metadata is lifted into fields first, then removed from the body. "
        "Nothing is lost silently: every raw input ends up either in `articles/` or in `rejected/` "
        "with a reason code.",
        f"- **Who.** Curated by {creator}.", "",
    ]


TOP_PUBLISHERS = 10


def _counters(facts: CorpusFacts) -> list[str]:
    out, n = [], facts.records
    if facts.years:
        out += ["**Articles per year:** " + ", ".join(f"{y}: {c}" for y, c in sorted(facts.years.items())) + ".", ""]
    if facts.formats:
        out += ["**Source layouts** (reader that parsed each article): "
                + ", ".join(f"`{k}` {v}" for k, v in sorted(facts.formats.items())) + ".", ""]
    if n:
        na = {k: v for k, v in facts.not_applicable.items() if v and k in facts.missing}
        out += ["**Missing values:** " + ", ".join(
            f"`{k}` {_pct(facts.missing[k], n - na.get(k, 0))}" for k in sorted(facts.missing)) + "."
            + "".join(f" `{k}` counts only the {n - v} records whose format carries one." for k, v in sorted(na.items())), ""]
    if facts.publishers:
        top = sorted(facts.publishers.items(), key=lambda kv: (-kv[1], kv[0]))
        named = sum(facts.publishers.values())
        more = f" and {len(top) - TOP_PUBLISHERS} more" if len(top) > TOP_PUBLISHERS else ""
        out += [f"**Publishers** ({len(top)}; {_pct(named, n)} of the articles name one): "
                + ", ".join(f"{k} {v}" for k, v in top[:TOP_PUBLISHERS]) + more + ".", ""]
    if facts.flags:
        out += ["**Quality flags** (set, never used to drop): "
                + ", ".join(f"`{k}` {v}" for k, v in sorted(facts.flags.items())) + ".", ""]
    if facts.labels:
        out += ["**Entity mentions by label:** " + ", ".join(
            f"{k} {v}" for k, v in sorted(facts.labels.items(), key=lambda kv: (-kv[1], kv[0]))) + ".", ""]
    return out


def _sharding(params: Params | None) -> str:
    if params is not None and params.output.shards > 0:
        return "by crc32(id)"
    return "one per partition of the raw inputs (`output.shards: 0`)"


def composition(facts: CorpusFacts, params: Params | None = None) -> list[str]:
    m, n = facts.metrics, facts.records
    out = ["## Composition", "", _table(["", "count"], [
        ["raw inputs", m.get("inputs", "-")],
        ["accepted articles (`articles/`)", n],
        ["rejected inputs (`rejected/`)", m.get("rejected", "-")],
        ["words in accepted articles", facts.words],
        ["accounting (inputs = accepted + rejected)", "ok" if m.get("accounting_ok") else "NOT OK"],
    ]), "", f"One instance is one news article. Articles are in {len(facts.shards)} files, "
        f"{_sharding(params)}, each sorted by id; shards are byte-identical across rebuilds.", ""]
    if facts.shards:
        out += [_table(["shard", "records", "bytes"],
                       [[f"`{s['path']}`", s.get("records", "-"), s["bytes"]] for s in facts.shards]), ""]
    out += [f"**Languages** (py3langid on the text): {_lang_text(facts)}.", ""]
    out += _counters(facts)
    extra = [s for s in record_fields(Rejected) if s.name not in Record.__struct_fields__]
    out += [
        "### Fields", "",
        "Generated from the record definition (`curate/record.py`; JSON Schema in "
        "`schemas/record.schema.json`). Records are JSON objects with the keys in this order; the "
        "front matter's `dataset_info.features` declares the same types for Hugging Face `datasets`.", "",
        fields_table(record_fields(Record)), "",
        "Records in `rejected/` have the same fields (what could be read) plus:", "",
        fields_table(extra), "",
        "**Personal and sensitive information.** Articles name real people (subjects, journalists "
        "in `authors` and `credits`) and may report on health, crime, politics or religion. "
        "Nothing was anonymised: this is published news.", "",
    ]
    return out


def _records(n: int) -> str:
    return f" ({n} record{'s' if n != 1 else ''})"


def collection(params: Params, facts: CorpusFacts | None = None) -> list[str]:
    """The readers: every one that can produce records, with the records each gave in this
    version (`source.format`), and any format of the records no reader is named for."""
    readers = reader_descriptions()
    counts = facts.formats if facts is not None else {}
    out = ["## Collection process", "",
           f"Raw articles are files under `{params.ingest.raw_dir}/` of the repository (any "
           "sub-folders; large corpora are tracked with `dvc add`). Each file is read by the first "
           "reader whose layout matches the *content* (never the file name):", ""]
    for name, doc in readers.items():
        n = counts.get(name, 0)
        out.append(f"- `{name}`{_records(n) if n else ''}: {doc}")
    out += [f"- `{name}`{_records(n)}" for name, n in sorted(counts.items()) if name not in readers]
    out += ["", "Ids come from the source where it has one (the Reuters story code in the URL, a JSONL "
            "`id`), else from the raw path. `source` on every record names the raw file, its reader, "
            "the sha256 of its bytes and the JSONL line, so each record can be traced to its input.", ""]
    return out


def parameters(params: Params) -> list[str]:
    builtins = msgspec.to_builtins(params)
    rows = []
    for section in builtins:
        for key, value in flatten(builtins[section], section):
            note = (PARAM_NOTES.get(key) or PARAM_NOTES.get(key.rsplit(".", 1)[0] + ".*")
                    or param_comment(key))
            rows.append([f"`{key}`", _fmt(value), note])
    return [
        "## Preprocessing, cleaning, labelling", "",
        "`dvc repro` runs ingest → clean → dedup → extract → validate (`dvc.yaml`); the "
        "parameters below are every value in force for this version (`params.yaml`, defaults "
        "filled in). Statistics and flags are computed apart from the decisions that drop records.", "",
        _table(["parameter", "value", "note"], rows), "",
        "Sections: " + "; ".join(f"`{k}`: {v.rstrip('.')}" for k, v in PARAM_SECTIONS.items() if k in builtins) + ".", "",
    ]


def processing(facts: CorpusFacts, params: Params) -> list[str]:
    d = params.dedup
    models = sorted(facts.models)
    containment = (f", or containment ≥ {d.near_containment} with Jaccard ≥ {d.near_min_jaccard}"
                   if d.near_containment is not None else "")
    return [
        "- **Cleaning:** NFC, mojibake repair (`clean.fix_mojibake`), HTML entities, control "
        "characters, re-flowing hard-wrapped lines (`clean.reflow`); the dateline, agency tag, "
        "byline, sign-off, ticker markup and wire codes are removed from the text after their "
        "content is stored as fields.",
        f"- **Deduplication:** story versions (same story id: the latest published is kept), exact "
        f"duplicates (same text: the earliest published is kept), near duplicates (MinHash with "
        f"{d.num_perm} permutations over {d.shingle_words}-word shingles, Jaccard ≥ "
        f"{d.near_threshold}{containment}). Every dropped copy names the kept id in `duplicate_of`.",
        "- **Labelling (machine-generated):** " + (
            f"named entities by spaCy {', '.join(f'`{x}`' for x in models)} (labels: "
            f"{', '.join(params.extract.entity_labels)}); " if models else
            "no named entities (NER off: no record's language has a model, e.g. `extract.model: null`); ") +
        "language by py3langid. "
        "They are silver annotations, not checked by people.", "",
    ]


def validation(facts: CorpusFacts, params: Params) -> list[str]:
    from curate.validate.schemas import contract_rules  # lazy: pandera, polars costly to load

    m = facts.metrics
    rej_by_reason: dict = m.get("rejected_by_reason", {})
    stage_of = {reason: stage for stage, reasons in m.get("rejected_by_stage", {}).items() for reason in reasons}
    rules = contract_rules(params)
    out = ["**Validation rules** (a record failing one goes to `rejected/` with that reason):", "",
           _table(["check", "reason", "rule"], [[f"`{r['check']}`", f"`{r['reason']}`", r["rule"]]
                                                for r in rules["record_checks"]]), ""]
    checks = m.get("corpus_checks", {})
    if checks:
        out += ["**Corpus rules** (fail the build, never drop a record): " + "; ".join(
            f"`{k}` = {v.get('value')} (limit {v.get('limit')}, {'passed' if v.get('passed') else 'FAILED'})"
            for k, v in sorted(checks.items())) + ".", ""]
    docs = reason_docs()
    rows = [[f"`{r}`", stage_of.get(r, "-"), c, docs.get(r, "")] for r, c in sorted(rej_by_reason.items())]
    rows.append(["**total**", "", m.get("rejected", sum(rej_by_reason.values())), ""])
    out += ["**Drop counts by reason** (from `reports/metrics.json`):", "",
            _table(["reason", "stage", "inputs", "meaning"], rows), "",
            "The raw inputs are kept (`corpus/raw/` at this tag): the curated files can be rebuilt "
            "from them with `dvc repro`.", ""]
    return out


def uses() -> list[str]:
    return [
        "## Uses", "",
        "- **Suited to:** research on news text: named-entity recognition and linking (as silver "
        "data), language modelling, event and topic analysis over time, metadata extraction, "
        "near-duplicate and story-version studies.",
        "- **Not suited to:** a gold NER benchmark (entities are machine-generated); claims about "
        "news in general (the sources and years are those listed above); redistribution of the "
        "article texts beyond what the publishers' copyright allows.",
        "- **Caveats:** `date` comes from the article (or its day folder, flag `date_from_path`); "
        "`published_at` only when a time is known. Quality flags mark short, truncated or "
        "repaired texts without dropping them: filter on `flags` if you need to.", "",
    ]
