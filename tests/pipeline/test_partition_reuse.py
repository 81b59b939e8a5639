"""A rebuild reuses every interim part whose input and settings did not change: its files are
hard-linked from the previous output (same inode), and only the parts that changed are written."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import msgspec
import pytest

from curate.clean.stage import run_clean
from curate.dedup.stage import run_dedup
from curate.engine import parts
from curate.engine.parts import part_path, stage_parts
from curate.extract.stage import run_extract
from curate.layout import interim_dir, shard_paths
from curate.params import CleanParams, ExtractParams
from curate.validate.stage import run_validate
from tests.builders import build_stages, one_worker, stage_bytes, synthetic_article, with_sample

INTERIM = ("ingest", "clean", "dedup", "extract")


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    """A raw file of 1,500 bytes or more is a batch (a partition of its own), so a test's batches
    stay small; the rule is otherwise the real one."""
    monkeypatch.setattr(parts, "BATCH_BYTES", 1500)


def params():
    p = one_worker()
    return msgspec.structs.replace(p, extract=msgspec.structs.replace(p.extract, model=None))


def write_batch(root: Path, rel: str, articles: list[tuple[str, str]]) -> None:
    """A JSONL batch of (id, text) articles under corpus/raw."""
    path = root / "corpus/raw" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"id": i, "title": f"Harbour report {i}", "date": "2013-05-20",
                                        "text": text}) + "\n" for i, text in articles))


def batch_articles(seed: int, n: int = 4) -> list[tuple[str, str]]:
    return [(f"b{seed}-{i}", synthetic_article(i, seed=seed)) for i in range(n)]


def inodes(root: Path, stage: str) -> dict[int, str]:
    """inode -> part name of every file of a stage's parts."""
    folder = interim_dir(root, stage)
    return {part_path(folder, p.name, kind).stat().st_ino: p.name for p in stage_parts(root, stage) for kind in p.files}


@pytest.fixture
def built(tmp_path) -> Path:
    root = with_sample(tmp_path)
    write_batch(root, "batches/a.jsonl", batch_articles(1))
    build_stages(root, params(), INTERIM)
    return root


def test_adding_a_batch_writes_only_its_part_in_every_interim_stage(built):
    before = {s: inodes(built, s) for s in INTERIM}
    write_batch(built, "batches/b.jsonl", batch_articles(2))
    results = build_stages(built, params(), INTERIM)
    for stage in INTERIM:
        after = inodes(built, stage)
        new = {name for ino, name in after.items() if ino not in before[stage]}
        assert len(new) == 1, (stage, new)  # one part written; every other file is an earlier one
        assert results[stage].extra["parts_reused"] == len(stage_parts(built, stage)) - 1


def test_a_rebuild_with_reused_parts_gives_the_bytes_of_a_fresh_build(built, tmp_path):
    write_batch(built, "batches/b.jsonl", batch_articles(2))
    build_stages(built, params(), INTERIM)
    fresh = with_sample(tmp_path / "fresh")
    for rel in ("batches/a.jsonl", "batches/b.jsonl"):
        (fresh / "corpus/raw/batches").mkdir(exist_ok=True)
        (fresh / "corpus/raw" / rel).write_bytes((built / "corpus/raw" / rel).read_bytes())
    build_stages(fresh, params(), INTERIM)
    for stage in INTERIM:
        for kind in ("records", "rejected"):
            assert stage_bytes(built, stage, kind) == stage_bytes(fresh, stage, kind), (stage, kind)


def test_index_json_holds_no_local_fact_so_a_rebuild_and_a_fresh_build_write_the_same_bytes(built, tmp_path):
    """Stat identities and ingest's stat-based reuse keys live in the local file beside the
    folder (`.<stage>.local.json`), not in what DVC tracks."""
    write_batch(built, "batches/b.jsonl", batch_articles(2))
    build_stages(built, params(), INTERIM)
    fresh = with_sample(tmp_path / "fresh")
    shutil.copytree(built / "corpus/raw/batches", fresh / "corpus/raw/batches")
    build_stages(fresh, params(), INTERIM)
    for stage in INTERIM:
        index = interim_dir(built, stage) / "index.json"
        assert index.read_bytes() == (interim_dir(fresh, stage) / "index.json").read_bytes(), stage
        assert parts.local_path(interim_dir(built, stage)).is_file()


def test_without_its_local_file_a_stage_recomputes_every_part_to_the_same_bytes(built):
    before = stage_bytes(built, "clean")
    parts.local_path(interim_dir(built, "clean")).unlink()
    result = run_clean(built, params())
    assert result.extra["parts_reused"] == 0 and stage_bytes(built, "clean") == before


def test_changing_a_clean_param_recomputes_every_clean_part(built):
    before = inodes(built, "clean")
    other = msgspec.structs.replace(params(), clean=CleanParams(fix_mojibake=False))
    result = run_clean(built, other)
    assert result.extra["parts_reused"] == 0 and result.extra["parts"] == len(stage_parts(built, "clean")) > 1
    assert not set(before) & set(inodes(built, "clean"))


def test_changing_an_extract_param_recomputes_every_extract_part(built):
    before = inodes(built, "extract")
    other = msgspec.structs.replace(params(), extract=msgspec.structs.replace(params().extract, short_words=10_000))
    assert run_extract(built, other).extra["parts_reused"] == 0
    assert not set(before) & set(inodes(built, "extract"))


def test_adding_a_batch_publishes_one_new_curated_shard_and_hard_links_every_other(built):
    run_validate(built, params())
    before = {p.name: p.stat().st_ino for p in shard_paths(built / "corpus/curated")}
    write_batch(built, "batches/b.jsonl", batch_articles(2))
    results = build_stages(built, params())
    after = {p.name: p.stat().st_ino for p in shard_paths(built / "corpus/curated")}
    assert set(before.values()) <= set(after.values())  # every old shard, same inode
    assert len(set(after.values()) - set(before.values())) == 1
    assert results["validate"].extra["parts_reused"] == results["validate"].extra["parts"] - 1


def test_the_sample_publishes_the_records_of_the_hash_sharded_layout(built, tmp_path):
    """`output.shards: 0` (a shard per part) and `output.shards: 8` (by crc32 of the id) hold
    the same record lines, each file sorted by id, beside the same rejections and counts."""
    layouts = {}
    for shards in (0, 8):
        p = msgspec.structs.replace(params(), output=msgspec.structs.replace(params().output, shards=shards))
        run_validate(built, p)
        files = shard_paths(built / "corpus/curated")
        ids = [[json.loads(ln)["id"] for ln in f.read_bytes().splitlines()] for f in files]
        assert all(i == sorted(i) for i in ids)
        names = {f.name for f in files}
        assert len(names) == 8 if shards else 1 < len(names) and \
            names <= {f"part-{p.name}.jsonl" for p in stage_parts(built, "extract")}
        metrics = json.loads((built / "reports/metrics.json").read_text())
        layouts[shards] = (sorted(ln for f in files for ln in f.read_bytes().splitlines()),
                           stage_bytes_of(built / "corpus/curated/rejected"), metrics.pop("shards") and metrics)
    assert layouts[0][0] and layouts[0] == layouts[8]


def stage_bytes_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_drop_caused_by_a_new_batch_rewrites_the_old_partition(built):
    """The copy that arrives first (by raw path) is kept: a new batch sorted before the old one
    holding one of its texts makes dedup drop the old copy, inside the old part."""
    old_text = batch_articles(1)[2][1]
    old_part = next(p.name for p in stage_parts(built, "dedup") if "b1-2" in
                    part_path(interim_dir(built, "dedup"), p.name).read_text())
    before = inodes(built, "dedup")
    write_batch(built, "batches/0-new.jsonl", [("copy-of-b1-2", old_text)] + batch_articles(3))
    build_stages(built, params(), INTERIM)
    rejected = [json.loads(ln) for ln in stage_bytes(built, "dedup", "rejected").splitlines()]
    assert ("jsonl-b1-2", "duplicate", "jsonl-copy-of-b1-2") in \
        [(r["id"], r["reason"], r["duplicate_of"]) for r in rejected]
    written = {name for ino, name in inodes(built, "dedup").items() if ino not in before}
    moved = f"{int(old_part) + 1:05d}"  # the new batch sorts first: the old part is now one further
    assert written == {"00000", moved}


def test_a_part_file_changed_behind_its_index_is_recomputed(built):
    folder = interim_dir(built, "clean")
    first = stage_parts(built, "clean")[0]
    path = part_path(folder, first.name)
    good = path.read_bytes()
    path.write_bytes(b"{}\n")  # new bytes, new mtime: the index no longer describes the file
    run_clean(built, params())
    assert part_path(folder, stage_parts(built, "clean")[0].name).read_bytes() == good


def test_a_stage_reads_a_changed_input_part_by_its_bytes_not_by_the_index(built):
    """Dedup's input digest of a part comes from clean's index only while the file is unchanged."""
    folder = interim_dir(built, "clean")
    first = stage_parts(built, "clean")[0]
    path = part_path(folder, first.name)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]))  # one record fewer than the index says
    run_dedup(built, params())
    dedup = stage_parts(built, "dedup")[0]
    assert dedup.inputs == len(lines) - 1


def test_a_missing_part_file_is_recomputed(built):
    folder = interim_dir(built, "extract")
    part = stage_parts(built, "extract")[0]
    path = part_path(folder, part.name, "records")
    good = path.read_bytes()
    os.unlink(path)
    result = run_extract(built, params())
    assert result.extra["parts_reused"] == result.extra["parts"] - 1
    assert part_path(folder, stage_parts(built, "extract")[0].name, "records").read_bytes() == good


def test_a_part_without_rejections_has_no_rejected_file(built):
    seen = set()
    for stage in INTERIM:
        folder = interim_dir(built, stage)
        for p in stage_parts(built, stage):
            seen.add(bool(p.rejected))
            assert ("rejected" in p.files) == bool(p.rejected), (stage, p.name)
            assert part_path(folder, p.name, "rejected").exists() == bool(p.rejected), (stage, p.name)
    assert seen == {True, False}  # the sample has parts of both kinds


def test_an_unreadable_index_recomputes_every_part(built):
    before = stage_bytes(built, "clean")
    (interim_dir(built, "clean") / "index.json").write_text("{not json")
    result = run_clean(built, params())
    assert result.extra["parts_reused"] == 0 and stage_bytes(built, "clean") == before
