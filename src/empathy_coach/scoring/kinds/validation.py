"""How a `validation` rule scores a reply (its parameters and documentation: empathy_coach.banks.kinds.validation)."""

from __future__ import annotations

from empathy_coach.banks import kinds
from empathy_coach.scoring.rules import (
    Context,
    Outcome,
    match_spans,
    quote,
)

KIND = "validation"


def evaluate_validation(rule: kinds.ValidationRule, ctx: Context) -> Outcome:
    markers = ctx.markers(rule)
    dismissing = match_spans(markers.find(ctx.reply, {"dismissing"}))
    validating = match_spans(markers.find(ctx.reply, {"validation"}))
    values = {"found": quote(ctx, dismissing or validating)}
    if dismissing:
        return Outcome(0.0, False, dismissing, values, f"dismisses the feeling: {quote(ctx, dismissing)}")
    if validating:
        return Outcome(1.0, True, validating, values, f"validates: {quote(ctx, validating)}")
    if rule.require:
        return Outcome(0.0, False, [], values, "does not validate the feeling")
    return Outcome(1.0, True, [], values, "does not dismiss the feeling")


evaluate = evaluate_validation
