"""How a `all_of` rule scores a reply (its parameters and documentation: empathy_coach.banks.kinds.all_of)."""

from __future__ import annotations

from empathy_coach.banks import kinds
from empathy_coach.scoring.rules import (
    Context,
    Outcome,
    children_outcomes,
)

KIND = "all_of"
COMPOSITION = True  # runs after the rules it combines


def evaluate_all_of(rule: kinds.AllOfRule, ctx: Context) -> Outcome | None:
    children = children_outcomes(rule, ctx)
    if not children:
        return None
    passed = all(c.passed for c in children)
    fraction = sum(c.fraction for c in children) / len(children)
    spans = sorted({s for c in children for s in c.spans})
    failing = [r for r in rule.rules if r in ctx.results and not ctx.results[r].passed]
    return Outcome(fraction, passed, spans, {"failed": ", ".join(failing)}, "all parts met" if passed else f"not met: {', '.join(failing)}")


evaluate = evaluate_all_of
