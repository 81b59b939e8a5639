"""A real release for the loading and sharing tests: the bundled sample plus three quiet wire
items (no byline, no entities, no tickers, no flags), sharded into 32 files so that some shards
hold only records whose every list field is empty, built with `dvc repro` and `curate release v1`
in a temp git+DVC project, then published as a bare git repository (`file://` URL)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, bin_path, make_project, run
from tests.release.test_release import GIT, curate_cmd, records_in

SHARDS = 32
VERSION = "v1"
DATE = "2024-03-01"
_TEXTS = [
    "the harbour was quiet and the water lay flat under a grey sky while the small boats rested at "
    "their moorings and the nets dried on the stones of the old quay where the gulls waited for the "
    "return of the fleet and the wind carried the smell of salt and tar along the empty road that "
    "leads from the water to the market square.",
    "rain fell on the orchards without pause and the growers said that the apples "
    "would be late but sweet, that the pickers should wait before they climb the ladders, and that "
    "the cider presses in the barns would stand idle until the fruit was ready, which nobody in the "
    "valley seemed to mind very much at all.",
    "a new bench was placed beside the library steps where readers like to sit in the warm "
    "sun with a book or a newspaper, and the gardeners planted lavender and rosemary in the beds "
    "around it so that bees would come, and children could watch them while their parents borrowed "
    "novels, maps, recipes and old records from the shelves inside.",
]
QUIET = [{"id": f"quiet-{i}", "title": f"a quiet item, part {i}", "date": f"2013-04-0{i + 1}",
          "dateline": "HARBOURTOWN", "text": text} for i, text in enumerate(_TEXTS)]
# list fields the pipeline can leave empty (`flags` always holds at least `no_signoff` or the
# record has credits); tests/release/test_loading.py also loads a hand-made shard with none
EMPTY_LIST_FIELDS = ("authors", "credits", "labels", "tickers", "entities")


@dataclass
class Release:
    proj: Path          # the project that released v1
    url: str            # file:// URL of its bare git repository
    records: dict       # id -> record of v1
    empty_shards: list  # shard names whose records all have empty lists


def all_lists_empty(rec: dict) -> bool:
    return not any(rec[k] for k in EMPTY_LIST_FIELDS)


def build_release(base: Path) -> Release:
    raw = base / "raw"
    shutil.copytree(REPO / "corpus/raw", raw)
    (raw / "feeds/quiet.jsonl").write_text("".join(json.dumps(r) + "\n" for r in QUIET), encoding="utf-8")
    proj = make_project(base / "proj", raw=raw)
    params = yaml.safe_load((proj / "params.yaml").read_text())
    params["output"]["shards"] = SHARDS
    (proj / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run([bin_path("dvc"), "repro", "-q"], proj)
    run(GIT + ["add", "-A"], proj)
    run(GIT + ["commit", "-qm", "data: sample plus quiet items, 32 shards"], proj)
    curate_cmd(proj, "release", VERSION, "--date", DATE)
    arts = proj / "corpus/curated/articles"
    empty = [p.name for p in sorted(arts.glob("*.jsonl"))
             if (recs := records_in_file(p)) and all(all_lists_empty(r) for r in recs)]
    bare = base / "published.git"
    run(["git", "clone", "-q", "--bare", str(proj), str(bare)], base)
    return Release(proj, bare.as_uri(), records_in(arts), empty)


def records_in_file(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def release(tmp_path_factory) -> Release:
    return build_release(tmp_path_factory.mktemp("loading-release"))
