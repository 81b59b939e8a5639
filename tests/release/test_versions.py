"""Version names `curate release` accepts: `v` and one to three numbers, optionally a
pre-release suffix starting with a letter; a date or a word is never a version."""

from __future__ import annotations

import pytest

from curate.release.build import is_version


@pytest.mark.parametrize("name", ["v1", "v1.2", "v1.2.3", "v2.0.0-rc1", "v1.2-beta.2", "v2024.4"])
def test_versions(name):
    assert is_version(name)


@pytest.mark.parametrize("name", ["2024-04", "2024-04-01", "1.2.3", "latest", "v1.2.3.4", "v1-", "v1-2",
                                  "v", "V1", "v1.2+build", "release-1"])
def test_not_versions(name):
    assert not is_version(name)
