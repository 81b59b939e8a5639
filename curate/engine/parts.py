"""Interim outputs in partitions: the rule that cuts ingest's sorted raw files into partitions,
and the layout every interim stage folder shares, with the functions that read it back.

The rule (`cut`), applied to the raw files in path order; a new partition starts:

| where                                                     | why                                    |
|-----------------------------------------------------------|----------------------------------------|
| at a file of BATCH_BYTES (1 MB) or more, and right after  | a batch file (JSONL, WARC, SGML...)    |
| it                                                        | is a partition of its own              |
| at a file whose sha1(relative path) % CUT_MODULUS == 0    | content-defined cut: ~256 small files  |
|                                                           | a partition; a new folder changes only |
|                                                           | the partitions around where it sorts   |
| when the partition holds MAX_PART_BYTES (64 MB) or        | a safety cap                           |
| MAX_PART_FILES (4096) files                               |                                        |

Records keep their order: partitions in order, files in order within each, so the records of
all parts read in order are exactly those of the unpartitioned stage.

The layout of `corpus/interim/<stage>/` (one stage's output; partition i of every stage comes
from partition i of the stage before):

    parts/NNNNN.jsonl            records, one JSON line each (NNNNN: ordinal, in order)
    parts/NNNNN.rejected.jsonl   rejections, when the part has any (fewer files for DVC to walk)
    parts/NNNNN.skipped.jsonl    ingest only, when a file had items that are no input
    index.json                   the parts in order: each one's input digest, counts, and per
                                 file its sha256 and size (the same bytes on every machine and
                                 for every worker count)

Beside the folder, outside what DVC tracks, `corpus/interim/.<stage>.local.json` holds what
only this machine knows (`Local`): each part's reuse key (ingest's is made of its raw files'
stat identities) and each part file's stat identity (size, mtime, inode) with the sha256 it had.
A part's digest is trusted only while its file has the stat identity recorded with that sha256
(`verified_digest`); otherwise the file is hashed again, and a part is reused only under its
recorded key with unchanged files. A missing or stale local file costs work, never bytes."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import msgspec

from curate.engine.io import iter_lines, sha256_file, write_atomic
from curate.engine.progress import count_lines
from curate.layout import interim_dir

BATCH_BYTES = 1 << 20
CUT_MODULUS = 256
MAX_PART_BYTES = 64 << 20
MAX_PART_FILES = 4096

PARTS = "parts"
INDEX = "index.json"
FORMAT = 3  # of index.json and the local file: another value is ignored (every part recomputed)
SUFFIX = {"records": ".jsonl", "rejected": ".rejected.jsonl", "skipped": ".skipped.jsonl"}


def content_cut(rel: str) -> bool:
    """True when a partition starts at raw file `rel` by its path alone (rule b)."""
    return int.from_bytes(hashlib.sha1(rel.encode("utf-8")).digest()[-4:], "big") % CUT_MODULUS == 0


def cut(files: list[str], sizes: dict[str, int]) -> list[list[str]]:
    """The raw files (sorted relative paths) as partitions of consecutive files (the table above);
    `sizes` gives each file's bytes (missing: 0)."""
    parts: list[list[str]] = []
    current: list[str] = []
    nbytes = 0
    after_batch = False
    for rel in files:
        size = sizes.get(rel, 0)
        batch = size >= BATCH_BYTES
        if current and (batch or after_batch or content_cut(rel) or nbytes >= MAX_PART_BYTES
                        or len(current) >= MAX_PART_FILES):
            parts.append(current)
            current, nbytes = [], 0
        current.append(rel)
        nbytes += size
        after_batch = batch
    if current:
        parts.append(current)
    return parts


def part_name(i: int) -> str:
    return f"{i:05d}"


class Part(msgspec.Struct, forbid_unknown_fields=False):
    """One partition of a stage's output, as index.json lists it. `files` maps a kind of
    SUFFIX to [sha256, size] of its file (a kind without a file is absent)."""

    name: str
    input: str = ""      # digest of what the stage read for this part (ingest: its raw paths)
    inputs: int = 0
    kept: int = 0
    rejected: dict[str, int] = {}
    skipped: dict[str, int] = {}
    files: dict[str, list] = {}

    @property
    def output(self) -> str:
        """sha256 of the part's records file: the next stage's input digest for this part."""
        return self.files["records"][0] if "records" in self.files else ""


class Index(msgspec.Struct):
    format: int
    stage: str
    parts: list[Part]


_INDEX_DEC = msgspec.json.Decoder(Index)


class Local(msgspec.Struct):
    """What this machine knows of a stage folder (`local_path`): `keys` maps a part's name to
    its reuse key (its input + what else decides its output); `files` maps a part file's name
    to [sha256, size, mtime_ns, inode], its stat identity when it had that sha256."""

    format: int = FORMAT
    keys: dict[str, str] = {}
    files: dict[str, list] = {}


_LOCAL_DEC = msgspec.json.Decoder(Local)


def part_path(folder: Path, name: str, kind: str = "records") -> Path:
    return folder / PARTS / f"{name}{SUFFIX[kind]}"


def local_path(folder: Path) -> Path:
    """The local file of a stage folder: its sibling `.<stage>.local.json`."""
    return folder.parent / f".{folder.name}.local.json"


def read_local(folder: Path) -> Local:
    """The local file of a stage folder; empty when it is missing, unreadable or of another format."""
    try:
        local = _LOCAL_DEC.decode(local_path(folder).read_bytes())
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return Local()
    return local if local.format == FORMAT else Local()


def write_local(folder: Path, local: Local) -> None:
    write_atomic(local_path(folder), msgspec.json.encode(local))


def note_file(local: Local, path: Path, sha: str) -> list:
    """Record `path`'s stat identity with its sha256 in `local`; the index's [sha256, size]."""
    st = stat_identity(path)
    local.files[path.name] = [sha, *st]
    return [sha, st[0]]


def stat_identity(path: Path) -> list[int] | None:
    """[size, mtime_ns, inode] of a file, None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def unchanged(folder: Path, part: Part, kind: str, local: Local) -> bool:
    """True when the part's file of `kind` has the stat identity `local` recorded with the
    sha256 the index names."""
    entry = part.files.get(kind)
    path = part_path(folder, part.name, kind)
    known = local.files.get(path.name)
    return entry is not None and known is not None and known[0] == entry[0] and stat_identity(path) == known[1:]


def read_index(folder: Path) -> list[Part] | None:
    """The parts index.json lists, None when it is missing, unreadable or of another format."""
    try:
        index = _INDEX_DEC.decode((folder / INDEX).read_bytes())
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    return index.parts if index.format == FORMAT else None


def write_index(folder: Path, stage: str, parts: list[Part]) -> None:
    """index.json of a folder being built (the folder is swapped in whole, so no temp file)."""
    (folder / INDEX).write_bytes(msgspec.json.format(msgspec.json.encode(Index(FORMAT, stage, parts)), indent=1))


class MissingStageOutput(FileNotFoundError):
    """A stage's folder has no readable index.json: it was never built (run the stage before)."""


def stage_parts(root: Path, stage: str) -> list[Part]:
    """The parts of a stage's output in order; MissingStageOutput when it has no index."""
    folder = interim_dir(root, stage)
    parts = read_index(folder)
    if parts is None:
        raise MissingStageOutput(errno.ENOENT, f"missing or unreadable: run `curate {stage}` first", str(folder / INDEX))
    return parts


def stage_files(root: Path, stage: str, kind: str = "records") -> list[Path]:
    """The files of one kind (SUFFIX) of a stage's parts, in order (parts without one skipped)."""
    folder = interim_dir(root, stage)
    return [part_path(folder, p.name, kind) for p in stage_parts(root, stage) if kind in p.files]


def iter_stage_lines(root: Path, stage: str, rejected: bool = False, kind: str | None = None) -> Iterator[bytes]:
    """The non-blank lines of a stage's records (or rejections, or another kind), part by part."""
    for path in stage_files(root, stage, kind or ("rejected" if rejected else "records")):
        yield from iter_lines(path)


def verified_digest(folder: Path, part: Part, local: Local, kind: str = "records") -> str:
    """The sha256 of a part's file: the index's when the file's stat identity is the one `local`
    recorded with it, else the file's bytes hashed now (an index is never trusted blindly)."""
    if unchanged(folder, part, kind, local):
        return part.files[kind][0]
    return sha256_file(part_path(folder, part.name, kind))


def digest(*fields: str) -> str:
    """sha256 of text fields, each ended by NUL: a reuse key or an input digest."""
    h = hashlib.sha256()
    for f in fields:
        h.update(f.encode("utf-8") + b"\0")
    return h.hexdigest()


def write_stage_folder(folder: Path, stage: str, parts: list[dict[str, bytes | Path]]) -> None:
    """A stage folder written from given bytes, for benchmarks and tests that synthesise interim
    outputs: `parts[i]` maps kinds of SUFFIX to file bytes, or to a file moved into place
    (records always written, another kind only when it has bytes, as the stages write them);
    each part counts its lines as kept and rejected (as `unknown`)."""
    (folder / PARTS).mkdir(parents=True, exist_ok=True)
    index, local = [], Local()
    for i, data in enumerate(parts):
        part = Part(part_name(i), files={})
        lines = {}
        for kind, content in {"records": b"", **data}.items():
            if kind != "records" and content == b"":
                continue
            path = part_path(folder, part.name, kind)
            if isinstance(content, Path):
                os.replace(content, path)
            else:
                path.write_bytes(content)
            lines[kind] = count_lines(path)
            part.files[kind] = note_file(local, path, sha256_file(path))
        part.kept, nrej = lines["records"], lines.get("rejected", 0)
        part.rejected = {"unknown": nrej} if nrej else {}
        part.inputs = part.kept + nrej
        index.append(part)
    write_index(folder, stage, index)
    write_local(folder, local)
