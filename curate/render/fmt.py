"""How the reports write numbers: counts with thousands separators, rates as percentages."""

from __future__ import annotations


def fmt_num(v) -> str:
    """An int with thousands separators, a float to four places without trailing zeros."""
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") if v else "0"
    return f"{v:,}" if isinstance(v, int) else str(v)


def fmt_pct(v: float) -> str:
    return f"{100 * v:.2f}%"


def fmt_compact(v) -> str:
    """A dict as `k=v, k=v`; anything else as str."""
    if isinstance(v, dict):
        return ", ".join(f"{k}={x}" for k, x in v.items())
    return str(v)


def fmt_delta(d) -> str:
    """A signed change (+3, -0.5); "" for anything not a number."""
    if isinstance(d, (int, float)) and not isinstance(d, bool):
        return f"{d:+g}" if isinstance(d, float) else f"{d:+d}"
    return ""
