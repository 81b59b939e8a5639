"""Run one command and measure the memory of its whole process tree (Linux /proc).

    python benchmarks/tree_memory.py OUT.json CMD [ARGS...]

Writes OUT.json: `rc`, `seconds`, the tail of stdout/stderr, and three peaks over the command and
everything it starts (for `dvc repro`: DVC, each stage, the stages' worker processes):
- `max_process_mb`: the largest single process (this wrapper's children's ru_maxrss; the wrapper
  is small, so the fork+exec carry-over of ru_maxrss adds nothing that matters);
- `tree_rss_mb`: the largest sum of RSS over the processes alive at one sample;
- `tree_pss_mb`: the same with PSS (pages shared between processes, e.g. a forked worker's copy
  of the model, counted once in total): what the tree costs the machine;
- `tree_rss_at_peak_mb`: each process's RSS in the sample with the largest RSS sum (who held it).
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


def _name(pid: int) -> str:
    """A process's command line, shortened: `dvc repro`, `curate extract`."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            args = fh.read().split(b"\0")
    except OSError:
        return "?"
    words = [os.path.basename(a.decode(errors="replace")) for a in args if a][:4]
    if words and words[0].startswith("python") and len(words) > 1:
        words = words[1:]
    return " ".join(words[:2])


def tree_sample(root: int) -> tuple[int, int, list[tuple[str, int]]]:
    """(summed RSS KiB, summed PSS KiB, [(process, RSS KiB)]) of the tree under `root` right now."""
    rows = [(pid, _status_kb(pid, b"VmRSS:")) for pid in tree_pids(root)]
    return sum(kb for _, kb in rows), sum(_pss_kb(pid) for pid, _ in rows), [(f"{_name(pid)} [{pid}]", kb) for pid, kb in rows]


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
    at_peak: list[tuple[str, int]] = []
    while proc.poll() is None:
        rss, pss, rows = tree_sample(proc.pid)
        if rss > peak_rss:
            peak_rss, at_peak = rss, rows
        peak_pss = max(peak_pss, pss)
        time.sleep(interval)
    seconds = time.perf_counter() - t0
    for r in readers:
        r.join()
    kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "rc": proc.returncode, "seconds": seconds,
        "max_process_mb": round(kb / 1024, 1),
        "tree_rss_mb": round(peak_rss / 1024, 1), "tree_pss_mb": round(peak_pss / 1024, 1),
        # who held the memory at the peak of the RSS sum (the small processes left out)
        "tree_rss_at_peak_mb": {name: round(kb / 1024, 1) for name, kb in at_peak if kb >= 10 * 1024},
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
