"""Validation: the record contract per record and corpus rules, with pandera (polars backend).

Each record is reduced to a row of scalar facts (curate.validate.facts: id, date, lengths,
booleans for the checks that need the text, such as entity offsets) so the corpus frame holds
no texts. One pandera
schema, built from params, checks the rows; every failing row maps to a stable reason code
(the first failing check in CHECK_ORDER wins). Corpus-wide rules (null rates over the accepted
rows) cannot reject a record: curate.validate.corpus_rules evaluates them, and they fail the stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

from curate.params import NULL_FIELDS, ValidateParams
from curate.record import Reason
from curate.validate.corpus_rules import EXEMPT, CorpusFacts, SourceGroups, evaluate, total

# column of the facts frame -> (reason code, human description of the rule)
CHECKS: dict[str, tuple[Reason, str]] = {
    "id_safe": (Reason.CONTRACT, "id is a safe file name ([A-Za-z0-9._-], not starting with '.', no '..')"),
    "content_hash_ok": (Reason.CONTRACT, "content_hash == sha256(text)"),
    "offsets_ok": (Reason.CONTRACT, "text[start:end] == entity.text for every entity"),
    "labels_ok": (Reason.CONTRACT, "every entity label is one kept for the record's language "
                  "(extract.entity_labels, or its model's labels; none for a language without a model)"),
    "published_at_ok": (Reason.CONTRACT, "published_at is ISO 8601 with a UTC offset, same day as date"),
    "text_chars": (Reason.NO_TEXT, "text is non-empty"),
    "date": (Reason.NO_DATE, "date is null (flag no_date) or a real YYYY-MM-DD"),
    "date_in_window": (Reason.DATE_OUT_OF_RANGE, "date inside [validate.date_min, validate.date_max]"),
    "words": (Reason.TOO_SHORT, "at least validate.min_words words"),
    "id": (Reason.DUPLICATE_ID, "ids are unique"),
}
# precedence when a row fails several checks: the most basic failure is reported
CHECK_ORDER = ["text_chars", "date", "date_in_window", "id_safe", "content_hash_ok", "offsets_ok",
               "labels_ok", "published_at_ok", "words", "id"]


def resolve_date(value: str) -> str:
    return dt.date.today().isoformat() if value == "today" else value


def build_schema(params: ValidateParams) -> pa.DataFrameSchema:
    """The corpus schema: the per-row contract checks (corpus rules: curate.validate.corpus_rules)."""
    true = pa.Check.eq(True)
    return pa.DataFrameSchema(
        {
            "id": pa.Column(str, unique=True),
            "id_safe": pa.Column(bool, true),
            "content_hash_ok": pa.Column(bool, true),
            "offsets_ok": pa.Column(bool, true),
            "labels_ok": pa.Column(bool, true),
            "published_at_ok": pa.Column(bool, true),
            "text_chars": pa.Column(int, pa.Check.ge(1)),
            "date": pa.Column(bool, true),
            "date_in_window": pa.Column(bool, true),
            "words": pa.Column(int, pa.Check.ge(params.min_words)),
        },
        name="curated_corpus",
    )


def _detail(check: str, frame: pl.DataFrame, i: int, params: ValidateParams) -> str:
    """`failed check <name>: <rule>`, plus the record's own value where the rule has a limit."""
    text = f"failed check {check}: {CHECKS[check][1]}"
    if check == "date_in_window":
        text += f" (date {frame['date_value'][i]}; window [{params.date_min}, {params.date_max}])"
    elif check == "words":
        text += f" ({frame['words'][i]} words; validate.min_words {params.min_words})"
    return text


@dataclass
class Verdicts:
    """Per-row reason (None = accepted); the corpus facts of the accepted rows (their null
    fields; no rejections yet), in all and per source group (SourceGroups.of), and the
    null-rate rules over them; per row its source group and, when accepted, the fields it lacks
    (`CorpusFacts.accept`'s argument: the validate stage sums them part by part)."""

    reasons: list[tuple[Reason, str] | None]
    corpus_checks: dict[str, dict]
    facts: CorpusFacts = field(default_factory=CorpusFacts)
    by_source: dict[int, CorpusFacts] = field(default_factory=dict)
    groups: list[int] = field(default_factory=list)
    missing: list[list[str] | None] = field(default_factory=list)


def _gather(rows: Iterable[dict], groups_of: SourceGroups) -> tuple[dict[str, list], list[int]]:
    """The facts rows as columns (no per-row dicts are kept) and each row's source group."""
    columns: dict[str, list] = {}
    groups: list[int] = []
    for row in rows:
        groups.append(groups_of.of(row.pop("source_path", None), row.pop("source_format", None)))
        for key, value in row.items():
            columns.setdefault(key, []).append(value)
    return columns, groups


def judge(rows: Iterable[dict], params: ValidateParams, earlier: Container[int] = frozenset()) -> Verdicts:
    """Validate the facts rows with pandera; first failing check per row decides its reason.

    Rows are gathered into columns as they stream in (no per-row dicts are kept). Ids are
    unique: the first occurrence is kept, every later one fails `id`; `earlier` holds the
    positions of rows whose id an input judged before these rows already had (the validate
    stage judges only the parts that changed)."""
    columns, groups = _gather(rows, SourceGroups(params))
    if not columns:
        return Verdicts([], {})
    ids = columns["id"]
    frame = pl.DataFrame(columns, schema_overrides={"dateline_missing": pl.Boolean})
    del columns
    failed: dict[int, set[str]] = {}
    try:
        build_schema(params).validate(frame, lazy=True)
    except SchemaErrors as err:
        for row in err.failure_cases.iter_rows(named=True):
            if row["column"] in CHECKS and row["index"] is not None:
                failed.setdefault(int(row["index"]), set()).add(row["column"])
    # uniqueness: pandera marks every copy; keep the first occurrence (rows arrive sorted)
    seen: set[str] = set()
    reasons: list[tuple[Reason, str] | None] = []
    for i, rid in enumerate(ids):
        cols = failed.get(i, set()) - {"id"}
        if i in earlier or rid in seen:
            cols.add("id")
        seen.add(rid)
        first = next((c for c in CHECK_ORDER if c in cols), None)
        reasons.append(None if first is None else (CHECKS[first][0], _detail(first, frame, i, params)))
    by_source: dict[int, CorpusFacts] = {}
    missing_cols = [(f, frame[f"{f}_missing"].to_list()) for f in NULL_FIELDS if f"{f}_missing" in frame.columns]
    missing: list[list[str] | None] = []
    for i, reason in enumerate(reasons):
        lacks = None
        if reason is None:
            lacks = [f if col[i] else EXEMPT + f for f, col in missing_cols if col[i] is not False]
            by_source.setdefault(groups[i], CorpusFacts()).accept(lacks)
        missing.append(lacks)
    results = evaluate(by_source, params)
    corpus_checks = {r.rule: r.metric() for r in results if r.rule.startswith("null_rate_")}
    return Verdicts(reasons, corpus_checks, total(by_source), by_source, groups, missing)
