"""How a `feeling` rule scores a reply (its parameters and documentation: empathy_coach.banks.kinds.feeling)."""

from __future__ import annotations

from empathy_coach.banks import kinds
from empathy_coach.scoring.lexicon import EmotionLexicon, EmotionWord
from empathy_coach.scoring.rules import (
    Context,
    Outcome,
    quote,
)
from empathy_coach.scoring.text import phrase_tokens, stem

KIND = "feeling"


def _target_feelings(ctx: Context, lex: EmotionLexicon) -> list[tuple[str, EmotionWord | None]]:
    if ctx.turn is not None and ctx.turn.emotions:
        return [(word, lex.lookup(word)) for word in ctx.turn.emotions]
    if ctx.client is not None:
        return [(entry.word, entry) for match, entry in lex.find(ctx.client) if not match.negated]
    return []


def evaluate_feeling(rule: kinds.FeelingRule, ctx: Context) -> Outcome | None:
    lex = ctx.feelings(rule)
    targets = _target_feelings(ctx, lex)
    if not targets:
        return None
    target_names = ", ".join(dict.fromkeys(word for word, _ in targets))
    named = lex.find(ctx.reply)
    best = 0.0
    best_spans: list[tuple[int, int]] = []
    wrong: list[tuple[int, int]] = []
    negated: list[tuple[int, int]] = []
    target_stems = {stem(w) for word, _ in targets for w in phrase_tokens(word)}
    for match, entry in named:
        if match.negated:
            negated.append((match.start, match.end))
            continue
        credit = 0.0
        for word, target in targets:
            if entry.word == word.lower() or stem(entry.word) in target_stems and len(phrase_tokens(entry.word)) == 1:
                credit = 1.0
                break
            if target is not None and target.family == entry.family:
                distance = abs(target.intensity - entry.intensity)
                credit = max(credit, 1.0 - (1.0 - rule.family_credit) * distance / 2)
        if credit > 0:
            if credit > best:
                best, best_spans = credit, [(match.start, match.end)]
            elif credit == best:
                best_spans.append((match.start, match.end))
        else:
            wrong.append((match.start, match.end))
    if ctx.turn is None:
        wrong = []  # without a scenario, a feeling the client did not say may be the reflection's insight
    fraction = max(0.0, best - 0.2 * len(wrong)) if best else 0.0
    passed = fraction >= 0.75
    values = {"feeling": target_names, "found": quote(ctx, best_spans), "wrong": quote(ctx, wrong)}
    if best_spans:
        detail = f"named {quote(ctx, best_spans)}"
        if best < 1.0:
            detail += f" (close: the client feels {target_names})"
    else:
        detail = "no feeling of the client's named"
    if wrong:
        detail += f"; {quote(ctx, wrong)} is not what the client shows"
    if negated and not best_spans:
        detail += f"; {quote(ctx, negated)} is negated"
    return Outcome(fraction, passed, best_spans + wrong, values, detail)


evaluate = evaluate_feeling
