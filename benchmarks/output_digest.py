"""Build a checkout's pipeline on a raw corpus and print the sha256 of every published output.

Two checkouts (before and after a refactor) built on the same corpus must print the same
digests: `corpus/curated/` (articles, rejected, manifest) and every file under `reports/`
(`metrics.json`, the quality report in md, html and json, `quality_metrics.json`, the plot data).

    python benchmarks/output_digest.py --checkout . --corpus ../shared/data/reuters-sample --out after.json
    git worktree add /tmp/before <rev> && python benchmarks/output_digest.py --checkout /tmp/before ... --out before.json
    python benchmarks/output_digest.py --compare before.json after.json
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
from pathlib import Path

PROJECT_FILES = ["dvc.yaml", "params.yaml", ".dvc/config", ".dvcignore", "pyproject.toml"]
PROJECT_DIRS = ["curate", "schemas"]


def _run(cmd: list[str], cwd: Path, env: dict) -> None:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")


def build_project(checkout: Path, corpus: Path, work: Path) -> Path:
    """A temp git+DVC project under `work` with `checkout`'s pipeline and `corpus` as its raw
    folder, built with `dvc repro` (the stages import the package from `checkout`)."""
    proj = work / "proj"
    proj.mkdir(parents=True)
    for f in PROJECT_FILES:
        if (checkout / f).exists():
            (proj / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(checkout / f, proj / f)
    for d in PROJECT_DIRS:
        shutil.copytree(checkout / d, proj / d, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(corpus, proj / "corpus" / "raw")
    env = dict(os.environ, PYTHONPATH=str(checkout.resolve()), DVC_NO_ANALYTICS="1",
               DVC_SITE_CACHE_DIR=str(work / "dvc-site"), DVC_GLOBAL_CONFIG_DIR=str(work / "dvc-global"),
               DVC_SYSTEM_CONFIG_DIR=str(work / "dvc-system"),
               PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    (proj / ".gitignore").write_text("/corpus/interim/\n/.curate-cache/\n")
    _run(["git", "init", "-q", "-b", "main"], proj, env)
    _run(["git", "-c", "user.email=t@t", "-c", "user.name=t", "add", "-A"], proj, env)
    _run(["git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "init"], proj, env)
    _run(["dvc", "repro"], proj, env)
    return proj


def build(checkout: Path, corpus: Path, work: Path) -> dict[str, str]:
    proj = build_project(checkout, corpus, work)
    out = {}
    for path in sorted((proj / "corpus" / "curated").rglob("*")) + sorted((proj / "reports").rglob("*")):
        if path.is_file():
            out[path.relative_to(proj).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkout", type=Path, default=Path("."))
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = ap.parse_args()
    if args.compare:
        a, b = (json.loads(p.read_text()) for p in args.compare)
        differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        print(f"{len(a.keys() & b.keys()) - len(set(differ) & a.keys() & b.keys())} of "
              f"{len(a.keys() | b.keys())} files identical")
        for k in differ:
            print(f"  differs: {k}")
        sys.exit(1 if differ else 0)
    with tempfile.TemporaryDirectory(prefix="output-digest-") as tmp:
        digests = build(args.checkout.resolve(), args.corpus.resolve(), Path(tmp))
    text = json.dumps(digests, indent=2, sort_keys=True) + "\n"
    if args.out:
        args.out.write_text(text)
    print(f"{len(digests)} files digested")


if __name__ == "__main__":
    main()
