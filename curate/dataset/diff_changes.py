"""What changed between two records, two small files and two distributions: the parts of a
`curate diff` report (text excerpts, field changes, keyed changes, distribution rows)."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import msgspec
import yaml

from curate.dataset.diff_dist import Distribution
from curate.dataset.versions import Version
from curate.record import RECORD_FIELDS

_SENT = re.compile(r"(?<=[.!?])\s+|\n{2,}")

def _segments(text: str) -> list[str]:
    return [s for s in _SENT.split(text) if s]

def _trim_pair(a: str, b: str, width: int) -> tuple[str, str]:
    """Cut two long changed lines around their first difference."""
    p = 0
    n = min(len(a), len(b))
    while p < n and a[p] == b[p]:
        p += 1
    start = max(0, p - width // 3)

    def cut(s: str) -> str:
        piece = s[start:start + width]
        return ("…" if start else "") + piece + ("…" if start + width < len(s) else "")

    return cut(a), cut(b)

def text_excerpt(a: str, b: str, context: int = 1, max_lines: int = 14, width: int = 160) -> str:
    """A short unified diff of two texts, sentence by sentence, long lines cut around the change."""
    lines = list(difflib.unified_diff(_segments(a), _segments(b), "a", "b", n=context, lineterm=""))[2:]
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].startswith("-"):
            j += 1
        k = j
        while k < len(lines) and lines[k].startswith("+"):
            k += 1
        if j > i and k - j == j - i:  # a run of '-' lines replaced by as many '+' lines
            pairs = [_trim_pair(lines[i + t][1:], lines[j + t][1:], width) for t in range(j - i)]
            out.extend("-" + x for x, _ in pairs)
            out.extend("+" + y for _, y in pairs)
            i = k
            continue
        if j == i and k == i:
            line = lines[i]
            out.append(line if len(line) <= width + 1 else line[:width + 1] + "…")
            i += 1
        else:
            for line in lines[i:k]:
                out.append(line if len(line) <= width + 1 else line[:width + 1] + "…")
            i = k
    if len(out) > max_lines:
        out = out[:max_lines] + [f"… ({len(out) - max_lines} more diff lines)"]
    return "\n".join(out)

def shorten(value: Any, width: int = 300) -> Any:
    if isinstance(value, str):
        return value if len(value) <= width else value[:width] + "…"
    enc = msgspec.json.encode(value)
    if len(enc) <= width:
        return value
    return enc[:width].decode("utf-8", "ignore") + "…"

def field_change(name: str, a: Any, b: Any) -> dict:
    """What changed in one field, small enough to print."""
    if name == "text" and isinstance(a, str) and isinstance(b, str):
        return {"diff": text_excerpt(a, b), "a_chars": len(a), "b_chars": len(b)}
    if name == "entities" and isinstance(a, list) and isinstance(b, list):
        def key(e):
            return (e.get("text"), e.get("label")) if isinstance(e, dict) else (str(e), "")
        ca, cb = Counter(map(key, a)), Counter(map(key, b))
        gained = sorted((cb - ca).elements())
        lost = sorted((ca - cb).elements())
        return {"a_count": len(a), "b_count": len(b),
                "gained": [list(x) for x in gained[:8]], "lost": [list(x) for x in lost[:8]],
                "offsets_only": not gained and not lost}
    if isinstance(a, dict) and isinstance(b, dict):  # only the keys that differ (source, credits, stats)
        keys = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        return {"a": shorten({k: a[k] for k in keys if k in a}), "b": shorten({k: b[k] for k in keys if k in b})}
    return {"a": shorten(a), "b": shorten(b)}

_SLOT_INDEX = {f: i for i, f in enumerate(f for f in RECORD_FIELDS if f != "id")}


def record_changes(a: dict, b: dict, fields: list[str] | None) -> tuple[list[str], dict]:
    """Exact changed fields of two decoded records (restricted to `fields`) and their changes."""
    names = sorted((set(a) | set(b)) - {"id"}, key=lambda k: (k not in _SLOT_INDEX, _SLOT_INDEX.get(k, 0), k))
    if fields:
        names = [n for n in names if n in fields]
    changed = [n for n in names if a.get(n) != b.get(n)]
    return changed, {n: field_change(n, a.get(n), b.get(n)) for n in changed}

def record_brief(obj: dict) -> dict:
    src = obj.get("source") if isinstance(obj.get("source"), dict) else {}
    return {"id": obj.get("id"), "title": shorten(obj.get("title"), 160), "date": obj.get("date"),
            "source": src.get("path")}

def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts to dotted keys; lists and scalars are leaves."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        if not value and prefix:
            out[prefix] = {}
        return out
    return {prefix or "(root)": value}

def _emptied(k: str, mine: dict, other: dict) -> bool:
    """`k` is an empty dict on one side whose keys the other side lists one by one: those keys
    say the change (`rejected_by_reason.empty: 1 → (absent)`), not a `(absent) → {}` line."""
    return mine[k] == {} and any(o.startswith(k + ".") for o in other)

def keyed_changes(a: dict | None, b: dict | None) -> list[dict]:
    fa, fb = flatten(a or {}), flatten(b or {})
    out = []
    for k in sorted(set(fa) | set(fb)):
        if (k in fa and _emptied(k, fa, fb)) or (k in fb and _emptied(k, fb, fa)):
            continue
        if k not in fb:
            out.append({"key": k, "change": "removed", "a": fa[k], "b": None})
        elif k not in fa:
            out.append({"key": k, "change": "added", "a": None, "b": fb[k]})
        elif fa[k] != fb[k] or type(fa[k]) is not type(fb[k]):
            row = {"key": k, "change": "changed", "a": fa[k], "b": fb[k]}
            if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (fa[k], fb[k])):
                row["delta"] = fb[k] - fa[k]
            out.append(row)
    return out

def _load(version: Version, relpath: str, kind: str) -> tuple[Any, str | None]:
    raw = version.read_small(relpath)
    if raw is None:
        return None, f"{relpath} missing in {version.label}"
    try:
        return (yaml.safe_load(raw) if kind == "yaml" else msgspec.json.decode(raw)), None
    except Exception as exc:  # noqa: BLE001
        return None, f"{relpath} unreadable in {version.label}: {exc}"

def file_changes(a: Version, b: Version, relpath: str, kind: str) -> dict:
    va, ea = _load(a, relpath, kind)
    vb, eb = _load(b, relpath, kind)
    notes = [e for e in (ea, eb) if e]
    changes = keyed_changes(va if isinstance(va, dict) or va is None else {"(root)": va},
                            vb if isinstance(vb, dict) or vb is None else {"(root)": vb})
    return {"path": relpath, "changes": changes, "notes": notes}


def _counter_rows(ca: Counter, cb: Counter, keys: Iterable) -> list[dict]:
    return [{"key": k, "a": ca.get(k, 0), "b": cb.get(k, 0), "delta": cb.get(k, 0) - ca.get(k, 0)}
            for k in keys]

def distribution_changes(da: Distribution, db: Distribution, top: int) -> dict:
    months = _counter_rows(da.months, db.months, sorted(set(da.months) | set(db.months)))
    labels = _counter_rows(da.labels, db.labels,
                           sorted(set(da.labels) | set(db.labels), key=lambda k: (-db.labels.get(k, 0), k)))
    delta = Counter(db.entities)
    delta.subtract(da.entities)
    moved = [(k, v) for k, v in delta.items() if v]
    gained = sorted((kv for kv in moved if kv[1] > 0), key=lambda kv: (-kv[1], kv[0]))[:top]
    lost = sorted((kv for kv in moved if kv[1] < 0), key=lambda kv: (kv[1], kv[0]))[:top]

    def rows(items):
        return [{"text": t, "label": lab, "a": da.entities.get((t, lab), 0),
                 "b": db.entities.get((t, lab), 0), "delta": d} for (t, lab), d in items]

    return {"months": months, "entity_labels": labels, "entities_gained": rows(gained),
            "entities_lost": rows(lost)}


_raw_fields = msgspec.json.Decoder(dict[str, msgspec.Raw])
PARAMS_DIGEST = "params_sha256"  # the provenance key a params change alters in every record


def provenance_rest(obj: dict[str, msgspec.Raw]) -> int | None:
    """Hash of a record's provenance without its params digest (None: no readable provenance)."""
    raw = obj.get("provenance")
    if raw is None:
        return None
    try:
        prov = _raw_fields.decode(raw)
    except msgspec.DecodeError:
        return None
    return hash(tuple(sorted((k, bytes(v)) for k, v in prov.items() if k != PARAMS_DIGEST)))
