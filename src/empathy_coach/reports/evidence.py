"""Which words of a reply did what for its score: the evidence of every rule, merged by character.

A rule's spans are its evidence. Whether they helped or hurt is told by the points, not by the
rule's verdict: a content rule that "carries 1 of 2 points" fails, yet the words it found earned
that point. So a span is

- **credited** when its rule earned points (`points > 0`), whether or not the rule passed;
- **costly** when its rule earned nothing, and every roadblock's words are costly;
- **both** when one rule credited the words and another took points for them (for example a
  content point that was also copied verbatim).

Pure functions over `ScoreResult`-like objects (rules with `points`, `spans`; roadblocks with
`start`, `end`): no I/O, no markup. Each renderer styles the segments its own way, and never by
colour alone (the HTML adds an underline style and a title naming the rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any, Literal, NamedTuple

Effect = Literal["credit", "cost", "both"]

EFFECT_WORDS = {
    "credit": "earned points",
    "cost": "cost points",
    "both": "earned points for one rule and cost points for another",
}


class Segment(NamedTuple):
    text: str
    effect: Effect | None  # None: no rule used these characters
    reasons: tuple[str, ...]  # "gives-back-content: +3 of 3", "roadblock: advising"...


def _points(value: float) -> str:
    return f"{value:g}"


def segments(reply: str, rules: Sequence[Any], roadblocks: Sequence[Any] = ()) -> list[Segment]:
    """The reply cut into runs of characters that share one effect and the same reasons."""
    n = len(reply)
    marks: list[tuple[int, int, bool, str]] = []  # (start, end, earned, why), clipped to the reply
    for rule in rules:
        spans = getattr(rule, "spans", None) or ()
        if not spans:
            continue
        earned = (getattr(rule, "points", 0.0) or 0.0) > 0
        why = f"{rule.id}: {_points(rule.points)} of {_points(rule.max_points)} points"
        for span in spans:
            start, end = max(span.start, 0), min(span.end, n)
            if start < end:
                marks.append((start, end, earned, why))
    for finding in roadblocks:
        start, end = max(finding.start, 0), min(finding.end, n)
        if start < end:
            marks.append((start, end, False, f"roadblock: {finding.kind}"))
    if not marks:
        return [Segment(reply, None, ())] if reply else []
    cuts = sorted({0, n, *(m[0] for m in marks), *(m[1] for m in marks)})
    out: list[Segment] = []
    for start, end in pairwise(cuts):
        covering = [m for m in marks if m[0] <= start and end <= m[1]]
        credit = any(m[2] for m in covering)
        cost = any(not m[2] for m in covering)
        effect: Effect | None = "both" if credit and cost else "credit" if credit else "cost" if cost else None
        reasons = tuple(dict.fromkeys(m[3] for m in covering))
        if out and out[-1].effect == effect and out[-1].reasons == reasons:
            out[-1] = Segment(out[-1].text + reply[start:end], effect, reasons)
        else:
            out.append(Segment(reply[start:end], effect, reasons))
    return out
