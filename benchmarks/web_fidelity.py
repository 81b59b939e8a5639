"""Benchmark: how well the HTML reader reads saved news pages, beside trafilatura alone.

Usage:

    PYTHONPATH=. python benchmarks/web_fidelity.py ../shared/data/web-dev [--repeats 3] [--json out.json]

The folder holds `<name>.html.gz` pages, each with `<name>.expected.json` (title, authors,
publishing_date with offset, body paragraphs) as a careful per-publisher parser extracts them.
Every page is read (a) by our reader (`curate.readers.html.read_page`, default params; a page it
rejects still counts with what it read) and (b) by trafilatura alone (`bare_extraction` with its
default options, on the decoded page: body only, its default is `with_metadata=False`) and (c) the
same with `with_metadata=True` (its title, author and htmldate day) for the metadata fields. Scores, over all pages:
  title       exact match (whitespace-normalised)
  date        same day as the expected publishing date (its own local day), over pages that have one
  published_at  same instant and the same UTC offset, to the second (trafilatura gives a day only)
  authors     exact set match (an expected empty list matches an empty list)
  body_f1     mean token F1 (lower-cased `\\w+` tokens, as multisets) against the expected paragraphs
Throughput: pages/s of each, one process, the same pages already decompressed in memory,
alternating `--repeats` times (median), after one warm-up pass.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # PYTHONPATH first: `PYTHONPATH=/other/tree` measures that tree

from curate.params import IngestParams  # noqa: E402
from curate.readers import html as html_reader  # noqa: E402

_TOKEN = re.compile(r"\w+")


def load_pages(folder: Path) -> list[tuple[str, bytes, dict]]:
    pages = []
    for page in sorted(folder.rglob("*.html.gz")):
        expected = page.with_name(page.name[: -len(".html.gz")] + ".expected.json")
        if expected.exists():
            pages.append((str(page.relative_to(folder)), gzip.decompress(page.read_bytes()),
                          json.loads(expected.read_text(encoding="utf-8"))))
    return pages


def ours(name: str, content: bytes, params) -> dict:
    rec = html_reader.read_page(name, content, "", params)[0]
    return {"title": rec.title, "date": rec.date, "published_at": rec.published_at,
            "authors": rec.authors, "text": rec.text, "reason": getattr(rec, "reason", None)}


def trafilatura_alone(name: str, content: bytes, params, with_metadata: bool = False) -> dict:
    from trafilatura import bare_extraction

    text, _ = html_reader.decode_page(content)
    doc = bare_extraction(text, with_metadata=with_metadata)
    if doc is None:
        return {"title": None, "date": None, "published_at": None, "authors": [], "text": ""}
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return {"title": doc.title, "date": doc.date, "published_at": None, "authors": authors,
            "text": doc.text or ""}


def trafilatura_meta(name: str, content: bytes, params) -> dict:
    return trafilatura_alone(name, content, params, with_metadata=True)


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt.replace(microsecond=0) if dt.tzinfo else None


def f1(expected: str, got: str) -> float:
    e = Counter(_TOKEN.findall(expected.lower()))
    g = Counter(_TOKEN.findall((got or "").lower()))
    common = sum((e & g).values())
    if not e and not g:
        return 1.0
    if not common:
        return 0.0
    p, r = common / sum(g.values()), common / sum(e.values())
    return 2 * p * r / (p + r)


def score(pages, results) -> dict:
    n = len(pages)
    title = date = exact = authors = dated = 0
    f1s = []
    for (_, _, exp), got in zip(pages, results):
        norm = lambda s: " ".join((s or "").split())  # noqa: E731
        title += norm(exp.get("title")) == norm(got["title"]) and bool(exp.get("title"))
        want = _instant(exp.get("publishing_date"))
        if want is not None:
            dated += 1
            date += got["date"] == want.date().isoformat()
            have = _instant(got["published_at"])
            exact += have is not None and have == want and have.utcoffset() == want.utcoffset()
        authors += set(exp.get("authors") or []) == set(got["authors"] or [])
        f1s.append(f1("\n".join(exp.get("body") or []), got["text"]))
    return {"pages": n, "title_exact": round(title / n, 3), "date_same_day": round(date / max(dated, 1), 3),
            "published_at_exact": round(exact / max(dated, 1), 3), "pages_dated": dated, "authors_set": round(authors / n, 3),
            "body_f1": round(statistics.mean(f1s), 3)}


def timed(fn, pages, params) -> float:
    t = time.perf_counter()
    for name, content, _ in pages:
        fn(name, content, params)
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--failures", action="store_true", help="list the pages each field misses")
    args = ap.parse_args(argv)
    params = IngestParams()
    pages = load_pages(args.folder)
    if not pages:
        print(f"no pages with expectations under {args.folder}", file=sys.stderr)
        return 2
    res_ours = [ours(n, c, params) for n, c, _ in pages]
    res_traf = [trafilatura_alone(n, c, params) for n, c, _ in pages]
    res_meta = [trafilatura_meta(n, c, params) for n, c, _ in pages]
    out = {"ours": score(pages, res_ours), "trafilatura": score(pages, res_traf),
           "trafilatura_meta": score(pages, res_meta)}
    out["ours"]["rejected"] = dict(Counter(r["reason"] for r in res_ours if r["reason"]))
    times = {"ours": [], "trafilatura": [], "trafilatura_meta": []}
    for _ in range(args.repeats):
        times["ours"].append(timed(ours, pages, params))
        times["trafilatura"].append(timed(trafilatura_alone, pages, params))
        times["trafilatura_meta"].append(timed(trafilatura_meta, pages, params))
    for k, v in times.items():
        out[k]["pages_per_s"] = round(len(pages) / statistics.median(v), 1)
    out["throughput_ratio"] = round(out["ours"]["pages_per_s"] / out["trafilatura"]["pages_per_s"], 3)
    fields = ["title_exact", "date_same_day", "published_at_exact", "authors_set", "body_f1", "pages_per_s"]
    print(f"{'field':<20}{'ours':>10}{'trafilatura':>14}{'trafilatura+meta':>18}")
    for f in fields:
        print(f"{f:<20}{out['ours'][f]:>10}{out['trafilatura'][f]:>14}{out['trafilatura_meta'][f]:>18}")
    print(f"pages {len(pages)}; ours rejected {out['ours']['rejected']}; "
          f"throughput ratio {out['throughput_ratio']}")
    if args.failures:
        for (name, _, exp), got in zip(pages, res_ours):
            if " ".join((exp.get("title") or "").split()) != " ".join((got["title"] or "").split()):
                print("TITLE", name, repr(exp.get("title")), repr(got["title"]))
            if set(exp.get("authors") or []) != set(got["authors"] or []):
                print("AUTHORS", name, exp.get("authors"), got["authors"])
            want = _instant(exp.get("publishing_date"))
            have = _instant(got["published_at"])
            if want and not (have == want and have.utcoffset() == want.utcoffset()):
                print("DATE", name, exp.get("publishing_date"), got["published_at"], got["date"])
            fv = f1("\n".join(exp.get("body") or []), got["text"])
            if fv < 0.8:
                print("BODY", name, round(fv, 3), got["reason"])
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
