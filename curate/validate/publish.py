"""Writing the published corpus: accepted lines sorted by id within their shard, copied byte for
byte through an (offset, length) index so texts are never held in memory."""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterator
from pathlib import Path


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


def indexed_windows(path: Path, index: LineIndex, size: int) -> Iterator[list[bytes]]:
    """The record lines of `path` (stripped, blank lines skipped) in windows of `size`, each
    line's (offset, length) added to `index` as it is read, so accepted lines can later be
    copied by offset; what a line holds is decoded elsewhere (validate's executor tasks)."""
    offset = 0
    window: list[bytes] = []
    with open(path, "rb") as fh:
        for line in fh:
            stripped = line.strip()
            if stripped:
                index.add(offset + len(line) - len(line.lstrip()), len(stripped))
                window.append(stripped)
                if len(window) >= size:
                    yield window
                    window = []
            offset += len(line)
    if window:
        yield window


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
