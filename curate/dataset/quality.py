"""Quality of a dataset version: statistics aggregated over curated and rejected records.

Statistics only, never decisions (docs/quality-and-diff.md): the per-record stats and flags
computed by the pipeline are streamed and folded into counters (no texts are kept; memory grows
with the number of distinct months, lengths, entity strings and near-duplicate ids, never with
the corpus text).

- `QualityAccumulator.add(record)` / `.add_rejected(rejected)`: pure folds over records (a
  `curate.record.Record` / `Rejected`, or any object with the same attributes);
  `.report()` returns the report as a plain dict (the JSON format; md/html render it).
- versions (`curate.dataset.versions.open_version(root, rev)`): the working tree, or a git revision read
  through DVC (`DVCFileSystem(rev=...)`): curated shards, rejected files, `reports/metrics.json`,
  manifest.
- `build_report(version)`: stream a version into a report and check its counts against the
  version's `reports/metrics.json` and manifest (section `consistency`).
- `flat_metrics(report)`: the scalar metrics `--fail-on` rules and `reports/quality_metrics.json` use.
- `parse_rule` / `broken_rules`: `rejected_rate>0.05`-style rules, parsed without eval.
- `run_report(root, params)`: the `report` DVC stage (every report file + plot data + metrics).
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import msgspec
import orjson

from curate.layout import METRICS
from curate.record import Reason, Record, Rejected, view
from curate.dataset.versions import Version, VersionError, WorkTree, curated_dir, errors_as, iter_lines_at, open_version

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
TITLE_CHARS = 120
DETAIL_CHARS = 200

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


def _norm_space(label: str, text: str) -> tuple[str, str]:
    """(label, text with whitespace runs folded to one space and trimmed)."""
    # printable text holds no whitespace but ASCII spaces: only doubled or edge spaces need work
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = _SPACE.sub(" ", text).strip()
    return label, text


def is_missing(record, field: str) -> bool:
    """The one rule for a missing field (quality report and dataset card): null, blank or empty."""
    value = getattr(record, field, None)
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return len(value) == 0  # lists and dicts


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
        self.languages = Counter()
        self.formats = Counter()
        self.flags = Counter()
        self.flag_examples: dict[str, list[str]] = defaultdict(list)
        self.label_mentions = Counter()
        self.label_articles = Counter()
        self.entities: dict[str, Counter] = defaultdict(Counter)  # label → text → articles
        self.entity_total = 0
        self.tickers_total = 0
        self._long: list = []   # min-heap of (words, neg id order key, info) for the longest
        self._short: list = []  # min-heap of (-words, id key, info) for the shortest
        self.ids = 0
        self.rejected = Counter()
        self.rejected_by_stage: dict[str, Counter] = defaultdict(Counter)
        self.rejected_examples: dict[str, list[dict]] = defaultdict(list)
        self.dup_groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.dup_detail: dict[str, str] = {}

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
        for f in MISSING_FIELDS:
            if is_missing(record, f):
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
        info = {"id": record.id, "words": words, "title": _short(record.title, TITLE_CHARS),
                "path": record.source.path}
        # ties: smaller id first among equals (deterministic whatever the shard order)
        _push_bounded(self._long, (words, _Desc(record.id)), info)
        _push_bounded(self._short, (-words, _Desc(record.id)), info)

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

    # -- the report
    def report(self) -> dict:
        n = self.accepted
        rejected_total = sum(self.rejected.values())
        inputs = n + rejected_total

        def rate(k: int, d: int) -> float:
            return round(k / d, 6) if d else 0.0

        # time coverage
        months = sorted(self.months)
        per_month = []
        gaps: list[list[str]] = []
        if months:
            for m in month_range(months[0], months[-1]):
                c = self.months.get(m, 0)
                per_month.append({"month": m, "articles": c})
                if c == 0:
                    if gaps and _next_month(gaps[-1][1]) == m:
                        gaps[-1][1] = m
                    else:
                        gaps.append([m, m])
        gap_months = sum(1 for row in per_month if row["articles"] == 0)

        # length
        pct = {f"p{p}": percentile(self.words, n, p) for p in PERCENTILES}
        hist = [0] * len(LENGTH_BINS)
        for w, c in self.words.items():
            i = max(j for j, lo in enumerate(LENGTH_BINS) if w >= lo) if w >= 0 else 0
            hist[i] += c
        above = sum(c for w, c in self.words.items() if w > pct["p99"])
        below = sum(c for w, c in self.words.items() if w < pct["p1"])
        longest = [t[2] for t in sorted(self._long, key=lambda t: t[:2], reverse=True)]
        shortest = [t[2] for t in sorted(self._short, key=lambda t: t[:2], reverse=True)]

        # duplicates and near-duplicate clusters
        clusters = []
        for kept, members in self.dup_groups.get(Reason.NEAR_DUPLICATE.value, {}).items():
            members = sorted(members)
            clusters.append({"kept": kept, "size": 1 + len(members), "duplicates": members[:CLUSTER_IDS_SHOWN],
                             "more": max(0, len(members) - CLUSTER_IDS_SHOWN),
                             "details": [self.dup_detail.get(m, "") for m in members[:CLUSTER_IDS_SHOWN]]})
        clusters.sort(key=lambda c: (-c["size"], c["kept"]))
        dup_summary = {}
        for reason in DUPLICATE_REASONS:
            groups = self.dup_groups.get(reason, {})
            dup_summary[reason] = {
                "removed": self.rejected.get(reason, 0),
                "kept_records_with_copies": len(groups),
                "largest_group": 1 + max((len(v) for v in groups.values()), default=0) if groups else 0,
            }

        flag_names = sorted(set(KNOWN_FLAGS) | set(self.flags))
        flags = [{"flag": f, "count": self.flags.get(f, 0), "rate": rate(self.flags.get(f, 0), n),
                  "examples": self.flag_examples.get(f, []), "source": "accepted"} for f in flag_names]
        flags.sort(key=lambda r: (-r["count"], r["flag"]))
        ho = Reason.HEADER_ONLY.value
        flags.append({"flag": "header_only", "count": self.rejected.get(ho, 0),
                      "rate": rate(self.rejected.get(ho, 0), inputs),
                      "examples": [e["id"] for e in self.rejected_examples.get(ho, [])],
                      "source": "rejected"})

        labels = sorted(self.label_mentions, key=lambda k: (-self.label_mentions[k], k))
        top_entities = {
            label: [{"text": t, "articles": c} for t, c in
                    sorted(self.entities[label].items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_ENTITIES]]
            for label in labels
        }

        return {
            "report": REPORT_VERSION,
            "counts": {
                "inputs": inputs, "accepted": n, "rejected": rejected_total,
                "rejected_by_reason": dict(sorted(self.rejected.items())),
                "rejected_by_stage": {s: dict(sorted(c.items())) for s, c in sorted(self.rejected_by_stage.items())},
                "formats": dict(sorted(self.formats.items())),
            },
            "coverage": {
                "first_month": months[0] if months else None,
                "last_month": months[-1] if months else None,
                "months": len(per_month), "months_with_articles": len(months),
                "gap_months": gap_months, "gaps": [{"from": a, "to": b} for a, b in gaps],
                "undated": self.no_month, "articles_per_month": per_month,
            },
            "length": {
                "unit": "words", "total_words": self.words_total, "total_chars": self.chars_total,
                "mean": round(self.words_total / n, 2) if n else 0.0,
                "min": min(self.words) if n else 0, "max": max(self.words) if n else 0,
                "percentiles": pct,
                "histogram": [{"bin": _bin_label(i), "lower": LENGTH_BINS[i], "articles": hist[i]}
                              for i in range(len(LENGTH_BINS))],
                "outliers": {"above_p99": above, "below_p1": below,
                             "longest": [r for r in longest if r["words"] > pct["p99"]],
                             "shortest": [r for r in shortest if r["words"] < pct["p1"]]},
            },
            "missing": {f: {"count": self.missing.get(f, 0), "rate": rate(self.missing.get(f, 0), n)}
                        for f in MISSING_FIELDS},
            "languages": [{"language": k, "articles": v, "rate": rate(v, n)}
                          for k, v in sorted(self.languages.items(), key=lambda kv: (-kv[1], kv[0]))],
            "flags": flags,
            "duplicates": dup_summary,
            "near_duplicate_clusters": {"clusters": len(clusters), "largest": clusters[:CLUSTERS_SHOWN]},
            "entities": {
                "mentions": self.entity_total,
                "per_article": round(self.entity_total / n, 2) if n else 0.0,
                "labels": [{"label": k, "mentions": self.label_mentions[k], "articles": self.label_articles[k]}
                           for k in labels],
                "top": top_entities,
            },
            "tickers": {"mentions": self.tickers_total},
            "rejected": [{"reason": r, "count": c, "rate": rate(c, inputs),
                          "examples": self.rejected_examples.get(r, [])}
                         for r, c in sorted(self.rejected.items(), key=lambda kv: (-kv[1], kv[0]))],
        }


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


# -------------------------------------------------------------------------------------- reading


# what the report reads of a record (the text is skipped by the decoder); types from curate/record.py
_REPORT_FIELDS = [
    "id", ("source", ["path", "format", "line"]), "url", "title", "date", "published_at",
    "dateline", "authors", "credits", "tickers", ("entities", ["text", "label"]), "language",
    ("stats", ["chars", "words"]), "flags",
]
RecordView = view(Record, _REPORT_FIELDS, "RecordView")
RejectedView = view(Rejected, [*_REPORT_FIELDS, "reason", "detail", "stage", "duplicate_of"], "RejectedView")


def iter_version(version: Version, curated: str) -> tuple[Iterator[RecordView], Iterator[RejectedView]]:
    """Accepted records (shard by shard) and rejected records (file by file) of a version."""
    arts = version.list_shards(f"{curated}/articles")
    try:
        rejs = version.list_jsonl(f"{curated}/rejected")
    except VersionError:
        rejs = []
    rdec = msgspec.json.Decoder(RecordView)
    jdec = msgspec.json.Decoder(RejectedView)

    def records() -> Iterator[RecordView]:
        for _, _, line in iter_lines_at(version, arts):
            yield rdec.decode(line)

    def rejected() -> Iterator[RejectedView]:
        for _, _, line in iter_lines_at(version, rejs):
            yield jdec.decode(line)

    return records(), rejected()


def accumulate(records: Iterable, rejected: Iterable) -> QualityAccumulator:
    acc = QualityAccumulator()
    for r in records:
        acc.add(r)
    for r in rejected:
        acc.add_rejected(r)
    return acc


def consistency(report: dict, metrics: dict | None, manifest: dict | None) -> dict:
    """The report's counts (from the records on disk) against metrics.json and the manifest."""
    c = report["counts"]
    checks = []

    def check(name: str, ours, theirs) -> None:
        checks.append({"check": name, "report": ours, "recorded": theirs, "ok": ours == theirs})

    if metrics is not None:
        check("metrics.accepted", c["accepted"], metrics.get("accepted"))
        check("metrics.rejected", c["rejected"], metrics.get("rejected"))
        check("metrics.inputs", c["inputs"], metrics.get("inputs"))
        check("metrics.rejected_by_reason", c["rejected_by_reason"], metrics.get("rejected_by_reason"))
    if manifest is not None:
        check("manifest.records", c["accepted"], manifest.get("records"))
        check("manifest.rejected", c["rejected_by_reason"], manifest.get("rejected"))
    return {"ok": all(ch["ok"] for ch in checks) if checks else None,
            "metrics_file": metrics is not None, "manifest_file": manifest is not None, "checks": checks}


def _load_json(version: Version, relpath: str) -> dict | None:
    raw = version.read_small(relpath)
    if raw is None:
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


@errors_as(QualityError)
def build_report(version: Version) -> dict:
    """Stream one version into its report, with the consistency check against its metrics."""
    curated = curated_dir(version)
    records, rejected = iter_version(version, curated)
    report = accumulate(records, rejected).report()
    metrics = _load_json(version, METRICS.as_posix())
    manifest = _load_json(version, f"{curated}/manifest.json")
    report["version"] = {"label": version.label, "rev": version.rev, "curated_dir": curated}
    report["consistency"] = consistency(report, metrics, manifest)
    report["metrics"] = flat_metrics(report)
    return report


# -------------------------------------------------------------------------------------- metrics


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
    cons = report.get("consistency", {}).get("ok")
    m["consistency_ok"] = 1 if cons in (True, None) else 0
    return dict(sorted(m.items()))


# ---------------------------------------------------------------------------------------- rules

_RULE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|>|<)\s*"
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
    m = _RULE.match(text)
    if not m:
        raise RuleError(f"cannot parse rule {text!r}: expected METRIC OP NUMBER, OP one of > >= < <= ==")
    known = sorted(known)
    if m.group(1) not in known:
        raise RuleError(f"unknown metric {m.group(1)!r} in rule {text!r}; known metrics: {', '.join(known)}")
    return Rule(m.group(1), m.group(2), float(m.group(3)))


def broken_rules(rules: Iterable[Rule], metrics: dict) -> list[tuple[Rule, float]]:
    """The rules whose condition holds (each with the metric's value)."""
    return [(r, metrics[r.metric]) for r in rules if _OPS[r.op](metrics[r.metric], r.value)]


# -------------------------------------------------------------------------------------- outputs

FORMATS = ("md", "html", "json")
PLOTS_DIR = Path("reports/plots")
QUALITY_METRICS = Path("reports/quality_metrics.json")


def _dumps(obj) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def render(report: dict, fmt: str) -> bytes:
    from curate.render import quality_html as report_render

    if fmt == "json":
        return _dumps(report)
    if fmt == "md":
        return report_render.render_markdown(report).encode("utf-8")
    if fmt == "html":
        return report_render.render_html(report).encode("utf-8")
    raise QualityError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def plot_data(report: dict) -> dict[str, list[dict]]:
    """DVC plot files (x/y fields declared in dvc.yaml)."""
    return {
        "articles_per_month.json": report["coverage"]["articles_per_month"],
        "length_hist.json": [{"bin": h["bin"], "lower": h["lower"], "articles": h["articles"]}
                             for h in report["length"]["histogram"]],
        "entity_labels.json": [{"label": x["label"], "mentions": x["mentions"], "articles": x["articles"]}
                               for x in report["entities"]["labels"]],
    }


def output_path(root: Path, fmt: str, rev: str | None) -> Path:
    if rev is None:
        return root / "reports" / f"quality.{fmt}"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", rev).strip("._") or "rev"
    return root / "reports" / f"quality-{safe}.{fmt}"


@errors_as(QualityError)
def run_report(root: Path, params=None) -> dict:
    """The `report` stage: quality.{md,html,json}, quality_metrics.json and plot data."""
    from curate.engine.io import write_atomic

    report = build_report(WorkTree(root))
    for fmt in FORMATS:
        write_atomic(output_path(root, fmt, None), render(report, fmt))
    write_atomic(root / QUALITY_METRICS, _dumps(report["metrics"]))
    for name, rows in plot_data(report).items():
        write_atomic(root / PLOTS_DIR / name, _dumps(rows))
    return report


# ------------------------------------------------------------------------------------ `quality`

SUMMARY_METRICS = ("inputs", "accepted", "rejected", "rejected_rate", "duplicate_rate", "near_duplicate_rate",
                   "story_version_rate", "months", "gap_months", "words_p50", "words_p99", "length_outliers",
                   "missing_title_rate", "missing_dateline_rate", "missing_credits_rate", "non_english_rate",
                   "flag_truncated_rate", "flag_markup_left_rate", "flag_very_short_rate", "consistency_ok")


def known_metrics(report: dict | None = None) -> list[str]:
    """Metric names a rule may use: the fixed ones, plus any the report adds."""
    empty = QualityAccumulator().report()
    empty["consistency"] = {"ok": None}
    names = set(flat_metrics(empty))
    if report is not None:
        names |= set(report["metrics"])
    return sorted(names)


@errors_as(QualityError)
def quality_command(root: Path, rev: str | None, fmt: str, rules: list[str]):
    """What `curate quality` does; returns (exit code, a function printing the summary)."""
    if fmt not in FORMATS:
        raise QualityError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    fixed = known_metrics()
    parsed_early = []
    for text in rules:  # fail fast; names a version's data may add (flags, reasons) wait for the report
        m = _RULE.match(text)
        if not m or not (m.group(1) in fixed or m.group(1).startswith(("flag_", "rejected_"))
                         or m.group(1).endswith("_rate")):
            parse_rule(text, fixed)
        parsed_early.append(text)
    report = build_report(open_version(Path(root), rev))
    parsed = [parse_rule(t, known_metrics(report)) for t in parsed_early]
    out = output_path(Path(root), fmt, rev)
    from curate.engine.io import write_atomic

    write_atomic(out, render(report, fmt))
    broken = broken_rules(parsed, report["metrics"])

    def summary() -> None:
        print_summary(report, out, parsed, broken)

    return (1 if broken else 0), summary


def print_summary(report: dict, out: Path, rules: list[Rule], broken: list[tuple[Rule, float]]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from curate.render.quality_html import visible

    console = Console(highlight=False, soft_wrap=True)
    m = report["metrics"]
    table = Table(title=f"Quality: {escape(visible(report['version']['label']))}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name in SUMMARY_METRICS:
        v = m.get(name, 0)
        table.add_row(name, f"{v:.4f}" if isinstance(v, float) else f"{v:,}")
    table.add_section()
    for row in report["rejected"]:
        table.add_row(escape(visible(f"rejected: {row['reason']}")), f"{row['count']:,}")
    console.print(table)
    cov = report["consistency"]
    if cov["ok"] is False:
        bad = [ch["check"] for ch in cov["checks"] if not ch["ok"]]
        console.print(f"[red]counts differ from the recorded metrics/manifest: {escape(', '.join(bad))}[/red]")
    console.print(f"wrote {escape(str(out))}")
    if rules:
        broken_set = {r for r, _ in broken}
        for r in rules:
            v = m[r.metric]
            if r in broken_set:
                console.print(f"[red]FAIL[/red] {escape(str(r))} (value {v})")
            else:
                console.print(f"ok   {escape(str(r))} (value {v})")
