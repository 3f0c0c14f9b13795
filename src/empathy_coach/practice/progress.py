"""The progress database opened with the drill's schedule (Leitner boxes, `practice.scheduling`)."""

from __future__ import annotations

from pathlib import Path

from empathy_coach.practice import scheduling
from empathy_coach.store.db import Clock, ProgressStore
from empathy_coach.store.db import open_store as _open_store


def open_store(path: Path | str | None = None, *, clock: Clock | None = None, read_only: bool = False) -> ProgressStore:
    """Open the progress database (default in the user's folder); replies recorded reschedule their turn.

    `read_only`: nothing is created or changed (progress, history and export).
    """
    return _open_store(path, clock=clock, read_only=read_only, scheduler=scheduling)
