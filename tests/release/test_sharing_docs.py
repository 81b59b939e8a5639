"""The sharing and using commands of docs/releases-and-sharing.md, run as written from another
folder against a real release published as a `file://` git URL (DVC clones it to a temp folder,
as it would a GitHub URL), and the release's refusal of a remote other folders cannot reach.

The bash and Python blocks of "Using a released version" are read from the document itself;
only `REPO` and the versions are replaced (`v1.2`, `v1.3` -> the fixture's `v1`)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, bin_path, make_project, run
from tests.release.conftest import VERSION
from tests.release.test_release import GIT, curate_cmd, records_in

pytestmark = pytest.mark.slow

DOC = REPO / "docs/releases-and-sharing.md"


def doc_block(lang: str, url: str) -> str:
    section = DOC.read_text(encoding="utf-8").split("## Using a released version", 1)[1]
    block = re.search(rf"```{lang}\n(.*?)```", section, flags=re.S).group(1)
    return block.replace("REPO", url).replace("v1.2", VERSION).replace("v1.3", VERSION)


@pytest.fixture(scope="module")
def researcher(release, tmp_path_factory) -> Path:
    """An empty folder elsewhere in which the doc's bash block ran (as one script)."""
    home = tmp_path_factory.mktemp("elsewhere")
    script = "set -euo pipefail\n" + doc_block("bash", release.url)
    proc = subprocess.run(["bash", "-c", script], cwd=home, capture_output=True, text=True)
    assert proc.returncode == 0, f"{script}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return home


def test_dvc_get_fetches_the_released_folder(release, researcher):
    assert records_in(researcher / "curated/articles") == release.records
    assert "# News corpus — v1" in (researcher / "curated/README.md").read_text()
    assert json.loads((researcher / "curated/croissant.json").read_text())["version"] == "1"


def test_dvc_import_into_data_then_update(release, researcher):
    assert records_in(researcher / "data/articles") == release.records
    meta = (researcher / "data/articles.dvc").read_text()
    assert f"rev: {VERSION}" in meta and release.url in meta


def test_clone_checkout_pull_then_export(release, researcher):
    clone = researcher / "corpus"
    assert records_in(clone / "corpus/curated/articles") == release.records
    assert json.loads(run([bin_path("dvc"), "status", "--json"], clone).stdout) == {}
    assert (clone / f"exports/{VERSION}/articles.parquet").stat().st_size > 0
    assert (clone / f"exports/{VERSION}/rejected.parquet").stat().st_size > 0


def test_the_python_block_runs_as_written(release, researcher, monkeypatch, tmp_path):
    pytest.importorskip("datasets")
    pytest.importorskip("mlcroissant")
    from dvc.repo.open_repo import clean_repos

    monkeypatch.chdir(researcher)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets

    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf-cache")
    scope: dict = {}
    try:
        exec(compile(doc_block("python", release.url), str(DOC), "exec"), scope)
    finally:
        clean_repos()
    n = len(release.records)
    first = sorted(release.records)[0]
    assert sorted(r["id"] for r in scope["records"]) == sorted(release.records)  # every shard read
    assert scope["manifest"]["records"] == n
    assert len(scope["df"]) == scope["lf"].height == scope["ds"].num_rows == len(scope["articles"]) == n
    assert len(scope["pq"]) == scope["ds_pq"].num_rows == n and first in set(scope["pq"]["id"])
    assert scope["rejected"].num_rows == sum(json.loads(
        (release.proj / "reports/metrics.json").read_text())["rejected_by_reason"].values())


def test_the_cards_dvc_api_snippet_reads_every_record(release, researcher):
    from dvc.repo.open_repo import clean_repos

    card = (researcher / "curated/README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(.*?)```", card.split("## Distribution", 1)[1], flags=re.S).group(1)
    scope: dict = {}
    try:
        exec(compile(snippet, "card", "exec"), scope)
    finally:
        clean_repos()
    assert sorted(r["id"] for r in scope["records"]) == sorted(release.records)


# ------------------------------------------------------------------------ the release's remote


def _project_with_the_bundled_remote(tmp_path: Path) -> Path:
    proj = make_project(tmp_path / "proj")
    shutil.copy(REPO / ".dvc/config", proj / ".dvc/config")  # the committed, relative remote
    run(GIT + ["commit", "-qm", "bundled remote", ".dvc/config"], proj)
    return proj


def test_release_refuses_the_bundled_relative_remote(tmp_path):
    proj = _project_with_the_bundled_remote(tmp_path)
    proc = curate_cmd(proj, "release", "v1", check=False)
    assert proc.returncode == 1
    assert "relative folder '../../curate-remote'" in proc.stderr
    assert "dvc remote modify storage url /abs/path/to/storage" in proc.stderr
    assert "--allow-local-remote" in proc.stderr
    assert run(["git", "tag"], proj).stdout == ""
    # the flag passes the remote check; this project is not built, so the next check refuses
    proc = curate_cmd(proj, "release", "v1", "--allow-local-remote", check=False)
    assert proc.returncode == 1 and "dvc status" in proc.stderr and "remote" not in proc.stderr


def test_release_refuses_a_default_remote_that_is_not_defined(tmp_path):
    proj = _project_with_the_bundled_remote(tmp_path)
    (proj / ".dvc/config").write_text("[core]\n    remote = storage\n")
    run(GIT + ["commit", "-qm", "remote gone", ".dvc/config"], proj)
    proc = curate_cmd(proj, "release", "v1", check=False)
    assert proc.returncode == 1 and "'storage' is not defined in .dvc/config" in proc.stderr


def test_releasing_unchanged_data_warns(release, tmp_path):
    proj = tmp_path / "proj"
    shutil.copytree(release.proj, proj, symlinks=True)
    proc = curate_cmd(proj, "release", "v1.1", "--date", "2024-03-02")
    assert f"warning: the data is unchanged since {VERSION}" in proc.stderr
    assert run(["git", "tag", "--list", "v1.1"], proj).stdout.strip() == "v1.1"
