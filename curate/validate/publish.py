"""Writing the published corpus: accepted lines sorted by id within their shard, copied byte for
byte through an (offset, length) index so texts are never held in memory."""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterator
from pathlib import Path

from curate.record import RECORD_DECODER, Record, encode


def shard_of(record_id: str, shards: int) -> int:
    return zlib.crc32(record_id.encode("utf-8")) % shards


class LineIndex:
    """(offset, length) of each record line of a file, in two compact arrays (16 bytes a line)."""

    def __init__(self) -> None:
        self.offsets = array("q")
        self.lengths = array("q")

    def __len__(self) -> int:
        return len(self.offsets)

    def add(self, offset: int, length: int) -> None:
        self.offsets.append(offset)
        self.lengths.append(length)

    def read(self, fh, pos: int) -> bytes:
        fh.seek(self.offsets[pos])
        return fh.read(self.lengths[pos])


def indexed_records(path: Path, index: LineIndex, recoded: dict[int, bytes]) -> Iterator[Record]:
    """Decode the records of `path` in order, adding each line's (offset, length) to `index`
    so accepted lines can later be copied by offset: one decode per record, texts never kept.
    A line that is not exactly `encode(record)` (other key order or spacing: not written by
    extract) gets its canonical encoding kept in `recoded` under its position instead."""
    dec = RECORD_DECODER
    offset = 0
    with open(path, "rb") as fh:
        for line in fh:
            stripped = line.strip()
            if stripped:
                record = dec.decode(stripped)
                canonical = encode(record)
                if canonical != stripped:
                    recoded[len(index)] = canonical
                index.add(offset + len(line) - len(line.lstrip()), len(stripped))
                yield record
            offset += len(line)


def write_shard_sorted(src, out_path: Path, entries: list[tuple[str, int]],
                        index: LineIndex, recoded: dict[int, bytes]) -> int:
    """Write the records at positions `entries` (id, position) sorted by id, copying each line
    from `src` by its (offset, length) in `index` (or its `recoded` bytes); returns bytes written."""
    entries.sort()
    written = 0
    with open(out_path, "wb") as out:
        for _id, pos in entries:
            line = recoded.get(pos)
            if line is None:
                line = index.read(src, pos)
            written += out.write(line + b"\n")
    return written
