"""Instructor regular expressions that cannot hang scoring.

A pattern is refused at load time when it can backtrack catastrophically: an unbounded repeat
inside another unbounded repeat (`(a+)+`), an unbounded repeat over an alternation (`(a|ab)*`),
backreferences, or more than two unbounded repeats in one pattern. What remains is at worst
quadratic, and the scorer only runs it over a bounded window of each sentence.
"""

from __future__ import annotations

import re

try:  # Python 3.11 moved the parser but kept it importable under both names
    import re._parser as _sre_parse  # type: ignore[import-not-found]  # typeshed has no stubs for re's private parser
    from re._constants import MAXREPEAT  # type: ignore[import-not-found]  # (as above)
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse
    from sre_constants import MAXREPEAT

MAX_PATTERN_LENGTH = 300
MAX_UNBOUNDED_REPEATS = 2
_LARGE_REPEAT = 50


def regex_problem(pattern: str) -> str | None:
    """Why `pattern` is refused, or None if it is safe to run."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"expected a regular expression of at most {MAX_PATTERN_LENGTH} characters, found {len(pattern)}"
    try:
        re.compile(pattern)
        parsed = _sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"expected a valid regular expression, found an error: {exc}"
    state = {"unbounded": 0}
    reason = _walk(parsed, inside_repeat=False, state=state)
    if reason:
        return f"regular expression refused: {reason} (it could take exponential time)"
    if state["unbounded"] > MAX_UNBOUNDED_REPEATS:
        return f"regular expression refused: more than {MAX_UNBOUNDED_REPEATS} unbounded repeats ('*', '+', '{{n,}}')"
    return None


def _walk(items, inside_repeat: bool, state: dict) -> str | None:
    for op, arg in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, body = arg
            unbounded = high == MAXREPEAT or high > _LARGE_REPEAT
            if unbounded:
                state["unbounded"] += 1
                if inside_repeat:
                    return "a repeat nested inside another repeat"
                if _has_branch(body):
                    return "a repeat over an alternation"
            reason = _walk(body, inside_repeat or unbounded, state)
            if reason:
                return reason
        elif name == "SUBPATTERN":
            reason = _walk(arg[-1], inside_repeat, state)
            if reason:
                return reason
        elif name == "BRANCH":
            for branch in arg[1]:
                reason = _walk(branch, inside_repeat, state)
                if reason:
                    return reason
        elif name in ("GROUPREF", "GROUPREF_EXISTS"):
            return "a backreference"
        elif name in ("ASSERT", "ASSERT_NOT"):
            reason = _walk(arg[1], inside_repeat, state)
            if reason:
                return reason
        elif name == "ATOMIC_GROUP":
            reason = _walk(arg, inside_repeat, state)
            if reason:
                return reason
    return None


def _has_branch(items) -> bool:
    for op, arg in items:
        name = str(op)
        if name == "BRANCH":
            return True
        if name == "SUBPATTERN" and _has_branch(arg[-1]):
            return True
    return False
