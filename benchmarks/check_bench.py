"""Benchmark: `curate check` throughput against the pipeline's own extraction, and the wall time
of checking one new article against a built corpus.

Usage:

    python benchmarks/check_bench.py ../shared/data/reuters-sample --n 1000 --repeats 3
    python benchmarks/check_bench.py ../shared/data/reuters-sample --one-article /tmp/sample-project

1. Throughput (always). The first N files (sorted paths) are copied into a temp project's
   corpus/raw. The pipeline's ingest, clean and dedup stages run once (untimed). Then, alternately
   and `--repeats` times in this one process (the machine is shared: medians):
     (a) the extract stage (`run_extract`) over the dedup output: the pipeline's extraction;
     (b) `check_paths` over the same N raw files against an empty corpus: reading, cleaning,
         dedup, extraction and validation of every input, end to end.
   Both with the annotation cache disabled (`run.cache_dir: null`), the same `run.workers`, the
   spaCy model loaded once beforehand (a warm-up check of one article), so both pay the same
   worker start-up. Reported: seconds, articles/s (pipeline: records extracted; check: inputs
   checked, which includes the rejected ones), words/s over the extracted texts, and the ratio
   check / pipeline of articles/s (the issue asks >= 0.8).
2. `--one-article PROJECT`: PROJECT holds a built corpus (corpus/curated) and its params.yaml.
   Runs `curate check <new article> --root PROJECT` as a subprocess `--repeats` times (the
   first run also builds the corpus signature cache in PROJECT/.curate-cache if missing; that run
   is reported apart) and reports the median wall time, model load included.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec

from curate.check.run import check_paths
from curate.params import OutputParams, Params, RunParams, load_params
from curate.pipeline.run import run_steps

NEW_ARTICLE = """-- Harbour board approves new container terminal
-- By  Ada Lind
-- Tue Mar 5, 2013 4:15pm EST
-- http://www.reuters.com/article/2013/03/05/us-bench-terminal-idUSBENCH0001X20130305

 
 SALTMERE  (Reuters) - The harbour board of Saltmere approved on Tuesday a 900 million crown container terminal that will be run by shipping group Nordlane, the board's chairwoman said.
 The terminal is due to open in three years and will add room for four million containers a year, creating about 600 jobs. (Reporting by Ada Lind; Editing by Sam Reed)
"""


def throughput(src: Path, n: int, repeats: int, workers: str | int) -> dict:
    files = sorted(p for p in src.rglob("*") if p.is_file() and not p.name.startswith("."))[:n]
    tmp = Path(tempfile.mkdtemp(prefix="check-bench-"))
    try:
        raw = tmp / "corpus/raw"
        for f in files:
            dest = raw / f.relative_to(src)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
        params = msgspec.structs.replace(
            Params(), run=RunParams(workers=workers, cache_dir=None),
            output=OutputParams(curated_dir="no-corpus"))
        run_steps(tmp, params, ("ingest", "clean", "dedup"))
        one = tmp / "one"
        one.write_text(NEW_ARTICLE)
        check_paths([one], root=tmp, params=params)  # warm-up: model loaded in this process
        runs = {"pipeline_extract": [], "check": []}
        extracted = inputs = words = 0
        for r in range(repeats):
            t = time.perf_counter()
            res = run_steps(tmp, params, ("extract",))["extract"]
            runs["pipeline_extract"].append(time.perf_counter() - t)
            extracted = res.kept + sum(res.rejected.values())
            t = time.perf_counter()
            chk = check_paths([raw], root=tmp, params=params)
            runs["check"].append(time.perf_counter() - t)
            inputs = len(chk.verdicts)
            print(f"run {r + 1}: pipeline extract {runs['pipeline_extract'][-1]:.1f} s, "
                  f"check {runs['check'][-1]:.1f} s {chk.timings}", file=sys.stderr)
        from curate.engine.io import iter_records
        from curate.engine.parts import stage_files

        words = sum(rec.stats.words for path in stage_files(tmp, "extract") for rec in iter_records(path))
        med_p = statistics.median(runs["pipeline_extract"])
        med_c = statistics.median(runs["check"])
        return {
            "files": len(files), "workers": workers, "repeats": repeats,
            "pipeline_extract": {"seconds": [round(x, 2) for x in runs["pipeline_extract"]],
                                 "median_s": round(med_p, 2), "records": extracted,
                                 "articles_per_s": round(extracted / med_p, 1),
                                 "words_per_s": round(words / med_p)},
            "check": {"seconds": [round(x, 2) for x in runs["check"]], "median_s": round(med_c, 2),
                      "inputs": inputs, "accepted": chk.accepted, "rejected_by_reason": chk.by_reason,
                      "articles_per_s": round(inputs / med_c, 1), "words_per_s": round(words / med_c)},
            "ratio_articles_per_s": round((inputs / med_c) / (extracted / med_p), 3),
            "ratio_same_records": round(med_p / med_c, 3),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def one_article(project: Path, repeats: int) -> dict:
    exe = Path(sys.executable).parent / "curate"
    with tempfile.TemporaryDirectory() as d:
        art = Path(d) / "new_article"
        art.write_text(NEW_ARTICLE)
        params = load_params(project / "params.yaml")
        corpus = sum(1 for p in (project / params.output.curated_dir / "articles").glob("part-*.jsonl")
                     for _ in open(p, "rb"))
        walls = []
        for _ in range(repeats + 1):
            t = time.perf_counter()
            proc = subprocess.run([str(exe), "check", str(art), "--root", str(project),
                                   "--params", str(project / "params.yaml"), "--json"],
                                  capture_output=True, text=True)
            walls.append(time.perf_counter() - t)
            if proc.returncode not in (0, 1):
                raise SystemExit(proc.stderr)
        verdict = json.loads(proc.stdout)["inputs"][0]
        return {"corpus_records": corpus, "first_run_s": round(walls[0], 2),
                "runs_s": [round(x, 2) for x in walls[1:]], "median_s": round(statistics.median(walls[1:]), 2),
                "verdict": verdict["status"], "reason": verdict["reason"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", type=Path, help="folder of raw articles (e.g. ../shared/data/reuters-sample)")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", default="auto")
    ap.add_argument("--one-article", type=Path, default=None, help="project with a built corpus")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="write the results here")
    args = ap.parse_args()
    out = {}
    if args.one_article:
        out["one_article"] = one_article(args.one_article, args.repeats)
        print(json.dumps(out["one_article"]), file=sys.stderr)
    if not args.skip_throughput:
        workers = int(args.workers) if str(args.workers).isdigit() else args.workers
        out["throughput"] = throughput(args.src, args.n, args.repeats, workers)
    text = json.dumps(out, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
