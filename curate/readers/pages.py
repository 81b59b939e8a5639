"""One web page's extraction, cached by what it depends on: the page bytes, not where they lie.

The html reader's output for a page depends on its bytes, the HTTP charset (WARC), the target URI
(WARC: the url of a page without canonical markup), the source's time zone (naive times), the
reader code and the ingest params. It is
computed once without the page's place (`html.read_page` with path "") and `rebase`d onto it
(raw path, WARC record id, offset, fetch date, the path-rule id of a page without url, decoding
flags of the file) - always, cache hit or not, so an output never depends on the cache. The same
page inside two WARC files, or saved again under another name, is extracted once.

Cache (`pages.sqlite`, declared by the ingest step): key = reader code digest + ingest params
digest + sha256 of the page bytes + a digest of (charset, url, time zone). TIMEOUT results (they depend on
the machine's load) and reader exceptions are never cached.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field

from curate.engine.cache import AnnotationCache
from curate.record import RECORD_DECODER, REJECTED_DECODER, Reason, encode

from . import html, ids
from .base import encode_items
from .safety import internal_error

# per thread (a Dask worker runs its tasks in threads): the page cache the thread's `active` block
# names (`.value`: (path, prefix) or None) and the connections it opened (`.open`)
_LOCAL = threading.local()


def _local():
    if not hasattr(_LOCAL, "open"):
        _LOCAL.value, _LOCAL.open = None, {}
    return _LOCAL


@dataclass(slots=True)
class Page:
    """A page to extract and where it came from (a saved file, or a WARC response record)."""

    path: str                 # the raw file
    content: bytes            # the page bytes (decompressed, dechunked)
    sha: str                  # source.sha256 (of the raw file, or of the WARC payload)
    fmt: str = html.NAME      # source.format: html or warc
    flags: list[str] = field(default_factory=list)  # decoding flags of the raw file
    http_charset: str | None = None
    source: dict = field(default_factory=dict)  # item, offset, url, fetched_at (WARC)
    tz: object = None         # the source's time zone for naive times (ingest.sources[].timezone)


def page_key(prefix: str, page: Page) -> str:
    ctx = f"{page.http_charset or ''}\0{page.source.get('url') or ''}"
    if page.tz is not None:
        ctx += f"\0{page.tz}"
    ctx = hashlib.sha256(ctx.encode())
    return f"{prefix}{hashlib.sha256(page.content).hexdigest()}:{ctx.hexdigest()[:16]}"


def compute(page: Page, params) -> tuple[bytes, bool]:
    """(`params`: IngestParams) The encoded place-free output of a page, and whether it may be cached."""
    try:
        out = html.read_page("", page.content, "", params, http_charset=page.http_charset,
                             source={"url": page.source.get("url")}, tz=page.tz)
    except Exception as exc:  # noqa: BLE001 - a reader bug on one page must not end the file
        item = page.source.get("item")
        rec = internal_error(exc, f"{page.path}#{item}" if item else page.path, html.NAME, html.VERSION)
        return b"R" + encode(rec), False
    value = encode_items(out)
    cacheable = not any(getattr(o, "reason", None) == Reason.TIMEOUT.value for o in out)
    return value, cacheable


def compute_many(pages: list[Page], params) -> list[tuple[bytes, bool]]:
    """`compute` over a chunk of pages: the task an executor runs (picklable, module level)."""
    return [compute(p, params) for p in pages]


def rebase(value: bytes, page: Page) -> list:
    """The records of a place-free output, put at the page's place."""
    out = []
    for line in value.split(b"\n"):
        rec = (RECORD_DECODER if line[:1] == b"K" else REJECTED_DECODER).decode(line[1:])
        src = rec.source
        src.path, src.format, src.sha256 = page.path, page.fmt, page.sha
        for key in ("item", "offset", "url", "fetched_at"):
            if page.source.get(key) is not None:
                setattr(src, key, page.source[key])
        rec.flags = [f for f in page.flags if not f.startswith("decoded_")] + rec.flags
        if not rec.url:
            item = page.source.get("item")
            rec.id = ids.path_id(f"{page.path}#{item}" if item else page.path)
        out.append(rec)
    return out


def extract(page: Page, params, cache=None, prefix: str = "") -> list:
    """One page -> its records at its place, from `cache` when it holds the page."""
    key = page_key(prefix, page) if cache is not None else None
    value = cache.get_many([key]).get(key) if key else None
    if value is None:
        value, cacheable = compute(page, params)
        if key and cacheable:
            cache.put_many([(key, value)])
    return rebase(value, page)


class active:
    """`with active(cache_path, prefix):` saved HTML pages read in this block (by the process and
    thread that enter it) use the page cache at `cache_path`, opened at the first page, closed at
    the end."""

    def __init__(self, cache_path: str | None, prefix: str):
        self.value = (cache_path, prefix) if cache_path else None

    def __enter__(self):
        state = _local()
        self.old, state.value = state.value, self.value

    def __exit__(self, *exc):
        state = _local()
        state.value = self.old
        if self.value is not None and (cache := state.open.pop((os.getpid(), self.value[0]), None)):
            cache.close()


def active_cache():
    """(cache, prefix) for this thread inside an `active` block, else (None, ""): each thread has
    its own block and connection, so one task ending never closes another's."""
    state = _local()
    if state.value is None:
        return None, ""
    path, prefix = state.value
    key = (os.getpid(), path)  # a connection never crosses a fork
    if key not in state.open:
        state.open[key] = AnnotationCache(path)
    return state.open[key], prefix
