"""How a `nonverbal` rule scores a reply (its parameters and documentation: empathy_coach.banks.kinds.nonverbal)."""

from __future__ import annotations

from empathy_coach.banks import kinds
from empathy_coach.scoring.rules import (
    Context,
    Outcome,
    match_spans,
    quote,
)
from empathy_coach.scoring.text import STOPWORDS, phrase_tokens, stem

KIND = "nonverbal"


def evaluate_nonverbal(rule: kinds.NonverbalRule, ctx: Context) -> Outcome | None:
    if ctx.turn is None or not ctx.turn.nonverbal:
        return None
    cache = ctx.compiled.setdefault("nonverbal", {})
    cue: set[str] | None = cache.get(ctx.turn.nonverbal)
    if cue is None:
        cue = cache[ctx.turn.nonverbal] = {stem(w) for w in phrase_tokens(ctx.turn.nonverbal) if w not in STOPWORDS and len(w) > 2}
    markers = match_spans(ctx.markers(rule).find(ctx.reply, {"nonverbal_markers"}))
    cue_words = [(t.start, t.end) for t in ctx.reply.tokens if t.word and t.stem in cue]
    spans = sorted(set(markers + cue_words))
    values = {"cue": ctx.turn.nonverbal}
    if spans:
        return Outcome(1.0, True, spans, values, f"notices the cue: {quote(ctx, spans)}")
    return Outcome(0.0, False, [], values, "the non-verbal cue goes unmentioned")


evaluate = evaluate_nonverbal
