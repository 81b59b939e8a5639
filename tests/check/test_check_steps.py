"""`curate check` runs the registry's steps: each step's `window`, in flow order, not a copy."""

from __future__ import annotations

import dataclasses

from curate.check.run import PHASES, check_paths
from curate.pipeline import registry
from curate.record import Reason, reject
from tests.builders import one_worker


def test_every_step_with_a_window_has_a_check_phase_and_no_other_does():
    assert set(PHASES) == {s.name for s in registry.all_steps() if s.window is not None}


def test_check_calls_the_window_the_registry_holds(tmp_path, monkeypatch):
    seen = []

    def refusing_clean(record, params):
        seen.append(record.id)
        return reject(record, Reason.NO_TEXT, "refused by the registered window", "clean")

    step = registry.step("clean")
    monkeypatch.setitem(registry.LOADERS, "clean", lambda: dataclasses.replace(step, window=refusing_clean))
    (tmp_path / "in").mkdir()
    (tmp_path / "in/story.txt").write_text("Harbour deal\n\nThe harbour board of Saltmere approved a terminal.\n")
    result = check_paths([tmp_path / "in"], root=tmp_path, params=one_worker())
    assert len(seen) == 1 and [v.detail for v in result.verdicts] == ["refused by the registered window"]


def test_check_times_each_step_it_runs_under_the_steps_name(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in/story.txt").write_text("Harbour deal\n\nThe harbour board of Saltmere approved a terminal.\n")
    result = check_paths([tmp_path / "in"], root=tmp_path, params=one_worker())
    assert [k for k in result.timings if k in PHASES] == [s.name for s in registry.all_steps() if s.window]
