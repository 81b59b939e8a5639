"""The suite writes nothing outside temp folders: every user folder a library writes to (caches,
configs) points into the session's temp home (tests/conftest.py, `pytest_configure`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import HERMETIC_DIRS, REAL_HOME


def session_home() -> Path:
    return Path(os.environ["HOME"])


def inside(path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def test_the_session_home_is_a_temp_folder_not_the_real_home():
    home = session_home()
    assert home.resolve() != REAL_HOME.resolve() and not inside(REAL_HOME, home)
    assert Path.home() == home and (home / ".gitconfig").is_file()


def test_every_user_folder_variable_points_into_the_session_home():
    outside = {var: os.environ.get(var) for var in HERMETIC_DIRS
               if not os.environ.get(var) or not inside(os.environ[var], session_home())}
    assert outside == {}


def test_the_libraries_resolve_their_caches_into_the_session_home():
    """What each library computed at import (after conftest ran), not only the environment."""
    import platformdirs

    home = session_home()
    paths = {"platformdirs (dvc, pip)": platformdirs.user_cache_dir("dvc"),
             "platformdirs config": platformdirs.user_config_dir("dvc")}
    datasets = pytest.importorskip("datasets")
    paths["datasets"] = datasets.config.HF_DATASETS_CACHE
    paths["datasets modules"] = datasets.config.HF_MODULES_CACHE
    from huggingface_hub import constants

    paths["huggingface_hub"] = constants.HF_HUB_CACHE
    try:
        from mlcroissant._src.core import constants as mlc_constants
    except ImportError:
        pass
    else:
        paths["mlcroissant"] = mlc_constants.CROISSANT_CACHE
    assert {name: str(p) for name, p in paths.items() if not inside(p, home)} == {}


PROBE = """
import json, sys
from datasets import load_dataset
ds = load_dataset(sys.argv[1], split="train")
print(json.dumps(ds.num_rows))
"""


def test_a_datasets_load_in_a_subprocess_caches_under_the_session_home_only(tmp_path):
    """A representative write: `datasets` builds its Arrow cache for a local folder named
    uniquely; the cache lands under the session home and nowhere under the real home's."""
    pytest.importorskip("datasets")
    name = f"probe_{uuid.uuid4().hex[:12]}"
    folder = tmp_path / name
    folder.mkdir()
    (folder / "data.jsonl").write_text("".join(json.dumps({"id": i}) + "\n" for i in range(3)))
    proc = subprocess.run([sys.executable, "-c", PROBE, str(folder)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == 3

    def written(root: Path) -> list[Path]:
        return [p for p in root.rglob(f"*{name}*")] if root.is_dir() else []

    assert written(session_home() / HERMETIC_DIRS["HF_DATASETS_CACHE"]), "the probe's cache is in the session home"
    assert written(REAL_HOME / ".cache/huggingface") == []
