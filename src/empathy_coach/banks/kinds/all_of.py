"""The `all_of` rule kind: every rule it names passes."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, field

from empathy_coach.banks.fields import Identifier
from empathy_coach.banks.kinds.base import RuleBase


class AllOfRule(RuleBase, tag="all_of"):
    """Passes when every rule it names (that applies) passes; its share is the mean of theirs.
    The named rules score on their own as well; give them `weight: 0` to count them only here.

    Passes:

    ```yaml
    client: I failed my driving test again.
    reply: You're gutted to have failed it again.
    rules:
      - {id: both, kind: all_of, rules: [is-a-statement, no-roadblocks]}
      - {id: is-a-statement, kind: statement, weight: 0}
      - {id: no-roadblocks, kind: roadblocks, weight: 0}
    ```

    Fails:

    ```yaml
    client: I failed my driving test again.
    reply: Have you thought about more lessons?
    rules:
      - {id: both, kind: all_of, rules: [is-a-statement, no-roadblocks]}
      - {id: is-a-statement, kind: statement, weight: 0}
      - {id: no-roadblocks, kind: roadblocks, weight: 0}
    ```
    """

    rules: Annotated[list[Identifier], Meta(min_length=1)] = field(default_factory=list)

    def children(self) -> list[str]:
        return list(self.rules)


RULE = AllOfRule
