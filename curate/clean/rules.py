"""Cleaning a record: the registry's rules (curate/clean/registry.py), in order.

Interface:
    clean_text(text, params) -> str               idempotent text normalisation (curate.clean.text)
    clean_record(record, params) -> Record         text cleaned; dateline, credits, tickers, authors filled

`clean_text` only repairs and re-flows (nothing is removed but noise characters). `clean_record`
runs every rule of the registry on the record: the repair, ticker markup and wire codes out (->
`tickers`), the re-flow, the header (date line, editorial notes, byline -> `authors`, dateline ->
`dateline`, agency tag -> `agency`, a dateline date -> `date`), the end of the story (closing
matter, credit groups -> `credits`, a closing `By Name, Associated Press` -> `authors`, `agency`),
the `markup_left` flag: each rule's module in curate/clean/units/ says what it does. What a
publisher writes comes from the conventions table (curate.clean.conventions), never from code.
The cleaned record's `provenance.rules` names the version of every rule set and of the table.
It never raises: an unexpected error in a rule leaves the record's fields unchanged, its text
only repaired and re-flowed, and adds the flag `clean_error`.
"""

from __future__ import annotations

import msgspec

from curate.clean.publishers import DEFAULT, Conventions
from curate.clean.registry import RULES, VERSIONS
from curate.clean.rule import CLEAN_VERSION, CleanRule, RuleContext, rule_versions
from curate.clean.text import clean_text, reflow, repair
from curate.params import CleanParams
from curate.record import Provenance, Record

__all__ = ["RULES_VERSION", "clean_record", "clean_text", "reflow", "repair"]

RULES_VERSION = CLEAN_VERSION  # the `clean` set's version (curate.clean.rule)


def _provenance(record: Record, conv: Conventions, versions: dict[str, str]) -> Provenance:
    """The record's provenance with the versions of the rules and table that cleaned it."""
    rules = {**record.provenance.rules, **versions, "conventions": conv.version}
    return msgspec.structs.replace(record.provenance, rules=rules)


def clean_record(record: Record, params: CleanParams | None = None,
                 conv: Conventions | None = None, rules: tuple[CleanRule, ...] = RULES) -> Record:
    """A new record with cleaned text and the captured fields; never raises on str input.
    `conv`: the compiled conventions table (default: the shipped one, curate.clean.conventions);
    `rules`: the rules to run, in order (default: the registry's)."""
    params = params or CleanParams()
    conv = conv or DEFAULT
    ctx = RuleContext(params, conv)
    versions = VERSIONS if rules is RULES else rule_versions(rules)
    try:
        out = record
        for rule in rules:
            out = rule.apply(out, ctx)
        return msgspec.structs.replace(out, flags=sorted(set(out.flags)),
                                       provenance=_provenance(record, conv, versions))
    except Exception:  # noqa: BLE001 - a bug must not lose the record: flag it, keep the text
        text = record.text if isinstance(record.text, str) else ""
        try:
            text = clean_text(text, params)
        except Exception:  # noqa: BLE001
            pass
        flags = sorted(set(record.flags) | {"clean_error"})
        return msgspec.structs.replace(record, text=text, flags=flags,
                                       provenance=_provenance(record, conv, versions))
