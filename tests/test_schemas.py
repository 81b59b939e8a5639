"""schemas/ is generated from the record definition and never edited by hand."""

from pathlib import Path

from curate.schemas import generated

REPO = Path(__file__).resolve().parents[1]


def test_committed_schemas_match_the_record_definition():
    for name, data in generated().items():
        assert (REPO / "schemas" / name).read_bytes() == data, f"schemas/{name} is stale: run `curate schema`"


def test_record_schema_requires_id_and_source():
    import json

    schema = json.loads(generated()["record.schema.json"])
    record = schema["$defs"]["Record"]
    assert {"id", "source"} <= set(record["required"])
