"""`curate check`: every bad input gets its reason and never costs the others; the verdicts agree
with the pipeline's; duplicates, story versions and near duplicates against the corpus; CLI."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

from curate.check.inputs import UsageError
from curate.check.run import check_paths
from curate.cli import app
from curate.engine.io import iter_curated, iter_rejected
from curate.params import OutputParams
from curate.record import encode
from tests.builders import build_stages, header_only, one_worker, reuters_web

PARAMS = one_worker()

# ------------------------------------------------------------------------------ fixture articles
# All text below is written for these tests.

BODIES = {
    "port": ("The harbour board of Saltmere approved on Tuesday a 900 million crown container terminal "
             "that will be run by shipping group Nordlane, the board's chairwoman Ingrid Vael told reporters.",
             "The terminal is due to open in three years and will add room for four million containers a "
             "year, creating about 600 jobs in a region where the old shipyards closed a decade ago."),
    "wheat": ("Wheat futures in Brandport rose for a fourth day on Monday as a dry spell across the "
              "southern plains cut crop forecasts, traders at the grain exchange said in early dealing.",
              "Farmers in the valley have asked the provincial government for help with irrigation costs, "
              "and the agriculture minister Tomas Berk said a relief package would be ready by the end of the month."),
    "council": ("The city council of Ostrava Nova postponed on Wednesday a vote on the new tram line after "
                "residents of the old quarter filed a petition with eleven thousand signatures against the route.",
                "Mayor Helena Dusk said the council would hold two public hearings in the spring and that the "
                "tram company would publish a revised plan with a tunnel under the market square."),
    "mine": ("Copper miner Redhill Resources said on Thursday it would reopen its Karvik pit after a "
             "six-month strike ended with a wage deal that gives workers a nine percent raise over two years.",
             "The company expects output to return to normal by the autumn and kept its forecast for the year, "
             "chief executive Paul Ormond said on a call with analysts and journalists."),
    "bridge": ("Engineers closed the Varn river bridge on Friday after divers found cracks in two of its "
               "stone piers, forcing freight trucks onto a detour of forty kilometres through the hills.",
               "The regional roads office said repairs would take at least eight weeks and that a temporary "
               "ferry for cars would start running from the old harbour steps on Monday."),
}


def web(key: str, story: str, stamp: str = "Tue Mar 5, 2013 4:15pm EST", date: str = "2013/03/05",
        title: str | None = None, body: tuple[str, str] | None = None, city: str = "SALTMERE") -> str:
    b1, b2 = body or BODIES[key]
    return reuters_web(title or f"{key.title()} story", b1, b2, story=story, slug=key, date=date, stamp=stamp,
                       city=city, editor="Sam Reed")


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))
WEIRD_NAME = "it's a \"quoted\" story – café.txt"


def jsonl_feed() -> bytes:
    good = {"id": "p1", "title": "Rates held", "date": "2013-04-02",
            "text": "The central bank of Veldland kept its main rate at two percent on Tuesday, governor Anna Holt said."}
    good2 = {"id": "p2", "title": "Ferry strike", "date": "2013-04-03T09:30:00+02:00",
             "text": "Ferry crews on the Kessel line walked out on Wednesday morning over a pay dispute, stranding commuters."}
    lines = [
        json.dumps(good),                                        # 1 accepted
        "{not json",                                             # 2 malformed_jsonl
        "[1, 2]",                                                # 3 malformed_jsonl (not an object)
        "",                                                      # 4 blank: no input
        json.dumps(good2),                                       # 5 accepted
        json.dumps({"id": "p3", "title": "No text"}),            # 6 mapping_mismatch (text missing)
        json.dumps({"id": "p4", "title": "Old", "date": "1850-05-01",
                    "text": "The railway from Kessel to the coast opened to passengers on Wednesday."}),  # 7
        json.dumps({"id": "p5", "title": "Future", "date": "2999-01-01",
                    "text": "The observatory said the comet would pass close to the planet on Sunday."}),  # 8
    ]
    return ("\n".join(lines) + "\n").encode()


# relative path -> expected reason (None = accepted); JSONL lines as "path:line"
EXPECTED: dict[str, str | None] = {
    "web/port": None,
    "web/wheat-cp1252": None,
    "web/mojibake": None,
    "web/header-only": "header_only",
    "web/future": "date_out_of_range",
    "web/old": "date_out_of_range",
    "seed/kenya.txt": None,
    "20150210/plain.txt": None,
    "20150210/latin1.txt": None,
    f"20150211/{WEIRD_NAME}": None,
    "nodate.txt": None,  # accepted undated (flag no_date) by default
    "empty.txt": "empty",
    "nul.txt": "binary",
    "image.txt": "binary",
    "huge.txt": "too_large",
    "escape.txt": "unreadable",
    "feed.jsonl:1": None,
    "feed.jsonl:2": "malformed_jsonl",
    "feed.jsonl:3": "malformed_jsonl",
    "feed.jsonl:5": None,
    "feed.jsonl:6": "mapping_mismatch",
    "feed.jsonl:7": "date_out_of_range",
    "feed.jsonl:8": "date_out_of_range",
}


def write_batch(folder: Path, outside: Path) -> None:
    """The fixture inputs (EXPECTED) under folder; `outside` holds a symlink target."""
    (folder / "web").mkdir(parents=True)
    (folder / "web/port").write_text(web("port", "USTEST0001"))
    cp1252 = web("wheat", "USTEST0002", city="BRANDPORT", body=(
        BODIES["wheat"][0].replace("traders", "\u201ctraders\u201d"), BODIES["wheat"][1]))
    (folder / "web/wheat-cp1252").write_bytes(cp1252.encode("cp1252"))
    (folder / "web/mojibake").write_text(web("council", "USTEST0003", city="OSTRAVA NOVA", body=(
        BODIES["council"][0], BODIES["council"][1].replace("Helena Dusk", "Fran\u00c3\u00a7ois Dusk"))))
    (folder / "web/header-only").write_text(header_only(web("mine", "USTEST0004")))
    (folder / "web/future").write_text(web("mine", "USTEST0005", stamp="Mon Jun 7, 2100 10:00am EDT",
                                           date="2100/06/07"))
    (folder / "web/old").write_text(web("bridge", "USTEST0006", stamp="Mon Jun 7, 1880 10:00am EDT",
                                        date="1880/06/07"))
    (folder / "seed").mkdir()
    (folder / "seed/kenya.txt").write_text(
        " date 2014-09-12 NAIROBI Kenya's tea growers said on Friday that a new auction system would "
        "cut the time between picking and sale by a week, raising prices paid to small farms.\n\n"
        "The growers' association said the system would start in January.\n\n"
        "(Writing by Omar Said; Editing by Lucy Park)\n")
    (folder / "20150210").mkdir()
    (folder / "20150210/plain.txt").write_text(
        "Library opens late\n\nThe public library in Marrow Bay will stay open until midnight during "
        "exam weeks, the town's education office said, after students asked for more quiet space.\n")
    (folder / "20150210/latin1.txt").write_bytes(
        "Caf\u00e9 owners protest\n\nOwners of caf\u00e9s in Montr\u00e9al marched on Monday against a "
        "new tax on terraces, which they said would cost each of them several thousand dollars a year.\n"
        .encode("latin-1"))
    (folder / "20150211").mkdir()
    (folder / "20150211" / WEIRD_NAME).write_text(
        "Odd names survive\n\nA file whose name holds spaces, quotes and accents is read like any other "
        "article, the archive team in Pellworth said when it checked its oldest folders on Friday.\n")
    (folder / "nodate.txt").write_text(
        "Dateless\n\nAn article that says nothing about when it was written, and sits in no day folder.\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "nul.txt").write_bytes(b"Title\n\nSome text\x00with a NUL byte in the middle.\n")
    (folder / "image.txt").write_bytes(PNG)
    with open(folder / "huge.txt", "wb") as fh:  # 50 MB, sparse: nothing is written or read
        fh.write(b"Huge\n\n")
        fh.truncate(50_000_000)
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text("Secret\n\nThis file lives outside the checked folder.\n")
    os.symlink(outside / "secret.txt", folder / "escape.txt")
    (folder / "feed.jsonl").write_bytes(jsonl_feed())


def by_key(result) -> dict[str, object]:
    """source path[:line] -> verdict (paths under the root the readers used)."""
    out = {}
    for v in result.verdicts:
        key = f"{v.path}:{v.line}" if v.line is not None else v.path
        assert key not in out, f"two verdicts for {key}"
        out[key] = v
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("batch")
    write_batch(base / "in", base / "outside")
    return base / "in"


@pytest.fixture(scope="module")
def empty_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("proj")
    return root


@pytest.fixture(scope="module")
def checked(batch, empty_project):
    return check_paths([batch], root=empty_project, params=PARAMS)


# ----------------------------------------------------------------------------------- bad inputs


def test_every_input_is_reported_with_its_reason(checked):
    got = {k: v.reason for k, v in by_key(checked).items()}
    assert got == EXPECTED  # nothing skipped, nothing extra, each reason as expected
    assert checked.exit_code == 1
    assert checked.rejected == sum(1 for r in EXPECTED.values() if r)


@pytest.mark.parametrize("key, reason", [(k, r) for k, r in EXPECTED.items() if r])
def test_bad_input(checked, key, reason):
    v = by_key(checked)[key]
    assert not v.accepted and v.reason == reason and v.detail
    assert len(checked.verdicts) == len(EXPECTED)  # the bad input cost no other input


def test_details_are_clear(checked):
    v = by_key(checked)
    assert "50000000 bytes > max_bytes" in v["huge.txt"].detail
    assert "NUL" in v["nul.txt"].detail and "NUL" in v["image.txt"].detail
    assert "outside" in v["escape.txt"].detail
    assert v["feed.jsonl:2"].detail.startswith("line 2:")
    assert v["feed.jsonl:3"].detail.startswith("line 3:")
    assert "date_min" in v["web/old"].detail and "date_max" in v["web/future"].detail


def test_decoding_and_repairs_are_flagged(checked):
    v = by_key(checked)
    assert "decoded_cp1252" in v["web/wheat-cp1252"].flags
    assert "decoded_cp1252" in v["20150210/latin1.txt"].flags
    assert "mojibake_fixed" in v["web/mojibake"].flags
    assert v["20150210/latin1.txt"].title == "Café owners protest"
    assert v["20150210/plain.txt"].date == "2015-02-10"  # day folder kept in the relative path


def test_ids_are_the_pipelines(checked):
    from curate.readers.ids import path_id

    v = by_key(checked)
    assert v["web/port"].id == "reuters-USTEST0001"
    assert v["feed.jsonl:1"].id == "jsonl-p1"
    assert v["feed.jsonl:2"].id == path_id("feed.jsonl", 2)
    assert v[f"20150211/{WEIRD_NAME}"].id == path_id(f"20150211/{WEIRD_NAME}")


def test_a_file_argument_in_a_day_folder_keeps_its_date(batch, empty_project):
    r = check_paths([batch / "20150210" / "plain.txt"], root=empty_project, params=PARAMS)
    (v,) = r.verdicts
    assert v.accepted and v.date == "2015-02-10" and v.path == "20150210/plain.txt"


def test_jsonl_lines_are_reported_with_line_numbers(checked):
    lines = sorted(v.line for v in checked.verdicts if v.path == "feed.jsonl")
    assert lines == [1, 2, 3, 5, 6, 7, 8]  # the blank line 4 is no input


def test_unreadable_file_permissions(tmp_path, empty_project):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    (tmp_path / "locked.txt").write_text("T\n\nbody\n")
    os.chmod(tmp_path / "locked.txt", 0)
    r = check_paths([tmp_path], root=empty_project, params=PARAMS)
    assert r.verdicts[0].reason == "unreadable"


def test_ten_thousand_files(tmp_path, empty_project):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"f{i:05d}.txt").write_bytes(b"" if i % 2000 else
                                              f"Note {i}\n\nA short note number {i} about the harbour.\n".encode())
    start = time.perf_counter()
    r = check_paths([folder], root=empty_project, params=PARAMS)
    elapsed = time.perf_counter() - start
    assert len(r.verdicts) == 10_000
    assert r.by_reason == {"empty": 9_995}
    assert elapsed < 30, f"{elapsed:.1f} s for 10,000 files"


def test_hidden_and_dvc_names_are_skipped_in_folders_like_the_pipeline(tmp_path, empty_project):
    (tmp_path / ".hidden.txt").write_text("Hidden\n\nNot read.\n")
    (tmp_path / "x.dvc").write_text("outs: []\n")
    (tmp_path / "20150301").mkdir()
    (tmp_path / "20150301" / "a.txt").write_text("Seen\n\nThe only article here, about the weather in March.\n")
    r = check_paths([tmp_path], root=empty_project, params=PARAMS)
    assert [v.path for v in r.verdicts] == ["20150301/a.txt"]
    # named explicitly, it is reported (the pipeline would never read it), not silently dropped
    r = check_paths([tmp_path / ".hidden.txt"], root=empty_project, params=PARAMS)
    assert r.verdicts[0].reason == "unreadable" and "'.'" in r.verdicts[0].detail


def test_missing_path_is_a_usage_error_naming_it(batch, empty_project):
    with pytest.raises(UsageError, match="no-such-file.txt"):
        check_paths([batch / "web/port", batch / "no-such-file.txt"], root=empty_project, params=PARAMS)
    with pytest.raises(UsageError, match=r"nothing\*\.txt"):
        check_paths([str(batch / "nothing*.txt")], root=empty_project, params=PARAMS)


def test_globs_are_expanded(batch, empty_project):
    r = check_paths([str(batch / "web" / "*")], root=empty_project, params=PARAMS)
    # each file's root is its folder (the shell would have expanded the glob the same way)
    assert sorted(v.path for v in r.verdicts) == sorted(k[4:] for k in EXPECTED if k.startswith("web/"))
    r = check_paths([str(batch / "**" / "*.txt")], root=empty_project, params=PARAMS)
    assert len(r.verdicts) == sum(1 for k in EXPECTED if k.endswith(".txt"))


def test_same_file_twice_is_checked_once(batch, empty_project):
    r = check_paths([batch / "web/port", batch / "web" / ".." / "web" / "port"], root=empty_project, params=PARAMS)
    assert len(r.verdicts) == 1
    r = check_paths([batch / "web", batch / "web/port"], root=empty_project, params=PARAMS)  # folder + a file in it
    assert len(r.verdicts) == sum(1 for k in EXPECTED if k.startswith("web/"))


def test_same_name_from_two_folders_gets_two_paths(tmp_path, empty_project):
    for d, key in (("a", "port"), ("b", "wheat")):
        (tmp_path / d / "20130305").mkdir(parents=True)
        (tmp_path / d / "20130305" / "story.txt").write_text(f"{key}\n\n{BODIES[key][0]}\n")
    r = check_paths([tmp_path / "a/20130305/story.txt", tmp_path / "b/20130305/story.txt"],
                    root=empty_project, params=PARAMS)
    assert [v.path for v in r.verdicts] == ["20130305/story.txt", "2/20130305/story.txt"]
    assert all(v.accepted for v in r.verdicts) and r.verdicts[0].id != r.verdicts[1].id


# ------------------------------------------------------------------------- agreement with the pipeline


def pipeline_outcomes(root: Path) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for rec in iter_curated(root / "corpus/curated"):
        out[f"{rec.source.path}:{rec.source.line}" if rec.source.line else rec.source.path] = None
    for path in (root / "corpus/curated/rejected").glob("*.jsonl"):
        for rej in iter_rejected(path):
            out[f"{rej.source.path}:{rej.source.line}" if rej.source.line else rej.source.path] = rej.reason
    return out


def write_dedup_cases(raw: Path) -> None:
    """Within one batch: a story re-crawled, an exact copy under another id, a near duplicate."""
    (raw / "dups").mkdir(parents=True)
    (raw / "dups/mine-v1").write_text(web("mine", "USTEST0100", stamp="Thu Mar 7, 2013 9:00am EST", date="2013/03/07"))
    (raw / "dups/mine-v2").write_text(web("mine", "USTEST0100", stamp="Thu Mar 7, 2013 5:30pm EST", date="2013/03/07",
                                          body=(BODIES["mine"][0], BODIES["mine"][1] + " Shares rose 3 percent.")))
    (raw / "dups/port-copy").write_text(web("port", "USTEST0101", stamp="Wed Mar 6, 2013 8:00am EST", date="2013/03/06"))
    (raw / "dups/wheat-near").write_text(web("wheat", "USTEST0102", city="BRANDPORT", body=(
        BODIES["wheat"][0].replace("fourth day", "fifth day"), BODIES["wheat"][1])))
    (raw / "dups/wheat").write_text(web("wheat", "USTEST0103", city="BRANDPORT", stamp="Mon Mar 4, 2013 7:00am EST",
                                        date="2013/03/04"))


@pytest.fixture(scope="module")
def pipeline_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("agree")
    raw = root / "corpus/raw"
    write_batch(raw, root / "outside")
    write_dedup_cases(raw)
    build_stages(root, PARAMS)
    return root


def test_check_agrees_with_the_pipeline_input_for_input(pipeline_project):
    expected = pipeline_outcomes(pipeline_project)
    no_corpus = msgspec.structs.replace(PARAMS, output=OutputParams(curated_dir="no-corpus-here"))
    r = check_paths([pipeline_project / "corpus/raw"], root=pipeline_project, params=no_corpus)
    got = {k: v.reason for k, v in by_key(r).items()}
    assert got == expected
    # the within-batch dedup cases are among them, with the pipeline's reasons
    assert got["dups/mine-v1"] == "story_version" and got["dups/mine-v2"] is None
    assert got["dups/port-copy"] == "duplicate" and got["web/port"] is None
    assert got["dups/wheat-near"] == "near_duplicate" and got["dups/wheat"] is None
    v = by_key(r)
    assert v["dups/port-copy"].duplicate_of == "reuters-USTEST0001" and "in this batch" in v["dups/port-copy"].note
    assert v["dups/wheat-near"].duplicate_of == "reuters-USTEST0103"
    # not only the verdicts: the accepted records are byte for byte the published ones
    built = {rec.id: encode(rec) for rec in iter_curated(pipeline_project / "corpus/curated")}
    checked = {rec.id: encode(rec) for rec, verdict in zip(r.records, r.verdicts) if verdict.accepted}
    assert checked == built


def test_check_agrees_file_by_file_when_given_files(pipeline_project):
    """Files named one by one (with globs) inside corpus/raw: same paths, same verdicts."""
    expected = pipeline_outcomes(pipeline_project)
    no_corpus = msgspec.structs.replace(PARAMS, output=OutputParams(curated_dir="no-corpus-here"))
    raw = pipeline_project / "corpus/raw"
    r = check_paths([str(raw / "**" / "*")], root=pipeline_project, params=no_corpus)
    assert {k: v.reason for k, v in by_key(r).items()} == expected


# ------------------------------------------------------------------------------------ against a corpus


@pytest.fixture(scope="module")
def corpus_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    raw = root / "corpus/raw/2013"
    raw.mkdir(parents=True)
    (raw / "port").write_text(web("port", "USTEST0001"))
    (raw / "wheat").write_text(web("wheat", "USTEST0002", city="BRANDPORT"))
    (raw / "council").write_text(web("council", "USTEST0003", city="OSTRAVA NOVA", stamp="Wed Mar 6, 2013 9:00am EST",
                                     date="2013/03/06"))
    build_stages(root, PARAMS)
    assert len(list(iter_curated(root / "corpus/curated"))) == 3
    return root


def snapshot(root: Path) -> dict[str, str]:
    out = {}
    for sub in ("corpus", "reports"):
        for p in sorted((root / sub).rglob("*")):
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
    return out


def test_against_the_corpus(corpus_project, tmp_path):
    new = tmp_path / "new"
    new.mkdir()
    # same text as the corpus's port story, another story id, published later
    (new / "port-repost").write_text(web("port", "USTEST0201", stamp="Fri Mar 8, 2013 10:00am EST", date="2013/03/08"))
    # the corpus's council story re-crawled later with an extra sentence: a newer version
    (new / "council-v2").write_text(web("council", "USTEST0003", city="OSTRAVA NOVA", stamp="Wed Mar 6, 2013 6:00pm EST",
                                        date="2013/03/06", body=(BODIES["council"][0],
                                                                 BODIES["council"][1] + " The vote is now set for May.")))
    # the wheat story re-crawled with an earlier stamp: an older version
    (new / "wheat-v0").write_text(web("wheat", "USTEST0002", city="BRANDPORT", stamp="Tue Mar 5, 2013 6:00am EST",
                                      body=(BODIES["wheat"][0], BODIES["wheat"][1][:60] + ".")))
    # a near duplicate of the wheat story (one word changed), another id, published later
    (new / "wheat-near").write_text(web("wheat", "USTEST0202", city="BRANDPORT", stamp="Sat Mar 9, 2013 10:00am EST",
                                        date="2013/03/09", body=(BODIES["wheat"][0].replace("fourth", "fifth"),
                                                                 BODIES["wheat"][1])))
    # the corpus's port file itself, unchanged: already there
    (new / "port-again").write_text(web("port", "USTEST0001"))
    # something new, twice in the batch
    (new / "20130310").mkdir()
    for name in ("mine-a.txt", "mine-b.txt"):
        (new / "20130310" / name).write_text("Mine reopens\n\n" + " ".join(BODIES["mine"]) + "\n")

    before = snapshot(corpus_project)
    r = check_paths([new], root=corpus_project, params=PARAMS)
    assert snapshot(corpus_project) == before  # check changes nothing under corpus/ and reports/
    v = by_key(r)
    assert r.corpus_records == 3 and len(r.verdicts) == 7

    assert v["port-repost"].reason == "duplicate" and v["port-repost"].duplicate_of == "reuters-USTEST0001"
    assert "in the corpus" in v["port-repost"].note

    assert v["council-v2"].accepted and v["council-v2"].replaces == ["reuters-USTEST0003"]
    assert "replaces reuters-USTEST0003" in v["council-v2"].note and "newer version" in v["council-v2"].note

    assert v["wheat-v0"].reason == "story_version" and v["wheat-v0"].duplicate_of == "reuters-USTEST0002"
    assert "older" in v["wheat-v0"].note

    assert v["wheat-near"].reason == "near_duplicate" and v["wheat-near"].duplicate_of == "reuters-USTEST0002"

    assert v["port-again"].reason == "duplicate" and v["port-again"].duplicate_of == "reuters-USTEST0001"
    assert "already in the corpus" in v["port-again"].detail

    a, b = v["20130310/mine-a.txt"], v["20130310/mine-b.txt"]
    assert a.accepted and b.reason == "duplicate" and b.duplicate_of == a.id and "in this batch" in b.note


def test_an_earlier_copy_replaces_the_corpus_article(corpus_project, tmp_path):
    """The pipeline keeps the earliest published of identical texts: an input published before
    the corpus copy is accepted, and the report says which corpus article it displaces."""
    (tmp_path / "first").write_text(web("port", "USTEST0300", stamp="Mon Mar 4, 2013 7:00am EST", date="2013/03/04"))
    r = check_paths([tmp_path / "first"], root=corpus_project, params=PARAMS)
    (v,) = r.verdicts
    assert v.accepted and v.replaces == ["reuters-USTEST0001"] and "published earlier" in v.note


# ----------------------------------------------------------------------------------------------- CLI


def cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_cli_exit_codes_and_table(corpus_project, batch):
    ok = cli("check", str(batch / "web/port"), "--root", str(corpus_project),
             "--params", str(corpus_project / "nothing.yaml"))
    # web/port is the corpus's own story, unchanged: rejected
    assert ok.exit_code == 1 and "duplicate" in ok.output
    good = cli("check", str(batch / "20150210/plain.txt"), "--root", str(corpus_project))
    assert good.exit_code == 0, good.output
    assert "accepted" in good.output and "1 input checked against 3 corpus articles: 1 accepted, 0 rejected" in good.output
    missing = cli("check", str(batch / "web/port"), str(batch / "nope.txt"), "--root", str(corpus_project))
    assert missing.exit_code == 2 and "nope.txt" in missing.output
    bad = corpus_project / "bad.yaml"
    bad.write_text("ingest: [unclosed\n")
    badp = cli("check", str(batch / "web/port"), "--root", str(corpus_project), "--params", str(bad))
    assert badp.exit_code == 2 and "cannot read parameters" in badp.output
    unknown = corpus_project / "unknown.yaml"
    unknown.write_text("ingest:\n  no_such_key: 1\n")
    assert cli("check", str(batch / "web/port"), "--root", str(corpus_project), "--params", str(unknown)).exit_code == 2


def test_cli_json_shape(batch, empty_project):
    r = cli("check", str(batch), "--json", "--root", str(empty_project))
    assert r.exit_code == 1
    data = json.loads(r.stdout)  # stderr may hold a warning (empty corpus)
    assert set(data) == {"summary", "corpus", "inputs"}
    assert data["summary"]["inputs"] == len(EXPECTED) and data["summary"]["exit_code"] == 1
    assert data["summary"]["accepted"] + data["summary"]["rejected"] == len(EXPECTED)
    assert data["corpus"]["records"] == 0
    row = next(i for i in data["inputs"] if i["path"] == "feed.jsonl" and i["line"] == 2)
    assert set(row) >= {"input", "line", "status", "id", "reason", "detail", "stage", "duplicate_of",
                        "replaces", "note", "path", "flags"}
    assert row["status"] == "rejected" and row["reason"] == "malformed_jsonl" and row["stage"] == "ingest"
    assert row["input"].endswith("feed.jsonl")


def test_cli_quotes_spaces_and_unicode_in_names(batch, empty_project):
    r = cli("check", str(batch / "20150211" / WEIRD_NAME), "--json", "--root", str(empty_project))
    assert r.exit_code == 0
    assert json.loads(r.stdout)["inputs"][0]["input"].endswith(WEIRD_NAME)


def _empty_corpus_rule(*paths: Path, root: Path) -> dict:
    r = cli("check", *map(str, paths), "--json", "--root", str(root))
    return next(x for x in json.loads(r.stdout)["summary"]["corpus_rules"] if x["rule"] == "empty_corpus")


def test_cli_json_empty_corpus_passes_with_a_message_that_says_so(batch, empty_project):
    rule = _empty_corpus_rule(batch / "20150211" / WEIRD_NAME, batch / "empty.txt", root=empty_project)
    assert rule["passed"] is True
    assert rule["message"] == "corpus rule empty_corpus passed: 1 of 1 inputs accepted"  # rejected inputs are never added


def test_cli_json_empty_corpus_with_every_input_rejected_passes_as_a_build_without_inputs(batch, empty_project):
    # rejected inputs are never added: the build would have no inputs, which the rule does not fail
    rule = _empty_corpus_rule(batch / "empty.txt", batch / "nul.txt", root=empty_project)
    assert rule["passed"] is True
    assert rule["message"] == "corpus rule empty_corpus passed: no inputs (the rule judges a build that has some)"
