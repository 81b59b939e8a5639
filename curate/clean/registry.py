"""The clean step's registry: its rules (curate.clean.rule.CleanRule), in the order they run.

Adding a cleaning rule is a unit in curate/clean/units/ and one line here. Every rule's set and
version goes into each cleaned record's `provenance.rules` (with the conventions table's version)
and every rule's name and version into the clean cache key (curate.clean.stage).
"""

from __future__ import annotations

from curate.clean.rule import CleanRule, rule_versions, rules_key
from curate.clean.units import ending, heading, markup, reflow, repair

RULES: tuple[CleanRule, ...] = (
    repair.RULE,          # characters: mojibake, entities, spaces, controls, NFC
    markup.TICKERS,       # ticker markup and wire codes out, codes -> tickers (before re-flow)
    reflow.RULE,          # paragraphs
    heading.RULE,         # date line, notes, opening byline, dateline, agency tag
    ending.RULE,          # trailers, sign-off (credits), closing byline; truncated
    markup.MARKUP_LEFT,   # flag what still looks like markup
)

VERSIONS: dict[str, str] = rule_versions(RULES)  # {set: version}, e.g. {"clean": "clean/2", ...}
KEY: str = rules_key(RULES)  # the clean cache key's part for the rules
