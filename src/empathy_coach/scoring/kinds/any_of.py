"""How a `any_of` rule scores a reply (its parameters and documentation: empathy_coach.banks.kinds.any_of)."""

from __future__ import annotations

from empathy_coach.banks import kinds
from empathy_coach.scoring.rules import (
    Context,
    Outcome,
    children_outcomes,
)

KIND = "any_of"
COMPOSITION = True  # runs after the rules it combines


def evaluate_any_of(rule: kinds.AnyOfRule, ctx: Context) -> Outcome | None:
    children = children_outcomes(rule, ctx)
    if not children:
        return None
    passed = any(c.passed for c in children)
    fraction = max(c.fraction for c in children)
    spans = sorted({s for c in children if c.passed for s in c.spans})
    met = [r for r in rule.rules if r in ctx.results and ctx.results[r].passed]
    return Outcome(fraction, passed, spans, {"met": ", ".join(met)}, f"met by {', '.join(met)}" if met else "none met")


evaluate = evaluate_any_of
