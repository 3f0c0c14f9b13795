"""How a `focus` rule scores a reply (its parameters and documentation: empathy_coach.banks.kinds.focus)."""

from __future__ import annotations

from empathy_coach.banks import kinds
from empathy_coach.scoring.rules import (
    Context,
    Outcome,
    match_spans,
    quote,
)

KIND = "focus"


_FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})
_SECOND_PERSON = frozenset({"you", "your", "yours", "yourself"})


def evaluate_focus(rule: kinds.FocusRule, ctx: Context) -> Outcome:
    markers = ctx.markers(rule)
    hits = [x for x in markers.find(ctx.reply, {"self_focus"})]
    spans = match_spans(hits)
    first = [t for t in ctx.reply.tokens if t.word and t.text in _FIRST_PERSON]
    second = sum(1 for t in ctx.reply.tokens if t.word and t.text in _SECOND_PERSON)
    reflective_i = {x.first for x in markers.find(ctx.reply, {"reflective_openers", "nonverbal_markers", "tentative"})}
    plain_first = [t for t in first if ctx.reply.tokens.index(t) not in reflective_i] if first else []
    if not spans and len(plain_first) > max(2, second):
        spans = [(t.start, t.end) for t in plain_first]
    values = {"found": quote(ctx, spans)}
    if spans:
        return Outcome(0.0, False, spans, values, f"about the counsellor: {quote(ctx, spans)}")
    return Outcome(1.0, True, [], values, "stays with the client")


evaluate = evaluate_focus
