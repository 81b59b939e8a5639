"""Agency-feed and archive readers on real items: every field each reader gives, and for a
Reuters-21578 SGML file the fate of each story after a full `dvc repro` plus title, date and
dateline agreement with the SGML's own fields.

    PYTHONPATH=. python benchmarks/wire_fidelity.py --data ../shared/data/wire-dev [--text 200]

Part 1 reads each XML/JSON item of --data with `curate.readers.read_file` and prints every
field of every record (text cut to --text characters, with its full length). Part 2 builds a temp
project whose corpus/raw holds only the SGML file (`dvc repro`, all stages), then reads the SGML
again with plain regular expressions, independent of the reader, and compares per story:
* title: the TITLE element, character references and &lt;/&amp; resolved, whitespace folded;
* date: the day of DATE (`26-FEB-1987 15:01:01.79` -> 1987-02-26);
* dateline: the record's dateline must begin the DATELINE text and only `, <date> -` (or the
  dash) may follow it (no word of the place lost, nothing of the date kept).
Stories are found in the published outputs (articles and rejected) by id `reuters21578-<NEWID>`.
The data stays outside the repository (copyrighted); only figures are printed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ITEMS = ("ap-nitf.xml", "reuters-newsml-g2.xml", "iptc-newsml-g2-example.xml", "ninjs1.json",
         "ninjsExMediumText1.json")
SGML = "reut2-000.sgm"


def part1(data: Path, cut: int) -> None:
    from curate.params import IngestParams
    from curate.readers import read_file
    from curate.record import encode

    for name in ITEMS:
        if not (data / name).exists():
            print(f"## {name}: missing")
            continue
        for rec in read_file(name, data, IngestParams()):
            d = json.loads(encode(rec))
            text = d["text"]
            d["text"] = (text[:cut] + ("…" if len(text) > cut else "")) if cut else text
            d["text_chars"] = len(text)
            d["text_paragraphs"] = len([p for p in text.split("\n\n") if p])
            for k in ("content_hash", "entities", "stats", "tickers", "credits"):
                if not d.get(k):
                    d.pop(k, None)
            print(f"## {name}")
            print(json.dumps(d, indent=1, ensure_ascii=False))


def build(sgml: Path, work: Path) -> Path:
    """A temp project holding only `sgml`, built with `dvc repro` (benchmarks/output_digest.py)."""
    from output_digest import build_project

    raw = work / "raw"
    raw.mkdir(parents=True)
    shutil.copy2(sgml, raw / sgml.name)
    start = time.perf_counter()
    proj = build_project(REPO, raw, work)
    print(f"dvc repro: {time.perf_counter() - start:.1f} s")
    return proj


def _unescape(s: str) -> str:
    s = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))) if int(m.group(1)) >= 32 and int(m.group(1)) != 127 else "", s)
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()


def sgml_truth(path: Path) -> dict[str, dict]:
    raw = path.read_bytes().decode("latin-1")
    out = {}
    for m in re.finditer(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", raw, re.DOTALL):
        newid = re.search(r'NEWID="(\d+)"', m.group(1)).group(1)
        body = m.group(2)

        def el(tag):
            e = re.search(rf"<{tag}>(.*?)</{tag}>", body, re.DOTALL)
            return e.group(1) if e else None

        d = re.search(r"(\d{1,2})-([A-Z]{3})-(\d{4})", el("DATE") or "")
        title, dateline = el("TITLE"), el("DATELINE")
        out[newid] = {
            "title": " ".join(_unescape(title).split()) if title is not None else None,
            "date": f"{d.group(3)}-{MONTHS.index(d.group(2)) + 1:02d}-{int(d.group(1)):02d}" if d else None,
            "dateline": " ".join(_unescape(dateline).split()) if dateline is not None else None,
            "has_body": "<BODY>" in body,
            "type": (re.search(r'<TEXT TYPE="(\w+)"', body) or [None, "NORM"])[1],
        }
    return out


_AFTER_PLACE = re.compile(r"^,?\s*(?:[A-Za-z]{3,9}\.?\s+\d{1,2}|\d{1,2}\s+[A-Za-z]{3,9}\.?)?"
                          r"(?:,?\s*\d{4})?\s*-")


def part2(data: Path) -> None:
    sgml = data / SGML
    truth = sgml_truth(sgml)
    with tempfile.TemporaryDirectory(prefix="wire-fidelity-") as tmp:
        proj = build(sgml, Path(tmp))
        metrics = json.loads((proj / "reports" / "metrics.json").read_text())
        fate: dict[str, tuple[str, dict]] = {}
        for p in sorted((proj / "corpus/curated/articles").glob("*.jsonl")):
            for line in p.read_text().splitlines():
                r = json.loads(line)
                fate[r["id"]] = ("accepted", r)
        for p in sorted((proj / "corpus/curated/rejected").glob("*.jsonl")):
            for line in p.read_text().splitlines():
                r = json.loads(line)
                fate[r["id"]] = (f"rejected:{r['stage']}:{r['reason']}", r)
    print(f"stories in the SGML: {len(truth)}; with BODY {sum(t['has_body'] for t in truth.values())}; "
          f"TEXT types {dict(Counter(t['type'] for t in truth.values()))}")
    keys = ("inputs", "accepted", "rejected", "rejected_by_reason", "accounting_ok")
    print("metrics.json:", json.dumps({k: metrics.get(k) for k in keys}))
    print("fate of the stories:", dict(Counter(f for f, _ in fate.values())))
    missing = [n for n in truth if f"reuters21578-{n}" not in fate]
    print(f"stories missing from the outputs: {len(missing)}")
    agree = Counter()
    total = Counter()
    misses: dict[str, list] = {"title": [], "date": [], "dateline": []}
    for newid, t in truth.items():
        f = fate.get(f"reuters21578-{newid}")
        if f is None:
            continue
        r = f[1]
        total["title"] += 1
        if r.get("title") == t["title"]:
            agree["title"] += 1
        else:
            misses["title"].append((newid, t["title"], r.get("title")))
        total["date"] += 1
        if r.get("date") == t["date"]:
            agree["date"] += 1
        else:
            misses["date"].append((newid, t["date"], r.get("date")))
        total["dateline"] += 1
        got, want = r.get("dateline"), t["dateline"]
        if want is None:
            ok = got is None
        else:
            ok = bool(got) and want.startswith(got) and _AFTER_PLACE.match(want[len(got):]) is not None
        if ok:
            agree["dateline"] += 1
        else:
            misses["dateline"].append((newid, want, got))
    for k in ("title", "date", "dateline"):
        print(f"{k}: {agree[k]}/{total[k]} agree ({100 * agree[k] / max(total[k], 1):.1f}%)")
        for miss in misses[k][:10]:
            print(f"   NEWID {miss[0]}: SGML {miss[1]!r} record {miss[2]!r}")
    flags = Counter(fl for f, r in fate.values() if f == "accepted" for fl in r.get("flags", []))
    print("flags on accepted records:", dict(flags.most_common()))
    print("labels per accepted record (mean):",
          round(sum(len(r.get("labels", [])) for f, r in fate.values() if f == "accepted")
                / max(1, sum(f == "accepted" for f, _ in fate.values())), 2))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "wire-dev")
    ap.add_argument("--text", type=int, default=200, help="characters of text to print (0: all)")
    ap.add_argument("--skip-repro", action="store_true", help="only part 1")
    args = ap.parse_args()
    part1(args.data, args.text)
    if not args.skip_repro:
        part2(args.data)


if __name__ == "__main__":
    main()
