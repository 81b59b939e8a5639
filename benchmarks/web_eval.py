"""Benchmark: curate's reading of saved news pages beside trafilatura alone and htmldate alone,
on the same pages in one run, through the pipeline's own decision (accepted or rejected).

Usage:

    PYTHONPATH=. python benchmarks/web_eval.py ../shared/data [--half dev|check|all] [--json out.json]
    PYTHONPATH=. python benchmarks/web_eval.py ../shared/data --failures dev   # what each field misses

The data folder holds `web-dev/` (pages with `<name>.expected.json`: title, authors, publishing
date, body paragraphs) and `web-dev2/<set>/` (`truth.json`: title, publisher's day, authors,
`with`/`without` body snippets). web-dev2 is split in two halves by the sha1 of each page's file
name (even last byte: `dev`, odd: `check`); `--half` picks which half of web-dev2 is scored
(web-dev is always scored whole: it is the set not to regress).

Each page is read by
* curate: `curate.readers.read_file` with default params (decode, sniff, the html reader and its
  not-an-article decision), so `accepted` is the share of pages the pipeline keeps; a rejected
  page still counts with what it read (early rejections read nothing);
* trafilatura alone: `bare_extraction(with_metadata=True)` on the decoded page (title, author,
  date, body), its default options;
* htmldate alone: `find_date` with its default options (date only).
Scores (over the pages whose truth has the field):
  accepted    share of pages kept (every page of these sets is an article a reader wants)
  title       exact match (whitespace-normalised)
  date        same day as the truth (web-dev: the local day of its publishing date)
  authors     exact set match; truth strings split on `;`, `,`, ` und `, ` and `, `&` as
              trafilatura's evaluation does (an empty truth list matches an empty result); a
              wire agency counts in its canonical form, and curate's `agency` counts with its
              authors (the truth lists `dpa` among the authors, curate keeps it in `agency`)
  body_f1     web-dev: mean token F1 against the expected paragraphs
  snippet_f1  web-dev2 traf-eval: F1 of the `with` snippets found (true positives) and the
              `without` snippets found (false positives), counted over all pages, as trafilatura's
              evaluation does
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # PYTHONPATH first: `PYTHONPATH=/other/tree` measures that tree

from curate.params import IngestParams, WebParams  # noqa: E402
from curate.readers import html as html_reader  # noqa: E402
from curate.readers import read_file  # noqa: E402
from curate.readers.markup import agency  # noqa: E402
from web_fidelity import f1  # noqa: E402 - one token F1 for both web benchmarks
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|&|\s+und\s+|\s+and\s+)\s*")


def half_of(name: str) -> str:
    return "dev" if hashlib.sha1(Path(name).name.encode()).digest()[-1] % 2 == 0 else "check"


def load(data: Path, half: str) -> list[dict]:
    """Pages: {set, root, path, truth} with truth {title, date, authors, body | with/without}."""
    pages = []
    for exp in sorted((data / "web-dev").rglob("*.expected.json")):
        e = json.loads(exp.read_text(encoding="utf-8"))
        when = _instant(e.get("publishing_date"))
        path = exp.relative_to(data / "web-dev").as_posix()[: -len(".expected.json")] + ".html.gz"
        pages.append({"set": "web-dev", "half": None, "root": data / "web-dev", "path": path, "truth": {
            "title": e.get("title"), "date": when.date().isoformat() if when else None,
            "authors": e.get("authors") or [], "body": "\n".join(e.get("body") or [])}})
    for truth in sorted((data / "web-dev2").glob("*/truth.json")):
        for p in json.loads(truth.read_text(encoding="utf-8"))["pages"]:
            if half != "all" and half_of(p["file"]) != half:
                continue
            authors = None
            if p.get("authors") is not None:
                authors = [a for s in p["authors"] for a in _AUTHOR_SPLIT.split(s) if a.strip()]
            pages.append({"set": truth.parent.name, "half": half_of(p["file"]), "root": truth.parent,
                          "path": p["file"], "truth": {
                "title": p.get("title"), "date": p.get("date"), "authors": authors,
                "with": p.get("with") or [], "without": p.get("without") or []}})
    return pages


def _instant(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def curate_page(page: dict, params) -> dict:
    out = read_file(page["path"], page["root"], params)[0]
    return {"title": out.title, "date": out.date, "authors": list(out.authors or []),
            "agency": getattr(out, "agency", None),
            "text": out.text or "", "reason": getattr(out, "reason", None),
            "detail": getattr(out, "detail", None), "flags": list(out.flags or [])}


def _page_text(page: dict) -> str:
    raw = (page["root"] / page["path"]).read_bytes()
    return html_reader.decode_page(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)[0]


def trafilatura_page(page: dict, text: str) -> dict:
    from trafilatura import bare_extraction

    try:
        doc = bare_extraction(text, with_metadata=True)
    except Exception:  # noqa: BLE001 - a library failure is a miss, not a crash
        doc = None
    if doc is None:
        return {"title": None, "date": None, "authors": [], "text": "", "reason": "nothing"}
    authors = [a.strip() for a in _AUTHOR_SPLIT.split(doc.author or "") if a.strip()]
    return {"title": doc.title, "date": doc.date, "authors": authors, "text": doc.text or "",
            "reason": None}


def htmldate_page(page: dict, text: str) -> dict:
    from htmldate import find_date

    try:
        day = find_date(text)
    except Exception:  # noqa: BLE001
        day = None
    return {"title": None, "date": day, "authors": None, "text": None, "reason": None}


def _norm(s) -> str:
    return " ".join((s or "").split())


def _credited(names) -> set[str]:
    """Names as a set, a wire agency's name in its canonical form (curate keeps agencies in
    `agency`, the truth sets among the authors: `dpa`, `Deutsche Presse-Agentur`)."""
    return {agency(n) or _norm(n) for n in names if n and _norm(n)}


def misses(page: dict, got: dict) -> dict[str, bool]:
    """field -> whether `got` gets it right, for the fields the page's truth scores."""
    t, out = page["truth"], {}
    if t.get("title"):
        out["title"] = _norm(t["title"]) == _norm(got["title"])
    if t.get("date"):
        out["date"] = (got["date"] or "")[:10] == t["date"]
    if t.get("authors") is not None and got["authors"] is not None:
        out["authors"] = _credited(t["authors"]) == _credited(got["authors"] + [got.get("agency")])
    return out


def snippets(page: dict, text: str) -> tuple[int, int, int, int]:
    """(tp, fn, fp, tn) of the page's with / without snippets in `text`."""
    norm = _norm(text)
    t = page["truth"]
    tp = sum(_norm(s) in norm for s in t.get("with", []))
    fp = sum(_norm(s) in norm for s in t.get("without", []))
    return tp, len(t.get("with", [])) - tp, fp, len(t.get("without", [])) - fp


def _groups(page: dict) -> list[str]:
    """A web-dev2 page is scored in its set and in its set's half."""
    return [page["set"]] + ([f"{page['set']}:{page['half']}"] if page["half"] else [])


def score(pages: list[dict], results: list[dict], tool: str) -> dict:
    out: dict = {}
    for set_name in sorted({g for p in pages for g in _groups(p)}):
        rows = [(p, r) for p, r in zip(pages, results) if set_name in _groups(p)]
        s: dict = {"pages": len(rows)}
        if tool == "curate":
            s["accepted"] = round(sum(r["reason"] is None for _, r in rows) / len(rows), 3)
        fields: dict[str, list[bool]] = {}
        for p, r in rows:
            for k, v in misses(p, r).items():
                fields.setdefault(k, []).append(v)
        for k in ("title", "date", "authors"):
            if fields.get(k) and (tool != "htmldate" or k == "date"):
                s[k] = round(sum(fields[k]) / len(fields[k]), 3)
                s[f"{k}_n"] = len(fields[k])
        if tool != "htmldate":
            bodies = [f1(p["truth"]["body"], r["text"]) for p, r in rows if "body" in p["truth"]]
            if bodies:
                s["body_f1"] = round(statistics.mean(bodies), 3)
            counts = [snippets(p, r["text"]) for p, r in rows if p["truth"].get("with")]
            if counts:
                tp, fn, fp, _ = (sum(c[i] for c in counts) for i in range(4))
                prec, rec = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
                s["snippet_precision"], s["snippet_recall"] = round(prec, 3), round(rec, 3)
                s["snippet_f1"] = round(2 * prec * rec / max(prec + rec, 1e-9), 3)
        out[set_name] = s
    return out


def failures(pages, results) -> None:
    for p, r in zip(pages, results):
        name = f"{p['set']}/{p['path']}"
        if r["reason"]:
            print("REJECTED", name, r["reason"], r["detail"])
        for k, ok in misses(p, r).items():
            if not ok:
                print(k.upper(), name, repr(p["truth"][k]), repr(r[k]))
        if p["truth"].get("with") or p["truth"].get("without"):
            tp, fn, fp, _ = snippets(p, r["text"])
            if fn or fp:
                t = _norm(r["text"])
                print("SNIPPETS", name, f"missing={[s for s in p['truth']['with'] if _norm(s) not in t]}",
                      f"unwanted={[s for s in p['truth']['without'] if _norm(s) in t]}")
        if "body" in p["truth"] and f1(p["truth"]["body"], r["text"]) < 0.8:
            print("BODY", name, round(f1(p["truth"]["body"], r["text"]), 3))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="the folder holding web-dev/ and web-dev2/")
    ap.add_argument("--half", choices=("dev", "check", "all"), default="all")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--failures", action="store_true", help="list curate's misses")
    ap.add_argument("--only-curate", action="store_true", help="skip the two libraries")
    ap.add_argument("--web", action="append", default=[], metavar="KEY=VALUE",
                    help="an ingest.web param for curate (e.g. favor_precision=false)")
    args = ap.parse_args(argv)
    web = {k: json.loads(v.lower()) for k, _, v in (w.partition("=") for w in args.web)}
    params = IngestParams(web=WebParams(**web))
    pages = load(args.data, args.half)
    results = {"curate": [curate_page(p, params) for p in pages]}
    if not args.only_curate:
        texts = [_page_text(p) for p in pages]
        results["trafilatura"] = [trafilatura_page(p, t) for p, t in zip(pages, texts)]
        results["htmldate"] = [htmldate_page(p, t) for p, t in zip(pages, texts)]
    out = {tool: score(pages, res, tool) for tool, res in results.items()}
    out["curate_rejected"] = dict(Counter(r["reason"] for r in results["curate"] if r["reason"]))
    out["half"] = args.half
    for set_name in out["curate"]:
        keys = [k for k in out["curate"][set_name] if not k.endswith("_n")]
        print(f"{set_name} ({out['curate'][set_name]['pages']} pages)")
        print(f"  {'field':<18}" + "".join(f"{t:>13}" for t in results))
        for k in keys[1:]:
            print(f"  {k:<18}" + "".join(f"{str(out[t][set_name].get(k, '-')):>13}" for t in results))
    print("curate rejected:", out["curate_rejected"])
    if args.failures:
        failures(pages, results["curate"])
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
