"""`curate diff A [B]`: what changed between two dataset versions, record by record.

A and B are git revisions or tags; B defaults to the working tree. Versions are read with
`curate.dataset.versions`: a revision through DVC (`DVCFileSystem(rev=...)`: the local cache, else the
default remote), never by checking it out; the working tree directly. Small git-tracked files
(`reports/metrics.json`, a DVC metric with `cache: false`, `params.yaml`,
`schemas/record.schema.json`) are read from git.

Streaming, memory proportional to the number of ids (never to text size):

* pass 1 over A: each line is decoded only for its id, date and entity labels (distributions);
  per id we keep ONE packed 20-byte value: a 64-bit hash of the line's bytes and the line's
  location (shard number, byte offset).
* pass 1 over B: the id is read off the start of the line and the line hashed; an equal hash in
  A's index means unchanged, and nothing else is done. A line that differs (or a new id) is split
  into its top-level fields without parsing them (`dict[str, msgspec.Raw]`) and a 64-bit hash
  per record field is packed (~170 bytes an id, for differing ids only).
* then A's differing lines (changed and removed ids) are read back by seeking to their offsets
  and hashed per field the same way: the slots that differ are the modified fields. Removed and
  added ids with the same `content_hash` are "moved".
* distributions: A's are counted in pass 1; B's are A's plus what B's differing lines have minus
  what A's differing lines had, so equal records are counted once.
* pass 2 reads back only the examples shown (`--limit` per kind), by offset, to list the exact
  fields (resolving fields the record type does not know) and cut the text excerpts.

Field hashes use Python's `hash()` of the field's canonical JSON bytes (records are written by
one deterministic encoder). They live in one process only, so the per-process hash seed does
not matter; a collision needs two different values with equal 64-bit hashes.
"""

from __future__ import annotations

import difflib
import struct
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from curate.dataset.diff_changes import (
    PARAMS_DIGEST,
    record_brief,
    provenance_rest,
    shorten,
    distribution_changes,
    file_changes,
    record_changes,
)
from curate.dataset.diff_dist import Distribution, LiteRecord
from curate.dataset.versions import (
    PARAMS_FILE,
    Version,
    curated_dir,
    errors_as,
    iter_lines_at,
    open_version,
)
from curate.layout import METRICS
from curate.record import RECORD_FIELDS, Record, view
from curate.dataset.diff_fetch import DiffError, fetch_records, lines_at, split_line, unpack_location

ARTICLES = "articles"
SCHEMA_FILE = "schemas/record.schema.json"

OTHER = "(other fields)"  # slot for top-level fields the record type does not define
SLOTS: tuple[str, ...] = tuple(f for f in RECORD_FIELDS if f != "id") + (OTHER,)
_SLOT_INDEX = {f: i for i, f in enumerate(SLOTS)}
_PROVENANCE_BIT = 1 << _SLOT_INDEX["provenance"]
_CONTENT = _SLOT_INDEX["content_hash"]
_KNOWN = frozenset(RECORD_FIELDS)
_MISSING = 0x5A5A5A5A  # hash slot value of a field absent from the record

# packed per-id value: line hash, one hash per slot, shard number, byte offset
_PACK = struct.Struct(f"<{1 + len(SLOTS)}qIQ")
# packed per-id value of pass 1 over A: line hash, shard number, byte offset
_LOC = struct.Struct("<qIQ")
# both end with (shard, offset): diff_fetch.TAIL


# -------------------------------------------------------------------------------------- reading

def field_hashes(obj: dict[str, msgspec.Raw]) -> list[int]:
    """One 64-bit hash per slot (SLOTS order) of the field's JSON bytes."""
    out = [hash(bytes(obj[f])) if f in obj else _MISSING for f in SLOTS[:-1]]
    extra = sorted((k, bytes(v)) for k, v in obj.items() if k not in _KNOWN)
    out.append(hash(tuple(extra)) if extra else _MISSING)
    return out


def select_slots(fields: Iterable[str] | None) -> list[int]:
    """Slot numbers compared: every field, or the ones asked for (unknown names are an error)."""
    if not fields:
        return list(range(len(SLOTS)))
    out = []
    for f in fields:
        if f == "id":
            raise DiffError("--field id: records are matched by id, it cannot be compared")
        if f not in _SLOT_INDEX or f == OTHER:
            close = difflib.get_close_matches(f, SLOTS[:-1], n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else f" (fields: {', '.join(SLOTS[:-1])})"
            raise DiffError(f"unknown field '{f}'{hint}")
        if _SLOT_INDEX[f] not in out:
            out.append(_SLOT_INDEX[f])
    return out


# ------------------------------------------------------------------------------------ comparing


@dataclass
class RecordDiff:
    """Pass-1 outcome: counts, ids by kind (ids only), masks of changed slots, example locations."""

    a_records: int = 0
    b_records: int = 0
    unchanged: int = 0
    added: dict[str, bytes] = field(default_factory=dict)      # id -> packed value (B)
    removed: dict[str, bytes] = field(default_factory=dict)    # id -> packed value (A)
    modified: list[tuple[str, int, bytes, bytes]] = field(default_factory=list)  # id, mask, A, B
    moved: list[tuple[str, str, int, bytes, bytes]] = field(default_factory=list)  # from, to, mask, A, B
    field_counts: Counter = field(default_factory=Counter)
    params_only: set[str] = field(default_factory=set)  # modified ids whose only change is the params digest
    dist_a: Distribution = field(default_factory=Distribution)
    dist_b: Distribution = field(default_factory=Distribution)
    a_shards: list[str] = field(default_factory=list)
    b_shards: list[str] = field(default_factory=list)


def _mask(ha: tuple, hb: list[int] | tuple, slots: list[int]) -> int:
    m = 0
    for s in slots:
        if ha[s + 1] != hb[s + 1]:
            m |= 1 << s
    return m


def _mask_names(mask: int) -> list[str]:
    return [SLOTS[s] for s in range(len(SLOTS)) if mask >> s & 1]


_lite = msgspec.json.Decoder(LiteRecord)
_IdOnly = view(Record, ["id"], "_IdOnly")
_id_only = msgspec.json.Decoder(_IdOnly)


def _line_id(line: bytes, where: str) -> str:
    """The id of a record line: read off the line's start (the encoder writes `id` first)."""
    if line.startswith(b'{"id":"'):
        end = line.find(b'"', 7)
        if end > 7:
            raw = line[7:end]
            if b"\\" not in raw:
                return raw.decode("utf-8")
    try:
        return _id_only.decode(line).id
    except msgspec.DecodeError as exc:
        raise DiffError(f"{where}: not a record line ({exc})") from exc


def index_version(version: Version, shards: list[str], dist: Distribution) -> dict[str, bytes]:
    """Pass 1 over A: id -> packed (line hash, shard, offset); distributions counted on the way."""
    index: dict[str, bytes] = {}
    pack = _LOC.pack
    for fi, off, line in iter_lines_at(version, shards):
        try:
            lite = _lite.decode(line)
        except msgspec.DecodeError as exc:
            raise DiffError(f"{version.label}: {shards[fi]} @ byte {off}: not a record line ({exc})") from exc
        rid = lite.id
        if rid in index:
            raise DiffError(f"{version.label}: id {rid} appears twice ({shards[fi]})")
        dist.add_lite(lite)
        index[rid] = pack(hash(line), fi, off)
    return index


def compare_versions(a: Version, b: Version, slots: list[int]) -> RecordDiff:
    """Pass 1 over both versions: A indexed by line hash, B streamed against A's index.

    Only lines whose bytes differ are split into fields: B's as they stream by, A's by seeking back
    to them afterwards (removed ids and ids whose line changed).
    """
    res = RecordDiff()
    res.a_shards = a.list_shards(f"{curated_dir(a)}/{ARTICLES}")
    res.b_shards = b.list_shards(f"{curated_dir(b)}/{ARTICLES}")
    index = index_version(a, res.a_shards, res.dist_a)
    res.a_records = len(index)
    pack, unpack_loc = _PACK.pack, _LOC.unpack
    seen_b: set[str] = set()
    # B's distribution = A's + what B's differing records add - what A's differing records had:
    # records equal on both sides are counted once (entity counting is most of the CPU time)
    plus, minus = Distribution(), Distribution()
    changed: dict[str, bytes] = {}  # id -> B's packed field hashes, for ids whose line differs
    prov_b: dict[str, int | None] = {}  # id -> B's provenance hash without the params digest
    for fi, off, line in iter_lines_at(b, res.b_shards):
        rid = _line_id(line, f"{b.label}: {res.b_shards[fi]} @ byte {off}")
        if rid in seen_b:
            raise DiffError(f"{b.label}: id {rid} appears twice ({res.b_shards[fi]})")
        seen_b.add(rid)
        lh = hash(line)
        old = index.get(rid)
        if old is not None and unpack_loc(old)[0] == lh:
            del index[rid]
            res.unchanged += 1
            continue
        _, obj = split_line(line, f"{b.label}: {res.b_shards[fi]} @ byte {off}")
        plus.add(obj)
        packed = pack(lh, *field_hashes(obj), fi, off)
        if old is None:
            res.added[rid] = packed
        else:
            changed[rid] = packed
            prov_b[rid] = provenance_rest(obj)
    res.b_records = len(seen_b)
    del seen_b
    _a_side(res, a, index, changed, prov_b, slots, minus)
    del index
    res.dist_b = res.dist_a.changed_by(plus, minus)
    _find_moved(res, slots)
    res.modified.sort(key=lambda t: t[0])
    return res


def _a_side(res: RecordDiff, a: Version, index: dict[str, bytes], changed: dict[str, bytes],
            prov_b: dict[str, int | None], slots: list[int], minus: Distribution) -> None:
    """A's side of every differing line (changed ids, then removed ids: all left in the index):
    removed, modified (with their field masks) or unchanged in the compared fields."""
    pack = _PACK.pack
    for rid, line in lines_at(a, res.a_shards, index):
        _, obj = split_line(line, f"{a.label}: {rid}")
        minus.add(obj)
        fi, off = unpack_location(index[rid])
        packed_a = pack(hash(line), *field_hashes(obj), fi, off)
        packed_b = changed.get(rid)
        if packed_b is None:
            res.removed[rid] = packed_a
            continue
        mask = _mask(_PACK.unpack(packed_a), _PACK.unpack(packed_b), slots)
        if not mask:  # the compared fields are equal (bytes differ elsewhere, or only in formatting)
            res.unchanged += 1
            continue
        res.modified.append((rid, mask, packed_a, packed_b))
        if mask == _PROVENANCE_BIT and prov_b.get(rid) is not None and prov_b[rid] == provenance_rest(obj):
            res.params_only.add(rid)
        for name in _mask_names(mask):
            res.field_counts[name] += 1


def _find_moved(res: RecordDiff, slots: list[int]) -> None:
    """Removed and added ids with the same content_hash: moved (paired in id order)."""
    if not res.removed or not res.added:
        return
    unpack = _PACK.unpack
    by_content: dict[int, list[str]] = {}
    for rid in sorted(res.removed):
        h = unpack(res.removed[rid])[_CONTENT + 1]
        if h != _MISSING:
            by_content.setdefault(h, []).append(rid)
    if not by_content:
        return
    for new in sorted(res.added):
        hb = unpack(res.added[new])
        olds = by_content.get(hb[_CONTENT + 1])
        if not olds:
            continue
        old = olds.pop(0)
        pa = res.removed.pop(old)
        pb = res.added.pop(new)
        res.moved.append((old, new, _mask(unpack(pa), hb, slots), pa, pb))


# ------------------------------------------------------------------------------------ pass two


# --------------------------------------------------------------------------- changes of a record


# ------------------------------------------------------------------------- metrics/params/schema


# ------------------------------------------------------------------------------- distributions


# -------------------------------------------------------------------------------------- the diff


def diff_versions(root: Path, a: str, b: str | None = None, fields: list[str] | None = None,
                  limit: int = 10) -> dict:
    """The whole diff of versions `a` and `b` (None: the working tree) as a JSON-ready dict."""
    root = Path(root)
    select_slots(fields)  # unknown fields fail before any revision is read
    with errors_as(DiffError):
        return diff_sides(open_version(root, a), open_version(root, b), fields, limit)


@errors_as(DiffError)
def diff_sides(va: Version, vb: Version, fields: list[str] | None = None, limit: int = 10) -> dict:
    """The diff of two opened versions (any `Version`: a revision, a working tree)."""
    slots = select_slots(fields)
    fields = list(fields) if fields else None
    res = compare_versions(va, vb, slots)
    limit = max(0, limit)

    # pass two: only the examples shown
    mod_show = [m for m in res.modified if m[0] not in res.params_only][:limit]
    add_show = sorted(res.added)[:limit]
    rem_show = sorted(res.removed)[:limit]
    mov_show = res.moved[:limit]
    want_a = {rid: pa for rid, _, pa, _ in mod_show}
    want_a.update({rid: res.removed[rid] for rid in rem_show})
    want_a.update({old: pa for old, _, _, pa, _ in mov_show})
    want_b = {rid: pb for rid, _, _, pb in mod_show}
    want_b.update({rid: res.added[rid] for rid in add_show})
    want_b.update({new: pb for _, new, _, _, pb in mov_show})
    ra = fetch_records(va, res.a_shards, want_a) if want_a else {}
    rb = fetch_records(vb, res.b_shards, want_b) if want_b else {}

    modified = []
    for rid, mask, _, _ in mod_show:
        changed, changes = record_changes(ra.get(rid, {}), rb.get(rid, {}), fields)
        modified.append({"id": rid, "title": shorten(rb.get(rid, {}).get("title"), 160),
                         "fields": changed or _mask_names(mask), "changes": changes})
    moved = []
    for old, new, mask, _, _ in mov_show:
        changed, changes = record_changes(ra.get(old, {}), rb.get(new, {}), fields)
        moved.append({"from": old, "to": new, "title": shorten(rb.get(new, {}).get("title"), 160),
                      "fields": changed, "changes": {k: v for k, v in changes.items() if k != "text"}})

    summary = {"added": len(res.added), "removed": len(res.removed), "modified": len(res.modified),
               "moved": len(res.moved), "unchanged": res.unchanged}
    metrics = file_changes(va, vb, str(METRICS), "json")
    params = file_changes(va, vb, PARAMS_FILE, "yaml")
    schema = file_changes(va, vb, SCHEMA_FILE, "json")
    records_differ = any(summary[k] for k in ("added", "removed", "modified", "moved"))
    identical = not records_differ and not (metrics["changes"] or params["changes"] or schema["changes"])
    return {
        "a": {**va.describe(), "records": res.a_records, "shards": len(res.a_shards)},
        "b": {**vb.describe(), "records": res.b_records, "shards": len(res.b_shards)},
        "fields": fields,
        "limit": limit,
        "identical": identical,
        "summary": summary,
        "modified_fields": dict(sorted(res.field_counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        "params_only": {"records": len(res.params_only), "field": f"provenance.{PARAMS_DIGEST}",
                        "params_changed": [c["key"] for c in params["changes"]]},
        "examples": {
            "added": [record_brief(rb[r]) if r in rb else {"id": r} for r in add_show],
            "removed": [record_brief(ra[r]) if r in ra else {"id": r} for r in rem_show],
            "modified": modified,
            "moved": moved,
        },
        "metrics": metrics,
        "params": params,
        "schema": schema,
        "distributions": distribution_changes(res.dist_a, res.dist_b, limit or 10),
    }
