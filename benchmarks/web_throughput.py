"""Benchmark: articles/s of the ingest stage's HTML step on W workers, beside trafilatura alone on
the same pages with W processes, in one run.

    PYTHONPATH=. python benchmarks/web_throughput.py ../shared/data/web-dev [--workers 2] [--repeats 3]

The pages (`*.html.gz` / `*.html` under the folder) are copied once into a scratch project.
* ours: `run_ingest` on that project with `run.workers = W` and no cache (`run.cache_dir: null`):
  files read on the executor (sniff, decode, the html reader: trafilatura + JSON-LD/meta/htmldate
  metadata, not-article checks, the per-page timer), outputs written in path order;
* ours (warc): the same pages as the 2xx responses of one WARC file, streamed by the stage;
* trafilatura alone: a `multiprocessing` Pool of W processes (fork, started inside the timing, as
  the stage starts its pool) mapping `bare_extraction` (default options, metadata off) over the
  same files (read and gunzipped by the worker), chunks of 8 files as the stage's tasks.
Each is run `--repeats` times, alternating, after one warm-up round; the median is reported,
as articles/s (wall) and articles per CPU second (this process + its pool's workers: the figure
that holds on a machine other work also loads).
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import resource
import shutil
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curate.params import Params, RunParams  # noqa: E402
from curate.readers.stage import FILES_PER_TASK, run_ingest  # noqa: E402


def trafilatura_file(path: str) -> int:
    from trafilatura import bare_extraction

    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    doc = bare_extraction(data)
    return len(doc.text or "") if doc is not None else 0


def _cpu() -> float:
    """CPU seconds of this process and of its reaped children (the pool workers, once joined)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def trafilatura_pool(files: list[str], workers: int) -> tuple[float, float]:
    t, c = time.perf_counter(), _cpu()
    pool = mp.get_context("fork").Pool(workers)
    pool.map(trafilatura_file, files, chunksize=FILES_PER_TASK)
    pool.close()
    pool.join()
    return time.perf_counter() - t, _cpu() - c


def ours(project: Path, workers: int) -> tuple[float, float]:
    params = msgspec.structs.replace(Params(), run=RunParams(workers=workers, cache_dir=None))
    t, c = time.perf_counter(), _cpu()
    run_ingest(project, params)  # closes (joins) its pool before returning
    return time.perf_counter() - t, _cpu() - c


def write_warc(path: Path, pages: list[Path]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for n, page in enumerate(pages):
            data = page.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(f"https://pages.example/{n}", "response", payload=BytesIO(data),
                                                http_headers=http,
                                                warc_headers_dict={"WARC-Date": "2024-01-01T00:00:00Z",
                                                                   "WARC-Record-ID": f"<urn:uuid:page-{n}>"}))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    pages = sorted(p for p in args.folder.rglob("*") if p.name.endswith((".html", ".html.gz")))
    work = Path(tempfile.mkdtemp(prefix="curate-webtp-"))
    try:
        files_proj, warc_proj = work / "files", work / "warc"
        for p in pages:
            dst = files_proj / "corpus/raw" / p.relative_to(args.folder)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(p, dst)
        (warc_proj / "corpus/raw").mkdir(parents=True)
        write_warc(warc_proj / "corpus/raw/pages.warc.gz", pages)
        files = [str(files_proj / "corpus/raw" / p.relative_to(args.folder)) for p in pages]
        runs = {"ours": lambda: ours(files_proj, args.workers), "ours_warc": lambda: ours(warc_proj, args.workers),
                "trafilatura": lambda: trafilatura_pool(files, args.workers)}
        times: dict[str, list[float]] = {k: [] for k in runs}
        cpus: dict[str, list[float]] = {k: [] for k in runs}
        for k, fn in runs.items():  # warm-up
            fn()
        for _ in range(args.repeats):
            for k, fn in runs.items():
                wall, cpu = fn()
                times[k].append(wall)
                cpus[k].append(cpu)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = {"pages": len(pages), "workers": args.workers,
           **{f"{k}_articles_per_s": round(len(pages) / statistics.median(v), 1) for k, v in times.items()}}
    out.update({f"{k}_articles_per_cpu_s": round(len(pages) / statistics.median(v), 1) for k, v in cpus.items()})
    out["cpu_ratio"] = round(out["ours_articles_per_cpu_s"] / out["trafilatura_articles_per_cpu_s"], 3)
    out["ratio"] = round(out["ours_articles_per_s"] / out["trafilatura_articles_per_s"], 3)
    out["ratio_warc"] = round(out["ours_warc_articles_per_s"] / out["trafilatura_articles_per_s"], 3)
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    main()
