"""The `all_of` rule kind: every rule it names passes."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, field

from empathy_coach.banks.fields import Identifier
from empathy_coach.banks.kinds.base import RuleBase
from empathy_coach.banks.kinds.context import Outcome, ReplyContext, children_outcomes


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


COMPOSITION = True  # runs after the rules it combines


def evaluate(rule: AllOfRule, ctx: ReplyContext) -> Outcome | None:
    children = children_outcomes(rule, ctx)
    if not children:
        return None
    passed = all(c.passed for c in children)
    fraction = sum(c.fraction for c in children) / len(children)
    spans = sorted({s for c in children for s in c.spans})
    failing = [r for r in rule.rules if r in ctx.results and not ctx.results[r].passed]
    return Outcome(fraction, passed, spans, {"failed": ", ".join(failing)}, "all parts met" if passed else f"not met: {', '.join(failing)}")
