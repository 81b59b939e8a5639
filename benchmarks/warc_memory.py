"""Peak memory of `curate ingest` on one generated WARC of N pages: flat whatever N.

    PYTHONPATH=. python benchmarks/warc_memory.py --pages 1000 10000 [--code DIR ...] [--workers 1]

Writes, with warcio, one gzipped WARC of N synthetic news pages (deterministic: page n's words
come from a fixed vocabulary by n, so the same N gives the same bytes; each page has a request
and a 200 response; every 50th response is a 404), into a fresh project, then runs
`curate ingest` there in a fresh process with no cache (`run.cache_dir: null`) and reports its
peak RSS (VmHWM of the stage process and of its largest worker, from $CURATE_STAGE_STATS).
`--code DIR` runs the same with another checkout of curate (PYTHONPATH=DIR), e.g. the code
before WARC streaming, as a baseline in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from io import BytesIO
from pathlib import Path

BIN = Path(sys.executable).parent
VOCAB = ("harbour authority council minister budget river bridge election vote report company "
         "shares market energy price school teachers union strike hospital doctors patients court "
         "judge ruling police station museum exhibition festival weather storm flood farmers "
         "harvest railway station tunnel airport flights mayor residents plan project cost").split()


def page(n: int) -> bytes:
    """A news page of ~250 words, different for every n."""
    paras = []
    for p in range(5):
        words = [VOCAB[(n * 7 + p * 13 + i * (n % 11 + 1)) % len(VOCAB)] for i in range(50)]
        paras.append(f"<p>Story {n}, part {p}: " + " ".join(words).capitalize() + ".</p>")
    url = f"https://news.example/{n // 1000}/story-{n}.html"
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "url": url,
                     "headline": f"Story {n} of the day", "datePublished": "2024-05-01T08:00:00+02:00",
                     "author": {"@type": "Person", "name": f"Reporter {n % 37}"}})
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Story {n}</title>'
            f'<link rel="canonical" href="{url}"><script type="application/ld+json">{ld}</script></head>'
            f'<body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Story {n} of the day'
            f'</h1>{"".join(paras)}</article><footer>Copyright News Example</footer></body></html>').encode()


def write_warc(path: Path, pages: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "warc_memory.py"}))
        for n in range(pages):
            uri = f"https://news.example/{n // 1000}/story-{n}.html"
            date = f"2024-05-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z"
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
            w.write_record(w.create_warc_record(uri, "request", http_headers=req,
                                                warc_headers_dict={"WARC-Date": date,
                                                                   "WARC-Record-ID": f"<urn:uuid:req-{n}>"}))
            status = "404 Not Found" if n % 50 == 49 else "200 OK"
            http = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(uri, "response", payload=BytesIO(page(n)), http_headers=http,
                                                warc_headers_dict={"WARC-Date": date,
                                                                   "WARC-Record-ID": f"<urn:uuid:resp-{n}>"}))


def measure(warc: Path, code: str, workers: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="curate-warcmem-"))
    try:
        (work / "corpus/raw").mkdir(parents=True)
        os.link(warc, work / "corpus/raw" / warc.name)
        (work / "params.yaml").write_text(f"run:\n  workers: {workers}\n  cache_dir: null\n")
        stats = work / "stats.jsonl"
        env = dict(os.environ, CURATE_STAGE_STATS=str(stats), PYTHONPATH=code)
        proc = subprocess.run([str(BIN / "curate"), "ingest"], cwd=work, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"curate ingest failed: {proc.stderr[-2000:]}")
        line = json.loads(stats.read_text().splitlines()[-1])
        return {k: line[k] for k in ("peak_rss_mb", "peak_rss_workers_mb", "seconds", "inputs", "kept")}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--code", nargs="+", default=[str(Path(__file__).resolve().parents[1])])
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="curate-warcs-"))
    result: dict = {}
    try:
        for n in args.pages:
            warc = tmp / f"crawl-{n}.warc.gz"
            write_warc(warc, n)
            for code in args.code:
                got = measure(warc, code, args.workers)
                got["warc_mb"] = round(warc.stat().st_size / 1e6, 1)
                result.setdefault(code, {})[str(n)] = got
                print(json.dumps({"code": code, "pages": n, **got}), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
