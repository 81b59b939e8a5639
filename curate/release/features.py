"""The record's types in other tools' terms, generated from `record_fields` (curate/record.py):
the Hugging Face `datasets` features the dataset card declares, and the Arrow schema of the
Parquet export. Nothing here lists a field by hand.

Objects with an open key set (`credits`: role -> names, `provenance.rules`: rule -> version):

* in the JSON Lines they are objects; the card declares them `json` (`datasets.Json`, datasets
  >= 4.7), so each record keeps exactly its own keys;
* in Parquet they are lists of two-member structs, in the record's key order: `credits` is
  `[{role, names}]`, `provenance.rules` is `[{rule, version}]` (`MAP_ENTRIES` names the members).
  Arrow maps would be the literal type, but `datasets` has no dtype for them and pandas reads
  them as lists of tuples.

In `datasets`, `date` is a date (`date32`) and the timestamps (`published_at`, `modified_at`,
`source.fetched_at`) are instants in UTC (`timestamp[us, tz=UTC]`): pyarrow's JSON reader parses
them whatever the card says, and a string column would show its rendering, not the source text.
The JSON Lines and the Parquet export keep the strings with their offsets.

Declared types keep a column's type when a whole shard has only empty lists or nulls in it
(JSON `[]` and `null` carry no type: a loader inferring per file would type them `null`).
"""

from __future__ import annotations

import msgspec

from curate.release.croissant import DATE_FIELDS, FieldSpec, record_fields

# open-keyed objects -> the names of the key and value members of their Parquet entries
MAP_ENTRIES: dict[str, tuple[str, str]] = {
    "credits": ("role", "names"),
    "provenance.rules": ("rule", "version"),
}
_HF_SCALARS = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}
# pyarrow's JSON reader (under `datasets`) parses these strings itself (timestamps to UTC), so
# they are declared as what it makes of them: a date, an instant in UTC
_HF_DATES = {"date": "date32", "datetime": "timestamp[us, tz=UTC]"}


def map_entry(spec: FieldSpec) -> tuple[str, str]:
    try:
        return MAP_ENTRIES[spec.path]
    except KeyError:
        raise TypeError(f"{spec.path}: an open-keyed object needs its entry names in "
                        "curate.release.features.MAP_ENTRIES") from None


# ------------------------------------------------------------------------- Hugging Face


def _hf_type(spec: FieldSpec) -> tuple[str, object]:
    """(YAML key, value) of one feature: ("dtype", "string"), ("struct", [...]), ("list", ...)."""
    if spec.path in DATE_FIELDS:
        return "dtype", _HF_DATES[DATE_FIELDS[spec.path]]
    if spec.kind in _HF_SCALARS:
        return "dtype", _HF_SCALARS[spec.kind]
    if spec.kind == "map":
        return "dtype", "json"
    if spec.kind == "struct":
        return "struct", [hf_feature(f) for f in spec.fields]
    if spec.kind == "list":
        key, value = _hf_type(spec.item)
        return "list", (value if key in ("dtype", "struct") else {key: value})
    raise TypeError(f"{spec.path}: no Hugging Face type for {spec.kind}")


def hf_feature(spec: FieldSpec) -> dict:
    key, value = _hf_type(spec)
    return {"name": spec.name, key: value}


def hf_features(kind: type[msgspec.Struct]) -> list[dict]:
    """`dataset_info.features` of a card (the YAML list form of `datasets.Features`)."""
    return [hf_feature(s) for s in record_fields(kind)]


# ------------------------------------------------------------------------- Arrow / Parquet


def arrow_type(spec: FieldSpec):
    import pyarrow as pa

    scalars = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    if spec.kind in scalars:
        return scalars[spec.kind]
    if spec.kind == "struct":
        return pa.struct([arrow_field(f) for f in spec.fields])
    if spec.kind == "list":
        return pa.list_(arrow_type(spec.item))
    if spec.kind == "map":
        key, value = map_entry(spec)
        return pa.list_(pa.struct([pa.field(key, pa.string(), nullable=False),
                                   pa.field(value, arrow_type(spec.item))]))
    raise TypeError(spec.kind)


def arrow_field(spec: FieldSpec):
    import pyarrow as pa

    meta = {"description": spec.doc} if spec.doc else None
    return pa.field(spec.name, arrow_type(spec), nullable=spec.nullable, metadata=meta)


def arrow_schema(kind: type[msgspec.Struct], metadata: dict[str, str] | None = None):
    import pyarrow as pa

    return pa.schema([arrow_field(s) for s in record_fields(kind)], metadata=metadata)


def to_arrow_value(spec: FieldSpec, value):
    """Builtins of a record field -> what pyarrow takes for `arrow_type(spec)`."""
    if value is None:
        return None
    if spec.kind == "map":
        key, val = map_entry(spec)
        return [{key: k, val: to_arrow_value(spec.item, v)} for k, v in value.items()]
    if spec.kind == "struct":
        return {f.name: to_arrow_value(f, value.get(f.name)) for f in spec.fields}
    if spec.kind == "list":
        return [to_arrow_value(spec.item, v) for v in value]
    return value
