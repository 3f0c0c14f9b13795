"""The `double_sided` rule kind: the reply holds both sides of the client's ambivalence."""

from __future__ import annotations

from typing import ClassVar

from empathy_coach.banks.kinds.base import RuleBase
from empathy_coach.banks.kinds.context import Outcome, Phrases, ReplyContext


class DoubleSidedRule(RuleBase, tag="double_sided"):
    """The reply gives back both sides of the turn's `sides` (the two things the client wants),
    joined so that neither cancels the other ("and at the same time", not "but"). A reply that
    holds two sides by its structure (`two_sides` frames of a `markers` lexicon) earns part credit.
    Without `sides` on the turn the rule does not apply.

    Passes:

    ```yaml
    turn:
      client: I want to quit drinking, but it's the only thing that helps me relax.
      sides: [quit drinking, helps you relax]
    reply: Part of you wants to quit drinking, and at the same time it helps you relax.
    rules:
      - {id: holds-both-sides, kind: double_sided}
    ```

    Fails:

    ```yaml
    turn:
      client: I want to quit drinking, but it's the only thing that helps me relax.
      sides: [quit drinking, helps you relax]
    reply: You want to quit drinking.
    rules:
      - {id: holds-both-sides, kind: double_sided}
    ```
    """

    LEXICON_ROLE: ClassVar[str | None] = "markers"
    lexicon: str = "markers"
    related: str = ""  # a lexicon of related words, as for `content`


RULE = DoubleSidedRule


_TWO_SIDES = frozenset({"two_sides"})


def _two_sided_frame(ctx: ReplyContext, markers: Phrases) -> tuple[int, int] | None:
    """A frame that holds two sides by its structure, with the reply's own words on both sides of it:
    'on one hand... and yet', 'part of you... another part', 'and at the same time', 'but also'."""
    frames = markers.find(ctx.reply, _TWO_SIDES)
    if not frames:
        return None
    words = [i for i, t in enumerate(ctx.reply.tokens) if t.word and t.text not in ctx.stopwords and len(t.text) > 2]
    for frame in frames:
        if any(i < frame.first for i in words) and any(i >= frame.last for i in words):
            return (frame.start, frame.end)
    return None


def evaluate(rule: DoubleSidedRule, ctx: ReplyContext) -> Outcome | None:
    """Both sides of the client's ambivalence in one reply: the turn's two sides given back (by their words
    or words related in meaning), or two sides held by structure ('part of you... and another part')."""
    if ctx.turn is None or len(ctx.turn.sides) < 2:
        return None
    sides = ctx.turn.side_points()[:2]
    found = [ctx.covering_spans(side, rule.related) for side in sides]
    if found[0] and found[1] and (set(found[1]) <= set(found[0]) or set(found[0]) <= set(found[1])):
        # The same words cannot carry both sides ("drinking" is related to "pub", but it says one thing).
        found[1 if set(found[1]) <= set(found[0]) else 0] = []
    spans = sorted({s for f in found for s in f})
    values = {"first": sides[0].text, "second": sides[1].text}
    missing = [side.text for side, f in zip(sides, found, strict=False) if not f]
    frame = _two_sided_frame(ctx, ctx.markers(rule))
    if frame is not None and len(missing) < 2:
        cancels = []
    elif missing:
        values["missing"] = "; ".join(missing)
        if frame is not None:
            return Outcome(0.75, True, [frame], values, f"holds two sides by its structure ('{ctx.span_text(*frame)}'), though neither is the client's")
        return Outcome(0.5 if len(missing) == 1 else 0.0, False, spans, values, "only one side" if len(missing) == 1 else "neither side")
    else:
        first_end = min(f[0][1] for f in found)
        second_start = max(f[0][0] for f in found)
        cancels = [x for x in ctx.markers(rule).find(ctx.reply, {"cancelling_joins"}) if first_end <= x.start <= second_start]
    if cancels:
        span = (cancels[0].start, cancels[0].end)
        values["join"] = ctx.span_text(*span)
        return Outcome(0.6, False, spans + [span], values, f"'{ctx.span_text(*span)}' cancels the first side")
    if frame is not None and missing:
        return Outcome(1.0, True, sorted(set(spans + [frame])), values, f"holds both sides: '{ctx.span_text(*frame)}'")
    return Outcome(1.0, True, sorted(set(spans + ([frame] if frame else []))), values, "holds both sides")
