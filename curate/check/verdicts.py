"""What `curate check` answers: one Verdict per input, gathered in a CheckResult."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from curate.check.inputs import Input


@dataclass
class Verdict:
    """The answer for one input (a file, a line of a JSONL file, an item of a JSON array)."""

    input: str                 # the path as given
    line: int | None           # JSONL line number
    accepted: bool
    id: str                    # the record id it would get
    reason: str | None = None  # stable reason code (curate.record.Reason) when rejected
    detail: str = ""           # the pipeline's human detail
    stage: str | None = None   # stage that rejected it
    duplicate_of: str | None = None  # kept id, for duplicate / story_version / near_duplicate
    replaces: list[str] = field(default_factory=list)  # corpus ids the next build drops for it
    note: str = ""             # context: corpus or batch, newer/older version
    path: str = ""             # path under corpus/raw the pipeline would see
    format: str = ""           # reader
    title: str | None = None
    date: str | None = None
    flags: list[str] = field(default_factory=list)
    input_index: int = -1      # index into CheckResult.inputs
    source_sha256: str = ""
    item: str | None = None    # JSON array element (0-based index)

    @property
    def label(self) -> str:
        if self.line is not None:
            return f"{self.input}:{self.line}"
        return f"{self.input}[{self.item}]" if self.item is not None else self.input

    def to_json(self) -> dict:
        return {
            "input": self.input, "line": self.line, "status": "accepted" if self.accepted else "rejected",
            "id": self.id, "reason": self.reason, "detail": self.detail, "stage": self.stage,
            "duplicate_of": self.duplicate_of, "replaces": self.replaces, "note": self.note,
            "path": self.path, "format": self.format, "title": self.title, "date": self.date,
            "flags": self.flags, "item": self.item,
        }


@dataclass
class CheckResult:
    verdicts: list[Verdict]
    inputs: list[Input]
    corpus_dir: str
    corpus_records: int
    near_dedup: bool
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)
    records: list = field(default_factory=list, repr=False)  # final Record/Rejected per verdict
    corpus_rules: list = field(default_factory=list)  # curate.validate.corpus_rules.RuleResult, with the batch
    corpus_gone: int = 0  # corpus records left out: their raw files were removed (check/corpus.RawPresence)
    rules_failing_before: list[str] = field(default_factory=list)  # rules the corpus fails without it

    @property
    def accepted(self) -> int:
        return sum(v.accepted for v in self.verdicts)

    @property
    def rejected(self) -> int:
        return len(self.verdicts) - self.accepted

    @property
    def by_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(v.reason for v in self.verdicts if not v.accepted).items()))

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    def summary(self) -> str:
        reasons = ", ".join(f"{k} {n}" for k, n in self.by_reason.items())
        files = len(self.inputs)
        head = f"{len(self.verdicts)} input{'s' if len(self.verdicts) != 1 else ''}"
        if files != len(self.verdicts):
            head += f" from {files} file{'s' if files != 1 else ''}"
        gone = f" ({self.corpus_gone} more whose raw files were removed left out)" if self.corpus_gone else ""
        text = (f"{head} checked against {self.corpus_records} corpus articles{gone}: "
                f"{self.accepted} accepted, {self.rejected} rejected")
        return text + (f" ({reasons})" if reasons else "") + "\n" + self.rules_line()

    def rules_line(self) -> str:
        """One line: the corpus rules the corpus plus this batch would break (or that none does)."""
        failed = [r for r in self.corpus_rules if not r.passed]
        if not failed:
            return f"corpus rules with this batch: all {len(self.corpus_rules)} pass"
        parts = [r.message.replace(f"corpus rule {r.rule} failed: ", f"{r.rule}: ")
                 + (" (fails already without this batch)" if r.rule in self.rules_failing_before else "")
                 for r in failed]
        return "corpus rules the corpus plus this batch would break (the next build would fail): " + "; ".join(parts)

    def to_json(self) -> dict:
        return {
            "summary": {"inputs": len(self.verdicts), "files": len(self.inputs), "accepted": self.accepted,
                        "rejected": self.rejected, "rejected_by_reason": self.by_reason,
                        "exit_code": self.exit_code,
                        "corpus_rules_broken": [r.rule for r in self.corpus_rules if not r.passed],
                        "corpus_rules": [
                            {"rule": r.rule, "value": r.value, "limit": r.limit, "params_key": r.key,
                             "passed": r.passed, "fails_without_batch": r.rule in self.rules_failing_before,
                             "message": r.message} for r in self.corpus_rules]},
            "corpus": {"path": self.corpus_dir, "records": self.corpus_records,
                       "removed_from_raw": self.corpus_gone, "near_dedup": self.near_dedup},
            "inputs": [v.to_json() for v in self.verdicts],
        }
