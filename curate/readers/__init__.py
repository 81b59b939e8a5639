"""Readers: one raw file in, records (or rejected records with a reason) out. Never raises.

Interface (the pipeline calls only these):
    iter_raw_files(raw_root) -> sorted relative POSIX paths of the files under raw_root
    read_file(path, raw_root, params: IngestParams) -> list[Record | Rejected]

Every file read gives at least one output: records for what was read, rejected records (stage
"ingest", a `Reason` and a human `detail`) for the rest. A raw file gives exactly one output,
except multi-item files: JSONL (one output per non-blank line; a JSONL file holding only blank
lines gives one EMPTY rejection), NITF files of several `<nitf>` documents, NewsML-G2 messages
(one per item), ninjs arrays (one per item) and Reuters-21578 SGML (one per `<REUTERS>` story).

Steps for one file (each in its own module):
1. files.py   - resolve the path inside raw_root; escaping it (symlink, '..') -> UNREADABLE.
2. decode.py  - stat (size > max_bytes -> TOO_LARGE, not a file -> UNREADABLE), read once,
                EMPTY / BINARY checks, UTF-8 -> cp1252 -> latin-1 decoding with flags.
3. sniff      - the reader is chosen by CONTENT, never by file name, first match wins:
                  ninjs          the whole text is ONE JSON object (or array of objects)
                                 with ninjs keys (before jsonl, which takes any `{` text)
                  jsonl          first non-blank line starts with `{`
                  nitf           the XML document element (or DOCTYPE name) is `nitf`
                  newsml_g2      ... is `newsItem` or `newsMessage`
                  reuters21578   the text starts with `<!DOCTYPE lewis` or `<REUTERS`
                  seed_dateline  text starts with optional spaces + `date YYYY-MM-DD`
                  reuters_web    first line starts with `-- ` and a second `--` line follows
                  plaintext      a title line (<= 300 chars), then a blank line
                anything else (e.g. one block of prose with no title line) -> UNKNOWN_LAYOUT:
                guessing a title from prose would plant wrong metadata, so it is rejected
                with the first characters in `detail` for a human to look at.
4. the reader - fields as documented in each reader module; ids as documented in ids.py.
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

from . import (ids, jsonl, newsml_g2, ninjs, nitf, plaintext, reuters21578, reuters_web,
               seed_dateline)
from .base import RawInput, new_record, rejected
from .decode import Failure, load
from .files import Resolver, iter_raw_files
from .safety import internal_error

READERS = (ninjs, jsonl, nitf, newsml_g2, reuters21578, seed_dateline, reuters_web,
           plaintext)  # sniff order
UNKNOWN = "unknown"

__all__ = ["iter_raw_files", "read_file", "sniff", "READERS"]


def sniff(text: str):
    """The reader module for this text, or None."""
    for reader in READERS:
        if reader.sniff(text):
            return reader
    return None


@lru_cache(maxsize=8)
def _resolver(root: str) -> Resolver:
    return Resolver(Path(root))


def _early_reject(path: str, reason: Reason, detail: str, data: bytes | None,
                  stage_name: str = "decode") -> Rejected:
    sha = hashlib.sha256(data).hexdigest() if data is not None else ""
    rec = new_record(ids.path_id(path), path, UNKNOWN, 1, sha)
    rec.provenance.reader = f"{stage_name}/1"
    return rejected(rec, reason, detail)


def _read(path: str, raw_root: Path, params: IngestParams) -> list[Record | Rejected]:
    full, problem = _resolver(str(raw_root)).resolve(path)
    if full is None:
        return [_early_reject(path, Reason.UNREADABLE, problem, None)]
    loaded = load(full, params.max_bytes)
    if isinstance(loaded, Failure):
        return [_early_reject(path, loaded.reason, loaded.detail, loaded.data)]
    reader = sniff(loaded.text)
    if reader is None:
        head = " ".join(loaded.text[:60].split())
        return [_early_reject(path, Reason.UNKNOWN_LAYOUT,
                              f"no reader recognised the content (starts {head!r})",
                              loaded.data, "sniff")]
    src = RawInput(path=path, data=loaded.data, text=loaded.text, flags=loaded.flags)
    try:
        out = reader.read(src, params)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not kill the stage
        return [internal_error(exc, path, reader.NAME, reader.VERSION, src.sha256)]
    if not out:  # e.g. a JSONL file of blank lines
        return [_early_reject(path, Reason.EMPTY, "no non-blank lines", loaded.data)]
    return out


def read_file(path: str, raw_root: Path, params: IngestParams) -> list[Record | Rejected]:
    """Read one raw file (path relative to raw_root). Never raises."""
    try:
        return _read(path, raw_root, params)
    except Exception as exc:  # noqa: BLE001
        return [internal_error(exc, path, UNKNOWN, 1)]
