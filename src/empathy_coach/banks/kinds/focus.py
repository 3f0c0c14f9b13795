"""The `focus` rule kind: the reply stays with the client, not the counsellor."""

from __future__ import annotations

from typing import ClassVar

from empathy_coach.banks.kinds.base import RuleBase
from empathy_coach.banks.kinds.context import Outcome, ReplyContext, match_spans, quote


class FocusRule(RuleBase, tag="focus"):
    """The reply is about the client, not about the counsellor: no `self_focus` phrase of a
    `markers` lexicon ("when I was your age", "that reminds me of"), and not more first-person
    words than second-person ones.

    Passes:

    ```yaml
    client: My dog died on Sunday.
    reply: You're missing him terribly.
    rules:
      - {id: stays-with-client, kind: focus}
    ```

    Fails:

    ```yaml
    client: My dog died on Sunday.
    reply: I know how that feels, I lost my dog last year and I cried for weeks.
    rules:
      - {id: stays-with-client, kind: focus}
    ```
    """

    LEXICON_ROLE: ClassVar[str | None] = "markers"
    lexicon: str = "markers"


RULE = FocusRule


_FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})
_SECOND_PERSON = frozenset({"you", "your", "yours", "yourself"})


def evaluate(rule: FocusRule, ctx: ReplyContext) -> Outcome:
    markers = ctx.markers(rule)
    hits = [x for x in markers.find(ctx.reply, {"self_focus"})]
    spans = match_spans(hits)
    first = [t for t in ctx.reply.tokens if t.word and t.text in _FIRST_PERSON]
    second = sum(1 for t in ctx.reply.tokens if t.word and t.text in _SECOND_PERSON)
    reflective_i = {x.first for x in markers.find(ctx.reply, {"reflective_openers", "nonverbal_markers", "tentative"})}
    plain_first = [t for t in first if ctx.reply.tokens.index(t) not in reflective_i] if first else []
    if not spans and len(plain_first) > max(2, second):
        spans = [(t.start, t.end) for t in plain_first]
    values = {"found": quote(ctx, spans)}
    if spans:
        return Outcome(0.0, False, spans, values, f"about the counsellor: {quote(ctx, spans)}")
    return Outcome(1.0, True, [], values, "stays with the client")
