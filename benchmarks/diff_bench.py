"""Benchmark `curate diff` on two synthetic versions of 100,000 records each (issue 5).

    python benchmarks/diff_bench.py --source /path/to/corpus/curated [--records 100000] [--dvc]

Without --source, the pipeline is first run (`curate run`, spaCy NER: minutes) over
../shared/data/reuters-sample in a temp folder to get real curated records.

Version A: the source records cycled to --records, each given a new id and a unique text tail
(so content hashes stay unique, as after dedup). Version B from A: 1% removed, 1% added, 2% with
an edited body, 0.5% with a changed credit, 0.5% with a new id and the same content (moved).
Both are written as shards sorted by id, like the validate stage.

Measured, each in a fresh process (peak RSS is that process's ru_maxrss), files warm in the page cache:
  read   reading both versions line by line with the diff's reader, no parsing (the I/O floor)
  split  the same plus splitting every line into its top-level fields (the diff's parse)
  diff   the full diff (both passes, distributions, examples) with the default --limit 10
  dvc    (--dvc) the full diff of the same two versions committed as git tags, through DVCFileSystem
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve()
REPO = HERE.parents[1]
SAMPLE = REPO.parent / "shared" / "data" / "reuters-sample"


# ------------------------------------------------------------------------------------- synthesis


def load_source(curated: Path) -> list[dict]:
    out = []
    for shard in sorted((curated / "articles").glob("part-*.jsonl")):
        with open(shard, encoding="utf-8") as fh:
            out.extend(json.loads(line) for line in fh if line.strip())
    if not out:
        raise SystemExit(f"no records under {curated}/articles")
    return out


def build_source(work: Path) -> Path:
    proj = work / "pipeline"
    (proj / "corpus").mkdir(parents=True)
    shutil.copy2(REPO / "params.yaml", proj / "params.yaml")
    shutil.copytree(SAMPLE, proj / "corpus" / "raw")
    print(f"running the pipeline on {SAMPLE} (spaCy NER, a few minutes)…", flush=True)
    subprocess.run([str(Path(sys.executable).parent / "curate"), "run"], cwd=proj, check=True)
    return proj / "corpus" / "curated"


def _with_text(rec: dict, text: str) -> dict:
    rec = dict(rec)
    rec["text"] = text
    rec["content_hash"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    rec["stats"] = dict(rec.get("stats") or {}, chars=len(text))
    return rec


def synthesise(source: list[dict], n: int, seed: int = 5) -> tuple[list[dict], list[dict], dict]:
    rnd = random.Random(seed)
    a = []
    for i in range(n):
        base = source[i % len(source)]
        rec = _with_text(base, f"{base['text']}\n\n[synthetic copy {i:06d}]")
        rec["id"] = f"{base['id']}-s{i:06d}"
        a.append(rec)
    idx = list(range(n))
    rnd.shuffle(idx)
    k = n // 100
    removed = set(idx[:k])
    edited = set(idx[k:3 * k])
    credited = set(idx[3 * k:3 * k + k // 2])
    moved = set(idx[3 * k + k // 2:4 * k])
    b = []
    for i, rec in enumerate(a):
        if i in removed:
            continue
        if i in edited:
            words = rec["text"].split(" ")
            j = rnd.randrange(len(words))
            words[j] = words[j][::-1] + "x"
            rec = _with_text(rec, " ".join(words))
        elif i in credited:
            rec = dict(rec, credits={**(rec.get("credits") or {}), "editing": ["Bench Editor"]})
        elif i in moved:
            rec = dict(rec, id=rec["id"].replace("-s", "-m"))
        b.append(rec)
    for i in range(k):
        base = source[(i * 7) % len(source)]
        rec = _with_text(base, f"{base['text']}\n\n[synthetic addition {i:06d}]")
        rec["id"] = f"{base['id']}-n{i:06d}"
        b.append(rec)
    truth = {"added": k, "removed": k, "modified": len(edited) + len(credited), "moved": len(moved)}
    return a, b, truth


def write_shards(records: list[dict], folder: Path, shards: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    buckets: list[list[tuple[str, bytes]]] = [[] for _ in range(shards)]
    for rec in records:
        line = json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        buckets[zlib.crc32(rec["id"].encode()) % shards].append((rec["id"], line))
    total = 0
    for i, bucket in enumerate(buckets):
        bucket.sort()
        data = b"".join(line + b"\n" for _, line in bucket)
        (folder / f"part-{i:05d}.jsonl").write_bytes(data)
        total += len(data)
    return total


# ------------------------------------------------------------------------------------ measuring


def measure(kind: str, a: str, b: str) -> dict:
    """Run in a child process: one measurement, printed as JSON."""
    sys.path.insert(0, str(REPO))
    from curate.dataset.diff import diff_sides, split_line
    from curate.pipeline.stats import peak_rss_kb
    from curate.dataset.versions import WorkTree, curated_dir, iter_lines_at, open_version

    t0, c0 = time.perf_counter(), time.process_time()
    out: dict = {"kind": kind}
    if kind in ("read", "split"):
        lines = 0
        nbytes = 0
        for root in (a, b):
            v = WorkTree(Path(root))
            shards = v.list_shards(f"{curated_dir(v)}/articles")
            for _, _, line in iter_lines_at(v, shards):
                lines += 1
                nbytes += len(line)
                if kind == "split":
                    split_line(line, "")
        out.update(lines=lines, bytes=nbytes)
    elif kind == "diff":
        rep = diff_sides(WorkTree(Path(a)), WorkTree(Path(b)))
        out.update(summary=rep["summary"])
    elif kind == "dvc":
        rep = diff_sides(open_version(Path(a), "a"), open_version(Path(a), "b"))
        out.update(summary=rep["summary"])
    out["wall_s"] = round(time.perf_counter() - t0, 2)
    out["cpu_s"] = round(time.process_time() - c0, 2)
    out["peak_rss_mb"] = round(peak_rss_kb() / 1024, 1)
    return out


def child(kind: str, a: Path, b: Path) -> dict:
    proc = subprocess.run([sys.executable, str(HERE), "--measure", kind, str(a), str(b)],
                          capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0"))
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def dvc_repo(work: Path, a: Path, b: Path) -> Path:
    """A git+DVC repo whose tags a and b hold the two versions (dvc add), workspace emptied."""
    repo = work / "dvcrepo"
    repo.mkdir()
    env = dict(os.environ, DVC_NO_ANALYTICS="1", DVC_SITE_CACHE_DIR=str(work / "dvc-site"),
               DVC_GLOBAL_CONFIG_DIR=str(work / "dvc-global"), DVC_SYSTEM_CONFIG_DIR=str(work / "dvc-system"))
    os.environ.update({k: env[k] for k in ("DVC_NO_ANALYTICS", "DVC_SITE_CACHE_DIR",
                                           "DVC_GLOBAL_CONFIG_DIR", "DVC_SYSTEM_CONFIG_DIR")})
    dvc = str(Path(sys.executable).parent / "dvc")
    git = ["git", "-c", "user.email=b@b", "-c", "user.name=b"]

    def sh(*cmd):
        subprocess.run(list(cmd), cwd=repo, check=True, env=env, capture_output=True)

    sh("git", "init", "-q", "-b", "main")
    sh(dvc, "init", "-q")
    target = repo / "corpus" / "curated" / "articles"
    for tag, src in (("a", a), ("b", b)):
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(src / "corpus" / "curated" / "articles", target)
        sh(dvc, "add", "-q", "corpus/curated/articles")
        sh(*git, "add", "-A")
        sh(*git, "commit", "-qm", tag)
        sh(*git, "tag", tag)
    return repo


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, help="a curated folder (with articles/part-*.jsonl)")
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--shards", type=int, default=32)
    ap.add_argument("--dvc", action="store_true", help="also diff through DVC (git tags, DVCFileSystem)")
    ap.add_argument("--work", type=Path, help="work folder (default: a temp folder, removed afterwards)")
    ap.add_argument("--measure", nargs=3, metavar=("KIND", "A", "B"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return

    work = args.work or Path(tempfile.mkdtemp(prefix="diff-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        a_root, b_root = work / "A", work / "B"
        truth_file = work / "planted.json"
        if args.work and truth_file.exists():  # versions synthesised by an earlier run
            truth = json.loads(truth_file.read_text())
            print(f"reusing the versions in {work}; planted: {truth}", flush=True)
        else:
            source = args.source or build_source(work)
            t0 = time.perf_counter()
            recs = load_source(source)
            a, b, truth = synthesise(recs, args.records)
            del recs
            size_a = write_shards(a, a_root / "corpus" / "curated" / "articles", args.shards)
            size_b = write_shards(b, b_root / "corpus" / "curated" / "articles", args.shards)
            del a, b
            truth_file.write_text(json.dumps(truth))
            print(f"synthesised A {args.records} records ({size_a / 1e6:.0f} MB), B ({size_b / 1e6:.0f} MB) "
                  f"in {time.perf_counter() - t0:.1f} s; planted: {truth}", flush=True)
        results = {}
        for kind in ("read", "split", "diff"):
            child(kind, a_root, b_root)  # warm-up: page cache, imports
            results[kind] = child(kind, a_root, b_root)
            print(json.dumps(results[kind]), flush=True)
        got = results["diff"]["summary"]
        assert all(got[k] == v for k, v in truth.items()), (got, truth)
        if args.dvc:
            repo = work / "dvcrepo"
            if not (repo / ".dvc").exists():
                repo = dvc_repo(work, a_root, b_root)
            else:
                os.environ.update(DVC_NO_ANALYTICS="1", DVC_SITE_CACHE_DIR=str(work / "dvc-site"),
                                  DVC_GLOBAL_CONFIG_DIR=str(work / "dvc-global"),
                                  DVC_SYSTEM_CONFIG_DIR=str(work / "dvc-system"))
            results["dvc"] = child("dvc", repo, repo)
            print(json.dumps(results["dvc"]), flush=True)
            assert results["dvc"]["summary"] == got
        print()
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"{'':8}{'wall s':>8}{'cpu s':>8}{'peak RSS MB':>13}{'wall × read':>13}{'cpu × read':>12}{'cpu × split':>13}")
        for kind, r in results.items():
            print(f"{kind:8}{r['wall_s']:8.2f}{r['cpu_s']:8.2f}{r['peak_rss_mb']:13.0f}"
                  f"{r['wall_s'] / results['read']['wall_s']:13.2f}{r['cpu_s'] / results['read']['cpu_s']:12.2f}"
                  f"{r['cpu_s'] / results['split']['cpu_s']:13.2f}")
        print(f"planted changes found exactly: {truth}")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
