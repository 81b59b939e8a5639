"""Two versions fetched one after the other into the same `curated/` folder, loaded with Hugging
Face `datasets` and one cache (`HF_HOME`): each load gives its own version's records.

`datasets` keys its cache of a local folder on the card (configs, `dataset_info`), not on the
data files, so a folder of the same name with another version's files used to be served the
first version's records (`curated/default/0.0.0/<hash>` named both). The card's configs now
carry each split's data sha256. The commands are the "Another version in the same folder"
blocks of docs/releases-and-sharing.md, read from the document (`REPO` and `v1.3` replaced)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, make_project
from tests.release.test_release import build_two_releases

pytestmark = pytest.mark.slow

DOC = REPO / "docs/releases-and-sharing.md"
SECTION = "### Another version in the same folder"


def doc_block(lang: str) -> str:
    section = DOC.read_text(encoding="utf-8").split(SECTION, 1)[1]
    return re.search(rf"```{lang}\n(.*?)```", section, flags=re.S).group(1)


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    base = tmp_path_factory.mktemp("two-versions")
    proj = make_project(base / "proj")
    v1, v2 = build_two_releases(proj)
    assert len(v1) != len(v2)
    return proj, {"v1": v1, "v2": v2}


def fetch_and_load(folder: Path, repo: Path, version: str, hf_home: Path) -> list[str]:
    """The doc's bash block, then its Python block in a fresh interpreter: the ids loaded."""
    env = dict(os.environ, HF_HOME=str(hf_home), HF_HUB_OFFLINE="1")
    env.pop("HF_DATASETS_CACHE", None)
    script = "set -euo pipefail\n" + doc_block("bash").replace("REPO", str(repo)).replace("v1.3", version)
    proc = subprocess.run(["bash", "-c", script], cwd=folder, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, f"{script}\n{proc.stdout}\n{proc.stderr}"
    code = doc_block("python") + "\nimport json; print(json.dumps(list(ds['id'])))\n"
    proc = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, f"{code}\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_each_version_fetched_into_the_same_folder_loads_its_own_records(two_versions, tmp_path):
    pytest.importorskip("datasets")
    proj, versions = two_versions
    folder, hf_home = tmp_path / "work", tmp_path / "hf-home"
    folder.mkdir()
    for version in ("v1", "v2", "v1"):
        ids = fetch_and_load(folder, proj, version, hf_home)
        assert sorted(ids) == sorted(versions[version]), f"{version}: {len(ids)} records loaded"
    assert (hf_home / "datasets").is_dir(), "the one cache all three loads used"


def test_each_cards_configs_name_the_sha256_of_their_versions_data_files(two_versions):
    import yaml

    from curate.layout import rejected_paths, shard_paths
    from curate.release.facts import data_digest

    proj, _ = two_versions

    def configs(tag: str) -> dict:
        card = subprocess.run(["git", "show", f"{tag}:corpus/curated/README.md"], cwd=proj,
                              capture_output=True, text=True, check=True).stdout
        return {c["config_name"]: c["description"] for c in yaml.safe_load(card.split("---\n")[1])["configs"]}

    curated = proj / "corpus/curated"  # the workspace holds v2
    v1, v2 = configs("v1"), configs("v2")
    assert v2["default"] == f"articles of v2, data files sha256 {data_digest(shard_paths(curated))}"
    assert v2["rejected"] == f"rejected of v2, data files sha256 {data_digest(rejected_paths(curated))}"
    assert v1["default"].rsplit(" ", 1)[1] != v2["default"].rsplit(" ", 1)[1]
