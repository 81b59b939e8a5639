"""What dedup keeps of each clean part between builds, outside DVC's outputs (beside the interim
folders, in `corpus/interim/.dedup-parts/`): per part a `.keys` file (its records' KeyTable
hashes and cancellation flags, and with near dedup on the compact columns of the LSH index:
short band keys, distinct-shingle counts, has-words) and a `.sigs` file (its MinHash signatures,
uint32 rows, read back with pread only for candidate pairs).

A part's files are named by its input digest (sha256 of the clean part) + the dedup code and
params (`dedup_stage_key`), so an unchanged part costs one read of its `.keys` file instead of a
decode of every line and a MinHash cache lookup per record. A `.keys` file is trusted only when
its header (format, settings, sizes) and its blake2b digest match and its `.sigs` file has the
stat identity (size, mtime, inode) the header recorded when it was written (the signatures are
read by pread for candidate pairs only, so they are not hashed on every build); anything else is
computed again from the part's lines: a missing, stale or rewritten file costs time, never bytes. Files of parts the current build no longer has are
deleted at the end of the stage (`prune`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from curate.engine.io import atomic_writer, write_atomic

FORMAT = b"CDP2"
# format, records, num_perm, bands, blake2b-256 of the body, the .sigs file's size, mtime_ns, inode
_HEADER = struct.Struct("<4sQII32sQQQ")


@dataclass
class PartSummary:
    """One clean part's columns, each the bytes of a little-endian array of `n` records."""

    n: int
    id_hashes: bytes       # uint64: KeyTable's id hashes
    content_hashes: bytes  # uint64: KeyTable's content-hash hashes
    canceled: bytes        # one byte each
    sizes: bytes = b""     # uint32: distinct shingles (near dedup on)
    usable: bytes = b""    # one byte each: the text has words
    short: bytes = b""     # uint32 x bands: low 32 bits of the LSH band keys
    signatures: Path | None = None  # the .sigs file (near dedup on)


def summary_folder(interim: Path) -> Path:
    """The folder of the part files, beside the interim stage folders (`interim`: their parent)."""
    return interim / ".dedup-parts"


def _paths(folder: Path, name: str) -> tuple[Path, Path]:
    return folder / f"{name}.keys", folder / f"{name}.sigs"


def _widths(bands: int) -> list[int]:
    """Bytes a record of each column takes, in file order."""
    return [8, 8, 1] + ([4, 1, 4 * bands] if bands else [])


def read_summary(folder: Path, name: str, num_perm: int, bands: int) -> PartSummary | None:
    """The part's summary, or None when its files are missing, of other settings or damaged."""
    keys, sigs = _paths(folder, name)
    try:
        data = keys.read_bytes()
        fmt, n, perm, nbands, digest, *sigs_identity = _HEADER.unpack_from(data)
        body = memoryview(data)[_HEADER.size:]
        if (fmt != FORMAT or perm != num_perm or nbands != bands or len(body) != n * sum(_widths(bands))
                or hashlib.blake2b(body, digest_size=32).digest() != digest):
            return None
        if bands and (_identity(sigs) != sigs_identity or sigs_identity[0] != 4 * num_perm * n):
            return None
    except (OSError, struct.error):
        return None
    cols, at = [], 0
    for width in _widths(bands):
        cols.append(bytes(body[at:at + n * width]))
        at += n * width
    return PartSummary(n, *cols, signatures=sigs if bands else None)


def _identity(path: Path) -> list[int]:
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns, st.st_ino]


class SummaryWriter:
    """Builds one part's files: signature rows appended as they are computed (to the .sigs
    file's temp, engine/io.atomic_writer), the columns gathered in memory; `finish` swaps the
    .sigs file in, then writes .keys (the last, so a .keys file never names signatures that are
    not there); `abort` removes the temp."""

    def __init__(self, folder: Path, name: str, num_perm: int, bands: int):
        folder.mkdir(parents=True, exist_ok=True)
        self.keys, self.sigs = _paths(folder, name)
        self.num_perm, self.bands = num_perm, bands
        self.cols = [bytearray() for _ in _widths(bands)]
        self.n = 0
        self._files = contextlib.ExitStack()
        self._fh = self._files.enter_context(atomic_writer(self.sigs)) if bands else None

    def add(self, n: int, *cols: bytes, signatures: bytes = b"") -> None:
        """`n` more records: their columns in file order and, with near dedup on, signature rows."""
        for col, data in zip(self.cols, cols):
            col += data
        if self._fh is not None:
            self._fh.write(signatures)
        self.n += n

    def finish(self) -> PartSummary:
        self._files.close()
        body = b"".join(self.cols)
        identity = _identity(self.sigs) if self.bands else [0, 0, 0]
        header = _HEADER.pack(FORMAT, self.n, self.num_perm, self.bands, hashlib.blake2b(body, digest_size=32).digest(),
                              *identity)
        write_atomic(self.keys, header + body)
        return PartSummary(self.n, *map(bytes, self.cols), signatures=self.sigs if self.bands else None)

    def abort(self) -> None:
        """Called from an `except` block: the .sigs temp is removed, nothing is swapped in."""
        self._files.__exit__(*sys.exc_info())


def prune(folder: Path, names: set[str]) -> None:
    """Delete the files of every part not in `names` (and any temp file left there)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.split(".", 1)[0] not in names or entry.name.startswith(".tmp-"):
            try:
                os.unlink(entry.path)
            except OSError:
                pass
