"""The card's Hugging Face features and the Parquet schema are generated from the record
definition: every field appears, with its type, and every open-keyed object has entry names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from curate.record import Record, Rejected
from curate.release.croissant import record_fields
from curate.release.features import MAP_ENTRIES, arrow_schema, hf_features


def test_every_open_keyed_object_has_entry_names():
    maps = {s.path for kind in (Record, Rejected) for top in record_fields(kind) for s in top.walk()
            if s.kind == "map"}
    assert maps == set(MAP_ENTRIES) == {"credits", "provenance.rules"}


def read_by_datasets(folder: Path, kind) -> "datasets.Features":
    """The features `datasets` reads from a card holding `hf_features(kind)` (its public loader,
    as a user's `load_dataset_builder("curated")`)."""
    from datasets import load_dataset_builder

    folder.mkdir()
    (folder / "README.md").write_text("---\n" + yaml.safe_dump({"dataset_info": {"features": hf_features(kind)}})
                                      + "---\n", encoding="utf-8")
    (folder / "data.jsonl").write_text("{}\n")
    return load_dataset_builder(str(folder)).info.features


def test_hf_features_are_what_datasets_reads_from_the_card(tmp_path):
    pytest.importorskip("datasets")
    from datasets import Json, List, Value

    f, rejected = read_by_datasets(tmp_path / "record", Record), read_by_datasets(tmp_path / "rejected", Rejected)
    assert list(f) == list(Record.__struct_fields__) and list(rejected) == list(Rejected.__struct_fields__)
    assert f["tickers"] == List(Value("string")) and f["credits"] == Json()
    assert f["labels"] == List({"scheme": Value("string"), "value": Value("string")})
    assert f["entities"] == List({"text": Value("string"), "label": Value("string"),
                                  "start": Value("int64"), "end": Value("int64")})
    assert f["date"] == Value("date32") and f["published_at"] == Value("timestamp[us, tz=UTC]")
    assert f["source"]["fetched_at"] == Value("timestamp[us, tz=UTC]") and f["source"]["item"] == Value("string")
    assert f["provenance"]["rules"] == Json()
    assert rejected["duplicate_of"] == Value("string")


def test_the_parquet_schema_gives_open_keyed_objects_as_lists_of_entries():
    pa = pytest.importorskip("pyarrow")
    schema = arrow_schema(Record)
    assert schema.names == list(Record.__struct_fields__)
    assert schema.field("credits").type == pa.list_(pa.struct([pa.field("role", pa.string(), nullable=False),
                                                                pa.field("names", pa.list_(pa.string()))]))
    rules = schema.field("provenance").type.field("rules").type
    assert rules == pa.list_(pa.struct([pa.field("rule", pa.string(), nullable=False),
                                        pa.field("version", pa.string())]))
