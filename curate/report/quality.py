"""Quality of a dataset version: statistics aggregated over curated and rejected records.

Statistics only, never decisions (docs/quality-and-diff.md): the per-record stats and flags
computed by the pipeline are streamed and folded into counters (no texts are kept, but the first
lines of a few sample articles; memory grows with the number of distinct months, lengths, entity
strings and near-duplicate ids, never with the corpus text).

- `QualityAccumulator.add(record)` / `.add_rejected(rejected)`: pure folds over records (a
  `curate.record.Record` / `Rejected`, or any object with the same attributes);
  `.report()` returns the report as a plain dict (the JSON format; md/html render it), its
  sections computed in `sections.py`; `.merge(other)` folds in the accumulator of the records
  that follow (`summary.py`: per-shard summaries, cached, merged into exactly one pass's state).
- `build.py`: reading a version into a report (`build_report`); `rules.py`: the flat metrics and
  `--fail-on` rules; `quality_doc.py`: the report's one model of sections; `stage.py`: the
  `report` step; `commands.py`: `curate quality`.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
from collections import Counter, defaultdict

from curate.record import Reason, is_missing
from curate.dataset.versions import VersionError
from curate.params import NULL_FIELDS
from curate.validate.corpus_rules import CorpusFacts, missing_fields

REPORT_VERSION = "quality/1"

# Fixed word-count bins (lower bounds): stable across versions so plots and diffs line up.
LENGTH_BINS = (0, 50, 100, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000)
PERCENTILES = (1, 5, 25, 50, 75, 95, 99)
# Fields whose absence is reported (accepted records), in display order.
MISSING_FIELDS = ("title", "date", "published_at", "dateline", "authors", "credits", "url",
                  "language", "entities")
# Flags always present in the report (0 when absent) so rules and plots have stable names.
KNOWN_FLAGS = ("truncated", "markup_left", "very_short", "date_folder_mismatch", "no_signoff",
               "mojibake_fixed", "editorial_note", "truncated_header", "no_title", "no_dateline",
               "no_date")
# Rejection reasons that mean "a copy of a kept record" (they carry `duplicate_of`).
DUPLICATE_REASONS = (Reason.DUPLICATE.value, Reason.NEAR_DUPLICATE.value,
                     Reason.STORY_VERSION.value, Reason.DUPLICATE_ID.value)
EXAMPLES = 3          # example ids per rejection reason / flag
OUTLIERS_SHOWN = 10   # longest / shortest records listed with ids
CLUSTERS_SHOWN = 10   # largest near-duplicate clusters listed
CLUSTER_IDS_SHOWN = 10
TOP_ENTITIES = 10     # per label
TOP_LABELS = 10       # values shown per label scheme
TITLE_CHARS = 120
DETAIL_CHARS = 200
SAMPLES = 5           # sample articles shown (the smallest sha256 of their ids)
LEAD_CHARS = 400

_MONTH = re.compile(r"^(\d{4})-(\d{2})")
_SPACE = re.compile(r"\s+")


class QualityError(VersionError):
    """A report could not be made (unknown revision, missing corpus); exit code 2."""


# ----------------------------------------------------------------------------------- accumulator


def _short(s: str | None, n: int) -> str | None:
    if s is None:
        return None
    s = _SPACE.sub(" ", s).strip()
    return s if len(s) <= n else s[: n - 1] + "…"


def _month(date: str | None) -> str | None:
    m = _MONTH.match(date or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return f"{m.group(1)}-{m.group(2)}"


def month_range(first: str, last: str) -> list[str]:
    """Every YYYY-MM from first to last inclusive."""
    y, m = int(first[:4]), int(first[5:7])
    ly, lm = int(last[:4]), int(last[5:7])
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def percentile(hist: Counter, total: int, p: float) -> int:
    """Nearest-rank percentile of a value → count histogram (exact, no samples kept)."""
    if total == 0:
        return 0
    rank = max(1, math.ceil(p / 100 * total))
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= rank:
            return value
    return max(hist)


def _bin_label(i: int) -> str:
    lo = LENGTH_BINS[i]
    return f"{lo}-{LENGTH_BINS[i + 1] - 1}" if i + 1 < len(LENGTH_BINS) else f"{lo}+"


def _lead(text: str) -> str:
    """The first paragraphs of a text, up to LEAD_CHARS (cut at a word)."""
    text = "\n\n".join(text.split("\n\n")[:2]).strip()
    if len(text) <= LEAD_CHARS:
        return text
    cut = text[:LEAD_CHARS].rsplit(" ", 1)[0]
    return cut + " …"


def _norm_space(label: str, text: str) -> tuple[str, str]:
    """(label, text with whitespace runs folded to one space and trimmed)."""
    # printable text holds no whitespace but ASCII spaces: only doubled or edge spaces need work
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = _SPACE.sub(" ", text).strip()
    return label, text


class QualityAccumulator:
    """Folds records into counters; `report()` turns them into the report dict."""

    def __init__(self) -> None:
        self.accepted = 0
        self.words = Counter()            # words → records
        self.chars_total = 0
        self.words_total = 0
        self.months = Counter()           # YYYY-MM → records
        self.no_month = 0
        self.missing = Counter()
        self.null = CorpusFacts()         # the corpus rules' null fields, counted by their rule
        self.languages = Counter()
        self.formats = Counter()
        self.flags = Counter()
        self.flag_examples: dict[str, list[str]] = defaultdict(list)
        self.label_mentions = Counter()
        self.label_articles = Counter()
        self.entities: dict[str, Counter] = defaultdict(Counter)  # label → text → articles
        self.entity_total = 0
        self.tickers_total = 0
        self.label_values: dict[str, Counter] = defaultdict(Counter)  # scheme → value → articles
        self.label_schemes = Counter()    # scheme → articles with at least one label of it
        self.unlabelled = 0               # accepted articles without any label
        self._long: list = []   # min-heap of (words, neg id order key, info) for the longest
        self._short: list = []  # min-heap of (-words, id key, info) for the shortest
        self.ids = 0
        self.rejected = Counter()
        self.rejected_by_stage: dict[str, Counter] = defaultdict(Counter)
        self.rejected_examples: dict[str, list[dict]] = defaultdict(list)
        self.dup_groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.dup_detail: dict[str, str] = {}
        self._samples: list = []  # max-heap (by _Desc) of the SAMPLES smallest sha256(id)

    # -- accepted records
    def add(self, record) -> None:
        self.accepted += 1
        words = record.stats.words
        self.words[words] += 1
        self.words_total += words
        self.chars_total += record.stats.chars
        month = _month(record.date)
        if month:
            self.months[month] += 1
        else:
            self.no_month += 1
        self.null.accept(missing_fields(record))
        for f in MISSING_FIELDS:
            if f not in NULL_FIELDS and is_missing(record, f):
                self.missing[f] += 1
        self.languages[record.language or "unknown"] += 1
        self.formats[record.source.format or "unknown"] += 1
        for flag in set(record.flags):
            self.flags[flag] += 1
            if len(self.flag_examples[flag]) < EXAMPLES:
                self.flag_examples[flag].append(record.id)
        labels = [e.label for e in record.entities]
        self.entity_total += len(labels)
        self.label_mentions.update(labels)
        self.label_articles.update(set(labels))
        # each distinct (label, text) once per article; whitespace runs folded before counting
        for label, text in {(_norm_space(lb, tx)) for lb, tx in {(e.label, e.text) for e in record.entities}}:
            self.entities[label][text] += 1
        self.tickers_total += len(record.tickers)
        self._labels(getattr(record, "labels", None) or ())
        info = {"id": record.id, "words": words, "title": _short(record.title, TITLE_CHARS),
                "path": record.source.path}
        # ties: smaller id first among equals (deterministic whatever the shard order)
        _push_bounded(self._long, (words, _Desc(record.id)), info)
        _push_bounded(self._short, (-words, _Desc(record.id)), info)
        self._sample(record)

    def _missing(self, field: str, n: int) -> dict:
        """A field's missing count and rate; a null-rate field's among the records it applies to
        (a dateline does not apply to a format that never carries one), as the corpus rule has it."""
        if field not in NULL_FIELDS:
            return {"count": self.missing.get(field, 0), "rate": round(self.missing.get(field, 0) / n, 6) if n else 0.0}
        out = {"count": self.null.missing.get(field, 0), "rate": self.null.null_rate(field)}
        if self.null.exempt.get(field):
            out["not_applicable"] = self.null.exempt[field]
        return out

    def _labels(self, labels) -> None:
        """The source's own labels: each (scheme, value) once per article."""
        pairs = {(lb.scheme, lb.value) for lb in labels}
        if not pairs:
            self.unlabelled += 1
        for scheme, value in pairs:
            self.label_values[scheme][value] += 1
        self.label_schemes.update({scheme for scheme, _ in pairs})

    def _sample(self, record) -> None:
        key = hashlib.sha256(record.id.encode("utf-8")).hexdigest()
        if len(self._samples) == SAMPLES and key >= self._samples[0][0].s:
            return
        text = getattr(record, "text", None) or ""
        info = {"id": record.id, "date": record.date, "title": _short(record.title, TITLE_CHARS),
                "words": record.stats.words, "lead": _lead(text), "path": record.source.path}
        self._push_sample(key, info)

    def _push_sample(self, key: str, info: dict) -> None:
        if len(self._samples) < SAMPLES:
            heapq.heappush(self._samples, (_Desc(key), info))
        elif key < self._samples[0][0].s:
            heapq.heapreplace(self._samples, (_Desc(key), info))

    # -- rejected records
    def add_rejected(self, rej) -> None:
        reason = rej.reason
        self.rejected[reason] += 1
        self.rejected_by_stage[rej.stage or "unknown"][reason] += 1
        ex = self.rejected_examples[reason]
        if len(ex) < EXAMPLES:
            ex.append({"id": rej.id, "path": rej.source.path, "line": rej.source.line,
                       "title": _short(rej.title, TITLE_CHARS),
                       "detail": _short(rej.detail, DETAIL_CHARS), "duplicate_of": rej.duplicate_of})
        if reason in DUPLICATE_REASONS and rej.duplicate_of:
            self.dup_groups[reason][rej.duplicate_of].append(rej.id)
            if reason == Reason.NEAR_DUPLICATE.value:
                self.dup_detail[rej.id] = _short(rej.detail, DETAIL_CHARS) or ""

    # -- merging (curate/report/summary.py: one accumulator per shard, merged in shard order)
    def merge(self, other: QualityAccumulator) -> None:
        """Fold in `other`, the accumulator of the records that follow this one's: the result
        is the accumulator of one pass over both, in that order (first examples kept first,
        bounded heaps keep the same top records, counters add up)."""
        for name in _SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in _COUNTERS:
            getattr(self, name).update(getattr(other, name))
        for name in _NESTED_COUNTERS:
            mine = getattr(self, name)
            for key, counts in getattr(other, name).items():
                mine[key].update(counts)
        self.null.accepted += other.null.accepted
        for name in ("missing", "exempt", "rejected"):
            getattr(self.null, name).update(getattr(other.null, name))
        for mine, theirs in ((self.flag_examples, other.flag_examples),
                             (self.rejected_examples, other.rejected_examples)):
            for key, examples in theirs.items():
                ex = mine[key]
                ex.extend(examples[: max(0, EXAMPLES - len(ex))])
        for reason, groups in other.dup_groups.items():
            for kept, ids in groups.items():
                self.dup_groups[reason][kept].extend(ids)
        self.dup_detail.update(other.dup_detail)
        for heap, theirs in ((self._long, other._long), (self._short, other._short)):
            for item in theirs:
                _push_bounded(heap, item[:2], item[2])
        for key, info in other._samples:
            self._push_sample(key.s, info)

    # -- the report
    def report(self) -> dict:
        from curate.report import sections as sec  # lazy: sections imports this module

        n = self.accepted
        rejected_total = sum(self.rejected.values())
        inputs = n + rejected_total
        dup_summary, clusters = sec.duplicates(self)
        return {
            "report": REPORT_VERSION,
            "counts": {
                "inputs": inputs, "accepted": n, "rejected": rejected_total,
                "rejected_by_reason": dict(sorted(self.rejected.items())),
                "rejected_by_stage": {s: dict(sorted(c.items())) for s, c in sorted(self.rejected_by_stage.items())},
                "formats": dict(sorted(self.formats.items())),
            },
            "coverage": sec.coverage(self),
            "length": sec.length(self),
            "missing": {f: self._missing(f, n) for f in MISSING_FIELDS},
            "languages": [{"language": k, "articles": v, "rate": sec.rate(v, n)}
                          for k, v in sorted(self.languages.items(), key=lambda kv: (-kv[1], kv[0]))],
            "flags": sec.flags(self, inputs),
            "duplicates": dup_summary,
            "near_duplicate_clusters": clusters,
            "entities": sec.entities(self),
            "labels": sec.labels(self),
            "tickers": {"mentions": self.tickers_total},
            "rejected": [{"reason": r, "count": c, "rate": sec.rate(c, inputs),
                          "examples": self.rejected_examples.get(r, [])}
                         for r, c in sorted(self.rejected.items(), key=lambda kv: (-kv[1], kv[0]))],
            "samples": sec.samples(self),
            # items of multi-item files that are not articles (WARC requests, revisits, non-HTML or
            # non-2xx responses): not inputs; build_report fills them in from reports/metrics.json
            "skipped": {"total": 0, "by_kind": {}},
        }


# the accumulator's fields by how they merge (QualityAccumulator.merge; summary.py encodes them)
_SUMS = ("accepted", "chars_total", "words_total", "no_month", "entity_total", "tickers_total",
         "unlabelled", "ids")
_COUNTERS = ("words", "months", "missing", "languages", "formats", "flags", "label_mentions",
             "label_articles", "label_schemes", "rejected")
_NESTED_COUNTERS = ("entities", "label_values", "rejected_by_stage")


class _Desc:
    """Orders strings in reverse, so a min-heap keyed on it keeps the smallest ids on ties."""

    __slots__ = ("s",)

    def __init__(self, s: str):
        self.s = s

    def __lt__(self, other: _Desc) -> bool:
        return self.s > other.s

    def __gt__(self, other: _Desc) -> bool:
        return self.s < other.s

    def __eq__(self, other) -> bool:
        return isinstance(other, _Desc) and self.s == other.s

    __hash__ = None


def _push_bounded(heap: list, key: tuple, info: dict) -> None:
    item = (key[0], key[1], info)
    if len(heap) < OUTLIERS_SHOWN:
        heapq.heappush(heap, item)
    elif item[:2] > heap[0][:2]:
        heapq.heapreplace(heap, item)


def _next_month(m: str) -> str:
    y, mo = int(m[:4]), int(m[5:7])
    return f"{y + 1:04d}-01" if mo == 12 else f"{y:04d}-{mo + 1:02d}"

