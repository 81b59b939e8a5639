"""Distributions of a version that `curate diff` compares (months, formats, entity labels, entity
texts), accumulated while the version is indexed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter

import msgspec

from curate.record import Entity, Record, view

_Ent = view(Entity, ["text", "label"], "_Ent")
_ents = msgspec.json.Decoder(list[_Ent])
# what pass 1 parses of an A line: the id and what the distributions need
LiteRecord = view(Record, ["id", "date", ("entities", ["text", "label"])], "LiteRecord")

_LABEL = attrgetter("label")

_TEXT_LABEL = attrgetter("text", "label")

@dataclass
class Distribution:
    """Counts over one version: records, articles per month, entity labels, entity doc frequency."""

    records: int = 0
    months: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)

    def add(self, obj: dict[str, msgspec.Raw]) -> None:
        self.records += 1
        date = obj.get("date")
        raw = bytes(date) if date is not None else b"null"
        self.months[raw[1:8].decode("utf-8", "replace") if raw[:1] == b'"' and len(raw) >= 9 else "unknown"] += 1
        ents = obj.get("entities")
        if ents is not None and len(ents) > 2:
            try:
                decoded = _ents.decode(ents)
            except msgspec.DecodeError:
                return
            # map + attrgetter + Counter.update keep the per-entity loop in C
            self.labels.update(map(_LABEL, decoded))
            self.entities.update(set(map(_TEXT_LABEL, decoded)))

    def add_lite(self, lite: LiteRecord) -> None:
        self.records += 1
        d = lite.date
        self.months[d[:7] if d and len(d) >= 7 else "unknown"] += 1
        if lite.entities:
            self.labels.update(map(_LABEL, lite.entities))
            self.entities.update(set(map(_TEXT_LABEL, lite.entities)))

    def changed_by(self, plus: Distribution, minus: Distribution) -> Distribution:
        """self + plus - minus: the other version's counts from the records that differ."""
        out = Distribution(records=self.records + plus.records - minus.records)
        for name in ("months", "labels", "entities"):
            c = Counter(getattr(self, name))
            c.update(getattr(plus, name))
            c.subtract(getattr(minus, name))
            setattr(out, name, Counter({k: v for k, v in c.items() if v > 0}))
        return out
