"""The dataset card `corpus/curated/README.md`: Hugging Face YAML front matter + a datasheet.

Everything in the card is computed from the version on disk: the records (language mix, dates,
formats, flags, entity model), `reports/metrics.json` (drop counts by reason and stage),
`params.yaml` (every parameter, with defaults filled in), the validation rules
(`curate.validate.schemas.contract_rules`) and the record definition (`record_fields`; the
front matter's `dataset_info.features` comes from `curate.release.features`). The body sections
(Datasheets for Datasets, Gebru et al.) are in `curate.release.card_sections`; the facts in
`curate.release.facts`.

The card is a pure function of those inputs plus `ReleaseInfo` (version, date, license, url,
creator): no wall clock, every mapping sorted, so the same version always gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from curate.params import Params, load_params
from curate.record import Record, Rejected
from curate.release import card_sections as sections
from curate.release.facts import (  # noqa: F401 - the card's public names
    CorpusFacts,
    ReleaseInfo,
    FactsView,
    corpus_facts,
    languages_of,
    size_category,
)
from curate.release.features import MAP_ENTRIES, hf_features

OTHER_LICENSE_NOTE = sections.OTHER_LICENSE_NOTE
SPLITS = {"default": ("articles", Record), "rejected": ("rejected", Rejected)}
DATASETS_MIN = "4.7"  # first `datasets` with the `json` feature type (open-keyed objects)


def splits_of(facts: CorpusFacts) -> dict[str, tuple[str, type]]:
    """The card's configs: `rejected` only when the version has rejected records (`datasets`
    cannot load a config whose files are none: "Instruction "rejected" corresponds to no data!";
    the Croissant file likewise has no `rejected` RecordSet then)."""
    return {k: v for k, v in SPLITS.items() if k != "rejected" or facts.rejected_files}


def front_matter(info: ReleaseInfo, facts: CorpusFacts) -> dict:
    langs = languages_of(facts)
    splits = splits_of(facts)
    meta: dict = {"pretty_name": info.name, "license": info.license}
    if info.license == "other":
        meta["license_name"] = "publisher-copyright"
    if langs:
        meta["language"] = langs
        meta["multilinguality"] = "monolingual" if len(langs) == 1 else "multilingual"
    meta.update({
        "size_categories": [size_category(facts.records)],
        "task_categories": ["token-classification", "text-generation"],
        "task_ids": ["named-entity-recognition", "language-modeling"],
        "annotations_creators": ["machine-generated"],
        "language_creators": ["found"],
        "source_datasets": ["original"],
        "tags": ["news", "dvc", "croissant"],
        # each config's description names the version and its files' sha256: `datasets` keys its
        # cache of a local folder on the card (configs, dataset_info), not on the files, so
        # without it v1.1 fetched into `curated/` after v1.0 was served v1.0's records
        "configs": [
            {"config_name": name, **({"default": True} if name == "default" else {}),
             "description": f"{split} of {info.version}, data files sha256 {facts.split_sha256.get(split, '')}",
             "data_files": [{"split": split, "path": f"{split}/*.jsonl"}]}
            for name, (split, _) in splits.items()
        ],
        # declared types: a shard whose records all have `[]` or null in a field keeps its type
        "dataset_info": [{"config_name": name, "features": hf_features(kind)}
                         for name, (_, kind) in splits.items()],
    })
    return meta


def distribution(info: ReleaseInfo) -> list[str]:
    url, tag, cdir = info.url, info.version, info.curated_dir
    remote = f" `{info.remote}`" if info.remote else ""
    license_note = f" {OTHER_LICENSE_NOTE}" if info.license == "other" else ""
    return [
        "## Distribution", "",
        f"- **License:** `{info.license}`.{license_note}",
        f"- **Repository:** {url} — version `{tag}` is the git tag; the data files are in the DVC "
        f"remote{remote} configured in `.dvc/config` at that tag.", "",
        *(["**This release's DVC remote is a folder path relative to the repository** (released "
           "with `--allow-local-remote`): the commands below work only in the repository itself or "
           "a clone beside it, not from another folder or machine.", ""] if info.local_remote else []),
        "```bash",
        f"# this folder at {tag} into ./curated: the card, croissant.json, manifest.json, articles/, rejected/",
        f"dvc get {url} {cdir} --rev {tag} -o curated",
        "# or track the articles in your own git + DVC project; `dvc update --rev` moves to a later release",
        f"mkdir -p data && dvc import {url} {cdir}/articles --rev {tag} -o data/articles",
        "# or the whole repository at this version",
        f"git clone {url} corpus && cd corpus && git checkout {tag} && dvc pull",
        "# then, in the clone: one file per split (Parquet or gzipped JSON Lines) in exports/",
        f"curate export --format parquet --rev {tag}",
        "```", "",
        "```python",
        "import json, dvc.api",
        f"manifest = json.loads(dvc.api.read(\"{cdir}/manifest.json\", repo=\"{url}\", rev=\"{tag}\"))",
        "records = []",
        "for shard in manifest[\"shards\"]:  # every shard the manifest lists, in order",
        f"    with dvc.api.open(f\"{cdir}/{{shard['path']}}\", repo=\"{url}\", rev=\"{tag}\") as f:",
        "        records += [json.loads(line) for line in f]",
        "```", "",
    ]


def loading(has_rejected: bool = True) -> list[str]:
    credits, rules = MAP_ENTRIES["credits"], MAP_ENTRIES["provenance.rules"]
    return [
        "### Loading", "",
        "With `curated/` local (`dvc get` above):", "",
        "```python",
        "import glob, pandas as pd, polars as pl, duckdb",
        "paths = sorted(glob.glob(\"curated/articles/*.jsonl\"))",
        "df = pd.concat(pd.read_json(p, lines=True, dtype=False) for p in paths)  # dtype=False: ids, dates stay strings",
        "lf = pl.read_ndjson(b\"\".join(open(p, \"rb\").read() for p in paths), infer_schema_length=None)",
        "duckdb.sql(\"SELECT id, date, title FROM read_json_auto('curated/articles/*.jsonl') ORDER BY date\").show()",
        "from datasets import load_dataset                    # Hugging Face datasets >= " + DATASETS_MIN,
        "ds = load_dataset(\"curated\", split=\"articles\")       # this card's configs and features",
        ("rejected = load_dataset(\"curated\", \"rejected\", split=\"rejected\")" if has_rejected
         else "# no `rejected` config: every input of this version was accepted"),
        "import mlcroissant as mlc",
        "records = mlc.Dataset(jsonld=\"curated/croissant.json\").records(record_set=\"articles\")",
        "```", "",
        "Types: lists stay lists (an empty list is `[]`, never null); `credits` and "
        "`provenance.rules` are objects with an open key set (role → names, rule → version): "
        "dicts in pandas and `datasets` (feature `json`), a struct with one member per role in "
        "polars and DuckDB (null where a record lacks the role). In the Parquet export they are "
        f"lists of `{{{', '.join(credits)}}}` and `{{{', '.join(rules)}}}` structs in the record's "
        "key order. Polars reads the shards as one buffer: its glob reader types a column from the "
        "first file, so a shard with only `[]` or null in a column would type it `null`.", "",
    ]


def maintenance(info: ReleaseInfo) -> list[str]:
    creator = info.creator or "the repository's maintainers"
    return [
        "## Maintenance", "",
        f"- Maintained by {creator}. Changes between releases are in `CHANGELOG.md` at the "
        "repository root (generated by `curate diff` against the previous release: records added, "
        "removed, modified with the fields, moved; metric, parameter and schema changes).",
        "- A release is `curate release VERSION`: it refuses a dirty workspace, a DVC status "
        "that is not clean or a default remote another folder cannot reach, writes this card and "
        "`croissant.json`, the changelog entry, commits, tags and pushes the data to the default "
        "DVC remote. Released tags are never moved.",
        "- Errors: report the record `id` (and the version); a fix ships as a new release.",
        f"- Compare any two versions: `curate diff {info.version} <later tag>`.", "",
    ]


def render_card(info: ReleaseInfo, facts: CorpusFacts, params: Params) -> str:
    head = yaml.safe_dump(front_matter(info, facts), sort_keys=False, allow_unicode=True).rstrip()
    out = ["---", head, "---", ""]
    out += sections.intro(info, facts)
    out += sections.motivation(info)
    out += sections.composition(facts, params)
    out += sections.collection(params, facts)
    out += sections.parameters(params)
    out += sections.processing(facts, params)
    out += sections.validation(facts, params)
    out += sections.uses()
    out += distribution(info)
    out += loading(bool(facts.rejected_files))
    out += maintenance(info)
    return "\n".join(out)


def write_card(root: Path, info: ReleaseInfo, params_path: Path | None = None) -> tuple[str, CorpusFacts]:
    params = load_params(params_path or root / "params.yaml")
    facts = corpus_facts(root, info.curated_dir)
    return render_card(info, facts, params), facts
