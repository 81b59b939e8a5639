"""Dedup rules: story versions keep the latest, exact duplicates keep the earliest, all named."""

from __future__ import annotations

from curate.params import Params
from curate.record import Reason
from curate.dedup.decisions import DedupKey, _SourceKey, dedup_decisions


def key(id, h, published, path):
    return DedupKey(id=id, content_hash=h, date=published[:10], published_at=published, source=_SourceKey(path=path))


def test_story_versions_keep_the_latest_published():
    keys = [
        key("reuters-USBRE1", "h1", "2012-06-07T22:59:00-04:00", "20120608/a-idUSBRE120120608"),
        key("reuters-USBRE1", "h2", "2012-06-08T10:00:00-04:00", "20120609/a-idUSBRE120120609"),
    ]
    drop = dedup_decisions(keys, Params())
    assert drop == {0: (Reason.STORY_VERSION, "reuters-USBRE1", drop[0][2])}
    assert "reuters-USBRE1" in drop[0][2]


def test_story_versions_with_equal_times_keep_the_first_raw_path():
    keys = [
        key("reuters-X", "h", "2012-06-07T22:59:00-04:00", "20120609/x"),
        key("reuters-X", "h", "2012-06-07T22:59:00-04:00", "20120608/x"),
    ]
    assert set(dedup_decisions(keys, Params())) == {0}


def test_an_intact_copy_beats_a_damaged_one_whose_path_sorts_first():
    keys = [
        key("reuters-A", "same", "2012-06-08T10:00:00-04:00", "a-cut-file"),
        key("reuters-B", "same", "2012-06-08T10:00:00-04:00", "b-whole-file"),
    ]
    keys[0].flags = ["truncated"]
    drop = dedup_decisions(keys, Params())
    assert list(drop) == [0] and drop[0][1] == "reuters-B"


def test_an_intact_story_version_beats_a_damaged_one_at_equal_times():
    keys = [
        key("reuters-X", "h1", "2012-06-07T22:59:00-04:00", "20120608/x"),
        key("reuters-X", "h2", "2012-06-07T22:59:00-04:00", "20120609/x"),
    ]
    keys[0].flags = ["truncated_header"]
    assert set(dedup_decisions(keys, Params())) == {0}


def test_exact_duplicates_keep_the_earliest_and_name_it():
    keys = [
        key("reuters-B", "same", "2012-06-09T10:00:00-04:00", "b"),
        key("reuters-A", "same", "2012-06-08T10:00:00-04:00", "a"),
        key("reuters-C", "other", "2012-06-08T10:00:00-04:00", "c"),
    ]
    drop = dedup_decisions(keys, Params())
    assert list(drop) == [0]
    assert drop[0][0] is Reason.DUPLICATE and drop[0][1] == "reuters-A"


def test_same_id_from_a_non_reuters_source_is_a_duplicate_id():
    keys = [key("jsonl-7", "h1", "2013-01-01", "f.jsonl"), key("jsonl-7", "h2", "2013-01-02", "g.jsonl")]
    drop = dedup_decisions(keys, Params())
    assert drop[0][0] is Reason.DUPLICATE_ID


def test_decisions_do_not_depend_on_input_order():
    keys = [
        key("reuters-A", "x", "2012-01-01T01:00:00-05:00", "1"),
        key("reuters-A", "y", "2012-01-02T01:00:00-05:00", "2"),
        key("reuters-B", "y", "2012-01-03T01:00:00-05:00", "3"),
        key("reuters-C", "z", "2012-01-01T01:00:00-05:00", "4"),
    ]
    kept = lambda ks: sorted((k.id, k.source.path) for i, k in enumerate(ks) if i not in dedup_decisions(ks, Params()))
    assert kept(keys) == kept(list(reversed(keys)))


def test_exact_duplicates_compare_publication_times_in_utc():
    # 10:00 in New York (14:00 UTC) is later than 13:00 in London: the London copy is the original
    keys = [
        key("ny-copy", "same", "2012-06-08T10:00:00-04:00", "a"),
        key("london-copy", "same", "2012-06-08T13:00:00+00:00", "b"),
    ]
    drop = dedup_decisions(keys, Params())
    assert list(drop) == [0] and drop[0][1] == "london-copy"


def test_an_undated_copy_never_displaces_a_dated_original():
    undated = DedupKey(id="doc-undated", content_hash="same", source=_SourceKey(path="a"))
    keys = [undated, key("dated", "same", "2012-06-08T13:00:00+00:00", "b")]
    drop = dedup_decisions(keys, Params())
    assert list(drop) == [0] and drop[0][1] == "dated"


def test_story_versions_compare_times_in_utc():
    keys = [
        key("reuters-T", "h1", "2012-06-08T10:00:00-04:00", "x"),   # 14:00 UTC: the later
        key("reuters-T", "h2", "2012-06-08T13:00:00+00:00", "y"),
    ]
    assert set(dedup_decisions(keys, Params())) == {1}


def test_a_cancellation_withdraws_the_earlier_versions_of_its_story_and_is_accounted():
    keys = [
        key("newsml-urn_x", "v1", "2016-10-18T13:00:00+00:00", "feed/v1.xml"),
        key("newsml-urn_x", "c", "2016-10-18T15:00:00+00:00", "feed/cancel.xml"),
        key("newsml-urn_y", "other", "2016-10-18T13:00:00+00:00", "feed/y.xml"),
    ]
    keys[1].flags = ["canceled"]
    drop = dedup_decisions(keys, Params())
    assert {i: r for i, (r, _, _) in drop.items()} == {0: Reason.WITHDRAWN, 1: Reason.CANCELLATION}
    assert "feed/cancel.xml" in drop[0][2]


def test_a_version_published_after_the_cancellation_stands():
    keys = [
        key("newsml-urn_x", "c", "2016-10-18T15:00:00+00:00", "feed/cancel.xml"),
        key("newsml-urn_x", "v2", "2016-10-19T09:00:00+00:00", "feed/v2.xml"),
    ]
    keys[0].flags = ["canceled"]
    assert {i: r for i, (r, _, _) in dedup_decisions(keys, Params()).items()} == {0: Reason.CANCELLATION}
