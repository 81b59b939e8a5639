"""schemas/ is generated from the record definition and never edited by hand."""

from pathlib import Path

from curate.validate.schemas import generated

REPO = Path(__file__).resolve().parents[2]


def test_committed_schemas_match_the_record_definition():
    files = generated()
    assert files  # else the loop below checks nothing
    for name, data in files.items():
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


def test_schema_descriptions_are_the_cleaned_docstrings_whatever_msgspec_renders():
    """msgspec 0.23 strips a docstring's indentation, older versions kept it: the generator
    normalises it itself, so `schemas/` is the same bytes with either."""
    import inspect

    import msgspec

    from curate.record import Label, Record, json_schema

    class Indented(msgspec.Struct):
        """A first line
            and a continuation line indented deeper than the rest
        of the docstring."""

    got = json_schema(Indented)["$defs"]["Indented"]["description"]
    assert got == "A first line\n    and a continuation line indented deeper than the rest\nof the docstring."
    assert json_schema(Record)["$defs"]["Label"]["description"] == inspect.cleandoc(Label.__doc__)
