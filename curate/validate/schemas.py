"""Generate `schemas/` from the one record definition: JSON Schema + the validation rules."""

from __future__ import annotations

from pathlib import Path

import orjson

from curate.params import Params
from curate.record import ID_PATTERN, Reason, Record, Rejected, json_schema
from curate.validate.rules import CHECK_ORDER, CHECKS
from curate.engine.io import write_atomic


def contract_rules(params: Params | None = None) -> dict:
    """The validation rules in readable form (what `validate` enforces, with its reason codes)."""
    params = params or Params()
    return {
        "record_checks": [
            {"check": name, "reason": CHECKS[name][0].value, "rule": CHECKS[name][1]} for name in CHECK_ORDER
        ],
        "id_pattern": ID_PATTERN,
        "entity_labels": list(params.extract.entity_labels),
        "entity_labels_by_language": {k: sorted(v) for k, v in sorted(params.extract.labels_by_language().items())},
        "corpus_checks": {f"null_rate_{k}": {"max": v} for k, v in sorted(params.validate.max_null_rate.items())},
        "date_window": [params.validate.date_min, params.validate.date_max],
        "reason_codes": [r.value for r in Reason],
    }


def generated() -> dict[str, bytes]:
    opts = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
    return {
        "record.schema.json": orjson.dumps(json_schema(Record), option=opts) + b"\n",
        "rejected.schema.json": orjson.dumps(json_schema(Rejected), option=opts) + b"\n",
        "rules.json": orjson.dumps(contract_rules(), option=opts) + b"\n",
    }


def write_schemas(out: Path) -> list[Path]:
    paths = []
    for name, data in generated().items():
        write_atomic(out / name, data)
        paths.append(out / name)
    return paths
