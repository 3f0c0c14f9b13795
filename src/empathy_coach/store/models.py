"""Rows read back from the progress database: plain msgspec Structs."""

from __future__ import annotations

from datetime import datetime

from msgspec import Struct

from empathy_coach.problems import InputError, Problem
from empathy_coach.scoring.result import ScoreResult


class Card(Struct, kw_only=True):
    """The schedule of one turn (practice.scheduling decides it, the store keeps it)."""

    box: int = 1
    due_at: datetime
    reviews: int = 0  # scored replies
    lapses: int = 0  # failed replies after having been out of box 1


class AttemptRow(Struct, kw_only=True):
    id: int
    session_id: int
    created_at: str  # ISO 8601, UTC
    scenario_id: str
    turn_id: str
    skill: str
    tags: list[str]
    client: str
    reply: str
    score: float
    passed: bool
    behaviour: str
    hints_used: int
    result: ScoreResult
    flag: str | None = None  # the student's note when they flagged the score ('' for a flag without a note)


class SessionRow(Struct, kw_only=True):
    id: int
    started_at: str  # ISO 8601, UTC
    ended_at: str | None
    mode: str
    banks: list[str]
    attempts: int
    mean_score: float | None  # None when the session has no attempt


class SkipRow(Struct, kw_only=True):
    session_id: int
    created_at: str  # ISO 8601, UTC
    scenario_id: str
    turn_id: str


class DueTurn(Struct, kw_only=True):
    scenario_id: str
    turn_id: str
    box: int
    due_at: str  # ISO 8601, UTC


class StoreError(InputError):
    """The progress database cannot be used (locked too long, unwritable, from a newer version).

    An `InputError`, so a command wrapped in `cli.common.guarded` prints one line and exits 2.
    """

    def __init__(self, message: str, path: object = "progress database") -> None:
        super().__init__([Problem(path=str(path), line=0, column=0, message=message, code="store")])
        self.message = message
