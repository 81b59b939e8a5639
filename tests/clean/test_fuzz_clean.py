"""Fuzzed input over every cleaning step (and, for a few examples, extraction with the real model).

Properties:
- `repair`, `reflow`, `clean_text`, `clean_record` and the stage's `clean_one` never raise;
- `clean_text` is idempotent: clean_text(clean_text(x)) == clean_text(x), with and without
  mojibake repair / re-flow;
- the cleaned text has no control characters but '\\n', no '\\r', no lone surrogates, is NFC;
- `clean_one` ends every record accepted (a Record with non-empty text and its content_hash) or
  rejected with a known reason and a detail;
- entity offsets index into the text (`text[start:end] == entity.text`), on records run through
  the real spaCy model (a small sample: the model is the cost).

1,000 examples per step (derandomized, so CI is reproducible).
"""

from __future__ import annotations

import hashlib
import string
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.clean.rules import clean_record, clean_text, reflow, repair
from curate.params import CleanParams, Params
from curate.record import Reason, Record, Rejected, Source
from curate.clean.stage import clean_one

FUZZ = settings(max_examples=1000, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
REASONS = {r.value for r in Reason}

# Text that looks like news copy in all its ugliness: wire headers, sign-offs, ticker markup, wire
# codes, HTML entities, mojibake, hard wraps, odd spaces, controls, terminal escapes, markup.
PIECES = st.sampled_from([
    "MOSCOW ", "LIMA, Peru  (Reuters) - ", "WASHINGTON  Oct 27 (Reuters) - ", " date 2012-06-08 ",
    "(Reporting by Ann Lee; Editing by Bo Kim)", "( BKS.N )", "<ID:nSP6809>", "&amp;amp;", "&lt;b&gt;",
    "â€™", "Ã©", "\u00a0", "\u200b", "\u00ad", "\r\n", "\n", "\n\n", "  ", "\t", "\x0c", "\x1b[31m",
    "\x1b]0;title\x07", "<script>alert(1)</script>", "**bold** _it_ [x](http://e.x)", "By  Maria Schulte",
    "(Updates with quote)", ". ", "said on Friday.", "Shares rose 3.2 percent", "\u2028", "\ufeff",
    "e\u0301", "\ud800",
])
NEWSY = st.lists(st.one_of(PIECES, st.text(string.ascii_letters + " .,'-", max_size=30)),
                 max_size=25).map("".join)
ANY = st.text(st.characters(), max_size=400)  # any code point, lone surrogates included
TEXT = st.one_of(NEWSY, ANY)
PARAMS = st.builds(CleanParams, fix_mojibake=st.booleans(), reflow=st.booleans())


def _rec(text: str, flags=()) -> Record:
    return Record(id="doc-0123456789abcdef", source=Source(path="x.txt", format="plaintext", sha256=""),
                  text=text, flags=list(flags))


def _clean_invariants(out: str) -> None:
    assert "\r" not in out
    assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in out), repr(out)
    assert not any(0xD800 <= ord(c) < 0xE000 for c in out)
    assert unicodedata.is_normalized("NFC", out)


@FUZZ
@given(text=TEXT, params=PARAMS)
def test_clean_text_idempotent_and_clean(text, params):
    once = clean_text(text, params)
    assert clean_text(once, params) == once
    _clean_invariants(once)


@FUZZ
@given(text=TEXT, fix=st.booleans())
def test_repair_and_reflow_never_raise(text, fix):
    repaired, _ = repair(text, fix)
    assert isinstance(repaired, str)
    paras = reflow(repaired)
    assert all(isinstance(p, str) and "\n\n" not in p for p in paras)


@FUZZ
@given(text=TEXT, params=PARAMS, flags=st.lists(st.sampled_from(["decoded_cp1252", "x"]), max_size=2))
def test_clean_record_accepts_or_rejects_with_reason(text, params, flags):
    rec = _rec(text, flags)
    cleaned = clean_record(rec, params)
    assert isinstance(cleaned, Record)
    _clean_invariants(cleaned.text)
    out = clean_one(rec, Params(clean=params))
    if isinstance(out, Rejected):
        assert out.reason in REASONS and out.detail and out.stage == "clean"
    else:
        assert out.text.strip()
        assert out.content_hash == hashlib.sha256(out.text.encode("utf-8")).hexdigest()
        assert "clean_error" not in out.flags


@pytest.fixture(scope="module")
def annotate():
    from curate.extract.annotate import annotate_chunk, decode_annotation, model_identity
    from curate.extract.finish import finish_record

    p = Params()
    model = model_identity(p.extract.model)

    def run(records: list[Record]) -> list[Record]:
        anns = annotate_chunk(p.extract.model, [r.text for r in records], 8)
        return [finish_record(r, decode_annotation(a), p.extract, model, "x") for r, a in zip(records, anns)]

    return run


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts=st.lists(TEXT, min_size=1, max_size=5))
def test_entity_offsets_index_into_text_with_the_real_model(annotate, texts):
    cleaned = [c for c in (clean_one(_rec(t), Params()) for t in texts) if not isinstance(c, Rejected)]
    annotated = annotate(cleaned)
    assert len(annotated) == len(cleaned)
    for rec in annotated:
        for e in rec.entities:
            assert 0 <= e.start < e.end <= len(rec.text)
            assert rec.text[e.start:e.end] == e.text
