"""How a `length` rule scores a reply (its parameters and documentation: empathy_coach.banks.kinds.length)."""

from __future__ import annotations

from empathy_coach.banks import kinds
from empathy_coach.scoring.rules import (
    Context,
    Outcome,
)

KIND = "length"


def evaluate_length(rule: kinds.LengthRule, ctx: Context) -> Outcome:
    words = ctx.reply.word_count()
    values = {"words": str(words)}
    too_short = rule.min_words is not None and words < rule.min_words
    limit = rule.max_words
    if rule.max_ratio is not None and ctx.client is not None:
        relative = int(rule.max_ratio * max(ctx.client.word_count(), 10))
        limit = relative if limit is None else min(limit, relative)
    too_long = limit is not None and words > limit
    values["limit"] = str(limit) if limit is not None else ""
    values["min"] = str(rule.min_words or 0)
    if too_short:
        return Outcome(0.0, False, [], values, f"{words} words: too short")
    if too_long:
        spans = [(ctx.reply.tokens[0].start, len(ctx.reply.original))] if ctx.reply.tokens else []
        return Outcome(0.0, False, spans, values, f"{words} words: longer than {limit}")
    return Outcome(1.0, True, [], values, f"{words} words")


evaluate = evaluate_length
