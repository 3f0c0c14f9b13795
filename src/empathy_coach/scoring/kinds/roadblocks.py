"""How a `roadblocks` rule scores a reply (its parameters and documentation: empathy_coach.banks.kinds.roadblocks)."""

from __future__ import annotations

from empathy_coach.banks import kinds
from empathy_coach.scoring.rules import (
    Context,
    Outcome,
    quote,
    welcome_questions,
)

KIND = "roadblocks"


def evaluate_roadblocks(rule: kinds.RoadblocksRule, ctx: Context) -> Outcome:
    found = [r for r in ctx.roadblocks if (not rule.only or r[0] in rule.only) and r[0] not in rule.ignore]
    if rule.welcome_questions:
        welcome = welcome_questions(rule.welcome_questions, ctx)
        found = [r for r in found if not (r[0] == "questioning" and any(a.start <= r[1] < a.end for a in welcome))]
    if not found:
        return Outcome(1.0, True, [], {}, "no roadblocks")
    kinds = list(dict.fromkeys(kind for kind, _, _ in found))
    spans = sorted({(a, b) for _, a, b in found})
    values = {"roadblocks": ", ".join(kinds), "found": quote(ctx, spans)}
    return Outcome(0.0, False, spans, values, f"{', '.join(kinds)}: {quote(ctx, spans)}")


evaluate = evaluate_roadblocks
