"""Near-duplicate clusters of texts held in memory, by record id: the near-dup rule
(curate/dedup/near_dup.py) as one call, for reports, benchmarks and tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from curate.dedup.near_dup import NearDupIndex, order_key
from curate.params import DedupParams


@dataclass(frozen=True)
class IdCluster:
    """A cluster by record ids, for reports: the kept id and the near-duplicate ids."""

    kept: str
    members: tuple[str, ...]
    similarity: dict[str, float]


def find_clusters(
    texts: Iterable[str],
    ids: Sequence[str],
    published: Sequence[str | None] | None = None,
    dates: Sequence[str | None] | None = None,
    params: DedupParams | None = None,
) -> list[IdCluster]:
    """Near-duplicate clusters of in-memory texts, by id (largest first). Texts are kept for the
    exact check of borderline pairs, so use `NearDupIndex` directly for corpora that do not fit."""
    texts = list(texts)
    index = NearDupIndex(params)
    for text in texts:
        index.add(text)
    published = published or [None] * len(ids)
    dates = dates or [None] * len(ids)
    keys = [order_key(i, p, d) for i, p, d in zip(ids, published, dates)]
    clusters = index.clusters(keys, reload=lambda wanted: ((i, texts[i]) for i in wanted))
    return [IdCluster(ids[c.kept], tuple(ids[i] for i in c.members),
                      {ids[i]: s for i, s in c.similarity.items()}) for c in clusters]
