"""Synthesise a k-times larger raw corpus from a folder of Reuters articles, for scale runs.

    python benchmarks/synth_corpus.py --corpus /tmp/reuters-20k --factor 5 --out /tmp/reuters-100k

Copy 0 is the corpus as it is. Copy j (1..k-1) lives under `copy-<j>/`, with
- a new story id: `k<j>` inserted before the 8-digit date of the `-id<code><date>` URL tail (in the
  file name and in the URL line), so the reader gives `reuters-<code>k<j>`; re-crawls of one story
  still share an id inside a copy, as in the original;
- a perturbed body: past the first 12 words of each body line, every fifth word (offset by j) is
  reversed in place, so texts, hashes and MinHash signatures differ and copies are neither exact nor
  near duplicates, while the header, dateline, lengths and the layout stay real.
Everything is a pure function of the input bytes: the same command gives the same corpus.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

_URL_ID = re.compile(r"(-id[A-Za-z]{2,}[A-Za-z0-9]*?)(\d{8})(?=$|[/?#&.\s])")
_WORD = re.compile(r"\S+")


def new_id(s: str, j: int) -> str:
    return _URL_ID.sub(lambda m: f"{m.group(1)}k{j}{m.group(2)}", s)


def perturb_line(line: str, j: int) -> str:
    n = iter(range(10**9))

    def swap(m: re.Match) -> str:
        i = next(n)
        return m.group(0)[::-1] if i >= 12 and (i + j) % 5 == 0 else m.group(0)

    return _WORD.sub(swap, line)


def perturb(raw: str, j: int) -> str:
    out = []
    for line in raw.split("\n"):
        if line.startswith("-- "):
            out.append(new_id(line, j))  # header: title, date, URL (only the URL changes)
        else:
            out.append(perturb_line(line, j))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--factor", type=int, default=5)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())
    if args.out.exists():
        shutil.rmtree(args.out)
    for p in files:
        rel = p.relative_to(args.corpus)
        (args.out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, args.out / rel)
    for j in range(1, args.factor):
        for p in files:
            rel = p.relative_to(args.corpus)
            target = args.out / f"copy-{j}" / rel.parent / new_id(rel.name, j)
            target.parent.mkdir(parents=True, exist_ok=True)
            raw = p.read_bytes().decode("utf-8", errors="surrogateescape")
            target.write_bytes(perturb(raw, j).encode("utf-8", errors="surrogateescape"))
    print(f"{len(files)} files x {args.factor} -> {args.out}")


if __name__ == "__main__":
    main()
