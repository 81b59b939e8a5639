"""Shared fixtures: hermetic DVC settings, a temp git+DVC project of this checkout (`project`), and
that project built by `dvc repro` (`built`). Shared builders of articles and parameters: tests/builders.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROJECT_FILES = ["dvc.yaml", "params.yaml", ".dvc/config", ".dvcignore", "pyproject.toml"]
PROJECT_DIRS = ["curate", "corpus/raw", "schemas"]


@pytest.fixture(scope="session", autouse=True)
def hermetic_dvc(tmp_path_factory):
    """DVC's site cache, global and system config kept in a temp folder and analytics off: a test
    neither reads the machine's DVC settings nor leaves state or network traffic behind."""
    base = tmp_path_factory.mktemp("dvc-env")
    saved = {k: os.environ.get(k) for k in ("DVC_SITE_CACHE_DIR", "DVC_GLOBAL_CONFIG_DIR",
                                            "DVC_SYSTEM_CONFIG_DIR", "DVC_NO_ANALYTICS")}
    os.environ["DVC_SITE_CACHE_DIR"] = str(base / "site")
    os.environ["DVC_GLOBAL_CONFIG_DIR"] = str(base / "global")
    os.environ["DVC_SYSTEM_CONFIG_DIR"] = str(base / "system")
    os.environ["DVC_NO_ANALYTICS"] = "1"
    saved["PATH"] = os.environ.get("PATH")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def run(cmd: list[str], cwd: Path, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a command, returning its output; on failure the assertion shows stdout and stderr."""
    full_env = dict(os.environ, **(env or {}))
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=full_env)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def bin_path(name: str) -> str:
    """A console script of this environment (curate, dvc), even if PATH lacks the venv."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def make_project(dest: Path, raw: Path | None = None) -> Path:
    """A temp git repo holding this project's pipeline files and a raw corpus (the bundled one by default)."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in PROJECT_FILES:
        if (REPO / f).exists():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / f, dest / f)
    for d in PROJECT_DIRS:
        src = raw if (d == "corpus/raw" and raw is not None) else REPO / d
        shutil.copytree(src, dest / d, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (dest / ".dvc" / ".gitignore").write_text("/config.local\n/tmp\n/cache\n")
    # keep the DVC remote inside the temp area
    run([bin_path("dvc"), "remote", "modify", "storage", "url", str(dest.parent / "remote")], dest)
    (dest / ".gitignore").write_text("/corpus/interim/\n/.curate-cache/\n")
    run(["git", "init", "-q", "-b", "main"], dest)
    run(["git", "-c", "user.email=t@t", "-c", "user.name=t", "add", "-A"], dest)
    run(["git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "init"], dest)
    return dest


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "proj")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The bundled sample built by `dvc repro` in a temp project, once per test module (a module
    may change it; no other module sees that). Each stage's stats line is in ../stage-stats.jsonl."""
    proj = make_project(tmp_path_factory.mktemp("built") / "proj")
    run([bin_path("dvc"), "repro"], proj, env={"CURATE_STAGE_STATS": str(proj.parent / "stage-stats.jsonl")})
    return proj
