"""What stage progress on stderr costs: the stages timed with it off, on, and on at every tick.

    python benchmarks/progress_bench.py --corpus /work/shared/data/reuters-sample [--files 600]
        [--workers 2] [--out /tmp/progress.json]

In one temp project (this checkout's params.yaml, caches off so every run computes everything),
runs `curate ingest`, `clean`, `dedup`, `extract` three times, round-robin per stage:
`CURATE_PROGRESS=0` (the baseline), the default (a line every 5 s, stderr not a terminal), and
`CURATE_PROGRESS_INTERVAL=0` (a line at every update: the worst case). Prints each stage's wall
time per mode, the ratios to the baseline, and checks the outputs are byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
STAGES = ("ingest", "clean", "dedup", "extract")
MODES = {"off": {"CURATE_PROGRESS": "0"}, "default": {}, "every_tick": {"CURATE_PROGRESS_INTERVAL": "0"}}


def _project(dest: Path, corpus: Path, files: int, workers: int) -> None:
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["run"].update(cache_dir=None, workers=workers)
    (dest / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    chosen = sorted(p for p in corpus.rglob("*") if p.is_file())[:files]
    for src in chosen:
        target = dest / "corpus/raw" / src.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


def _digest(dest: Path, stage: str) -> str:
    h = hashlib.sha256()
    for p in sorted((dest / "corpus/interim" / stage).rglob("*.jsonl")):
        h.update(p.relative_to(dest).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _run(stage: str, dest: Path, env: dict) -> tuple[float, int]:
    full = dict(os.environ, PYTHONPATH=str(REPO), **env)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "curate.cli", stage], cwd=dest, env=full,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"curate {stage} failed:\n{proc.stdout}\n{proc.stderr}")
    return wall, len(proc.stderr.splitlines())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--files", type=int, default=600)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="progress-bench-") as tmp:
        dest = Path(tmp)
        _project(dest, args.corpus, args.files, args.workers)
        walls = {m: {} for m in MODES}
        lines = {m: {} for m in MODES}
        digests = {}
        for stage in STAGES:
            for mode, env in MODES.items():  # same stage, same inputs, one mode after the other
                walls[mode][stage], lines[mode][stage] = _run(stage, dest, env)
                digests.setdefault(stage, {})[mode] = _digest(dest, stage)
        out = {"files": args.files, "workers": args.workers, "wall_s": walls, "stderr_lines": lines,
               "ratio_default_vs_off": {s: round(walls["default"][s] / walls["off"][s], 4) for s in STAGES},
               "ratio_every_tick_vs_off": {s: round(walls["every_tick"][s] / walls["off"][s], 4) for s in STAGES},
               "outputs_identical": all(len(set(d.values())) == 1 for d in digests.values())}
    text = json.dumps(out, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
