"""Reader `json`: a JSON document holding articles - an array of objects (`[ {...}, {...} ]`, as
crawler exports are often saved) or one object per file spread over several lines (news-please
writes one pretty-printed `.json` per article). Fields are mapped exactly as for JSONL (jsonl.py
`map_object`), with the mapping chosen for the file's path (sources.py: presets, per-glob sources).

Inputs and sources:
* array: one input per element; `null` elements are skipped like blank JSONL lines (so `curate add`
  can blank a rejected item without renumbering the others). Source.item = the 0-based index
  ("0", "1", ...), Source.sha256 = sha256 of the element's text (as decoded, UTF-8). An element that
  is not an object -> MALFORMED_JSON. Invalid JSON at element k -> the elements before it are read
  and one MALFORMED_JSON rejection (item k) names the line and column; the rest of the file cannot
  be read. An empty array -> EMPTY.
* one object: one input, Source.sha256 = sha256 of the file; invalid JSON -> MALFORMED_JSON.
* valid JSON whose text is not where the mapping says -> MAPPING_MISMATCH (see jsonl.py), as for
  JSONL; EMPTY when the text is blank.
Ids: the mapped id (`jsonl-<id>`), else the http(s) url's id (as for JSONL), else the path rule: `doc-<sha256(path)>` for one object,
`doc-<sha256(path#[k])>` for element k (ids.item_id). Decoding flags of the file go on every item.

Sniff (content only): the text starts with `[` followed by `{`, `]` or `null`; or with `{` when the
first non-blank line is not a JSON value by itself (a JSONL file's first line is) and that line is
a lone `{` or the whole text is one JSON object.
"""

from __future__ import annotations

import hashlib
import json
import re

import orjson

from . import ids, sources
from .base import RawInput, Reason, new_record, rejected
from .jsonl import map_object
from .safety import guarded

NAME = "json"
VERSION = 1
_WS = re.compile(r"[ \t\n\r]*")
_ARRAY = re.compile(r"\[[ \t\n\r]*(?:\{|\]|null\b)")


def _first_line(text: str) -> str:
    return text.lstrip().split("\n", 1)[0].strip()


def sniff(text: str) -> bool:
    head = text.lstrip()
    if head.startswith("["):
        return _ARRAY.match(head) is not None
    if not head.startswith("{"):
        return False
    first = _first_line(head)
    try:
        orjson.loads(first)
        return False  # a JSONL line
    except orjson.JSONDecodeError:
        pass
    if first == "{":
        return True
    try:
        return isinstance(orjson.loads(head), dict)
    except orjson.JSONDecodeError:
        return False


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"line {line}, column {pos - text.rfind(chr(10), 0, pos)}"


def split_items(text: str) -> tuple[list[tuple[int, int, object]], tuple[int, int, str] | None]:
    """The elements of a JSON array text: ([(start, end, value)], problem). `problem` is None,
    or (start of the unreadable part, its position of error, message) when the text stops being
    a readable array there."""
    dec = json.JSONDecoder(parse_constant=_no_constant)
    i = _WS.match(text, 0).end()
    if text[i:i + 1] != "[":
        return [], (i, i, "not a JSON array")
    i = _WS.match(text, i + 1).end()
    items: list[tuple[int, int, object]] = []
    if text[i:i + 1] == "]":
        end = i + 1
    else:
        while True:
            try:
                value, end = dec.raw_decode(text, i)
            except json.JSONDecodeError as exc:
                return items, (i, exc.pos, f"not JSON ({exc.msg})")
            except ValueError as exc:
                return items, (i, i, f"not JSON ({exc})")
            except RecursionError:
                return items, (i, i, "not JSON (nested too deeply)")
            items.append((i, end, value))
            j = _WS.match(text, end).end()
            c = text[j:j + 1]
            if c == ",":
                i = _WS.match(text, j + 1).end()
                continue
            if c == "]":
                end = j + 1
                break
            return items, (j, j, "expected ',' or ']'" if c else "no closing ']'")
    rest = _WS.match(text, end).end()
    if rest != len(text):
        return items, (rest, rest, "content after the closing ']'")
    return items, None


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _read_array(src: RawInput, mapping) -> list:
    text = src.text
    items, problem = split_items(text)
    out = []
    for k, (start, end, value) in enumerate(items):
        if value is None:
            continue
        sha = _sha(text[start:end])
        flags = list(src.flags)
        fallback = ids.item_id(src.path, k)
        where = f"item {k} ({_where(text, start)}): "
        if not isinstance(value, dict):
            rec = new_record(fallback, src.path, NAME, VERSION, sha, flags=flags, item=str(k))
            out.append(rejected(rec, Reason.MALFORMED_JSON,
                                f"{where}not a JSON object ({type(value).__name__})"))
            continue
        out.append(guarded(
            lambda v=value, h=sha, f=fallback, fl=flags, w=where, i=str(k): map_object(
                v, mapping, src.path, NAME, VERSION, h, f, fl, w, item=i),
            src.path, NAME, VERSION, sha=sha))
    if problem is not None:
        start, pos, msg = problem
        k = len(items)
        rec = new_record(ids.item_id(src.path, k), src.path, NAME, VERSION, _sha(text[start:]),
                         flags=list(src.flags), item=str(k))
        read = f"; the {k} item(s) before it were read" if k else ""
        out.append(rejected(rec, Reason.MALFORMED_JSON,
                            f"item {k} ({_where(text, pos)}): {msg}{read}, the rest cannot be"))
    elif not out:
        rec = new_record(ids.path_id(src.path), src.path, NAME, VERSION, src.sha256,
                         flags=list(src.flags))
        out.append(rejected(rec, Reason.EMPTY, "a JSON array without objects"))
    return out


def _read_object(src: RawInput, mapping) -> list:
    rid = ids.path_id(src.path)
    flags = list(src.flags)
    try:
        obj = orjson.loads(src.text)
    except orjson.JSONDecodeError as exc:
        rec = new_record(rid, src.path, NAME, VERSION, src.sha256, flags=flags)
        return [rejected(rec, Reason.MALFORMED_JSON,
                         f"not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")]
    return [map_object(obj, mapping, src.path, NAME, VERSION, src.sha256, rid, flags, "")]


def read(src: RawInput, params) -> list:
    mapping = sources.resolve(src.as_path or src.path, params)
    if src.text.lstrip().startswith("["):
        return _read_array(src, mapping)
    return _read_object(src, mapping)
