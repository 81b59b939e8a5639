"""The compact near-duplicate index's signatures on disk (curate/dedup/near_dup.py): rows read
back with pread, only those of candidate pairs. One scratch file (`SpilledRows`), or the
signature files the stage keeps per clean part (`SegmentRows`, curate/dedup/part_summary.py)."""

from __future__ import annotations

import bisect
import os
from pathlib import Path

import numpy as np


class SegmentRows:
    """Rows of uint32 signatures spread over files (segments, in row order), read with pread:
    `rows[i]`, `rows[idx]` and `rows[idx, cols]` as for an array. Not a memory map: mapped pages
    of a file the page cache holds count in the process's RSS, and the kernel maps 16 pages
    around each row touched."""

    def __init__(self, width: int):
        self.width = width
        self._row = 4 * width
        self._starts: list[int] = []   # first row of each segment
        self._paths: list[Path] = []
        self._fds: dict[int, int] = {}  # segment -> open descriptor (opened on first read)
        self.n = 0

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n, self.width)

    def add(self, path: Path, n: int) -> None:
        """The next `n` rows are those of the file at `path`."""
        if n:
            self._starts.append(self.n)
            self._paths.append(path)
            self.n += n

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds = {}

    def __getitem__(self, key):
        rows, cols = key if isinstance(key, tuple) else (key, slice(None))
        if isinstance(rows, (int, np.integer)):
            return self._read(np.array([rows]))[0, cols]
        return self._read(np.asarray(rows))[:, cols]

    def _fd(self, seg: int) -> int:
        fd = self._fds.get(seg)
        if fd is None:
            fd = self._fds[seg] = os.open(self._paths[seg], os.O_RDONLY)
        return fd

    def _read(self, rows: np.ndarray) -> np.ndarray:
        uniq, inverse = np.unique(rows, return_inverse=True)
        out = np.empty((uniq.size, self.width), dtype=np.uint32)
        for k, r in enumerate(uniq.tolist()):
            seg = bisect.bisect_right(self._starts, r) - 1
            at = (r - self._starts[seg]) * self._row
            out[k] = np.frombuffer(os.pread(self._fd(seg), self._row, at), dtype=np.uint32)
        return out[inverse.reshape(-1)]


class SpilledRows(SegmentRows):
    """The first `n` rows of one file of uint32 signatures of `width` values."""

    def __init__(self, path: Path, n: int, width: int):
        super().__init__(width)
        self.add(path, n)
