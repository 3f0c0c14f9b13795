"""How a `statement` rule scores a reply (its parameters and documentation: empathy_coach.banks.kinds.statement)."""

from __future__ import annotations

from empathy_coach.banks import kinds
from empathy_coach.scoring.coder.model import QUESTIONS, REFLECTIONS, primary_act
from empathy_coach.scoring.rules import (
    Context,
    Outcome,
    quote,
    welcome_questions,
)

KIND = "statement"


def evaluate_statement(rule: kinds.StatementRule, ctx: Context) -> Outcome:
    acts = ctx.coding.acts
    primary = ctx.coding.behaviour
    welcome = welcome_questions(rule.welcome_questions, ctx)
    if welcome:
        # Judge the reply as the statement it makes before (and around) the welcome question.
        acts = [a for a in acts if a not in welcome]
        primary = primary_act(acts).code
        outcome = _statement(rule, ctx, acts, primary)
        if outcome.passed:
            asked = [(a.start, a.end) for a in welcome]
            outcome.detail = f"a reflection, then a direct question: {quote(ctx, asked, 1)}"
        return outcome
    return _statement(rule, ctx, acts, primary)


def _statement(rule: kinds.StatementRule, ctx: Context, acts: list, primary: str) -> Outcome:
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


evaluate = evaluate_statement
