"""Which field mapping reads a JSONL / JSON file: named presets and per path glob sources.

params.yaml:

    ingest:
      sources:                      # first entry whose glob matches the raw path wins
        - glob: "newsplease/**"
          preset: news-please
          timezone: Europe/Berlin   # naive timestamps of this source are Berlin time
        - glob: "fundus/**"
          preset: fundus
          description: null         # any mapping field overrides the preset's (null: not read)
      jsonl: {text: text, ...}      # the default mapping: every file no source glob matches

Globs match the path relative to the raw root (`ingest.raw_dir`) by the one rule of
curate/globs.py: `*` and `?` stay inside one folder, `**/` is zero or more folders (`a/**` is
everything under `a/`, `**/x.json` is `x.json` at any depth), `[abc]` a character class. `curate check` and `curate add` choose the
mapping by the path a file will have under the raw root (`add` puts files in `added-…/`, so a
source that arrives by `curate add` needs a glob matching there, e.g. `added-*/**/*.json`).

A source without a preset starts from `ingest.jsonl`. Each mapping value is a key or a dotted
path (see jsonl.py). Presets (`curate.params.PRESETS`, the crawlers' own output keys):

* `news-please`: maintext, title, authors, date_publish, date_modify, url, source_domain ->
  publisher, description, language (-> label scheme `language`); no id (the path rule applies).
* `fundus` (Article.to_json): title, authors, publishing_date, body ({summary, sections: [{headline,
  paragraphs}]}: sub-headlines and paragraphs in order become the text's paragraphs, the summary
  becomes the description), topics -> label scheme `topics`; no id, url or language.

`resolve(path, ingest)` gives the `Mapping` for a raw path: every field resolved, `key` the
params.yaml key it came from (`ingest.sources[0]` or `ingest.jsonl`) for rejection details, and
`tz` the time zone given to naive timestamps (None: they keep their date only).
`zone_of(path, ingest)` is that time zone for files of any format: the `timezone` of the first
source whose glob matches (every reader's naive times take it: NITF, NewsML-G2, ninjs,
Reuters-21578 as JSONL); the default `ingest.jsonl.timezone` stays JSONL's own.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field

import msgspec

from curate.globs import compile_glob  # noqa: F401 - the one glob rule, re-exported
from curate.params import PRESETS  # the preset table: params.yaml values by name

FIELDS = ("id", "text", "title", "date", "url", "authors", "dateline", "modified_at",
          "publisher", "description", "language", "labels", "timezone")

@dataclass(frozen=True, slots=True)
class Mapping:
    """A mapping with every field resolved (None: not read)."""

    key: str                    # params.yaml key: ingest.jsonl or ingest.sources[N]
    preset: str | None = None
    glob: str | None = None
    id: str | None = None
    text: str = "text"
    title: str | None = None
    date: str | None = None
    url: str | None = None
    authors: str | None = None
    dateline: str | None = None
    modified_at: str | None = None
    publisher: str | None = None
    description: str | None = None
    language: str | None = None
    labels: dict = field(default_factory=dict)
    tz: zoneinfo.ZoneInfo | None = None

    def describe(self) -> str:
        """How a rejection names this mapping."""
        if self.glob is None:
            return f"{self.key} (the default mapping)"
        what = f"preset {self.preset}, " if self.preset else ""
        return f"{self.key} ({what}glob {self.glob!r})"


def _zone(name):
    return zoneinfo.ZoneInfo(name) if isinstance(name, str) else None


def _values(struct) -> dict:
    """The fields a params struct sets (UNSET ones left out)."""
    return {f: getattr(struct, f) for f in FIELDS
            if hasattr(struct, f) and getattr(struct, f) is not msgspec.UNSET}


def default_mapping(ingest) -> Mapping:
    vals = _values(ingest.jsonl)
    tz = _zone(vals.pop("timezone", None))
    vals.setdefault("labels", {})
    vals["labels"] = dict(vals["labels"] or {})
    return Mapping(key="ingest.jsonl", tz=tz, **vals)


def _source_mapping(k: int, src, ingest) -> Mapping:
    if src.preset is not None:
        base = dict(PRESETS[src.preset])
    else:
        base = _values(ingest.jsonl)
        base.pop("timezone", None)
    base.update(_values(src))
    tz = _zone(base.pop("timezone", None))
    base["labels"] = dict(base.get("labels") or {})
    return Mapping(key=f"ingest.sources[{k}]", preset=src.preset, glob=src.glob, tz=tz, **base)


def resolve(path: str, ingest) -> Mapping:
    """The mapping that reads raw path `path` (first matching source, else ingest.jsonl)."""
    sources = ingest.sources
    if sources is not msgspec.UNSET:
        for k, src in enumerate(sources):
            if compile_glob(src.glob).match(path):
                return _source_mapping(k, src, ingest)
    return default_mapping(ingest)


def zone_of(path: str, ingest):
    """The time zone of the first `ingest.sources` entry whose glob matches `path`, or None."""
    sources = ingest.sources
    if sources is msgspec.UNSET:
        return None
    for src in sources:
        if compile_glob(src.glob).match(path):
            name = getattr(src, "timezone", msgspec.UNSET)
            return _zone(name) if name is not msgspec.UNSET else None
    return None
