"""The cleaning rules as units: the registry's order, versions, declared fields and cache key."""

from __future__ import annotations

import dataclasses

import msgspec
import pytest

from curate.clean import registry
from curate.clean.rule import CleanRule, rule_versions, rules_key, with_flags
from curate.clean.rules import clean_record
from curate.clean.stage import clean_cache_prefix
from curate.params import CleanParams, Params
from curate.record import Provenance, Record, Source

P = CleanParams()

# texts that make every rule act: mojibake, tickers, wire codes, a dateline with a tag and a date,
# an editorial note, an opening byline, a sign-off, closing matter, markup the rules leave
SAMPLES = [
    ("reuters_web", "\n \n\n(Updates with quote)\n\nBy Jane Roe\n\nLONDON, April 10, 2024 (Reuters) - "
                    "Shares of Barnes ( BKS.N ) rose in the cafÃ©.\n\n(Reporting by Tim Hepher; "
                    "Editing by Ann Lee)\n\n© Reuters 2024"),
    ("plaintext", "DENVER (AP) — The plan <ID:nN12345> was approved\n\nBy Colleen Slevin, Associated Press"),
    ("seed_dateline", "MOSCOW A U.S. envoy said talks would resume <O/R> and <FOO BAR> stayed"),
    ("reuters_web", "A story that stops mid"),
    ("nitf", "BERLIN — Talks resumed."),
]


def rec(fmt: str, text: str, **fields) -> Record:
    return Record(id="t1", source=Source(path="x", format=fmt, sha256="0"), text=text, **fields)


def test_the_registry_lists_each_rule_once_by_name():
    names = [r.name for r in registry.RULES]
    assert names and len(names) == len(set(names))


def test_provenance_names_every_rule_set_of_the_registry_and_the_table():
    rules = clean_record(rec("plaintext", "BERLIN — Talks resumed.",
                             provenance=Provenance(rules={"reader": "plaintext/1"})), P).provenance.rules
    assert rules == {"reader": "plaintext/1", **{r.set: r.version for r in registry.RULES},
                     "conventions": "conventions/2"}
    assert {"clean", "signoff", "tickers"} <= set(registry.VERSIONS)


def test_two_rules_of_one_set_with_different_versions_are_refused():
    a = registry.RULES[0]
    with pytest.raises(ValueError, match="clean/99"):
        rule_versions([a, dataclasses.replace(a, name="other", version="clean/99")])


def test_the_clean_cache_key_holds_every_rule_name_and_version():
    prefix = clean_cache_prefix(Params())
    assert registry.KEY in prefix
    assert all(f"{r.name}={r.version}" in registry.KEY for r in registry.RULES)
    bumped = (dataclasses.replace(registry.RULES[0], version="clean/3"), *registry.RULES[1:])
    assert rules_key(bumped) != registry.KEY


@pytest.mark.parametrize("fmt,text", SAMPLES)
def test_each_rule_changes_only_the_fields_and_flags_it_declares(fmt, text):
    from curate.clean.publishers import DEFAULT
    from curate.clean.rule import RuleContext

    ctx, record = RuleContext(P, DEFAULT), rec(fmt, text)
    fields = msgspec.structs.fields(Record)
    assert registry.RULES and fields  # else the loop below checks nothing
    for rule in registry.RULES:
        out = rule.apply(record, ctx)
        changed = {f.name for f in fields if getattr(out, f.name) != getattr(record, f.name)}
        assert changed - {"flags"} <= set(rule.writes), rule.name
        assert set(out.flags) - set(record.flags) <= set(rule.flags), rule.name
        record = out


def test_the_samples_make_every_rule_change_something():
    """The declared-fields test above means something only if each rule acts on some sample."""
    from curate.clean.publishers import DEFAULT
    from curate.clean.rule import RuleContext

    ctx, acted = RuleContext(P, DEFAULT), set()
    for fmt, text in SAMPLES:
        record = rec(fmt, text)
        for rule in registry.RULES:
            out = rule.apply(record, ctx)
            if out != record:
                acted.add(rule.name)
            record = out
    assert acted == {r.name for r in registry.RULES}


def _shout(record: Record, ctx) -> Record:
    return with_flags(record, "shouted", text=record.text.upper())


def test_a_new_rule_is_one_more_entry_whose_change_and_version_reach_the_record():
    shout = CleanRule("shout", "shout/1", reads=("text",), writes=("text",), flags=("shouted",), apply=_shout)
    out = clean_record(rec("plaintext", "BERLIN — Talks resumed."), P, rules=(*registry.RULES, shout))
    assert out.text == "TALKS RESUMED."
    assert "shouted" in out.flags and out.provenance.rules["shout"] == "shout/1"


def test_a_rule_that_raises_leaves_the_fields_and_flags_the_record():
    def boom(record: Record, ctx) -> Record:
        raise RuntimeError("boom")

    broken = CleanRule("boom", "clean/2", reads=(), writes=(), flags=(), apply=boom)
    out = clean_record(rec("plaintext", "BERLIN — Talks resumed."), P, rules=(*registry.RULES, broken))
    assert out.text == "BERLIN — Talks resumed." and out.dateline is None
    assert "clean_error" in out.flags
