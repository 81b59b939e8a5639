"""Fixtures for the corpus-rule and re-add tests: a small dated corpus whose every article has a
dateline (Reuters web layout), and batches of distinct articles of the same layout without one."""

from __future__ import annotations

import random
from pathlib import Path

import msgspec
from tests.check.test_check import web

from curate.params import Params, RunParams, ValidateParams
from curate.pipeline.run import run_steps

PARAMS = msgspec.structs.replace(Params(), run=RunParams(workers=1))

_WORDS = ("harbour grain council tram wheat budget river bridge school doctor clinic rail freight "
          "engine harvest storm market bank loan tariff shipyard ferry museum library theatre orchestra "
          "festival bakery brewery vineyard orchard forest mine quarry canal airport runway tunnel "
          "reservoir dam turbine solar battery factory union strike wage pension tax court judge jury "
          "police fire station hospital nurse patient vaccine trial study survey census election vote "
          "mayor minister senator party coalition treaty border customs export import cargo container").split()


def plain_text(i: int) -> str:
    """A plain-text article (title, blank line, body) with no dateline, distinct for every i."""
    rng = random.Random(i)
    sentences = [" ".join(rng.choice(_WORDS) for _ in range(12)).capitalize() + "." for _ in range(4)]
    return f"Local report number {i}\n\nofficials said on Monday that " + " ".join(sentences) + "\n"


def write_corpus(raw: Path) -> None:
    """Three dated web articles, each with a dateline."""
    (raw / "2013").mkdir(parents=True, exist_ok=True)
    (raw / "2013/port").write_text(web("port", "USTEST0001"))
    (raw / "2013/wheat").write_text(web("wheat", "USTEST0002", city="BRANDPORT"))
    (raw / "2013/council").write_text(web("council", "USTEST0003", city="OSTRAVA NOVA",
                                          stamp="Wed Mar 6, 2013 9:00am EST", date="2013/03/06"))


def write_plain_batch(folder: Path, n: int = 30, start: int = 0) -> list[Path]:
    """n distinct plain texts (path-rule ids) in a day folder (they take their date from it)."""
    day = folder / "20130307"
    day.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        p = day / f"report-{i:03d}.txt"
        p.write_text(plain_text(i))
        paths.append(p)
    return paths


def write_no_dateline_batch(folder: Path, n: int = 30, start: int = 0) -> list[Path]:
    """n distinct Reuters web articles whose body has no dateline (a format that carries one, so
    they count in the dateline null rate), dated by their header."""
    from tests.builders import reuters_web

    day = folder / "20130307"
    day.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        body = plain_text(i).split("\n\n", 1)[1].strip()
        p = day / f"report-{i:03d}"
        p.write_text(reuters_web(f"Local report number {i}", body, "Officials gave no further detail.",
                                 story=f"USNODL{i:04d}", slug=f"report-{i}", date="2013/03/07",
                                 stamp="Thu Mar 7, 2013 9:00am EST", city=""))
        paths.append(p)
    return paths


def build(root: Path, params: Params = PARAMS) -> None:
    run_steps(root, params)


def with_validate(**kw) -> Params:
    return msgspec.structs.replace(PARAMS, validate=msgspec.structs.replace(ValidateParams(), **kw))


def snapshot(root: Path, *folders: str) -> dict[str, bytes]:
    """Every file under the folders (relative path -> bytes)."""
    out = {}
    for sub in folders:
        base = root / sub
        for p in sorted(base.rglob("*")) if base.is_dir() else ([base] if base.exists() else []):
            if p.is_file():
                out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out
