"""pyproject.toml caps a dependency only where a release is known to break curate, and says why
on the same line: README command 2 installs the newest versions the ranges allow."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from tests.conftest import REPO

CAPPING = {"<", "<=", "==", "===", "~="}  # the operators that keep a newer release out


def test_every_capped_dependency_gives_its_reason_on_its_line():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    project = tomllib.loads(text)["project"]
    reqs = [*project["dependencies"], *(r for group in project["optional-dependencies"].values() for r in group)]
    capped = [r for r in reqs if {s.operator for s in Requirement(r).specifier} & CAPPING]
    assert capped, "no capped dependency: this test checks nothing"
    lines = {r: next(line for line in text.splitlines() if f'"{r}"' in line) for r in capped}
    assert {r: line for r, line in lines.items() if "#" not in line.split(f'"{r}"', 1)[1]} == {}


def test_the_python_floor_is_311_where_iso_timestamps_parse_alike_and_the_readme_says_so():
    """Python 3.10's `datetime.fromisoformat` rejects `Z` and fractions other than 3 or 6 digits:
    there a page's `2024-01-01T10:00:00Z` is `bad_date` (curate/readers/dates.py), so outputs would
    differ by machine; the tests also import `tomllib` (3.11)."""
    floor = SpecifierSet(tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"])
    assert not floor.contains("3.10.13") and floor.contains("3.11.0")
    assert "(Python ≥ 3.11," in (REPO / "README.md").read_text(encoding="utf-8")
