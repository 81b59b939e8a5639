"""Inline SVG charts for the HTML reports: vertical bars with an even y axis, horizontal bars.

Labels come from the data and go through `esc`. Axis ticks are even steps of 1, 2 or 5 times a
power of ten, so a count axis reads 0, 10, 20, 30, 40 rather than 0, 10, 19, 28, 38.
"""

from __future__ import annotations

import math

from curate.render.text import esc, visible

BAR = "#4c78a8"      # bars of every chart (the screenshot test looks for this colour)
GAP = "#e45756"      # months without articles
GRID = "#dddddd"
TEXT = "#333333"


def nice_ticks(vmax: float, most: int = 5) -> list[float]:
    """0 up to the first multiple of an even step (1, 2, 5 × 10^k) at or above vmax; at most
    `most` steps; whole numbers for counts of 10 or less."""
    if vmax <= 0:
        return [0, 1]
    raw = vmax / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if vmax >= 1:
        step = max(step, 1)
    n = math.ceil(vmax / step - 1e-9)
    return [round(k * step, 10) for k in range(n + 1)]


def _tick_label(v: float) -> str:
    return f"{v:,.0f}" if v == int(v) else f"{v:g}"


def _frame(width: int, height: int, title: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"><title>{esc(title)}</title>']


def svg_columns(rows: list[tuple[str, int]], *, width: int = 1100, height: int = 280, label_every: int = 1,
                highlight_zero: bool = False, title: str = "", x_title: str = "", y_title: str = "") -> str:
    """Vertical bars (one per row) on an even y axis, with axis titles; zero rows get a red tick
    when highlighted."""
    left, right, top, bottom = 64, 10, 14, 78
    pw, ph = width - left - right, height - top - bottom
    ticks = nice_ticks(max((v for _, v in rows), default=0))
    vmax = ticks[-1] or 1
    step = pw / max(len(rows), 1)
    bw = max(1.0, step * 0.8)
    parts = _frame(width, height, title)
    for v in ticks:
        y = top + ph - ph * v / vmax
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{TEXT}">'
                     f'{_tick_label(v)}</text>')
    for i, (label, v) in enumerate(rows):
        x = left + i * step + (step - bw) / 2
        h = ph * v / vmax
        if v == 0 and highlight_zero:
            parts.append(f'<rect x="{x:.1f}" y="{top + ph - 3:.1f}" width="{bw:.1f}" height="3" fill="{GAP}">'
                         f'<title>{esc(label)}: 0</title></rect>')
        elif v:
            parts.append(f'<rect x="{x:.1f}" y="{top + ph - h:.1f}" width="{bw:.1f}" height="{max(h, 1):.1f}" '
                         f'fill="{BAR}"><title>{esc(label)}: {v}</title></rect>')
        if i % label_every == 0:
            cx = left + i * step + step / 2
            parts.append(f'<text x="{cx:.1f}" y="{top + ph + 12}" font-size="10" fill="{TEXT}" '
                         f'text-anchor="end" transform="rotate(-45 {cx:.1f} {top + ph + 12})">{esc(label)}</text>')
    parts.append(f'<line x1="{left}" y1="{top + ph}" x2="{width - right}" y2="{top + ph}" stroke="{TEXT}"/>')
    if y_title:
        cy = top + ph / 2
        parts.append(f'<text x="14" y="{cy:.1f}" font-size="12" fill="{TEXT}" text-anchor="middle" '
                     f'transform="rotate(-90 14 {cy:.1f})">{esc(y_title)}</text>')
    if x_title:
        parts.append(f'<text x="{left + pw / 2:.1f}" y="{height - 4}" font-size="12" fill="{TEXT}" '
                     f'text-anchor="middle">{esc(x_title)}</text>')
    return "".join(parts) + "</svg>"


def svg_hbars(rows: list[tuple[str, float]], *, width: int = 700, bar_h: int = 18, fmt=str, title: str = "",
              scale_max: float | None = None) -> str:
    """Horizontal bars, the label on the left and the value on the right; `scale_max` is the value
    of a full bar (1.0 for rates: 41.67% fills 41.67% of the track), else the largest value."""
    left, right = 170, 90
    pw = width - left - right
    vmax = scale_max or max((v for _, v in rows), default=0) or 1
    height = max(1, len(rows)) * (bar_h + 4) + 8
    parts = _frame(width, height, title)
    for i, (label, v) in enumerate(rows):
        y = 4 + i * (bar_h + 4)
        w = pw * min(v, vmax) / vmax
        short = visible(label)
        short = short if len(short) <= 24 else short[:23] + "…"
        parts.append(f'<text x="{left - 6}" y="{y + bar_h - 5}" font-size="12" text-anchor="end" fill="{TEXT}">'
                     f'{esc(short)}</text>')
        if scale_max:  # the track a full bar would fill
            parts.append(f'<rect x="{left}" y="{y}" width="{pw}" height="{bar_h}" fill="#f1f3f6"/>')
        if v:
            parts.append(f'<rect x="{left}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" fill="{BAR}">'
                         f'<title>{esc(label)}: {esc(fmt(v))}</title></rect>')
        x_value = left + (pw if scale_max else max(w, 1)) + 4
        parts.append(f'<text x="{x_value:.1f}" y="{y + bar_h - 5}" font-size="12" fill="{TEXT}">{esc(fmt(v))}</text>')
    return "".join(parts) + "</svg>"
