"""What every reader shares: the input handed to a reader and helpers that build records.

A reader is a module with NAME, VERSION, `sniff(text) -> bool` and
`read(src: RawInput, params) -> list[Record | Rejected]`. A reader of a multi-item file may also
return `Skipped` items: parts of the file that are no article and so no input (counted by kind).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import msgspec

from curate import __version__
from curate.params import IngestParams
from curate.record import Label, Provenance, Reason, Record, Rejected, Source, encode, reject

from . import dates

STAGE = "ingest"


@dataclass(slots=True)
class RawInput:
    """One decoded raw file."""

    path: str                 # relative POSIX path
    data: bytes               # raw bytes, as read
    text: str                 # decoded text, newlines normalised
    flags: list[str] = field(default_factory=list)  # from decoding
    as_path: str | None = None  # the path that chooses per-source settings, when not `path`
    _sha: str | None = None
    content: bytes | None = None  # the bytes the text was decoded from when not `data` (gunzipped)
    tz: object = None  # the source's time zone (ingest.sources[].timezone) for naive times, or None

    @property
    def sha256(self) -> str:
        if self._sha is None:
            self._sha = hashlib.sha256(self.data).hexdigest()
        return self._sha


class Skipped(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An item of a multi-item file that is not an article and so no input: a WARC `request`,
    `revisit`, `warcinfo` or `metadata` record, a non-HTML or non-2xx response. Readers may return
    these beside records; the ingest stage counts them by `kind` (reports/metrics.json
    `skipped_by_kind`) and lists them in its folder, so none is silently lost."""

    kind: str                 # request, revisit, warcinfo, metadata, non_html, status_404, ...
    path: str                 # the raw file, relative POSIX path
    item: str | None = None   # the item's own id (WARC-Record-ID)
    offset: int | None = None  # byte offset of the item in the raw file
    url: str | None = None    # WARC-Target-URI



class LabelSet(list):
    """The labels a reader gathers: each (scheme, value) once, in the order first seen; empty
    schemes or values are ignored. A list of Label, so it goes into a record as it is."""

    def add(self, scheme: str | None, value: str | None) -> None:
        if scheme and value:
            label = Label(scheme=scheme, value=value)
            if label not in self:
                self.append(label)

SKIPPED_DECODER = msgspec.json.Decoder(Skipped)


def encode_items(items) -> bytes:
    """A reader's outputs as the ingest and page caches hold them: one line each, a one-byte kind
    (R rejected, S skipped, K kept) + the encoded item."""
    return b"\n".join((b"R" if isinstance(i, Rejected) else b"S" if isinstance(i, Skipped) else b"K")
                       + encode(i) for i in items)


def new_record(rid: str, path: str, fmt: str, version: int, sha: str, line: int | None = None,
               flags: list[str] | None = None, item: str | None = None, **fields) -> Record:
    return Record(
        id=rid,
        source=Source(path=path, format=fmt, sha256=sha, line=line, item=item),
        provenance=Provenance(toolkit=__version__, reader=f"{fmt}/{version}"),
        flags=list(flags or ()),
        **fields,
    )


def rejected(record: Record, reason: Reason, detail: str) -> Rejected:
    return reject(record, reason, detail, stage=STAGE)


def check_day_folder(record: Record) -> None:
    """Flag a record whose date differs from the path's day folder (YYYYMMDD / YYYY-MM-DD)."""
    folder = dates.day_folder(record.source.path)
    if folder and record.date and folder != record.date:
        record.flags.append("date_folder_mismatch")


__all__ = ["RawInput", "Skipped", "new_record", "rejected", "check_day_folder", "IngestParams", "Reason",
           "Record", "Rejected", "STAGE"]


def skip_blank_lines(text: str) -> str:
    """Drop leading whitespace-only lines; keep the first content line exactly (indentation too)."""
    start = 0
    n = len(text)
    while start < n:
        nl = text.find("\n", start)
        end = n if nl < 0 else nl
        if text[start:end].strip():
            return text[start:]
        if nl < 0:
            return ""
        start = nl + 1
    return ""
