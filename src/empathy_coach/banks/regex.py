"""Instructor regular expressions that cannot hang scoring.

A pattern is refused at load time when it can backtrack badly:

- a repeat that can vary in length (`a+`, `a{1,50}`, `a?`) inside another repeat (`(a+)+`,
  `(\\w+\\s?){1,20}`, `(a{0,40}){0,40}`), bounded or not;
- a repeat over an alternation whose branches can start with the same character (`(a|ab)*`,
  `(?:a|a){1,50}`), or that has a branch matching nothing;
- backreferences;
- more than two unbounded repeats, or repeats whose ranges multiply past WINDOW² (each sequence
  of variable repeats can split a window that many ways).

What remains is at worst quadratic in the window the scorer gives it (500 characters per
sentence), and the scorer also stops any pattern after a time limit (banks.kinds.pattern).
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
WINDOW = 500  # characters of a sentence one pattern scans (the scorer gives it no more: banks.kinds.pattern)
MAX_SPLITS = (WINDOW + 1) ** 2


def regex_problem(pattern: str) -> str | None:
    """Why `pattern` is refused, or None if it is safe to run."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"expected a regular expression of at most {MAX_PATTERN_LENGTH} characters, found {len(pattern)}"
    try:
        re.compile(pattern)
        parsed = _sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"expected a valid regular expression, found an error: {exc}"
    state = {"unbounded": 0, "splits": 1}
    try:
        reason = _walk(parsed, inside_repeat=False, state=state)
    except RecursionError:
        return "regular expression refused: nested too deeply"
    if reason:
        return f"regular expression refused: {reason} (it could take exponential time)"
    if state["unbounded"] > MAX_UNBOUNDED_REPEATS:
        return f"regular expression refused: more than {MAX_UNBOUNDED_REPEATS} unbounded repeats ('*', '+', '{{n,}}')"
    if state["splits"] > MAX_SPLITS:
        return "regular expression refused: its repeats together could split a sentence too many ways; use fewer or narrower repeats"
    return None


def _is_repeat(name: str) -> bool:
    return name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def _walk(items, inside_repeat: bool, state: dict) -> str | None:
    for op, arg in items:
        name = str(op)
        if _is_repeat(name):
            low, high, body = arg
            unbounded = high == MAXREPEAT
            variable = high != low
            repeats = high > 1
            if variable:
                if inside_repeat:
                    return "a repeat that can vary in length nested inside another repeat"
                if unbounded:
                    state["unbounded"] += 1
                span = (WINDOW if unbounded else min(high, WINDOW)) - low + 1
                state["splits"] *= max(1, span)
            if repeats and _overlapping_branches(body):
                return "a repeat over an alternation whose branches can match the same text"
            reason = _walk(body, inside_repeat or (repeats and name != "POSSESSIVE_REPEAT"), state)
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


def _overlapping_branches(items) -> bool:
    """Whether an alternation in `items` (outside nested repeats) has two branches that can start
    with the same character, or a branch that can match nothing."""
    for op, arg in items:
        name = str(op)
        if name == "BRANCH":
            seen: set[str] = set()
            for branch in arg[1]:
                first = _first_chars(branch)
                if first is None or first & seen:
                    return True
                seen |= first
            for branch in arg[1]:
                if _overlapping_branches(branch):
                    return True
        elif name == "SUBPATTERN" and _overlapping_branches(arg[-1]):
            return True
    return False


def _first_chars(items) -> set[str] | None:
    """The lower-cased characters a sequence can start with, or None when that is not known to be
    a small set (a class like \\w, a dot, a repeat that can match nothing, an empty branch)."""
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            return {chr(arg).lower()}
        if name == "NOT_LITERAL" or name == "ANY":
            return None
        if name == "IN":
            chars: set[str] = set()
            for kind, value in arg:
                kind = str(kind)
                if kind == "LITERAL":
                    chars.add(chr(value).lower())
                elif kind == "RANGE" and value[1] - value[0] <= 64:
                    chars.update(chr(c).lower() for c in range(value[0], value[1] + 1))
                else:
                    return None
            return chars or None
        if name == "SUBPATTERN":
            return _first_chars(arg[-1])
        if _is_repeat(name):
            if arg[0] == 0:
                return None
            return _first_chars(arg[2])
        if name == "BRANCH":
            out: set[str] = set()
            for branch in arg[1]:
                first = _first_chars(branch)
                if first is None:
                    return None
                out |= first
            return out
        if name == "AT":  # \\b, ^: zero-width, look at what follows
            continue
        return None
    return None
