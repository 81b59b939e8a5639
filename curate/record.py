"""The one definition of a curated record, a rejected record and the reason codes.

Everything else (JSON Schema in `schemas/`, pandera rules, the dataset card) is generated from the
types here. Records are msgspec Structs: fast to encode/decode and able to emit JSON Schema.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from enum import Enum
from typing import Union, get_args, get_origin

import msgspec


class Reason(str, Enum):
    """Stable reason codes for rejected inputs. Values never change once published."""

    EMPTY = "empty"                      # zero bytes or only whitespace
    HEADER_ONLY = "header_only"          # a header but no body
    BINARY = "binary"                    # NUL bytes / not text
    UNDECODABLE = "undecodable"          # bytes that no supported encoding explains
    TOO_LARGE = "too_large"              # input over params.ingest.max_bytes
    MALFORMED_JSONL = "malformed_jsonl"  # a JSONL line that is not a JSON object
    UNKNOWN_LAYOUT = "unknown_layout"    # no reader recognised the content
    UNREADABLE = "unreadable"            # OS error reading the file (permissions, vanished, symlink out)
    NO_TEXT = "no_text"                  # body empty after cleaning
    NO_DATE = "no_date"                  # no date anywhere
    DATE_OUT_OF_RANGE = "date_out_of_range"  # outside params.validate.date_window
    TOO_SHORT = "too_short"              # fewer words than params.validate.min_words
    DUPLICATE = "duplicate"              # same content_hash as a kept record
    STORY_VERSION = "story_version"      # another crawl of a kept story id
    NEAR_DUPLICATE = "near_duplicate"    # MinHash/LSH near duplicate of a kept record
    DUPLICATE_ID = "duplicate_id"        # id collision with different content
    CONTRACT = "contract"                # record contract violated (types, offsets, labels)
    INTERNAL_ERROR = "internal_error"    # a bug: a step raised on this input; kept, never lost
    MAPPING_MISMATCH = "mapping_mismatch"  # valid JSON object, but its text is not where the mapping says
    MALFORMED_JSON = "malformed_json"    # a JSON document (array, object file) that is not valid JSON
    NOT_ARTICLE = "not_article"          # a web page that is no article (section front, video, paywall stub)
    TIMEOUT = "timeout"                  # reading one input took longer than its time bound
    MALFORMED_HTML = "malformed_html"    # HTML the parser cannot read whole (nesting past its depth limit)
    TRUNCATED = "truncated"              # an archive cut short or corrupt: what follows the offset is lost
    MALFORMED_MARKUP = "malformed_markup"  # XML/SGML item not well-formed, or cut short (truncated file)
    UNSAFE_MARKUP = "unsafe_markup"      # XML declaring entities (external entities, entity bombs): never expanded
    CANCELLATION = "cancellation"        # a feed item that cancels its story (NewsML-G2/ninjs pubStatus canceled)
    WITHDRAWN = "withdrawn"              # a version of a story that a later cancellation withdrew


# the one safe-id rule (readers make ids by it, validate refuses records that break it): a file
# name of [A-Za-z0-9._-], 1 to 128 characters, not starting with '.', never containing '..'
ID_PATTERN = r"^(?!.*\.\.)[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$"
_ID_RE = re.compile(ID_PATTERN)


def is_safe_id(value: str) -> bool:
    """Whether `value` is a safe record id (ID_PATTERN)."""
    return _ID_RE.fullmatch(value) is not None


def is_missing(record, field: str) -> bool:
    """The one rule for a missing field (null-rate rules, quality report, dataset card): None, a
    blank or whitespace-only string, an empty list or mapping. Works on anything with the field as
    an attribute (a Record, a partial decode of one)."""
    value = getattr(record, field, None)
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return len(value) == 0


# the `source.format` names the readers write (each reader module's NAME, warc for archives):
# what a validate.sources `reader` may name; tests/readers/test_readers.py checks they agree
FORMATS = ("html", "json", "jsonl", "newsml_g2", "ninjs", "nitf", "plaintext", "reuters21578",
           "reuters_web", "seed_dateline", "warc")

# ids whose repeats are versions of one story (the source's own story id): dedup keeps the latest
STORY_ID_PREFIXES = ("reuters-", "newsml-", "ninjs-")
# the flag of a feed item whose publication status cancels its story: it reaches dedup (text or
# none), which withdraws the story's earlier versions and accounts the item as `cancellation`
CANCELED_FLAG = "canceled"


class Source(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Where a record came from."""

    path: str    # raw path relative to the raw root, POSIX separators
    format: str  # reader name: seed_dateline, reuters_web, jsonl, json, plaintext
    sha256: str  # sha256 of the raw bytes of the file (of the line for JSONL, of the item for JSON arrays)
    line: int | None = None  # 1-based line number for JSONL inputs
    item: str | None = None  # the item's own id inside a multi-item file (WARC-Record-ID, NEWID, guid)
    offset: int | None = None  # byte offset of the item in the raw file (WARC records)
    url: str | None = None  # where the raw item was fetched from (WARC-Target-URI)
    fetched_at: str | None = None  # when it was fetched (WARC-Date)


class Label(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One label a source gives an article, with the scheme it comes from: a topic folder
    (`folder`), Reuters-21578 TOPICS / PLACES, IPTC subject codes, JSON-LD `articleSection`."""

    scheme: str
    value: str


class Entity(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, array_like=False):
    """A named entity; `text[start:end] == entity.text` always holds for accepted records."""

    text: str
    label: str
    start: int
    end: int


class Stats(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Counts computed on the cleaned text (statistics, never decisions)."""

    chars: int = 0
    words: int = 0
    sentences: int = 0
    paragraphs: int = 0


class Provenance(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What produced a record: toolkit, reader and rule versions, model, parameters digest."""

    toolkit: str = ""
    reader: str = ""
    rules: dict[str, str] = {}
    model: str | None = None
    model_version: str | None = None
    params_sha256: str = ""


class Record(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One article. Field order here is the field order on disk."""

    id: str
    content_hash: str = ""
    source: Source
    url: str | None = None
    title: str | None = None
    date: str | None = None
    published_at: str | None = None
    modified_at: str | None = None  # last update, ISO 8601, where the source states it
    publisher: str | None = None    # site or outlet
    agency: str | None = None       # wire agency credited in the dateline or structure
    dateline: str | None = None
    authors: list[str] = []
    credits: dict[str, list[str]] = {}
    description: str | None = None  # lead or summary given apart from the text
    labels: list[Label] = []        # the source's own labels with their scheme
    text: str = ""
    tickers: list[str] = []
    entities: list[Entity] = []
    language: str | None = None
    stats: Stats = msgspec.field(default_factory=Stats)
    flags: list[str] = []
    provenance: Provenance = msgspec.field(default_factory=Provenance)


class Rejected(Record, kw_only=True, forbid_unknown_fields=True):
    """What could be read of a rejected input, plus why it was rejected and where."""

    reason: str = Reason.INTERNAL_ERROR.value
    detail: str = ""
    stage: str = ""
    duplicate_of: str | None = None  # the kept record's id, for duplicate/story_version/near_duplicate


RECORD_FIELDS: tuple[str, ...] = Record.__struct_fields__

_encoder = msgspec.json.Encoder(order="deterministic")
# the one decoder of each line type: hot loops bind `RECORD_DECODER.decode` once
RECORD_DECODER = msgspec.json.Decoder(Record)
REJECTED_DECODER = msgspec.json.Decoder(Rejected)


def encode(obj: msgspec.Struct) -> bytes:
    """One JSON line (no newline) with a deterministic key order."""
    return _encoder.encode(obj)


def decode_record(line: bytes | str) -> Record:
    return RECORD_DECODER.decode(line)


ViewSpec = Iterable[Union[str, tuple[str, "ViewSpec"]]]


def view(struct: type[msgspec.Struct], keep: ViewSpec, name: str = "") -> type[msgspec.Struct]:
    """A read-only projection of `struct` for the readers that need a few fields of many records.

    The view has only the kept fields, each with the type, default and required-ness it has in
    `struct`, so decoding a line with it skips every other field (the text, above all) unparsed. An
    item `(field, spec)` narrows a nested struct (or a list of them) in turn:
    `view(Record, ["id", ("source", ["format"])])`. Views accept unknown fields (they read records
    written by any version of the toolkit). The names come from here: a view of a field the record
    does not have fails at import.
    """
    fields = {f.name: f for f in msgspec.structs.fields(struct)}
    out = []
    for item in keep:
        fname, sub = (item, None) if isinstance(item, str) else item
        if fname not in fields:
            raise ValueError(f"{struct.__name__} has no field {fname!r}")
        f = fields[fname]
        typ = f.type if sub is None else _narrowed(f.type, sub)
        if f.required:
            out.append((fname, typ))
        elif f.default_factory is not msgspec.NODEFAULT:
            factory = typ if f.default_factory is f.type else f.default_factory
            out.append((fname, typ, msgspec.field(default_factory=factory)))
        else:
            out.append((fname, typ, f.default))
    return msgspec.defstruct(name or f"{struct.__name__}View", out, kw_only=True, module=__name__)


def _narrowed(typ, sub: ViewSpec):
    if isinstance(typ, type) and issubclass(typ, msgspec.Struct):
        return view(typ, sub)
    if get_origin(typ) is list:
        (item,) = get_args(typ)
        if isinstance(item, type) and issubclass(item, msgspec.Struct):
            return list[view(item, sub)]
    raise TypeError(f"only a struct or a list of structs can be narrowed, not {typ}")


def reject(record: Record, reason: Reason, detail: str, stage: str) -> Rejected:
    """Turn a (partial) record into a rejected one, keeping every field that was read."""
    fields = {f: getattr(record, f) for f in RECORD_FIELDS}
    return Rejected(**fields, reason=reason.value, detail=detail, stage=stage)


def json_schema(kind: type[msgspec.Struct] = Record) -> dict:
    """JSON Schema for one record (or rejected record), generated from the Struct.

    Every description is normalised here (`inspect.cleandoc`): msgspec versions render docstrings
    differently (0.23 strips the indentation of continuation lines, older ones kept it), and the
    committed `schemas/` must be the same bytes whichever version is installed."""
    return _clean_descriptions(msgspec.json.schema(kind))


def _clean_descriptions(node):
    if isinstance(node, dict):
        return {k: inspect.cleandoc(v) if k == "description" and isinstance(v, str) else _clean_descriptions(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_clean_descriptions(v) for v in node]
    return node
