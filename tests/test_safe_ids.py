"""One safe-id rule (curate.record.ID_PATTERN): the ids readers make and the ids validate accepts
are judged by the same pattern, which refuses '..'."""

from __future__ import annotations

import json
import re

from curate.readers import ids
from curate.record import ID_PATTERN, Record, Source
from curate.validate.facts import facts
from tests.builders import modules_using
from tests.conftest import REPO

# the modules that judge or publish ids by the rule: the readers' id maker, validate's facts, the
# published schema (schemas/rules.json); each one is judged below
JUDGES = {"curate.readers.ids", "curate.validate.facts", "curate.validate.schemas"}


def id_safe_in_validate(rid: str) -> bool:
    rec = Record(id=rid, source=Source(path="a.txt", format="plaintext", sha256="0"), text="x")
    return facts(rec, frozenset(), "1900-01-01", "2100-01-01")["id_safe"]


def test_an_id_with_two_dots_is_refused_by_readers_and_validate_alike():
    assert not ids.valid_id("a..b") and not id_safe_in_validate("a..b")
    published = json.loads((REPO / "schemas/rules.json").read_text())["id_pattern"]
    assert published == ID_PATTERN and re.fullmatch(published, "a..b") is None  # the published one too


def test_the_readers_id_maker_never_makes_an_id_the_rule_refuses():
    for raw in ("../../etc/passwd", "a..b", ".hidden", "x" * 300, "urn:newsml:a.b:1"):
        made = ids.safe_id("jsonl-", raw)
        assert ids.valid_id(made) and id_safe_in_validate(made), made


def test_every_module_that_judges_ids_is_judged_here():
    assert modules_using("curate.record", "is_safe_id") | modules_using("curate.record", "ID_PATTERN") == JUDGES
