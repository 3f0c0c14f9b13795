"""The `validation` rule kind: the reply does not dismiss the client's feeling."""

from __future__ import annotations

from typing import ClassVar

from empathy_coach.banks.kinds.base import RuleBase
from empathy_coach.banks.kinds.context import Outcome, ReplyContext, match_spans, quote


class ValidationRule(RuleBase, tag="validation"):
    """The reply does not dismiss the feeling (`dismissing` phrases of a `markers` lexicon: "don't
    worry", "at least"); with `require: true` it must also validate it (`validation` phrases: "it
    makes sense that...").

    Passes:

    ```yaml
    client: I'm scared I'll mess up the interview.
    reply: It makes sense that you're nervous, it matters a lot to you.
    rules:
      - {id: does-not-dismiss, kind: validation}
    ```

    Fails:

    ```yaml
    client: I'm scared I'll mess up the interview.
    reply: At least you got an interview.
    rules:
      - {id: does-not-dismiss, kind: validation}
    ```
    """

    LEXICON_ROLE: ClassVar[str | None] = "markers"
    lexicon: str = "markers"
    require: bool = False


RULE = ValidationRule


def evaluate(rule: ValidationRule, ctx: ReplyContext) -> Outcome:
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
