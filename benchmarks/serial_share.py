"""What stays serial: each stage's driver part and executor part, with 1 and N workers, for one
or more checkouts in the same run, and an Amdahl projection from the measured parts.

    tar xzf ../shared/data/reuters-20k.tar.gz -C /tmp
    git archive $(git merge-base HEAD main) curate | tar x -C /tmp/base   # the baseline's code
    python benchmarks/serial_share.py --corpus /tmp/reuters-20k --articles 5000 \\
        --code base=/tmp/base --code new=. --workers 1 2 --out serial.json [--no-ner]

For each checkout and worker count (alternating, so drift on a shared machine hits both), a
child process with that checkout on its PYTHONPATH builds the first `--articles` raw files (path
order) with the stage runners in-process, caches off, on one local executor wrapped so that the
time inside `executor.map` is counted: that is the stage's parallel part (the per-record work;
with 1 worker it runs in the driver, so it is the work's one-process cost); the rest of the
stage's wall time is its serial part (reading, cache keys, ordering, decisions, writing). A
runner that takes no executor (the baseline's clean, dedup and validate) is all serial; records a
stage computes in-process because they are fewer than the inline threshold count as serial too.
The report stage is serial. Every build's published outputs must be the same bytes (checked).
With `--repeat N` each configuration is built N times (in rounds) and its fastest build kept.

Projection (Amdahl): T(n) = S + P/n with S and P the 1-worker serial and parallel parts; `capped`
divides each stage's P by min(n, tasks of a full window) instead (a window is mapped as one
round: 2,048 records in 64-record tasks is 32 tasks, NER's 16-text chunks 128, ingest 256).
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = ("ingest", "clean", "dedup", "extract", "validate", "report")
# tasks of a full window of 2,048 (see the docstring): the most workers a stage's round can use
TASKS_PER_WINDOW = {"ingest": 256, "clean": 32, "dedup": 32, "extract": 128, "validate": 32}


def _subset(corpus: Path, n: int, dest: Path) -> Path:
    files = sorted(p for p in corpus.rglob("*") if p.is_file())[:n]
    for p in files:
        out = dest / p.relative_to(corpus)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, out)
    return dest


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted((root / "corpus/curated").rglob("*")) + [root / "reports/metrics.json"]:
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def child(raw: Path, work: Path, workers: int, ner: bool = True) -> dict:
    """Build `raw` in `work` with the code on sys.path; per stage: wall, parallel, serial seconds."""
    import msgspec

    from curate.engine.executors import LocalExecutor
    from curate.params import Params, RunParams
    from curate.pipeline.registry import step

    try:
        from curate.extract.stage import _init_worker as init
    except ImportError:  # pragma: no cover - an older checkout
        init = None
    root = work / "proj"
    shutil.copytree(raw, root / "corpus/raw")
    params = msgspec.structs.replace(Params(), run=RunParams(workers=workers, cache_dir=None))
    if not ner:  # extract.model: null (language, stats and flags still computed)
        params = msgspec.structs.replace(params, extract=msgspec.structs.replace(params.extract, model=None))
    inside = [0.0]

    class Timed(LocalExecutor):
        def map(self, fn, tasks):
            t0 = time.perf_counter()
            try:
                return super().map(fn, tasks)
            finally:
                inside[0] += time.perf_counter() - t0

    out = {}
    with Timed(workers, init) as ex:
        for name in STAGES:
            runner = step(name).runner
            takes = "executor" in inspect.signature(runner).parameters
            inside[0] = 0.0
            t0 = time.perf_counter()
            runner(root, params, executor=ex) if takes else runner(root, params)
            wall = time.perf_counter() - t0
            out[name] = {"wall": round(wall, 3), "parallel": round(inside[0], 3),
                         "serial": round(wall - inside[0], 3)}
    return {"stages": out, "digest": _digest(root)}


def _run_child(code: Path, raw: Path, workers: int, ner: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="serial-share-") as tmp:
        env = dict(os.environ, PYTHONPATH=str(code.resolve()), CURATE_PROGRESS="0")
        proc = subprocess.run([sys.executable, __file__, "--child", "--raw", str(raw), "--work", tmp,
                               "--workers", str(workers), *([] if ner else ["--no-ner"])],
                              env=env, capture_output=True, text=True)
        if proc.returncode:
            sys.exit(f"child ({code}, {workers} workers) failed:\n{proc.stderr}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def project(stages: dict, n: int, capped: bool) -> float:
    """Amdahl: serial parts + each parallel part over n workers (or over the tasks of a window)."""
    total = 0.0
    for name, s in stages.items():
        lanes = min(n, TASKS_PER_WINDOW.get(name, 1)) if capped else n
        total += s["serial"] + s["parallel"] / (lanes if s["parallel"] else 1)
    return total


def summarise(runs: dict) -> dict:
    out = {}
    for label, by_workers in runs.items():
        one = by_workers["1"]["stages"]
        t1 = sum(s["wall"] for s in one.values())
        serial = sum(s["serial"] for s in one.values())
        out[label] = {
            "build_s": {w: round(sum(s["wall"] for s in r["stages"].values()), 1) for w, r in by_workers.items()},
            "serial_s_1_worker": round(serial, 1),
            "serial_share_1_worker": round(serial / t1, 4),
            "amdahl": {str(n): {"build_s": round(project(one, n, False), 1),
                                "speedup": round(t1 / project(one, n, False), 2),
                                "capped_build_s": round(project(one, n, True), 1),
                                "capped_speedup": round(t1 / project(one, n, True), 2)}
                       for n in (16, 64)},
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--code", action="append", default=[], help="LABEL=CHECKOUT (repeatable)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--no-ner", action="store_true", help="extract.model: null (no spaCy)")
    ap.add_argument("--repeat", type=int, default=1, help="builds per checkout and worker count; the fastest is kept")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--raw", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.raw, args.work, args.workers[0], not args.no_ner)))
        return
    codes = dict(c.split("=", 1) for c in args.code) or {"this": "."}
    runs: dict = {label: {} for label in codes}
    with tempfile.TemporaryDirectory(prefix="serial-share-raw-") as tmp:
        raw = _subset(args.corpus, args.articles, Path(tmp) / "raw")
        for _ in range(args.repeat):
            for workers in args.workers:
                for label, code in codes.items():
                    r = _run_child(Path(code), raw, workers, not args.no_ner)
                    r["build_s"] = round(sum(s["wall"] for s in r["stages"].values()), 3)
                    best = runs[label].get(str(workers))
                    r["builds_s"] = (best["builds_s"] if best else []) + [r["build_s"]]
                    if best is None or r["build_s"] < best["build_s"]:
                        runs[label][str(workers)] = r
                    else:
                        best["builds_s"] = r["builds_s"]
                    print(f"{label} {workers} worker(s): " + ", ".join(
                        f"{k} {v['serial']:.1f}+{v['parallel']:.1f}" for k, v in r["stages"].items()),
                        file=sys.stderr)
    digests = {r["digest"] for by in runs.values() for r in by.values()}
    report = {"articles": args.articles, "ner": not args.no_ner, "identical_outputs": len(digests) == 1, "runs": runs,
              "summary": summarise(runs)}
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
