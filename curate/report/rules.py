"""The flat metrics of a quality report and the `--fail-on` rules over them (parsed without eval)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from curate.report.quality import DUPLICATE_REASONS, QualityAccumulator
from curate.record import Reason


def flat_metrics(report: dict) -> dict[str, float | int]:
    """Scalar metrics (names stable across versions): counts, rates, length, coverage."""
    c = report["counts"]
    n, inputs = c["accepted"], c["inputs"]
    by_reason = c["rejected_by_reason"]

    def rate(k: int, d: int) -> float:
        return round(k / d, 6) if d else 0.0

    dups = sum(by_reason.get(r, 0) for r in DUPLICATE_REASONS)
    m: dict[str, float | int] = {
        "inputs": inputs, "accepted": n, "rejected": c["rejected"],
        "rejected_rate": rate(c["rejected"], inputs),
        "duplicate_rate": rate(dups, inputs),
        "duplicates_removed": dups,
    }
    reasons = {r.value for r in Reason} | {r for r in by_reason if re.fullmatch(r"[a-z0-9_]+", r)}
    for reason in sorted(reasons):
        m[f"rejected_{reason}"] = by_reason.get(reason, 0)
        m[f"rejected_{reason}_rate"] = rate(by_reason.get(reason, 0), inputs)
    # the usual questions, by short names (shares of inputs)
    m["exact_duplicate_rate"] = m["rejected_duplicate_rate"]
    m["near_duplicate_rate"] = m["rejected_near_duplicate_rate"]
    m["story_version_rate"] = m["rejected_story_version_rate"]
    m["header_only_rate"] = m["rejected_header_only_rate"]
    for field, v in report["missing"].items():
        m[f"missing_{field}_rate"] = v["rate"]
    for f in report["flags"]:
        if f["source"] == "accepted" and re.fullmatch(r"[a-z0-9_]+", f["flag"]):
            m[f"flag_{f['flag']}_rate"] = f["rate"]
    L = report["length"]
    m.update({"words_mean": L["mean"], "words_min": L["min"], "words_max": L["max"],
              **{f"words_{k}": v for k, v in L["percentiles"].items()},
              "length_outliers": L["outliers"]["above_p99"] + L["outliers"]["below_p1"]})
    cov = report["coverage"]
    m.update({"months": cov["months"], "gap_months": cov["gap_months"], "undated": cov["undated"]})
    english = next((x["articles"] for x in report["languages"] if x["language"] == "en"), 0)
    m["non_english_rate"] = rate(n - english, n)
    m["languages"] = len(report["languages"])
    m["entities_per_article"] = report["entities"]["per_article"]
    m["near_duplicate_clusters"] = report["near_duplicate_clusters"]["clusters"]
    labels = report.get("labels") or {}
    m["unlabelled_rate"] = labels.get("unlabelled_rate", 0.0)
    m["label_schemes"] = len(labels.get("schemes", []))
    m["skipped"] = (report.get("skipped") or {}).get("total", 0)
    cons = report.get("consistency", {}).get("ok")
    m["consistency_ok"] = 1 if cons in (True, None) else 0
    return dict(sorted(m.items()))


# ---------------------------------------------------------------------------------------- rules

RULE_PATTERN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|>|<)\s*"
                   r"([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
_OPS = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b, "==": lambda a, b: a == b}


class RuleError(ValueError):
    """A rule that does not parse or names an unknown metric (exit code 2)."""


@dataclass(frozen=True)
class Rule:
    metric: str
    op: str
    value: float

    def __str__(self) -> str:
        v = int(self.value) if self.value == int(self.value) else self.value
        return f"{self.metric}{self.op}{v}"


def parse_rule(text: str, known: Iterable[str]) -> Rule:
    """`metric OP number` with OP among > >= < <= ==; the rule is *broken* when it holds."""
    m = RULE_PATTERN.match(text)
    if not m:
        raise RuleError(f"cannot parse rule {text!r}: expected METRIC OP NUMBER, OP one of > >= < <= ==")
    known = sorted(known)
    if m.group(1) not in known:
        raise RuleError(unknown_metric(m.group(1), text, known))
    return Rule(m.group(1), m.group(2), float(m.group(3)))


# where a user finds every metric name (docs/quality-and-diff.md says the same)
ALL_METRICS_HINT = ("The full list: `curate quality --format json | jq '.metrics | keys'` "
                    "(or the 'All metrics' section of reports/quality.md)")


def unknown_metric(name: str, rule: str, known: Iterable[str]) -> str:
    """The message for a rule naming no metric: the names closest to it (difflib), and where the
    full list is (never the list itself: it is about a hundred names)."""
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    guess = f"did you mean {' or '.join(close)}?" if close else "no metric has a name close to it."
    return f"unknown metric {name!r} in rule {rule!r}; {guess} {ALL_METRICS_HINT}"


def broken_rules(rules: Iterable[Rule], metrics: dict) -> list[tuple[Rule, float]]:
    """The rules whose condition holds (each with the metric's value)."""
    return [(r, metrics[r.metric]) for r in rules if _OPS[r.op](metrics[r.metric], r.value)]




def known_metrics(report: dict | None = None) -> list[str]:
    """Metric names a rule may use: the fixed ones, plus any the report adds."""
    empty = QualityAccumulator().report()
    empty["consistency"] = {"ok": None}
    names = set(flat_metrics(empty))
    if report is not None:
        names |= set(report["metrics"])
    return sorted(names)
