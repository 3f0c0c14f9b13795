"""How a `content` rule scores a reply (its parameters and documentation: empathy_coach.banks.kinds.content)."""

from __future__ import annotations

from empathy_coach.banks import kinds
from empathy_coach.banks import models as m
from empathy_coach.scoring.rules import Context, Outcome, covering_spans
from empathy_coach.scoring.text import STOPWORDS

KIND = "content"


def _points_of(ctx: Context) -> list[m.ContentPoint]:
    if ctx.turn is not None and ctx.turn.content:
        return ctx.turn.content_points()
    if ctx.client is None:
        return []
    # Without a scenario, the client's own content words are the points to give back.
    points = ctx.client.memo.get("content points")
    if points is None:
        seen: dict[str, str] = {}
        for token in ctx.client.tokens:
            # Three letters are enough for a word that matters (job, mum, dad, son, pub).
            if token.word and token.text not in STOPWORDS and len(token.text) > 2 and token.stem not in seen:
                seen[token.stem] = token.text
        points = ctx.client.memo["content points"] = [m.ContentPoint(text=word) for word in list(seen.values())[:8]]
    return points


def evaluate_content(rule: kinds.ContentRule, ctx: Context) -> Outcome | None:
    points = _points_of(ctx)
    if not points:
        return None
    cache = ctx.compiled.setdefault("content", {})
    related = ctx.related.get(rule.related) if rule.related else None
    covered: list[str] = []
    missing: list[str] = []
    spans: list[tuple[int, int]] = []
    for point in points:
        found = covering_spans(point, ctx.reply, cache, related)
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


evaluate = evaluate_content
