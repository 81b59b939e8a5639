"""Shared fixtures: a hermetic home (every user folder a library writes to points into one temp
folder for the session), hermetic DVC settings, a temp git+DVC project of this checkout
(`project`), and that project built by `dvc repro` (`built`). Shared builders of articles and
parameters: tests/builders.py."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROJECT_FILES = ["dvc.yaml", "params.yaml", ".dvc/config", ".dvcignore", "pyproject.toml"]
PROJECT_DIRS = ["curate", "corpus/raw", "schemas"]
# the bundled sample the suite builds its projects from (docs/your-own-articles.md)
SAMPLE_DIRS = ["corpus/raw/feeds", "corpus/raw/notes", "corpus/raw/seed", "corpus/raw/web"]
# the user's own home, kept by pytest_configure before it points HOME elsewhere (this module is
# imported again as `tests.conftest` by test modules, after that)
REAL_HOME = Path(os.environ.get("CURATE_TESTS_REAL_HOME") or Path.home())
# the user folders the libraries here write to, relative to the session's temp home: the XDG
# folders (DVC's and pip's platformdirs), Hugging Face `datasets` and hub, mlcroissant's
# downloads, matplotlib's font cache, dask's config
HERMETIC_DIRS = {
    "HOME": ".",
    "XDG_CACHE_HOME": ".cache",
    "XDG_CONFIG_HOME": ".config",
    "XDG_DATA_HOME": ".local/share",
    "XDG_STATE_HOME": ".local/state",
    "HF_HOME": ".cache/huggingface",
    "HF_DATASETS_CACHE": ".cache/huggingface/datasets",
    "HF_HUB_CACHE": ".cache/huggingface/hub",
    "HUGGINGFACE_HUB_CACHE": ".cache/huggingface/hub",
    "HF_ASSETS_CACHE": ".cache/huggingface/assets",
    "HF_MODULES_CACHE": ".cache/huggingface/modules",
    "CROISSANT_CACHE": ".cache/croissant",
    "MPLCONFIGDIR": ".config/matplotlib",
    "DASK_CONFIG": ".config/dask",
}
_SAVED_ENV: dict[str, str | None] = {}


def pytest_configure(config):
    """Point every user folder into a temp home for the whole session, before any test module is
    imported (`datasets` reads HF_HOME at import): the suite writes nothing to the real home and
    reads none of its settings (git's identity is the temp home's own `.gitconfig`)."""
    missing = [d for d in SAMPLE_DIRS if not any((REPO / d).glob("*"))]
    if missing:
        pytest.exit(f"the test suite builds its projects from the bundled sample, and {', '.join(missing)} "
                    "is gone from this checkout (replaced by your own articles?): run the suite in a "
                    "checkout of curate that still has it (docs/your-own-articles.md)", returncode=4)
    _as_a_terminals_foreground_job()
    _SAVED_ENV.setdefault("CURATE_TESTS_REAL_HOME", os.environ.get("CURATE_TESTS_REAL_HOME"))
    os.environ.setdefault("CURATE_TESTS_REAL_HOME", str(Path.home()))
    home = Path(tempfile.mkdtemp(prefix="curate-tests-home-"))
    config._curate_home = home
    env = {var: str(home / rel) for var, rel in HERMETIC_DIRS.items()}
    env["HF_HUB_OFFLINE"] = "1"
    env["HF_DATASETS_OFFLINE"] = "1"
    for var, value in env.items():
        _SAVED_ENV.setdefault(var, os.environ.get(var))
        os.environ[var] = value
    (home / ".gitconfig").write_text("[user]\n\tname = curate tests\n\temail = tests@example.org\n")
    try:
        from hypothesis import settings
        from hypothesis.database import DirectoryBasedExampleDatabase
    except ImportError:
        return
    settings.register_profile("hermetic", database=DirectoryBasedExampleDatabase(str(home / ".hypothesis")))
    settings.load_profile("hermetic")


def _as_a_terminals_foreground_job() -> None:
    """A shell starts a background job (`python -m pytest &` in a script, some CI runners) with
    SIGINT ignored, and every process it starts inherits that: `dvc repro` and its stages would
    shrug off the Ctrl-C the interrupt tests send. The session takes Python's own handler back,
    so the processes it starts get SIGINT's default action, as under a terminal."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_unconfigure(config):
    for var, value in _SAVED_ENV.items():
        if value is None:
            os.environ.pop(var, None)
        else:
            os.environ[var] = value
    home = getattr(config, "_curate_home", None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


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
