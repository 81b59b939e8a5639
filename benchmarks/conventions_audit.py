"""Audit of the publisher conventions (datelines, agency tags, credits, wire codes) on a raw corpus.

Runs the readers and the cleaning step of a checkout in-process (no NER, no DVC: what these
figures measure is decided there) and prints counts that expose the known failure modes:

    PYTHONPATH=. python benchmarks/conventions_audit.py ../shared/data/reuters-sample --dump after.jsonl
    PYTHONPATH=/tmp/base python benchmarks/conventions_audit.py ../shared/data/reuters-sample --dump before.jsonl
    python benchmarks/conventions_audit.py --compare before.jsonl after.jsonl

`--dump` writes the cleaned records (one JSON line each, sorted by id); `--compare` counts the
records that differ between two dumps, per field, and prints a few examples of each.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

# a one-word all-caps dateline whose text still opens with a place word: `NEW` + `DELHI, ...`
_PLACE_WORD_OPEN = re.compile(
    r"^[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+)*(?:,\s*[A-Z][a-z]+)?,?\s*"
    r"(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d|\()"
)
_ONE_WORD_CAPS = re.compile(r"^[A-Z][A-Za-z'’.\-]*$")
_CAPS_NAME = re.compile(r"^[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+)*$|^(?:[A-Z]\.)+[A-Z]?\.?$")
_WIRE_CODES = re.compile(
    r"<\s*ID[A-Za-z]?:[^>]{0,40}>|<\s*reut\.rs/[^>]{0,30}>|\[\s*ID:[^\]]{0,30}\]"
    r"|(?<![\w/])n[A-Z]{1,3}\d?[A-Z0-9]{5,10}(?=\s*$)|<\s*[A-Z0-9.#^=&_\-]{0,12}/[A-Z0-9./]{0,12}\s*>"
)
_DESK = re.compile(r"\b(?:bureau|bureaux|bureaus|newsroom|desk|team|staff)\b", re.IGNORECASE)
_TAG_LEFT = re.compile(r"\((?:Reuters|AP|AFP|UPI|dpa|Bloomberg|IFR|BBC)\)\s*[-–—]")


def cleaned_records(corpus: Path):
    from curate.clean.stage import clean_one
    from curate.params import Params, load_params
    from curate.readers import iter_raw_files, read_file

    params = Params()
    if Path("params.yaml").exists():
        params = load_params("params.yaml")
    for rel in iter_raw_files(corpus):
        for rec in read_file(rel, corpus, params.ingest):
            if hasattr(rec, "reason"):
                yield rec, rec.reason
                continue
            out = clean_one(rec, params)
            yield out, getattr(out, "reason", None)


def audit(corpus: Path, dump: Path | None) -> dict:
    import msgspec

    c: Counter = Counter({k: 0 for k in (
        "dateline_null", "dateline_cut_one_word_text_opens_with_place", "credits_with_all_caps_place",
        "credits_with_in_or_at_suffix", "credits_naming_an_agency", "credits_naming_a_desk_or_bureau",
        "credits_with_a_one_word_name", "wire_codes_left_in_text", "agency_tag_left_in_lead", "date_null")})
    rows = []
    for rec, reason in cleaned_records(corpus):
        c["inputs"] += 1
        if reason is not None:
            c[f"rejected:{reason}"] += 1
            continue
        c["accepted"] += 1
        dl = rec.dateline
        if dl is None:
            c["dateline_null"] += 1
        elif _ONE_WORD_CAPS.match(dl) and _PLACE_WORD_OPEN.match(rec.text):
            c["dateline_cut_one_word_text_opens_with_place"] += 1
        if dl is not None and " " in dl:
            c["dateline_multi_word"] += 1
        names = [n for ns in rec.credits.values() for n in ns]
        if any(_CAPS_NAME.match(n) for n in names):
            c["credits_with_all_caps_place"] += 1
        if any(re.search(r"\s(?:in|at)\s", n) for n in names):
            c["credits_with_in_or_at_suffix"] += 1
        if any(n.lower().startswith(("reuters", "thomson")) for n in names):
            c["credits_naming_an_agency"] += 1
        if any(_DESK.search(n) for n in names):
            c["credits_naming_a_desk_or_bureau"] += 1
        if any(len(n.split()) == 1 for n in names):
            c["credits_with_a_one_word_name"] += 1
        if rec.credits:
            c["credits_present"] += 1
        if rec.authors:
            c["authors_present"] += 1
        if getattr(rec, "agency", None):
            c[f"agency:{rec.agency}"] += 1
        if _WIRE_CODES.search(rec.text):
            c["wire_codes_left_in_text"] += 1
        if _TAG_LEFT.search(rec.text[:400]):
            c["agency_tag_left_in_lead"] += 1
        if rec.date is None:
            c["date_null"] += 1
        for f in rec.flags:
            if f in ("truncated", "editorial_note", "no_signoff", "no_date", "markup_left"):
                c[f"flag:{f}"] += 1
        if dump:
            rows.append(msgspec.to_builtins(rec))
    if dump:
        rows.sort(key=lambda r: r["id"])
        with open(dump, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n")
    return dict(sorted(c.items()))


def compare(before: Path, after: Path, examples: int = 3) -> None:
    def load(p: Path) -> dict:
        with open(p, encoding="utf-8") as fh:
            return {(r["source"]["path"], r["source"].get("line")): r for r in map(json.loads, fh)}

    a, b = load(before), load(after)
    changed: Counter = Counter()
    shown: dict[str, list] = {}
    n_changed = 0
    for rid in sorted(set(a) | set(b)):
        ra, rb = a.get(rid), b.get(rid)
        if ra is None or rb is None:
            changed["(only in one)"] += 1
            n_changed += 1
            continue
        fields = [k for k in sorted(set(ra) | set(rb)) if k not in ("provenance", "content_hash")
                  and ra.get(k) != rb.get(k)]
        if fields:
            n_changed += 1
        for k in fields:
            changed[k] += 1
            if len(shown.setdefault(k, [])) < examples:
                va, vb = ra.get(k), rb.get(k)
                if k == "text":
                    va, vb = va[:120], vb[:120]
                shown[k].append((rid, va, vb))
    print(f"records: before {len(a)}, after {len(b)}; changed {n_changed}")
    for k, n in changed.most_common():
        print(f"  {k}: {n}")
        for rid, va, vb in shown.get(k, []):
            print(f"      {rid}: {va!r} -> {vb!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", type=Path)
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--compare", nargs=2, type=Path)
    args = ap.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    if not args.corpus:
        sys.exit("give a corpus folder or --compare A B")
    for k, v in audit(args.corpus, args.dump).items():
        print(f"{k:48s} {v}")


if __name__ == "__main__":
    main()
