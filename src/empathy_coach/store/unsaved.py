"""A scored reply the progress database did not take yet: what the drill keeps (and the journal stores) until it does."""

from __future__ import annotations

import msgspec

from empathy_coach.scoring.result import ScoreResult


class UnsavedReply(msgspec.Struct, kw_only=True):
    session_id: int | None
    scenario_id: str
    turn_id: str
    skill: str
    tags: list[str]
    client: str
    reply: str
    result: ScoreResult
    hints_used: int = 0
    banks: list[str] = []
    mode: str = "drill"
