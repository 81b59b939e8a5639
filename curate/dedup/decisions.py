"""Step 3's decisions: which records to drop as story versions, exact or near duplicates, and
which kept record each one duplicates. Deterministic in the keys; `curate check` reuses it.

Ties. When copies are equal on the rule's own terms (same publication time), the copy that
*arrived first* is kept, so re-adding what the corpus holds never displaces it and ids never
change: `arrival` orders raw paths outside `curate add` batch folders first (by path, then
line), then the batch folders (`added-YYYYMMDD-HHMMSS-...`, so by the time they were added),
each by path then line. `curate check` ranks inputs that are not yet under corpus/raw after all
of these, as the batch folder `curate add` names for them sorts after every earlier one.
Before arrival, a copy from an intact source beats one flagged as cut or damaged (DAMAGED_FLAGS:
a text that ends mid-sentence, a cut header, characters that had to be repaired), so the copy
inside a damaged file never wins a tie because its path sorts first.
"""

from __future__ import annotations

import re

import msgspec

from curate.params import Params
from curate.dedup.key_table import KeyTable
from curate.dedup.near_dup import near_decisions, order_key, utc_text as _utc
from curate.record import STORY_ID_PREFIXES, Reason


class _SourceKey(msgspec.Struct, frozen=True):
    """The part of a record's source dedup reads: its tie-breaks and messages name the raw path."""

    path: str = ""
    line: int | None = None


class DedupKey(msgspec.Struct):
    """What dedup keeps per record (ids, hashes, dates, raw path): never the text. `curate check`
    decodes the same keys from its records and the corpus."""

    id: str
    content_hash: str
    date: str | None = None
    published_at: str | None = None
    modified_at: str | None = None
    source: _SourceKey = _SourceKey()
    flags: list[str] = []


_BATCH = re.compile(r"added-\d{8}-\d{6}-")  # curate add's batch folders (curate/check/add.py)
NEW_INPUT = 2  # arrival rank of an input that is not under corpus/raw yet (curate check)


# flags that say a record's copy is cut or damaged: at a tie, an intact copy is kept before it
DAMAGED_FLAGS = frozenset(("damaged_source", "truncated", "truncated_header", "unresolved_entity",
                           "mojibake_fixed", "markup_left", "clean_error"))


def damaged(k: DedupKey) -> bool:
    return not DAMAGED_FLAGS.isdisjoint(k.flags)


def arrival(k: DedupKey) -> tuple:
    """The order in which raw inputs joined the corpus, from their path (see the module doc)."""
    path = k.source.path
    return (1 if _BATCH.match(path.split("/", 1)[0]) else 0, path, k.source.line or 0)


def _when(k: DedupKey) -> str:
    """The publication as the record states it (for messages)."""
    return k.published_at or k.date or ""


def _published(k: DedupKey) -> str:
    return _utc(k.published_at) or k.date or ""


def _earliest_copy(keys: list[DedupKey], idx: list[int], ranks) -> int:
    """Among records sharing a content hash: the earliest published (UTC; a copy without a date
    comes last), ties by arrival, then id."""
    return min(idx, key=lambda i: (not _published(keys[i]), _published(keys[i]), ranks(i), keys[i].id))


def _version_time(k: DedupKey) -> str:
    # NewsML-G2 / ninjs versions share their first publication: the last modified is the latest
    return _utc(k.modified_at) or _published(k)


def _latest_version(keys: list[DedupKey], idx: list[int], ranks) -> int:
    """Among versions of one story: the last modified, else the latest published; equal times:
    the one that arrived first."""
    latest = max(_version_time(keys[i]) for i in idx)
    return min((i for i in idx if _version_time(keys[i]) == latest), key=ranks)


def _cancellations(keys: dict[int, DedupKey], canceled: list[int]) -> dict[int, tuple[Reason, str | None, str]]:
    """Cancellation items (flag `canceled`) are dropped as `cancellation`; every version of their
    story not newer than the latest cancellation is `withdrawn` (a version after it stands).
    `keys`: the loaded keys (every cancellation and every record sharing an id hash with one)."""
    drop: dict[int, tuple[Reason, str | None, str]] = {}
    cancels: dict[str, tuple[str, str]] = {}  # story id -> (latest cancellation time, its path)
    for i in canceled:
        k = keys[i]
        drop[i] = (Reason.CANCELLATION, None, f"cancels story {k.id}: the item withdraws its "
                   f"earlier versions and is no article itself")
        when = _version_time(k) or "\uffff"  # an undated cancellation withdraws every version
        if k.id.startswith(STORY_ID_PREFIXES) and when >= cancels.get(k.id, ("", ""))[0]:
            cancels[k.id] = (when, k.source.path)
    for i, k in keys.items():
        if i not in drop and k.id in cancels and _version_time(k) <= cancels[k.id][0]:
            drop[i] = (Reason.WITHDRAWN, None, f"story {k.id} was canceled by {cancels[k.id][1]} "
                       f"({cancels[k.id][0].strip(chr(0xffff)) or 'undated'})")
    return drop


def _groups(keys: dict[int, DedupKey], drop, field: str) -> list[list[int]]:
    """Indices (ascending) of the loaded records not dropped yet that share `field`, 2 or more."""
    by: dict[str, list[int]] = {}
    for i, k in keys.items():
        if i not in drop:
            by.setdefault(getattr(k, field), []).append(i)
    return [idx for idx in by.values() if len(idx) >= 2]


def dedup_decisions(keys: list[DedupKey] | KeyTable, params: Params, near=None, reload=None,
                    arrivals: list[tuple] | None = None) -> dict[int, tuple[Reason, str | None, str]]:
    """Index → (reason, kept id, detail) for every record to drop. Deterministic in the keys.

    0. cancellations: a cancel item is `cancellation`, the versions it withdraws `withdrawn`.
    1. story versions: records sharing an id (a Reuters story id re-crawled): keep the latest
       (published_at, else date); equal times: an intact copy, then the first to arrive; the others are
       `story_version` (Reuters ids) or `duplicate_id` (ids from other sources).
    2. exact duplicates: among the survivors, records sharing a content_hash: keep the earliest
       published (the original); ties: an intact copy, the first to arrive, the smallest id; the others
       are `duplicate`.
    3. near duplicates (`near`: a `curate.dedup.near_dup.NearDupIndex` holding the signature of record i
       at index i; skipped when None): among the survivors, MinHash/LSH clusters at
       `near_threshold`; keep the earliest published (UTC); ties: an intact copy, the first to arrive, the
       smallest id; the others are `near_duplicate`. `reload(indices)` yields (index, text) for
       the exact check of borderline pairs (see curate/dedup/near_dup.py).
    `keys` is a list of keys or a `KeyTable` (curate/dedup/key_table.py): only the keys of records
    that share an id or content hash, or end up in a near-duplicate cluster, are ever loaded.
    `arrivals[i]` overrides `arrival(keys[i])` (curate check ranks its new inputs last).
    """
    table = keys if isinstance(keys, KeyTable) else KeyTable.of(keys)
    loaded: dict[int, DedupKey] = dict(sorted(table.load(table.worth_loading()).items()))
    given = (lambda i: arrivals[i]) if arrivals is not None else (lambda i: arrival(loaded[i]))

    def ranks(i: int) -> tuple:  # ties: an intact copy first, then the first to arrive
        return (damaged(loaded[i]), given(i))

    drop: dict[int, tuple[Reason, str | None, str]] = _cancellations(loaded, table.canceled())
    if params.dedup.story_versions:
        for idx in _groups(loaded, drop, "id"):
            rid = loaded[idx[0]].id
            keep = _latest_version(loaded, idx, ranks)
            reason = Reason.STORY_VERSION if rid.startswith(STORY_ID_PREFIXES) else Reason.DUPLICATE_ID
            for i in idx:
                if i != keep:
                    drop[i] = (reason, rid, f"another version of story {rid} was kept "
                               f"(kept {loaded[keep].source.path}, published {_when(loaded[keep])})")
    if params.dedup.exact:
        for idx in _groups(loaded, drop, "content_hash"):
            keep = _earliest_copy(loaded, idx, ranks)
            for i in idx:
                if i != keep:
                    drop[i] = (Reason.DUPLICATE, loaded[keep].id,
                               f"same text as {loaded[keep].id} ({loaded[keep].source.path})")
    if params.dedup.near and near is not None:
        ids: dict[int, str] = {}

        def order(members: list[int]) -> dict[int, tuple]:
            loaded.update(table.load([i for i in members if i not in loaded]))
            ids.update((i, loaded[i].id) for i in members)
            return {i: order_key(loaded[i].id, loaded[i].published_at, loaded[i].date)[:2] + (ranks(i), loaded[i].id)
                    for i in members}

        near_drop, _ = near_decisions(near, ids, order, skip=drop.keys(), reload=reload)
        for i, (kept, detail) in near_drop.items():
            drop[i] = (Reason.NEAR_DUPLICATE, kept, detail)
    return drop
