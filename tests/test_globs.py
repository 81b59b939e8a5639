"""One glob rule (curate/globs.py) for every `glob` setting: ingest.sources, clean.sources and
validate.sources read the same pattern the same way, gitignore-like."""

from __future__ import annotations

import msgspec
import pytest

from curate.clean.stage import source_setting
from curate.params import IngestParams, SourceDates, ValidateParams
from curate.readers.sources import resolve
from curate.validate.corpus_rules import SourceGroups
from tests.builders import modules_using

# the modules that match raw paths against a `glob` setting, one per setting below (curate.params
# only compiles each pattern to refuse a bad one)
MATCHERS = {"curate.readers.sources", "curate.clean.stage", "curate.validate.corpus_rules"}


def matches_in_each_setting(glob: str, path: str) -> dict[str, bool]:
    """Whether `path` belongs to the one source declared with `glob`, as each stage decides it."""
    ingest = msgspec.convert({"sources": [{"glob": glob, "preset": "fundus"}]}, IngestParams)
    validate = msgspec.convert({"sources": [{"glob": glob}]}, ValidateParams)
    return {"ingest": resolve(path, ingest).glob == glob,
            "clean": source_setting(path, [SourceDates(glob=glob)]) is not None,
            "validate": SourceGroups(validate).of(path, "plaintext") == 0}


EVERYWHERE = {"ingest": True, "clean": True, "validate": True}
NOWHERE = {"ingest": False, "clean": False, "validate": False}


def test_a_star_stays_inside_one_folder_in_every_setting():
    assert matches_in_each_setting("bbc/*.txt", "bbc/x.txt") == EVERYWHERE
    assert matches_in_each_setting("bbc/*.txt", "bbc/2013/x.txt") == NOWHERE


@pytest.mark.parametrize("path", ["x.txt", "bbc/x.txt", "bbc/2013/x.txt"])
def test_a_double_star_folder_matches_zero_or_more_folders_in_every_setting(path):
    assert matches_in_each_setting("**/x.txt", path) == EVERYWHERE


def test_a_trailing_double_star_is_everything_below_its_folder_in_every_setting():
    assert matches_in_each_setting("bbc/**", "bbc/2013/04/x.txt") == EVERYWHERE
    assert matches_in_each_setting("bbc/**", "other/bbc/x.txt") == NOWHERE


def test_a_bad_clean_glob_is_refused_like_the_others():
    with pytest.raises(ValueError, match="relative to the raw folder"):
        SourceDates(glob="/bbc/**")


def test_every_module_that_matches_a_glob_setting_is_a_setting_here():
    users = modules_using("curate.globs", "glob_matches") | modules_using("curate.globs", "compile_glob")
    assert users - {"curate.params"} == MATCHERS
