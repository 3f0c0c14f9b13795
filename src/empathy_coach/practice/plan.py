"""Which scenarios a drill takes: the ones named, or today's practice (due first, then new ones).

Today's practice draws from one pool: the banks given with `--bank` if any, else the banks in the
user's folder if any, else the built-in banks. Turns the store says are due bring their scenario
back (most overdue first); scenarios never practised fill the rest, easiest first. At least one
new scenario is offered whenever there is one, so a long review queue never blocks progress.
"""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from empathy_coach.banks.models import DIFFICULTIES
from empathy_coach.practice.session import PlanItem

if TYPE_CHECKING:
    from empathy_coach.banks.catalog import Catalog, ScenarioRef

DEFAULT_COUNT = 3
SOURCES = ("explicit", "user", "built-in")


class UnknownScenario(LookupError):
    def __init__(self, scenario_id: str, suggestion: str | None) -> None:
        super().__init__(scenario_id)
        self.scenario_id = scenario_id
        self.suggestion = suggestion

    def __str__(self) -> str:
        hint = f" (did you mean '{self.suggestion}'?)" if self.suggestion else ""
        return f"no scenario '{self.scenario_id}' in the loaded banks{hint}"


def matches(ref: ScenarioRef, *, tags: Sequence[str] = (), difficulty: str | None = None, skill: str | None = None) -> bool:
    s = ref.scenario
    return (
        all(t in s.tags for t in tags)
        and (difficulty is None or s.difficulty == difficulty)
        and (skill is None or any(t.skill == skill for t in s.turns))
    )


def pool(catalog: Catalog) -> list[ScenarioRef]:
    """The scenarios today's practice draws from: the first source that has any."""
    refs = catalog.scenarios()
    for source in SOURCES:
        chosen = [r for r in refs if r.source == source]
        if chosen:
            return chosen
    return []


def named(catalog: Catalog, scenario_ids: Iterable[str]) -> list[PlanItem]:
    """The scenarios asked for by id, in that order; an unknown id raises UnknownScenario."""
    refs = {r.scenario.id: r for r in catalog.scenarios()}
    items = []
    for scenario_id in scenario_ids:
        ref = refs.get(scenario_id)
        if ref is None:
            close = difflib.get_close_matches(scenario_id, list(refs), n=1, cutoff=0.5)
            raise UnknownScenario(scenario_id, close[0] if close else None)
        items.append(PlanItem(ref, "chosen"))
    return items


def todays_plan(candidates: Sequence[ScenarioRef], store: Any = None, *, count: int = DEFAULT_COUNT, now: datetime | None = None) -> list[PlanItem]:
    """Due scenarios first (most overdue first), then new ones (easiest first), `count` in all."""
    count = max(1, count)
    by_id = {r.scenario.id: r for r in candidates}
    due_ids: list[str] = []
    practised: set[str] = set()
    if store is not None:
        for due in store.due_turns(now):
            if due.scenario_id in by_id and due.scenario_id not in due_ids:
                due_ids.append(due.scenario_id)
        practised = set(store.practised_scenarios())
    rank = {d: i for i, d in enumerate(DIFFICULTIES)}
    fresh = sorted((r for r in candidates if r.scenario.id not in practised and r.scenario.id not in due_ids),
                   key=lambda r: rank.get(r.scenario.difficulty, len(rank)))
    new_slots = min(len(fresh), max(1, count // 3))
    due_slots = min(len(due_ids), count - new_slots)
    new_slots = min(len(fresh), count - due_slots)
    items = [PlanItem(by_id[d], "due") for d in due_ids[:due_slots]] + [PlanItem(r, "new") for r in fresh[:new_slots]]
    if not items:  # everything practised and nothing due: review from the top
        items = [PlanItem(r, "review") for r in candidates[:count]]
    return items
