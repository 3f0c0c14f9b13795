"""The `any_of` rule kind: at least one rule it names passes."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, field

from empathy_coach.banks.fields import Identifier
from empathy_coach.banks.kinds.base import RuleBase
from empathy_coach.banks.kinds.context import Outcome, ReplyContext, children_outcomes


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


COMPOSITION = True  # runs after the rules it combines


def evaluate(rule: AnyOfRule, ctx: ReplyContext) -> Outcome | None:
    children = children_outcomes(rule, ctx)
    if not children:
        return None
    passed = any(c.passed for c in children)
    fraction = max(c.fraction for c in children)
    spans = sorted({s for c in children if c.passed for s in c.spans})
    met = [r for r in rule.rules if r in ctx.results and ctx.results[r].passed]
    return Outcome(fraction, passed, spans, {"met": ", ".join(met)}, f"met by {', '.join(met)}" if met else "none met")
