"""Reader `ninjs`: IPTC ninjs JSON news items, 1.x and 2.x (one object, or an array of them).

A ninjs file is ONE JSON value, often pretty-printed over many lines, so it is sniffed by
content before `jsonl` (which takes any text starting with `{`): the whole text must parse as a
JSON object (or an array whose first item is one, or an API response wrapping such an array
under one of WRAPPERS: `{"item": [...]}`, `{"data": [...]}`) that carries ninjs keys: `standard.name == "ninjs"`, or an
id (`uri`, or `guid` as some newsroom systems write) together with `versioncreated`,
`firstcreated` or a ninjs `type` (text, picture, video, audio, graphic, composite). A JSONL file
of several lines never parses as one JSON value, so it stays with `jsonl`.
Fields (1.x name / 2.x name):
* title = `headline` / the `headlines` entry with role main (else the first);
* authors = the names of `byline` / `by` ("Paulo Santalucia and Frances d'Emilio" -> two names;
  agency names dropped); without a byline, the `authors` list some systems add (entries with no
  role or a writer/author role). Authors come from the structure, never from the text;
* published_at = `firstcreated` (else `versioncreated`), modified_at = `versioncreated`, with
  their offsets (`+0000` -> `+00:00`); date = the day of published_at; naive -> flag;
* text = `body_html` / `body_xhtml` / an HTML entry of `bodies` (paragraphs of the HTML), else
  `body_text` / a plain entry of `bodies` (paragraphs at blank lines), joined by "\\n\\n";
* description = `description_text` / the summary (else first) entry of `descriptions`, else the
  text of `description_html`;
* dateline = `located` (a string, or an object's name), else the `place` / `places` entry whose
  rel says located;
* labels: `subject` / `subjects` and `genre` / `genres` entries -> scheme = the entry's `scheme`
  (a URI gives its last path segment: `.../newscodes/subjectcode/` -> ``subjectcode``), else the
  vocabulary of its `uri` (`http://cv.iptc.org/newscodes/mediatopic/20000523` -> ``mediatopic``),
  else ``subject`` / ``genre``; value = `code` / the uri's last segment / `literal`; the entry's
  `name` -> scheme ``<scheme>:name``;
* language = `language` (primary subtag); publisher = `copyrightholder`; agency = the canonical
  wire agency named by `source`, `infosources`, `copyrightholder` (AAP, AP, Reuters, ...).
Id: ``ninjs-<uri or guid>`` without the version, so versions of a story share it (dedup keeps the
latest by modified_at); source.item = ``<uri>:<version>`` (or the uri). Items of an array: one
input each, the path rule with the position when an item has no id.
Cancellations: `pubstatus: canceled` -> flag ``canceled``, read even without text (see newsml_g2).
Rejections: a value that is not a ninjs object in an array (or a wrapper's list) -> MALFORMED_JSONL; no text ->
HEADER_ONLY (fields kept).
"""

from __future__ import annotations

import re

import orjson
from lxml import etree, html

from curate.record import CANCELED_FLAG, Label

from . import ids, markup
from .base import LabelSet, RawInput, Reason, new_record, rejected
from .safety import guarded

NAME = "ninjs"
VERSION = 1
TYPES = frozenset(("text", "picture", "video", "audio", "graphic", "composite", "component",
                   "packaged"))
_AUTHOR_ROLES = ("author", "writer", "reporter", "correspondent")
# keys under which API responses wrap their list of items (ninjs item lists, JSON:API `data`)
WRAPPERS = ("item", "items", "data")


def _is_ninjs(obj) -> bool:
    if not isinstance(obj, dict):
        return False
    std = obj.get("standard")
    if isinstance(std, dict) and str(std.get("name", "")).lower() == "ninjs":
        return True
    has_id = isinstance(obj.get("uri"), str) or isinstance(obj.get("guid"), str)
    return has_id and ("versioncreated" in obj or "firstcreated" in obj
                       or obj.get("type") in TYPES)


def _load(text: str):
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None


def _unwrap(obj):
    """The items of a response that wraps a list of ninjs items (WRAPPERS), else obj itself."""
    if isinstance(obj, dict) and not _is_ninjs(obj):
        for key in WRAPPERS:
            value = obj.get(key)
            if isinstance(value, list) and value and _is_ninjs(value[0]):
                return value
    return obj


def sniff(text: str) -> bool:
    head = text.lstrip()[:1]
    if head not in ("{", "["):
        return False
    obj = _unwrap(_load(text))
    if isinstance(obj, list):
        return bool(obj) and _is_ninjs(obj[0])
    return _is_ninjs(obj)


def _str(value) -> str | None:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    return None


def _html_paragraphs(value: str, flags) -> list[str]:
    try:
        frag = html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return markup.paragraphs(frag, flags)


def _text_paragraphs(value: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", value) if p.strip()]


def _pick(entries, roles: tuple[str, ...]) -> dict | None:
    entries = [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    for e in entries:
        if str(e.get("role", "")).lower() in roles:
            return e
    return entries[0] if entries else None


def _body(obj: dict, flags) -> list[str]:
    for key in ("body_html", "body_xhtml"):
        if isinstance(obj.get(key), str) and (paras := _html_paragraphs(obj[key], flags)):
            return paras
    bodies = [b for b in obj.get("bodies", []) or [] if isinstance(b, dict)] \
        if isinstance(obj.get("bodies"), list) else []
    main = [b for b in bodies if str(b.get("role", "main")).lower() in ("main", "")] or bodies
    for b in main:
        if "html" in str(b.get("contenttype", "")).lower() and isinstance(b.get("value"), str):
            if paras := _html_paragraphs(b["value"], flags):
                return paras
    if isinstance(obj.get("body_text"), str) and (paras := _text_paragraphs(obj["body_text"])):
        return paras
    for b in main:
        if isinstance(b.get("value"), str) and (paras := _text_paragraphs(b["value"])):
            return paras
    return []


def _scheme_of(entry: dict, default: str) -> tuple[str, str | None]:
    scheme = _str(entry.get("scheme"))
    uri = _str(entry.get("uri"))
    code = _str(entry.get("code")) or (uri.rstrip("/").rpartition("/")[2] if uri else None) \
        or _str(entry.get("literal"))
    if scheme:
        if "/" in scheme:
            scheme = scheme.rstrip("/").rpartition("/")[2] or default
        elif ":" in scheme:
            scheme = scheme.rstrip(":")
    elif uri and "/" in uri.rstrip("/"):
        scheme = uri.rstrip("/").rpartition("/")[0].rpartition("/")[2] or default
    return scheme or default, code


def _labels(obj: dict) -> list[Label]:
    labels = LabelSet()
    add = labels.add

    for keys, default in ((("subject", "subjects"), "subject"), (("genre", "genres"), "genre")):
        for key in keys:
            entries = obj.get(key)
            for e in entries if isinstance(entries, list) else []:
                if isinstance(e, dict):
                    scheme, code = _scheme_of(e, default)
                    add(scheme, code)
                    add(f"{scheme}:name", _str(e.get("name")))
                elif isinstance(e, str):
                    add(default, _str(e))
    return labels


def _authors(obj: dict) -> list[str]:
    for key in ("byline", "by"):
        if (value := _str(obj.get(key))):
            return markup.byline_names(value)
    names = []
    for a in obj.get("authors", []) if isinstance(obj.get("authors"), list) else []:
        if isinstance(a, dict) and (name := _str(a.get("name"))):
            role = str(a.get("role") or "").lower()
            if (not role or any(r in role for r in _AUTHOR_ROLES)) and name not in names:
                names.append(name)
    return names


def _located(obj: dict) -> str | None:
    loc = obj.get("located")
    if isinstance(loc, dict):
        loc = loc.get("name")
    if (value := _str(loc)):
        return value
    for key in ("place", "places"):
        for p in obj.get(key, []) if isinstance(obj.get(key), list) else []:
            if isinstance(p, dict) and "located" in str(p.get("rel", "")).lower():
                return _str(p.get("name")) or _str(p.get("literal"))
    return None


def _description(obj: dict, flags) -> str | None:
    if (value := _str(obj.get("description_text"))):
        return value
    d = _pick(obj.get("descriptions"), ("summary", "abstract", "main"))
    if d and (value := _str(d.get("value"))):
        if "html" in str(d.get("contenttype", "")).lower():
            return " ".join(_html_paragraphs(value, flags)) or None
        return value
    if isinstance(obj.get("description_html"), str):
        return " ".join(_html_paragraphs(obj["description_html"], flags)) or None
    return None


def _stamp(value, flags, tz=None) -> tuple[str | None, str | None]:
    if not isinstance(value, str):
        return None, None
    day, ts, problem = markup.stamp(value, tz)
    if problem and problem not in flags:
        flags.append(problem)
    return day, ts


def read_item(src: RawInput, obj: dict, position: int | None):
    flags = list(src.flags)
    uri = _str(obj.get("uri")) or _str(obj.get("guid"))
    version = obj.get("version")
    version = str(version) if isinstance(version, (str, int)) and not isinstance(version, bool) else None
    title = _str(obj.get("headline"))
    if title is None:
        h = _pick(obj.get("headlines"), ("main", ""))
        title = _str(h.get("value")) if h else None
    first_day, first = _stamp(obj.get("firstcreated"), flags, src.tz)
    ver_day, ver = _stamp(obj.get("versioncreated"), flags, src.tz)
    published, day = (first, first_day) if first_day else (ver, ver_day)
    sources = [obj.get("source")]
    for s in obj.get("infosources", []) if isinstance(obj.get("infosources"), list) else []:
        if isinstance(s, dict):
            sources += [s.get("name"), s.get("literal")]
    holder = _str(obj.get("copyrightholder"))
    agency = markup.agency(*[_str(s) for s in sources], holder)
    paras = _body(obj, flags)
    canceled = str(obj.get("pubstatus", "")).lower() in ("canceled", "cancelled") and uri is not None
    if canceled:
        flags.append(CANCELED_FLAG)
    rid = ids.safe_id("ninjs-", uri) if uri else ids.path_id(src.path, position)
    rec = new_record(rid, src.path, NAME, VERSION, src.sha256, flags=flags, title=title, date=day,
                     published_at=published, modified_at=ver, publisher=holder, agency=agency,
                     dateline=_located(obj), authors=_authors(obj),
                     description=_description(obj, flags), labels=_labels(obj),
                     text="\n\n".join(paras), language=markup.language(_str(obj.get("language"))))
    if uri:
        rec.source.item = f"{uri}:{version}" if version else uri
    elif position is not None:
        rec.source.item = str(position)
    if not paras and not canceled:
        return rejected(rec, Reason.HEADER_ONLY, f"ninjs item of type {obj.get('type')!r} without text")
    return rec


def read(src: RawInput, params) -> list:
    obj = _unwrap(_load(src.text))
    items = obj if isinstance(obj, list) else [obj]
    several = isinstance(obj, list)
    out = []
    for i, item in enumerate(items, 1):
        position = i if several else None
        if not isinstance(item, dict):
            rec = new_record(ids.path_id(src.path, position), src.path, NAME, VERSION,
                             src.sha256, flags=list(src.flags))
            rec.source.item = str(i)
            out.append(rejected(rec, Reason.MALFORMED_JSONL,
                                f"item {i} is {type(item).__name__}, not a ninjs object"))
            continue
        out.append(guarded(lambda item=item, position=position: read_item(src, item, position),
                           src.path, NAME, VERSION, src.sha256))
    return out
