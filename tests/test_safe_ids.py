"""One safe-id rule (curate.record.ID_PATTERN): the ids readers make and the ids validate accepts
are judged by the same pattern, which refuses '..'."""

from __future__ import annotations

import re

from curate.readers import ids
from curate.record import ID_PATTERN, Record, Source
from curate.validate.facts import facts


def id_safe_in_validate(rid: str) -> bool:
    rec = Record(id=rid, source=Source(path="a.txt", format="plaintext", sha256="0"), text="x")
    return facts(rec, frozenset(), "1900-01-01", "2100-01-01")["id_safe"]


def test_an_id_with_two_dots_is_refused_by_readers_and_validate_alike():
    assert not ids.valid_id("a..b") and not id_safe_in_validate("a..b")
    assert re.fullmatch(ID_PATTERN, "a..b") is None  # the published pattern (schemas/rules.json) too


def test_the_readers_id_maker_never_makes_an_id_the_rule_refuses():
    for raw in ("../../etc/passwd", "a..b", ".hidden", "x" * 300, "urn:newsml:a.b:1"):
        made = ids.safe_id("jsonl-", raw)
        assert ids.valid_id(made) and id_safe_in_validate(made), made
