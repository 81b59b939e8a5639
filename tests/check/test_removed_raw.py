"""`curate check` and `curate add` compare inputs with the version the next build will hold: the
records of raw files removed from the project (`git rm` of the bundled sample, as README's "your
own articles" does) are left out and counted; a DVC-tracked raw folder that is only not pulled
here still counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from curate.check.run import check_paths
from curate.params import load_params
from tests.conftest import REPO, bin_path, run

pytestmark = pytest.mark.slow

NOTE = "notes/20130402/harbour-expansion.txt"


@pytest.fixture
def proj(built, tmp_path) -> Path:
    """The built sample, copied (one test's changes stay its own), and a copy of one of its
    articles waiting outside it."""
    dest = tmp_path / "proj"
    shutil.copytree(built, dest, symlinks=True)
    (tmp_path / "inbox").mkdir()
    shutil.copy2(REPO / "corpus/raw" / NOTE, tmp_path / "inbox/harbour.txt")
    return dest


def _check(proj: Path):
    result = check_paths([proj.parent / "inbox/harbour.txt"], root=proj, params=load_params(proj / "params.yaml"))
    return result, result.verdicts[0]


def test_a_copy_of_an_article_still_in_raw_is_a_duplicate(proj):
    result, verdict = _check(proj)
    assert verdict.reason == "duplicate" and result.corpus_gone == 0


def test_a_copy_of_an_article_whose_raw_file_was_removed_is_accepted(proj):
    before, _ = _check(proj)
    run(["git", "rm", "-r", "-q", "corpus/raw/notes"], proj)
    result, verdict = _check(proj)
    assert verdict.accepted, verdict
    assert result.corpus_gone == 1 and result.corpus_records == before.corpus_records - 1
    assert "(1 more whose raw files were removed left out)" in result.summary()
    assert result.to_json()["corpus"]["removed_from_raw"] == 1


def test_a_dvc_tracked_raw_folder_not_pulled_here_still_counts(proj):
    run(["git", "rm", "-r", "-q", "--cached", "corpus/raw/notes"], proj)
    run([bin_path("dvc"), "add", "-q", "corpus/raw/notes"], proj)
    shutil.rmtree(proj / "corpus/raw/notes")  # a clone that pulled the curated corpus only
    result, verdict = _check(proj)
    assert (proj / "corpus/raw/notes.dvc").is_file()
    assert verdict.reason == "duplicate" and result.corpus_gone == 0
