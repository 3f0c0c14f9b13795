"""Instructor regular expressions: the load-time screen refuses catastrophic shapes, bounded or not,
and the scorer stops any pattern after its time limit, so no rule takes more than 100 ms per reply.
Patterns and replies come from hypothesis as well as from the reported cases."""

from __future__ import annotations

import re
import time

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from empathy_coach.banks import kinds
from empathy_coach.banks import models as m
from empathy_coach.banks.kinds import pattern as pattern_kind
from empathy_coach.banks.loader import load_text
from empathy_coach.banks.regex import regex_problem
from empathy_coach.content.cache import builtin_lexicon
from empathy_coach.problems import InputError
from empathy_coach.scoring.engine import Scorer

LIMIT_SECONDS = 0.100
LEXICONS = {name: builtin_lexicon(name) for name in ("emotions", "roadblocks", "markers")}

REPORTED = [r"(\w+\s?){1,20}!", r"(a{1,50}){1,50}b", r"(?:a|a){1,50}b", r"(a{0,40}){0,40}c"]


@pytest.mark.parametrize("pattern", REPORTED + [r"(a+)+$", r"(a|ab)*c", r"(?:a?){30}a{30}", r"(x+x+)+y", r"(.*a){12}"])
def test_reported_catastrophic_patterns_are_refused(pattern):
    assert regex_problem(pattern) is not None


def test_check_refuses_a_catastrophic_rubric_pattern_with_its_location():
    text = "id: r\npass_score: 60\nrules:\n  - id: x\n    kind: pattern\n    regex: ['(\\w+\\s?){1,20}!']\n"
    with pytest.raises(InputError) as caught:
        load_text(text, "r.yaml", "rubric")
    (problem,) = caught.value.problems
    assert problem.line == 6 and "refused" in problem.message


@pytest.mark.parametrize("pattern", [r"\bit sounds like\b", r"\byou (?:should|must|need to)\b", r"(?:very|really)+ (?:sad|tired)", r".*\bbecause\b.*",
                                     r"\bpart of you\b"])
def test_ordinary_patterns_pass(pattern):
    assert regex_problem(pattern) is None


# ---------------------------------------------------------------- generated patterns

ATOMS = st.sampled_from(["a", "b", r"\w", r"\s", ".", "[ab]", "[^b]", " ", "!", r"\b", "ab", "(?:a|b)", "(?:a|ab)", "(?:aa|a)"])
QUANTIFIERS = st.sampled_from(["", "", "*", "+", "?", "{1,50}", "{0,40}", "{2}", "{1,20}", "{3,}", "*?", "+?"])


@st.composite
def patterns(draw, depth: int = 3) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth > 0 and draw(st.booleans()):
            inner = draw(patterns(depth - 1))
            if draw(st.booleans()):
                inner = inner + "|" + draw(patterns(depth - 1))
            atom = f"(?:{inner})"
        else:
            atom = draw(ATOMS)
        parts.append(atom + draw(QUANTIFIERS))
    return "".join(parts)


REPLY_UNITS = st.sampled_from(["a", "b", " ", "ab", "aa", "!", "a!", "x", "é", "\n", ". "])


@st.composite
def replies(draw) -> str:
    unit = draw(st.lists(REPLY_UNITS, min_size=1, max_size=4).map("".join))
    count = draw(st.integers(1, 2500))
    tail = draw(st.sampled_from(["", "!", "c", "b", "?"]))
    return "So " + (unit * count)[:4990] + tail  # never blank: a blank reply runs no rule


def _timed_rule(pattern: str, reply: str) -> float:
    """Seconds the pattern rule itself took on `reply` (the rest of scoring not counted)."""
    rubric = msgspec.convert({"id": "t", "pass_score": 60, "rules": [{"id": "rx", "kind": "pattern", "regex": [pattern]}]}, m.Rubric)
    took = []
    original = kinds.REGISTRY["pattern"]

    def timed(rule, ctx):
        # CPU time of this thread: other processes on a busy machine do not count against the rule
        start = time.thread_time()
        try:
            return original(rule, ctx)
        finally:
            took.append(time.thread_time() - start)

    kinds.REGISTRY["pattern"] = timed  # the scorer takes its evaluators when it is built
    try:
        Scorer(rubric, LEXICONS).score(reply, client="I feel so tired of it all.")
    finally:
        kinds.REGISTRY["pattern"] = original
    assert len(took) == 1, "the pattern rule ran once"
    return took[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patterns(), replies())
def test_a_generated_pattern_never_takes_a_rule_past_100_ms(pattern, reply):
    """Whether the screen accepts the pattern or not (a rubric built in Python skips it), the
    scorer's time limit holds."""
    try:
        re.compile(pattern)
    except re.error:
        return
    assert _timed_rule(pattern, reply) < LIMIT_SECONDS


@settings(max_examples=150, deadline=None)
@given(patterns())
def test_the_screen_refuses_every_generated_nested_variable_repeat(pattern):
    nested = f"(?:{pattern}a+)+b"
    assert regex_problem(nested) is not None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=patterns(), reply=replies())
def test_patterns_the_screen_accepts_are_fast_without_the_timer(pattern, reply):
    """The screen alone (no interval timer, as on a platform without one) keeps accepted
    patterns within the limit on replies of up to 5,000 characters."""
    try:
        re.compile(pattern)
    except re.error:
        return
    if regex_problem(pattern) is not None:
        return
    original = pattern_kind.REGEX_TIME_LIMIT
    pattern_kind.REGEX_TIME_LIMIT = 10.0  # no timer: only the screen bounds the time
    try:
        took = _timed_rule(pattern, reply)
    finally:
        pattern_kind.REGEX_TIME_LIMIT = original
    assert took < LIMIT_SECONDS * 5, pattern


@pytest.mark.parametrize("pattern", REPORTED)
def test_reported_patterns_built_in_python_stop_at_the_limit(pattern):
    reply = ("word " * 13 + "x") * 5  # 67+ characters of the kind that took 21 s
    assert _timed_rule(pattern, reply) < LIMIT_SECONDS
    assert _timed_rule(pattern, "a" * 400) < LIMIT_SECONDS
