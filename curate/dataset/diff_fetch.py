"""Reading back the records a diff reports: the lines at (shard, offset) locations of a version,
decoded; one pass per shard in offset order."""

from __future__ import annotations

import struct
from collections.abc import Iterator

import msgspec

from curate.dataset.versions import Version, VersionError, iter_lines_at

TAIL = struct.Struct("<IQ")  # the (shard, offset) tail of every packed index value of diff.py


class DiffError(VersionError):
    """A diff could not be made (unknown revision, unreadable version); exit code 2."""


_split = msgspec.json.Decoder(dict[str, msgspec.Raw])
_str = msgspec.json.Decoder(str)


def split_line(line: bytes, where: str) -> tuple[str, dict[str, msgspec.Raw]]:
    """A record line's id and its fields' raw JSON (DiffError if it is no record line)."""
    try:
        obj = _split.decode(line)
        return _str.decode(obj["id"]), obj
    except (msgspec.DecodeError, KeyError) as exc:
        raise DiffError(f"{where}: not a record line ({exc})") from exc


def unpack_location(packed: bytes) -> tuple[int, int]:
    """The (shard, offset) a packed index value ends with."""
    return TAIL.unpack_from(packed, len(packed) - TAIL.size)


def lines_at(version: Version, shards: list[str], want: dict[str, bytes]) -> Iterator[tuple[str, bytes]]:
    """(id, line) for the wanted ids, by seeking to their stored offsets (a scan if not seekable)."""
    by_file: dict[int, list[tuple[int, str]]] = {}
    for rid, packed in want.items():
        fi, off = unpack_location(packed)
        by_file.setdefault(fi, []).append((off, rid))
    for fi, items in sorted(by_file.items()):
        items.sort()
        path = shards[fi]
        missing = []
        fh = version.open(path)
        try:
            for off, rid in items:
                try:
                    fh.seek(off)
                    line = fh.readline().strip()
                    if split_line(line, path)[0] == rid:
                        yield rid, line
                        continue
                except Exception:  # noqa: BLE001 - not seekable, or moved: scan below
                    pass
                missing.append(rid)
        finally:
            fh.close()
        if missing:
            todo = set(missing)
            for _, _, line in iter_lines_at(version, [path]):
                rid = split_line(line, path)[0]
                if rid in todo:
                    todo.discard(rid)
                    yield rid, line
                    if not todo:
                        break
            if todo:
                raise DiffError(f"{version.label}: {path} changed while reading (ids gone: {sorted(todo)[:3]})")


def fetch_records(version: Version, shards: list[str], want: dict[str, bytes]) -> dict[str, dict]:
    """Full records (decoded) for a few ids."""
    return {rid: msgspec.json.decode(line) for rid, line in lines_at(version, shards, want)}
