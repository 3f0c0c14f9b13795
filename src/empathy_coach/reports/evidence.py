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

from typing import Any, Literal, NamedTuple, Sequence

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
    credit = [False] * n
    cost = [False] * n
    reasons: list[list[str] | None] = [None] * n

    def mark(start: int, end: int, earned: bool, why: str) -> None:
        for i in range(max(start, 0), min(end, n)):
            if earned:
                credit[i] = True
            else:
                cost[i] = True
            bucket = reasons[i]
            if bucket is None:
                reasons[i] = [why]
            elif why not in bucket:
                bucket.append(why)

    for rule in rules:
        spans = getattr(rule, "spans", None) or ()
        if not spans:
            continue
        earned = (getattr(rule, "points", 0.0) or 0.0) > 0
        why = f"{rule.id}: {_points(rule.points)} of {_points(rule.max_points)} points"
        for span in spans:
            mark(span.start, span.end, earned, why)
    for finding in roadblocks:
        mark(finding.start, finding.end, False, f"roadblock: {finding.kind}")

    def effect(i: int) -> Effect | None:
        if credit[i] and cost[i]:
            return "both"
        if credit[i]:
            return "credit"
        if cost[i]:
            return "cost"
        return None

    out: list[Segment] = []
    start = 0
    for i in range(1, n + 1):
        if i == n or effect(i) != effect(start) or reasons[i] != reasons[start]:
            out.append(Segment(reply[start:i], effect(start), tuple(reasons[start] or ())))
            start = i
    return out
