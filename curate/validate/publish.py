"""Writing the published corpus: accepted lines sorted by id within their shard, copied byte for
byte through a (part file, offset, length) index so texts are never held in memory."""

from __future__ import annotations

import contextlib
import zlib
from array import array
from collections.abc import Iterator
from pathlib import Path


def shard_of(record_id: str, shards: int) -> int:
    return zlib.crc32(record_id.encode("utf-8")) % shards


class LineIndex:
    """(part file, offset, length) of each record line of a stage's part files, in three compact
    arrays (20 bytes a line); `paths` names the part files."""

    def __init__(self) -> None:
        self.paths: list[Path] = []
        self.files = array("i")
        self.offsets = array("q")
        self.lengths = array("q")

    def __len__(self) -> int:
        return len(self.offsets)

    def add(self, offset: int, length: int) -> None:
        self.files.append(len(self.paths) - 1)
        self.offsets.append(offset)
        self.lengths.append(length)

    @contextlib.contextmanager
    def reader(self) -> Iterator[LineReader]:
        """A LineReader of the indexed lines, its files closed after the block."""
        rd = LineReader(self)
        try:
            yield rd
        finally:
            rd.close()


class LineReader:
    """Reads indexed lines back, keeping at most OPEN_FILES part files open at once."""

    OPEN_FILES = 64

    def __init__(self, index: LineIndex) -> None:
        self.index = index
        self.open: dict[int, object] = {}

    def read(self, pos: int) -> bytes:
        i = self.index.files[pos]
        fh = self.open.get(i)
        if fh is None:
            if len(self.open) >= self.OPEN_FILES:
                self.close()
            fh = self.open[i] = open(self.index.paths[i], "rb")
        fh.seek(self.index.offsets[pos])
        return fh.read(self.index.lengths[pos])

    def close(self) -> None:
        for fh in self.open.values():
            fh.close()
        self.open = {}


def indexed_windows(paths: list[Path], index: LineIndex, size: int) -> Iterator[list[bytes]]:
    """The record lines of the files `paths` in order (stripped, blank lines skipped) in windows
    of `size`, each line's (file, offset, length) added to `index` as it is read, so accepted
    lines can later be copied by offset; what a line holds is decoded elsewhere (validate's
    executor tasks)."""
    window: list[bytes] = []
    for path in paths:
        index.paths.append(path)
        offset = 0
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


def write_shard_sorted(src: LineReader, out_path: Path, entries: list[tuple[str, int]],
                       recoded: dict[int, bytes]) -> int:
    """Write the records at positions `entries` (id, position) sorted by id, copying each line
    through `src` (a LineReader of the indexed lines) or from its `recoded` bytes; returns bytes
    written."""
    entries.sort()
    written = 0
    with open(out_path, "wb") as out:
        for _id, pos in entries:
            line = recoded.get(pos)
            if line is None:
                line = src.read(pos)
            written += out.write(line + b"\n")
    return written
