"""The `pattern` rule kind: words, phrases or regular expressions the reply must (or must not) use."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from typing import Literal

from msgspec import field

from empathy_coach.banks.fields import NonEmptyStr
from empathy_coach.banks.kinds.base import RuleBase, RuleProblem
from empathy_coach.banks.kinds.context import Outcome, ReplyContext, match_spans, quote
from empathy_coach.banks.regex import WINDOW, regex_problem


class PatternRule(RuleBase, tag="pattern"):
    """Require or forbid words, phrases or regular expressions in the reply.

    Phrases match on word stems by default (`stem: false` for exact words); a regex is matched
    case-insensitively within each sentence. `mode: require` passes when any phrase or regex is
    found; `mode: forbid` fails when any is. A rule needs `phrases` or `regex`.

    Passes:

    ```yaml
    client: I keep putting off calling my sister.
    reply: It sounds like that call weighs on you.
    rules:
      - {id: tentative, kind: pattern, phrases: [it sounds like, it seems], mode: require}
    ```

    Fails:

    ```yaml
    client: I keep putting off calling my sister.
    reply: You should just call her tonight.
    rules:
      - {id: no-should, kind: pattern, phrases: [you should], mode: forbid}
    ```
    """

    phrases: list[NonEmptyStr] = field(default_factory=list)
    regex: list[NonEmptyStr] = field(default_factory=list)
    mode: Literal["require", "forbid"] = "require"
    stem: bool = True

    def problems(self) -> Iterator[RuleProblem]:
        if not self.phrases and not self.regex:
            yield (), "a 'pattern' rule needs 'phrases' or 'regex'", "schema"
        for index, pattern in enumerate(self.regex):
            reason = regex_problem(pattern)
            if reason:
                yield ("regex", index), reason, "regex"


RULE = PatternRule


REGEX_TIME_LIMIT = 0.08  # seconds one rule's patterns may take on one reply (the promise is 100 ms)


class RegexTimeout(Exception):
    """A rule's patterns ran past REGEX_TIME_LIMIT on one reply."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` (Python's regex engine checks for signals while it
    matches). Where there is no interval timer, or off the main thread, the load-time screen
    (banks.regex) and the deadline checked between sentences are the bound."""
    import signal  # here, not at the top: loading a bank (this module) need not import threading
    import threading

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


def evaluate(rule: PatternRule, ctx: ReplyContext) -> Outcome:
    key = f"pattern:{rule.id}"
    compiled = ctx.compiled.get(key)
    if compiled is None:
        phrases = ctx.phrases(list(rule.phrases)) if rule.stem else None
        exact = [tuple(ctx.words(p)) for p in rule.phrases] if not rule.stem else []
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
                        window = ctx.reply.original[sentence.start : min(sentence.end, sentence.start + WINDOW)]
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
