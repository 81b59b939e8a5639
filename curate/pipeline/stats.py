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


def peak_rss_kb() -> int:
    """This process's peak RSS in KiB. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    fork+exec from the parent (for a stage, the `dvc repro` that started it, whose memory grows
    with the number of raw files); VmHWM starts with the process's own address space."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@contextmanager
def measured(stage: str):
    """Time the block; on success append one JSON line if $CURATE_STAGE_STATS is set."""
    holder: dict = {}
    t0, c0 = time.perf_counter(), time.process_time()
    yield holder
    path = os.environ.get("CURATE_STAGE_STATS")
    if not path:
        return
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = holder.get("result")
    line = {
        "stage": stage,
        "seconds": round(time.perf_counter() - t0, 3),
        "cpu_seconds": round(time.process_time() - c0 + kids.ru_utime + kids.ru_stime, 3),
        "peak_rss_mb": round(peak_rss_kb() / 1024, 1),
        "peak_rss_workers_mb": round(kids.ru_maxrss / 1024, 1),
        "inputs": getattr(result, "inputs", None),
        "kept": getattr(result, "kept", None),
        "extra": {k: v for k, v in getattr(result, "extra", {}).items() if k != "metrics"},
    }
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
