"""The drill as a state machine: lines typed by the student in, events out. No terminal I/O.

`Drill.start()` opens the session and returns the first events (the scenario, the client's first
words); `Drill.handle(line)` takes one submitted reply or `/command` and returns what happened;
`Drill.finish(reason)` closes the session and returns the summary. A view renders the events
(reports/drill_view.py) and the CLI reads lines (cli/drill.py).

The flow of one turn: the client speaks; the student replies; the reply is scored and recorded
in the store at once; the scenario's branching picks the turn that answers it (practice/branching).
`/retry` goes back to the turn just answered (its client line again; the new reply is scored,
recorded, and decides the branch anew). `/example` shows a model reply of a turn the student has
already tried (the current one, or else the one just answered), never of an untried turn.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from msgspec import Struct

from empathy_coach.banks import models as m
from empathy_coach.practice.branching import after_skip, next_turn, turn_position
from empathy_coach.store.unsaved import UnsavedReply

if TYPE_CHECKING:
    from empathy_coach.content.catalog import AnyRef as ScenarioRef
    from empathy_coach.scoring.metrics import BehaviourMetrics
    from empathy_coach.scoring.result import ScoreResult

COMMANDS: dict[str, str] = {
    "hint": "a hint for this turn (again: the next hint)",
    "example": "a model reply, once you have tried the turn",
    "retry": "answer the turn you just answered again; both attempts are kept",
    "skip": "skip this turn; it comes back before the drill ends",
    "why": "every rule of your last reply, passed or missed, with its words",
    "flag": "/flag [note]: mark the last score as one you disagree with (saved for your instructor)",
    "quit": "end the drill with a summary; your replies are kept",
    "help": "list these commands",
}

CONTINUATION = "\\"

# Used when a turn has no hints of its own.
SKILL_HINTS: dict[str, str] = {
    "reflect_feeling": "Name the feeling you hear under the words, as a statement: \"You sound ...\".",
    "reflect_content": "Give back the heart of what the client said, in your own words.",
    "complex_reflection": "Go one step beyond the words: the meaning or the feeling under them, said as a statement.",
    "double_sided_reflection": "Hold both sides of what the client feels: \"Part of you ..., and part of you ...\".",
    "summary": "Gather the main things the client has said so far, in a few words, without adding advice.",
    "validation": "Let the client know their reaction makes sense, given what they are facing.",
    "notice_nonverbal": "Notice what the client shows without words, and say gently what you see.",
}


class Store(Protocol):
    """The part of empathy_coach.store.ProgressStore the drill uses."""

    def start_session(self, *, banks: Sequence[str] = (), mode: str = "drill") -> int: ...

    def record_attempt(self, session_id: int, *, scenario_id: str, turn_id: str, skill: str, tags: Sequence[str],
                       client: str, reply: str, result: ScoreResult, hints_used: int = 0) -> int: ...

    def record_skip(self, session_id: int, *, scenario_id: str, turn_id: str) -> None: ...

    def flag_attempt(self, attempt_id: int, note: str) -> None: ...

    def finish_session(self, session_id: int) -> None: ...

    def previous_session(self, session_id: int) -> Any: ...

    def attempts(self, session_id: int | None = None) -> list[Any]: ...

    @property
    def notice(self) -> str | None: ...

    def close(self) -> None: ...


# ---------------------------------------------------------------- events


class ScenarioStarted(Struct, frozen=True):
    ref: ScenarioRef
    number: int  # 1-based position in today's plan
    total: int
    reason: str = ""  # why it is in the plan: "due", "new", "chosen", "review"


class ClientTurn(Struct, frozen=True):
    ref: ScenarioRef
    turn: m.Turn
    again: bool = False  # shown again for /retry
    scenario_number: int = 1  # "Scenario 2 of 3 · turn 2 of 4"
    scenario_total: int = 1
    turn_number: int = 1  # the turn's place in its dialogue (practice.branching.turn_position)
    turn_total: int = 1
    returning: bool = False  # a turn skipped earlier, back as promised


def where_label(e: ClientTurn) -> str:
    """Where the student is: "Scenario 2 of 3 · turn 2 of 4"."""
    return f"Scenario {e.scenario_number} of {e.scenario_total} · turn {e.turn_number} of {e.turn_total}"


class Scored(Struct, frozen=True):
    ref: ScenarioRef
    turn: m.Turn
    reply: str
    result: ScoreResult
    attempt: int  # 1 for the first reply to this turn in this session
    attempt_id: int | None = None  # the store's row id


class SaveFailed(Struct, frozen=True):
    message: str


class HintShown(Struct, frozen=True):
    text: str
    number: int
    total: int
    generic: bool = False  # the turn has no hints of its own


class NoMoreHints(Struct, frozen=True):
    total: int  # hints the turn has, all shown already


class WhyShown(Struct, frozen=True):
    """Every rule of the last scored reply (/why)."""

    reply: str
    result: ScoreResult


class NothingToExplain(Struct, frozen=True):
    pass


class Flagged(Struct, frozen=True):
    turn: m.Turn
    score: float
    note: str
    saved: bool  # False when there is no store (nothing to save it in)


class NothingToFlag(Struct, frozen=True):
    pass


class ExampleShown(Struct, frozen=True):
    turn: m.Turn
    exemplar: m.Exemplar
    number: int
    total: int
    previous_turn: bool = False  # the example belongs to the turn just answered, not the current one


class ExampleLocked(Struct, frozen=True):
    pass


class NoExample(Struct, frozen=True):
    turn: m.Turn


class Retrying(Struct, frozen=True):
    ref: ScenarioRef
    turn: m.Turn
    other_scenario: bool = False


class NothingToRetry(Struct, frozen=True):
    pass


class Skipped(Struct, frozen=True):
    ref: ScenarioRef
    turn: m.Turn
    comes_back: bool = True  # before the end of this drill


class HelpShown(Struct, frozen=True):
    commands: dict[str, str]


class UnknownCommand(Struct, frozen=True):
    word: str
    suggestion: str | None


class EmptyReply(Struct, frozen=True):
    pass


class ScenarioFinished(Struct, frozen=True):
    ref: ScenarioRef
    replies: int
    mean_score: float | None


class Finished(Struct, frozen=True):
    summary: Summary


Event = Any  # one of the Structs above


# ---------------------------------------------------------------- summary


class Summary(Struct, kw_only=True):
    reason: str  # "done", "quit", "eof", "interrupt"
    replies: int
    passed: int
    skipped: int
    mean_score: float | None
    metrics: BehaviourMetrics
    scenarios_finished: int
    scenarios_planned: int
    previous: Any = None  # the store's SessionRow of the previous session
    previous_metrics: BehaviourMetrics | None = None
    saved: int | None = None  # replies now in the progress database (None: no database)
    unsaved: int = 0  # replies scored but not stored yet (kept in the journal, retried next start)
    journal_error: str | None = None  # why the journal could not hold them either

    @property
    def mean_change(self) -> float | None:
        prev = getattr(self.previous, "mean_score", None)
        if self.mean_score is None or prev is None:
            return None
        return round(self.mean_score - prev, 1)

    @property
    def rq_change(self) -> float | None:
        if self.previous_metrics is None or self.metrics.rq_ratio is None or self.previous_metrics.rq_ratio is None:
            return None
        return round(self.metrics.rq_ratio - self.previous_metrics.rq_ratio, 2)

    @property
    def percent_complex_change(self) -> float | None:
        prev = self.previous_metrics
        if prev is None or self.metrics.percent_complex is None or prev.percent_complex is None:
            return None
        return round(self.metrics.percent_complex - prev.percent_complex, 1)


def shown_score(score: float) -> int:
    """A score as the drill shows it: a whole number."""
    return int(f"{score:.0f}")


def mean_of_shown(scores: Sequence[float]) -> float | None:
    """The mean of the scores as they were shown (92, 40, 47 and 44 give 55.8), to one decimal."""
    if not scores:
        return None
    return round(sum(shown_score(x) for x in scores) / len(scores), 1)


# ---------------------------------------------------------------- input


class LineAssembler:
    """Lines in, replies out: a line ending in a backslash continues the reply on the next line."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    @property
    def pending(self) -> bool:
        return bool(self.lines)

    def feed(self, line: str) -> str | None:
        """The complete reply once a line does not end in a backslash; None while it continues."""
        line = line.rstrip("\r\n")
        if line.endswith(CONTINUATION):
            self.lines.append(line[: -len(CONTINUATION)])
            return None
        self.lines.append(line)
        return self.flush()

    def flush(self) -> str | None:
        """What was typed so far (at end of input), or None when nothing was."""
        if not self.lines:
            return None
        text = "\n".join(self.lines)
        self.lines = []
        return text


_COMMAND = re.compile(r"^/([A-Za-z?][\w-]*)")


def command_argument(text: str) -> str:
    """What follows the command word: the note of `/flag too harsh`."""
    match = _COMMAND.match(text.strip())
    return text.strip()[match.end():].strip() if match else ""


def parse_command(text: str) -> str | None:
    """The command word of `/word ...`, lower-cased, or None when the text is a reply."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    word = match.group(1).lower()
    return "help" if word == "?" else word


# ---------------------------------------------------------------- the state machine


class PlanItem(Struct):
    ref: ScenarioRef
    reason: str = "chosen"
    turn: str | None = None  # start at this turn (resume, due turn) instead of the first
    single: bool = False  # only that turn (--last-failed): the scenario ends after it


class _TurnState(Struct):
    attempts: int = 0
    hints_shown: int = 0  # distinct hints shown (a hint asked for again is not counted again)
    examples_shown: int = 0


class _Position(Struct, frozen=True):
    item: int  # index in the plan
    turn_id: str


class Drill:
    """One practice session over a plan of scenarios.

    `scorer` maps a scenario to its Scorer (the caller builds it lazily); `store` (a ProgressStore,
    or None) may be attached after `start()`.
    """

    def __init__(self, items: Sequence[PlanItem], *, scorer: Callable[[ScenarioRef], Any], store: Store | None = None,
                 banks: Sequence[str] = (), mode: str = "drill", journal: Any = None) -> None:
        self.items = list(items)
        self.journal = journal  # where unsaved replies are kept (store.journal.Journal), or None
        self.unsaved: list[UnsavedReply] = []
        self.saved = 0
        self.scorer = scorer
        self.store = store
        self.banks = tuple(banks)
        self.mode = mode
        self.session_id: int | None = None
        self.results: list[ScoreResult] = []
        self.skipped = 0
        self.scenarios_finished = 0
        self.finished = False
        self.summary: Summary | None = None
        self._position: _Position | None = None
        self._last_answered: _Position | None = None
        self._turns: dict[tuple[int, str], _TurnState] = {}
        self._scores: list[tuple[int, float]] = []  # (plan item, score) per reply
        self._skipped: list[_Position] = []  # skipped turns that come back before the drill ends
        self._returning: _Position | None = None  # the skipped turn on screen again
        self._last_scored: Scored | None = None

    # ------------------------------------------------------------ reading the state

    @property
    def current_ref(self) -> ScenarioRef | None:
        return self.items[self._position.item].ref if self._position else None

    @property
    def current_turn(self) -> m.Turn | None:
        if self._position is None:
            return None
        return self._turn(self._position)

    def attempts_on(self, scenario_id: str, turn_id: str) -> int:
        return sum(s.attempts for (i, t), s in self._turns.items() if t == turn_id and self.items[i].ref.scenario.id == scenario_id)

    def _turn(self, pos: _Position) -> m.Turn:
        turn = self.items[pos.item].ref.scenario.turn(pos.turn_id)
        assert turn is not None, pos
        return turn

    def _state(self, pos: _Position) -> _TurnState:
        return self._turns.setdefault((pos.item, pos.turn_id), _TurnState())

    # ------------------------------------------------------------ driving it

    def start(self) -> list[Event]:
        """Show the first scenario. The store's session opens with the first reply or skip, so the
        store may be attached after the first line is on screen."""
        if not self.items:
            return self.finish("done")
        return self._enter(0)

    def handle(self, text: str) -> list[Event]:
        """One submitted line (or several joined): a reply or a /command."""
        if self.finished or self._position is None:
            return []
        command = parse_command(text)
        if command is not None:
            return self._command(command, command_argument(text))
        if not text.strip():
            return [EmptyReply()]
        return self._reply(text)

    def finish(self, reason: str = "quit") -> list[Event]:
        """Close the session (idempotent) and return the summary."""
        if self.finished:
            return [Finished(self.summary)] if self.summary else []
        self.finished = True
        self._position = None
        self.summary = self._summarise(reason)
        return [Finished(self.summary)]

    # ------------------------------------------------------------ internals

    def _session(self) -> int:
        """The store's session, opened on first use (only called with a store)."""
        assert self.store is not None
        if self.session_id is None:
            self.session_id = self.store.start_session(banks=self.banks, mode=self.mode)
        return self.session_id

    def _client(self, pos: _Position, *, again: bool = False, returning: bool = False) -> ClientTurn:
        ref = self.items[pos.item].ref
        turn = self._turn(pos)
        number, total = turn_position(ref.scenario, turn.id)
        if self.items[pos.item].single:
            number = total = 1
        return ClientTurn(ref, turn, again=again, scenario_number=pos.item + 1, scenario_total=len(self.items),
                          turn_number=number, turn_total=total, returning=returning)

    def _enter(self, index: int) -> list[Event]:
        if index >= len(self.items):
            if self._skipped:  # "comes back soon": every skipped turn returns before the end
                return self._bring_back()
            return self.finish("done")
        item = self.items[index]
        start = item.ref.scenario.turns[0].id
        if item.turn is not None and item.ref.scenario.turn(item.turn) is not None:
            start = item.turn
        self._position = _Position(index, start)
        return [ScenarioStarted(item.ref, index + 1, len(self.items), item.reason), self._client(self._position)]

    def _bring_back(self) -> list[Event]:
        pos = self._skipped.pop(0)
        self._position = self._returning = pos
        return [self._client(pos, returning=True)]

    def _advance(self, target: str) -> list[Event]:
        assert self._position is not None
        pos = self._position
        ref = self.items[pos.item].ref
        if self._returning is not None:  # a skipped turn came back: after it, the next one or the end
            self._returning = None
            return self._bring_back() if self._skipped else self.finish("done")
        if self.items[pos.item].single:
            target = m.END
        if target == m.END:
            self.scenarios_finished += 1
            scores = [score for item, score in self._scores if item == pos.item]
            mean = mean_of_shown(scores)
            return [ScenarioFinished(ref, len(scores), mean)] + self._enter(pos.item + 1)
        self._position = _Position(pos.item, target)
        return [self._client(self._position)]

    def _reply(self, reply: str) -> list[Event]:
        assert self._position is not None
        pos = self._position
        ref = self.items[pos.item].ref
        turn = self._turn(pos)
        result = self.scorer(ref).score(reply, turn=turn, tags=tuple(ref.scenario.tags))
        state = self._state(pos)
        state.attempts += 1
        self.results.append(result)
        self._scores.append((pos.item, result.score))
        events: list[Event] = []
        attempt_id = None
        if self.store is not None:
            self._retry_unsaved()
            entry = UnsavedReply(session_id=self.session_id, scenario_id=ref.scenario.id, turn_id=turn.id, skill=turn.skill,
                                 tags=list(ref.scenario.tags), client=turn.client, reply=reply, result=result,
                                 hints_used=state.hints_shown, banks=list(self.banks), mode=self.mode)
            if self.unsaved:  # keep the order: this one waits behind the earlier ones
                self._keep(entry)
                events.append(SaveFailed(self._kept_message("this reply")))
            else:
                try:
                    attempt_id = self.store.record_attempt(
                        self._session(),
                        scenario_id=ref.scenario.id,
                        turn_id=turn.id,
                        skill=turn.skill,
                        tags=tuple(ref.scenario.tags),
                        client=turn.client,
                        reply=reply,
                        result=result,
                        hints_used=state.hints_shown,
                    )
                    self.saved += 1
                except Exception as exc:  # a full disk or a lock must not end the practice, nor lose the reply
                    self._keep(entry)
                    events.append(SaveFailed(self._kept_message(f"could not save this reply ({exc})")))
        scored = Scored(ref, turn, reply, result, state.attempts, attempt_id)
        self._last_scored = scored
        events.insert(0, scored)
        self._last_answered = _Position(pos.item, pos.turn_id)
        return events + self._advance(next_turn(ref.scenario, turn, result))

    def _keep(self, entry: UnsavedReply) -> None:
        self.unsaved.append(entry)
        if self.journal is not None:
            self.journal.save(self.unsaved)

    def _kept_message(self, what: str) -> str:
        n = len(self.unsaved)
        where = "in memory and in the journal beside the database" if self.journal is not None and self.journal.error is None else "in memory only"
        return f"{what}: kept {where}; {n} repl{'y' if n == 1 else 'ies'} waiting to be saved, retried at the next reply and at the end"

    def _retry_unsaved(self) -> None:
        """Store the replies kept after a failed save, oldest first, stopping at the first failure."""
        if self.store is None or not self.unsaved:
            return
        while self.unsaved:
            entry = self.unsaved[0]
            try:
                self.store.record_attempt(self._session(), scenario_id=entry.scenario_id, turn_id=entry.turn_id,
                                          skill=entry.skill, tags=tuple(entry.tags), client=entry.client,
                                          reply=entry.reply, result=entry.result, hints_used=entry.hints_used)
            except Exception:
                break
            self.unsaved.pop(0)
            self.saved += 1
        if self.journal is not None:
            self.journal.save(self.unsaved)

    def _command(self, word: str, argument: str = "") -> list[Event]:
        handler = {
            "hint": self._hint,
            "example": self._example,
            "retry": self._retry,
            "skip": self._skip,
            "why": self._why,
            "flag": lambda: self._flag(argument),
            "quit": lambda: self.finish("quit"),
            "help": lambda: [HelpShown(dict(COMMANDS))],
        }.get(word)
        if handler is None:
            close = difflib.get_close_matches(word, list(COMMANDS), n=1, cutoff=0.5)
            return [UnknownCommand(word, close[0] if close else None)]
        return handler()

    def _hint(self) -> list[Event]:
        assert self._position is not None
        turn = self._turn(self._position)
        state = self._state(self._position)
        hints = [h.strip() for h in turn.hints] or [SKILL_HINTS.get(turn.skill, SKILL_HINTS["reflect_feeling"])]
        if state.hints_shown >= len(hints):
            return [NoMoreHints(len(hints))]
        state.hints_shown += 1
        index = state.hints_shown - 1
        return [HintShown(hints[index], index + 1, len(hints), generic=not turn.hints)]

    def _why(self) -> list[Event]:
        if self._last_scored is None:
            return [NothingToExplain()]
        return [WhyShown(self._last_scored.reply, self._last_scored.result)]

    def _flag(self, note: str) -> list[Event]:
        scored = self._last_scored
        if scored is None:
            return [NothingToFlag()]
        saved = False
        events: list[Event] = []
        if self.store is not None and scored.attempt_id is not None:
            try:
                self.store.flag_attempt(scored.attempt_id, note)
                saved = True
            except Exception as exc:
                events.append(SaveFailed(f"could not save the flag: {exc}"))
        return [Flagged(scored.turn, scored.result.score, note, saved)] + events

    def _example(self) -> list[Event]:
        assert self._position is not None
        pos, previous = self._position, False
        if self._state(pos).attempts == 0:
            if self._last_answered is None:
                return [ExampleLocked()]
            pos, previous = self._last_answered, True
        turn = self._turn(pos)
        exemplars = turn.exemplar_list()
        if not exemplars:
            return [NoExample(turn)]
        state = self._state(pos)
        index = state.examples_shown % len(exemplars)
        state.examples_shown += 1
        return [ExampleShown(turn, exemplars[index], index + 1, len(exemplars), previous_turn=previous)]

    def _retry(self) -> list[Event]:
        assert self._position is not None
        pos = self._position
        if self._state(pos).attempts == 0:
            if self._last_answered is None:
                return [NothingToRetry()]
            pos = self._last_answered
        other = pos.item != self._position.item
        self._position = _Position(pos.item, pos.turn_id)
        self._returning = None
        ref = self.items[pos.item].ref
        turn = self._turn(pos)
        return [Retrying(ref, turn, other_scenario=other), self._client(self._position, again=True)]

    def _skip(self) -> list[Event]:
        assert self._position is not None
        pos = self._position
        ref = self.items[pos.item].ref
        turn = self._turn(pos)
        self.skipped += 1
        comes_back = self._returning is None  # a turn that came back and is skipped again stays skipped
        if comes_back:
            self._skipped.append(pos)
        events: list[Event] = [Skipped(ref, turn, comes_back=comes_back)]
        if self.store is not None:
            try:
                self.store.record_skip(self._session(), scenario_id=ref.scenario.id, turn_id=turn.id)
            except Exception as exc:
                events.append(SaveFailed(f"could not save the skip: {exc}"))
        return events + self._advance(after_skip(ref.scenario, turn))

    def _journal_error(self) -> str | None:
        """Why unsaved replies are not in a journal either (None: nothing unsaved, or journalled)."""
        if not self.unsaved:
            return None
        return self.journal.error if self.journal is not None else "no journal"

    def _summarise(self, reason: str) -> Summary:
        from empathy_coach.scoring.metrics import behaviour_metrics

        previous = previous_metrics = None
        if self.store is not None and (self.session_id is not None or self.results or self.skipped):
            self._retry_unsaved()
            try:
                session_id = self._session()
                self.store.finish_session(session_id)
                previous = self.store.previous_session(session_id)
                if previous is not None:
                    previous_results = [a.result for a in self.store.attempts(previous.id)]
                    previous_metrics = behaviour_metrics(previous_results) if previous_results else None
            except Exception:  # the summary still comes; what is stored is told below
                previous = previous_metrics = None
        scores = [r.score for r in self.results]
        return Summary(
            reason=reason,
            replies=len(self.results),
            passed=sum(1 for r in self.results if r.passed),
            skipped=self.skipped,
            mean_score=mean_of_shown(scores),
            metrics=behaviour_metrics(self.results),
            scenarios_finished=self.scenarios_finished,
            scenarios_planned=len(self.items),
            previous=previous,
            previous_metrics=previous_metrics,
            saved=self.saved if self.store is not None else None,
            unsaved=len(self.unsaved),
            journal_error=self._journal_error(),
        )
