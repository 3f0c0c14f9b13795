"""A CSV gradebook: one row per student (or file), ready to import into a spreadsheet.

A cell that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage
return) gets a leading apostrophe: a student named "=HYPERLINK(...)" stays text. Control
characters in a cell are written as visible `\\xNN` text.
"""

from __future__ import annotations

import csv
import io

from empathy_coach.literal import printable

COLUMNS = ("student", "file", "answers", "passed", "errors", "mean_score", "pass_rate", "rq_ratio", "percent_complex", "met_threshold")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    if isinstance(value, str):
        if text.startswith(_FORMULA_START):
            text = "'" + text
        # Control characters made visible (a line break too: one row per student or file).
        text = printable(text).replace("\n", "\\x0a")
    return text


def render(groups) -> str:
    """`groups`: GroupSummary objects, in order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for g in groups:
        writer.writerow(
            [
                safe_cell(g.name),
                safe_cell(g.file),
                safe_cell(g.records),
                safe_cell(g.passed),
                safe_cell(g.errors),
                safe_cell(g.mean_score),
                safe_cell(g.pass_rate),
                safe_cell(g.metrics.rq_ratio),
                safe_cell(g.metrics.percent_complex),
                safe_cell(g.met_threshold),
            ]
        )
    return buffer.getvalue()
