"""Which turn follows a scored reply: a scenario's `next` read against the reply's behaviour.

A turn's `next` is either a turn id (always go there) or a list of arms `{goto, when}`; the first
arm whose condition holds wins. When no arm holds, the dialogue goes on with the following turn
in the list (or ends after the last one). `end` ends the scenario.

Conditions read the reply's *primary* behaviour (the act the client answers):

| when | holds when |
|---|---|
| `always` | always |
| `reflection` | the reply is a simple or a complex reflection |
| `question` | the reply is an open or a closed question |
| `roadblock` | at least one roadblock was found anywhere in the reply |
| `passed` / `failed` | the reply passed / did not pass the rubric |
| a behaviour code | the primary behaviour is that code (`complex_reflection`, `confront`...) |
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from empathy_coach.banks import models as m
from empathy_coach.codes import QUESTIONS, REFLECTIONS


class Scored(Protocol):
    """What branching reads from a score (a ScoreResult has all of it)."""

    behaviour: str
    passed: bool
    roadblocks: Sequence[object]


def condition_holds(when: str, result: Scored) -> bool:
    if when == "always":
        return True
    if when == "reflection":
        return result.behaviour in REFLECTIONS
    if when == "question":
        return result.behaviour in QUESTIONS
    if when == "roadblock":
        return bool(result.roadblocks)
    if when == "passed":
        return bool(result.passed)
    if when == "failed":
        return not result.passed
    return result.behaviour == when


def following_turn(scenario: m.Scenario, turn_id: str) -> str:
    """The turn after `turn_id` in the list, or `end` after the last one."""
    ids = [t.id for t in scenario.turns]
    index = ids.index(turn_id)
    return ids[index + 1] if index + 1 < len(ids) else m.END


def next_turn(scenario: m.Scenario, turn: m.Turn, result: Scored) -> str:
    """The id of the turn that answers this reply, or `end`."""
    for branch in turn.branches():
        if condition_holds(branch.when, result):
            return branch.goto
    return following_turn(scenario, turn.id)


def after_skip(scenario: m.Scenario, turn: m.Turn) -> str:
    """Where a skipped turn leads: its unconditional arm if it has one, else the following turn."""
    for branch in turn.branches():
        if branch.when == "always":
            return branch.goto
    return following_turn(scenario, turn.id)


def turn_position(scenario: m.Scenario, turn_id: str) -> tuple[int, int]:
    """Where a turn stands in its dialogue, as "turn N of M": N counts the turns on the shortest
    way from the first turn to it, M adds the longest way on from it to the end (without going
    round a loop). In a scenario without branching, its place in the list and the list's length."""
    from collections import deque

    successors = _successors(scenario)  # banks.loader has the same, but importing it costs the YAML loader
    first = scenario.turns[0].id
    depth = {first: 1}
    queue = deque([first])
    while queue:
        here = queue.popleft()
        for nxt in successors.get(here, []):
            if nxt != m.END and nxt not in depth:
                depth[nxt] = depth[here] + 1
                queue.append(nxt)

    def longest(here: str, seen: frozenset[str]) -> int:
        best = 0
        for nxt in successors.get(here, []):
            if nxt != m.END and nxt not in seen:
                best = max(best, 1 + longest(nxt, seen | {nxt}))
        return best

    number = depth.get(turn_id, 1)
    return number, number + longest(turn_id, frozenset({turn_id}))


def _successors(scenario: m.Scenario) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for turn in scenario.turns:
        branches = turn.branches()
        targets = [b.goto for b in branches]
        if not any(b.when == "always" for b in branches):
            targets.append(following_turn(scenario, turn.id))
        out[turn.id] = targets
    return out
