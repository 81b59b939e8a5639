"""`curate add` in a DVC repository tracks the batch it copied with DVC (real git and DVC in a
temp project): git sees only the pointer file and the batch's .gitignore line, and add says what
to commit; `--no-dvc` leaves the batch to the user."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.builders import synthetic_article
from tests.conftest import bin_path, make_project, run

pytestmark = pytest.mark.slow


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for i in range(2):
        (folder / f"story-{i}.txt").write_text(f"Harbour council report number {i}\n\n"
                                              + synthetic_article(i, seed=11))
    return folder


def untracked(proj: Path) -> list[str]:
    return sorted(run(["git", "status", "--porcelain", "--untracked-files=all"], proj).stdout.splitlines())


def test_add_tracks_the_batch_with_dvc_and_says_what_to_commit(tmp_path, inbox):
    proj = make_project(tmp_path / "proj")
    out = run([bin_path("curate"), "add", str(inbox)], proj).stdout
    batch = re.search(r"corpus/raw/(added-[^/\s]+)/", out).group(1)
    pointer = f"corpus/raw/{batch}.dvc"
    assert f"git add {pointer} corpus/raw/.gitignore" in out
    assert untracked(proj) == ["?? corpus/raw/.gitignore", f"?? {pointer}"]
    assert f"/{batch}" in (proj / "corpus/raw/.gitignore").read_text().splitlines()
    assert json.loads(run([bin_path("dvc"), "status", "--json", pointer], proj).stdout) == {}
    assert sorted(p.name for p in (proj / "corpus/raw" / batch).iterdir()) == ["story-0.txt", "story-1.txt"]


def test_add_no_dvc_copies_the_batch_and_leaves_it_untracked(tmp_path, inbox):
    proj = make_project(tmp_path / "proj")
    out = run([bin_path("curate"), "add", "--no-dvc", str(inbox)], proj).stdout
    batch = re.search(r"corpus/raw/(added-[^/\s]+)/", out).group(1)
    assert "git add" not in out and not list((proj / "corpus/raw").glob("*.dvc"))
    assert untracked(proj) == [f"?? corpus/raw/{batch}/story-0.txt", f"?? corpus/raw/{batch}/story-1.txt"]
