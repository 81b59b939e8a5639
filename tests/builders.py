"""What many tests build: article texts, parameters, and a build of the stages in-process.

Plain functions (fixtures live in tests/conftest.py). All article text here is written for the tests.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import msgspec

from curate.params import Params
from curate.pipeline.run import run_steps
from curate.record import Reason, Record, Source, Stats, encode, reject
from curate.steps import STAGES
from tests.conftest import REPO

# ------------------------------------------------------------------------------------- articles

REUTERS_WEB = """-- {title}
-- By  {author}
-- {stamp}
-- http://www.reuters.com/article/{y}/{m}/{d}/us-{slug}-id{story}{y}{m}{d}

 
 {city}  (Reuters) - {body}
 {more} (Reporting by {author}; Editing by {editor})
"""


def reuters_web(title: str, body: str, more: str, *, story: str, slug: str = "test",
                date: str = "2012/06/08", stamp: str = "Thu Jun 7, 2012 10:59pm EDT",
                author: str = "Jane Roe", editor: str = "John Doe", city: str = "LONDON") -> str:
    """A Reuters web article file (the layout of the sample's web/ files): a four-line header
    (title, byline, time stamp, URL with the story id), then two paragraphs and a sign-off."""
    y, m, d = date.split("/")
    return REUTERS_WEB.format(title=title, author=author, stamp=stamp, y=y, m=m, d=d, slug=slug,
                              story=story, city=city, body=body, more=more, editor=editor)


def header_only(article: str) -> str:
    """The four header lines of a Reuters web article, without its body."""
    return "\n".join(article.splitlines()[:4]) + "\n"


NEWS_WORDS = ["harbour", "council", "tariff", "grain", "freight", "ministry", "shares", "rally",
              "budget", "court", "vote", "drought", "rail", "bonds", "exports", "union", "strike"]


def synthetic_article(i: int, seed: int = 0, words: int = 0) -> str:
    """A seed-dateline article dated 2013-05-(10+i), distinct for each (i, seed): eight sentences
    of news words drawn from Random(seed * 1000 + i) in two paragraphs or, with `words`, one
    paragraph of that many distinct tokens (a big file); then a sign-off."""
    lead = f" date 2013-05-{10 + i:02d} LONDON Officials said on Tuesday"
    if words:
        body = f"{lead} that item {i} was approved. " + " ".join(f"w{i}x{j}" for j in range(words)) + "."
    else:
        rng = random.Random(seed * 1000 + i)
        sentences = [" ".join(rng.choice(NEWS_WORDS) for _ in range(12)).capitalize() + "." for _ in range(8)]
        body = f"{lead} {i} {seed} " + " ".join(sentences[:4]) + "\n\n" + " ".join(sentences[4:])
    return body + "\n\n(Writing by Ann Example; Editing by Bo Sample)\n"


# ----------------------------------------------------------------------------------- parameters


def one_worker(params: Params | None = None) -> Params:
    """The default parameters (or `params`) run in-process: one worker."""
    params = params or Params()
    return msgspec.structs.replace(params, run=msgspec.structs.replace(params.run, workers=1))


def no_cache(params: Params | None = None) -> Params:
    """The default parameters (or `params`) without the stage caches."""
    params = params or Params()
    return msgspec.structs.replace(params, run=msgspec.structs.replace(params.run, cache_dir=None))


# ------------------------------------------------------------------------------------- building


def with_sample(root: Path) -> Path:
    """`root` with a copy of the bundled sample as its corpus/raw (no git, no DVC: for stages
    run in-process)."""
    shutil.copytree(REPO / "corpus/raw", root / "corpus/raw")
    return root


def build_stages(root: Path, params: Params, names=STAGES) -> dict:
    """Run the stages `names` (every interim stage, ingest to validate, by default) in-process on
    the project at `root` (raw inputs in corpus/raw); name -> StageResult. A failed corpus-wide
    rule (CorpusRuleError) is an error here."""
    return run_steps(root, params, names)



# ------------------------------------------------------------------------------------- one home

def modules_using(module: str, name: str) -> set[str]:
    """The curate modules (dotted) that import `name` from `module` or import `module` whole: where a
    rule with one home is used, so a test of that rule can check it covers every user."""
    import ast

    users = set()
    for path in sorted((REPO / "curate").rglob("*.py")):
        dotted = ".".join(path.relative_to(REPO).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == module and any(a.name == name for a in node.names):
                users.add(dotted)
            elif isinstance(node, ast.Import) and any(a.name == module for a in node.names):
                users.add(dotted)
    return users


# ------------------------------------------------------------------------------ interim outputs


def stage_bytes(root: Path, stage: str, kind: str = "records") -> bytes:
    """The bytes of one kind of a stage's part files (records, rejected, skipped), parts in
    order: what the stage's single file held before interim outputs were partitioned."""
    from curate.engine.parts import stage_files

    return b"".join(p.read_bytes() for p in stage_files(root, stage, kind))


def write_stage(root: Path, stage: str, records: bytes, rejected: bytes = b"") -> None:
    """A stage's interim folder holding one part with these bytes, and its index.json."""
    from curate.engine.parts import write_stage_folder
    from curate.layout import interim_dir

    write_stage_folder(interim_dir(root, stage), stage, [{"records": records, "rejected": rejected}])


def forget_parts(root: Path, stage: str) -> None:
    """Remove a stage's index.json, so its next run writes every part again (from its caches)
    instead of linking the previous run's parts."""
    from curate.engine.parts import INDEX
    from curate.layout import interim_dir

    (interim_dir(root, stage) / INDEX).unlink()


def write_parts(root: Path, extract: list[bytes]) -> None:
    """Interim outputs whose extract folder holds one part per item of `extract` (record lines)
    and whose ingest folder holds the same records (so the accounting holds); clean and dedup
    hold empty parts, as many."""
    from curate.engine.parts import write_stage_folder
    from curate.layout import STAGES, interim_dir

    for stage in STAGES[:-1]:
        data = extract if stage in ("ingest", "extract") else [b""] * len(extract)
        write_stage_folder(interim_dir(root, stage), stage, [{"records": b} for b in data])


# ------------------------------------------------- records of a curated version (the quality report)


def rec(rid: str, *, words: int = 100, date: str | None = "2020-01-15", title: str | None = "T",
        dateline: str | None = "PARIS", credits=None, authors=(), language: str | None = "en",
        flags=(), entities=(), path: str | None = None) -> Record:
    """An accepted record of `words` words with the fields the quality report reads."""
    return Record(id=rid, source=Source(path=path or f"raw/{rid}.txt", format="plaintext", sha256="0" * 64),
                  title=title, date=date, dateline=dateline, credits=dict(credits or {}), authors=list(authors),
                  language=language, flags=list(flags), entities=list(entities),
                  text="w " * words, stats=Stats(chars=2 * words, words=words, sentences=1, paragraphs=1))


def rejected(rid: str, reason: Reason, kept: str | None = None, **kw):
    """A rejection of `rec(rid, **kw)` for `reason` (by dedup, naming `kept`, when `kept` is given)."""
    r = reject(rec(rid, **kw), reason, f"detail of {rid}", "dedup" if kept else "ingest")
    r.duplicate_of = kept
    return r


def write_curated(root: Path, records: list[Record], rejects: list, shards: int = 3) -> None:
    """A curated version under `root`: `records` dealt round-robin into `shards` shards, the
    rejections in one file per reason."""
    arts = root / "corpus/curated/articles"
    rej = root / "corpus/curated/rejected"
    arts.mkdir(parents=True)
    rej.mkdir(parents=True)
    for i in range(shards):
        (arts / f"part-{i:05d}.jsonl").write_bytes(b"".join(encode(r) + b"\n" for r in records[i::shards]))
    by_reason: dict[str, list] = {}
    for r in rejects:
        by_reason.setdefault(r.reason, []).append(r)
    for reason, items in by_reason.items():
        (rej / f"{reason}.jsonl").write_bytes(b"".join(encode(r) + b"\n" for r in items))
