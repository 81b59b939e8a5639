"""Validation: each contract rule rejects with its reason; corpus null-rate limits are enforced."""

from __future__ import annotations

import hashlib

import pytest

from curate.params import ValidateParams
from curate.record import Entity, Reason, Record, Source, Stats
from curate.validate.facts import facts
from curate.validate.rules import judge

LABELS = frozenset({"PERSON", "GPE", "ORG"})


def rec(id="doc-1", text="Fred Hof met officials in Moscow.", date="2012-06-08", **kw) -> Record:
    base = dict(
        id=id,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        source=Source(path="a.txt", format="plaintext", sha256="0" * 64),
        title="t",
        dateline="MOSCOW",
        date=date,
        text=text,
        entities=[Entity(text="Fred Hof", label="PERSON", start=0, end=8)],
        stats=Stats(chars=len(text), words=len(text.split()), sentences=1, paragraphs=1),
    )
    base.update(kw)
    return Record(**base)


def verdict(records, **params):
    p = ValidateParams(**params)
    rows = [facts(r, LABELS, "1900-01-01", "2026-01-01") for r in records]
    return judge(rows, p)


def test_a_valid_record_is_accepted():
    assert verdict([rec()]).reasons == [None]


@pytest.mark.parametrize(
    "change, reason",
    [
        (dict(entities=[Entity(text="Fred", label="PERSON", start=1, end=5)]), Reason.CONTRACT),
        (dict(entities=[Entity(text="Fred Hof", label="ALIEN", start=0, end=8)]), Reason.CONTRACT),
        (dict(content_hash="0" * 64), Reason.CONTRACT),
        (dict(id="../etc"), Reason.CONTRACT),
        (dict(date="2012-02-30"), Reason.NO_DATE),
        (dict(date="1850-01-01"), Reason.DATE_OUT_OF_RANGE),
        (dict(date="2099-01-01"), Reason.DATE_OUT_OF_RANGE),
        (dict(published_at="2012-06-08T10:00:00"), Reason.CONTRACT),
    ],
)
def test_each_contract_rule_rejects_with_its_reason(change, reason):
    v = verdict([rec(**change)])
    assert v.reasons[0] is not None and v.reasons[0][0] is reason


def test_empty_text_is_no_text():
    v = verdict([rec(text="", entities=[], stats=Stats())])
    assert v.reasons[0][0] is Reason.NO_TEXT


def test_too_few_words_is_too_short():
    v = verdict([rec()], min_words=100)
    assert v.reasons[0][0] is Reason.TOO_SHORT


def test_duplicate_ids_keep_the_first_and_reject_the_rest():
    v = verdict([rec(), rec(text="Another text about Moscow.", entities=[])])
    assert v.reasons[0] is None
    assert v.reasons[1][0] is Reason.DUPLICATE_ID


def test_null_rate_above_limit_fails_the_corpus_check():
    records = [rec(id=f"d{i}", title=None if i < 3 else "t") for i in range(4)]
    v = verdict(records, max_null_rate={"title": 0.5})
    assert v.corpus_checks["null_rate_title"] == {"limit": 0.5, "value": 0.75, "passed": False}
    assert all(r is None for r in v.reasons)  # a corpus rule never rejects a single record


def test_detail_names_the_failed_check():
    v = verdict([rec(date="1850-01-01")])
    assert "date_in_window" in v.reasons[0][1]


def test_date_out_of_range_detail_gives_the_date_and_the_window():
    detail = verdict([rec(date="2091-01-01")], date_max="today").reasons[0][1]
    assert detail.endswith("(date 2091-01-01; window [1900-01-01, today])")


def test_too_short_detail_gives_the_word_count_and_the_limit():
    detail = verdict([rec()], min_words=100).reasons[0][1]
    assert detail.endswith("(6 words; validate.min_words 100)")


def _stage_inputs(root, lines: list[bytes]) -> None:
    from curate.layout import STAGES
    from tests.builders import write_stage

    for stage in STAGES[:-1]:
        write_stage(root, stage, b"".join(ln + b"\n" for ln in lines) if stage in ("ingest", "extract") else b"")


def test_validate_stage_publishes_canonical_lines_sorted_by_id_whatever_the_input_spelling(tmp_path):
    import json

    import msgspec

    from curate.params import Params
    from curate.record import encode
    from curate.validate.stage import run_validate

    records = [rec(id=f"doc-{i}") for i in (3, 1, 2)]
    lines = [encode(r) for r in records]
    # a line spelled differently (other key order, spaces) must still be published canonically
    lines[0] = json.dumps(json.loads(lines[0]), sort_keys=True, separators=(", ", ": ")).encode()
    assert lines[0] != encode(records[0])
    lines[1] = b"  " + lines[1]  # canonical, but indented
    _stage_inputs(tmp_path, lines)
    params = msgspec.structs.replace(Params(), output=msgspec.structs.replace(Params().output, shards=1))
    run_validate(tmp_path, params)
    published = (tmp_path / params.output.curated_dir / "articles/part-00000.jsonl").read_bytes()
    assert published == b"".join(encode(r) + b"\n" for r in sorted(records, key=lambda r: r.id))


def test_reject_rate_message_sums_up_the_reasons_beyond_the_top_three():
    from collections import Counter

    from curate.validate.corpus_rules import CorpusFacts, evaluate

    facts = CorpusFacts(accepted=11, rejected=Counter(duplicate=1, empty=1, header_only=1, malformed_jsonl=1,
                                                      story_version=1))
    rule = next(r for r in evaluate(facts, ValidateParams()) if r.rule == "reject_rate")
    assert "(5 of 16; duplicate 1, empty 1, header_only 1, 2 more)" in rule.message
