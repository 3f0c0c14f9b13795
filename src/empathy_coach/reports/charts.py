"""Chart geometry for the class report: numbers in, shapes out; the template draws them as SVG.

A small module of our own rather than a charting library: the page needs four simple charts (a
histogram, stacked 100 % bars, a heat map and sparklines) drawn as inline SVG with no script,
and the libraries that draw SVG in Python (matplotlib, pygal, plotly) either pull in tens of
megabytes, embed scripts, or fetch fonts. Here every label is data that the template escapes,
every chart has a title and a description, and every value is also printed as text in the chart
or in the table beside it, so colour is never the only cue.

Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: Fill colour and pattern of each behaviour group, in BEHAVIOUR_GROUPS order. The pattern is a
#: second cue beside the colour (and the legend and the table give the names and numbers).
GROUP_STYLES = {
    "complex": ("#1f6f43", "none"),
    "simple": ("#6cbf84", "diagonal"),
    "open": ("#2f5fa7", "dots"),
    "closed": ("#8fb3e8", "horizontal"),
    "adherent": ("#7a5aa6", "vertical"),
    "info": ("#c9a227", "cross"),
    "nonadherent": ("#b8322a", "reverse"),
    "other": ("#9a9a9a", "grid"),
}

#: Heat map shades, low score to high, each with its own text colour for contrast (WCAG AA).
HEAT_STEPS = (
    (0, "#b8322a", "#ffffff"),
    (40, "#e8a19a", "#1d1d1f"),
    (60, "#f2e3a0", "#1d1d1f"),
    (80, "#9fd5ae", "#1d1d1f"),
    (90, "#1f6f43", "#ffffff"),
)


def heat(value: float | None) -> tuple[str, str]:
    """(fill, text colour) of a heat map cell."""
    if value is None:
        return ("#f4f4f4", "#555555")
    fill, ink = HEAT_STEPS[0][1], HEAT_STEPS[0][2]
    for low, f, i in HEAT_STEPS:
        if value >= low:
            fill, ink = f, i
    return fill, ink


def histogram(bins: Sequence[Any], width: int = 640, height: int = 240) -> dict:
    left, right, top, bottom = 44, 12, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((b.replies for b in bins), default=0) or 1
    step = plot_w / max(len(bins), 1)
    bars = []
    for i, b in enumerate(bins):
        h = plot_h * b.replies / peak
        x = left + i * step + 3
        bars.append(
            {
                "x": round(x, 1),
                "y": round(top + plot_h - h, 1),
                "w": round(step - 6, 1),
                "h": round(h, 1),
                "label": f"{b.low}–{b.high}",
                "value": b.replies,
                "pass": b.low >= 60,
                "label_x": round(x + (step - 6) / 2, 1),
            }
        )
    ticks = sorted({0, peak // 2, peak})
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "axis_y": top + plot_h,
        "left": left,
        "right": width - right,
        "ticks": [{"value": t, "y": round(top + plot_h - plot_h * t / peak, 1)} for t in ticks],
    }


def stacked(rows: Sequence[tuple[str, dict[str, int]]], groups: Sequence[tuple[str, str]], width: int = 640, bar: int = 26) -> dict:
    """One 100 % bar per row: `rows` is (name, {group: count}); `groups` is (key, label)."""
    left, right, top = 110, 12, 8
    plot_w = width - left - right
    out_rows = []
    for index, (name, counts) in enumerate(rows):
        total = sum(counts.values())
        x = float(left)
        segments = []
        for key, label in groups:
            n = counts.get(key, 0)
            if not n or not total:
                continue
            w = plot_w * n / total
            share = 100.0 * n / total
            segments.append(
                {
                    "key": key,
                    "label": label,
                    "fill": GROUP_STYLES.get(key, ("#999", "none"))[0],
                    "pattern": GROUP_STYLES.get(key, ("#999", "none"))[1],
                    "x": round(x, 1),
                    "w": round(w, 1),
                    "n": n,
                    "share": round(share, 1),
                    "show_text": w >= 34,
                    "ink": "#ffffff" if key in ("complex", "open", "adherent", "nonadherent") else "#1d1d1f",
                }
            )
            x += w
        y = top + index * (bar + 10)
        out_rows.append({"name": name, "y": y, "total": total, "segments": segments})
    return {"width": width, "height": top + len(rows) * (bar + 10) + 4, "bar": bar, "left": left, "rows": out_rows}


def heatmap(rows: Sequence[tuple[str, Sequence[float | None]]], columns: Sequence[str], cell_w: int = 84, cell_h: int = 20) -> dict:
    left, top = 150, 50
    cells = []
    for r, (name, values) in enumerate(rows):
        for c, value in enumerate(values):
            fill, ink = heat(value)
            cells.append(
                {
                    "x": left + c * cell_w,
                    "y": top + r * cell_h,
                    "fill": fill,
                    "ink": ink,
                    "text": "–" if value is None else f"{value:.0f}",
                    "value": value,
                    "row": name,
                    "column": columns[c],
                }
            )
    return {
        "width": left + len(columns) * cell_w + 4,
        "height": top + len(rows) * cell_h + 4,
        "left": left,
        "top": top,
        "cell_w": cell_w,
        "cell_h": cell_h,
        "columns": [{"name": name, "x": left + i * cell_w + cell_w / 2, "lines": _wrap(name.replace("_", " "), 13)} for i, name in enumerate(columns)],
        "rows": [{"name": name, "y": top + i * cell_h + cell_h / 2} for i, (name, _) in enumerate(rows)],
        "cells": cells,
    }


def _wrap(text: str, width: int) -> list[str]:
    """Words on lines of at most `width` characters (a longer word gets its own line), at most 3."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines[:3] or [""]


def sparkline(values: Sequence[float | None], width: int = 64, height: int = 18, low: float = 0.0, high: float = 100.0) -> dict | None:
    """A polyline over the present values on a fixed scale; None with fewer than two values."""
    present = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(present) < 2:
        return None
    n = max(len(values) - 1, 1)
    span = (high - low) or 1.0

    def point(i: int, v: float) -> str:
        x = 2 + (width - 4) * i / n
        y = height - 2 - (height - 4) * (min(max(v, low), high) - low) / span
        return f"{x:.1f},{y:.1f}"

    last_i, last_v = present[-1]
    last = point(last_i, last_v).split(",")
    return {"width": width, "height": height, "points": " ".join(point(i, v) for i, v in present), "last_x": last[0], "last_y": last[1]}
