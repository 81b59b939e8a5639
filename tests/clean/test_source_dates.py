"""Per-source date settings (clean.sources) applied by the clean step."""

from __future__ import annotations

from curate.clean.stage import clean_one, source_setting
from curate.params import CleanParams, Params, SourceDates
from curate.record import Reason, Record, Rejected, Source


def rec(path: str, text: str = "Talks resumed on Monday.", date: str | None = None) -> Record:
    return Record(id="t1", source=Source(path=path, format="plaintext", sha256="0"), text=text, date=date)


def params(*sources: SourceDates) -> Params:
    return Params(clean=CleanParams(sources=list(sources)))


def test_undated_is_accepted_with_the_flag_by_default():
    out = clean_one(rec("bbc/business/001.txt"), Params())
    assert out.date is None and "no_date" in out.flags


def test_a_source_can_reject_its_undated_articles():
    out = clean_one(rec("bbc/business/001.txt"), params(SourceDates(glob="bbc/**", undated="reject")))
    assert isinstance(out, Rejected) and out.reason == Reason.NO_DATE.value
    assert "bbc/**" in out.detail and out.stage == "clean"


def test_a_source_date_fills_only_missing_dates():
    p = params(SourceDates(glob="bbc/**", date="2005-01-01"))
    assert clean_one(rec("bbc/a.txt"), p).date == "2005-01-01"
    assert "date_from_source" in clean_one(rec("bbc/a.txt"), p).flags
    assert clean_one(rec("bbc/a.txt", date="2006-03-04"), p).date == "2006-03-04"


def test_the_dateline_date_comes_before_the_source_setting():
    p = params(SourceDates(glob="**", undated="reject"))
    out = clean_one(rec("x/a.txt", text="ATHENS, April 10, 2024 - Talks resumed."), p)
    assert out.date == "2024-04-10" and "date_from_dateline" in out.flags


def test_the_first_matching_source_wins():
    s = [SourceDates(glob="bbc/sport/*", undated="reject"), SourceDates(glob="bbc/**")]
    assert source_setting("bbc/sport/1.txt", s).undated == "reject"
    assert source_setting("bbc/news/1.txt", s).undated == "accept"
    assert source_setting("other/1.txt", s) is None
