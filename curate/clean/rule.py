"""A cleaning rule as a unit: a name, a version, what it reads and changes, and its function.

    CleanRule(name, version, reads, writes, flags, apply)
    apply(record, ctx) -> record        ctx: the clean params and the compiled conventions table

A rule takes a record whose `text` is what the rules before it left and returns the record with
its own changes (text, fields, flags); it never sees the others' internals. The rules, in order,
are the clean step's registry (curate/clean/registry.py); `clean_record` (curate/clean/rules.py)
runs them. A rule's `version` is `<set>/<n>`: every record's `provenance.rules[<set>]` names it,
and the clean cache key holds every rule's name and version. Rules of one set share its version
(the `clean` set: the repair, re-flow and header rules), so a change to one of them bumps the set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import msgspec

from curate.clean.publishers import Conventions
from curate.params import CleanParams
from curate.record import Record

# the version of the rules of the `clean` set (repair, re-flow, header): bumped when what one of
# them writes changes (docs/conventions.md)
CLEAN_VERSION = "clean/2"


@dataclass(frozen=True)
class RuleContext:
    """What every rule may read beside the record: the clean params and the conventions table."""

    params: CleanParams
    conv: Conventions

    def format(self, record: Record) -> dict[str, bool]:
        """What the record's reader format carries (the table's FORMATS)."""
        return self.conv.format(record.source.format if record.source else "")


@dataclass(frozen=True)
class CleanRule:
    """One cleaning rule. `reads`/`writes`: the record fields it reads and may change (`text`
    included); `flags`: the flags it may add; `apply`: (record, RuleContext) -> record."""

    name: str
    version: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    flags: tuple[str, ...]
    apply: Callable[[Record, RuleContext], Record]

    @property
    def set(self) -> str:
        """The provenance entry the rule's version goes to: `clean` for `clean/2`."""
        return self.version.partition("/")[0]


def with_flags(record: Record, *flags: str, **fields) -> Record:
    """The record with `flags` added (sorted, once each) and `fields` replaced."""
    if flags:
        fields["flags"] = sorted(set(record.flags).union(flags))
    return msgspec.structs.replace(record, **fields) if fields else record


def norm_names(names: list[str]) -> list[str]:
    """Names single-spaced, empty ones and repeats dropped, in order (authors, credits)."""
    out: list[str] = []
    for n in names:
        n = " ".join(str(n).split())
        if n and n not in out:
            out.append(n)
    return out


def rule_versions(rules: Iterable[CleanRule]) -> dict[str, str]:
    """{set: version} of the rules; ValueError when two rules of one set disagree."""
    versions: dict[str, str] = {}
    for rule in rules:
        if versions.setdefault(rule.set, rule.version) != rule.version:
            raise ValueError(f"rule {rule.name} says {rule.version}, its set {versions[rule.set]}")
    return versions


def rules_key(rules: Iterable[CleanRule]) -> str:
    """The rules in order as a cache key part: `repair=clean/2,tickers=tickers/2,...`."""
    return ",".join(f"{r.name}={r.version}" for r in rules)
