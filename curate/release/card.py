"""The dataset card `corpus/curated/README.md`: Hugging Face YAML front matter + a datasheet.

Everything in the card is computed from the version on disk: the records (language mix, dates,
formats, flags, entity model), `reports/metrics.json` (drop counts by reason and stage),
`params.yaml` (every parameter, with defaults filled in), the validation rules
(`curate.validate.schemas.contract_rules`) and the record definition (`curate.release.croissant.record_fields`).
Body sections follow "Datasheets for Datasets" (Gebru et al.): Motivation, Composition,
Collection process, Preprocessing, Uses, Distribution, Maintenance.

The card is a pure function of those inputs plus `ReleaseInfo` (version, date, license, url,
creator): no wall clock, every mapping sorted, so the same version always gives the same bytes.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
import orjson
import yaml

from curate.release.croissant import FieldSpec, record_fields
from curate.params import Params, load_params
from curate.dataset.quality import MISSING_FIELDS, is_missing
from curate.layout import METRICS, shard_paths
from curate.record import Reason, Record, Rejected, view

OTHER_LICENSE_NOTE = (
    "The articles' copyright belongs to their publishers; the license `other` means no license "
    "is granted for the article texts by this repository. Use them under the terms of your "
    "agreement with the publishers (or your jurisdiction's research exceptions). The curation "
    "code (curate) is MIT-licensed."
)

SIZE_CATEGORIES = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                   (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"),
                   (1_000_000_000, "100M<n<1B"), (10**10, "1B<n<10B"), (10**11, "10B<n<100B"),
                   (10**12, "100B<n<1T")]


def size_category(n: int) -> str:
    """Hugging Face `size_categories` value for n records."""
    for limit, name in SIZE_CATEGORIES:
        if n < limit:
            return name
    return "n>1T"


@dataclass
class ReleaseInfo:
    """What the card and the Croissant file say about the release itself."""

    version: str                 # the git tag, e.g. v1.2
    date: str                    # YYYY-MM-DD (datePublished)
    url: str                     # where the repository lives (dvc get/import take it)
    license: str = "other"
    name: str = "News corpus"
    creator: str = ""
    creator_type: str = "Person"  # Person or Organization (schema.org)
    curated_dir: str = "corpus/curated"
    remote: str | None = None     # default DVC remote name


# ------------------------------------------------------------------------------- corpus facts


# what the card reads of a record (types from curate/record.py; the text is skipped)
_View = view(Record, [
    "id", ("source", ["format"]), "date", "language", ("entities", ["label"]), "flags",
    ("stats", ["words"]), ("provenance", ["model", "model_version", "toolkit"]), "title", "dateline",
    "authors", "url", "published_at",
], "_View")
_VIEWED = frozenset(_View.__struct_fields__)


@dataclass
class CorpusFacts:
    records: int = 0
    words: int = 0
    languages: Counter = field(default_factory=Counter)
    years: Counter = field(default_factory=Counter)
    formats: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    models: Counter = field(default_factory=Counter)
    toolkits: Counter = field(default_factory=Counter)
    missing: Counter = field(default_factory=Counter)
    first_date: str | None = None
    last_date: str | None = None
    shards: list[dict] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)


def corpus_facts(root: Path, curated: str = "corpus/curated") -> CorpusFacts:
    """Stream the accepted shards once and gather what the card reports."""
    facts = CorpusFacts()
    dec = msgspec.json.Decoder(_View)
    cdir = root / curated
    for shard in shard_paths(cdir):
        with open(shard, "rb") as fh:
            for line in fh:
                if not line.strip():
                    continue
                r = dec.decode(line)
                facts.records += 1
                facts.words += r.stats.words
                facts.languages[r.language or "unknown"] += 1
                facts.formats[r.source.format] += 1
                facts.flags.update(r.flags)
                facts.labels.update(e.label for e in r.entities)
                if r.provenance.model:
                    facts.models[f"{r.provenance.model} {r.provenance.model_version or ''}".strip()] += 1
                if r.provenance.toolkit:
                    facts.toolkits[r.provenance.toolkit] += 1
                facts.missing.update(f for f in MISSING_FIELDS if f in _VIEWED and is_missing(r, f))
                if r.date:
                    facts.years[r.date[:4]] += 1
                    facts.first_date = min(facts.first_date or r.date, r.date)
                    facts.last_date = max(facts.last_date or r.date, r.date)
        facts.shards.append({"path": f"articles/{shard.name}", "bytes": shard.stat().st_size})
    manifest = cdir / "manifest.json"
    if manifest.exists():
        counts = {s["path"]: s.get("records") for s in orjson.loads(manifest.read_bytes()).get("shards", [])}
        for s in facts.shards:
            s["records"] = counts.get(s["path"])
    metrics = root / METRICS
    facts.metrics = orjson.loads(metrics.read_bytes()) if metrics.exists() else {}
    return facts


def languages_of(facts: CorpusFacts) -> list[str]:
    """ISO 639-1 codes by share, most frequent first (unknown left out)."""
    return [code for code, _ in sorted(facts.languages.items(), key=lambda kv: (-kv[1], kv[0]))
            if code != "unknown"]


# ------------------------------------------------------------------------------- small helpers


def trailing_comments(obj) -> dict[str, str]:
    """`name: ... # comment` / `NAME = ... # comment` lines of a class body -> {name: comment}."""
    out = {}
    for line in inspect.getsource(obj).splitlines():
        m = re.match(r"\s+(\w+)\s*(?::[^=#]*)?(?:=[^#]*)?#\s*(.+)$", line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def param_comments() -> dict[str, str]:
    """Parameter name -> the comment beside it in curate/params.py (where there is one)."""
    from curate import params as params_mod

    out: dict[str, str] = {}
    for name in sorted(dir(params_mod)):
        obj = getattr(params_mod, name)
        if isinstance(obj, type) and issubclass(obj, msgspec.Struct) and obj.__module__ == params_mod.__name__:
            for k, v in trailing_comments(obj).items():
                out.setdefault(k, v)
    return out


def reason_docs() -> dict[str, str]:
    """Reason code -> its meaning (the comment beside it in curate/record.py)."""
    by_name = trailing_comments(Reason)
    return {r.value: by_name.get(r.name, "") for r in Reason}


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
    return str(text).replace("|", "\\|").replace("\n", " ")


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


# --------------------------------------------------------------------------------------- card


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
    "output.shards": "number of article shards (by crc32 of the id)",
}


def front_matter(info: ReleaseInfo, facts: CorpusFacts) -> dict:
    langs = languages_of(facts)
    meta: dict = {"pretty_name": info.name, "license": info.license}
    if info.license == "other":
        meta["license_name"] = "publisher-copyright"
    if langs:
        meta["language"] = langs
        meta["multilinguality"] = "monolingual" if len(langs) == 1 else "multilingual"
    meta.update({
        "size_categories": [size_category(facts.records)],
        "task_categories": ["token-classification", "text-generation"],
        "task_ids": ["named-entity-recognition", "language-modeling"],
        "annotations_creators": ["machine-generated"],
        "language_creators": ["found"],
        "source_datasets": ["original"],
        "tags": ["news", "dvc", "croissant"],
        "configs": [
            {"config_name": "default", "default": True,
             "data_files": [{"split": "articles", "path": "articles/*.jsonl"}]},
            {"config_name": "rejected",
             "data_files": [{"split": "rejected", "path": "rejected/*.jsonl"}]},
        ],
    })
    return meta


def render_card(info: ReleaseInfo, facts: CorpusFacts, params: Params) -> str:
    m = facts.metrics
    n = facts.records
    langs = languages_of(facts)
    rej_by_reason: dict = m.get("rejected_by_reason", {})
    by_stage: dict = m.get("rejected_by_stage", {})
    stage_of = {reason: stage for stage, reasons in by_stage.items() for reason in reasons}
    models = sorted(facts.models)
    span = f"{facts.first_date} to {facts.last_date}" if facts.first_date else "no dated articles"
    lang_text = ", ".join(f"`{c}` ({facts.languages[c]})" for c in langs) or "none detected"
    out: list[str] = []
    add = out.append

    add("---")
    add(yaml.safe_dump(front_matter(info, facts), sort_keys=False, allow_unicode=True).rstrip())
    add("---")
    add("")
    add(f"# {info.name} — {info.version}")
    add("")
    add(f"{n} news articles ({facts.words} words, {span}; languages: {lang_text}), cleaned, "
        f"deduplicated, annotated with named entities and validated against a record contract by "
        f"{', '.join(sorted(facts.toolkits)) or 'curate'}. Released "
        f"{info.date} as git tag `{info.version}`; the data files are versioned with DVC.")
    add("")
    add("Files beside this card: `articles/part-*.jsonl` (the dataset, one JSON object a line), "
        "`rejected/<reason>.jsonl` (every input that did not join, with the reason), "
        "`manifest.json` (shards, counts, bytes) and `croissant.json` (Croissant 1.0 metadata).")
    add("")

    # ------------------------------------------------------------------------ motivation
    add("## Motivation")
    add("")
    add("- **Purpose.** A clean, documented, versioned corpus of news articles (wire stories and web "
        "articles) for NLP research on news text: every article carries its metadata as fields "
        "(date with time zone, dateline, authors, credits by role, tickers) instead of leaving it in "
        "the text, and every version can be fetched by tag and compared record by record "
        "(`curate diff`).")
    add("- **Why curated this way.** Generic web-text filters delete exactly the lines news metadata "
        "lives in; here the metadata is lifted into fields first, then removed from the body. "
        "Nothing is lost silently: every raw input ends up either in `articles/` or in `rejected/` "
        "with a reason code.")
    creator = info.creator or "the repository's maintainers"
    add(f"- **Who.** Curated by {creator}.")
    add("")

    # ------------------------------------------------------------------------ composition
    add("## Composition")
    add("")
    add(_table(["", "count"], [
        ["raw inputs", m.get("inputs", "-")],
        ["accepted articles (`articles/`)", n],
        ["rejected inputs (`rejected/`)", m.get("rejected", "-")],
        ["words in accepted articles", facts.words],
        ["accounting (inputs = accepted + rejected)", "ok" if m.get("accounting_ok") else "NOT OK"],
    ]))
    add("")
    add("One instance is one news article. Articles are sharded by crc32(id) into "
        f"{len(facts.shards)} files, each sorted by id; shards are byte-identical across rebuilds.")
    add("")
    if facts.shards:
        add(_table(["shard", "records", "bytes"],
                   [[f"`{s['path']}`", s.get("records", "-"), s["bytes"]] for s in facts.shards]))
        add("")
    add(f"**Languages** (py3langid on the text): {lang_text}.")
    add("")
    if facts.years:
        add("**Articles per year:** " + ", ".join(f"{y}: {c}" for y, c in sorted(facts.years.items())) + ".")
        add("")
    if facts.formats:
        add("**Source layouts** (reader that parsed each article): "
            + ", ".join(f"`{k}` {v}" for k, v in sorted(facts.formats.items())) + ".")
        add("")
    if n:
        add("**Missing values:** " + ", ".join(
            f"`{k}` {_pct(facts.missing[k], n)}" for k in sorted(facts.missing)) + ".")
        add("")
    if facts.flags:
        add("**Quality flags** (set, never used to drop): "
            + ", ".join(f"`{k}` {v}" for k, v in sorted(facts.flags.items())) + ".")
        add("")
    if facts.labels:
        add("**Entity mentions by label:** "
            + ", ".join(f"{k} {v}" for k, v in sorted(facts.labels.items(), key=lambda kv: (-kv[1], kv[0])))
            + ".")
        add("")
    add("### Fields")
    add("")
    add("Generated from the record definition (`curate/record.py`; JSON Schema in "
        "`schemas/record.schema.json`). Records are JSON objects with the keys in this order.")
    add("")
    add(fields_table(record_fields(Record)))
    add("")
    extra = [s for s in record_fields(Rejected) if s.name not in Record.__struct_fields__]
    add("Records in `rejected/` have the same fields (what could be read) plus:")
    add("")
    add(fields_table(extra))
    add("")
    add("**Personal and sensitive information.** Articles name real people (subjects, journalists "
        "in `authors` and `credits`) and may report on health, crime, politics or religion. "
        "Nothing was anonymised: this is published news.")
    add("")

    # ------------------------------------------------------------------------ collection
    from curate.readers import READERS

    add("## Collection process")
    add("")
    add(f"Raw articles are files under `{params.ingest.raw_dir}/` of the repository (any "
        "sub-folders; large corpora are tracked with `dvc add`). Each file is read by the first "
        "reader whose layout matches the *content* (never the file name):")
    add("")
    for reader in READERS:
        doc = (reader.__doc__ or "").strip().splitlines()[0] if reader.__doc__ else ""
        add(f"- `{reader.NAME}`: {doc.split(':', 1)[-1].strip() if ':' in doc else doc}")
    add("")
    add("Ids come from the source where it has one (the Reuters story code in the URL, a JSONL "
        "`id`), else from the raw path. `source` on every record names the raw file, its reader, "
        "the sha256 of its bytes and the JSONL line, so each record can be traced to its input.")
    add("")

    # ------------------------------------------------------------------------ preprocessing
    add("## Preprocessing, cleaning, labelling")
    add("")
    add("`dvc repro` runs ingest → clean → dedup → extract → validate (`dvc.yaml`); the "
        "parameters below are every value in force for this version (`params.yaml`, defaults "
        "filled in). Statistics and flags are computed apart from the decisions that drop records.")
    add("")
    comments = param_comments()
    builtins = msgspec.to_builtins(params)
    rows = []
    for section in builtins:
        for key, value in flatten(builtins[section], section):
            note = PARAM_NOTES.get(key) or PARAM_NOTES.get(key.rsplit(".", 1)[0] + ".*") or comments.get(key.rsplit(".", 1)[-1], "")
            rows.append([f"`{key}`", _fmt(value), note])
    add(_table(["parameter", "value", "note"], rows))
    add("")
    add("Sections: " + "; ".join(f"`{k}`: {v.rstrip('.')}" for k, v in PARAM_SECTIONS.items() if k in builtins) + ".")
    add("")
    add("- **Cleaning:** NFC, mojibake repair (`clean.fix_mojibake`), HTML entities, control "
        "characters, re-flowing hard-wrapped lines (`clean.reflow`); the dateline, agency tag, "
        "byline, sign-off, ticker markup and wire codes are removed from the text after their "
        "content is stored as fields.")
    add(f"- **Deduplication:** story versions (same story id: the latest published is kept), exact "
        f"duplicates (same text: the earliest published is kept), near duplicates (MinHash with "
        f"{params.dedup.num_perm} permutations over {params.dedup.shingle_words}-word shingles, "
        f"Jaccard ≥ {params.dedup.near_threshold}"
        + (f", or containment ≥ {params.dedup.near_containment} with Jaccard ≥ {params.dedup.near_min_jaccard}"
           if params.dedup.near_containment is not None else "")
        + "). Every dropped copy names the kept id in `duplicate_of`.")
    add(f"- **Labelling (machine-generated):** named entities by spaCy "
        f"{', '.join(f'`{x}`' for x in models) or f'`{params.extract.model}`'} (labels: "
        f"{', '.join(params.extract.entity_labels)}); language by py3langid. "
        "They are silver annotations, not checked by people.")
    add("")
    from curate.validate.schemas import contract_rules

    rules = contract_rules(params)
    add("**Validation rules** (a record failing one goes to `rejected/` with that reason):")
    add("")
    add(_table(["check", "reason", "rule"], [[f"`{r['check']}`", f"`{r['reason']}`", r["rule"]]
                                             for r in rules["record_checks"]]))
    add("")
    checks = m.get("corpus_checks", {})
    if checks:
        add("**Corpus rules** (fail the build, never drop a record): " + "; ".join(
            f"`{k}` = {v.get('value')} (limit {v.get('limit')}, {'passed' if v.get('passed') else 'FAILED'})"
            for k, v in sorted(checks.items())) + ".")
        add("")
    add("**Drop counts by reason** (from `reports/metrics.json`):")
    add("")
    docs = reason_docs()
    rows = [[f"`{r}`", stage_of.get(r, "-"), c, docs.get(r, "")] for r, c in sorted(rej_by_reason.items())]
    rows.append(["**total**", "", m.get("rejected", sum(rej_by_reason.values())), ""])
    add(_table(["reason", "stage", "inputs", "meaning"], rows))
    add("")
    add("The raw inputs are kept (`corpus/raw/` at this tag): the curated files can be rebuilt "
        "from them with `dvc repro`.")
    add("")

    # ------------------------------------------------------------------------ uses
    add("## Uses")
    add("")
    add("- **Suited to:** research on news text: named-entity recognition and linking (as silver "
        "data), language modelling, event and topic analysis over time, metadata extraction, "
        "near-duplicate and story-version studies.")
    add("- **Not suited to:** a gold NER benchmark (entities are machine-generated); claims about "
        "news in general (the sources and years are those listed above); redistribution of the "
        "article texts beyond what the publishers' copyright allows.")
    add("- **Caveats:** `date` comes from the article (or its day folder, flag `date_from_path`); "
        "`published_at` only when a time is known. Quality flags mark short, truncated or "
        "repaired texts without dropping them: filter on `flags` if you need to.")
    add("")

    # ------------------------------------------------------------------------ distribution
    url, tag, cdir = info.url, info.version, info.curated_dir
    add("## Distribution")
    add("")
    add(f"- **License:** `{info.license}`." + (f" {OTHER_LICENSE_NOTE}" if info.license == "other" else ""))
    add(f"- **Repository:** {url} — version `{tag}` is the git tag; the data files are in the DVC "
        f"remote{f' `{info.remote}`' if info.remote else ''} configured in `.dvc/config` at that tag.")
    add("")
    add("```bash")
    add(f"# the accepted articles of {tag} into ./articles (no git clone, no DVC project needed)")
    add(f"dvc get {url} {cdir}/articles --rev {tag} -o articles")
    add("# track them in your own DVC project, update to a later release with `dvc update --rev`")
    add(f"dvc import {url} {cdir}/articles --rev {tag} -o data/articles")
    add("# or the whole repository at this version")
    add(f"git clone {url} corpus && cd corpus && git checkout {tag} && dvc pull {cdir}")
    add("# one file per split (Parquet or gzipped JSON Lines)")
    add(f"curate export --format parquet --rev {tag}")
    add("```")
    add("")
    add("```python")
    add("import json, dvc.api")
    add(f"with dvc.api.open(\"{cdir}/articles/part-00000.jsonl\", repo=\"{url}\", rev=\"{tag}\") as f:")
    add("    records = [json.loads(line) for line in f]")
    add("```")
    add("")
    add("With the files local: `pandas.read_json(path, lines=True)`, `polars.read_ndjson(path, infer_schema_length=None)`, "
        "DuckDB `read_json_auto('articles/*.jsonl')`, Hugging Face "
        "`datasets.load_dataset(\"json\", data_files=\"articles/*.jsonl\")`.")
    add("")

    # ------------------------------------------------------------------------ maintenance
    add("## Maintenance")
    add("")
    add(f"- Maintained by {creator}. Changes between releases are in `CHANGELOG.md` at the "
        "repository root (generated by `curate diff` against the previous release: records added, "
        "removed, modified with the fields, moved; metric, parameter and schema changes).")
    add("- A release is `curate release VERSION`: it refuses a dirty workspace or a DVC status "
        "that is not clean, writes this card and `croissant.json`, the changelog entry, commits, "
        "tags and pushes the data to the default DVC remote. Released tags are never moved.")
    add("- Errors: report the record `id` (and the version); a fix ships as a new release.")
    add(f"- Compare any two versions: `curate diff {tag} <later tag>`.")
    add("")
    return "\n".join(out)


def write_card(root: Path, info: ReleaseInfo, params_path: Path | None = None) -> tuple[str, CorpusFacts]:
    params = load_params(params_path or root / "params.yaml")
    facts = corpus_facts(root, info.curated_dir)
    return render_card(info, facts, params), facts
