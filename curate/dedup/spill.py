"""The compact near-duplicate index's scratch file of signatures (curate/dedup/near_dup.py): rows
read back with pread, only those of candidate pairs."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


class SpilledRows:
    """Rows of a file of uint32 signatures, read with pread: `rows[i]`, `rows[idx]` and
    `rows[idx, cols]` as for an array. Not a memory map: mapped pages of a file the page cache
    holds count in the process's RSS, and the kernel maps 16 pages around each row touched."""

    def __init__(self, path: Path, n: int, width: int):
        self.shape = (n, width)
        self._fd = os.open(path, os.O_RDONLY)
        self._row = 4 * width

    def close(self) -> None:
        os.close(self._fd)

    def __getitem__(self, key):
        rows, cols = key if isinstance(key, tuple) else (key, slice(None))
        if isinstance(rows, (int, np.integer)):
            return self._read(np.array([rows]))[0, cols]
        return self._read(np.asarray(rows))[:, cols]

    def _read(self, rows: np.ndarray) -> np.ndarray:
        uniq, inverse = np.unique(rows, return_inverse=True)
        out = np.empty((uniq.size, self.shape[1]), dtype=np.uint32)
        for k, r in enumerate(uniq.tolist()):
            out[k] = np.frombuffer(os.pread(self._fd, self._row, r * self._row), dtype=np.uint32)
        return out[inverse.reshape(-1)]
