"""The `length` rule kind: the reply is neither too short nor a monologue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from msgspec import Meta

from empathy_coach.banks.kinds.base import RuleBase, RuleProblem


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
