"""Readers: one raw file in, records (or rejected records with a reason) out. Never raises.

Interface (the pipeline calls only these):
    iter_raw_files(raw_root) -> sorted relative POSIX paths of the files under raw_root
    read_file(path, raw_root, params: IngestParams) -> list[Record | Rejected | Skipped]
A `Skipped` (base.py) is a part of a multi-item file that is no article and no input (a WARC
request or revisit record, a non-HTML response): callers count them by kind, never as inputs.

Every file read gives at least one output: records for what was read, rejected records (stage
"ingest", a `Reason` and a human `detail`) for the rest. A raw file gives exactly one output,
except multi-item files: JSONL (one output per non-blank line; a JSONL file holding only blank
lines gives one EMPTY rejection), NITF files of several `<nitf>` documents, NewsML-G2 messages
(one per item), ninjs arrays (one per item) and Reuters-21578 SGML (one per `<REUTERS>` story).

Steps for one file (each in its own module):
1. files.py   - resolve the path inside raw_root; escaping it (symlink, '..') -> UNREADABLE.
2. decode.py  - stat (size > max_bytes -> TOO_LARGE, not a file -> UNREADABLE), read once,
                EMPTY / BINARY checks, UTF-8 -> cp1252 -> latin-1 decoding with flags.
   WARC archives (`WARC/1.` at the start, gzipped or not) are sniffed on the bytes before
   step 2 and streamed by warc.py (max_bytes bounds each record, not the archive); gzip
   content (a saved `.html.gz`) is decompressed by decode.py before the text sniff.
3. sniff      - the reader is chosen by CONTENT, never by file name, first match wins:
                  ninjs          the whole text is ONE JSON object (or array of objects)
                                 with ninjs keys (before json and jsonl, which take any `{` text)
                  json           `[` then `{`/`]`/`null`; or one JSON object over several lines
                  jsonl          first non-blank line starts with `{`
                  nitf           the XML document element (or DOCTYPE name) is `nitf`
                  newsml_g2      ... is `newsItem` or `newsMessage`
                  reuters21578   the text starts with `<!DOCTYPE lewis` or `<REUTERS`
                  seed_dateline  text starts with optional spaces + `date YYYY-MM-DD`
                  reuters_web    first line starts with `-- ` and a second `--` line follows
                  plaintext      a title line (<= 300 chars), then a blank line
                  html           `<!DOCTYPE html` / `<html` (or `<head`/`<body` early on)
                anything else (e.g. one block of prose with no title line) -> UNKNOWN_LAYOUT:
                guessing a title from prose would plant wrong metadata, so it is rejected
                with the first characters in `detail` for a human to look at.
4. the reader - fields as documented in each reader module; ids as documented in ids.py.
                JSONL and JSON files are read with the field mapping chosen for their path
                (sources.py: `ingest.sources` globs and presets, else `ingest.jsonl`).
An exception anywhere becomes INTERNAL_ERROR with the exception text (safety.py).

Rejections that happen before a reader ran carry `source.format = "unknown"`, the path-rule id,
and `provenance.reader = "decode/1"` (or "sniff/1" for UNKNOWN_LAYOUT).
Records leave the readers with `content_hash` empty: it is the hash of the final text and is set
by the stage that finalises text.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from curate.params import IngestParams
from curate.record import Reason, Record, Rejected

from . import (html, ids, json_doc, jsonl, newsml_g2, ninjs, nitf, plaintext, reuters21578, reuters_web,
               sources,
               seed_dateline, warc)
from .base import RawInput, Skipped, new_record, rejected
from .decode import Failure, load
from .files import Resolver, iter_raw_files, skipped_name
from .safety import internal_error

READERS = (ninjs, json_doc, jsonl, nitf, newsml_g2, reuters21578, seed_dateline, reuters_web, html,
           plaintext)  # sniff order
UNKNOWN = "unknown"

__all__ = ["iter_raw_files", "read_file", "sniff", "READERS", "Skipped", "early_reject", "skipped_name"]


def sniff(text: str):
    """The reader module for this text, or None."""
    for reader in READERS:
        if reader.sniff(text):
            return reader
    return None


@lru_cache(maxsize=8)
def resolver(root: str) -> Resolver:
    """The path resolver of a raw root (cached: the stage asks it once per file)."""
    return Resolver(Path(root))


def early_reject(path: str, reason: Reason, detail: str, data: bytes | None = None,
                 stage_name: str = "decode") -> Rejected:
    """A rejection before any reader ran (the path-rule id, format `unknown`): the pipeline's
    and `curate check`'s one rule."""
    sha = hashlib.sha256(data).hexdigest() if data is not None else ""
    rec = new_record(ids.path_id(path), path, UNKNOWN, 1, sha)
    rec.provenance.reader = f"{stage_name}/1"
    return rejected(rec, reason, detail)


def _read(path: str, raw_root: Path, params: IngestParams,
          as_path: str | None = None) -> list[Record | Rejected]:
    full, problem = resolver(str(raw_root)).resolve(path)
    if full is None:
        return [early_reject(path, Reason.UNREADABLE, problem, None)]
    if warc.sniff_file(full):  # streamed record by record: max_bytes bounds each payload
        return warc.read_path(full, path, params)
    loaded = load(full, params.max_bytes)
    if isinstance(loaded, Failure):
        return [early_reject(path, loaded.reason, loaded.detail, loaded.data)]
    reader = sniff(loaded.text)
    if reader is None:
        head = " ".join(loaded.text[:60].split())
        return [early_reject(path, Reason.UNKNOWN_LAYOUT,
                              f"no reader recognised the content (starts {head!r})",
                              loaded.data, "sniff")]
    src = RawInput(path=path, data=loaded.data, text=loaded.text, flags=loaded.flags,
                   as_path=as_path, content=loaded.content,
                   tz=sources.zone_of(as_path or path, params))
    try:
        out = reader.read(src, params)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not kill the stage
        return [internal_error(exc, path, reader.NAME, reader.VERSION, src.sha256)]
    if not out:  # e.g. a JSONL file of blank lines
        return [early_reject(path, Reason.EMPTY, "no non-blank lines", loaded.data)]
    return _mark_damaged(out)


# rejections that say the file itself is cut or broken (not just one item empty)
_DAMAGE = frozenset((Reason.MALFORMED_MARKUP.value, Reason.TRUNCATED.value))


def _mark_damaged(out: list) -> list:
    """Items read from a file that is cut or broken elsewhere get the flag ``damaged_source``
    (dedup keeps an intact copy before them at a tie)."""
    if not any(isinstance(r, Rejected) and r.reason in _DAMAGE for r in out):
        return out
    for r in out:
        if isinstance(r, Record) and "damaged_source" not in r.flags:
            r.flags.append("damaged_source")
    return out


def read_file(path: str, raw_root: Path, params: IngestParams,
              as_path: str | None = None) -> list[Record | Rejected]:
    """Read one raw file (path relative to raw_root). Never raises. `as_path`: the path under the
    raw folder the pipeline will see the file at (`curate check`/`add`), which chooses its
    per-source mapping; default `path`."""
    try:
        return _read(path, raw_root, params, as_path)
    except Exception as exc:  # noqa: BLE001
        return [internal_error(exc, path, UNKNOWN, 1)]
