"""`curate export --format parquet|jsonl.gz [--rev REV] [--output DIR]`: one file per split.

Splits are named for what they hold: `articles` (the accepted records, every shard in shard
order, each shard sorted by id) and `rejected` (every `rejected/<reason>.jsonl`, by reason).
A revision is read through DVC (`curate.dataset.versions`: `dvc.api.DVCFileSystem(rev=...)`, the local
cache, else the default remote of that revision); without `--rev` the working tree is read.

* `jsonl.gz`: the JSONL lines byte for byte, gzip without file name or timestamp in the header
  (the same version always gives the same bytes).
* `parquet`: one column per record field, typed from the record definition
  (`curate.release.croissant.record_fields`): nested objects are structs (`source`, `stats`,
  `provenance`), lists are lists (`authors`, `tickers`, `flags`; `entities` is a list of structs
  `{text, label, start, end}`), objects with an open key set are lists of two-member structs
  (`credits`: `[{role, names}]`; `provenance.rules`: `[{rule, version}]`; see
  `curate.release.features`), so `datasets` and pandas read them. Every record is decoded (and so
  checked) against the definition first. zstd compression; each field's meaning is in the
  Parquet field metadata (`description`), the revision in the schema metadata.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from typing import IO
from dataclasses import dataclass
from pathlib import Path

import msgspec

from curate.engine.io import atomic_writer, sweep_stale
from curate.release.croissant import record_fields
from curate.release.features import arrow_schema, to_arrow_value
from curate.record import Record, Rejected
from curate.dataset.versions import Version, VersionError, curated_dir, errors_as, open_version

FORMATS = ("parquet", "jsonl.gz")
SPLITS = {"articles": Record, "rejected": Rejected}
BATCH = 2000


class ExportError(VersionError):
    """Unknown format or revision, nothing to read; exit code 2."""


@dataclass
class Exported:
    split: str
    path: Path
    rows: int
    bytes: int
    sha256: str


# ------------------------------------------------------------------------------------ reading


def split_lines(version: Version, files: list[str]) -> Iterator[bytes]:
    """Every non-blank line of these files, byte for byte (ending in a newline)."""
    for rel in files:
        with version.open(rel) as fh:
            for line in fh:
                if line.strip():
                    yield line if line.endswith(b"\n") else line + b"\n"


# ------------------------------------------------------------------------------------ parquet


def _write_parquet(lines: Iterator[bytes], kind: type[msgspec.Struct], path: IO[bytes], metadata: dict) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    specs = record_fields(kind)
    schema = arrow_schema(kind, metadata)
    dec = msgspec.json.Decoder(kind)
    rows = 0
    batch: list[dict] = []
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        def flush():
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            batch.clear()

        for line in lines:
            try:
                rec = msgspec.to_builtins(dec.decode(line))
            except msgspec.ValidationError as exc:
                raise ExportError(f"a {kind.__name__} line does not match the record definition: {exc}") from exc
            batch.append({s.name: to_arrow_value(s, rec.get(s.name)) for s in specs})
            rows += 1
            if len(batch) >= BATCH:
                flush()
        if batch or rows == 0:
            flush()
    return rows


def _write_jsonl_gz(lines: Iterator[bytes], raw: IO[bytes]) -> int:
    rows = 0
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz:
        for line in lines:
            gz.write(line)
            rows += 1
    return rows


# ------------------------------------------------------------------------------------ export


def default_output(root: Path, rev: str | None) -> Path:
    label = rev.replace("/", "_") if rev else "workspace"
    return Path(root) / "exports" / label


@errors_as(ExportError)
def export(root: Path, fmt: str, rev: str | None = None, output: Path | None = None) -> list[Exported]:
    """Write `<output>/articles.<ext>` and `<output>/rejected.<ext>`; what was written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}' (one of {', '.join(FORMATS)})")
    src = open_version(Path(root), rev)
    curated = curated_dir(src)
    files = {split: src.list_jsonl(f"{curated}/{split}") for split in SPLITS}
    out_dir = Path(output) if output is not None else default_output(root, rev)
    out_dir.mkdir(parents=True, exist_ok=True)
    sweep_stale([out_dir])  # temp files of a killed export
    results = []
    for split, kind in SPLITS.items():
        final = out_dir / f"{split}.{fmt}"
        (out_dir / f".{final.name}.tmp").unlink(missing_ok=True)  # the temp name before engine/io's
        with atomic_writer(final) as fh:
            if fmt == "parquet":
                meta = {"curate.split": split, "curate.record": kind.__name__,
                        "curate.rev": rev or "working tree", "curate.commit": src.commit or ""}
                rows = _write_parquet(split_lines(src, files[split]), kind, fh, meta)
            else:
                rows = _write_jsonl_gz(split_lines(src, files[split]), fh)
        data = final.read_bytes()
        results.append(Exported(split, final, rows, len(data), hashlib.sha256(data).hexdigest()))
    return results
