"""Topic folders of plain-text collections become labels; date folders do not."""

from __future__ import annotations

from curate.params import IngestParams
from curate.readers import read_file


def read(tmp_path, rel: str):
    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / rel).write_text("A title\n\nA body of text.\n")
    (out,) = read_file(rel, tmp_path, IngestParams())
    return out


def test_topic_folder_is_a_folder_label(tmp_path):
    out = read(tmp_path, "bbc/business/001.txt")
    assert [(lb.scheme, lb.value) for lb in out.labels] == [("folder", "business")]
    assert out.date is None


def test_day_folder_gives_the_date_and_no_label(tmp_path):
    out = read(tmp_path, "20150210/a.txt")
    assert (out.labels, out.date) == ([], "2015-02-10")


def test_file_at_the_root_has_no_label(tmp_path):
    assert read(tmp_path, "a.txt").labels == []


def test_year_folder_is_no_label(tmp_path):
    assert read(tmp_path, "2005/a.txt").labels == []
