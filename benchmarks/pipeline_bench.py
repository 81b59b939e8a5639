"""Pipeline benchmark: full `dvc repro`, per-stage figures, incremental rebuilds, and the bare-spaCy floor.

    python benchmarks/pipeline_bench.py --corpus /tmp/reuters-20k [--new 200] [--workers 2]
        [--repeat 1] [--out reports/bench.json] [--keep /tmp/bench-proj]

What it does, in one temp git+DVC project built from this checkout (hermetic DVC settings):
1. copies the corpus folder into corpus/raw/, holding back `--new` files (the last ones in path order);
2. `dvc repro` from scratch (empty annotation cache): total wall time; the memory of its whole
   process tree (DVC, the stages and their workers; benchmarks/tree_memory.py): the largest single
   process (`peak_rss_mb_build`) and the peak sums over the processes alive at once
   (`peak_tree_rss_mb_build`, and `peak_tree_pss_mb_build` with shared pages counted once: what
   the build costs the machine); per stage (from $CURATE_STAGE_STATS) wall, CPU, peak RSS (the
   stage's own, and its workers'), articles/s, words/s;
3. the baseline, measured in the same run on the same cores and under the same memory sampler:
   bare spaCy `nlp.pipe` with the same model and components and `--workers` processes, over
   exactly the texts the extract stage annotated (the record parts of corpus/interim/dedup), and with
   --all-texts-baseline over every cleaned text (before dedup);
4. `dvc repro` with nothing changed;
5. the held-back files copied in, `dvc repro` again (incremental: cached annotations reused);
6. with --param-change, extract.short_words changed and `dvc repro` again (no NER: annotations hit);
and writes everything as JSON, with the ratios the issues ask for:
- `throughput_ratio_vs_spacy`: (texts annotated / repro wall) / (same texts / bare spaCy wall);
- `incremental_fraction`: incremental repro wall / full repro wall.
Use `--repeat N` for medians of the full build and the baseline (each repeat is a fresh build).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _failed(cmd: list[str], rc: int, out: str, err: str) -> SystemExit:
    return SystemExit(f"{' '.join(cmd)} failed ({rc}):\n{out}\n{err}")


def sh(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise _failed(cmd, proc.returncode, proc.stdout, proc.stderr)
    return time.perf_counter() - t0


def sh_tree(cmd: list[str], cwd: Path, env: dict, scratch: Path) -> dict:
    """Wall seconds and the peak memory of `cmd`'s whole process tree (benchmarks/tree_memory.py:
    the largest single process, and the sampled sums of RSS and PSS over the tree)."""
    out = scratch / "tree-memory.json"
    subprocess.run([sys.executable, str(REPO / "benchmarks/tree_memory.py"), str(out), *cmd], cwd=cwd, env=env,
                   check=True)
    res = json.loads(out.read_text())
    if res["rc"] != 0:
        raise _failed(cmd, res["rc"], res["out"], res["err"])
    return res


def hermetic_env(base: Path, stats: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DVC_SITE_CACHE_DIR=str(base / "dvc-site"), DVC_GLOBAL_CONFIG_DIR=str(base / "dvc-global"),
        DVC_SYSTEM_CONFIG_DIR=str(base / "dvc-system"), DVC_NO_ANALYTICS="1",
        CURATE_STAGE_STATS=str(stats), PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


def make_project(dest: Path, corpus: Path, hold_back: int, workers: str, env: dict) -> list[Path]:
    for f in ["dvc.yaml", "params.yaml", ".dvc/config", ".dvcignore", "pyproject.toml"]:
        if (REPO / f).exists():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / f, dest / f)
    for d in ["curate", "schemas"]:
        shutil.copytree(REPO / d, dest / d, ignore=shutil.ignore_patterns("__pycache__"))
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    held = files[len(files) - hold_back:] if hold_back else []
    for p in files[: len(files) - hold_back]:
        target = dest / "corpus/raw" / p.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, target)
    params = (dest / "params.yaml").read_text().replace("workers: auto", f"workers: {workers}")
    (dest / "params.yaml").write_text(params)
    (dest / ".gitignore").write_text("/corpus/interim/\n/.curate-cache/\n")
    sh(["git", "init", "-q"], dest, env)
    sh(["git", "add", "-A"], dest, env)
    sh(["git", "-c", "user.email=b@b", "-c", "user.name=b", "commit", "-qm", "bench"], dest, env)
    return held


def stage_lines(stats: Path) -> list[dict]:
    if not stats.exists():
        return []
    lines = [json.loads(x) for x in stats.read_text().splitlines() if x.strip()]
    stats.unlink()
    return lines


def words_of(*jsonl: Path) -> tuple[int, int]:
    docs = words = 0
    for path in jsonl:
        with path.open("rb") as fh:
            for line in fh:
                if line.strip():
                    docs += 1
                    words += len(json.loads(line)["text"].split())
    return docs, words


def stage_records(proj: Path, stage: str) -> list[Path]:
    """The record part files of an interim stage (curate/engine/parts.py), in order."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # this checkout's layout
    from curate.engine.parts import stage_files

    return stage_files(proj, stage)


def joined_records(proj: Path, stage: str, scratch: Path) -> Path:
    """The records of an interim stage in one file under `scratch` (what spaCy's baseline reads)."""
    out = scratch / f"{stage}-records.jsonl"
    with out.open("wb") as fh:
        for path in stage_records(proj, stage):
            fh.write(path.read_bytes())
    return out


def with_rates(stages: list[dict], proj: Path) -> list[dict]:
    """Articles/s and words/s per stage, over the records each stage reads (ingest: the records
    it produced from the raw files; report: the published articles)."""
    inputs = {"ingest": stage_records(proj, "ingest"), "clean": stage_records(proj, "ingest"),
              "dedup": stage_records(proj, "clean"), "extract": stage_records(proj, "dedup"),
              "validate": stage_records(proj, "extract"),
              "report": sorted((proj / "corpus/curated/articles").glob("*.jsonl"))}
    for s in stages:
        files = [f for f in inputs.get(s["stage"], []) if f.exists()]
        if files and s["seconds"]:
            docs, words = words_of(*files)
            s["articles_per_s"] = round(docs / s["seconds"], 1)
            s["words_per_s"] = round(words / s["seconds"])
    return stages


def baseline(texts: Path, workers: int, env: dict, scratch: Path) -> dict:
    """Bare spaCy over `texts`, run under the same process-tree sampler as the build (the sampler
    costs a few % of one core: both sides pay it), with the tree's memory beside the build's."""
    tree = sh_tree([sys.executable, str(REPO / "benchmarks/spacy_baseline.py"), "--texts", str(texts),
                    "--processes", str(workers), "--batch-size", "32"], scratch, env, scratch)
    out = tree["out"]
    result = json.loads(out[out.index("{"):])
    result["tree_rss_mb"], result["tree_pss_mb"] = tree["tree_rss_mb"], tree["tree_pss_mb"]
    return result


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, required=True, help="folder of raw articles (any layout)")
    ap.add_argument("--new", type=int, default=200, help="files held back for the incremental run")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--keep", type=Path, default=None, help="keep the last project here")
    ap.add_argument("--all-texts-baseline", action="store_true",
                    help="also time bare spaCy on every cleaned text (before dedup)")
    ap.add_argument("--skip-baseline", action="store_true",
                    help="no bare-spaCy run (scale runs that only need the build's time and memory)")
    ap.add_argument("--param-change", action="store_true",
                    help="finally change extract.short_words and time the rebuild (reruns extract, "
                         "validate and report; every annotation comes from the cache)")
    args = ap.parse_args(argv)

    runs = []
    for rep in range(args.repeat):
        base = Path(tempfile.mkdtemp(prefix="curate-bench-"))
        stats = base / "stages.jsonl"
        env = hermetic_env(base, stats)
        proj = base / "proj"
        proj.mkdir()
        held = make_project(proj, args.corpus, args.new, str(args.workers), env)
        env["PYTHONPATH"] = str(proj)  # run the copied code: edits to the checkout cannot leak in
        run: dict = {"repeat": rep, "raw_files": sum(1 for p in (proj / "corpus/raw").rglob("*") if p.is_file())}
        tree = sh_tree([str(BIN / "dvc"), "repro"], proj, env, base)
        run["full_repro_s"] = round(tree["seconds"], 2)
        run["peak_rss_mb_build"] = tree["max_process_mb"]
        run["peak_tree_rss_mb_build"], run["peak_tree_pss_mb_build"] = tree["tree_rss_mb"], tree["tree_pss_mb"]
        run["peak_tree_rss_by_process_mb"] = tree["tree_rss_at_peak_mb"]
        run["full_stages"] = with_rates(stage_lines(stats), proj)
        docs, words = words_of(*stage_records(proj, "dedup"))
        run["annotated_docs"], run["annotated_words"] = docs, words
        if not args.skip_baseline:
            run["baseline_same_texts"] = baseline(joined_records(proj, "dedup", base), args.workers, env, base)
            b = run["baseline_same_texts"]
            run["throughput_ratio_vs_spacy"] = round(b["seconds"] / run["full_repro_s"], 3)
        if args.all_texts_baseline:
            run["baseline_all_cleaned_texts"] = baseline(joined_records(proj, "clean", base), args.workers, env, base)
            run["throughput_ratio_vs_spacy_all_texts"] = round(
                run["baseline_all_cleaned_texts"]["seconds"] / run["full_repro_s"], 3)
        run["noop_repro_s"] = round(sh([str(BIN / "dvc"), "repro"], proj, env), 2)
        stage_lines(stats)
        if held:
            for p in held:
                target = proj / "corpus/raw" / p.relative_to(args.corpus)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(p, target)
            run["incremental_new_files"] = len(held)
            run["incremental_repro_s"] = round(sh([str(BIN / "dvc"), "repro"], proj, env), 2)
            run["incremental_stages"] = stage_lines(stats)
            run["incremental_fraction"] = round(run["incremental_repro_s"] / run["full_repro_s"], 4)
        if args.param_change:
            params = (proj / "params.yaml").read_text()
            (proj / "params.yaml").write_text(params.replace("short_words: 50", "short_words: 60", 1))
            run["param_change"] = "extract.short_words 50 -> 60"
            run["param_change_repro_s"] = round(sh([str(BIN / "dvc"), "repro"], proj, env), 2)
            run["param_change_stages"] = stage_lines(stats)
        run["peak_rss_mb_max_stage"] = max(
            max(s["peak_rss_mb"], s["peak_rss_workers_mb"]) for s in run["full_stages"]
        ) if run["full_stages"] else None
        runs.append(run)
        if args.keep and rep == args.repeat - 1:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(proj, args.keep, symlinks=True)
        shutil.rmtree(base, ignore_errors=True)

    def med(key):
        vals = [r[key] for r in runs if r.get(key) is not None]
        return statistics.median(vals) if vals else None

    result = {
        "corpus": str(args.corpus), "workers": args.workers, "repeats": args.repeat,
        "median_full_repro_s": med("full_repro_s"),
        "median_throughput_ratio_vs_spacy": med("throughput_ratio_vs_spacy"),
        "median_incremental_fraction": med("incremental_fraction"),
        "median_noop_repro_s": med("noop_repro_s"),
        "median_incremental_repro_s": med("incremental_repro_s"),
        "median_param_change_repro_s": med("param_change_repro_s"),
        "median_peak_rss_mb_build": med("peak_rss_mb_build"),
        "median_peak_tree_rss_mb_build": med("peak_tree_rss_mb_build"),
        "median_peak_tree_pss_mb_build": med("peak_tree_pss_mb_build"),
        "median_baseline_s": statistics.median([r["baseline_same_texts"]["seconds"] for r in runs])
        if all("baseline_same_texts" in r for r in runs) else None,
        "runs": runs,
    }
    return emit(result, args.out)


def emit(result: dict, out: Path | None) -> dict:
    """Print a benchmark's result as indented JSON and, with `out`, write it there too."""
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n")
    return result


if __name__ == "__main__":
    main()
