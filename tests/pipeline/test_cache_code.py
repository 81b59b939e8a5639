"""Every stage cache's key covers all the code that produced its value: the whole step package
(as the stage's dvc.yaml deps do), the record definition, and whatever the package imports from
outside the engine and settings, so an edit anywhere in that code is never served from the cache."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from curate.pipeline import registry
from curate.steps import STEPS
from tests.conftest import REPO

# not digested: the engine (it moves values, never makes them), the settings (params.py, whose
# values are digested instead), paths, the registry; curate/__init__.py is its __version__,
# which code_digest mixes in
OUTSIDE = ("curate/engine/", "curate/params.py", "curate/layout.py", "curate/steps.py", "curate/__init__.py")
CACHING = [s for s in STEPS if s.caches]


def files_of(module: str) -> set[str]:
    """The files code_digest reads for `module` (a package: every module under it)."""
    path = Path(importlib.import_module(module).__file__)
    files = sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path]
    return {f.relative_to(REPO).as_posix() for f in files}


def package_files(step) -> set[str]:
    out = set()
    for dep in step.code:
        p = REPO / dep
        out |= {f.relative_to(REPO).as_posix() for f in (sorted(p.rglob("*.py")) if p.is_dir() else [p])}
    return out


def imported_files(files: set[str]) -> set[str]:
    """The curate modules these files import (absolute or relative), as repository paths."""
    out = set()
    for rel in files:
        parts = rel[:-3].split("/")
        package = parts[:-1]  # the package a relative import starts from (also for __init__)
        for node in ast.walk(ast.parse((REPO / rel).read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = (package[:len(package) - node.level + 1] if node.level else [])
                mod = ".".join(base + ([node.module] if node.module else []))
                names = [mod] + [f"{mod}.{a.name}" for a in node.names]
            for name in names:
                if not name.startswith("curate"):
                    continue
                p = REPO / name.replace(".", "/")
                if p.with_suffix(".py").is_file():
                    out.add(p.with_suffix(".py").relative_to(REPO).as_posix())
                elif (p / "__init__.py").is_file():
                    out.add((p / "__init__.py").relative_to(REPO).as_posix())
    return out


def cache_code(step) -> dict[str, tuple[str, ...]]:
    """CACHE_CODE of the module that holds the step's runner (its stage.py)."""
    return importlib.import_module(registry.step(step.name).runner.__module__).CACHE_CODE


@pytest.mark.parametrize("step", CACHING, ids=lambda s: s.name)
def test_each_cache_of_a_step_names_the_code_its_keys_digest(step):
    assert set(cache_code(step)) == set(step.caches)


@pytest.mark.parametrize("step", CACHING, ids=lambda s: s.name)
def test_every_module_of_a_step_package_is_in_each_of_its_cache_keys(step):
    assert cache_code(step) and package_files(step)  # else the loop below checks nothing
    for cache, modules in cache_code(step).items():
        covered = set().union(*(files_of(m) for m in modules))
        assert package_files(step) - covered == set(), cache


@pytest.mark.parametrize("step", CACHING, ids=lambda s: s.name)
def test_what_a_step_package_imports_from_outside_is_in_each_of_its_cache_keys(step):
    needed = {f for f in imported_files(package_files(step)) if not f.startswith(OUTSIDE)}
    assert cache_code(step) and needed  # else the loop below checks nothing
    for cache, modules in cache_code(step).items():
        covered = set().union(*(files_of(m) for m in modules))
        assert needed - covered == set(), cache
