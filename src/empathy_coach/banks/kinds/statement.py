"""The `statement` rule kind: the reply is a statement, not a question."""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import field

from empathy_coach.banks.fields import NonEmptyStr
from empathy_coach.banks.kinds.base import RuleBase
from empathy_coach.banks.kinds.context import Act, Outcome, ReplyContext, quote
from empathy_coach.codes import QUESTIONS, REFLECTIONS


class StatementRule(RuleBase, tag="statement"):
    """The reply reflects with a statement instead of asking: its primary act (the one the client
    will answer) is not a question.

    `allow_checking_question` lets a short checking question follow a reflection ("..., is that
    it?"); `require_reflection` passes only a reflection, not advice or information stated;
    `welcome_questions` names questions that belong to the target (a safety rubric's direct
    question after a reflection).

    Passes:

    ```yaml
    client: I don't know if I can face going back to work.
    reply: Going back feels like too much right now.
    rules:
      - {id: is-a-statement, kind: statement}
    ```

    Fails:

    ```yaml
    client: I don't know if I can face going back to work.
    reply: Why don't you want to go back?
    rules:
      - {id: is-a-statement, kind: statement}
    ```
    """

    allow_checking_question: bool = True
    require_reflection: bool = False  # only a reflection passes, not advice or information stated
    # A question naming one of these (after a reflection, with no negation leading to it) is part of the
    # target, not a question instead of reflecting: "..., I wonder if you're having thoughts of ending your life?"
    welcome_questions: list[NonEmptyStr] = field(default_factory=list)


RULE = StatementRule


def evaluate(rule: StatementRule, ctx: ReplyContext) -> Outcome:
    acts = ctx.coding.acts
    primary = ctx.coding.behaviour
    welcome = ctx.welcome_questions(rule.welcome_questions)
    if welcome:
        # Judge the reply as the statement it makes before (and around) the welcome question.
        acts = [a for a in acts if a not in welcome]
        primary = ctx.primary(acts)
        outcome = _statement(rule, ctx, acts, primary)
        if outcome.passed:
            asked = [(a.start, a.end) for a in welcome]
            outcome.detail = f"a reflection, then a direct question: {quote(ctx, asked, 1)}"
        return outcome
    return _statement(rule, ctx, acts, primary)


def _statement(rule: StatementRule, ctx: ReplyContext, acts: Sequence[Act], primary: str) -> Outcome:
    question_acts = [a for a in acts if a.code in QUESTIONS]
    checking = [a for a in acts if a.code in REFLECTIONS and ctx.reply.original[a.start : a.end].rstrip().endswith("?")]
    spans = [(a.start, a.end) for a in question_acts]
    if primary in QUESTIONS or (question_acts and question_acts[-1] is acts[-1]):
        return Outcome(0.0, False, spans, {"question": quote(ctx, spans, 1), "behaviour": "a question "}, "ends with a question")
    if checking and not rule.allow_checking_question:
        spans = [(a.start, a.end) for a in checking]
        return Outcome(0.0, False, spans, {"question": quote(ctx, spans, 1)}, "a reflection asked as a question")
    if rule.require_reflection and primary not in REFLECTIONS:
        label = primary.replace("_", " ")
        last = [(acts[-1].start, acts[-1].end)] if acts else []
        return Outcome(0.0, False, last, {"question": "", "behaviour": label}, f"a statement, but {label} rather than a reflection")
    if question_acts:
        return Outcome(0.5, True, spans, {"question": quote(ctx, spans, 1)}, "a statement, with a question along the way")
    detail = "a statement that checks understanding" if checking else "a statement, not a question"
    return Outcome(1.0, True, [], {}, detail)
