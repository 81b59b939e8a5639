"""What every reader shares: the input handed to a reader and helpers that build records.

A reader is a module with NAME, VERSION, `sniff(text) -> bool` and
`read(src: RawInput, params) -> list[Record | Rejected]`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from curate import __version__
from curate.params import IngestParams
from curate.record import Provenance, Reason, Record, Rejected, Source, reject

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

    @property
    def sha256(self) -> str:
        if self._sha is None:
            self._sha = hashlib.sha256(self.data).hexdigest()
        return self._sha


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


__all__ = ["RawInput", "new_record", "rejected", "check_day_folder", "IngestParams", "Reason",
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
