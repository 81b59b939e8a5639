"""Dedup keeps each clean part's keys and signatures between builds (curate/dedup/part_summary.py):
a build after new parts arrive reads the unchanged parts back instead of decoding them, and
writes exactly the bytes a build from scratch writes, whatever the new parts do to the old."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import msgspec
import pytest

from curate.dedup.part_summary import summary_folder
from curate.dedup.stage import run_dedup
from curate.engine.parts import write_stage_folder
from curate.layout import interim_dir
from curate.params import Params
from curate.record import Record, Reason, Source, encode
from tests.builders import one_worker, stage_bytes, synthetic_article


def record(rid: str, text: str, published: str = "2013-05-10T10:00:00+00:00", path: str = "a.jsonl",
           line: int = 1, modified: str | None = None) -> bytes:
    return encode(Record(id=rid, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                         source=Source(path=path, format="jsonl", sha256="0" * 64, line=line),
                         date=published[:10], published_at=published, modified_at=modified, text=text)) + b"\n"


def old_parts() -> list[bytes]:
    """Two parts of distinct articles."""
    return [b"".join(record(f"reuters-OLD{p}{i}", synthetic_article(i, seed=p), path=f"old{p}.jsonl", line=i + 1)
                     for i in range(12)) for p in range(2)]


def write_clean(root: Path, parts: list[bytes]) -> None:
    folder = interim_dir(root, "clean")
    shutil.rmtree(folder, ignore_errors=True)
    write_stage_folder(folder, "clean", [{"records": p} for p in parts])


def outputs(root: Path) -> tuple[bytes, bytes, bytes]:
    return (stage_bytes(root, "dedup"), stage_bytes(root, "dedup", "rejected"),
            (interim_dir(root, "dedup") / "index.json").read_bytes())


def incremental_and_scratch(tmp_path: Path, new: bytes, params: Params | None = None,
                            damage=None) -> tuple[tuple, tuple, dict]:
    """Dedup over the old parts, then over the old parts + `new` (after `damage(root)`, when
    given), and from scratch in another project; (incremental outputs, scratch outputs, extra)."""
    params = params or one_worker()
    inc, scratch = tmp_path / "inc", tmp_path / "scratch"
    write_clean(inc, old_parts())
    run_dedup(inc, params)
    write_clean(inc, old_parts() + [new])
    if damage is not None:
        damage(inc)
    extra = run_dedup(inc, params).extra
    write_clean(scratch, old_parts() + [new])
    run_dedup(scratch, one_worker())
    return outputs(inc), outputs(scratch), extra


def rejected(out: tuple) -> list[dict]:
    return [msgspec.json.decode(line) for line in out[1].splitlines()]


def test_a_batch_without_duplicates_reuses_the_old_parts_and_writes_the_bytes_of_a_build_from_scratch(tmp_path):
    new = b"".join(record(f"reuters-NEW{i}", synthetic_article(i, seed=9), path="new.jsonl") for i in range(5))
    inc, scratch, extra = incremental_and_scratch(tmp_path, new)
    assert inc == scratch
    assert extra["summaries_reused"] == 2 and rejected(inc) == []


def test_an_earlier_exact_copy_in_a_new_batch_drops_the_old_record_as_from_scratch(tmp_path):
    text = synthetic_article(3, seed=0)
    new = record("reuters-COPY", text, published="2013-05-09T10:00:00+00:00", path="new.jsonl")
    inc, scratch, extra = incremental_and_scratch(tmp_path, new)
    assert inc == scratch and extra["summaries_reused"] == 2
    assert [(r["id"], r["reason"]) for r in rejected(inc)] == [("reuters-OLD03", Reason.DUPLICATE)]


def test_a_near_copy_in_a_new_batch_is_a_near_duplicate_as_from_scratch(tmp_path):
    text = synthetic_article(5, seed=1).replace("Officials", "Ministers", 1) + " More."
    new = record("reuters-NEAR", text, published="2013-05-11T10:00:00+00:00", path="new.jsonl")
    inc, scratch, extra = incremental_and_scratch(tmp_path, new)
    assert inc == scratch and extra["summaries_reused"] == 2
    assert [(r["id"], r["reason"]) for r in rejected(inc)] == [("reuters-NEAR", Reason.NEAR_DUPLICATE)]


def test_a_later_version_of_an_old_story_displaces_the_old_record_as_from_scratch(tmp_path):
    new = record("reuters-OLD17", synthetic_article(7, seed=1) + "\n\nUpdated with a new paragraph on the talks.",
                 path="new.jsonl", modified="2013-05-12T08:00:00+00:00")
    inc, scratch, extra = incremental_and_scratch(tmp_path, new)
    assert inc == scratch and extra["summaries_reused"] == 2
    dropped = rejected(inc)
    assert [(r["id"], r["reason"], r["source"]["path"]) for r in dropped] == [
        ("reuters-OLD17", Reason.STORY_VERSION, "old1.jsonl")]


def corrupt(root: Path) -> None:
    """Flip one byte of every kept .keys file."""
    for path in summary_folder(root / "corpus/interim").glob("*.keys"):
        data = bytearray(path.read_bytes())
        data[-1] ^= 0xFF
        path.write_bytes(bytes(data))


def truncate_signatures(root: Path) -> None:
    for path in summary_folder(root / "corpus/interim").glob("*.sigs"):
        path.write_bytes(path.read_bytes()[:-4])


def rewrite_signatures(root: Path) -> None:
    """Flip one byte of every .sigs file, keeping its size (a rewrite the size cannot tell)."""
    for path in summary_folder(root / "corpus/interim").glob("*.sigs"):
        data = bytearray(path.read_bytes())
        data[0] ^= 0xFF
        path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [corrupt, truncate_signatures, rewrite_signatures, lambda root: shutil.rmtree(
    summary_folder(root / "corpus/interim"))], ids=["corrupt-keys", "truncated-signatures", "rewritten-signatures",
                                                    "missing"])
def test_a_damaged_or_missing_part_summary_is_computed_again_with_the_same_bytes(tmp_path, damage):
    text = synthetic_article(3, seed=0)
    new = record("reuters-COPY", text, published="2013-05-09T10:00:00+00:00", path="new.jsonl")
    inc, scratch, extra = incremental_and_scratch(tmp_path, new, damage=damage)
    assert inc == scratch
    assert extra["summaries_reused"] == 0


def test_summaries_of_parts_the_corpus_no_longer_has_are_deleted(tmp_path):
    write_clean(tmp_path, old_parts())
    run_dedup(tmp_path, one_worker())
    write_clean(tmp_path, old_parts()[:1])
    run_dedup(tmp_path, one_worker())
    assert len(list(summary_folder(tmp_path / "corpus/interim").iterdir())) == 2  # one part: .keys, .sigs


def test_an_incremental_build_on_two_workers_writes_the_bytes_of_one_worker_from_scratch(tmp_path):
    p = one_worker()
    two = msgspec.structs.replace(p, run=msgspec.structs.replace(p.run, workers=2))
    new = record("reuters-OLD17", synthetic_article(7, seed=1) + "\n\nUpdated.", path="new.jsonl",
                 modified="2013-05-12T08:00:00+00:00")
    inc, scratch, _ = incremental_and_scratch(tmp_path, new, params=two)
    assert inc == scratch


def test_a_dedup_run_that_fails_mid_part_keeps_no_summary_of_that_part(tmp_path, monkeypatch):
    import curate.dedup.stage as stage

    write_clean(tmp_path, old_parts())

    def fail(*args):
        raise RuntimeError("signing failed")

    monkeypatch.setattr(stage, "cached_signatures", fail)
    with pytest.raises(RuntimeError):
        run_dedup(tmp_path, one_worker())
    assert list(summary_folder(tmp_path / "corpus/interim").iterdir()) == []
