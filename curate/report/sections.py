"""The sections of the quality report, each computed from a `QualityAccumulator`'s counters.

`QualityAccumulator.report()` (curate/report/quality.py) assembles them; each function here
turns counters into plain dicts and lists (the JSON format) and never reads records.
"""

from __future__ import annotations

from curate.report import quality as q
from curate.record import Reason


def rate(k: int, d: int) -> float:
    return round(k / d, 6) if d else 0.0


MAX_BINS = 60  # bars of the coverage chart: months, else quarters, else years
LONGEST_GAPS = 5  # runs of gap months named in the report's text


def coverage_bin(months: int) -> str:
    """The period of the coverage chart for a range of `months`: the finest with at most MAX_BINS bars."""
    if months <= MAX_BINS:
        return "month"
    return "quarter" if -(-months // 3) <= MAX_BINS else "year"


def _period(month: str, unit: str) -> str:
    if unit == "year":
        return month[:4]
    if unit == "quarter":
        return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"
    return month


def binned(per_month: list[dict], unit: str) -> list[dict]:
    """Articles per period (`coverage_bin`), in order, empty periods included."""
    out: list[dict] = []
    for row in per_month:
        p = _period(row["month"], unit)
        if out and out[-1]["period"] == p:
            out[-1]["articles"] += row["articles"]
        else:
            out.append({"period": p, "articles": row["articles"]})
    return out


def _months_between(a: str, b: str) -> int:
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7]) + 1


def coverage(acc: q.QualityAccumulator) -> dict:
    """Articles per month over the whole range, gap months and runs of gaps; the same counts per
    chart period, and the longest runs of gaps (what the report's text names)."""
    months = sorted(acc.months)
    per_month: list[dict] = []
    gaps: list[list[str]] = []
    if months:
        for m in q.month_range(months[0], months[-1]):
            c = acc.months.get(m, 0)
            per_month.append({"month": m, "articles": c})
            if c == 0:
                if gaps and q._next_month(gaps[-1][1]) == m:
                    gaps[-1][1] = m
                else:
                    gaps.append([m, m])
    return {
        "first_month": months[0] if months else None,
        "last_month": months[-1] if months else None,
        "months": len(per_month), "months_with_articles": len(months),
        "gap_months": sum(1 for row in per_month if row["articles"] == 0),
        "gaps": [{"from": a, "to": b} for a, b in gaps],
        "longest_gaps": sorted(({"from": a, "to": b, "months": _months_between(a, b)} for a, b in gaps),
                               key=lambda g: (-g["months"], g["from"]))[:LONGEST_GAPS],
        "undated": acc.no_month, "articles_per_month": per_month,
        "bin": (unit := coverage_bin(len(per_month))), "articles_per_bin": binned(per_month, unit),
    }


def length(acc: q.QualityAccumulator) -> dict:
    """Word-count percentiles, the fixed-bin histogram and the outliers beyond p1 / p99."""
    n, words = acc.accepted, acc.words
    pct = {f"p{p}": q.percentile(words, n, p) for p in q.PERCENTILES}
    hist = [0] * len(q.LENGTH_BINS)
    for w, c in words.items():
        i = max(j for j, lo in enumerate(q.LENGTH_BINS) if w >= lo) if w >= 0 else 0
        hist[i] += c
    longest = [t[2] for t in sorted(acc._long, key=lambda t: t[:2], reverse=True)]
    shortest = [t[2] for t in sorted(acc._short, key=lambda t: t[:2], reverse=True)]
    return {
        "unit": "words", "total_words": acc.words_total, "total_chars": acc.chars_total,
        "mean": round(acc.words_total / n, 2) if n else 0.0,
        "min": min(words) if n else 0, "max": max(words) if n else 0,
        "percentiles": pct,
        "histogram": [{"bin": q._bin_label(i), "lower": q.LENGTH_BINS[i], "articles": hist[i]}
                      for i in range(len(q.LENGTH_BINS))],
        "outliers": {"above_p99": sum(c for w, c in words.items() if w > pct["p99"]),
                     "below_p1": sum(c for w, c in words.items() if w < pct["p1"]),
                     "longest": [r for r in longest if r["words"] > pct["p99"]],
                     "shortest": [r for r in shortest if r["words"] < pct["p1"]]},
    }


def duplicates(acc: q.QualityAccumulator) -> tuple[dict, dict]:
    """(removed copies per duplicate reason, the largest near-duplicate clusters)."""
    clusters = []
    for kept, members in acc.dup_groups.get(Reason.NEAR_DUPLICATE.value, {}).items():
        members = sorted(members)
        shown = members[:q.CLUSTER_IDS_SHOWN]
        clusters.append({"kept": kept, "size": 1 + len(members), "duplicates": shown,
                         "more": max(0, len(members) - q.CLUSTER_IDS_SHOWN),
                         "details": [acc.dup_detail.get(m, "") for m in shown]})
    clusters.sort(key=lambda c: (-c["size"], c["kept"]))
    summary = {}
    for reason in q.DUPLICATE_REASONS:
        groups = acc.dup_groups.get(reason, {})
        summary[reason] = {
            "removed": acc.rejected.get(reason, 0),
            "kept_records_with_copies": len(groups),
            "largest_group": 1 + max((len(v) for v in groups.values()), default=0) if groups else 0,
        }
    return summary, {"clusters": len(clusters), "largest": clusters[:q.CLUSTERS_SHOWN]}


def flags(acc: q.QualityAccumulator, inputs: int) -> list[dict]:
    """Every known flag (0 when absent) by count, then header-only inputs (counted on rejections)."""
    n = acc.accepted
    names = sorted(set(q.KNOWN_FLAGS) | set(acc.flags))
    rows = [{"flag": f, "count": acc.flags.get(f, 0), "rate": rate(acc.flags.get(f, 0), n),
             "examples": acc.flag_examples.get(f, []), "source": "accepted"} for f in names]
    rows.sort(key=lambda r: (-r["count"], r["flag"]))
    ho = Reason.HEADER_ONLY.value
    rows.append({"flag": "header_only", "count": acc.rejected.get(ho, 0),
                 "rate": rate(acc.rejected.get(ho, 0), inputs),
                 "examples": [e["id"] for e in acc.rejected_examples.get(ho, [])], "source": "rejected"})
    return rows


def entities(acc: q.QualityAccumulator) -> dict:
    """Mentions per label and the most mentioned texts of each label (articles mentioning them)."""
    n = acc.accepted
    labels = sorted(acc.label_mentions, key=lambda k: (-acc.label_mentions[k], k))
    top = {label: [{"text": t, "articles": c} for t, c in
                   sorted(acc.entities[label].items(), key=lambda kv: (-kv[1], kv[0]))[:q.TOP_ENTITIES]]
           for label in labels}
    return {
        "mentions": acc.entity_total,
        "per_article": round(acc.entity_total / n, 2) if n else 0.0,
        "labels": [{"label": k, "mentions": acc.label_mentions[k], "articles": acc.label_articles[k]}
                   for k in labels],
        "top": top,
    }


def labels(acc: q.QualityAccumulator) -> dict:
    """The source's own labels (topic folders, TOPICS / PLACES, IPTC subjects, articleSection):
    articles with and without any, and per scheme the articles carrying it and its top values."""
    n = acc.accepted
    schemes = sorted(acc.label_schemes, key=lambda k: (-acc.label_schemes[k], k))
    return {
        "labelled": n - acc.unlabelled, "unlabelled": acc.unlabelled, "unlabelled_rate": rate(acc.unlabelled, n),
        "schemes": [{"scheme": s, "articles": acc.label_schemes[s], "rate": rate(acc.label_schemes[s], n),
                     "values": len(acc.label_values[s]),
                     "top": [{"value": v, "articles": c, "rate": rate(c, n)} for v, c in
                             sorted(acc.label_values[s].items(), key=lambda kv: (-kv[1], kv[0]))[:q.TOP_LABELS]]}
                    for s in schemes],
    }


def samples(acc: q.QualityAccumulator) -> list[dict]:
    """A few accepted articles to read, chosen by a hash of their id (the same whatever the order)."""
    return [info for _, info in sorted(acc._samples, key=lambda t: t[0].s)]
