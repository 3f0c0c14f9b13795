"""The `any_of` rule kind: at least one rule it names passes."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, field

from empathy_coach.banks.fields import Identifier
from empathy_coach.banks.kinds.base import RuleBase


class AnyOfRule(RuleBase, tag="any_of"):
    """Passes when any rule it names (that applies) passes; its share is the best of theirs.

    Passes:

    ```yaml
    client: My brother never calls me back.
    reply: It sounds like you feel forgotten by him.
    rules:
      - {id: either, kind: any_of, rules: [tentative, names-feeling]}
      - {id: tentative, kind: pattern, phrases: [it sounds like], weight: 0}
      - {id: names-feeling, kind: feeling, weight: 0}
    ```

    Fails:

    ```yaml
    client: My brother never calls me back.
    reply: Call him again tomorrow.
    rules:
      - {id: either, kind: any_of, rules: [tentative, names-feeling]}
      - {id: tentative, kind: pattern, phrases: [it sounds like], weight: 0}
      - {id: names-feeling, kind: feeling, weight: 0}
    ```
    """

    rules: Annotated[list[Identifier], Meta(min_length=1)] = field(default_factory=list)

    def children(self) -> list[str]:
        return list(self.rules)


RULE = AnyOfRule
