"""`explain` as plain text that reads in an 80-column terminal; data text shown literally."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from empathy_coach.literal import printable

if TYPE_CHECKING:
    from empathy_coach.banks.explain import Explained

KIND_WORDS = {"roadblock": "a roadblock (Gordon's twelve)", "code": "a behaviour code (MITI 4.2)", "rule": "a rubric rule"}
KIND_HEADINGS = {"roadblock": "Roadblocks (Gordon's twelve)", "code": "Behaviour codes (MITI 4.2)", "rule": "Rubric rules"}
WIDTH = 78


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(printable(" ".join(text.split())), WIDTH, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False, break_long_words=False) or [indent]


def explain_lines(item: Explained) -> list[str]:
    e = item.entry
    lines = [f"{item.name}: {printable(e.title)} ({KIND_WORDS[e.kind]})", ""]
    lines += _wrap(e.why)
    lines += [""] + _wrap(f"Client: {e.client}")
    lines += _wrap(f"Good:  {e.good}", "  ")
    lines += _wrap(f"Poor:  {e.poor}", "  ")
    if e.see:
        lines += [""] + _wrap("See also: " + ", ".join(printable(n) for n in e.see) + " (empathy-coach explain NAME)")
    return lines


def names_lines(found: dict[str, list[str]]) -> list[str]:
    lines = []
    for kind, names in found.items():
        lines.append(f"{KIND_HEADINGS[kind]}:")
        lines += _wrap(", ".join(names), "  ")
    return lines
