"""Synthetic news articles as JSONL batch files, for scale runs without any copyrighted text.

    python benchmarks/synth_articles.py --articles 10000 --out /tmp/synth-10k [--seed 7] [--batch 1000]

Each line is one article in the field names of the default `ingest.jsonl` mapping (id, title, date,
url, authors, dateline, text), shaped like wire copy: a headline of 6-12 words, an ISO timestamp
with a UTC offset between 2015 and 2024, zero to three bylines, a dateline city, and 3-14
paragraphs (40-900 words in all) whose first starts with the dateline, some ending in a
"(Reporting by ...; Editing by ...)" sign-off. Words are drawn (Zipf-like) from a few hundred
common English words plus generated names and figures, so language detection says English and
word 5-grams almost never repeat across articles: no two articles are near duplicates (a pair
sharing a third of their 5-grams is already out of reach). Everything is a pure function of
(seed, article number): `article(seed, i)` is the same whatever the batch size or the count, so
`--articles 10100` is `--articles 10000` plus 100 more.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

_COMMON = """the of to and a in is it that for on was with he as at by be this from or had not are
but have an they which one you were her all she there would their we him been has when who will
more no if out so said what up its about into than them can only other new some could time these
two may then do first any my now such like our over man me even most made after also did many
before must through back years where much your way well down should because each just those
people how too little state good very make world still own see men work long get here between
both life being under never day same another know while last might us great old year off come
since against go came right used take three states himself few house use during without again
place around however home small found thought went say part once general high upon school every
does got united left number course war until always away something fact though water less public
put think almost hand enough far took head yet government system better set told nothing night
end why called didn't eyes find going look asked later knew point next city business give group
toward young let room president side social given present several order national possible rather
second face per among form important often things looking early white case john become large big
need four within felt along children saw best church ever least power development light thing
seemed family interest want members others mind country area done turned although open god service
problem certain kind different thus began door help means sense whole matter perhaps itself york
times law human line above name example action company hands local show whether five history gave
today either act feet across taken past quite anyone having seen death experience body market
economy shares bank prices percent minister officials election talks trade oil growth rate
investors quarter profit sales deal court police report agency spokesman statement analysts
budget tax foreign military security forces parliament party leader prime central policy""".split()
_CITIES = ["LONDON", "NEW YORK", "WASHINGTON", "TOKYO", "BERLIN", "PARIS", "BEIJING", "MOSCOW",
           "SYDNEY", "NAIROBI", "SAO PAULO", "MUMBAI", "FRANKFURT", "SINGAPORE", "TORONTO", "DUBAI"]
_SYLLABLES = ["ka", "ro", "mi", "tan", "el", "vor", "sa", "lin", "du", "mar", "ten", "bo", "ri", "sha",
              "quin", "al", "fe", "gor", "nu", "pel", "ost", "ya", "zer", "hal"]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _person(rng: random.Random) -> str:
    return f"{_name(rng)} {_name(rng)}"


def _word(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.06:
        return _name(rng)
    if r < 0.09:
        return f"{rng.randint(1, 999)}.{rng.randint(0, 9)}" if rng.random() < 0.5 else str(rng.randint(2, 9999))
    return _COMMON[min(int(rng.paretovariate(0.9)) - 1, len(_COMMON) - 1) if rng.random() < 0.5
                   else rng.randrange(len(_COMMON))]


def _sentence(rng: random.Random) -> str:
    words = [_word(rng) for _ in range(rng.randint(8, 26))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.3:
        words.insert(rng.randint(1, len(words) - 1), f"{_person(rng)},")
    return " ".join(words) + rng.choice([".", ".", ".", "?", ", officials said."])


def article(seed: int, i: int) -> dict:
    """Article number `i` of the corpus of `seed` (a pure function of both)."""
    rng = random.Random(f"{seed}:{i}")
    city = rng.choice(_CITIES)
    target = rng.choice([rng.randint(40, 200), rng.randint(200, 500), rng.randint(300, 900)])
    paras: list[str] = []
    words = 0
    while words < target or len(paras) < 3:
        para = " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
        words += para.count(" ") + 1
        paras.append(para)
        if len(paras) >= 14:
            break
    paras[0] = f"{city} (Wire) - {paras[0]}"
    authors = [_person(rng) for _ in range(rng.choice([0, 1, 1, 1, 2, 3]))]
    if authors and rng.random() < 0.5:
        paras.append(f"(Reporting by {' and '.join(authors)}; Editing by {_person(rng)})")
    day = rng.randrange(0, 3650)
    year, rest = 2015 + day // 365, day % 365
    month, mday = 1 + rest // 31 % 12, 1 + rest % 28
    offset = rng.choice(["+00:00", "-05:00", "+01:00", "+09:00", "Z"])
    date = f"{year:04d}-{month:02d}-{mday:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00{offset}"
    title = " ".join(_word(rng) for _ in range(rng.randint(6, 12))).capitalize()
    return {"id": f"s{seed}-{i:08d}", "title": title, "date": date,
            "url": f"https://news.example.com/{year}/{month:02d}/s{seed}-{i:08d}",
            "authors": authors, "dateline": city.title(), "text": "\n\n".join(paras)}


def write_batches(out: Path, seed: int, start: int, stop: int, batch: int, prefix: str = "batch") -> list[Path]:
    """Articles [start, stop) in files of `batch` lines: `<prefix>-<first article>.jsonl`."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for first in range(start, stop, batch):
        path = out / f"{prefix}-{first:08d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for i in range(first, min(first + batch, stop)):
                fh.write(json.dumps(article(seed, i), ensure_ascii=False) + "\n")
        files.append(path)
    return files


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch", type=int, default=1000, help="articles per JSONL file")
    args = ap.parse_args(argv)
    files = write_batches(args.out, args.seed, 0, args.articles, args.batch)
    print(f"{args.articles} articles in {len(files)} files under {args.out}")


if __name__ == "__main__":
    main()
