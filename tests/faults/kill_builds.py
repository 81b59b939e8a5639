"""Fault injection: kill `dvc repro` at random points and prove every build recovers byte-identically.

Usage (from the repository root, in the project's environment):

    python -m tests.faults.kill_builds --runs 20 --seed 1
    python tests/faults/kill_builds.py --runs 3 --seed 8 --workdir /tmp/kb --keep

What it does, on the bundled sample in corpus/raw/ (copied into a temp git+DVC project, with DVC's
state kept in temp folders as the tests do):

1. builds the corpus once with `dvc repro` and records the sha256 of every file under
   `corpus/curated/` (json/jsonl) and of `reports/metrics.json`: the reference;
2. N times: starts `dvc repro --force` in its own process group (sometimes with the annotation
   cache emptied first, so extract is writing to it), sleeps a random time within the length of a
   full build, and sends SIGKILL to the whole group (dvc, the running `curate` stage, its workers);
3. after each kill checks that nothing partial is visible: every `.jsonl` under corpus/curated/
   parses line by line, manifest.json and reports/metrics.json are whole JSON documents (or
   absent), no temp name is a DVC output; the annotation cache passes SQLite's integrity check
   and every entry matches its checksum;
4. reruns `dvc repro` (DVC must cope with the stale `.dvc/tmp/rwlock` entries of the killed run;
   if DVC was killed while rewriting that file or dvc.lock in place, the rerun fails ("Unable to
   read RWLock-file", "'./dvc.lock' validation failed") and the documented repair `curate unlock`
   is run first, and counted),
   and compares the result with the reference; a temp (`.tmp-*`/`.old-*`) may remain only if its
   writer is dead (DVC can restore outputs from its cache without running the stage that would
   clean it): after the last run one `curate ingest` must sweep every one of them.

It prints one line per run and a summary: how many runs were killed while a build was running,
how many recovered byte-identically, and the timings. Exit status 0 only if every run recovered.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOOKS = Path(__file__).resolve().parent / "hooks"
OUTPUT_DIRS = ("corpus/curated", "reports")


# ------------------------------------------------------------------------------------ helpers


def hermetic_env(base: Path, extra: dict | None = None) -> dict:
    """DVC state and config in temp folders; the venv's scripts first on PATH."""
    env = dict(os.environ)
    for k, sub in (("DVC_SITE_CACHE_DIR", "site"), ("DVC_GLOBAL_CONFIG_DIR", "global"),
                   ("DVC_SYSTEM_CONFIG_DIR", "system")):
        env.setdefault(k, str(base / sub))
    env["DVC_NO_ANALYTICS"] = "1"
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update(extra or {})
    return env


def hooks_env(env: dict | None = None, **values: str) -> dict:
    """Environment with the fault hooks (hooks/sitecustomize.py) loaded and `values` set."""
    env = dict(env if env is not None else os.environ)
    env.update(values)
    env["PYTHONPATH"] = str(HOOKS) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def fault_env(spec: str, mark: Path, env: dict | None = None) -> dict:
    """Environment that makes `curate` kill itself at a named point (see hooks/sitecustomize.py)."""
    return hooks_env(env, CURATE_FAULT=spec, CURATE_FAULT_MARK=str(mark))


def _temp_name(rel: Path) -> bool:
    return any(part.startswith((".tmp-", ".old-")) for part in rel.parts)


def digest(proj: Path) -> dict[str, str]:
    """sha256 of every json/jsonl file under corpus/curated/ and of reports/metrics.json.

    Temp names (`.tmp-*`, `.old-*`) are never outputs: a killed run's temp can stay until the next
    curate command sweeps it (DVC may restore outputs from its cache without running a stage);
    `leftovers()` lists them."""
    out = {}
    for path in sorted((proj / "corpus/curated").rglob("*.json*")):
        if path.is_file() and not _temp_name(path.relative_to(proj)):
            out[str(path.relative_to(proj))] = hashlib.sha256(path.read_bytes()).hexdigest()
    metrics = proj / "reports/metrics.json"
    out["reports/metrics.json"] = hashlib.sha256(metrics.read_bytes()).hexdigest() if metrics.exists() else "-"
    return out


def partial_outputs(proj: Path) -> list[str]:
    """Problems a reader of the outputs could see right now (empty list: nothing partial)."""
    problems = []
    for top in OUTPUT_DIRS:
        for path in sorted((proj / top).rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(proj)
            if _temp_name(rel):
                continue  # temp names: never an output, removed by the next run
            if path.suffix == ".jsonl":
                for n, line in enumerate(path.read_bytes().split(b"\n"), 1):
                    if line.strip():
                        try:
                            json.loads(line)
                        except ValueError:
                            problems.append(f"{rel}:{n}: not a whole JSON line")
                            break
                if path.stat().st_size and not path.read_bytes().endswith(b"\n"):
                    problems.append(f"{rel}: last line not terminated")
            elif path.suffix == ".json":
                try:
                    json.loads(path.read_bytes())
                except ValueError:
                    problems.append(f"{rel}: not a whole JSON document")
    return problems


def dead_temp(rel: str) -> bool:
    """A temp name (`.tmp-<name>-<pid>-XXXXXXXX`) whose writer is dead: swept by the next run."""
    from curate.engine.io import _ANY_TEMP, pid_alive

    m = _ANY_TEMP.fullmatch(Path(rel).name)
    return m is not None and not pid_alive(int(m.group(1)))


def leftovers(proj: Path) -> list[str]:
    """Temp files/folders (`.tmp-*`, `.old-*`) left anywhere under corpus/ or reports/."""
    found = []
    for top in ("corpus", "reports"):
        for path in (proj / top).rglob("*"):
            if path.name.startswith((".tmp-", ".old-")):
                found.append(str(path.relative_to(proj)))
    return sorted(found)


def cache_problems(proj: Path) -> list[str]:
    """SQLite integrity and per-entry checksums of the annotation cache (if there is one)."""
    db = proj / ".curate-cache" / "annotations.sqlite"
    if not db.exists():
        return []
    con = sqlite3.connect(db)
    try:
        problems = [f"integrity_check: {row[0]}" for row in con.execute("PRAGMA integrity_check")
                    if row[0] != "ok"]
        for key, value, checksum in con.execute("SELECT key, value, checksum FROM annotations"):
            if hashlib.sha256(value).hexdigest() != checksum:
                problems.append(f"entry {key}: checksum mismatch")
    finally:
        con.close()
    return problems


def start(cmd: list[str], cwd: Path, env: dict, log: Path) -> subprocess.Popen:
    """Start a command in its own process group (so the whole group can be killed)."""
    fh = open(log, "wb")
    try:
        return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    finally:
        fh.close()


def kill_group(proc: subprocess.Popen) -> bool:
    """SIGKILL the process group; True if the leader was still running."""
    alive = proc.poll() is None
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    return alive


def last_stage(log: Path) -> str:
    stage = "-"
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("Running stage '"):
            stage = line.split("'")[1]
    return stage


def make(dest: Path) -> Path:
    sys.path.insert(0, str(REPO))
    from tests.conftest import make_project

    return make_project(dest)


def dvc(args: list[str], proj: Path, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([shutil.which("dvc", path=env["PATH"]) or "dvc", *args], cwd=proj, env=env,
                          capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"dvc {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


# --------------------------------------------------------------------------------------- main


def kill_builds(runs: int, seed: int, workdir: Path, out=print) -> dict:
    rng = random.Random(seed)
    env = hermetic_env(workdir / "dvc-env")
    for k in ("DVC_SITE_CACHE_DIR", "DVC_GLOBAL_CONFIG_DIR", "DVC_SYSTEM_CONFIG_DIR", "DVC_NO_ANALYTICS"):
        os.environ[k] = env[k]  # make_project runs dvc with os.environ
    proj = make(workdir / "proj")
    t0 = time.monotonic()
    dvc(["repro"], proj, env)
    build_s = time.monotonic() - t0
    reference = digest(proj)
    out(f"clean build: {build_s:.1f} s, {len(reference)} files in the reference")
    t0 = time.monotonic()
    dvc(["repro", "--force"], proj, env)
    force_s = time.monotonic() - t0
    out(f"forced rebuild (warm caches): {force_s:.1f} s: kills land in [0.2, {force_s:.1f}] s")
    summary = {"runs": runs, "seed": seed, "killed": 0, "needed_unlock": 0, "force_build_s": round(force_s, 1), "finished_before_kill": 0, "recovered_identical": 0,
               "failures": [], "stages_hit": {}, "clean_build_s": round(build_s, 1), "recover_s": []}
    for i in range(1, runs + 1):
        cold = rng.random() < 0.3
        if cold:  # extract will annotate and write the cache while we kill it
            shutil.rmtree(proj / ".curate-cache", ignore_errors=True)
        delay = rng.uniform(0.2, force_s)
        log = workdir / f"run-{i}.log"
        proc = start([shutil.which("dvc", path=env["PATH"]) or "dvc", "repro", "--force"], proj, env, log)
        time.sleep(delay)
        was_running = kill_group(proc)
        stage = last_stage(log) if was_running else "(finished)"
        problems = partial_outputs(proj) + cache_problems(proj)
        t1 = time.monotonic()
        rec = dvc(["repro"], proj, env, check=False)
        unlocked = False
        if rec.returncode != 0 and ("RWLock-file" in rec.stderr or "dvc.lock' validation failed" in rec.stderr):
            # DVC was killed while rewriting .dvc/tmp/rwlock or dvc.lock in place: the documented repair
            fix = subprocess.run([shutil.which("curate", path=env["PATH"]) or "curate", "unlock"], cwd=proj,
                                 env=env, capture_output=True, text=True)
            unlocked = fix.returncode == 0
            summary["needed_unlock"] += 1
            rec = dvc(["repro"], proj, env, check=False)
        rec_s = time.monotonic() - t1
        if rec.returncode != 0:
            problems.append(f"recovery dvc repro exited {rec.returncode}: {rec.stderr.strip()[-400:]}")
        now = digest(proj)
        diff = sorted(k for k in set(reference) | set(now) if reference.get(k) != now.get(k))
        if diff:
            problems.append(f"differs from the clean build: {diff}")
        problems += [f"leftover of a live process {p}" for p in leftovers(proj) if not dead_temp(p)]
        problems += cache_problems(proj)
        if was_running:
            summary["killed"] += 1
            summary["stages_hit"][stage] = summary["stages_hit"].get(stage, 0) + 1
        else:
            summary["finished_before_kill"] += 1
        if not problems:
            summary["recovered_identical"] += 1
        else:
            summary["failures"].append({"run": i, "stage": stage, "delay": delay, "problems": problems})
        summary["recover_s"].append(round(rec_s, 1))
        out(f"run {i:3d}: kill after {delay:5.2f} s {'(cold cache) ' if cold else ''}"
            f"during {stage:<10} -> {'curate unlock + ' if unlocked else ''}recovery {rec_s:4.1f} s: "
            f"{'identical' if not problems else 'FAILED: ' + '; '.join(problems)}")
    swept = subprocess.run([shutil.which("curate", path=env["PATH"]) or "curate", "ingest"], cwd=proj, env=env,
                           capture_output=True, text=True)
    left = leftovers(proj)
    summary["leftovers_after_sweep"] = left
    if swept.returncode != 0 or left or digest(proj) != reference:
        summary["failures"].append({"run": "sweep", "problems": [swept.stderr.strip(), *left]})
        summary["recovered_identical"] -= 1
    out(f"temps of killed runs left after the next curate command: {len(left)}"
        + "".join(f"\n  {path}" for path in left))
    out(f"\n{summary['killed']} of {runs} runs killed mid-build "
        f"({summary['finished_before_kill']} had already finished); stages hit: "
        f"{json.dumps(summary['stages_hit'], sort_keys=True)}")
    out(f"{summary['recovered_identical']} of {runs} recovered byte-identical to the clean build"
        f"{' - all recovered' if summary['recovered_identical'] == runs else ''} "
        f"({summary['needed_unlock']} needed `curate unlock` first: DVC killed while rewriting "
        f".dvc/tmp/rwlock or dvc.lock in place); "
        f"clean build {build_s:.1f} s, recovery mean "
        f"{sum(summary['recover_s']) / max(1, runs):.1f} s, max {max(summary['recover_s'], default=0):.1f} s")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=20, help="kills to perform (default 20)")
    ap.add_argument("--seed", type=int, default=1, help="random seed for delays and cache resets")
    ap.add_argument("--workdir", type=Path, default=None, help="where to build (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--json", type=Path, default=None, help="also write the summary as JSON here")
    args = ap.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kill-builds-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        summary = kill_builds(args.runs, args.seed, workdir)
        if args.json:
            args.json.write_text(json.dumps(summary, indent=2) + "\n")
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if summary["recovered_identical"] == args.runs else 1


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
