"""`curate check` sets extract up as the extract stage does (curate.extract.stage.extract_setup):
a configuration the stage would refuse is refused by the check too, before any work."""

from __future__ import annotations

import msgspec
import pytest

from curate.check.run import check_paths
from curate.extract.annotate import ModelError
from tests.builders import one_worker


def test_check_refuses_a_missing_model_of_any_language_even_when_no_input_reaches_extract(tmp_path):
    params = one_worker()
    params = msgspec.structs.replace(params, extract=msgspec.structs.replace(
        params.extract, models={"de": "xx_model_not_installed"}))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("")  # rejected `empty` at ingest: nothing to extract
    with pytest.raises(ModelError, match="xx_model_not_installed"):
        check_paths([tmp_path / "in"], root=tmp_path, params=params)
