"""schemas/ is generated from the record definition and never edited by hand."""

from pathlib import Path

from curate.validate.schemas import generated

REPO = Path(__file__).resolve().parents[2]


def test_committed_schemas_match_the_record_definition():
    for name, data in generated().items():
        assert (REPO / "schemas" / name).read_bytes() == data, f"schemas/{name} is stale: run `curate schema`"


def test_record_schema_requires_id_and_source():
    import json

    schema = json.loads(generated()["record.schema.json"])
    record = schema["$defs"]["Record"]
    assert {"id", "source"} <= set(record["required"])


def test_params_yaml_lists_every_parameter_of_the_typed_definition():
    import msgspec
    import yaml

    from curate.params import Params

    def keys(d, prefix=""):
        out = set()
        for k, v in d.items():
            out.add(prefix + k)
            if isinstance(v, dict) and k not in ("max_null_rate",):
                out |= keys(v, prefix + k + ".")
        return out

    shipped = yaml.safe_load((REPO / "params.yaml").read_text())
    assert keys(shipped) == keys(msgspec.to_builtins(Params()))
