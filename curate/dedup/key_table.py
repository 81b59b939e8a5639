"""The compact per-record keys dedup decides over: 17 bytes a record held in memory, the full keys
read back only for the records a rule has to look at.

Per record the table keeps 64-bit blake2b hashes of its id and of its content hash and whether
it is a cancellation item. The decisions (curate/dedup/decisions.py) group by these hashes and
load the full `DedupKey` of every record in a group of two or more (or sharing an id with a
cancellation) through `load`, then decide on the real values: a hash collision only costs a
load, never a decision. A table built from a list of keys (`of`) loads from that list.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable, Mapping

import numpy as np

from curate.dedup.lsh import repeated
from curate.record import CANCELED_FLAG


def _h64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "little")


class KeyTable:
    """Hashes of each record's id and content hash, its cancellation flag; full keys on demand."""

    def __init__(self, load: Callable[[list[int]], Mapping[int, object]]):
        self.load = load  # sorted indices -> {index: DedupKey}
        self._id = array("Q")
        self._content = array("Q")
        self._canceled = bytearray()

    @classmethod
    def of(cls, keys: list) -> KeyTable:
        table = cls(lambda wanted: {i: keys[i] for i in wanted})
        for k in keys:
            table.add(k)
        return table

    def add(self, key) -> None:
        self._id.append(_h64(key.id))
        self._content.append(_h64(key.content_hash))
        self._canceled.append(CANCELED_FLAG in key.flags)

    def extend(self, id_hashes: bytes, content_hashes: bytes, canceled: bytes) -> None:
        """Records at once, as `columns` gave them (a part kept between builds)."""
        self._id.frombytes(id_hashes)
        self._content.frombytes(content_hashes)
        self._canceled += canceled

    def __len__(self) -> int:
        return len(self._canceled)

    @property
    def nbytes(self) -> int:
        """Bytes held in memory (the arrays' lengths; array.array over-allocates a few %)."""
        return (self._id.buffer_info()[1] + self._content.buffer_info()[1]) * 8 + len(self._canceled)

    def canceled(self) -> list[int]:
        return np.flatnonzero(np.frombuffer(self._canceled, dtype=bool)).tolist() if len(self) else []

    def worth_loading(self) -> list[int]:
        """Sorted indices of every record that some rule may compare with another: sharing an id
        hash or a content hash with another record, or an id hash with a cancellation."""
        if not len(self):
            return []
        ids = np.frombuffer(self._id, dtype=np.uint64)
        content = np.frombuffer(self._content, dtype=np.uint64)
        want = repeated(ids) | repeated(content)
        canceled = np.frombuffer(self._canceled, dtype=bool)
        if canceled.any():
            want |= canceled | np.isin(ids, ids[canceled])
        return np.flatnonzero(want).tolist()


def columns(keys: list) -> tuple[bytes, bytes, bytes]:
    """The table's columns of `keys` as bytes (id hashes, content hashes, cancellation flags),
    what `extend` takes."""
    table = KeyTable(dict)
    for k in keys:
        table.add(k)
    return table._id.tobytes(), table._content.tobytes(), bytes(table._canceled)


def load_lines(lines: Iterable[bytes], wanted: list[int], decode) -> dict[int, object]:
    """{index: decode(line)} for the wanted indices of a stream of lines (one pass)."""
    want = set(wanted)
    out = {}
    if not want:
        return out
    for i, line in enumerate(lines):
        if i in want:
            out[i] = decode(line)
            if len(out) == len(want):
                break
    return out
