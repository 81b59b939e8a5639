"""The loading snippets of docs/releases-and-sharing.md, run as written on a real release.

The release (tests/release/conftest.py) has 32 shards for 13 articles: empty shards, and shards
whose every record has empty `authors`, `credits`, `labels`, `tickers` and `entities` (and the
new fields `modified_at`, `publisher`, `agency`, `description`, `source.item`... null). It is
fetched the documented way (`dvc get REPO corpus/curated --rev v1 -o curated`, from another
folder) and exported (`curate export --format parquet --rev v1`). Each loader must read every
record with the documented types: lists stay lists, `credits` is a role -> names mapping in
the JSON Lines and a list of `{role, names}` in Parquet.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import bin_path, run
from tests.release.conftest import EMPTY_LIST_FIELDS, VERSION
from tests.release.test_release import curate_cmd

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def user(release, tmp_path_factory) -> Path:
    """A researcher's folder holding `curated/` (dvc get) and `exports/v1/` (curate export)."""
    home = tmp_path_factory.mktemp("researcher")
    run([bin_path("dvc"), "get", release.url, "corpus/curated", "--rev", VERSION, "-o", "curated"], home)
    curate_cmd(release.proj, "export", "--format", "parquet", "--rev", VERSION,
               "--output", str(home / "exports" / VERSION))
    return home


@pytest.fixture
def in_user(user, monkeypatch):
    monkeypatch.chdir(user)
    return user


@pytest.fixture
def hf(tmp_path, monkeypatch):
    """`datasets`, offline, with its cache in a temp folder."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))
    datasets = pytest.importorskip("datasets")
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf-cache")
    return datasets


def by_id(rows) -> dict[str, dict]:
    return {r["id"]: r for r in rows}


def test_the_release_has_shards_whose_list_fields_are_all_empty(release, user):
    assert release.empty_shards, "the fixture must produce a shard whose records have only empty lists"
    got = sorted(p.name for p in (user / "curated/articles").glob("*.jsonl"))
    assert len(got) == 32 and set(release.empty_shards) <= set(got)
    assert any((user / "curated/articles" / n).stat().st_size == 0 for n in got), "and empty shards"
    assert {"README.md", "croissant.json", "manifest.json"} <= {p.name for p in (user / "curated").iterdir()}


def test_pandas(release, in_user):
    import pandas as pd

    df = pd.concat(pd.read_json(p, lines=True, dtype=False)
                   for p in sorted(glob.glob("curated/articles/*.jsonl")))
    assert sorted(df["id"]) == sorted(release.records)
    rows = by_id(df.to_dict("records"))
    for rid, want in release.records.items():
        for key in (*EMPTY_LIST_FIELDS, "flags", "date", "source"):
            assert rows[rid][key] == want[key], (rid, key)
        assert isinstance(rows[rid]["tickers"], list) and isinstance(rows[rid]["credits"], dict)


def test_polars(release, in_user):
    import polars as pl

    paths = sorted(glob.glob("curated/articles/*.jsonl"))
    df = pl.read_ndjson(b"".join(open(p, "rb").read() for p in paths), infer_schema_length=None)
    assert df.height == len(release.records)
    assert df.schema["tickers"] == pl.List(pl.String) and df.schema["authors"] == pl.List(pl.String)
    rows = by_id(df.to_dicts())
    for rid, want in release.records.items():
        assert rows[rid]["tickers"] == want["tickers"] and rows[rid]["authors"] == want["authors"]
        assert [e["text"] for e in rows[rid]["entities"]] == [e["text"] for e in want["entities"]]


def test_duckdb(release, in_user):
    duckdb = pytest.importorskip("duckdb")
    rel = duckdb.sql("SELECT id, date, title, tickers, authors FROM read_json_auto('curated/articles/*.jsonl') "
                     "ORDER BY date")
    rows = rel.fetchall()
    assert len(rows) == len(release.records)
    for rid, date, title, tickers, authors in rows:
        want = release.records[rid]
        assert (str(date), title, tickers, authors) == (want["date"], want["title"], want["tickers"], want["authors"])


def as_in_datasets(rec: dict) -> dict:
    """A JSONL record as `datasets` gives it: `date` a date, timestamps instants in UTC."""
    def instant(v):
        return None if v is None else dt.datetime.fromisoformat(v).astimezone(dt.timezone.utc)

    out = dict(rec, date=None if rec["date"] is None else dt.date.fromisoformat(rec["date"]),
               published_at=instant(rec["published_at"]), modified_at=instant(rec["modified_at"]))
    out["source"] = dict(rec["source"], fetched_at=instant(rec["source"]["fetched_at"]))
    return out


def _check_hf_articles(ds, release):
    assert ds.num_rows == len(release.records)
    rows = by_id(ds)
    for rid, want in release.records.items():
        got, want = rows[rid], as_in_datasets(want)
        assert set(got) == set(want), rid
        for key, value in want.items():
            assert got[key] == value, (rid, key)


def test_hf_datasets_through_the_card_configs(release, in_user, hf):
    ds = hf.load_dataset("curated", split="articles")
    assert ds.features["tickers"] == hf.List(hf.Value("string"))
    assert ds.features["labels"] == hf.List({"scheme": hf.Value("string"), "value": hf.Value("string")})
    _check_hf_articles(ds, release)
    rejected = hf.load_dataset("curated", "rejected", split="rejected")
    metrics = json.loads((release.proj / "reports/metrics.json").read_text())
    assert rejected.num_rows == metrics["rejected"]
    assert sorted(set(rejected["reason"])) == sorted(metrics["rejected_by_reason"])


def test_hf_datasets_json_glob_with_the_cards_features(release, in_user, hf):
    from datasets import load_dataset, load_dataset_builder

    features = load_dataset_builder("curated").info.features
    ds = load_dataset("json", data_files={"articles": "curated/articles/*.jsonl"}, features=features)["articles"]
    _check_hf_articles(ds, release)


def test_hf_datasets_a_shard_with_every_list_empty_and_every_option_null(release, user, hf, tmp_path):
    """A hand-made shard (no pipeline record has no flag at all) beside the released card."""
    folder = tmp_path / "curated"
    (folder / "articles").mkdir(parents=True)
    shutil.copy(user / "curated/README.md", folder / "README.md")
    rec = {"id": "bare", "content_hash": "", "source": {"path": "a.txt", "format": "plaintext", "sha256": "",
           "line": None, "item": None, "offset": None, "url": None, "fetched_at": None},
           "url": None, "title": None, "date": None, "published_at": None, "modified_at": None,
           "publisher": None, "agency": None, "dateline": None, "authors": [], "credits": {},
           "description": None, "labels": [], "text": "", "tickers": [], "entities": [], "language": None,
           "stats": {"chars": 0, "words": 0, "sentences": 0, "paragraphs": 0}, "flags": [],
           "provenance": {"toolkit": "", "reader": "", "rules": {}, "model": None, "model_version": None,
                          "params_sha256": ""}}
    (folder / "articles/part-00000.jsonl").write_text(json.dumps(rec) + "\n")
    (folder / "articles/part-00001.jsonl").write_text("".join(
        json.dumps(r) + "\n" for r in sorted(release.records.values(), key=lambda r: r["id"])))
    ds = hf.load_dataset(str(folder), split="articles")
    rows = by_id(ds)
    assert rows["bare"] == rec
    first = next(iter(release.records.values()))
    assert rows[first["id"]] == as_in_datasets(first)


def test_mlcroissant(release, in_user):
    mlc = pytest.importorskip("mlcroissant")
    ds = mlc.Dataset(jsonld="curated/croissant.json")
    got = {}
    for rec in ds.records(record_set="articles"):
        rid = rec["articles/id"].decode()
        got[rid] = rec
    assert sorted(got) == sorted(release.records)
    for rid, want in release.records.items():
        assert [t.decode() for t in got[rid]["articles/tickers"]] == want["tickers"]
        assert [a.decode() for a in got[rid]["articles/authors"]] == want["authors"]
        assert [lab["articles/labels/value"].decode() for lab in got[rid]["articles/labels"]] == \
            [lab["value"] for lab in want["labels"]]


def _credits_as_documented(want: dict) -> list[dict]:
    return [{"role": role, "names": names} for role, names in want["credits"].items()]


def test_parquet_export_in_pandas(release, in_user):
    import pandas as pd

    df = pd.read_parquet(f"exports/{VERSION}/articles.parquet")
    rows = by_id(df.to_dict("records"))
    assert sorted(rows) == sorted(release.records)
    for rid, want in release.records.items():
        got = rows[rid]
        credits = [{"role": c["role"], "names": list(c["names"])} for c in got["credits"]]
        assert credits == _credits_as_documented(want), rid
        rules = {r["rule"]: r["version"] for r in got["provenance"]["rules"]}
        assert rules == want["provenance"]["rules"]
        assert list(got["tickers"]) == want["tickers"] and list(got["authors"]) == want["authors"]


def test_parquet_export_in_hf_datasets(release, in_user, hf):
    ds = hf.load_dataset("parquet", data_files={"articles": f"exports/{VERSION}/articles.parquet"})["articles"]
    assert ds.features["credits"] == hf.List({"role": hf.Value("string"), "names": hf.List(hf.Value("string"))})
    rows = by_id(ds)
    for rid, want in release.records.items():
        assert rows[rid]["credits"] == _credits_as_documented(want)
        assert rows[rid]["tickers"] == want["tickers"] and rows[rid]["labels"] == want["labels"]
        assert rows[rid]["provenance"]["rules"] == [{"rule": k, "version": v}
                                                    for k, v in want["provenance"]["rules"].items()]
    rejected = hf.load_dataset("parquet", data_files={"rejected": f"exports/{VERSION}/rejected.parquet"})
    assert rejected["rejected"].num_rows > 0
