"""Decode one raw file: size check, read once, binary sniff, text decoding (and a web page's
text by its declared charset: `decode_page`).

`load(full_path, max_bytes)` returns a `Loaded` (raw bytes, text, flags) or a `Failure` (reason,
detail). It never raises for OS errors. Rules:

* size over `max_bytes` (from `os.stat`, before reading) -> TOO_LARGE;
* not a regular file, permission denied, vanished -> UNREADABLE with the OS message (no absolute
  paths in the detail, so outputs are the same on every machine);
* zero bytes or only whitespace -> EMPTY;
* a UTF-16 byte order mark -> decoded as UTF-16, flag ``decoded_utf16``;
* NUL bytes over 0.1% of the bytes (more than one in a KiB), or non-text control bytes over 10%
  of the first 4 KiB -> BINARY; the few stray NULs of a long text (one in a 200 KB page) are
  dropped from the text instead (flag ``nul_removed``; other control characters are left to the
  clean stage);
* UTF-8 first (a BOM is dropped); invalid UTF-8 -> cp1252 with flag ``decoded_cp1252``, and if
  cp1252 cannot map a byte -> latin-1 with flag ``decoded_latin1``. Mojibake is left to clean.
* line ends: ``\\r\\n`` and lone ``\\r`` become ``\\n``.
* gzip (sniffed by its magic bytes, never by the name, e.g. a saved `.html.gz` page): the content is
  decompressed, at most `max_bytes` of it (more -> TOO_LARGE, a gzip bomb never fills memory), a
  corrupt or cut stream -> UNDECODABLE; then decoded as above. `Loaded.data` stays the raw
  bytes (their sha256 is the source hash), `Loaded.content` holds the decompressed bytes.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import zlib
from dataclasses import dataclass, field

from curate.record import Reason

# C0 control bytes that never appear in text (tab, LF, VT, FF, CR and ESC are allowed).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_SNIFF = 4096
_WHITESPACE = b" \t\n\r\x0b\x0c"


@dataclass(slots=True)
class Loaded:
    data: bytes
    text: str
    flags: list[str] = field(default_factory=list)
    content: bytes | None = None  # decompressed bytes of a gzip file (None: the text is of data)


@dataclass(slots=True)
class Failure:
    reason: Reason
    detail: str
    data: bytes | None = None  # the bytes, when they could be read


def os_message(exc: OSError) -> str:
    """The OS message without the (machine-specific) file name."""
    return exc.strerror or type(exc).__name__


def read_bytes(full: str, max_bytes: int) -> bytes | Failure:
    """Stat, then read the file once. Size is checked before reading."""
    try:
        st = os.stat(full)
        if stat.S_ISDIR(st.st_mode):
            return Failure(Reason.UNREADABLE, "is a directory")
        if not stat.S_ISREG(st.st_mode):
            return Failure(Reason.UNREADABLE, "not a regular file")
        if st.st_size > max_bytes:
            return Failure(Reason.TOO_LARGE, f"{st.st_size} bytes > max_bytes {max_bytes}")
        with open(full, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return Failure(Reason.UNREADABLE, os_message(exc))
    if len(data) > max_bytes:  # grew between stat and read
        return Failure(Reason.TOO_LARGE, f"more than max_bytes {max_bytes} bytes")
    return data


def is_binary(data: bytes) -> bool:
    """A meaningful share of NUL bytes (over one in 1,000 bytes), or of control bytes (over 10% of
    the first 4 KiB). One stray NUL in a long page is no binary file."""
    head = data[:_SNIFF]
    controls = len(head) - len(head.translate(None, _CONTROL))
    return data.count(b"\x00") * 1000 > len(data) or controls * 10 > len(head)


def drop_nul(text: str, flags: list[str] | None = None) -> str:
    """The text without the stray NUL characters a long text file may hold (flag ``nul_removed``);
    other control characters are left to the clean stage."""
    if "\x00" in text:
        text = text.replace("\x00", "")
        if flags is not None:
            flags.append("nul_removed")
    return text


def normalise_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def decode_text(data: bytes, flags: list[str]) -> str:
    """UTF-8 (BOM dropped), else cp1252, else latin-1; flags say which fallback was used."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            flags.append("decoded_cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            flags.append("decoded_latin1")
    if text.startswith("\ufeff"):
        text = text[1:]
    return normalise_newlines(drop_nul(text, flags))


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    if codec in ("latin-1", "iso8859-1", "ascii"):  # WHATWG: these labels mean windows-1252
        return "cp1252"
    return codec


def decode_page(content: bytes, http_charset: str | None = None) -> tuple[str, list[str]]:
    """A web page's text (html.py, warc.py): UTF-8 if valid, else the charset the HTTP header or
    the page's `<meta charset>` declares, else Windows-1252; stray NULs dropped."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    text, flags = _page_text(content, http_charset)
    return normalise_newlines(drop_nul(text)), flags


def _page_text(content: bytes, http_charset: str | None) -> tuple[str, list[str]]:
    try:
        return content.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    m = _CHARSET.search(content[:4096])
    for declared in (_codec(http_charset), _codec(m.group(1).decode("ascii")) if m else None):
        if declared and declared not in ("utf-8", "utf-16", "utf-32"):
            text = content.decode(declared, errors="replace")
            return text, [] if declared == "cp1252" else [f"decoded_{declared}"]
    try:
        return content.decode("cp1252"), ["decoded_cp1252"]
    except UnicodeDecodeError:
        return content.decode("latin-1"), ["decoded_latin1"]


GZIP_MAGIC = b"\x1f\x8b"


def gunzip(data: bytes, max_bytes: int) -> bytes | Failure:
    """The decompressed content of gzip bytes (all members), at most max_bytes of it."""
    out = bytearray()
    rest = data
    try:
        while rest[:2] == GZIP_MAGIC:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += d.decompress(rest, max_bytes + 1 - len(out))
            if len(out) > max_bytes:
                return Failure(Reason.TOO_LARGE, f"gzip content over max_bytes {max_bytes}", data)
            if not d.eof:
                return Failure(Reason.UNDECODABLE, "gzip stream cut short", data)
            rest = d.unused_data
    except zlib.error as exc:
        return Failure(Reason.UNDECODABLE, f"corrupt gzip stream: {exc}", data)
    return bytes(out)


def decode(data: bytes, max_bytes: int | None = None) -> Loaded | Failure:
    """Classify and decode bytes already read (gzip content first decompressed)."""
    if data[:2] == GZIP_MAGIC:
        content = gunzip(data, max_bytes if max_bytes is not None else 1 << 62)
        if isinstance(content, Failure):
            return content
        inner = decode(content)
        if isinstance(inner, Failure):
            return Failure(inner.reason, f"gzip content: {inner.detail}", data)
        return Loaded(data, inner.text, inner.flags + ["gunzipped"], content)
    if not data.strip(_WHITESPACE):
        return Failure(Reason.EMPTY, "zero bytes" if not data else "only whitespace", data)
    flags: list[str] = []
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = normalise_newlines(data.decode("utf-16").lstrip("\ufeff"))
        except UnicodeDecodeError:
            return Failure(Reason.UNDECODABLE, "UTF-16 byte order mark but invalid UTF-16", data)
        if not text.strip():
            return Failure(Reason.EMPTY, "only whitespace", data)
        return Loaded(data, text, ["decoded_utf16"])
    if is_binary(data):
        what = "NUL bytes" if b"\x00" in data else "mostly control bytes"
        return Failure(Reason.BINARY, f"not text: {what}", data)
    text = decode_text(data, flags)
    if not text.strip():
        return Failure(Reason.EMPTY, "only whitespace", data)
    return Loaded(data, text, flags)


def load(full: str, max_bytes: int) -> Loaded | Failure:
    data = read_bytes(full, max_bytes)
    if isinstance(data, Failure):
        return data
    return decode(data, max_bytes)
