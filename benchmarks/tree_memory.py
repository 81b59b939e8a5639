"""Run one command and measure the memory of its whole process tree (Linux /proc).

    python benchmarks/tree_memory.py OUT.json CMD [ARGS...]

Writes OUT.json: `rc`, `seconds`, the tail of stdout/stderr, and three peaks over the command and
everything it starts (for `dvc repro`: DVC, each stage, the stages' worker processes):
- `max_process_mb`: the largest single process (this wrapper's children's ru_maxrss; the wrapper
  is small, so the fork+exec carry-over of ru_maxrss adds nothing that matters);
- `tree_rss_mb`: the largest sum of RSS over the processes alive at one sample;
- `tree_pss_mb`: the same with PSS (pages shared between processes, e.g. a forked worker's copy
  of the model, counted once in total): what the tree costs the machine.
The sums are sampled every `--interval` seconds (0.25): a peak shorter than that can be missed.
Run as a separate process so that its own children are only the measured command's tree.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time

INTERVAL = 0.25


def _status_kb(pid: int, key: bytes) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_pids(root: int) -> list[int]:
    """`root` and every process descended from it, from the parent pids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                ppid = int(fh.read().rpartition(b")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def tree_sample(root: int) -> tuple[int, int]:
    """(summed RSS KiB, summed PSS KiB) of the tree under `root` right now."""
    pids = tree_pids(root)
    return sum(_status_kb(p, b"VmRSS:") for p in pids), sum(_pss_kb(p) for p in pids)


def measure(cmd: list[str], interval: float = INTERVAL) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_rss = peak_pss = 0
    # read the pipes in threads so a chatty command never blocks on a full pipe
    chunks: dict[str, bytes] = {}

    def drain(name: str, pipe) -> None:
        chunks[name] = pipe.read()

    readers = [threading.Thread(target=drain, args=(n, p)) for n, p in (("out", proc.stdout), ("err", proc.stderr))]
    for r in readers:
        r.start()
    while proc.poll() is None:
        rss, pss = tree_sample(proc.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(interval)
    seconds = time.perf_counter() - t0
    for r in readers:
        r.join()
    kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "rc": proc.returncode, "seconds": seconds,
        "max_process_mb": round(kb / 1024, 1),
        "tree_rss_mb": round(peak_rss / 1024, 1), "tree_pss_mb": round(peak_pss / 1024, 1),
        "samples_every_s": interval,
        "out": chunks.get("out", b"").decode(errors="replace")[-4000:],
        "err": chunks.get("err", b"").decode(errors="replace")[-4000:],
    }


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    result = measure(argv[1:])
    with open(argv[0], "w", encoding="utf-8") as fh:
        json.dump(result, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
