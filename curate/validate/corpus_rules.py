"""Corpus rules: limits on a whole published version, never on one record.

* `null_rate_<field>`: the share of accepted records without `<field>` (title, dateline, date,
  credits) must not exceed `validate.max_null_rate.<field>`;
* `reject_rate`: the share of inputs rejected must not exceed `validate.max_reject_rate` (a limit
  of 1 turns it off);
* `empty_corpus`: a build with inputs must accept at least one of them.

Per source. `validate.sources` lists sources, each a raw-path `glob` or a `reader` with its own
limits (a field it does not name keeps the default); a record or rejection belongs to the first
entry it matches, else to the `default` source. The null-rate and reject-rate rules are judged
per source, each over that source's records alone, so one source can neither fail nor mask
another: `null_rate_title[bbc/**]`, `reject_rate[reader:plaintext]`; the default source keeps
the plain names (`null_rate_title`), so a project without `validate.sources` judges exactly as
before. `empty_corpus` is judged over every source together.

`evaluate` is the one function that judges them, over `CorpusFacts` per source (`SourceGroups`
says which): the validate stage calls it before it publishes anything (a failure leaves the
previous version in place), `curate check` / `curate add` call it on the corpus plus the batch. A
failure names the rule, the source, the value, the limit and the params.yaml key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import msgspec

from curate.globs import compile_glob
from curate.params import NULL_FIELDS, SourceLimits, ValidateParams
from curate.record import is_missing


DEFAULT = "default"  # the source of records that match no validate.sources entry
EXEMPT = "~"  # prefix of a field that does not apply to a record (its format never carries it)


def missing_fields(record) -> list[str]:
    """The NULL_FIELDS a record (or anything with those attributes) lacks, by the one missing rule
    (curate.record.is_missing: None, blank, empty): title, date, credits; dateline when missing and
    flagged `no_dateline` (its format carries datelines), else `~dateline` (exempt: a format that
    never carries one does not count in that rate)."""
    out = [f for f in ("title", "date") if is_missing(record, f)]
    if is_missing(record, "dateline"):
        out.append("dateline" if "no_dateline" in (getattr(record, "flags", None) or ()) else EXEMPT + "dateline")
    return out + (["credits"] if is_missing(record, "credits") else [])


def missing_facts(record) -> dict[str, bool | None]:
    """`<field>_missing` for each NULL_FIELDS field, from missing_fields: True, False, or None
    where the field does not apply (validate's facts frame)."""
    missing = missing_fields(record)
    return {f"{f}_missing": True if f in missing else (None if EXEMPT + f in missing else False)
            for f in NULL_FIELDS}


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

    def applies(self, fld: str) -> int:
        """Accepted records whose format carries `fld`."""
        return self.accepted - self.exempt.get(fld, 0)

    def null_rate(self, fld: str) -> float:
        """The share of the records `fld` applies to that lack it (the null-rate rule's value and
        the quality report's missing rate), rounded to 6 places; 0.0 when it applies to none."""
        applies = self.applies(fld)
        return round(self.missing.get(fld, 0) / applies, 6) if applies > 0 else 0.0


@dataclass(frozen=True)
class RuleResult:
    rule: str      # stable name: null_rate_dateline, reject_rate, empty_corpus
    value: float
    limit: float
    key: str       # the params.yaml key that sets the limit ("" when none does)
    passed: bool
    message: str   # one line, for failures: rule, value (and counts), limit, params key
    source: str = DEFAULT  # the source judged: a validate.sources glob, `reader:<name>` or default

    def metric(self) -> dict:
        return {"limit": self.limit, "value": self.value, "passed": self.passed}


def _num(x: float) -> str:
    return f"{x:.6g}"


@dataclass(frozen=True)
class _Limits:
    """One source's limits and where params.yaml sets each (`label` "" for the default source
    of a project without validate.sources: plain rule names and messages)."""

    label: str
    null: dict[str, tuple[float, str]]   # field -> (limit, params key)
    reject: tuple[float, str]

    def name(self, rule: str) -> str:
        return f"{rule}[{self.label}]" if self.label and self.label != DEFAULT else rule

    def of_source(self) -> str:
        if not self.label:
            return ""
        return " of the default source" if self.label == DEFAULT else f" of source {self.label}"


def _limits(params: ValidateParams) -> list[tuple[int, _Limits]]:
    """(group, limits) of every source: the default (-1) first, then each validate.sources entry."""
    entries = _entries(params)
    null = {f: (lim, f"validate.max_null_rate.{f}") for f, lim in params.max_null_rate.items()}
    out = [(-1, _Limits(DEFAULT if entries else "", null, (params.max_reject_rate, "validate.max_reject_rate")))]
    for i, e in enumerate(entries):
        key = f"validate.sources[{i}]"
        own = {f: (lim, f"{key}.max_null_rate.{f}") for f, lim in e.max_null_rate.items()}
        reject = ((e.max_reject_rate, f"{key}.max_reject_rate") if e.max_reject_rate is not None
                  else (params.max_reject_rate, "validate.max_reject_rate"))
        out.append((i, _Limits(source_label(e), {**null, **own}, reject)))
    return out


def _null_rate(facts: CorpusFacts, fld: str, limit: float, key: str, src: _Limits) -> RuleResult:
    n, applies, value = facts.missing.get(fld, 0), facts.applies(fld), facts.null_rate(fld)
    passed = value <= limit
    rule = src.name(f"null_rate_{fld}")
    msg = (f"corpus rule {rule} {'passed' if passed else 'failed'}: {_num(value)} of accepted "
           f"records{src.of_source()} have no {fld} ({n} of {applies}), limit {_num(limit)} (params.yaml {key})")
    return RuleResult(rule, value, limit, key, passed, msg, src.label or DEFAULT)


def _reject_rate(facts: CorpusFacts, limit: float, key: str, src: _Limits) -> RuleResult:
    rejected, inputs = sum(facts.rejected.values()), facts.inputs
    value = round(rejected / inputs, 6) if inputs else 0.0
    passed = value <= limit
    ranked = sorted(facts.rejected.items(), key=lambda kv: (-kv[1], kv[0]))
    others = sum(n for _, n in ranked[3:])  # the top three reasons by name, the rest summed up
    top = ", ".join([f"{r} {n}" for r, n in ranked[:3]] + ([f"{others} more"] if others else []))
    rule = src.name("reject_rate")
    msg = (f"corpus rule {rule} {'passed' if passed else 'failed'}: {_num(value)} of inputs{src.of_source()} "
           f"were rejected ({rejected} of {inputs}{'; ' + top if top else ''}), limit {_num(limit)} "
           f"(params.yaml {key})")
    return RuleResult(rule, value, limit, key, passed, msg, src.label or DEFAULT)


def _empty(facts: CorpusFacts) -> RuleResult:
    passed = facts.accepted > 0 or facts.inputs == 0
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(facts.rejected.items(), key=lambda kv: (-kv[1], kv[0])))
    if not passed:
        msg = (f"corpus rule empty_corpus failed: every input was rejected ({facts.inputs} inputs: {reasons}), "
               "the corpus would be empty")
    elif facts.inputs:
        msg = f"corpus rule empty_corpus passed: {facts.accepted} of {facts.inputs} inputs accepted"
    else:
        msg = "corpus rule empty_corpus passed: no inputs (the rule judges a build that has some)"
    return RuleResult("empty_corpus", float(facts.accepted), 1.0, "", passed, msg)


def total(by_source: dict[int, CorpusFacts]) -> CorpusFacts:
    """Every source's facts added up."""
    out = CorpusFacts()
    for f in by_source.values():
        out.accepted += f.accepted
        out.missing.update(f.missing)
        out.exempt.update(f.exempt)
        out.rejected.update(f.rejected)
    return out


def evaluate(facts: CorpusFacts | dict[int, CorpusFacts], params: ValidateParams) -> list[RuleResult]:
    """Every corpus rule: per source (the default first, then validate.sources in order) the null
    rates (sorted by field) and the reject rate, then empty corpus over every source. `facts` is
    one CorpusFacts per source group (SourceGroups.of), or one CorpusFacts for the default."""
    by = facts if isinstance(facts, dict) else {-1: facts}
    out: list[RuleResult] = []
    for group, lim in _limits(params):
        f = by.get(group) or CorpusFacts()
        out += [_null_rate(f, fld, limit, key, lim) for fld, (limit, key) in sorted(lim.null.items())]
        out.append(_reject_rate(f, *lim.reject, lim))
    out.append(_empty(total(by)))
    return out


def metric_checks(results: list[RuleResult]) -> dict[str, dict]:
    """The `corpus_checks` of reports/metrics.json: the null-rate rules always, the reject rates when
    their limit is below 1 (at 1 it cannot fail), `empty_corpus` when it failed."""
    keep = [r for r in results if r.rule.startswith("null_rate_")
            or (r.rule.split("[")[0] == "reject_rate" and r.limit < 1.0) or not r.passed]
    return {r.rule: r.metric() for r in keep}


def failures(results: list[RuleResult]) -> list[RuleResult]:
    return [r for r in results if not r.passed]


# ------------------------------------------------------------------------------------ sources

def source_label(entry: SourceLimits) -> str:
    """How rules and messages name a validate.sources entry: its glob, or `reader:<name>`."""
    return entry.glob if entry.glob is not None else f"reader:{entry.reader}"


def _entries(params: ValidateParams) -> list[SourceLimits]:
    return [] if params.sources is msgspec.UNSET else list(params.sources)


class SourceGroups:
    """Which source a record or rejection belongs to: `of(path, format)` is the index of the
    first validate.sources entry whose glob matches the raw path or whose reader wrote it, -1
    (the default source) when none does."""

    def __init__(self, params: ValidateParams) -> None:
        self.entries = _entries(params)
        self._globs = [compile_glob(e.glob) if e.glob is not None else None for e in self.entries]
        self._seen: dict[tuple[str, str], int] = {}

    def __bool__(self) -> bool:
        return bool(self.entries)

    def of(self, path: str | None, fmt: str | None) -> int:
        if not self.entries:
            return -1
        key = (path or "", fmt or "")
        got = self._seen.get(key)
        if got is None:
            got = next((i for i, (e, g) in enumerate(zip(self.entries, self._globs))
                        if (g is not None and g.match(key[0])) or (e.reader is not None and e.reader == key[1])), -1)
            if len(self._seen) < 100_000:
                self._seen[key] = got
        return got

    def label(self, group: int) -> str:
        return DEFAULT if group < 0 else source_label(self.entries[group])


