"""`curate add`: copies only accepted inputs into a new batch folder, never overwrites, dry-run
writes nothing, JSONL files keep their accepted lines (and line numbers); the next build accepts
exactly what add accepted, with the ids it reported."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from tests.check.test_check import EXPECTED, PARAMS, WEIRD_NAME, cli, jsonl_feed, web, write_batch

from curate.check.add import _write_new, add_paths, plan_copies
from curate.check.inputs import UsageError, collect_inputs, place
from curate.check.run import check_inputs
from curate.check.corpus import load_corpus
from curate.engine.io import iter_curated
from tests.builders import build_stages

NOW = dt.datetime(2024, 6, 4, 12, 30, 0, tzinfo=dt.timezone.utc)


def tree(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}


@pytest.fixture
def setup(tmp_path):
    inbox = tmp_path / "inbox"
    write_batch(inbox, tmp_path / "outside")
    root = tmp_path / "proj"
    (root / "corpus/raw").mkdir(parents=True)
    return inbox, root


def test_add_copies_only_accepted_and_the_build_agrees(setup):
    inbox, root = setup
    res = add_paths([inbox], root=root, params=PARAMS, now=NOW)
    assert res.exit_code == 1  # some inputs were rejected
    assert res.batch and res.batch.startswith("added-20240604-123000-")
    batch = root / "corpus/raw" / res.batch
    accepted = {k for k, r in EXPECTED.items() if r is None}
    files = set(tree(batch))
    # accepted single-article files keep their relative path (day folders too); rejected never copied
    assert files == {k for k in accepted if ":" not in k} | {"feed.jsonl"}
    assert not any(name.startswith(".tmp-") for name in files)
    for name in files - {"feed.jsonl"}:
        assert (batch / name).read_bytes() == (inbox / name).read_bytes()
    # the JSONL keeps its accepted lines at their line numbers, the others blanked
    lines = (batch / "feed.jsonl").read_bytes().split(b"\n")
    original = jsonl_feed().split(b"\n")
    assert [i for i, ln in enumerate(lines, 1) if ln] == [1, 5]
    assert lines[0] == original[0] and lines[4] == original[4] and len(lines) == len(original)

    # the next build accepts exactly what add accepted, under the ids add reported
    reported = {(v.path, v.line): v.id for v in res.check.verdicts if v.accepted}
    build_stages(root, PARAMS)
    built = {(r.source.path, r.source.line): r.id for r in iter_curated(root / "corpus/curated")}
    assert built == reported
    assert "run `dvc repro`" in res.summary()


def test_dry_run_copies_nothing(setup):
    inbox, root = setup
    before = tree(root)
    res = add_paths([inbox], root=root, params=PARAMS, dry_run=True, now=NOW)
    assert tree(root / "corpus") == before and not list((root / "corpus/raw").iterdir())
    assert res.copies and res.dry_run and "would copy" in res.summary()
    assert "dvc repro" not in res.summary()


def test_never_overwrites(setup):
    inbox, root = setup
    first = add_paths([inbox / "web/port"], root=root, params=PARAMS, now=NOW)
    kept = tree(root / "corpus/raw")
    second = add_paths([inbox / "web/port"], root=root, params=PARAMS, now=NOW)
    assert first.batch != second.batch and second.batch == f"{first.batch}-2"
    assert {k: v for k, v in tree(root / "corpus/raw").items() if k in kept} == kept
    target = root / "corpus/raw" / first.batch / "port"
    with pytest.raises(FileExistsError):
        _write_new(target, b"other bytes")
    assert target.read_bytes() == (inbox / "web/port").read_bytes()
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".tmp-")]


def test_whole_jsonl_is_copied_byte_for_byte(tmp_path):
    root = tmp_path / "proj"
    (root / "corpus/raw").mkdir(parents=True)
    good = b"\r\n".join(ln for ln in jsonl_feed().split(b"\n") if b'"p1"' in ln or b'"p2"' in ln) + b"\r\n"
    (tmp_path / "good.jsonl").write_bytes(good)
    res = add_paths([tmp_path / "good.jsonl"], root=root, params=PARAMS, now=NOW)
    assert res.exit_code == 0 and [c.whole for c in res.copies] == [True]
    assert (root / "corpus/raw" / res.batch / "good.jsonl").read_bytes() == good


def test_within_batch_duplicates_copy_one(tmp_path):
    root = tmp_path / "proj"
    (root / "corpus/raw").mkdir(parents=True)
    (tmp_path / "in").mkdir()
    (tmp_path / "in/a").write_text(web("port", "USTEST0500"))
    (tmp_path / "in/b").write_text(web("port", "USTEST0501", stamp="Wed Mar 6, 2013 8:00am EST", date="2013/03/06"))
    res = add_paths([tmp_path / "in"], root=root, params=PARAMS, now=NOW)
    v = {Path(x.input).name: x for x in res.check.verdicts}
    assert v["a"].path == f"{res.batch}/a"
    assert v["a"].accepted and v["b"].reason == "duplicate" and v["b"].duplicate_of == "reuters-USTEST0500"
    assert set(tree(root / "corpus/raw" / res.batch)) == {"a"}


def test_nothing_accepted_creates_no_folder(setup):
    inbox, root = setup
    res = add_paths([inbox / "empty.txt", inbox / "image.txt", inbox / "escape.txt"], root=root, params=PARAMS, now=NOW)
    assert res.batch is None and res.exit_code == 1 and "nothing to add" in res.summary()
    assert not list((root / "corpus/raw").iterdir())


def test_inputs_already_in_raw_are_a_usage_error(setup):
    inbox, root = setup
    (root / "corpus/raw/x.txt").write_text("X\n\nbody\n")
    with pytest.raises(UsageError, match="already under corpus/raw"):
        add_paths([root / "corpus/raw/x.txt"], root=root, params=PARAMS, now=NOW)


def test_a_file_changed_after_the_check_is_not_copied(setup):
    inbox, root = setup
    inputs = collect_inputs([inbox / "web/port", inbox / "feed.jsonl"], root / "corpus/raw")
    place(inputs, "added-test/")
    result = check_inputs(inputs, PARAMS, load_corpus(root / "corpus/curated", PARAMS))
    (inbox / "web/port").write_text((inbox / "web/port").read_text() + "\nA late edit.\n")
    (inbox / "feed.jsonl").write_bytes(jsonl_feed().replace(b"two percent", b"three percent"))
    copies, _, errors = plan_copies(result, root / "corpus/raw")
    assert copies == []
    assert any("web/port: changed since it was checked" in e for e in errors)
    assert any("feed.jsonl: line(s) 1 changed" in e for e in errors)


def test_cli_add(setup):
    inbox, root = setup
    dry = cli("add", str(inbox / "web/port"), str(inbox / "20150211" / WEIRD_NAME), "--dry-run", "--root", str(root))
    assert dry.exit_code == 0 and "would copy 2 accepted inputs" in dry.output
    assert not list((root / "corpus/raw").iterdir())
    out = cli("add", str(inbox / "web/port"), str(inbox / "empty.txt"), "--root", str(root))
    assert out.exit_code == 1 and "run `dvc repro`" in out.output and "empty" in out.output
    (batch,) = list((root / "corpus/raw").iterdir())
    assert set(tree(batch)) == {"port"}
    js = cli("add", str(inbox / "feed.jsonl"), "--json", "--dry-run", "--root", str(root))
    data = json.loads(js.output)
    assert set(data) == {"summary", "corpus", "inputs", "add"}
    assert data["add"]["dry_run"] and data["add"]["copies"][0]["lines"] == [1, 5]
    assert data["add"]["copies"][0]["whole_file"] is False
    assert cli("add", str(inbox / "missing.txt"), "--root", str(root)).exit_code == 2
