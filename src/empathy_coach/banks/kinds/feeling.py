"""The `feeling` rule kind: the reply names the client's feeling."""

from __future__ import annotations

from typing import Annotated, ClassVar

from msgspec import Meta

from empathy_coach.banks.kinds.base import RuleBase
from empathy_coach.banks.kinds.context import Feelings, FeelingWord, Outcome, ReplyContext, quote


class FeelingRule(RuleBase, tag="feeling"):
    """The reply names the feeling the client has: the turn's `emotions`, or (without a scenario)
    the feeling words of the client's statement, from an `emotions` lexicon.

    Naming the same word, or a word of the same family at a fitting intensity, earns full credit;
    a word of the same family at another intensity earns `family_credit`. A feeling the client does
    not have, or a negated one ("you're not angry"), earns nothing. Without a feeling to name the
    rule does not apply.

    Passes:

    ```yaml
    client: I'm so worried about the biopsy results.
    reply: You're anxious about what the results will say.
    rules:
      - {id: names-feeling, kind: feeling}
    ```

    Fails:

    ```yaml
    client: I'm so worried about the biopsy results.
    reply: The results come next week.
    rules:
      - {id: names-feeling, kind: feeling}
    ```
    """

    LEXICON_ROLE: ClassVar[str | None] = "emotions"
    lexicon: str = "emotions"
    family_credit: Annotated[float, Meta(ge=0, le=1)] = 0.6


RULE = FeelingRule


def _target_feelings(ctx: ReplyContext, lex: Feelings) -> list[tuple[str, FeelingWord | None]]:
    if ctx.turn is not None and ctx.turn.emotions:
        return [(word, lex.lookup(word)) for word in ctx.turn.emotions]
    if ctx.client is not None:
        return [(entry.word, entry) for match, entry in lex.find(ctx.client) if not match.negated]
    return []


def evaluate(rule: FeelingRule, ctx: ReplyContext) -> Outcome | None:
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
    target_stems = {ctx.stem(w) for word, _ in targets for w in ctx.words(word)}
    for match, entry in named:
        if match.negated:
            negated.append((match.start, match.end))
            continue
        credit = 0.0
        for word, target in targets:
            # A one-word entry counts by its stem; a phrase ("worn out") only as said: stemming a phrase would find
            # nothing, and would load the stemmer for a word no cache knows.
            if entry.word == word.lower() or len(ctx.words(entry.word)) == 1 and ctx.stem(entry.word) in target_stems:
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
