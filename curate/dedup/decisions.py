"""Step 3's decisions: which records to drop as story versions, exact or near duplicates, and
which kept record each one duplicates. Deterministic in the keys; `curate check` reuses it."""

from __future__ import annotations

import msgspec

from curate.params import Params
from curate.record import STORY_ID_PREFIXES, Reason


class _SourceKey(msgspec.Struct, frozen=True):
    """The part of a record's source dedup reads: its tie-breaks and messages name the raw path."""

    path: str = ""
    line: int | None = None


class _Key(msgspec.Struct):
    """What dedup keeps per record (ids, hashes, dates, raw path): never the text."""

    id: str
    content_hash: str
    date: str | None = None
    published_at: str | None = None
    modified_at: str | None = None
    source: _SourceKey = _SourceKey()


DedupKey = _Key  # public name: `curate check` decodes the same keys from its records and the corpus


def _recency(k: _Key) -> tuple:
    """Later publication wins among story versions; ties broken by raw path then line."""
    return (k.published_at or k.date or "", k.source.path, k.source.line or 0)


def _latest(k: _Key) -> tuple:
    """Among story versions the last modified wins (NewsML-G2 / ninjs versions share their first
    publication), then the later publication; ties broken by raw path then line."""
    return (k.modified_at or k.published_at or k.date or "", *_recency(k))


def dedup_decisions(keys: list[_Key], params: Params, near=None, reload=None) -> dict[int, tuple[Reason, str, str]]:
    """Index → (reason, kept id, detail) for every record to drop. Deterministic in the keys.

    1. story versions: records sharing an id (a Reuters story id re-crawled): keep the latest
       (published_at, then date, then raw path); the others are `story_version` (Reuters ids)
       or `duplicate_id` (ids from other sources).
    2. exact duplicates: among the survivors, records sharing a content_hash: keep the earliest
       published (the original; ties: smallest id); the others are `duplicate`.
    3. near duplicates (`near`: a `curate.dedup.near_dup.NearDupIndex` holding the signature of record i
       at index i; skipped when None): among the survivors, MinHash/LSH clusters at
       `near_threshold`; keep the earliest published (UTC; ties: smallest id); the others are
       `near_duplicate`. `reload(indices)` yields (index, text) for the exact check of
       borderline pairs (see curate/dedup/near_dup.py).
    """
    drop: dict[int, tuple[Reason, str, str]] = {}
    if params.dedup.story_versions:
        by_id: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            by_id.setdefault(k.id, []).append(i)
        for rid, idx in by_id.items():
            if len(idx) < 2:
                continue
            keep = max(idx, key=lambda i: _latest(keys[i]))
            reason = Reason.STORY_VERSION if rid.startswith(STORY_ID_PREFIXES) else Reason.DUPLICATE_ID
            for i in idx:
                if i != keep:
                    drop[i] = (reason, rid, f"another version of story {rid} was kept "
                               f"(kept {keys[keep].source.path}, published {_recency(keys[keep])[0]})")
    if params.dedup.exact:
        by_hash: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            if i not in drop:
                by_hash.setdefault(k.content_hash, []).append(i)
        for idx in by_hash.values():
            if len(idx) < 2:
                continue
            keep = min(idx, key=lambda i: (_recency(keys[i])[0], keys[i].id, _recency(keys[i])[1:]))
            for i in idx:
                if i != keep:
                    drop[i] = (Reason.DUPLICATE, keys[keep].id,
                               f"same text as {keys[keep].id} ({keys[keep].source.path})")
    if params.dedup.near and near is not None:
        from curate.dedup.near_dup import near_decisions, order_key

        order = [order_key(k.id, k.published_at, k.date) for k in keys]
        near_drop, _ = near_decisions(near, [k.id for k in keys], order, skip=drop.keys(), reload=reload)
        for i, (kept, detail) in near_drop.items():
            drop[i] = (Reason.NEAR_DUPLICATE, kept, detail)
    return drop
