"""The `CHANGELOG.md` entry of a release, written from `curate diff <previous release> <release>`
(added, removed, modified with fields, moved; metric, parameter and schema changes)."""

from __future__ import annotations

import json
import re

CHANGELOG_HEADER = (
    "# Changelog\n\n"
    "Dataset releases (git tags), newest first. Each entry is written by `curate release` from "
    "`curate diff <previous release> <release>`; run that command for every detail.\n"
)
EXAMPLES = 10


def _ids(rows: list[dict], key: str = "id") -> str:
    return ", ".join(f"`{r[key]}`" for r in rows)


def changelog_entry(version: str, date: str, previous: str | None, report: dict | None,
                    facts_line: str) -> str:
    """One `## VERSION — DATE` section (markdown) from a `diff_versions` report."""
    lines = [f"## {version} — {date}", ""]
    if previous is None or report is None:
        lines.append(f"First release: {facts_line}")
        return "\n".join(lines) + "\n"
    s = report["summary"]
    lines.append(f"Compared with {previous}: {facts_line} Records: +{s['added']} added, "
                 f"-{s['removed']} removed, {s['modified']} modified, {s['moved']} moved, "
                 f"{s['unchanged']} unchanged.")
    lines.append("")
    ex = report["examples"]
    more = f" (`curate diff {previous} {version}` lists all)"

    def listing(kind: str, rows: list[dict], fmt) -> None:
        n = s[kind]
        if not n:
            return
        shown = "; ".join(fmt(r) for r in rows[:EXAMPLES])
        lines.append(f"- {kind.capitalize()} ({n}): {shown}" + (more if n > len(rows[:EXAMPLES]) else ""))

    def titled(r: dict) -> str:
        return f"`{r['id']}`" + (f" {r['title']}" if r.get("title") else "")

    listing("added", ex["added"], titled)
    listing("removed", ex["removed"], titled)
    listing("modified", ex["modified"], lambda r: f"`{r['id']}` ({', '.join(r['fields'])})")
    listing("moved", ex["moved"], lambda r: f"`{r['from']}` → `{r['to']}`")
    if report["modified_fields"]:
        lines.append("- Fields modified: " + ", ".join(f"`{k}` {v}" for k, v in report["modified_fields"].items()))

    def changes(title: str, rows: list[dict]) -> None:
        if rows:
            parts = []
            for c in rows:
                if c["change"] == "added":
                    parts.append(f"`{c['key']}` added ({json.dumps(c['b'])})")
                elif c["change"] == "removed":
                    parts.append(f"`{c['key']}` removed (was {json.dumps(c['a'])})")
                else:
                    delta = f", {c['delta']:+g}" if isinstance(c.get("delta"), (int, float)) else ""
                    parts.append(f"`{c['key']}` {json.dumps(c['a'])} → {json.dumps(c['b'])}{delta}")
            lines.append(f"- {title}: " + "; ".join(parts))

    changes("Metrics", report["metrics"]["changes"])
    changes("Parameters", report["params"]["changes"])
    changes("Schema", report["schema"]["changes"])
    if report.get("identical"):
        lines.append("- No record, metric, parameter or schema changes.")
    return "\n".join(lines).rstrip("\n") + "\n"


def add_entry(existing: str | None, entry: str) -> str:
    """The changelog with `entry` as its newest section."""
    if not existing:
        return CHANGELOG_HEADER + "\n" + entry
    m = re.search(r"^## ", existing, flags=re.M)
    if m is None:
        return existing.rstrip("\n") + "\n\n" + entry
    return existing[: m.start()] + entry + "\n" + existing[m.start():]
