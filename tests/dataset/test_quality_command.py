"""`curate quality`: JSON on stdout when asked for, --output, other revisions' reports kept out of git."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from curate.cli import app
from curate.record import Record, Source, Stats, encode
from tests.conftest import REPO, bin_path, run

runner = CliRunner()
GIT = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]


def _record(i: int) -> Record:
    return Record(id=f"doc-{i:03d}", source=Source(path=f"notes/{i}.txt", format="plaintext", sha256="0" * 64),
                  title=f"Title {i}", date=f"2021-0{1 + i % 3}-10", dateline="PARIS", language="en",
                  text=f"Body of article {i}.\n\nSecond paragraph.", stats=Stats(chars=40, words=7, sentences=2,
                                                                                  paragraphs=2))


def _curated(root: Path, n: int = 6) -> Path:
    arts = root / "corpus/curated/articles"
    arts.mkdir(parents=True)
    (root / "corpus/curated/rejected").mkdir()
    (arts / "part-00000.jsonl").write_bytes(b"".join(encode(_record(i)) + b"\n" for i in range(n)))
    (root / "reports").mkdir()
    (root / "reports/metrics.json").write_text(json.dumps({"inputs": n, "accepted": n, "rejected": 0,
                                                           "rejected_by_reason": {}}))
    return root


def test_format_json_prints_the_report_on_stdout_and_writes_nothing(tmp_path):
    root = _curated(tmp_path)
    res = runner.invoke(app, ["quality", "--format", "json", "--root", str(root)], prog_name="curate")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["counts"] == {"inputs": 6, "accepted": 6, "rejected": 0, "rejected_by_reason": {},
                                "rejected_by_stage": {}, "formats": {"plaintext": 6}}
    assert not (root / "reports/quality.json").exists()


def test_json_rules_go_to_stderr_so_stdout_stays_json(tmp_path):
    root = _curated(tmp_path)
    res = subprocess.run([bin_path("curate"), "quality", "--format", "json", "--fail-on", "accepted<10"],
                         cwd=root, capture_output=True, text=True)
    assert res.returncode == 1
    assert json.loads(res.stdout)["counts"]["accepted"] == 6
    assert "FAIL accepted<10 (value 6)" in res.stderr


def test_output_writes_the_report_where_asked(tmp_path):
    root = _curated(tmp_path / "proj")
    for fmt in ("json", "html", "md"):
        out = tmp_path / "out" / f"q.{fmt}"
        res = runner.invoke(app, ["quality", "--format", fmt, "--output", str(out), "--root", str(root)],
                            prog_name="curate")
        assert res.exit_code == 0, res.output
        assert f"wrote {out}" in " ".join(res.output.split())
    assert json.loads((tmp_path / "out/q.json").read_text())["counts"]["accepted"] == 6
    assert (tmp_path / "out/q.html").read_text().startswith("<!DOCTYPE html>")
    assert "# Quality report" in (tmp_path / "out/q.md").read_text()


def test_a_report_of_another_revision_leaves_the_workspace_clean(tmp_path):
    root = _curated(tmp_path / "proj")
    shutil.copy2(REPO / "params.yaml", root / "params.yaml")
    run(["git", "init", "-q", "-b", "main"], root)
    run([bin_path("dvc"), "init", "-q"], root)
    run([*GIT, "add", "-A"], root)
    run([*GIT, "commit", "-qm", "v1"], root)
    run(["git", "tag", "v1"], root)
    res = run([bin_path("curate"), "quality", "--rev", "v1", "--format", "html"], root)
    out = root / "reports/revs/quality-v1.html"
    assert out.is_file() and "reports/revs/quality-v1.html" in res.stdout
    # `curate release` refuses a dirty workspace: the report must not make it dirty
    assert run(["git", "status", "--porcelain", "--untracked-files=all"], root).stdout == ""
