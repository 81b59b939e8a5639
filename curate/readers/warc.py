"""Reader `warc`: a WARC crawl archive (WARC 1.0 / 1.1, plain or gzipped per record or whole).

Sniff (content only, before any text decoding, `sniff_file`): the file starts with `WARC/1.`, or
its first gzip member decompresses to text starting with `WARC/1.`.

The file is streamed record by record with warcio (memory holds one record's payload, whatever
the file's size). `ingest.max_bytes` does not apply to the WARC file as a whole (a CC-News WARC
holds tens of thousands of pages in ~1 GB): it bounds each record's payload instead, so a page
over it is rejected TOO_LARGE (naming its offset) and the archive goes on. `iter_path` yields
the pages to extract (`pages.Page`) with the other items, in file order: the ingest stage extracts
them in rounds on its executor through the page cache; `read_path` (`read_file`, `curate check`)
extracts them one by one into a list.

Per record:
* `response` with HTTP status 2xx and an HTML payload (Content-Type `text/html` or
  `application/xhtml+xml`, or no type and a payload the html reader sniffs as HTML): one input,
  read by the html reader (`html.read_page`, its fields, ids and reasons), with
  `source.format = "warc"`, `source.item` = WARC-Record-ID, `source.offset` = the record's byte
  offset in the file (of its gzip member when compressed), `source.url` = WARC-Target-URI,
  `source.fetched_at` = WARC-Date, `source.sha256` = sha256 of the HTTP payload (dechunked,
  decompressed), the HTTP header's charset used to decode it;
* every other record is no input and no article: a `Skipped` item with kind = the WARC type
  (`warcinfo`, `request`, `metadata`, `revisit`, `resource`, ...) or, for responses, `non_html`
  or `status_<code>` (`status_404`, `status_301`); the ingest stage counts them by kind
  (`skipped_by_kind` in reports/metrics.json) and lists them in its folder.
A truncated or corrupt archive gives every record read before the damage, plus one TRUNCATED
rejection whose detail names the byte offset where reading stopped (the end of the last whole
record; warcio stops quietly at a cut record, so the bytes after the last record are checked);
the records read from such an archive carry the flag ``damaged_source`` (as items of a cut feed
file do: dedup keeps an intact copy before them at a tie). A file that is a WARC but holds no
record at all -> EMPTY.
"""

from __future__ import annotations

import hashlib
import zlib

from curate.record import Reason

from . import html, ids, pages
from .base import Skipped, new_record, rejected
from .sources import zone_of

NAME = "warc"
VERSION = 1
MAGIC = b"WARC/1."
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def sniff_file(full: str) -> bool:
    """Is the file at `full` a WARC archive? Reads at most 64 KiB."""
    try:
        with open(full, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    if head.startswith(MAGIC):
        return True
    if head[:2] == b"\x1f\x8b":
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64).startswith(MAGIC)
        except zlib.error:
            return False
    return False


def sniff(text: str) -> bool:  # the text sniff of readers/__init__ never reaches a WARC
    return text.startswith("WARC/1.")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _read_upto(stream, n: int) -> bytes:
    """Up to n bytes of a stream (its read() may return short chunks before the end)."""
    buf = bytearray()
    while len(buf) < n:
        chunk = stream.read(min(65536, n - len(buf)))
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def _page(record, offset: int, path: str, params) -> list:
    headers = record.rec_headers
    item = headers.get_header("WARC-Record-ID")
    url = headers.get_header("WARC-Target-URI")
    fetched = headers.get_header("WARC-Date")
    http = record.http_headers
    status = http.get_statuscode() if http is not None else None
    skip = dict(path=path, item=item, offset=offset, url=url)
    if not status or not status.isdigit():
        return [Skipped(kind="status_unknown", **skip)]
    if not status.startswith("2"):
        return [Skipped(kind=f"status_{status}", **skip)]
    ctype = (http.get_header("Content-Type") or "").strip()
    mime = ctype.split(";")[0].strip().lower()
    if mime and mime not in _HTML_TYPES:
        return [Skipped(kind="non_html", **skip)]
    limit = params.max_bytes
    payload = _read_upto(record.content_stream(), limit + 1)
    sha = hashlib.sha256(payload).hexdigest()
    source = {"item": item, "offset": offset, "url": url, "fetched_at": fetched}
    if len(payload) > limit:
        rec = new_record(ids.path_id(f"{path}#{item}"), path, NAME, VERSION, sha, url=url)
        for k, v in source.items():
            setattr(rec.source, k, v)
        return [rejected(rec, Reason.TOO_LARGE, f"payload over max_bytes {limit}")]
    if not mime:
        text, _ = html.decode_page(payload[:16384])
        if not html.sniff(text):
            return [Skipped(kind="non_html", **skip)]
    return [pages.Page(path=path, content=payload, sha=sha, fmt=NAME, http_charset=_charset(ctype),
                       source=source)]


def read_path(full: str, path: str, params) -> list:
    """Every input and skipped record of the WARC file at `full` (raw path `path`)."""
    return [o for item in iter_path(full, path, params)
            for o in (pages.extract(item, params) if isinstance(item, pages.Page) else [item])]


def iter_path(full: str, path: str, params):
    """Stream the WARC file at `full`: in file order, a `pages.Page` per HTML 2xx response (to
    extract), a `Skipped` per other record, rejections (TOO_LARGE, TRUNCATED, EMPTY). The pages
    carry the source's time zone (`ingest.sources[].timezone`, for naive times) and, when the
    archive is cut or broken somewhere, the flag ``damaged_source`` (known before the first page
    is yielded: a first pass reads the records' headers only)."""

    damaged = damage(full) is not None
    tz = zone_of(path, params)
    for item in _items(full, path, params):
        if isinstance(item, pages.Page):
            item.tz = tz
            if damaged:
                item.flags.append("damaged_source")
        yield item


def _cut_after(fh, end: int) -> bool:
    """warcio stops quietly at a record cut short: whatever follows the last whole record (ending
    at `end`) must be blank lines only."""
    fh.seek(end)
    return bool(fh.read(4096).strip(b"\r\n\t "))


def damage(full: str) -> str | None:
    """Why the WARC file at `full` cannot be read to its end (a record cut short, unreadable, or
    without WARC-Type / WARC-Record-ID), or None for a whole archive. Payloads are not decoded."""
    from warcio.archiveiterator import ArchiveIterator

    end = 0
    with open(full, "rb") as fh:
        it = ArchiveIterator(fh, arc2warc=False)
        try:
            for record in it:
                if not record.rec_type or not record.rec_headers.get_header("WARC-Record-ID"):
                    return "a record without WARC-Type or WARC-Record-ID"
                end = it.get_record_offset() + it.get_record_length()
            if _cut_after(fh, end):
                return "a record is cut short or unreadable"
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on damaged input
            return f"{type(exc).__name__}: {exc}"
    return None


def _items(full: str, path: str, params):
    """iter_path's items, before the source's time zone and damage are known."""
    from warcio.archiveiterator import ArchiveIterator

    seen = 0
    offset = 0
    end = 0  # where the last whole record ends
    with open(full, "rb") as fh:
        it = ArchiveIterator(fh, arc2warc=False)
        try:
            for record in it:
                seen += 1
                kind = record.rec_type
                if not kind or not record.rec_headers.get_header("WARC-Record-ID"):
                    raise ValueError("a record without WARC-Type or WARC-Record-ID")
                if kind != "response":
                    offset = it.get_record_offset()  # (reads the record to its end)
                    end = offset + it.get_record_length()
                    yield Skipped(kind=kind, path=path, offset=offset,
                                  item=record.rec_headers.get_header("WARC-Record-ID"),
                                  url=record.rec_headers.get_header("WARC-Target-URI"))
                    continue
                items = _page(record, None, path, params)
                offset = it.get_record_offset()  # known once the record was read
                end = offset + it.get_record_length()
                for item in items:
                    if isinstance(item, Skipped):
                        item.offset = offset
                    elif isinstance(item, pages.Page):
                        item.source["offset"] = offset
                    else:
                        item.source.offset = offset
                        if getattr(item, "reason", None) == Reason.TOO_LARGE.value:
                            item.detail = f"record at offset {offset}: {item.detail}"
                    yield item
            if _cut_after(fh, end):
                raise ValueError("a record is cut short or unreadable")
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on damaged input
            where = end
            rec = new_record(ids.path_id(f"{path}#{where}"), path, NAME, VERSION, "")
            rec.source.offset = where
            yield rejected(rec, Reason.TRUNCATED, f"archive unreadable from byte offset {where} after "
                                                  f"{seen} records: {type(exc).__name__}: {exc}"[:500])
            return
    if not seen:
        rec = new_record(ids.path_id(path), path, NAME, VERSION, "")
        yield rejected(rec, Reason.EMPTY, "a WARC file holding no record")
