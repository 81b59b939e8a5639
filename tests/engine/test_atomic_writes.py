"""One atomic writer (curate/engine/io.py) for every file the toolkit writes: `curate add`'s
copies, exports and release files included. Unique temp names in the target folder, swapped in
whole, the temp removed whatever happens, a killed writer's temp swept."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import msgspec
import pytest

from curate.release.export import export
from curate.engine.io import write_new
from curate.record import Record, Source


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_a_new_file_is_never_written_over_an_existing_one_and_leaves_no_temp(tmp_path):
    target = tmp_path / "raw" / "a.txt"
    write_new(target, b"first")
    with pytest.raises(FileExistsError):
        write_new(target, b"second")
    assert target.read_bytes() == b"first" and os.listdir(target.parent) == ["a.txt"]


def curated_version(root: Path) -> Path:
    articles = root / "corpus/curated/articles"
    articles.mkdir(parents=True)
    (root / "corpus/curated/rejected").mkdir()
    rec = Record(id="doc-1", source=Source(path="a.txt", format="plaintext", sha256="0"), text="Talks resumed.")
    (articles / "part-00000.jsonl").write_bytes(msgspec.json.encode(rec) + b"\n")
    return root


def test_an_export_sweeps_the_temp_files_of_a_killed_export(tmp_path):
    root, out = curated_version(tmp_path / "proj"), tmp_path / "out"
    out.mkdir()
    killed = out / f".tmp-articles.parquet-{dead_pid()}-abcdefgh"
    killed.write_bytes(b"PAR1 half a file")
    export(root, "jsonl.gz", None, out)
    assert sorted(os.listdir(out)) == ["articles.jsonl.gz", "rejected.jsonl.gz"]
