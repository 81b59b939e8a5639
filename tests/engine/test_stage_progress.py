"""Long stages say how far they are on stderr (done, rate, time left) and outputs do not change."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import yaml

from curate.engine.progress import StageProgress, count_lines
from tests.builders import stage_bytes
from tests.conftest import REPO, bin_path, run


def test_the_line_gives_done_total_share_rate_and_time_left():
    p = StageProgress("extract", stream=io.StringIO(), enabled=True)
    p.start(200)
    p.advance(40)
    p.working(10)  # annotated inside the current window, not yet written
    assert p.line(now=p.t0 + 10) == "extract: 50/200 articles, 25%, 5.0/s, ~30s left"
    assert p.line(now=p.t0 + 100, final=True) == "extract: 50/200 articles in 1m40s (0.5/s)"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _progress(clock: FakeClock, total: int, work: float | None = None) -> StageProgress:
    p = StageProgress("extract", stream=io.StringIO(), enabled=True, interval=1e9, clock=clock)
    p.start(total, work=work)
    return p


def test_no_time_left_is_shown_before_five_percent_of_the_work():
    clock = FakeClock()
    p = _progress(clock, 1000)
    clock.now += 60
    p.advance(40)  # 4% in a minute
    assert "left" not in p.line()
    p.advance(10)  # 5%
    assert p.line().endswith("~19m00s left")


def test_no_time_left_is_shown_in_the_first_three_seconds():
    clock = FakeClock()
    p = _progress(clock, 1000)
    clock.now += 2
    p.advance(500)
    assert "left" not in p.line()
    clock.now += 1
    p.advance(100)
    assert "left" in p.line()


def test_time_left_follows_the_rate_after_a_slow_start():
    clock = FakeClock()
    p = _progress(clock, 1000)
    for _ in range(40):  # a minute of start-up (workers, models) with nothing done
        clock.now += 1.5
        p.working(0)
    for _ in range(10):  # then 10 articles a second
        clock.now += 1
        p.advance(10)
    assert p.line().endswith("~1m30s left")  # 900 left at 10/s, not at 100 a 70 s


def test_share_and_time_left_go_by_cost_not_by_item_count():
    clock = FakeClock()
    p = _progress(clock, 4, work=1000)  # three small files, then one big archive
    for _ in range(3):
        clock.now += 1
        p.advance(1, work=50)
    assert p.line() == "extract: 3/4 articles, 15%, 1.0/s, ~17s left"


def test_a_short_stage_prints_nothing_when_stderr_is_not_a_terminal():
    out = io.StringIO()
    p = StageProgress("clean", stream=out)  # default: a line every 5 s
    p.start(10_000)
    for _ in range(10_000):
        p.advance()
    p.close()
    assert out.getvalue() == ""


def test_a_stage_stopped_early_gets_no_last_line_and_its_bar_is_ended(monkeypatch):
    from curate.engine import progress

    for tty in (False, True):
        out = io.StringIO()
        out.isatty = lambda tty=tty: tty
        monkeypatch.setattr(progress, "StageProgress", lambda stage: StageProgress(stage, stream=out, interval=0,
                                                                                          enabled=True))
        try:
            with progress.stage_progress("extract") as p:
                p.start(100)
                p._next = p.t0  # shown at once (on a terminal, the first bar waits a second)
                p.advance(10)
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            pass
        shown = out.getvalue()
        assert "10/100" in shown and " in " not in shown  # the progress so far, no "done in <time>"
        assert shown.endswith("\n")


def test_count_lines_counts_a_file_in_blocks(tmp_path):
    f = tmp_path / "records.jsonl"
    f.write_bytes(b"{}\n" * 100_000)
    assert count_lines(f) == 100_000 and count_lines(tmp_path / "missing") is None


def _project(dest: Path) -> Path:
    shutil.copytree(REPO / "corpus/raw", dest / "corpus/raw")
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["run"]["cache_dir"] = None  # every run computes: the outputs compared are computed twice
    (dest / "params.yaml").write_text(yaml.safe_dump(params))
    return dest


def test_ingest_and_clean_report_progress_without_changing_their_outputs(tmp_path):
    outputs = {}
    for mode, env in (("quiet", {"CURATE_PROGRESS": "0"}), ("every update", {"CURATE_PROGRESS_INTERVAL": "0"})):
        proj = _project(tmp_path / mode.replace(" ", "-"))
        errs = {}
        for stage in ("ingest", "clean"):
            errs[stage] = run([bin_path("curate"), stage], proj, env=env).stderr
        outputs[mode] = {s: stage_bytes(proj, s) for s in errs}
        if mode == "quiet":
            assert errs == {"ingest": "", "clean": ""}
        else:
            files = sum(1 for p in (proj / "corpus/raw").rglob("*") if p.is_file())
            assert f"ingest: {files}/{files} files in " in errs["ingest"]
            assert "ingest: 1/" in errs["ingest"] and "/s" in errs["ingest"]
            n = outputs[mode]["ingest"].count(b"\n")
            assert f"clean: {n}/{n} articles in " in errs["clean"]
    assert outputs["quiet"] == outputs["every update"]
    assert os.environ.get("CURATE_PROGRESS") is None  # the test did not leak its settings
