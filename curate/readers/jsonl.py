"""Reader `jsonl`: one JSON object per line, fields mapped by the mapping chosen for the file's
path (sources.py: the first `ingest.sources` entry whose glob matches, with its preset -
`news-please`, `fundus` - and overrides, else the default `ingest.jsonl`).

Mapping values are keys or dotted paths (`meta.title` -> obj["meta"]["title"]; a literal key
holding the dot wins if present); a mapping set to null is not read.
Per line (1-based physical line numbers, `split_lines`; blank lines ignored; Source.sha256 =
sha256 of the line's bytes without its line terminator, `line_bytes`; Source.line = the number):
* not JSON, or not an object -> MALFORMED_JSONL, detail "line N: ...";
* valid JSON but the text field missing or of another shape -> MAPPING_MISMATCH; the detail names
  the field, the object's keys and the params.yaml key to change (`ingest.jsonl.text` or
  `ingest.sources[K].text`);
* text: a string, a list of paragraphs, or a fundus body (`{summary, sections: [{headline,
  paragraphs}]}`: sub-headlines and paragraphs in order); paragraphs joined by a blank line;
  empty/whitespace -> EMPTY;
* date: `YYYY-MM-DD`, or an ISO 8601 timestamp (`T` or a space between date and time): with an
  offset -> also published_at; naive -> the date, and published_at with the offset of the
  mapping's `timezone` when one is set, else flag ``naive_timestamp``; unreadable -> ``bad_date``;
* modified_at: a timestamp as for date (naive without a timezone -> null, flag
  ``naive_modified_at``; unreadable -> ``bad_modified_at``);
* authors: a list of strings or one byline string (split like Reuters bylines);
* title/url/dateline/publisher: strings; description: a string or a list of paragraphs;
* labels: {scheme: key}: each string (or list of strings) becomes Label(scheme, value);
  language: the source's *declared* language, kept as Label(scheme="language") - the record's
  `language` is the one extract detects (declared languages are often wrong);
  a value of the wrong type is dropped with flag ``jsonl_bad_<field>``.
Good lines yield records whatever happens on other lines. Each line is decoded on its own
(UTF-8, else cp1252 with flag ``decoded_cp1252``, else latin-1 with ``decoded_latin1``).
Id: `jsonl-<sanitised id>` (string or integer ids), else the web pages' rule on an http(s) `url`
(`reuters-<story code>` for a Reuters URL, else `web-<hash of the URL's key>`: re-ordering an
export keeps its ids), else the path rule with the line number.
`map_object` (one object -> record) is shared with the JSON document reader (json_doc.py).

Sniff: the first non-blank line starts with `{` (json_doc is tried first: a multi-line object).
"""

from __future__ import annotations

import hashlib

import orjson

from curate.record import Label

from . import dates, ids, sources
from .base import RawInput, Reason, new_record, rejected
from .decode import decode_text, normalise_newlines
from .reuters_web import parse_byline
from .safety import guarded

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


def _strings(value) -> list[str] | None:
    """A list of strings (None: not one)."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _paragraphs(parts: list[str]) -> str:
    return "\n\n".join(p.strip() for p in parts if p.strip())


def body_text(value) -> str | None:
    """The text of a text field: a string; a list of paragraphs; a fundus body (`sections` of
    `headline` + `paragraphs` lists: each sub-headline and paragraph its own paragraph; the
    summary is not text). None: none of these shapes."""
    if isinstance(value, str):
        return value
    parts = _strings(value)
    if parts is not None:
        return _paragraphs(parts)
    if isinstance(value, dict) and isinstance(value.get("sections"), list):
        out: list[str] = []
        for section in value["sections"]:
            if not isinstance(section, dict):
                return None
            for key in ("headline", "paragraphs"):
                got = section.get(key, [])
                got = [got] if isinstance(got, str) else _strings(got)
                if got is None:
                    return None
                out.extend(got)
        return _paragraphs(out)
    return None


def _timestamp(value: str, tz) -> tuple[str | None, str | None, str | None]:
    """(date, ISO timestamp, problem): a naive timestamp gets `tz`'s offset when tz is given."""
    return dates.parse_iso(value, tz)


def _labels(obj: dict, mapping, flags: list[str]) -> list[Label]:
    out: list[Label] = []
    wanted = list(mapping.labels.items())
    if mapping.language:
        wanted.append(("language", mapping.language))
    for scheme, path in wanted:
        value = lookup(obj, path)
        if value is _MISSING or value is None:
            continue
        values = [value] if isinstance(value, str) else _strings(value)
        if values is None:
            flags.append(f"jsonl_bad_{'language' if path == mapping.language else 'labels'}")
            continue
        for v in values:
            label = Label(scheme=scheme, value=" ".join(v.split()))
            if label.value and label not in out:
                out.append(label)
    return out


def _keys(obj: dict) -> str:
    keys = sorted(obj)
    shown = ", ".join(keys[:12]) + (", ..." if len(keys) > 12 else "")
    return f"(the object has: {shown})" if keys else "(the object is empty)"


def mismatch_detail(where: str, mapping, problem: str, obj: dict) -> str:
    hint = (" or add an ingest.sources entry whose glob matches this file"
            if mapping.glob is None else "")
    return (f"{where}text field {mapping.text!r} {problem} {_keys(obj)}; mapping "
            f"{mapping.describe()}: set {mapping.key}.text{hint}")


def map_object(obj: dict, mapping, src_path: str, fmt: str, version: int, sha: str,
               fallback_id: str, flags: list[str], where: str, **source):
    """A record (or rejection) from one JSON object, read with `mapping` (sources.Mapping).

    `where` prefixes details ("line 3: "); `source` holds the Source fields (line, item)."""
    sid = _source_id(obj, mapping.id)
    title = _string(obj, mapping.title, "title", flags)
    url = _string(obj, mapping.url, "url", flags)
    if sid:
        rid = ids.safe_id("jsonl-", sid)
    elif url and url.lower().startswith(("http://", "https://")):
        rid = ids.web_id(url)  # the web pages' rule: a Reuters story id, else the URL's key
    else:
        rid = fallback_id
    dateline = _string(obj, mapping.dateline, "dateline", flags)
    authors = _authors(lookup(obj, mapping.authors), flags)
    day = published = None
    raw_date = lookup(obj, mapping.date)
    if isinstance(raw_date, str) and raw_date.strip():
        day, published, problem = _timestamp(raw_date, mapping.tz)
        if problem:
            flags.append(problem)
    elif raw_date is not _MISSING and raw_date is not None:
        flags.append("bad_date")
    modified = None
    raw_mod = lookup(obj, mapping.modified_at)
    if isinstance(raw_mod, str) and raw_mod.strip():
        _, modified, problem = _timestamp(raw_mod, mapping.tz)
        if problem:
            flags.append("naive_modified_at" if problem == "naive_timestamp" else "bad_modified_at")
    elif raw_mod is not _MISSING and raw_mod is not None:
        flags.append("bad_modified_at")
    publisher = _string(obj, mapping.publisher, "publisher", flags)
    description = None
    raw_desc = lookup(obj, mapping.description)
    if raw_desc is not _MISSING and raw_desc is not None:
        description = raw_desc if isinstance(raw_desc, str) else (
            _paragraphs(_strings(raw_desc)) if _strings(raw_desc) is not None else None)
        if description is None:
            flags.append("jsonl_bad_description")
        description = description or None
    labels = _labels(obj, mapping, flags)
    raw_text = lookup(obj, mapping.text)
    text = body_text(raw_text) if raw_text is not _MISSING else None
    rec = new_record(rid, src_path, fmt, version, sha, flags=flags, url=url, title=title, date=day,
                     published_at=published, modified_at=modified, publisher=publisher,
                     dateline=dateline, authors=authors, description=description, labels=labels,
                     text=text or "", **source)
    if raw_text is _MISSING:
        return rejected(rec, Reason.MAPPING_MISMATCH, mismatch_detail(where, mapping, "missing", obj))
    if text is None:
        what = type(raw_text).__name__ if not isinstance(raw_text, dict) else "an object"
        return rejected(rec, Reason.MAPPING_MISMATCH, mismatch_detail(
            where, mapping, f"is {what}, not a string, a list of paragraphs or a fundus body", obj))
    if not text.strip():
        return rejected(rec, Reason.EMPTY, f"{where}text is empty")
    return rec


def read_line(src: RawInput, lineno: int, raw: bytes, mapping, base_flags: list[str]):
    sha = hashlib.sha256(raw).hexdigest()
    flags = list(base_flags)
    text_line = decode_text(raw, flags)
    fallback_id = ids.path_id(src.path, lineno)

    try:
        obj = orjson.loads(text_line)
    except orjson.JSONDecodeError as exc:
        rec = new_record(fallback_id, src.path, NAME, VERSION, sha, line=lineno, flags=flags)
        return rejected(rec, Reason.MALFORMED_JSONL, f"line {lineno}: not JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        rec = new_record(fallback_id, src.path, NAME, VERSION, sha, line=lineno, flags=flags)
        return rejected(rec, Reason.MALFORMED_JSONL,
                        f"line {lineno}: not a JSON object ({type(obj).__name__})")
    return map_object(obj, mapping, src.path, NAME, VERSION, sha, fallback_id, flags,
                      f"line {lineno}: ", line=lineno)


def split_lines(data: bytes) -> tuple[list[bytes], str]:
    """The file's lines as this reader numbers them (line N is item N-1; split on \\n, each line
    as in the file, \\r and a first-line BOM still there: `line_bytes` drops them) and the
    encoding ("utf-16": the lines are the UTF-8 re-encoding of the decoded text, else "bytes")."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = normalise_newlines(data.decode("utf-16").lstrip("\ufeff"))
        return [ln.encode("utf-8") for ln in text.split("\n")], "utf-16"
    return data.split(b"\n"), "bytes"


def line_bytes(raw: bytes, lineno: int) -> bytes:
    """The bytes of a line the reader reads and hashes (Source.sha256): no \\r, no BOM."""
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw


def read(src: RawInput, params) -> list:
    mapping = sources.resolve(src.as_path or src.path, params)
    lines, encoding = split_lines(src.data)
    base_flags = ["decoded_utf16"] if encoding == "utf-16" else []
    out = []
    for lineno, raw in enumerate(lines, 1):
        raw = line_bytes(raw, lineno)
        if not raw.strip():
            continue
        out.append(guarded(
            lambda: read_line(src, lineno, raw, mapping, base_flags),
            src.path, NAME, VERSION, sha=hashlib.sha256(raw).hexdigest(), line=lineno))
    return out
