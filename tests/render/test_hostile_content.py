"""Hostile content: HTML, <script>, markdown, rich markup and terminal escapes in articles and file
names reach reports and the terminal escaped; paths and symlinks never lead outside the project."""

from __future__ import annotations

import json
import os

import pytest

from curate.params import IngestParams
from curate.readers import read_file
from curate.record import Reason
from curate.render.text import for_terminal
from curate.record import ID_PATTERN
from tests.conftest import bin_path, make_project, run

pytestmark = pytest.mark.slow

ESC_TITLE = "\x1b]0;pwned\x07<script>alert(1)</script> **Bold** [red]x[/red] \x1b[31mRED\x1b[0m"
BODY = ("LONDON - The <b>council</b> said on Tuesday <script>alert('x')</script> that \x1b[2J the "
        "budget [link](javascript:alert(1)) [link=http://evil.example]click[/link] would rise by 4 "
        "percent, officials said in a statement on the harbour plan and its costs for the city.")
TERMINAL_BYTES = ("\x1b", "\x07", "\x9b")


def _no_terminal_controls(text: str, where: str) -> None:
    for c in TERMINAL_BYTES:
        assert c not in text, f"{c!r} reached {where}: {text[:400]!r}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    proj = make_project(base / "proj")
    raw = proj / "corpus/raw"
    (raw / "hostile/20130402").mkdir(parents=True)
    (raw / "hostile/20130402/h.txt").write_text(f"{ESC_TITLE}\n\n{BODY}\n")
    os.symlink("/etc/passwd", raw / "hostile/passwd")
    os.symlink("../../../../../../etc", raw / "hostile/etc-dir")
    (raw / "hostile/ids.jsonl").write_text("\n".join(json.dumps(o) for o in [
        {"id": "../../etc/x", "text": BODY, "title": ESC_TITLE, "date": "2013-04-02"},
        {"id": "/abs/\x1b[31m", "text": BODY + " Second.", "date": "2013-04-02"},
    ]) + "\n")
    outs = [run([bin_path("curate"), "run"], proj), run([bin_path("curate"), "report"], proj)]
    return proj, outs


def test_terminal_output_of_the_run_is_escaped(hostile):
    proj, outs = hostile
    for p in outs:
        _no_terminal_controls(p.stdout + p.stderr, "curate run/report output")


def test_reports_escape_html_and_terminal_controls(hostile):
    proj, _ = hostile
    text = (proj / "reports/quality.html").read_text()
    assert "<script>alert(1)</script>" not in text and "<script>alert('x')</script>" not in text
    for path in sorted((proj / "reports").rglob("*")):
        if path.is_file():
            _no_terminal_controls(path.read_text(errors="replace"), str(path.relative_to(proj)))


def test_curated_files_hold_controls_only_json_escaped(hostile):
    proj, _ = hostile
    paths = sorted((proj / "corpus/curated").rglob("*.json*"))
    assert any(p.suffix == ".jsonl" for p in paths), paths
    for path in paths:
        data = path.read_bytes()
        assert b"\x1b" not in data and b"\x07" not in data, path
        for line in data.splitlines():
            if line.strip() and path.suffix == ".jsonl":
                rid = json.loads(line)["id"]
                import re

                assert re.fullmatch(ID_PATTERN, rid) and ".." not in rid, rid


def test_symlinks_out_of_the_raw_root_are_rejected_unread(hostile):
    proj, _ = hostile
    rejected = {}
    for path in (proj / "corpus/curated/rejected").glob("*.jsonl"):
        for line in path.read_text().splitlines():
            r = json.loads(line)
            rejected[r["source"]["path"]] = r
    for rel in ("hostile/passwd", "hostile/etc-dir"):
        assert rejected[rel]["reason"] == Reason.UNREADABLE.value, rejected.get(rel)
        assert rejected[rel]["detail"] == "resolves outside the raw root (symlink or '..')", rejected[rel]
    everything = b"".join(p.read_bytes() for top in ("corpus/interim", "corpus/curated", "reports")
                          for p in (proj / top).rglob("*") if p.is_file() and not p.is_symlink())
    assert b"root:x:0:0" not in everything, "a symlink made the toolkit read /etc/passwd"


def test_hostile_jsonl_ids_stay_inside_and_safe(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "f.jsonl").write_text(json.dumps({"id": "../../etc/x", "text": "Body text here."}) + "\n")
    out = read_file("f.jsonl", raw, IngestParams())
    assert len(out) == 1
    rid = out[0].id
    assert "/" not in rid and ".." not in rid and rid.startswith("jsonl-")
    assert not (tmp_path / "etc").exists()


def test_check_prints_hostile_file_names_escaped(hostile, tmp_path):
    proj, _ = hostile
    evil = tmp_path / "evil-\x1b[31m-\x1b]8;;http:x\x07name.txt"
    evil.write_text(f"{ESC_TITLE}\n")
    p = run([bin_path("curate"), "check", str(evil)], proj, check=False)
    assert p.returncode in (0, 1), p.stderr
    _no_terminal_controls(p.stdout + p.stderr, "curate check output")
    assert "\\x1b" in p.stdout  # shown, visibly


def test_for_terminal():
    s = for_terminal("a\x1b[31mb\x1b]0;t\x07c\u202ed\x9be\nf\tg")
    assert s == "a\\x1b[31mb\\x1b]0;t\\x07c\\u202ed\\x9be\nf\tg"
    assert for_terminal("x\ny", single_line=True) == "x\\x0ay"
