"""How a `pattern` rule scores a reply (its parameters and documentation: empathy_coach.banks.kinds.pattern)."""

from __future__ import annotations

import re

from empathy_coach.banks import kinds
from empathy_coach.scoring.lexicon import PhraseSet
from empathy_coach.scoring.rules import (
    REGEX_WINDOW,
    Context,
    Outcome,
    match_spans,
    quote,
)
from empathy_coach.scoring.text import phrase_tokens

KIND = "pattern"


def evaluate_pattern(rule: kinds.PatternRule, ctx: Context) -> Outcome:
    key = f"pattern:{rule.id}"
    compiled = ctx.compiled.get(key)
    if compiled is None:
        phrases = PhraseSet({"p": list(rule.phrases)}) if rule.stem else None
        exact = [tuple(phrase_tokens(p)) for p in rule.phrases] if not rule.stem else []
        regexes = [re.compile(r, re.IGNORECASE) for r in rule.regex]
        compiled = (phrases, exact, regexes)
        ctx.compiled[key] = compiled
    phrases, exact, regexes = compiled
    spans: list[tuple[int, int]] = []
    if phrases is not None:
        spans.extend(match_spans(phrases.find(ctx.reply)))
    for words in exact:
        tokens = ctx.reply.tokens
        for i in range(len(tokens) - len(words) + 1):
            if all(tokens[i + k].word and tokens[i + k].text == w for k, w in enumerate(words)):
                spans.append((tokens[i].start, tokens[i + len(words) - 1].end))
    for regex in regexes:
        for sentence in ctx.reply.sentences:
            window = ctx.reply.original[sentence.start : min(sentence.end, sentence.start + REGEX_WINDOW)]
            for found in regex.finditer(window):
                if found.end() > found.start():
                    spans.append((sentence.start + found.start(), sentence.start + found.end()))
    spans = sorted(set(spans))
    present = bool(spans)
    passed = present if rule.mode == "require" else not present
    detail = f"found {quote(ctx, spans)}" if present else "no match"
    return Outcome(1.0 if passed else 0.0, passed, spans, {"found": quote(ctx, spans)}, detail)


evaluate = evaluate_pattern
