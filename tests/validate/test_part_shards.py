"""Validate part by part (`output.shards: 0`): one curated shard per extract part with accepted
records, named for the part's ordinal and sorted by id; a rebuild judges only the parts whose
key changed and hard-links the shards of the others; a corpus rule failure publishes nothing;
the records are those of the hash-sharded layout (`output.shards: N`)."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from curate.layout import METRICS, shard_paths
from curate.params import Params
from curate.record import encode
from curate.validate import reuse
from curate.validate.stage import CorpusRuleError, run_validate
from tests.builders import one_worker, write_parts
from tests.validate.test_validate import rec


def lines(ids: list[str], **kw) -> bytes:
    return b"".join(encode(rec(id=i, **kw)) + b"\n" for i in ids)


PARTS = [lines(["c-2", "c-1", "c-3"]), lines(["a-2", "a-1"]), lines(["b-1", "b-3", "b-2"])]


def params(shards: int = 0, **validate) -> Params:
    p = one_worker()
    return msgspec.structs.replace(p, output=msgspec.structs.replace(p.output, shards=shards),
                                   validate=msgspec.structs.replace(p.validate, **validate))


def curated(root: Path) -> Path:
    return root / "corpus/curated"


def inodes(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in shard_paths(curated(root))}


def ids_in(path: Path) -> list[str]:
    return [json.loads(ln)["id"] for ln in path.read_text().splitlines()]


@pytest.fixture
def built(tmp_path) -> Path:
    write_parts(tmp_path, PARTS)
    run_validate(tmp_path, params())
    return tmp_path


def test_each_extract_part_is_one_shard_named_for_its_ordinal_and_sorted_by_id(built):
    shards = shard_paths(curated(built))
    assert [p.name for p in shards] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert [ids_in(p) for p in shards] == [["c-1", "c-2", "c-3"], ["a-1", "a-2"], ["b-1", "b-2", "b-3"]]


def test_a_part_without_accepted_records_has_no_shard(tmp_path):
    write_parts(tmp_path, [PARTS[0], lines(["x-1"], text=" "), PARTS[2]])
    run_validate(tmp_path, params())
    assert [p.name for p in shard_paths(curated(tmp_path))] == ["part-00000.jsonl", "part-00002.jsonl"]
    manifest = json.loads((curated(tmp_path) / "manifest.json").read_text())
    assert [s["path"] for s in manifest["shards"]] == ["articles/part-00000.jsonl", "articles/part-00002.jsonl"]


def test_a_new_part_is_the_one_shard_written_every_other_is_hard_linked(built):
    before = inodes(built)
    write_parts(built, PARTS + [lines(["d-1"])])
    result = run_validate(built, params())
    after = inodes(built)
    assert result.extra["parts_reused"] == 3
    assert {n: after[n] for n in before} == before
    assert set(after) - set(before) == {"part-00003.jsonl"}


def test_a_rebuild_publishes_the_bytes_of_a_fresh_build(built, tmp_path):
    write_parts(built, PARTS + [lines(["d-1"])])
    run_validate(built, params())
    fresh = tmp_path / "fresh"
    write_parts(fresh, PARTS + [lines(["d-1"])])
    run_validate(fresh, params())
    for path in sorted(curated(fresh).rglob("*.json*")):
        assert path.read_bytes() == (curated(built) / path.relative_to(curated(fresh))).read_bytes(), path
    assert (fresh / METRICS).read_bytes() == (built / METRICS).read_bytes()


def test_changing_a_validate_param_judges_every_part_again(built):
    before = set(inodes(built).values())
    result = run_validate(built, params(min_words=2))
    assert result.extra["parts_reused"] == 0
    assert not before & set(inodes(built).values())


def test_a_shard_changed_on_disk_is_written_again(built):
    shard = curated(built) / "articles/part-00001.jsonl"
    shard.write_bytes(shard.read_bytes() + b"\n")
    result = run_validate(built, params())
    assert result.extra["parts_reused"] == 2
    assert ids_in(shard) == ["a-1", "a-2"] and shard.read_bytes().count(b"\n") == 2


def test_a_corpus_rule_failure_publishes_nothing_and_keeps_what_a_rebuild_reuses(built):
    published = {p: p.read_bytes() for p in sorted(curated(built).rglob("*")) if p.is_file()}
    before = inodes(built)
    write_parts(built, PARTS + [lines([f"e-{i}" for i in range(9)], title=None)])
    with pytest.raises(CorpusRuleError):
        run_validate(built, params())
    assert {p: p.read_bytes() for p in sorted(curated(built).rglob("*")) if p.is_file()} == published
    assert inodes(built) == before
    write_parts(built, PARTS)
    assert run_validate(built, params()).extra["parts_reused"] == 3


def test_an_id_an_earlier_part_had_is_rejected_as_a_duplicate_in_either_layout(tmp_path):
    dup = [PARTS[0], lines(["c-2", "z-1"], text="Another text about Moscow.", entities=[])]
    for shards in (0, 8):
        root = tmp_path / f"s{shards}"
        write_parts(root, dup)
        run_validate(root, params(shards))
        rejected = [json.loads(ln) for ln in (curated(root) / "rejected/duplicate_id.jsonl").read_text().splitlines()]
        assert [r["id"] for r in rejected] == ["c-2"]
        assert sorted(i for p in shard_paths(curated(root)) for i in ids_in(p)) == ["c-1", "c-2", "c-3", "z-1"]


def test_a_new_part_holding_an_id_of_a_reused_part_has_it_rejected_as_a_duplicate(built):
    write_parts(built, PARTS + [lines(["a-1", "d-1"], text="Another text about Moscow.", entities=[])])
    result = run_validate(built, params())
    assert result.extra["parts_reused"] == 3 and result.rejected == {"duplicate_id": 1}
    assert ids_in(curated(built) / "articles/part-00003.jsonl") == ["d-1"]


def test_a_duplicate_id_in_a_reused_part_is_judged_again_when_the_earlier_part_changes(tmp_path):
    write_parts(tmp_path, [PARTS[0], lines(["c-2"], text="Another text about Moscow.", entities=[])])
    run_validate(tmp_path, params())
    assert len(shard_paths(curated(tmp_path))) == 1
    write_parts(tmp_path, [PARTS[1], lines(["c-2"], text="Another text about Moscow.", entities=[])])
    result = run_validate(tmp_path, params())
    assert result.extra["parts_reused"] == 0
    assert [p.name for p in shard_paths(curated(tmp_path))] == ["part-00000.jsonl", "part-00001.jsonl"]


def test_the_part_layout_publishes_the_records_rejections_and_counts_of_the_hash_layout(tmp_path):
    parts = PARTS + [lines(["d-1", "d-2"], date="1850-01-01"), lines(["e-1"])]
    out = {}
    for shards in (0, 3):
        root = tmp_path / f"s{shards}"
        write_parts(root, parts)
        run_validate(root, params(shards))
        files = shard_paths(curated(root))
        assert all(ids_in(p) == sorted(ids_in(p)) for p in files)
        metrics = json.loads((root / METRICS).read_text())
        out[shards] = (sorted(ln for p in files for ln in p.read_bytes().splitlines()),
                       {p.name: p.read_bytes() for p in sorted((curated(root) / "rejected").iterdir())},
                       {k: v for k, v in metrics.items() if k != "shards"})
    assert out[0] == out[3]


def test_the_hash_layout_keeps_no_part_state(tmp_path):
    write_parts(tmp_path, PARTS)
    run_validate(tmp_path, params())
    assert reuse.state_dir(tmp_path).is_dir()
    run_validate(tmp_path, params(8))
    assert not reuse.state_dir(tmp_path).exists()
    assert len(shard_paths(curated(tmp_path))) == 8


def test_a_part_whose_kept_rejections_are_gone_is_judged_again(tmp_path):
    write_parts(tmp_path, [PARTS[0], lines(["x-1", "x-2"], date="1850-01-01")])
    run_validate(tmp_path, params())
    published = (curated(tmp_path) / "rejected/date_out_of_range.jsonl").read_bytes()
    for path in reuse.state_dir(tmp_path).glob("*.rejected.jsonl"):
        path.unlink()
    result = run_validate(tmp_path, params())
    assert result.extra["parts_reused"] == 1
    assert (curated(tmp_path) / "rejected/date_out_of_range.jsonl").read_bytes() == published
