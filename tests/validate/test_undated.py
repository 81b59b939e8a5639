"""Validation of undated records and of the dateline null rate per format."""

from __future__ import annotations

import hashlib

from curate.params import ValidateParams
from curate.record import Reason, Record, Source, Stats
from curate.validate.facts import facts
from curate.validate.rules import judge


def rec(rid: str, date: str | None = "2012-06-08", dateline: str | None = None, flags=()) -> Record:
    text = "Officials met in Moscow."
    return Record(id=rid, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                  source=Source(path=f"{rid}.txt", format="plaintext", sha256="0" * 64),
                  title="t", date=date, dateline=dateline, text=text, flags=list(flags),
                  stats=Stats(chars=len(text), words=4, sentences=1, paragraphs=1))


def verdict(records, **params):
    rows = [facts(r, frozenset(), "1900-01-01", "2026-01-01") for r in records]
    return judge(rows, ValidateParams(**params))


def test_a_null_date_is_accepted():
    assert verdict([rec("a", date=None, flags=["no_date"])]).reasons == [None]


def test_an_unreal_date_is_still_rejected_no_date():
    assert verdict([rec("a", date="2012-02-30")]).reasons[0][0] is Reason.NO_DATE


def test_dateline_null_rate_counts_only_records_flagged_no_dateline():
    # two records of a format that never carries datelines (no flag), one that misses it, one with it
    recs = [rec("a"), rec("b"), rec("c", flags=["no_dateline"]), rec("d", dateline="MOSCOW")]
    v = verdict(recs, max_null_rate={"dateline": 0.4})
    assert v.corpus_checks["null_rate_dateline"] == {"limit": 0.4, "value": 0.5, "passed": False}


def test_dateline_null_rate_is_zero_when_no_format_carries_datelines():
    v = verdict([rec("a"), rec("b")], max_null_rate={"dateline": 0.1})
    assert v.corpus_checks["null_rate_dateline"] == {"limit": 0.1, "value": 0.0, "passed": True}
