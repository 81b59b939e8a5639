"""Reader `jsonl`: one JSON object per line, fields mapped by `params.jsonl` (JsonlMapping).

Mapping values are keys or dotted paths (`meta.title` -> obj["meta"]["title"]; a literal key
holding the dot wins if present); a mapping set to null is not read.
Per line (1-based physical line numbers; blank lines ignored; Source.sha256 = sha256 of the
line's bytes without its line terminator; Source.line = the line number):
* not JSON, not an object, text missing or not a string -> MALFORMED_JSONL, detail "line N: ...";
* text empty/whitespace -> EMPTY;
* date: `YYYY-MM-DD`, or an ISO 8601 timestamp (with offset -> also published_at; naive -> date
  only, flag ``naive_timestamp``); unreadable -> flag ``bad_date``;
* authors: a list of strings or one byline string (split like Reuters bylines);
* title/url/dateline: strings; a value of the wrong type is dropped with flag ``jsonl_bad_<field>``.
Good lines yield records whatever happens on other lines. Each line is decoded on its own
(UTF-8, else cp1252 with flag ``decoded_cp1252``).
Id: `jsonl-<sanitised id>` (string or integer ids), else the path rule with the line number.

Sniff: the first non-blank line starts with `{`.
"""

from __future__ import annotations

import hashlib

import orjson

from . import dates, ids
from .base import RawInput, Reason, new_record, rejected
from .decode import decode_text
from .reuters_web import parse_byline

NAME = "jsonl"
VERSION = 1
_MISSING = object()


def sniff(text: str) -> bool:
    return text.lstrip().startswith("{")


def lookup(obj: dict, path: str | None):
    if not path:
        return _MISSING
    if path in obj:
        return obj[path]
    cur = obj
    for key in path.split("."):
        if not isinstance(cur, dict) or key not in cur:
            return _MISSING
        cur = cur[key]
    return cur


def _string(obj: dict, path: str | None, field: str, flags: list[str]) -> str | None:
    value = lookup(obj, path)
    if value is _MISSING or value is None:
        return None
    if isinstance(value, str):
        return value
    flags.append(f"jsonl_bad_{field}")
    return None


def _authors(value, flags: list[str]) -> list[str]:
    if value is _MISSING or value is None:
        return []
    if isinstance(value, str):
        return parse_byline(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [" ".join(v.split()) for v in value if v.strip()]
    flags.append("jsonl_bad_authors")
    return []


def _source_id(obj: dict, path: str | None) -> str | None:
    value = lookup(obj, path)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def read_line(src: RawInput, lineno: int, raw: bytes, mapping, base_flags: list[str]):
    sha = hashlib.sha256(raw).hexdigest()
    flags = list(base_flags)
    text_line = decode_text(raw, flags)
    fallback_id = ids.path_id(src.path, lineno)

    def bare(**fields):
        return new_record(fallback_id, src.path, NAME, VERSION, sha, line=lineno, flags=flags,
                          **fields)

    try:
        obj = orjson.loads(text_line)
    except orjson.JSONDecodeError as exc:
        return rejected(bare(), Reason.MALFORMED_JSONL, f"line {lineno}: not JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return rejected(bare(), Reason.MALFORMED_JSONL,
                        f"line {lineno}: not a JSON object ({type(obj).__name__})")
    sid = _source_id(obj, mapping.id)
    rid = ids.safe_id("jsonl-", sid) if sid else fallback_id
    title = _string(obj, mapping.title, "title", flags)
    url = _string(obj, mapping.url, "url", flags)
    dateline = _string(obj, mapping.dateline, "dateline", flags)
    authors = _authors(lookup(obj, mapping.authors), flags)
    day = published = None
    raw_date = lookup(obj, mapping.date)
    if isinstance(raw_date, str) and raw_date.strip():
        day, published, problem = dates.parse_iso(raw_date)
        if problem:
            flags.append(problem)
    elif raw_date is not _MISSING and raw_date is not None:
        flags.append("bad_date")
    text = lookup(obj, mapping.text)
    rec = new_record(rid, src.path, NAME, VERSION, sha, line=lineno, flags=flags, url=url,
                     title=title, date=day, published_at=published, dateline=dateline,
                     authors=authors, text=text if isinstance(text, str) else "")
    if text is _MISSING:
        return rejected(rec, Reason.MALFORMED_JSONL,
                        f"line {lineno}: text field {mapping.text!r} missing")
    if not isinstance(text, str):
        return rejected(rec, Reason.MALFORMED_JSONL,
                        f"line {lineno}: text field {mapping.text!r} is {type(text).__name__}, "
                        "not a string")
    if not text.strip():
        return rejected(rec, Reason.EMPTY, f"line {lineno}: text is empty")
    return rec


def read(src: RawInput, params) -> list:
    from .safety import guarded  # one bad line never costs the others

    mapping = params.jsonl
    base_flags = [f for f in src.flags if f in ("decoded_utf16",)]
    data = src.text.encode("utf-8") if base_flags else src.data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    out = []
    for lineno, raw in enumerate(data.split(b"\n"), 1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if not raw.strip():
            continue
        out.append(guarded(
            lambda: read_line(src, lineno, raw, mapping, base_flags),
            src.path, NAME, VERSION, sha=hashlib.sha256(raw).hexdigest(), line=lineno))
    return out
