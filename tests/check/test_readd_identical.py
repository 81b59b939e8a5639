"""Adding the same batch twice changes nothing: the copies already in the corpus win every tie
(curate/dedup/decisions.py, "Ties"), in check, add and the dedup stage alike; the ids a dry run
shows are the ids the real add gives."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from tests.check.corpus_rule_fixtures import PARAMS, build, snapshot, write_corpus, write_plain_batch

from curate.check.add import add_paths
from curate.check.run import check_paths
from curate.engine.io import iter_curated

NOW = dt.datetime(2024, 6, 4, 12, 30, 0, tzinfo=dt.timezone.utc)


def ids_by_path(root: Path) -> dict[str, str]:
    return {r.source.path: r.id for r in iter_curated(root / "corpus/curated")}


def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    write_corpus(root / "corpus/raw")
    write_plain_batch(root / "corpus/raw", n=4)
    build(root)
    return root


def test_re_adding_an_added_batch_is_rejected_and_displaces_nothing(tmp_path):
    root = project(tmp_path)
    inbox = tmp_path / "inbox"
    write_plain_batch(inbox, n=6, start=100)
    first = add_paths([inbox], root=root, params=PARAMS, now=NOW)
    assert first.check.accepted == 6
    build(root)
    articles, ids = snapshot(root, "corpus/curated/articles"), ids_by_path(root)
    again = add_paths([inbox], root=root, params=PARAMS, now=NOW + dt.timedelta(days=1))
    verdicts = again.check.verdicts
    assert [v.reason for v in verdicts] == ["duplicate"] * 6
    assert [v.duplicate_of for v in verdicts] == [v.id for v in first.check.verdicts]
    assert all(v.replaces == [] for v in verdicts)
    # the kept copy's id said once: in the detail, the note only saying where it is
    assert [(v.detail.split(" (")[0], v.note) for v in verdicts] == \
        [(f"same text as {v.duplicate_of}", "in the corpus") for v in verdicts]
    assert again.copies == [] and again.batch is None
    # the same verdicts each time the batch is checked again
    third = check_paths([inbox], root=root, params=PARAMS)
    assert [(v.reason, v.duplicate_of, v.detail) for v in third.verdicts] == \
        [(v.reason, v.duplicate_of, v.detail) for v in verdicts]
    build(root)
    assert snapshot(root, "corpus/curated/articles") == articles and ids_by_path(root) == ids


def test_copies_forced_into_a_later_batch_folder_change_no_shard_and_no_id(tmp_path):
    root = project(tmp_path)
    articles, ids = snapshot(root, "corpus/curated/articles"), ids_by_path(root)
    raw = root / "corpus/raw"
    later = raw / "added-20990101-000000-00000000"
    for sub in ("2013", "20130307"):
        shutil.copytree(raw / sub, later / sub)
    build(root)
    assert snapshot(root, "corpus/curated/articles") == articles and ids_by_path(root) == ids
    rejected = {p.name for p in (root / "corpus/curated/rejected").glob("*.jsonl")}
    assert {"duplicate.jsonl", "story_version.jsonl"} <= rejected  # the copies, each accounted for


def test_check_never_lets_an_equal_copy_replace_a_corpus_article(tmp_path):
    root = project(tmp_path)
    inbox = tmp_path / "inbox"
    shutil.copytree(root / "corpus/raw/20130307", inbox / "20130307")
    r = check_paths([inbox], root=root, params=PARAMS)
    corpus_ids = ids_by_path(root)
    assert [v.reason for v in r.verdicts] == ["duplicate"] * 4
    assert [v.duplicate_of for v in r.verdicts] == [corpus_ids[f"20130307/report-{i:03d}.txt"] for i in range(4)]
    assert all(v.replaces == [] for v in r.verdicts)
    # the kept copy's id said once, in the detail: no note repeats it
    assert [(v.detail.split(" (")[0], v.note) for v in r.verdicts] == \
        [(f"already in the corpus as {v.duplicate_of}", "") for v in r.verdicts]
    assert all(v.detail.endswith("): same id, text and publication time") for v in r.verdicts)


def test_dry_run_ids_are_the_ids_add_then_gives(tmp_path):
    root = project(tmp_path)
    inbox = tmp_path / "inbox"
    write_plain_batch(inbox, n=3, start=200)
    dry = add_paths([inbox], root=root, params=PARAMS, dry_run=True, now=NOW)
    real = add_paths([inbox], root=root, params=PARAMS, now=NOW + dt.timedelta(minutes=7))
    assert real.batch == dry.batch
    assert [(v.path, v.id) for v in real.check.verdicts] == [(v.path, v.id) for v in dry.check.verdicts]
    build(root)
    built = ids_by_path(root)
    assert [built[v.path] for v in dry.check.verdicts] == [v.id for v in dry.check.verdicts]


def test_a_dry_run_name_is_not_reused_once_a_later_batch_exists(tmp_path):
    root = project(tmp_path)
    inbox, other = tmp_path / "inbox", tmp_path / "other"
    write_plain_batch(inbox, n=1, start=300)
    write_plain_batch(other, n=1, start=400)
    dry = add_paths([inbox], root=root, params=PARAMS, dry_run=True, now=NOW)
    between = add_paths([other], root=root, params=PARAMS, now=NOW + dt.timedelta(minutes=1))
    real = add_paths([inbox], root=root, params=PARAMS, now=NOW + dt.timedelta(minutes=2))
    assert between.batch > dry.batch and real.batch > between.batch  # arrival order is kept
