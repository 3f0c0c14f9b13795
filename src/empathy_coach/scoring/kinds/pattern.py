"""How a `pattern` rule scores a reply (its parameters and documentation: empathy_coach.banks.kinds.pattern)."""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
from collections.abc import Iterator

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

REGEX_TIME_LIMIT = 0.08  # seconds one rule's patterns may take on one reply (the promise is 100 ms)


class RegexTimeout(Exception):
    """A rule's patterns ran past REGEX_TIME_LIMIT on one reply."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` (Python's regex engine checks for signals while it
    matches). Where there is no interval timer, or off the main thread, the load-time screen
    (banks.regex) and the deadline checked between sentences are the bound."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise RegexTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
    stopped = False
    if regexes:
        deadline = time.perf_counter() + REGEX_TIME_LIMIT
        try:
            with _time_limit(REGEX_TIME_LIMIT):
                for regex in regexes:
                    for sentence in ctx.reply.sentences:
                        if time.perf_counter() > deadline:
                            raise RegexTimeout
                        window = ctx.reply.original[sentence.start : min(sentence.end, sentence.start + REGEX_WINDOW)]
                        for found in regex.finditer(window):
                            if found.end() > found.start():
                                spans.append((sentence.start + found.start(), sentence.start + found.end()))
        except RegexTimeout:
            stopped = True
    spans = sorted(set(spans))
    present = bool(spans)
    passed = present if rule.mode == "require" else not present
    detail = f"found {quote(ctx, spans)}" if present else "no match"
    if stopped:
        detail += f" (its patterns were stopped after {REGEX_TIME_LIMIT * 1000:.0f} ms on this reply)"
    return Outcome(1.0 if passed else 0.0, passed, spans, {"found": quote(ctx, spans)}, detail)


evaluate = evaluate_pattern
