"""Stage statistics ($CURATE_STAGE_STATS): the peak RSS a stage reports is its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

STAGE = """
from curate.pipeline.stats import measured
with measured("probe") as holder:
    holder["result"] = None
"""


def test_stage_peak_rss_excludes_the_parent_that_started_it(tmp_path):
    """`dvc repro` grows with the corpus and starts every stage: Linux carries ru_maxrss over
    fork+exec, so a stage must report its own high-water mark, not its parent's."""
    ballast = b"x" * (400 * 1024 * 1024)  # the parent holds 400 MB, resident
    stats = tmp_path / "stats.jsonl"
    env = dict(os.environ, CURATE_STAGE_STATS=str(stats),
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    subprocess.run([sys.executable, "-c", STAGE], env=env, check=True)
    line = json.loads(stats.read_text())
    assert len(ballast) and line["stage"] == "probe"
    assert 0 < line["peak_rss_mb"] < 200, line
