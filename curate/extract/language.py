"""Language detection: py3langid's best language for a text, or `und` (undetermined) when unsure.

The language decides the NER model, so a wrong guess costs entities: a table of earnings
figures ("Shr 1.23 vs 1.10 | Net 12.3 mln vs 11.0 mln") is not Nigerian Pidgin (`pcm`) or
Volapük (`vo`), it is too little prose to tell. The detector says `und` when the text has fewer
than `min_words` words, when letters are under `min_letter_share` of its non-space characters,
or when py3langid's probability of its best language (normalised, calibrated by text length) is
under `min_confidence` (extract.language in params.yaml). Measured on the 925 bodies of one
Reuters-21578 file: every table py3langid called `pcm`, `zxx` or `vo` scored under 0.6, and every
article of the 1,860 of reuters-sample scored 0.99 or more. py3langid's `zxx` ("no linguistic
content") is never a language: it becomes `und` whatever its confidence (one table of that file
scored over 0.6 as `zxx`).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from curate.params import LanguageParams

UND = "und"  # ISO 639-2: undetermined
LANGUAGE_RULE = "py3langid/3"  # first 2,000 characters; und by words, letter share, confidence, zxx
# codes the detector may return that name no language: always undetermined
NOT_LANGUAGES = frozenset({"zxx"})
SAMPLE_CHARS = 2000
_DEFAULT = LanguageParams()


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, params: LanguageParams = _DEFAULT) -> str:
    """ISO 639 code of the text's language (py3langid on the first 2,000 characters), or `und`."""
    sample = text[:SAMPLE_CHARS].strip()
    if len(sample.split()) < max(1, params.min_words):
        return UND
    letters = sum(c.isalpha() for c in sample)
    if letters < params.min_letter_share * sum(not c.isspace() for c in sample):
        return UND
    lang, confidence = _identifier().classify(sample)
    if lang in NOT_LANGUAGES or confidence < params.min_confidence:
        return UND
    return lang


def language_key(params: LanguageParams = _DEFAULT) -> str:
    """Digest of what decides a text's language: the rule, py3langid's version, the thresholds."""
    return _language_key(params.min_words, params.min_letter_share, params.min_confidence)


@lru_cache(maxsize=8)
def _language_key(min_words: int, min_letter_share: float, min_confidence: float) -> str:
    from importlib.metadata import version

    ident = f"{LANGUAGE_RULE}|{version('py3langid')}|{min_words}|{min_letter_share}|{min_confidence}"
    return hashlib.sha256(ident.encode()).hexdigest()[:16]
