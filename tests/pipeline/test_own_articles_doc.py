"""docs/your-own-articles.md, run as written in a temp git+DVC copy of the project: the bundled
sample removed, the user's articles added as a batch tracked by DVC (not git) inside the ingest
stage's dependency `corpus/raw`, the corpus rebuilt from them alone, committed and pushed; a clone
elsewhere gets the batch back with `dvc pull`."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.builders import synthetic_article
from tests.conftest import REPO, bin_path, make_project, run

pytestmark = pytest.mark.slow

DOC = REPO / "docs/your-own-articles.md"
ARTICLES = 3


@pytest.fixture(scope="module")
def followed(tmp_path_factory):
    """The project after the doc's block ran in it, and the folder the articles came from."""
    base = tmp_path_factory.mktemp("own-articles")
    mine = base / "my-articles"
    mine.mkdir()
    for i in range(ARTICLES):
        text = f"Harbour council report number {i}\n\n" + synthetic_article(i, seed=7)
        (mine / f"article-{i}.txt").write_text(text, encoding="utf-8")
    proj = make_project(base / "proj")
    block = re.search(r"```bash\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S).group(1)
    script = "set -euo pipefail\n" + block.replace("~/my-articles/", f"{mine}/")
    proc = subprocess.run(["bash", "-c", script], cwd=proj, capture_output=True, text=True)
    assert proc.returncode == 0, f"{script}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proj


def test_the_sample_is_gone_and_git_tracks_only_the_batch_pointers(followed):
    tracked = run(["git", "ls-files", "corpus/raw"], followed).stdout.split()
    assert tracked and all(p == "corpus/raw/.gitignore" or re.fullmatch(r"corpus/raw/added-[^/]+\.dvc", p)
                           for p in tracked), tracked
    assert not any((followed / "corpus/raw" / d).exists() for d in ("feeds", "notes", "seed", "web"))


def test_the_corpus_is_built_from_the_users_articles_alone_and_dvc_is_clean(followed):
    metrics = json.loads((followed / "reports/metrics.json").read_text())
    assert metrics["accepted"] == ARTICLES and metrics["inputs"] == ARTICLES
    assert json.loads(run([bin_path("dvc"), "status", "--json"], followed).stdout) == {}
    assert run(["git", "status", "--porcelain"], followed).stdout == ""


def test_a_clone_elsewhere_pulls_the_batch_back(followed, tmp_path):
    run(["git", "clone", "-q", str(followed), "clone"], tmp_path)
    clone = tmp_path / "clone"
    run([bin_path("dvc"), "pull", "-q"], clone)
    got = sorted(p.name for p in (clone / "corpus/raw").glob("added-*/*.txt"))
    assert got == [f"article-{i}.txt" for i in range(ARTICLES)]
    assert json.loads(run([bin_path("dvc"), "status", "--json"], clone).stdout) == {}


def _commands(block: str) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]


def test_the_readmes_own_articles_block_is_the_start_of_the_block_run_here():
    readme = (REPO / "README.md").read_text(encoding="utf-8").split("For your own articles", 1)[1]
    shown = _commands(re.search(r"```bash\n(.*?)```", readme, flags=re.S).group(1))
    run_here = _commands(re.search(r"```bash\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S).group(1))
    assert shown and shown == run_here[:len(shown)]
