"""Record ids: unique, stable across rebuilds, file-name safe (``[A-Za-z0-9._-]``, no leading '.',
no '..', at most 128 characters).

* reuters_web: ``reuters-<story code>``, the URL tail after ``-id`` without its trailing 8-digit date
  (``...-idUSBRE85613E20120608`` -> ``reuters-USBRE85613E``), so re-crawls share one id and the
  dedup stage keeps one. No story code in the URL -> the path rule.
* jsonl: ``jsonl-<sanitised source id>``; unsafe characters become ``_`` and, if sanitising changed
  the id or it had to be shortened, ``-<8 hex of sha256(original id)>`` is appended. No usable id ->
  the html rule on the line's http(s) URL (below), else the path rule with the line number.
* html (saved pages and WARC responses), from the canonical URL: the publisher's story id where
  the URL carries one (Reuters ``-idUSBRE85613E20120608`` -> ``reuters-USBRE85613E``), else
  ``web-<first 16 hex of sha256(url_key)>``; url_key = host without ``www.``, lower-cased, + path
  (no trailing ``/``) + query without tracking parameters (``utm_*``, ``fbclid``, ``gclid``, ...),
  sorted; scheme and fragment ignored: re-crawls over http/https or with campaign tags share an id.
* nitf: ``nitf-<doc-id@id-string>``; newsml_g2: ``newsml-<guid>``; ninjs: ``ninjs-<uri or guid>``
  (sanitised as jsonl ids are). NewsML-G2 and ninjs ids leave the version out, so the versions of
  a story share an id and dedup keeps the latest (STORY_ID_PREFIXES). reuters21578:
  ``reuters21578-<NEWID>``. Without an id these readers use the path rule, with the item's
  1-based position in a file that holds several items.
* path rule (seed_dateline, plaintext, fallbacks, rejections before a reader ran):
  ``doc-<first 16 hex of sha256(relative POSIX path)>``, for JSONL of ``<path>#<line>``, for an
  item of a JSON array of ``<path>#[<index>]`` (0-based).
"""

from __future__ import annotations

import hashlib
import re

MAX_ID = 128
# ids that name a story, not a file: records sharing one are versions of that story
from curate.record import STORY_ID_PREFIXES, is_safe_id  # noqa: E402,F401 - defined with the record
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_DOTS = re.compile(r"\.(?=\.)")  # every '.' followed by another: '..' and '...' never survive
_STORY = re.compile(r"(?:^|[-/])id([A-Za-z]{2,}[A-Za-z0-9]*)(?=$|[/?#&.])")
_DATE_SUFFIX = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def path_id(path: str, line: int | None = None) -> str:
    key = path if line is None else f"{path}#{line}"
    return "doc-" + _sha(key)[:16]


def item_id(path: str, index: int) -> str:
    """Path rule for item `index` (0-based) of a JSON array file."""
    return "doc-" + _sha(f"{path}#[{index}]")[:16]


def story_code(url: str | None) -> str | None:
    """Reuters story code from an article URL, without the crawl date suffix; None if absent."""
    if not url:
        return None
    m = None
    for m in _STORY.finditer(url):  # the last match is the tail
        pass
    if m is None:
        return None
    code = m.group(1)
    if len(code) > 8 and _DATE_SUFFIX.search(code):
        code = code[:-8]
    return code


def reuters_id(url: str | None) -> str | None:
    code = story_code(url)
    return safe_id("reuters-", code) if code else None


def safe_id(prefix: str, raw: str) -> str:
    """prefix + raw made file-name safe; a hash suffix keeps changed/shortened ids unique."""
    clean = _DOTS.sub("_", _UNSAFE.sub("_", raw))  # no '..' either: ids must be safe as names
    room = MAX_ID - len(prefix)
    if clean == raw and len(clean) <= room:
        return prefix + clean
    room -= 9
    return f"{prefix}{clean[:room]}-{_sha(raw)[:8]}"


_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ocid|cmpid|ref|src|"
                       r"ito|wt_mc|xtor|at_medium|at_campaign|share|smid|partner)$", re.IGNORECASE)


def url_key(url: str) -> str:
    """What identifies an article URL across re-crawls (see the module docstring)."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    path = parts.path.rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _TRACKING.match(k))
    q = "&".join(f"{k}={v}" for k, v in query)
    return f"{host}{path}" + (f"?{q}" if q else "")


def web_id(url: str) -> str:
    from urllib.parse import urlsplit

    host = (urlsplit(url.strip()).hostname or "").lower()
    if host == "reuters.com" or host.endswith(".reuters.com"):
        rid = reuters_id(url)
        if rid:
            return rid
    return "web-" + _sha(url_key(url))[:16]


def valid_id(value: str) -> bool:
    """Whether `value` is a safe id: the one rule, curate.record.ID_PATTERN."""
    return is_safe_id(value)
