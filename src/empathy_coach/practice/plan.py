"""Which scenarios a drill takes: the ones named, or today's practice (due first, then new ones).

Today's practice draws from one pool: the banks given with `--bank` if any (what the student
asked for), else every bank there is, the user's folder and the built-in banks together (a
scenario id in both: the user's copy). Turns the store says are due bring their scenario back
(most overdue first) at the first of its turns that is due; scenarios never practised fill the
rest, easiest first. At least one new scenario is offered whenever there is one, so a long review
queue never blocks progress.

`resume` continues the scenario the newest reply left unfinished at the turn that follows it;
`last_failed` replays the turns whose last reply in the newest session did not pass, one turn each.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from empathy_coach.banks.models import DIFFICULTIES
from empathy_coach.practice.session import PlanItem

if TYPE_CHECKING:
    from empathy_coach.banks.catalog import Catalog as FullCatalog
    from empathy_coach.content.catalog import AnyRef as ScenarioRef
    from empathy_coach.content.catalog import BuiltinCatalog

    Catalog = FullCatalog | BuiltinCatalog

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
    """The scenarios today's practice draws from: the explicit banks if any, else every source."""
    refs = catalog.scenarios()
    explicit = [r for r in refs if r.source == "explicit"]
    if explicit:
        return explicit
    chosen: dict[str, ScenarioRef] = {}
    for source in SOURCES:
        for ref in refs:
            if ref.source == source:
                chosen.setdefault(ref.scenario.id, ref)
    return list(chosen.values())


class NothingToResume(LookupError):
    pass


def resume(catalog: Catalog, store: Any) -> list[PlanItem]:
    """The scenario the newest reply left unfinished, from the turn its reply leads to."""
    from empathy_coach.banks.models import END
    from empathy_coach.practice.branching import next_turn

    last = store.last_attempt()
    if last is None:
        raise NothingToResume("nothing to resume: no reply saved yet; start with: empathy-coach drill")
    refs = {r.scenario.id: r for r in catalog.scenarios()}
    ref = refs.get(last.scenario_id)
    turn = ref.scenario.turn(last.turn_id) if ref is not None else None
    if ref is None or turn is None:
        raise NothingToResume(f"nothing to resume: scenario '{last.scenario_id}' is not in the loaded banks (add it with --bank)")
    target = next_turn(ref.scenario, turn, last.result)
    if target == END:
        raise NothingToResume(f"nothing to resume: your last scenario ('{last.scenario_id}') was finished; "
                              "today's practice: empathy-coach drill")
    return [PlanItem(ref, "resume", turn=target)]


def last_failed(catalog: Catalog, store: Any) -> list[PlanItem]:
    """Each turn whose last reply in the newest session did not pass, in the order first met."""
    session = store.last_session()
    if session is None:
        raise NothingToResume("no replies saved yet; start with: empathy-coach drill")
    latest: dict[tuple[str, str], Any] = {}
    for row in store.attempts(session.id):
        latest.pop((row.scenario_id, row.turn_id), None)
        latest[(row.scenario_id, row.turn_id)] = row
    order = sorted(latest.values(), key=lambda r: r.id)
    refs = {r.scenario.id: r for r in catalog.scenarios()}
    items = [PlanItem(refs[r.scenario_id], "failed", turn=r.turn_id, single=True)
             for r in order if not r.passed and r.scenario_id in refs and refs[r.scenario_id].scenario.turn(r.turn_id) is not None]
    if not items:
        raise NothingToResume(f"no failed turns in your last session ({session.id}): every reply passed")
    return items


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
    due_turns: dict[str, set[str]] = {}
    practised: set[str] = set()
    if store is not None:
        for due in store.due_turns(now):
            if due.scenario_id in by_id and due.scenario_id not in due_ids:
                due_ids.append(due.scenario_id)
            due_turns.setdefault(due.scenario_id, set()).add(due.turn_id)
        practised = set(store.practised_scenarios())
    rank = {d: i for i, d in enumerate(DIFFICULTIES)}
    fresh = sorted((r for r in candidates if r.scenario.id not in practised and r.scenario.id not in due_ids),
                   key=lambda r: rank.get(r.scenario.difficulty, len(rank)))
    new_slots = min(len(fresh), max(1, count // 3))
    due_slots = min(len(due_ids), count - new_slots)
    new_slots = min(len(fresh), count - due_slots)
    items = [PlanItem(by_id[d], "due", turn=_first_due(by_id[d], due_turns[d])) for d in due_ids[:due_slots]]
    items += [PlanItem(r, "new") for r in fresh[:new_slots]]
    if not items:  # everything practised and nothing due: review from the top
        items = [PlanItem(r, "review") for r in candidates[:count]]
    return items


def _first_due(ref: ScenarioRef, turn_ids: set[str]) -> str | None:
    """The first turn of the scenario, in its own order, that is due (None: its first turn)."""
    for turn in ref.scenario.turns:
        if turn.id in turn_ids:
            return turn.id
    return None
