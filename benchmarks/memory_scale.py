"""Memory growth of the corpus-wide stages (dedup, validate, report) from N to k×N records.

    python benchmarks/memory_scale.py --project /tmp/bench-proj --factor 5 [--out mem.json]

`--project` is a built project (e.g. `pipeline_bench.py --keep DIR`). The NER stage's memory is
bounded by its window and does not depend on corpus size; the stages that hold a per-record index
(dedup: ids, hashes, MinHash signatures; validate: scalar facts; report: counters) are the ones
that could grow. This script synthesises a k× larger corpus from the built one (new ids, a
perturbed text: every fifth word reversed in place, so hashes and MinHash signatures differ and
copies are not near duplicates, while lengths and so entity offsets stay valid)
for both the clean output (dedup's input) and the extract output (validate's input), then runs
dedup, validate and report at 1× and k× in fresh processes and reports each one's peak RSS (VmHWM,
from the stage's own $CURATE_STAGE_STATS line).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import msgspec

from curate.engine.parts import stage_files, write_stage_folder
from curate.layout import interim_dir
from curate.record import Record, encode

BIN = Path(sys.executable).parent


def perturb(text: str, k: int) -> str:
    """Reverse every fifth word (offset by k): same length, different shingles."""
    counter = iter(range(10**9))
    return re.sub(r"\S+", lambda m: m.group(0)[::-1] if (next(counter) + k) % 5 == 0 else m.group(0), text)


def synthesise(src: list[Path], dst: Path, factor: int) -> int:
    """The records of the part files `src`, `factor` times (copies perturbed), into `dst`."""
    dec = msgspec.json.Decoder(Record)
    n = 0
    dst.parent.mkdir(parents=True, exist_ok=True)
    with dst.open("wb") as out:
        lines = [ln for path in src for ln in path.read_bytes().splitlines(keepends=True) if ln.strip()]
        for k in range(factor):
            for ln in lines:
                if k == 0:
                    out.write(ln if ln.endswith(b"\n") else ln + b"\n")
                else:
                    r = dec.decode(ln)
                    text = perturb(r.text, k)
                    r = msgspec.structs.replace(
                        r, id=f"{r.id}-s{k}", text=text,
                        content_hash=hashlib.sha256(text.encode()).hexdigest(),
                        entities=[msgspec.structs.replace(e, text=text[e.start:e.end]) for e in r.entities],
                    )
                    out.write(encode(r) + b"\n")
                n += 1
    return n


def stage_peak(stage: str, cwd: Path) -> tuple[float, float]:
    """(peak RSS MB, CPU s) of one stage command, from its own $CURATE_STAGE_STATS line: VmHWM of
    the stage process. The child's ru_maxrss would not do: Linux carries it over fork+exec from
    this process, which holds the synthesised corpus."""
    stats = cwd / "stage-stats.jsonl"
    stats.unlink(missing_ok=True)
    env = dict(os.environ, CURATE_STAGE_STATS=str(stats))
    proc = subprocess.run([str(BIN / "curate"), stage], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"curate {stage} failed: {proc.stderr[-2000:]}")
    line = json.loads(stats.read_text().splitlines()[-1])
    return line["peak_rss_mb"], line["cpu_seconds"]


def measure(project: Path, factor: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="curate-mem-"))
    try:
        for name in ["params.yaml"]:
            shutil.copy2(project / name, work / name)
        scratch = work / "synth"
        n = synthesise(stage_files(project, "clean"), scratch / "clean.jsonl", factor)
        synthesise(stage_files(project, "extract"), scratch / "extract.jsonl", factor)
        shutil.copy2(scratch / "clean.jsonl", scratch / "ingest.jsonl")
        for stage in ("ingest", "clean", "extract"):  # one part each, no rejections
            write_stage_folder(interim_dir(work, stage), stage, [{"records": scratch / f"{stage}.jsonl"}])
        out = {"records_in": n}
        # dedup writes interim/dedup, which validate does not read here (it reads extract)
        for stage in ("dedup", "validate", "report"):
            rss, cpu = stage_peak(stage, work)
            out[stage] = {"peak_rss_mb": rss, "cpu_s": cpu}
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--project", type=Path, required=True)
    ap.add_argument("--factor", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    one, big = measure(args.project, 1), measure(args.project, args.factor)
    result = {"1x": one, f"{args.factor}x": big,
              "growth": {s: round(big[s]["peak_rss_mb"] / one[s]["peak_rss_mb"] - 1, 3) for s in ("dedup", "validate", "report")}}
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return result


if __name__ == "__main__":
    main()
