"""pyproject.toml caps a dependency only where a release is known to break curate, and says why
on the same line: README command 2 installs the newest versions the ranges allow."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement

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
