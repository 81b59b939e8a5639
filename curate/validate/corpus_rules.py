"""Corpus rules: limits on a whole published version, never on one record.

* `null_rate_<field>`: the share of accepted records without `<field>` (title, dateline, date,
  credits) must not exceed `validate.max_null_rate.<field>`;
* `reject_rate`: the share of inputs rejected must not exceed `validate.max_reject_rate` (a limit
  of 1 turns it off);
* `empty_corpus`: a build with inputs must accept at least one of them.

`evaluate` is the one function that judges them, over `CorpusFacts` gathered from per-record
facts: the validate stage calls it before it publishes anything (a failure leaves the previous
version in place), `curate check` / `curate add` call it on the corpus plus the batch. A failure
names the rule, the value, the limit and the params.yaml key. Per-source limits fit here: one
`CorpusFacts` per source group, each evaluated with its group's limits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from curate.params import ValidateParams

# field -> what "missing" means, as the facts of curate.validate.rules name it (`<field>_missing`)
NULL_FIELDS = ("title", "dateline", "date", "credits")


EXEMPT = "~"  # prefix of a field that does not apply to a record (its format never carries it)


def missing_fields(record) -> list[str]:
    """The NULL_FIELDS a record (or anything with those attributes) lacks, as
    `curate.validate.rules.facts` says `<field>_missing`: title and date when null, credits when
    empty; dateline when null and flagged `no_dateline` (its format carries datelines), else
    `~dateline` (exempt: a format that never carries one does not count in that rate)."""
    out = [f for f in ("title", "date") if getattr(record, f, None) is None]
    if getattr(record, "dateline", None) is None:
        out.append("dateline" if "no_dateline" in (getattr(record, "flags", None) or ()) else EXEMPT + "dateline")
    return out + ([] if getattr(record, "credits", None) else ["credits"])


@dataclass
class CorpusFacts:
    """Counts over one version: accepted records, the fields they lack, rejections by reason."""

    accepted: int = 0
    missing: Counter = field(default_factory=Counter)   # field -> accepted records without it
    exempt: Counter = field(default_factory=Counter)    # field -> accepted records it does not apply to
    rejected: Counter = field(default_factory=Counter)  # reason -> rejected inputs

    @property
    def inputs(self) -> int:
        return self.accepted + sum(self.rejected.values())

    def accept(self, missing: Iterable[str]) -> None:
        """One accepted record lacking `missing` (a `~field` entry: the field does not apply)."""
        self.accepted += 1
        for f in missing:
            (self.exempt if f.startswith(EXEMPT) else self.missing)[f.lstrip(EXEMPT)] += 1

    def withdraw(self, missing: Iterable[str], reason: str) -> None:
        """An accepted record that a later decision rejects (a corpus article a batch replaces)."""
        self.accepted -= 1
        for f in missing:
            (self.exempt if f.startswith(EXEMPT) else self.missing)[f.lstrip(EXEMPT)] -= 1
        self.rejected[reason] += 1

    def reject(self, reason: str, n: int = 1) -> None:
        self.rejected[reason] += n


@dataclass(frozen=True)
class RuleResult:
    rule: str      # stable name: null_rate_dateline, reject_rate, empty_corpus
    value: float
    limit: float
    key: str       # the params.yaml key that sets the limit ("" when none does)
    passed: bool
    message: str   # one line, for failures: rule, value (and counts), limit, params key

    def metric(self) -> dict:
        return {"limit": self.limit, "value": self.value, "passed": self.passed}


def _num(x: float) -> str:
    return f"{x:.6g}"


def _null_rate(facts: CorpusFacts, fld: str, limit: float) -> RuleResult:
    n = facts.missing.get(fld, 0)
    applies = facts.accepted - facts.exempt.get(fld, 0)  # records whose format carries the field
    value = round(n / applies, 6) if applies > 0 else 0.0
    key = f"validate.max_null_rate.{fld}"
    passed = value <= limit
    msg = (f"corpus rule null_rate_{fld} {'passed' if passed else 'failed'}: {_num(value)} of accepted "
           f"records have no {fld} ({n} of {applies}), limit {_num(limit)} (params.yaml {key})")
    return RuleResult(f"null_rate_{fld}", value, limit, key, passed, msg)


def _reject_rate(facts: CorpusFacts, limit: float) -> RuleResult:
    rejected, inputs = sum(facts.rejected.values()), facts.inputs
    value = round(rejected / inputs, 6) if inputs else 0.0
    passed = value <= limit
    top = ", ".join(f"{r} {n}" for r, n in sorted(facts.rejected.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
    msg = (f"corpus rule reject_rate {'passed' if passed else 'failed'}: {_num(value)} of inputs were "
           f"rejected ({rejected} of {inputs}{'; ' + top if top else ''}), limit {_num(limit)} "
           f"(params.yaml validate.max_reject_rate)")
    return RuleResult("reject_rate", value, limit, "validate.max_reject_rate", passed, msg)


def _empty(facts: CorpusFacts) -> RuleResult:
    passed = facts.accepted > 0 or facts.inputs == 0
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(facts.rejected.items(), key=lambda kv: (-kv[1], kv[0])))
    msg = (f"corpus rule empty_corpus {'passed' if passed else 'failed'}: every input was rejected "
           f"({facts.inputs} inputs: {reasons}), the corpus would be empty")
    return RuleResult("empty_corpus", float(facts.accepted), 1.0, "", passed, msg)


def evaluate(facts: CorpusFacts, params: ValidateParams) -> list[RuleResult]:
    """Every corpus rule over `facts`: null rates (sorted by field), reject rate, empty corpus."""
    out = [_null_rate(facts, f, lim) for f, lim in sorted(params.max_null_rate.items())]
    out.append(_reject_rate(facts, params.max_reject_rate))
    out.append(_empty(facts))
    return out


def metric_checks(results: list[RuleResult]) -> dict[str, dict]:
    """The `corpus_checks` of reports/metrics.json: the null-rate rules always, `reject_rate` when
    its limit is below 1 (at 1 it cannot fail), `empty_corpus` when it failed."""
    keep = [r for r in results if r.rule.startswith("null_rate_")
            or (r.rule == "reject_rate" and r.limit < 1.0) or not r.passed]
    return {r.rule: r.metric() for r in keep}


def failures(results: list[RuleResult]) -> list[RuleResult]:
    return [r for r in results if not r.passed]
