"""`curate cache prune`: keeps exactly the cache entries the current build looks up, deletes the
rest, shrinks the files, and refuses (deleting nothing) when the interim outputs are stale."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

from curate.pipeline.cache_prune import PruneRefused, cache_info, prune
from curate.cli import app
from curate.engine.parts import iter_stage_lines, part_path, stage_parts
from curate.layout import interim_dir
from curate.pipeline.locking import CorpusBusy
from curate.params import CleanParams, Params
from curate.record import decode_record
from curate.engine.cache import CACHE_FILES, line_cache_key, text_cache_key
from curate.extract.stage import annotation_keys, extract_cache_prefix
from curate.clean.stage import clean_cache_prefix
from curate.readers.stage import ingest_cache_key, ingest_cache_prefix
from curate.dedup.stage import minhash_cache_prefix
from tests.builders import build_stages, one_worker, stage_bytes, with_sample
from tests.conftest import bin_path, make_project, run

# the caches a text article has entries in (the page cache holds HTML pages: tests/readers/test_page_cache.py)
TEXT_CACHES = tuple(n for n in CACHE_FILES if n != "pages")
PARAMS = one_worker()
PER_TEXT = {"annotations": 2}  # a text's language and its entities
# a story no other raw file duplicates: deleting it changes no other record's fate
ARTICLE = "web/20091203/us-lumenta-chile-mine-idUSTRE5B23KL20091203"
OTHERS = ["web/20100514/us-eurozone-bonds-idUSTRE64D2BX20100514",
          "web/20110920/us-harwell-pharma-trial-idUSTRE78J4QP20110920"]


def build(root: Path, params: Params = PARAMS) -> dict:
    return build_stages(root, params, ("ingest", "clean", "dedup", "extract"))


def cache_path(root: Path, name: str) -> Path:
    return root / ".curate-cache" / CACHE_FILES[name]


def cache_keys(root: Path) -> dict[str, set[str]]:
    out = {}
    for name in CACHE_FILES:
        db = sqlite3.connect(cache_path(root, name))
        try:
            out[name] = {k for (k,) in db.execute("SELECT key FROM annotations")}
        finally:
            db.close()
    return out


def cache_sizes(root: Path) -> dict[str, int]:
    return {name: cache_path(root, name).stat().st_size for name in CACHE_FILES}


def article_keys(root: Path, params: Params, rel: str) -> dict[str, set[str]]:
    """The keys of raw file `rel` in every cache, from the current interim outputs."""
    def lines(stage: str) -> list[bytes]:
        return [ln for ln in iter_stage_lines(root, stage) if decode_record(ln).source.path == rel]

    return {
        "ingest": {ingest_cache_key(ingest_cache_prefix(params), root / "corpus/raw", rel)},
        "clean": {line_cache_key(clean_cache_prefix(params), ln) for ln in lines("ingest")},
        "minhash": {text_cache_key(minhash_cache_prefix(params), decode_record(ln).content_hash)
                    for ln in lines("clean")},
        "annotations": {k for ln in lines("extract") for r in [decode_record(ln)]
                        for k in annotation_keys(params, r.content_hash, r.language)},
        "extract": {line_cache_key(extract_cache_prefix(params), ln) for ln in lines("dedup")},
    }


def outputs(root: Path) -> dict[str, bytes]:
    return {s: stage_bytes(root, s) for s in ("ingest", "clean", "dedup", "extract")}


def built_then_deleted(tmp_path: Path, *rels: str) -> tuple[Path, dict, dict]:
    """A project built, then `rels` deleted from corpus/raw and rebuilt: (root, keys before the
    deletion, keys of the deleted articles)."""
    root = with_sample(tmp_path)
    build(root)
    before = cache_keys(root)
    gone = {name: set() for name in TEXT_CACHES}
    for rel in rels:
        for name, keys in article_keys(root, PARAMS, rel).items():
            gone[name] |= keys
        (root / "corpus/raw" / rel).unlink()
    build(root)
    return root, before, gone


def test_prune_after_deleting_an_article_removes_exactly_its_entries_from_every_cache(tmp_path):
    root, before, gone = built_then_deleted(tmp_path, ARTICLE)
    assert TEXT_CACHES
    assert all(len(gone[name]) == PER_TEXT.get(name, 1) and gone[name] <= before[name] for name in TEXT_CACHES)
    assert cache_keys(root) == before  # the rebuild only read the caches: nothing was added

    result = prune(root, PARAMS)

    assert cache_keys(root) == {name: before[name] - gone.get(name, set()) for name in CACHE_FILES}
    assert {s.name: s.removed for s in result.caches} == {
        name: PER_TEXT.get(name, 1) if name in TEXT_CACHES else 0 for name in CACHE_FILES}


def test_rebuild_right_after_prune_hits_the_cache_for_every_remaining_article(tmp_path):
    root, _, _ = built_then_deleted(tmp_path, ARTICLE)
    expected = outputs(root)
    prune(root, PARAMS)
    pruned = cache_keys(root)

    again = build(root)

    assert again["ingest"].extra["cache_misses"] == 0
    assert again["clean"].extra["cache_misses"] == 0
    assert again["extract"].extra["cache_misses"] == 0 and again["extract"].extra["annotation_misses"] == 0
    assert cache_keys(root) == pruned  # no MinHash signature (nor anything else) recomputed
    assert outputs(root) == expected


def test_pruning_after_an_extract_param_change_keeps_the_annotations(tmp_path):
    root = with_sample(tmp_path)
    build(root)
    other = msgspec.structs.replace(PARAMS, extract=msgspec.structs.replace(PARAMS.extract, short_words=10))
    build(root, other)

    result = {s.name: s for s in prune(root, other).caches}
    assert result["extract"].removed == result["extract"].kept > 0  # the old params' finished records
    assert result["annotations"].removed == 0

    back = build(root, PARAMS)  # old params: records recomputed from the kept annotations, no NER
    assert back["extract"].extra["cache_misses"] == back["extract"].inputs
    assert back["extract"].extra["annotation_misses"] == 0


def test_changing_a_clean_param_then_pruning_drops_the_old_param_entries(tmp_path):
    root = with_sample(tmp_path)
    build(root)
    other = msgspec.structs.replace(PARAMS, clean=CleanParams(fix_mojibake=False))
    build(root, other)
    assert any(k.startswith(clean_cache_prefix(PARAMS)) for k in cache_keys(root)["clean"])

    prune(root, other)

    kept = cache_keys(root)["clean"]
    assert len(kept) == sum(1 for _ in iter_stage_lines(root, "ingest"))
    assert kept and all(k.startswith(clean_cache_prefix(other)) for k in kept)


def test_dry_run_reports_the_removals_and_deletes_nothing(tmp_path):
    root, _, gone = built_then_deleted(tmp_path, ARTICLE)
    keys, sizes = cache_keys(root), cache_sizes(root)

    result = prune(root, PARAMS, dry_run=True)

    assert sum(s.removed for s in result.caches) == sum(len(k) for k in gone.values())
    assert cache_keys(root) == keys and cache_sizes(root) == sizes


def test_vacuum_shrinks_the_cache_files(tmp_path):
    root, _, _ = built_then_deleted(tmp_path, ARTICLE, *OTHERS)
    sizes = cache_sizes(root)

    result = {s.name: s for s in prune(root, PARAMS).caches}

    for name in ("ingest", "clean", "extract"):  # the caches holding whole records
        assert cache_sizes(root)[name] < sizes[name]
        assert result[name].bytes_after == cache_sizes(root)[name] < result[name].bytes_before
    assert not any(p.name.endswith("-wal") for p in (root / ".curate-cache").iterdir())


def test_missing_interim_output_exits_2_and_deletes_nothing(tmp_path, monkeypatch):
    root, _, _ = built_then_deleted(tmp_path, ARTICLE)
    part_path(interim_dir(root, "dedup"), stage_parts(root, "dedup")[0].name).unlink()
    keys = cache_keys(root)
    monkeypatch.chdir(root)

    result = CliRunner().invoke(app, ["cache", "prune", "--project-root", str(root)])

    assert result.exit_code == 2, result.output
    assert "corpus/interim/dedup/parts/00000.jsonl is missing" in result.stderr
    assert "dvc repro" in result.stderr
    assert cache_keys(root) == keys


def test_a_raw_file_added_since_the_build_refuses_and_deletes_nothing(tmp_path):
    root = with_sample(tmp_path)
    build(root)
    (root / "corpus/raw/notes/20130402/new-article.txt").write_text(
        "Harbour expansion approved\n\nThe port authority approved the second phase of the expansion on Tuesday.\n")
    keys = cache_keys(root)

    with pytest.raises(PruneRefused, match="new or changed"):
        prune(root, PARAMS)
    assert cache_keys(root) == keys


def test_prune_refuses_while_a_build_holds_the_project_lock(tmp_path):
    root, _, _ = built_then_deleted(tmp_path, ARTICLE)
    keys = cache_keys(root)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom curate.pipeline.locking import project_lock\n"
         "with project_lock(sys.argv[1], 'curate run', exclusive=True, timeout=5, check_dvc=False):\n"
         "    print('held', flush=True)\n    time.sleep(60)\n", str(root)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(CorpusBusy):
            prune(root, PARAMS, lock_timeout=0.2)
    finally:
        holder.kill()
        holder.wait()
    assert cache_keys(root) == keys


def test_cache_info_counts_the_entries_of_each_cache(tmp_path, monkeypatch):
    root = with_sample(tmp_path)
    results = build(root)
    monkeypatch.chdir(root)

    info = {s.name: s.entries for s in cache_info(root, PARAMS)}
    out = CliRunner().invoke(app, ["cache", "info", "--root", str(root)])

    assert info["ingest"] == results["ingest"].extra["files"]
    assert info["extract"] == results["extract"].inputs
    assert out.exit_code == 0 and "extract.sqlite" in out.stdout


@pytest.mark.slow
def test_in_a_dvc_project_an_unclean_dvc_status_refuses(tmp_path):
    proj = make_project(tmp_path / "proj")
    run([bin_path("dvc"), "repro"], proj)
    params = (proj / "params.yaml").read_text()
    # a dedup threshold changes which records extract sees, and no cache key shows it: DVC does
    (proj / "params.yaml").write_text(params.replace("near_threshold: 0.8", "near_threshold: 0.5"))

    refused = run([bin_path("curate"), "cache", "prune"], proj, check=False)
    assert refused.returncode == 2 and "`dvc status` is not clean" in refused.stderr

    (proj / "params.yaml").write_text(params)
    pruned = run([bin_path("curate"), "cache", "prune"], proj, check=False)
    assert pruned.returncode == 0, pruned.stderr
