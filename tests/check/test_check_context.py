"""`curate check` says when its verdicts cannot be trusted, and writes nothing outside a project."""

from __future__ import annotations

import shutil

from tests.conftest import REPO, bin_path, run

ARTICLE = ("Port strike ends\n\nANTWERP - Dock workers at the port of Antwerp voted on Wednesday to end a "
           "three-day strike over pension reform, the union said on 2013-04-03.\n")


def test_outside_a_project_check_warns_and_creates_no_cache_folder(tmp_path):
    (tmp_path / "note.txt").write_text(ARTICLE)
    res = run([bin_path("curate"), "check", "note.txt"], tmp_path, check=False)
    assert res.returncode in (0, 1), res.stderr
    assert "1 input checked against 0 corpus articles" in res.stdout
    assert "warning: no dvc.yaml or params.yaml in .: not a project" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["note.txt"]  # no .curate-cache/, no lock


def test_a_project_not_yet_built_warns_that_the_corpus_is_empty(tmp_path):
    proj = tmp_path / "proj"
    proj.mkdir()
    for name in ("params.yaml", "dvc.yaml"):
        shutil.copy2(REPO / name, proj / name)
    (tmp_path / "note.txt").write_text(ARTICLE)
    res = run([bin_path("curate"), "check", str(tmp_path / "note.txt")], proj, check=False)
    assert res.returncode in (0, 1), res.stderr
    warning = " ".join(res.stderr.split())
    assert "warning: the corpus is empty (corpus/curated has no articles; not built yet?" in warning
    assert "not a project" not in warning


def test_a_root_outside_a_project_is_not_one_because_the_working_folder_is(tmp_path):
    proj, elsewhere = tmp_path / "proj", tmp_path / "elsewhere"
    proj.mkdir()
    elsewhere.mkdir()
    shutil.copy2(REPO / "params.yaml", proj / "params.yaml")
    (elsewhere / "note.txt").write_text(ARTICLE)
    res = run([bin_path("curate"), "check", str(elsewhere / "note.txt"), "--root", str(elsewhere)], proj, check=False)
    assert res.returncode in (0, 1), res.stderr
    assert f"warning: no dvc.yaml or params.yaml in {elsewhere}: not a project" in " ".join(res.stderr.split())
    assert sorted(p.name for p in elsewhere.iterdir()) == ["note.txt"]  # no .curate-cache/ under --root
