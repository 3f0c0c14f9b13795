"""The `nonverbal` rule kind: the reply notices what the client shows without words."""

from __future__ import annotations

from typing import ClassVar

from empathy_coach.banks.kinds.base import RuleBase
from empathy_coach.banks.kinds.context import Outcome, ReplyContext, match_spans, quote


class NonverbalRule(RuleBase, tag="nonverbal"):
    """The reply notices the turn's `nonverbal` cue: a `nonverbal_markers` phrase of a `markers`
    lexicon ("I notice", "I can see"), or a word of the cue itself. Without a cue on the turn the
    rule does not apply.

    Passes:

    ```yaml
    turn:
      client: It's fine, really.
      nonverbal: looks down, voice shaking
    reply: I notice your voice is shaking as you say that.
    rules:
      - {id: notices-cue, kind: nonverbal}
    ```

    Fails:

    ```yaml
    turn:
      client: It's fine, really.
      nonverbal: looks down, voice shaking
    reply: Okay, so it's fine.
    rules:
      - {id: notices-cue, kind: nonverbal}
    ```
    """

    LEXICON_ROLE: ClassVar[str | None] = "markers"
    lexicon: str = "markers"


RULE = NonverbalRule


def evaluate(rule: NonverbalRule, ctx: ReplyContext) -> Outcome | None:
    if ctx.turn is None or not ctx.turn.nonverbal:
        return None
    cache = ctx.compiled.setdefault("nonverbal", {})
    cue: set[str] | None = cache.get(ctx.turn.nonverbal)
    if cue is None:
        cue = cache[ctx.turn.nonverbal] = {ctx.stem(w) for w in ctx.words(ctx.turn.nonverbal) if w not in ctx.stopwords and len(w) > 2}
    markers = match_spans(ctx.markers(rule).find(ctx.reply, {"nonverbal_markers"}))
    cue_words = [(t.start, t.end) for t in ctx.reply.tokens if t.word and t.stem in cue]
    spans = sorted(set(markers + cue_words))
    values = {"cue": ctx.turn.nonverbal}
    if spans:
        return Outcome(1.0, True, spans, values, f"notices the cue: {quote(ctx, spans)}")
    return Outcome(0.0, False, [], values, "the non-verbal cue goes unmentioned")
