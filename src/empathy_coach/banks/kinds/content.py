"""The `content` rule kind: the reply gives back what the client said."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from msgspec import Meta

from empathy_coach.banks.kinds.base import RuleBase
from empathy_coach.banks.kinds.context import Outcome, ReplyContext

if TYPE_CHECKING:
    from empathy_coach.banks.models import ContentPoint


class ContentRule(RuleBase, tag="content"):
    """The reply carries the key points of what the client said: the turn's `content` points
    (with their synonyms), or (without a scenario) the content words of the client's statement.

    The score is the share of points carried; the rule passes at `min_coverage`. `related` names a
    lexicon of groups of related words (job ~ work): a reply's word in the same group as a content
    word carries it.

    Passes:

    ```yaml
    client: My boss keeps piling work on me and I never get home before nine.
    reply: Your boss keeps adding work, and the late nights are wearing you down.
    rules:
      - {id: gives-back-content, kind: content, min_coverage: 0.3}
    ```

    Fails:

    ```yaml
    client: My boss keeps piling work on me and I never get home before nine.
    reply: That sounds hard.
    rules:
      - {id: gives-back-content, kind: content, min_coverage: 0.3}
    ```
    """

    min_coverage: Annotated[float, Meta(ge=0, le=1)] = 0.5
    # A lexicon of groups of words related in meaning (job ~ work, mum ~ mother): a reply's word
    # in the same group as a content word carries it. Empty: spelling (word stems) and synonyms only.
    related: str = ""


RULE = ContentRule


def _points_of(ctx: ReplyContext) -> list[ContentPoint]:
    if ctx.turn is not None and ctx.turn.content:
        return ctx.turn.content_points()
    if ctx.client is None:
        return []
    # Without a scenario, the client's own content words are the points to give back.
    points = ctx.client.memo.get("content points")
    if points is None:
        from empathy_coach.banks.models import ContentPoint  # the models import the kinds

        seen: dict[str, str] = {}
        for token in ctx.client.tokens:
            # Three letters are enough for a word that matters (job, mum, dad, son, pub).
            if token.word and token.text not in ctx.stopwords and len(token.text) > 2 and token.stem not in seen:
                seen[token.stem] = token.text
        points = ctx.client.memo["content points"] = [ContentPoint(text=word) for word in list(seen.values())[:8]]
    return points


def evaluate(rule: ContentRule, ctx: ReplyContext) -> Outcome | None:
    points = _points_of(ctx)
    if not points:
        return None
    covered: list[str] = []
    missing: list[str] = []
    spans: list[tuple[int, int]] = []
    for point in points:
        found = ctx.covering_spans(point, rule.related)
        (covered if found else missing).append(point.text)
        spans.extend(found)
    coverage = len(covered) / len(points)
    # Partial coverage earns partial points: the share of the points carried, no more.
    fraction = coverage
    passed = coverage >= rule.min_coverage
    values = {"missing": "; ".join(missing), "covered": "; ".join(covered), "coverage": f"{coverage:.0%}"}
    # The points shown are the points stored: the share carried times the rule's weight.
    detail = (f"gives back {len(covered)} of {len(points)} of what the client said, {_points(fraction * rule.weight)} of {_points(rule.weight)} points"
              + (f": {'; '.join(covered)}" if covered else ""))
    return Outcome(fraction, passed, sorted(set(spans)), values, detail)


def _points(value: float) -> str:
    return f"{round(value, 2):g}"
