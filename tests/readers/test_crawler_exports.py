"""Crawler exports (news-please, fundus) as JSONL, JSON arrays and one-object files, read with
per-source mappings chosen by path glob (curate/readers/sources.py, jsonl.py, json_doc.py)."""

from __future__ import annotations

import hashlib
import json

import msgspec
import pytest

from curate.params import (
    IngestParams,
    JsonlMapping,
    ParamsError,
    SourceMapping,
    load_params,
    section_digest,
)
from curate.readers import ids, read_file
from curate.readers.sources import compile_glob
from curate.record import Label, Reason, Rejected, encode

from .builders import rejected_with
from .crawler_builders import (
    FUNDUS_TEXT,
    HARBOUR_TEXT,
    fundus,
    jsonl,
    news_please,
    pretty,
    wire,
    write,
)

NP = SourceMapping(glob="newsplease/**", preset="news-please", timezone="Europe/Berlin")
FU = SourceMapping(glob="fundus/**", preset="fundus")
BOTH = IngestParams(sources=[NP, FU])


def sha(b: bytes | str) -> str:
    return hashlib.sha256(b.encode("utf-8") if isinstance(b, str) else b).hexdigest()


def accepted(out):
    assert [type(r).__name__ for r in out] == ["Record"] * len(out), [getattr(r, "detail", "") for r in out]
    return out




# --- news-please --------------------------------------------------------------------------------

def test_news_please_jsonl_line_maps_every_field_with_the_source_time_zone(tmp_path):
    line = json.dumps(news_please())
    rel = write(tmp_path, "newsplease/2024/kessel.jsonl", line + "\n")
    (rec,) = accepted(read_file(rel, tmp_path, BOTH))
    assert rec.id == ids.web_id(rec.url)  # news-please has no id: the web pages' rule on its url
    assert (rec.source.path, rec.source.format, rec.source.line, rec.source.item) == (rel, "jsonl", 1, None)
    assert rec.source.sha256 == sha(line)
    assert rec.url == "https://www.kessel-kurier.example/wirtschaft/hafen-1234.html"
    assert rec.title == "Kessel harbour board approves terminal expansion"
    assert rec.date == "2024-04-17"
    assert rec.published_at == "2024-04-17T16:05:00+02:00"  # Berlin summer time
    assert rec.modified_at == "2024-04-17T17:20:00+02:00"
    assert rec.publisher == "www.kessel-kurier.example"
    assert rec.description == "The city backs a larger container terminal."
    assert rec.authors == ["Anna Schmidt", "Jonas Weber"]
    assert rec.labels == [Label(scheme="language", value="en")]  # declared; extract detects its own
    assert rec.language is None and rec.dateline is None and rec.agency is None
    assert rec.text == HARBOUR_TEXT
    assert rec.flags == []
    assert rec.provenance.reader == "jsonl/1"
    assert rec.content_hash == ""


def test_time_zone_gives_the_offset_of_that_day_winter_time_too(tmp_path):
    rel = write(tmp_path, "newsplease/a.jsonl", jsonl([news_please(date_publish="2024-01-10 09:00:00",
                                                                   date_modify=None)]))
    (rec,) = accepted(read_file(rel, tmp_path, BOTH))
    assert (rec.date, rec.published_at, rec.modified_at) == ("2024-01-10", "2024-01-10T09:00:00+01:00", None)
    assert rec.flags == []


def test_naive_timestamp_without_time_zone_keeps_its_date_and_is_flagged(tmp_path):
    params = IngestParams(sources=[SourceMapping(glob="newsplease/**", preset="news-please")])
    rel = write(tmp_path, "newsplease/a.jsonl", jsonl([news_please()]))
    (rec,) = accepted(read_file(rel, tmp_path, params))
    assert (rec.date, rec.published_at, rec.modified_at) == ("2024-04-17", None, None)
    assert rec.flags == ["naive_timestamp", "naive_modified_at"]


def test_timestamp_with_its_own_offset_ignores_the_source_time_zone(tmp_path):
    rel = write(tmp_path, "newsplease/a.jsonl",
                jsonl([news_please(date_publish="2024-04-17T14:05:00Z", date_modify=None)]))
    (rec,) = accepted(read_file(rel, tmp_path, BOTH))
    assert (rec.date, rec.published_at) == ("2024-04-17", "2024-04-17T14:05:00+00:00")


def test_news_please_one_pretty_printed_object_per_file(tmp_path):
    body = pretty(news_please())
    rel = write(tmp_path, "newsplease/www.kessel-kurier.example/hafen-1234.json", body)
    (rec,) = accepted(read_file(rel, tmp_path, BOTH))
    assert (rec.source.format, rec.source.line, rec.source.item) == ("json", None, None)
    assert rec.source.sha256 == sha(body)  # the file's bytes: it is one article
    assert rec.id == ids.web_id(rec.url)  # no id: the web pages' rule on its url, as for JSONL
    assert rec.published_at == "2024-04-17T16:05:00+02:00"
    assert rec.publisher == "www.kessel-kurier.example"
    assert rec.text == HARBOUR_TEXT
    assert rec.provenance.reader == "json/1"


def test_news_please_nulls_are_not_read(tmp_path):
    art = news_please(authors=[], date_modify=None, description=None, language=None, title=None)
    rel = write(tmp_path, "newsplease/a.jsonl", jsonl([art]))
    (rec,) = accepted(read_file(rel, tmp_path, BOTH))
    assert (rec.title, rec.description, rec.modified_at, rec.authors, rec.labels) == (None, None, None, [], [])
    assert rec.flags == []


# --- fundus ---------------------------------------------------------------------------------------

def test_fundus_article_maps_every_field(tmp_path):
    line = json.dumps(fundus(), ensure_ascii=False)
    rel = write(tmp_path, "fundus/de/articles.jsonl", line + "\n")
    (rec,) = accepted(read_file(rel, tmp_path, BOTH))
    assert rec.id == ids.path_id(rel, 1)
    assert (rec.source.format, rec.source.line, rec.source.sha256) == ("jsonl", 1, sha(line))
    assert rec.title == "Rail link to the coast opens"
    assert rec.authors == ["Marta Nowak"]
    assert rec.date == "2024-05-03"
    assert rec.published_at == "2024-05-03T15:47:42+00:00"
    assert rec.text == FUNDUS_TEXT  # sub-headline "Fares" kept as its own paragraph
    assert rec.description == "The line cuts the trip to the coast to 40 minutes."  # the summary
    assert rec.labels == [Label(scheme="topics", value="Transport"), Label(scheme="topics", value="Kessel")]
    assert (rec.url, rec.publisher, rec.modified_at, rec.dateline) == (None, None, None, None)
    assert rec.flags == []


def test_fundus_json_array_gives_one_input_per_element_and_skips_nulls(tmp_path):
    arts = [fundus(title="First"), None, fundus(title="Third", topics=[], body={"summary": [], "sections": [
        {"headline": [], "paragraphs": ["Only paragraph of the third article."]}]})]
    text = json.dumps(arts, indent=2, ensure_ascii=False)
    rel = write(tmp_path, "fundus/export.json", text)
    out = accepted(read_file(rel, tmp_path, BOTH))
    assert [r.title for r in out] == ["First", "Third"]
    assert [r.source.item for r in out] == ["0", "2"]
    assert [r.source.line for r in out] == [None, None]
    assert [r.id for r in out] == [ids.item_id(rel, 0), ids.item_id(rel, 2)]
    first_item = json.dumps(arts[0], indent=2, ensure_ascii=False).replace("\n", "\n  ")
    assert out[0].source.sha256 == sha(first_item)  # the element's own text
    assert out[1].text == "Only paragraph of the third article."
    assert (out[1].description, out[1].labels) == (None, [])
    assert {r.source.format for r in out} == {"json"}


def test_fundus_preset_field_overridden_per_source(tmp_path):
    params = IngestParams(sources=[SourceMapping(glob="fundus/**", preset="fundus", description=None,
                                                 labels={"section": "topics"})])
    rel = write(tmp_path, "fundus/a.jsonl", jsonl([fundus()]))
    (rec,) = accepted(read_file(rel, tmp_path, params))
    assert rec.description is None
    assert [lab.scheme for lab in rec.labels] == ["section", "section"]
    assert rec.text == FUNDUS_TEXT


# --- per-glob mapping -----------------------------------------------------------------------------

def test_two_sources_side_by_side_each_read_with_its_own_mapping(tmp_path):
    feed = jsonl([wire(), wire(id="w-2", text="A second wire story about the port of Kessel.")])
    write(tmp_path, "wire/feed.jsonl", feed)
    write(tmp_path, "newsplease/a.jsonl", jsonl([news_please(), news_please(title="Second")]))
    write(tmp_path, "fundus/b.json", json.dumps([fundus()]))
    default_only = read_file("wire/feed.jsonl", tmp_path, IngestParams())
    with_sources = read_file("wire/feed.jsonl", tmp_path, BOTH)
    # the default JSONL source is untouched by the sources set for other folders (the reported bug)
    assert [encode(r) for r in accepted(with_sources)] == [encode(r) for r in default_only]
    assert [r.id for r in with_sources] == ["jsonl-w-1", "jsonl-w-2"]
    assert [r.title for r in accepted(read_file("newsplease/a.jsonl", tmp_path, BOTH))] == \
        ["Kessel harbour board approves terminal expansion", "Second"]
    assert [r.title for r in accepted(read_file("fundus/b.json", tmp_path, BOTH))] == \
        ["Rail link to the coast opens"]


def test_first_matching_source_wins_and_a_source_without_preset_starts_from_the_default(tmp_path):
    params = IngestParams(
        jsonl=JsonlMapping(title="headline"),
        sources=[SourceMapping(glob="feeds/special/**", text="body"),
                 SourceMapping(glob="feeds/**", preset="news-please")])
    rel = write(tmp_path, "feeds/special/x.jsonl", jsonl([{"id": 7, "headline": "H", "body": "Body text."}]))
    (rec,) = accepted(read_file(rel, tmp_path, params))
    assert (rec.id, rec.title, rec.text) == ("jsonl-7", "H", "Body text.")
    rel2 = write(tmp_path, "feeds/other/y.jsonl", jsonl([news_please()]))
    assert accepted(read_file(rel2, tmp_path, params))[0].publisher == "www.kessel-kurier.example"


@pytest.mark.parametrize("pattern,path,hit", [
    ("newsplease/**", "newsplease/a.json", True),
    ("newsplease/**", "newsplease/2024/04/a.json", True),
    ("newsplease/**", "other/newsplease/a.json", False),
    ("**/newsplease/*.json", "added-1/newsplease/a.json", True),
    ("**/newsplease/*.json", "newsplease/a.json", True),
    ("*.json", "sub/a.json", False),
    ("fundus/*/[a-c]?.jsonl", "fundus/de/b1.jsonl", True),
    ("fundus/*/[!a-c]?.jsonl", "fundus/de/b1.jsonl", False),
])
def test_glob_rules(pattern, path, hit):
    assert bool(compile_glob(pattern).match(path)) is hit


# --- mismatches and bad input ---------------------------------------------------------------------

def test_news_please_line_under_the_default_mapping_is_a_mapping_mismatch_naming_the_key(tmp_path):
    rel = write(tmp_path, "exports/a.jsonl", jsonl([news_please()]))
    (bad,) = read_file(rel, tmp_path, BOTH)
    bad = rejected_with(bad, Reason.MAPPING_MISMATCH)
    assert bad.detail.startswith("line 1: text field 'text' missing (the object has: authors, ")
    assert "maintext" in bad.detail
    assert "set ingest.jsonl.text or add an ingest.sources entry" in bad.detail
    assert bad.title == "Kessel harbour board approves terminal expansion"  # what could be read is kept
    assert bad.source.line == 1


def test_mismatch_under_a_source_names_that_source_entry(tmp_path):
    rel = write(tmp_path, "fundus/a.jsonl", jsonl([news_please(), fundus(body=42)]))
    out = read_file(rel, tmp_path, BOTH)
    first, second = (rejected_with(r, Reason.MAPPING_MISMATCH) for r in out)
    assert first.detail.startswith("line 1: text field 'body' missing")
    assert "mapping ingest.sources[1] (preset fundus, glob 'fundus/**'): set ingest.sources[1].text" in first.detail
    assert second.detail.startswith("line 2: text field 'body' is int, not a string, a list of "
                                    "paragraphs or a fundus body")


def test_invalid_json_stays_malformed_jsonl_and_good_lines_survive(tmp_path):
    rel = write(tmp_path, "newsplease/a.jsonl",
                json.dumps(news_please()) + "\n{\"maintext\": \"cut off\n\n[1, 2]\n" + json.dumps(news_please()) + "\n")
    out = read_file(rel, tmp_path, BOTH)
    assert [getattr(r, "reason", None) for r in out] == [None, "malformed_jsonl", "malformed_jsonl", None]
    assert out[1].detail.startswith("line 2: not JSON")
    assert out[2].detail == "line 4: not a JSON object (list)"
    assert [r.source.line for r in out] == [1, 2, 4, 5]


def test_empty_text_is_empty_not_a_mismatch(tmp_path):
    rel = write(tmp_path, "newsplease/a.jsonl", jsonl([news_please(maintext="  ")]))
    assert rejected_with(read_file(rel, tmp_path, BOTH)[0], Reason.EMPTY).detail == "line 1: text is empty"


def test_json_array_cut_off_midway_keeps_the_items_before_and_rejects_the_rest_once(tmp_path):
    good = json.dumps([fundus(title="A"), fundus(title="B")], indent=1)
    rel = write(tmp_path, "fundus/cut.json", good[:-1].rstrip() + ',\n {"title": "C", "body": {"summ')
    out = read_file(rel, tmp_path, BOTH)
    assert [r.title for r in out[:2]] == ["A", "B"] and not any(isinstance(r, Rejected) for r in out[:2])
    bad = rejected_with(out[2], Reason.MALFORMED_JSON)
    assert len(out) == 3
    assert bad.source.item == "2" and bad.id == ids.item_id(rel, 2)
    assert bad.detail.startswith("item 2 (line ")
    assert "the 2 item(s) before it were read, the rest cannot be" in bad.detail


def test_json_array_element_that_is_not_an_object_is_malformed_json(tmp_path):
    rel = write(tmp_path, "fundus/x.json", json.dumps([fundus(), "just a string"]))
    out = read_file(rel, tmp_path, BOTH)
    assert not isinstance(out[0], Rejected)
    assert rejected_with(out[1], Reason.MALFORMED_JSON).detail == "item 1 (line 1, column " + \
        str(len(json.dumps([fundus()])[:-1]) + 3) + "): not a JSON object (str)"


def test_empty_json_array_is_one_empty_input(tmp_path):
    rel = write(tmp_path, "fundus/none.json", "[]\n")
    (bad,) = read_file(rel, tmp_path, BOTH)
    assert rejected_with(bad, Reason.EMPTY).detail == "a JSON array without objects"
    assert bad.source.format == "json"


def test_pretty_printed_object_that_is_not_valid_json_is_one_malformed_json(tmp_path):
    rel = write(tmp_path, "newsplease/a.json", pretty(news_please())[:-40])
    (bad,) = read_file(rel, tmp_path, BOTH)
    assert rejected_with(bad, Reason.MALFORMED_JSON).detail.startswith("not JSON (")
    assert bad.id == ids.path_id(rel)


def test_latin1_jsonl_line_is_decoded_and_flagged(tmp_path):
    art = news_please(title="Caf\u00e9 owners in K\u00f6ln welcome the terminal", maintext="Der Caf\u00e9 ist ge\u00f6ffnet.")
    raw = json.dumps(art, ensure_ascii=False).encode("latin-1")
    rel = write(tmp_path, "newsplease/a.jsonl", json.dumps(news_please()).encode() + b"\n" + raw + b"\n")
    out = accepted(read_file(rel, tmp_path, BOTH))
    assert out[0].flags == []
    assert out[1].title == "Caf\u00e9 owners in K\u00f6ln welcome the terminal"
    assert out[1].text == "Der Caf\u00e9 ist ge\u00f6ffnet."
    assert out[1].flags == ["decoded_cp1252"]
    assert out[1].source.sha256 == sha(raw)


def test_latin1_json_array_file_is_decoded_and_every_item_flagged(tmp_path):
    raw = json.dumps([fundus(title="Stra\u00dfe"), fundus(title="Br\u00fccke")], ensure_ascii=False).encode("latin-1")
    rel = write(tmp_path, "fundus/l1.json", raw)
    out = accepted(read_file(rel, tmp_path, BOTH))
    assert [r.title for r in out] == ["Stra\u00dfe", "Br\u00fccke"]
    assert [r.flags for r in out] == [["decoded_cp1252"], ["decoded_cp1252"]]


# --- params ---------------------------------------------------------------------------------------

def test_default_params_keep_the_ingest_digest_of_before_the_sources(tmp_path):
    assert section_digest(IngestParams()) == \
        "2a05f168d4c6fa8895ab8c9d948f68dd18f55cce4c22439b521ae53dd0a8a2ad"
    assert section_digest(BOTH) != section_digest(IngestParams())


def test_params_yaml_with_sources_loads(tmp_path):
    p = tmp_path / "params.yaml"
    p.write_text("ingest:\n  sources:\n    - glob: 'newsplease/**'\n      preset: news-please\n"
                 "      timezone: Europe/Berlin\n    - glob: 'fundus/**'\n      preset: fundus\n"
                 "      description: null\n")
    params = load_params(p)
    assert params.ingest.sources[0] == NP
    assert params.ingest.sources[1].description is None
    assert params.ingest.sources[1].title is msgspec.UNSET


@pytest.mark.parametrize("entry,message", [
    ("{glob: 'a/**', preset: newsplease}", "unknown preset 'newsplease' (known: fundus, news-please) - at `$.ingest.sources[0]`"),
    ("{glob: 'a/**', timezone: CEST}", "timezone 'CEST' is not an IANA time zone name"),
    ("{glob: '/abs/**'}", "must be a non-empty path relative to the raw folder"),
    ("{glob: 'a/[x'}", "'[' without a closing ']'"),
    ("{glob: 'a/**', maintext: maintext}", "Object contains unknown field `maintext`"),
    ("{preset: fundus}", "Object missing required field `glob`"),
])
def test_bad_source_settings_fail_early_naming_the_key(tmp_path, entry, message):
    p = tmp_path / "params.yaml"
    p.write_text(f"ingest:\n  sources:\n    - {entry}\n")
    with pytest.raises(ParamsError, match="ingest.sources") as info:
        load_params(p)
    assert message in str(info.value)


def test_bad_default_time_zone_fails_early(tmp_path):
    p = tmp_path / "params.yaml"
    p.write_text("ingest:\n  jsonl:\n    timezone: Europe/Kessel\n")
    with pytest.raises(ParamsError, match=r"Europe/Kessel.*ingest.jsonl"):
        load_params(p)


# --- curate check / curate add / dvc repro -------------------------------------------------------

def _three_fundus_items() -> list[dict]:
    return [
        fundus(title="Rail link opens"),
        fundus(title="No body here", body=None) | {"text": "not where fundus keeps it"},
        fundus(title="Ferry returns", publishing_date="2024-05-04T08:00:00+02:00", body={
            "summary": [], "sections": [{"headline": [], "paragraphs": [
                "The ferry from Kessel to the island returned to service on Saturday after repairs."]}]}),
    ]


def test_add_checks_a_json_array_item_by_item_and_blanks_the_rejected_one(tmp_path):
    from tests.builders import build_stages, one_worker

    from curate.check.add import add_paths
    from curate.engine.io import iter_curated

    params = msgspec.structs.replace(one_worker(), ingest=IngestParams(
        sources=[SourceMapping(glob="**/fundus/**", preset="fundus")]))
    inbox = tmp_path / "inbox"
    write(inbox, "fundus/export.json", json.dumps(_three_fundus_items(), indent=2))
    root = tmp_path / "proj"
    (root / "corpus/raw").mkdir(parents=True)
    res = add_paths([inbox], root=root, params=params)
    verdicts = {v.item: v for v in res.check.verdicts}
    assert sorted(verdicts) == ["0", "1", "2"]
    assert [verdicts[k].accepted for k in "012"] == [True, False, True]
    assert verdicts["1"].reason == "mapping_mismatch"
    assert "ingest.sources[0].text" in verdicts["1"].detail
    assert verdicts["0"].label.endswith("fundus/export.json[0]")
    (copy,) = res.copies
    assert (copy.items, copy.whole) == (["0", "2"], False)
    written = json.loads((root / "corpus/raw" / copy.dest).read_text())
    assert written[1] is None and [w["title"] for w in (written[0], written[2])] == ["Rail link opens", "Ferry returns"]
    # the next build accepts exactly what add accepted, with the ids and items add reported
    build_stages(root, params)
    built = {(r.source.path, r.source.item): r.id for r in iter_curated(root / "corpus/curated")}
    assert built == {(v.path, v.item): v.id for v in res.check.verdicts if v.accepted}


def test_dvc_repro_reads_a_default_jsonl_source_and_a_news_please_folder_side_by_side(tmp_path):
    """The reported bug: setting a crawler's keys turned every line of the other JSONL source into
    malformed_jsonl. With per-glob sources every article of both is accepted."""
    import yaml

    from tests.conftest import bin_path, make_project, run

    raw = tmp_path / "raw"
    write(raw, "wire/feed.jsonl", jsonl([
        wire(),
        wire(id="w-2", date="2024-04-18T11:00:00+02:00", title="Kessel council backs tram plan",
             text="KESSEL, April 18 - The city council of Kessel backed a plan for a new tram line "
                  "to the harbour on Thursday, a spokesman said.")]))
    write(raw, "newsplease/www.kessel-kurier.example/hafen-1234.json", pretty(news_please()))
    write(raw, "newsplease/www.kessel-kurier.example/more.jsonl", jsonl([news_please(
        title="Ferry to the island back in service", date_publish="2024-04-19 07:45:00", date_modify=None,
        url="https://www.kessel-kurier.example/region/faehre-99.html",
        maintext="The ferry from Kessel to the island is back in service after three weeks of repairs, "
                 "the operator said on Friday.")]))
    proj = make_project(tmp_path / "proj", raw=raw)
    params = yaml.safe_load((proj / "params.yaml").read_text())
    params["ingest"]["sources"] = [{"glob": "newsplease/**", "preset": "news-please",
                                    "timezone": "Europe/Berlin"}]
    (proj / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run([bin_path("dvc"), "repro"], proj)
    metrics = json.loads((proj / "reports/metrics.json").read_text())
    assert (metrics["inputs"], metrics["accepted"], metrics["rejected_by_reason"]) == (4, 4, {})
    from curate.engine.io import iter_curated

    recs = {r.title: r for r in iter_curated(proj / "corpus/curated")}
    assert set(recs) == {"Port of Kessel records busiest month", "Kessel council backs tram plan",
                         "Kessel harbour board approves terminal expansion",
                         "Ferry to the island back in service"}
    assert recs["Ferry to the island back in service"].published_at == "2024-04-19T07:45:00+02:00"
    assert recs["Kessel harbour board approves terminal expansion"].publisher == "www.kessel-kurier.example"
    assert recs["Port of Kessel records busiest month"].id == "jsonl-w-1"
