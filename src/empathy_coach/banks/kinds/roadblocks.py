"""The `roadblocks` rule kind: none of Gordon's twelve roadblocks to listening."""

from __future__ import annotations

from typing import ClassVar

from msgspec import field

from empathy_coach.banks.fields import NonEmptyStr
from empathy_coach.banks.kinds.base import RuleBase
from empathy_coach.banks.kinds.context import Outcome, ReplyContext, quote
from empathy_coach.codes import Roadblock


class RoadblocksRule(RuleBase, tag="roadblocks"):
    """The reply uses none of Gordon's roadblocks (ordering, warning, advising, persuading,
    moralizing, disagreeing, judging, praising, reassuring, interpreting, questioning, withdrawing),
    found with a `roadblocks` lexicon and the reply's coded acts.

    `only` checks just the roadblocks listed; `ignore` leaves some out. Every `roadblocks` rule of a
    rubric reads the same lexicon.

    Passes:

    ```yaml
    client: My mum keeps telling me how to raise my kids.
    reply: Her advice feels like a judgement on you as a parent.
    rules:
      - {id: no-roadblocks, kind: roadblocks}
    ```

    Fails:

    ```yaml
    client: My mum keeps telling me how to raise my kids.
    reply: You should tell her to back off.
    rules:
      - {id: no-roadblocks, kind: roadblocks}
    ```
    """

    LEXICON_ROLE: ClassVar[str | None] = "roadblocks"
    lexicon: str = "roadblocks"
    only: list[Roadblock] = field(default_factory=list)
    ignore: list[Roadblock] = field(default_factory=list)
    # Questions welcome after a reflection (see StatementRule): not counted as the questioning roadblock.
    welcome_questions: list[NonEmptyStr] = field(default_factory=list)


RULE = RoadblocksRule


def evaluate(rule: RoadblocksRule, ctx: ReplyContext) -> Outcome:
    found = [r for r in ctx.roadblocks if (not rule.only or r[0] in rule.only) and r[0] not in rule.ignore]
    if rule.welcome_questions:
        welcome = ctx.welcome_questions(rule.welcome_questions)
        found = [r for r in found if not (r[0] == "questioning" and any(a.start <= r[1] < a.end for a in welcome))]
    if not found:
        return Outcome(1.0, True, [], {}, "no roadblocks")
    kinds = list(dict.fromkeys(kind for kind, _, _ in found))
    spans = sorted({(a, b) for _, a, b in found})
    values = {"roadblocks": ", ".join(kinds), "found": quote(ctx, spans)}
    return Outcome(0.0, False, spans, values, f"{', '.join(kinds)}: {quote(ctx, spans)}")
