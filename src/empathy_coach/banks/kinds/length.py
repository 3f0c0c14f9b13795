"""The `length` rule kind: the reply is neither too short nor a monologue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from msgspec import Meta

from empathy_coach.banks.kinds.base import RuleBase, RuleProblem
from empathy_coach.banks.kinds.context import Outcome, ReplyContext


class LengthRule(RuleBase, tag="length"):
    """The reply's length in words stays within `min_words` and `max_words`, and (with
    `max_ratio`) at most that many times the client's statement.

    Passes:

    ```yaml
    client: I can't sleep since the accident.
    reply: The accident keeps you awake at night.
    rules:
      - {id: concise, kind: length, min_words: 3, max_words: 30}
    ```

    Fails:

    ```yaml
    client: I can't sleep since the accident.
    reply: Awful.
    rules:
      - {id: concise, kind: length, min_words: 3, max_words: 30}
    ```
    """

    min_words: Annotated[int, Meta(ge=0)] | None = None
    max_words: Annotated[int, Meta(ge=1)] | None = None
    max_ratio: Annotated[float, Meta(gt=0)] | None = None

    def problems(self) -> Iterator[RuleProblem]:
        if self.min_words is not None and self.max_words is not None and self.min_words > self.max_words:
            yield (), f"min_words {self.min_words} is above max_words {self.max_words}", "schema"


RULE = LengthRule


def evaluate(rule: LengthRule, ctx: ReplyContext) -> Outcome:
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
