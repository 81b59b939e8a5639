"""Per-stage timing and memory, appended to the JSONL file named by $CURATE_STAGE_STATS.

The benchmark sets that variable before `dvc repro`, so every stage DVC runs reports its wall
time, CPU time, peak RSS (this process and its worker processes) and record counts.
"""

from __future__ import annotations

import json
import os
import resource
import time
from contextlib import contextmanager


@contextmanager
def measured(stage: str):
    """Time the block; on success append one JSON line if $CURATE_STAGE_STATS is set."""
    holder: dict = {}
    t0, c0 = time.perf_counter(), time.process_time()
    yield holder
    path = os.environ.get("CURATE_STAGE_STATS")
    if not path:
        return
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = holder.get("result")
    line = {
        "stage": stage,
        "seconds": round(time.perf_counter() - t0, 3),
        "cpu_seconds": round(time.process_time() - c0 + kids.ru_utime + kids.ru_stime, 3),
        "peak_rss_mb": round(own.ru_maxrss / 1024, 1),
        "peak_rss_workers_mb": round(kids.ru_maxrss / 1024, 1),
        "inputs": getattr(result, "inputs", None),
        "kept": getattr(result, "kept", None),
        "extra": {k: v for k, v in getattr(result, "extra", {}).items() if k != "metrics"},
    }
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
