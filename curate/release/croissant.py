"""Croissant 1.0 JSON-LD for a curated version, and the field model the card and export share.

The fields are never listed by hand: `record_fields()` walks the msgspec definition in
`curate/record.py` (`Record`, `Rejected`) and yields a `FieldSpec` tree. The dataset card's
fields table, the Croissant RecordSets and the Parquet schema of `curate export` are all
generated from it; `FIELD_DOCS` only adds a sentence per field (a test checks that every field of
the definition has one, so a new field cannot ship undocumented).

Croissant layout (`corpus/curated/croissant.json`, paths relative to that file):

* one `cr:FileObject` per shard (`articles/part-NNNNN.jsonl`, `rejected/<reason>.jsonl`) with
  `contentUrl`, `contentSize`, `encodingFormat: application/jsonlines` and `sha256`;
* one `cr:FileSet` per folder (`includes: articles/*.jsonl`), which the RecordSets read;
* RecordSets `articles` (the `Record` fields) and `rejected` (plus `reason`, `detail`, `stage`,
  `duplicate_of`). JSON Lines are read as a table with one column per top-level key, so every
  field's source is `extract: {column: <top-level key>}`; nested members add a
  `transform: {jsonPath: "$.member"}`. Lists are `repeated` fields (lists of objects: repeated
  fields with subFields). Objects with an open key set (`credits`: role -> names,
  `provenance.rules`: rule -> version) have no Croissant 1.0 type and are left out of the
  RecordSets (the RecordSet description says so); they are in the JSONL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import msgspec.inspect as mi

from curate.layout import rejected_paths, shard_paths
from curate.record import Record, Rejected

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
JSONL_MIME = "application/jsonlines"

# One sentence per field of the record definition, by dotted path ("[]" = list item).
FIELD_DOCS: dict[str, str] = {
    "id": "Unique, stable id: `reuters-<story code>` from the article URL, `jsonl-<source id>`, "
          "else `doc-<sha256(raw path)[:16]>`.",
    "content_hash": "sha256 of `text` (hex).",
    "source": "Where the record came from.",
    "source.path": "Raw file path relative to the raw root (POSIX separators).",
    "source.format": "Reader that parsed it: seed_dateline, reuters_web, jsonl, plaintext (unknown if none).",
    "source.sha256": "sha256 of the raw bytes (of the line, for JSONL inputs).",
    "source.line": "1-based line number for JSONL inputs, else null.",
    "source.item": "The item's own id inside a multi-item file (WARC-Record-ID, NEWID, guid), else null.",
    "source.offset": "Byte offset of the item in the raw file (WARC records), else null.",
    "source.url": "Where the raw item was fetched from (WARC-Target-URI), else null.",
    "source.fetched_at": "When it was fetched (WARC-Date), else null.",
    "url": "Article URL, or null.",
    "title": "Headline, or null.",
    "date": "Publication date, YYYY-MM-DD.",
    "published_at": "ISO 8601 timestamp with UTC offset when a time is known, else null.",
    "modified_at": "Last update, ISO 8601, where the source states it, else null.",
    "publisher": "Site or outlet, or null.",
    "agency": "Wire agency credited in the dateline or structure (`Reuters`, `AP`, ...), or null.",
    "dateline": "Dateline as written (`MOSCOW`, `LIMA, Peru`), or null.",
    "authors": "Byline names.",
    "credits": "Sign-off names by role (`writing`, `reporting`, `additional_reporting`, `editing`, ...).",
    "description": "Lead or summary given apart from the text, or null.",
    "labels": "The source's own labels with their scheme (topic folders, Reuters-21578 TOPICS/PLACES, "
              "IPTC subjects, JSON-LD articleSection).",
    "labels[].scheme": "Where the label comes from (`folder`, `iptc`, ...).",
    "labels[].value": "The label.",
    "text": "Cleaned body: paragraphs joined by a blank line; no header, dateline, agency tag, "
            "sign-off or ticker markup.",
    "tickers": "Instrument codes taken out of the text (`BKS.N`).",
    "entities": "Named entities (machine-annotated with spaCy); `text[start:end] == entity.text`.",
    "entities[].text": "The entity's surface text.",
    "entities[].label": "OntoNotes label (PERSON, ORG, GPE, ...).",
    "entities[].start": "Start character offset in `text`.",
    "entities[].end": "End character offset in `text` (exclusive).",
    "language": "ISO 639 code of the text's language (py3langid); `und` when too short, tabular or unsure.",
    "stats": "Counts on the cleaned text.",
    "stats.chars": "Characters.",
    "stats.words": "Whitespace-separated words.",
    "stats.sentences": "Sentences (rule-based split).",
    "stats.paragraphs": "Paragraphs.",
    "flags": "Quality flags (`truncated`, `very_short`, `no_title`, `date_folder_mismatch`, ...).",
    "provenance": "What produced the record.",
    "provenance.toolkit": "curate version.",
    "provenance.reader": "Reader name and version.",
    "provenance.rules": "Rule name -> rule version for each step that shaped the record.",
    "provenance.model": "spaCy pipeline used for the entities.",
    "provenance.model_version": "Version of that pipeline.",
    "provenance.params_sha256": "sha256 of the parameters that shaped the record (ingest, clean, extract).",
    "reason": "Stable reason code of the rejection.",
    "detail": "Why, for humans.",
    "stage": "Pipeline stage that rejected it.",
    "duplicate_of": "Id of the kept record (duplicate, story_version, near_duplicate), else null.",
}

_SCALARS = {mi.StrType: "string", mi.IntType: "integer", mi.FloatType: "number", mi.BoolType: "boolean",
            mi.LiteralType: "string", mi.EnumType: "string"}


@dataclass(frozen=True)
class FieldSpec:
    """One field of the record definition (recursively)."""

    name: str
    path: str                 # dotted path; list items as `name[]`
    kind: str                 # string | integer | number | boolean | struct | list | map
    nullable: bool = False
    required: bool = False
    item: FieldSpec | None = None               # list item, map value
    fields: tuple[FieldSpec, ...] = field(default=())  # struct members

    @property
    def doc(self) -> str:
        return FIELD_DOCS.get(self.path, "")

    def type_text(self) -> str:
        """Human type: `string or null`, `list of string`, `object {a, b}`, `map string -> list of string`."""
        if self.kind == "struct":
            base = "object {" + ", ".join(f.name for f in self.fields) + "}"
        elif self.kind == "list":
            base = "list of " + self.item.type_text()
        elif self.kind == "map":
            base = "map string -> " + self.item.type_text()
        else:
            base = self.kind
        return base + (" or null" if self.nullable else "")

    def walk(self):
        yield self
        for f in self.fields:
            yield from f.walk()
        if self.item is not None:
            yield from self.item.walk()


def _spec(name: str, path: str, t: mi.Type, required: bool) -> FieldSpec:
    nullable = False
    if isinstance(t, mi.UnionType):
        others = [x for x in t.types if not isinstance(x, mi.NoneType)]
        nullable = len(others) < len(t.types)
        if len(others) != 1:
            raise TypeError(f"{path}: unions of several types are not supported ({t})")
        t = others[0]
    for cls, kind in _SCALARS.items():
        if isinstance(t, cls):
            return FieldSpec(name, path, kind, nullable, required)
    if isinstance(t, mi.StructType):
        members = tuple(_spec(f.name, f"{path}.{f.name}", f.type, f.required) for f in t.fields)
        return FieldSpec(name, path, "struct", nullable, required, fields=members)
    if isinstance(t, mi.ListType):
        item = _spec(name, f"{path}[]", t.item_type, True)
        return FieldSpec(name, path, "list", nullable, required, item=item)
    if isinstance(t, mi.DictType):
        item = _spec(name, f"{path}{{}}", t.value_type, True)
        return FieldSpec(name, path, "map", nullable, required, item=item)
    raise TypeError(f"{path}: unsupported type {t}")


def record_fields(kind: type[msgspec.Struct] = Record) -> list[FieldSpec]:
    """The top-level fields of `Record` (or `Rejected`), in on-disk order."""
    info = mi.type_info(kind)
    return [_spec(f.name, f.name, f.type, f.required) for f in info.fields]


# ----------------------------------------------------------------------------------- Croissant

_DATA_TYPES = {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float", "boolean": "sc:Boolean"}
# fields whose strings are dates (`YYYY-MM-DD`) or ISO 8601 timestamps with an offset: readers
# that parse them (mlcroissant through pandas, `datasets` through pyarrow) get them typed
DATE_FIELDS = {"date": "date", "published_at": "datetime", "modified_at": "datetime",
               "source.fetched_at": "datetime"}
_CR_DATES = {"date": "sc:Date", "datetime": "sc:DateTime"}


def croissant_context() -> dict:
    """The Croissant 1.0 JSON-LD @context (as in the spec's 1.0 examples)."""
    return {
        "@language": "en",
        "@vocab": "https://schema.org/",
        "citeAs": "cr:citeAs",
        "column": "cr:column",
        "conformsTo": "dct:conformsTo",
        "cr": "http://mlcommons.org/croissant/",
        "rai": "http://mlcommons.org/croissant/RAI/",
        "data": {"@id": "cr:data", "@type": "@json"},
        "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
        "dct": "http://purl.org/dc/terms/",
        "equivalentProperty": "cr:equivalentProperty",
        "examples": {"@id": "cr:examples", "@type": "@json"},
        "extract": "cr:extract",
        "field": "cr:field",
        "fileProperty": "cr:fileProperty",
        "fileObject": "cr:fileObject",
        "fileSet": "cr:fileSet",
        "format": "cr:format",
        "includes": "cr:includes",
        "isLiveDataset": "cr:isLiveDataset",
        "jsonPath": "cr:jsonPath",
        "key": "cr:key",
        "md5": "cr:md5",
        "parentField": "cr:parentField",
        "path": "cr:path",
        "recordSet": "cr:recordSet",
        "references": "cr:references",
        "regex": "cr:regex",
        "repeated": "cr:repeated",
        "replace": "cr:replace",
        "samplingRate": "cr:samplingRate",
        "sc": "https://schema.org/",
        "separator": "cr:separator",
        "source": "cr:source",
        "subField": "cr:subField",
        "transform": "cr:transform",
    }


def croissant_version(tag: str) -> str:
    """Croissant wants semantic versions: `v1.2` -> `1.2`; anything else is kept as is."""
    v = tag[1:] if tag[:1] in ("v", "V") and tag[1:2].isdigit() else tag
    return v


def _cr_field(spec: FieldSpec, rs: str, fileset: str, column: str, json_path: str | None,
              parent_id: str) -> dict | None:
    """A cr:Field for one FieldSpec, or None when Croissant 1.0 cannot type it (open-key maps)."""
    fid = f"{parent_id}/{spec.name}"
    out: dict[str, Any] = {"@type": "cr:Field", "@id": fid, "name": spec.name}
    if spec.doc:
        out["description"] = spec.doc
    target = spec.item if spec.kind == "list" else spec
    if spec.kind == "list":
        out["repeated"] = True
    if target.kind == "map":
        return None
    if target.kind == "struct":
        # members of an object read the same column; a jsonPath picks the member (for a list of
        # objects, mlcroissant applies the transform to each item)
        base = "$" if spec.kind == "list" else (json_path or "$")
        subs = [sub for member in target.fields
                if (sub := _cr_field(member, rs, fileset, column, f"{base}.{member.name}", fid)) is not None]
        out["subField"] = subs
        return out
    out["dataType"] = _CR_DATES.get(DATE_FIELDS.get(spec.path, "")) or _DATA_TYPES[target.kind]
    source: dict[str, Any] = {"fileSet": {"@id": fileset}, "extract": {"column": column}}
    if json_path:
        source["transform"] = {"jsonPath": json_path}
    out["source"] = source
    return out


def record_set(name: str, kind: type[msgspec.Struct], fileset: str, description: str) -> dict:
    fields, left_out = [], []
    for spec in record_fields(kind):
        f = _cr_field(spec, name, fileset, spec.name, None, name)
        if f is None:
            left_out.append(spec.name)
            continue
        fields.append(f)
    for spec in record_fields(kind):  # open-key maps nested in objects
        for sub in spec.walk():
            if sub.kind == "map" and sub is not spec:
                left_out.append(sub.path)
    if left_out:
        description += (" Not described here (objects with an open key set, which Croissant 1.0 "
                        "cannot type; they are in the JSONL): " + ", ".join(f"`{p}`" for p in left_out) + ".")
    return {"@type": "cr:RecordSet", "@id": name, "name": name, "description": description,
            "key": {"@id": f"{name}/id"}, "field": fields}


def file_object(curated: Path, rel: str) -> dict:
    data = (curated / rel).read_bytes()
    return {
        "@type": "cr:FileObject",
        "@id": rel,
        "name": rel,
        "contentUrl": rel,
        "contentSize": f"{len(data)} B",
        "encodingFormat": JSONL_MIME,
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def build_croissant(curated: Path, *, name: str, description: str, license: str, url: str,
                    creator: dict, date_published: str, version: str, cite_as: str,
                    keywords: list[str], languages: list[str]) -> dict:
    """The Croissant document for the curated folder `curated` (files read from disk)."""
    articles = [p.name for p in shard_paths(curated)]
    rejected = [p.name for p in rejected_paths(curated)]
    distribution = [file_object(curated, f"articles/{n}") for n in articles]
    distribution += [file_object(curated, f"rejected/{n}") for n in rejected]
    distribution.append({"@type": "cr:FileSet", "@id": "articles-files", "name": "articles-files",
                         "description": "Accepted articles, sharded by crc32(id), each shard sorted by id.",
                         "encodingFormat": JSONL_MIME, "includes": "articles/*.jsonl"})
    record_sets = [record_set("articles", Record, "articles-files",
                              "One accepted news article per record (JSON Lines, one object a line).")]
    if rejected:
        distribution.append({"@type": "cr:FileSet", "@id": "rejected-files", "name": "rejected-files",
                             "description": "Rejected inputs, one file per reason code.",
                             "encodingFormat": JSONL_MIME, "includes": "rejected/*.jsonl"})
        record_sets.append(record_set("rejected", Rejected, "rejected-files",
                                      "Inputs that did not join the corpus: what could be read, plus "
                                      "the reason code, a detail and the stage."))
    return {
        "@context": croissant_context(),
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": name,
        "description": description,
        "license": license,
        "url": url,
        "creator": creator,
        "datePublished": date_published,
        "version": version,
        "citeAs": cite_as,
        "keywords": keywords,
        "inLanguage": languages,
        "isLiveDataset": False,
        "distribution": distribution,
        "recordSet": record_sets,
    }
