"""`curate diff`: two versions built with real `dvc repro` in a temp git+DVC repo, diffed by tag.

v1 is the bundled sample; v2 adds two articles, removes one, edits a body, changes a credit in a
sign-off, renames a Reuters web file (its id comes from the URL inside the file: same id, only
`source` changes) and a plain-text note (its id comes from the path: new id, same content: moved),
changes a run parameter and the schema file. The diff must report exactly those changes; an
independent oracle (every record of both versions loaded whole with `json`) checks the rest.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from curate.dataset.diff import DiffError, diff_versions, select_slots
from curate.dataset.diff_changes import keyed_changes, text_excerpt
from tests.conftest import bin_path, make_project, run

pytestmark = pytest.mark.slow

GIT = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]

NEW_ARTICLES = {
    "web/20130415/acme-widgets-idUSBRE93E0AA20130415": """\
-- Acme <b>Widgets</b> & Co shares jump on <script>alert(1)</script> takeover talk
-- By  Dana Kowalczyk
-- Mon Apr 15, 2013 9:12am EDT
-- http://www.reuters.com/article/2013/04/15/acme-widgets-idUSBRE93E0AA20130415

 

 CHICAGO  (Reuters) - Shares of Acme Widgets Co ( ACW.N ) jumped 18 percent on Monday after a report that industrial group Varnell Holdings was weighing a bid for the maker of garden tools, valuing it at about $2.3 billion. 

 Varnell, based in Milwaukee, declined to comment. Acme chief executive Laura Pressfield told analysts in February that the company was open to offers that reflected the value of its brands. 

 (Reporting by Dana Kowalczyk; Editing by Tom Brennan)
""",
    "web/20130416/nordland-ferry-idUSBRE93F0BB20130416": """\
-- Nordland ferry operator orders four electric vessels
-- By  Ingrid Solberg
-- Tue Apr 16, 2013 6:40am EDT
-- http://www.reuters.com/article/2013/04/16/nordland-ferry-idUSBRE93F0BB20130416

 

 OSLO  (Reuters) - Norwegian ferry operator Fjordlinje Nord ordered four battery-powered car ferries from shipyard Havbruk Verft for about 1.1 billion crowns, the companies said on Tuesday, the largest such order in Norway so far. 

 The vessels will serve routes in Nordland county from 2015 and cut the operator's diesel use by about 6 million litres a year, chief executive Arne Vold said. 

 (Reporting by Ingrid Solberg; Editing by Greg Mahlich)
""",
}
REMOVE = "web/20100514/us-eurozone-bonds-idUSTRE64D2BX20100514"
EDIT_BODY = "web/20110920/us-harwell-pharma-trial-idUSTRE78J4QP20110920"
EDIT_CREDIT = "seed/000_36da013c6c0019e4.txt"
RENAME_WEB = ("web/20091203/us-lumenta-chile-mine-idUSTRE5B23KL20091203",
              "web/20091203/lumenta-copper-chile-idUSTRE5B23KL20091203")
BATCH_V2 = 7  # run.batch_size in v2: an execution setting, outputs unchanged
RENAME_NOTE = ("notes/20130402/harbour-expansion.txt", "notes/20130402/rotterdam-rail-link.txt")


def _records(curated: Path) -> dict[str, dict]:
    out = {}
    for shard in sorted((curated / "articles").glob("part-*.jsonl")):
        for line in shard.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out[rec["id"]] = rec
    return out


def _commit_and_tag(proj: Path, tag: str) -> None:
    run(GIT + ["add", "-A"], proj)
    run(GIT + ["commit", "-qm", tag], proj)
    run(GIT + ["tag", tag], proj)


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """(project, v1 records, v2 records, v1 metrics, v2 metrics), tags v1 and v2 in the project."""
    base = tmp_path_factory.mktemp("diff")
    proj = make_project(base / "proj")
    dvc = bin_path("dvc")
    run([dvc, "repro"], proj)
    _commit_and_tag(proj, "v1")
    run([dvc, "push", "-q"], proj)
    v1 = _records(proj / "corpus/curated")
    m1 = json.loads((proj / "reports/metrics.json").read_text())

    raw = proj / "corpus/raw"
    for rel, text in NEW_ARTICLES.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_text(text, encoding="utf-8")
    (raw / REMOVE).unlink()
    body = (raw / EDIT_BODY).read_text(encoding="utf-8")
    assert "had staked its growth" in body
    (raw / EDIT_BODY).write_text(body.replace("had staked its growth", "had pinned its growth"), encoding="utf-8")
    seed = (raw / EDIT_CREDIT).read_text(encoding="utf-8")
    assert "Editing by Mark Heinrich" in seed
    (raw / EDIT_CREDIT).write_text(seed.replace("Editing by Mark Heinrich", "Editing by Alison Williams"),
                                   encoding="utf-8")
    for old, new in (RENAME_WEB, RENAME_NOTE):
        (raw / old).rename(raw / new)
    params = (proj / "params.yaml").read_text()
    batch = re.search(r"^  batch_size: (\d+)$", params, re.M)
    assert batch, "params.yaml has no run.batch_size"
    (proj / "params.yaml").write_text(params.replace(batch.group(0), f"  batch_size: {BATCH_V2}"))
    schema = json.loads((proj / "schemas/record.schema.json").read_text())
    schema["$comment"] = "v2 of the contract"
    (proj / "schemas/record.schema.json").write_text(json.dumps(schema, indent=2) + "\n")
    run([dvc, "repro"], proj)
    _commit_and_tag(proj, "v2")
    v2 = _records(proj / "corpus/curated")
    m2 = json.loads((proj / "reports/metrics.json").read_text())
    run([dvc, "push", "-q"], proj)
    return proj, v1, v2, m1, m2


def _id_of(records: dict[str, dict], raw_path: str) -> str:
    (rid,) = [r["id"] for r in records.values() if r["source"]["path"] == raw_path]
    return rid


def _curate_diff(proj: Path, *args: str, check: bool = False):
    return run([bin_path("curate"), "diff", *args], proj, check=check)


# ------------------------------------------------------------------------------------ the changes


def test_reports_exactly_the_changes_made(versions):
    proj, v1, v2, _, _ = versions
    rep = diff_versions(proj, "v1", "v2", limit=100)

    added = {_id_of(v2, rel) for rel in NEW_ARTICLES}
    removed = {_id_of(v1, REMOVE)}
    body_id = _id_of(v1, EDIT_BODY)
    credit_id = _id_of(v1, EDIT_CREDIT)
    web_id = _id_of(v1, RENAME_WEB[0])
    note_old, note_new = _id_of(v1, RENAME_NOTE[0]), _id_of(v2, RENAME_NOTE[1])
    assert web_id == _id_of(v2, RENAME_WEB[1]), "a Reuters id comes from the URL, not the file name"
    assert note_old != note_new, "a plain-text id comes from the path"

    ex = rep["examples"]
    assert {r["id"] for r in ex["added"]} == added
    assert {r["id"] for r in ex["removed"]} == removed
    assert [(m["from"], m["to"], m["fields"]) for m in ex["moved"]] == [(note_old, note_new, ["source"])]
    modified = {m["id"]: m["fields"] for m in ex["modified"]}
    assert modified == {
        # same-length word swap: text, its hash and the raw file's hash; counts and entities unchanged
        body_id: ["content_hash", "source", "text"],
        # the sign-off is lifted out of the text: only the credits and the raw file's hash
        credit_id: ["source", "credits"],
        # renamed file, same bytes: only the path
        web_id: ["source"],
    }
    unchanged = len(v1) - len(removed) - len(modified) - 1
    assert rep["summary"] == {"added": 2, "removed": 1, "modified": 3, "moved": 1, "unchanged": unchanged}
    assert rep["a"]["records"] == len(v1) and rep["b"]["records"] == len(v2)
    assert rep["modified_fields"] == {"source": 3, "content_hash": 1, "text": 1, "credits": 1}
    assert not rep["identical"]

    by_id = {m["id"]: m["changes"] for m in ex["modified"]}
    assert by_id[credit_id]["credits"]["a"]["editing"] == ["Mark Heinrich"]
    assert by_id[credit_id]["credits"]["b"]["editing"] == ["Alison Williams"]
    diff = by_id[body_id]["text"]["diff"]
    assert any(ln.startswith("-") and "had staked its growth" in ln for ln in diff.splitlines())
    assert any(ln.startswith("+") and "had pinned its growth" in ln for ln in diff.splitlines())
    assert by_id[web_id]["source"]["a"]["path"] == RENAME_WEB[0]
    assert by_id[web_id]["source"]["b"]["path"] == RENAME_WEB[1]


def test_agrees_with_a_whole_record_oracle(versions):
    """Every count and field list equals a naive in-memory diff of the two versions."""
    proj, v1, v2, _, _ = versions
    rep = diff_versions(proj, "v1", "v2", limit=1000)
    only1, only2 = set(v1) - set(v2), set(v2) - set(v1)
    moved = {(a, b) for a in only1 for b in only2 if v1[a]["content_hash"] == v2[b]["content_hash"]}
    changed = {i: sorted(k for k in set(v1[i]) | set(v2[i]) if v1[i].get(k) != v2[i].get(k))
               for i in set(v1) & set(v2) if v1[i] != v2[i]}
    assert {(m["from"], m["to"]) for m in rep["examples"]["moved"]} == moved
    assert {r["id"] for r in rep["examples"]["added"]} == only2 - {b for _, b in moved}
    assert {r["id"] for r in rep["examples"]["removed"]} == only1 - {a for a, _ in moved}
    assert {m["id"]: sorted(m["fields"]) for m in rep["examples"]["modified"]} == changed

    d = rep["distributions"]
    months1 = Counter((r["date"] or "")[:7] or "unknown" for r in v1.values())
    months2 = Counter((r["date"] or "")[:7] or "unknown" for r in v2.values())
    assert {r["key"]: (r["a"], r["b"]) for r in d["months"]} == \
        {k: (months1.get(k, 0), months2.get(k, 0)) for k in months1 | months2}
    labels1 = Counter(e["label"] for r in v1.values() for e in r["entities"])
    labels2 = Counter(e["label"] for r in v2.values() for e in r["entities"])
    assert {r["key"]: (r["a"], r["b"]) for r in d["entity_labels"]} == \
        {k: (labels1.get(k, 0), labels2.get(k, 0)) for k in labels1 | labels2}
    ents1 = Counter(k for r in v1.values() for k in {(e["text"], e["label"]) for e in r["entities"]})
    ents2 = Counter(k for r in v2.values() for k in {(e["text"], e["label"]) for e in r["entities"]})
    delta = Counter(ents2)
    delta.subtract(ents1)
    for row in d["entities_gained"]:
        assert row["delta"] == delta[(row["text"], row["label"])] > 0
    for row in d["entities_lost"]:
        assert row["delta"] == delta[(row["text"], row["label"])] < 0
    if d["entities_gained"]:
        assert d["entities_gained"][0]["delta"] == max(delta.values())


def test_metrics_params_and_schema_changes(versions):
    proj, _, _, m1, m2 = versions
    rep = diff_versions(proj, "v1", "v2")
    metrics = {c["key"]: c for c in rep["metrics"]["changes"]}
    assert metrics["accepted"]["a"] == m1["accepted"] and metrics["accepted"]["b"] == m2["accepted"]
    assert metrics["accepted"]["delta"] == m2["accepted"] - m1["accepted"] == 1  # +2 added, -1 removed
    assert metrics["inputs"]["delta"] == m2["inputs"] - m1["inputs"] == 1
    v1_batch = yaml.safe_load(run(["git", "show", "v1:params.yaml"], proj).stdout)["run"]["batch_size"]
    assert rep["params"]["changes"] == [{"key": "run.batch_size", "change": "changed", "a": v1_batch,
                                         "b": BATCH_V2, "delta": BATCH_V2 - v1_batch}]
    assert rep["schema"]["changes"] == [{"key": "$comment", "change": "added", "a": None,
                                         "b": "v2 of the contract"}]


def test_month_shift_names_the_new_month(versions):
    proj, *_ = versions
    rep = diff_versions(proj, "v1", "v2")
    months = {r["key"]: r for r in rep["distributions"]["months"]}
    assert months["2013-04"]["delta"] == 2
    assert months["2010-05"]["delta"] == -1


# ---------------------------------------------------------------------------------- the command


def test_cli_exit_1_and_summary(versions, tmp_path):
    proj, *_ = versions
    proc = _curate_diff(proj, "v1", "v2")
    assert proc.returncode == 1, proc.stderr
    assert "2 added, 1 removed, 3 modified, 1 moved" in proc.stdout
    assert "Alison Williams" in proc.stdout and "had pinned its growth" in proc.stdout


def test_working_tree_is_the_default_new_side(versions):
    proj, *_ = versions
    a = diff_versions(proj, "v1", "v2")
    b = diff_versions(proj, "v1")
    assert b["b"]["label"] == "working tree"
    for key in ("summary", "examples", "modified_fields", "distributions"):
        assert a[key] == b[key]


@pytest.mark.parametrize("args", [("v2", "v2"), ("v1", "v1"), ("v2",)])
def test_version_against_itself_is_identical_exit_0(versions, args):
    proj, *_ = versions
    proc = _curate_diff(proj, *args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "identical: nothing changed" in proc.stdout
    rep = diff_versions(proj, *args)
    assert rep["identical"] and rep["summary"]["added"] == rep["summary"]["modified"] == 0
    assert not rep["metrics"]["changes"] and not rep["params"]["changes"]


def test_unknown_revision_exit_2_names_it_and_nearby_tags(versions):
    proj, *_ = versions
    proc = _curate_diff(proj, "v3", "v2")
    assert proc.returncode == 2
    assert "unknown revision 'v3'" in proc.stderr and "v1" in proc.stderr and "v2" in proc.stderr
    proc = _curate_diff(proj, "v1", "no-such-tag")
    assert proc.returncode == 2 and "unknown revision 'no-such-tag'" in proc.stderr


def test_unknown_field_and_format_exit_2(versions):
    proj, *_ = versions
    proc = _curate_diff(proj, "v1", "v2", "--field", "txt")
    assert proc.returncode == 2 and "unknown field 'txt'" in proc.stderr and "text" in proc.stderr
    proc = _curate_diff(proj, "v1", "v2", "--format", "pdf")  # a choice: the parser names the allowed ones
    assert proc.returncode == 2 and "'pdf' is not one of" in " ".join(proc.stderr.split()).replace("│ ", "")


def test_field_restricts_the_comparison(versions):
    proj, v1, *_ = versions
    rep = diff_versions(proj, "v1", "v2", fields=["credits"])
    assert [m["id"] for m in rep["examples"]["modified"]] == [_id_of(v1, EDIT_CREDIT)]
    assert rep["examples"]["modified"][0]["fields"] == ["credits"]
    assert rep["summary"]["modified"] == 1 and rep["modified_fields"] == {"credits": 1}
    assert rep["summary"]["added"] == 2 and rep["summary"]["removed"] == 1  # ids still matched
    rep = diff_versions(proj, "v1", "v2", fields=["title", "entities"])
    assert rep["summary"]["modified"] == 0


def test_limit_caps_examples_not_counts(versions):
    proj, *_ = versions
    rep = diff_versions(proj, "v1", "v2", limit=1)
    assert len(rep["examples"]["added"]) == 1 and rep["summary"]["added"] == 2
    assert len(rep["examples"]["modified"]) == 1 and rep["summary"]["modified"] == 3
    assert len(rep["distributions"]["entities_gained"]) <= 1


def test_json_md_html_outputs(versions, tmp_path):
    proj, v1, v2, _, _ = versions
    for fmt in ("json", "md", "html"):
        out = tmp_path / f"report.{fmt}"
        proc = _curate_diff(proj, "v1", "v2", "--format", fmt, "--output", str(out))
        assert proc.returncode == 1, proc.stderr
        assert f"report written to {out}" in proc.stdout
        assert out.exists()
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["summary"]["moved"] == 1
    md = (tmp_path / "report.md").read_text()
    assert "## Modified" in md and "```diff" in md
    page = (tmp_path / "report.html").read_text()
    title = v2[_id_of(v2, next(iter(NEW_ARTICLES)))]["title"]
    assert "<" in title, title  # the article title keeps its markup characters
    assert html.escape(title) in page
    assert title not in page and "<script>alert" not in page and "<b>Widgets" not in page
    assert "http://" not in page and "https://" not in page  # self-contained


def test_revisions_read_from_the_remote_without_cache(versions, tmp_path):
    """A fresh clone has no DVC cache: dvc.api fetches both versions from the default remote."""
    proj, *_ = versions
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(proj), str(clone)], tmp_path)
    run(["git", "fetch", "-q", "--tags"], clone)
    assert not (clone / ".dvc" / "cache").exists()
    rep = diff_versions(clone, "v1", "v2")
    assert rep["summary"] == diff_versions(proj, "v1", "v2")["summary"]


# ------------------------------------------------------------------------------------ the pieces


def test_text_excerpt_is_short_and_centered():
    a = "Intro sentence. " + "x" * 500 + " old word here " + "y" * 500 + ". Last one."
    b = a.replace("old word", "new word")
    ex = text_excerpt(a, b)
    lines = ex.splitlines()
    assert any(ln.startswith("-") and "old word" in ln for ln in lines)
    assert any(ln.startswith("+") and "new word" in ln for ln in lines)
    assert all(len(ln) < 200 for ln in lines)


def test_keyed_changes_flattens():
    rows = keyed_changes({"a": {"b": 1, "c": [1]}, "d": 1}, {"a": {"b": 2, "c": [1]}, "e": "x"})
    assert rows == [{"key": "a.b", "change": "changed", "a": 1, "b": 2, "delta": 1},
                    {"key": "d", "change": "removed", "a": 1, "b": None},
                    {"key": "e", "change": "added", "a": None, "b": "x"}]


def test_keyed_changes_shows_an_emptied_section_by_its_keys_only():
    a = {"rejected_by_reason": {"empty": 1, "duplicate": 2}, "accepted": 3}
    b = {"rejected_by_reason": {}, "accepted": 3}
    removed = [{"key": "rejected_by_reason.duplicate", "change": "removed", "a": 2, "b": None},
               {"key": "rejected_by_reason.empty", "change": "removed", "a": 1, "b": None}]
    assert keyed_changes(a, b) == removed
    assert [r["key"] for r in keyed_changes(b, a)] == [r["key"] for r in removed]
    assert keyed_changes({}, {"rejected_by_reason": {}}) == [
        {"key": "rejected_by_reason", "change": "added", "a": None, "b": {}}]


def test_select_slots_rejects_unknown_and_id():
    with pytest.raises(DiffError, match="did you mean text"):
        select_slots(["txt"])
    with pytest.raises(DiffError, match="matched by id"):
        select_slots(["id"])
