"""When should a turn come back? Leitner boxes, one per (scenario, turn). Pure functions, no I/O.

Why Leitner boxes rather than SM-2:

- transparent: "box 3 of 5, back in 3 days" is something a student and an instructor can read,
  predict and argue with; SM-2's ease factor is an opaque real number;
- robust with few reviews: a trainee sees a given turn a handful of times in a course, and SM-2's
  ease factor needs many reviews to settle (early mistakes skew it for a long time);
- a rubric score maps naturally onto promote / stay / demote, without inventing SM-2's 0-5 grades.

The rules:

| box | comes back after | |
|---|---|---|
| 1 | 0 days (this or the next session) | new, failed or skipped turns |
| 2 | 1 day | |
| 3 | 3 days | |
| 4 | 7 days | mastered from here |
| 5 | 21 days | |

- a reply that passes with a high score (at least `PROMOTE_SCORE`, and at least the rubric's pass
  mark) moves the turn up one box (box 5 stays in box 5);
- a reply that passes with a lower score keeps the turn in its box (and its interval starts again);
- a reply that fails sends the turn back to box 1;
- a skipped turn keeps its box but is due again at once, so it comes back soon.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from empathy_coach.store.db import as_utc
from empathy_coach.store.models import Card

FIRST_BOX = 1
LAST_BOX = 5
MASTERED_BOX = 4
PROMOTE_SCORE = 80.0

INTERVALS: dict[int, timedelta] = {
    1: timedelta(0),
    2: timedelta(days=1),
    3: timedelta(days=3),
    4: timedelta(days=7),
    5: timedelta(days=21),
}


__all__ = ["Card", "as_utc", "due_after", "is_mastered", "new_card", "next_box", "review", "skip"]


def next_box(box: int, *, passed: bool, score: float, promote_score: float = PROMOTE_SCORE) -> int:
    """The box a turn moves to after one scored reply."""
    box = min(max(box, FIRST_BOX), LAST_BOX)
    if not passed:
        return FIRST_BOX
    if score >= promote_score:
        return min(box + 1, LAST_BOX)
    return box


def due_after(box: int, now: datetime) -> datetime:
    return as_utc(now) + INTERVALS[min(max(box, FIRST_BOX), LAST_BOX)]


def new_card(now: datetime) -> Card:
    return Card(box=FIRST_BOX, due_at=as_utc(now))


def review(card: Card | None, *, passed: bool, score: float, now: datetime, promote_score: float = PROMOTE_SCORE) -> Card:
    """The card after a scored reply (`card` None: the turn's first reply)."""
    current = card if card is not None else new_card(now)
    box = next_box(current.box, passed=passed, score=score, promote_score=promote_score)
    lapsed = not passed and current.box > FIRST_BOX
    return Card(box=box, due_at=due_after(box, now), reviews=current.reviews + 1, lapses=current.lapses + int(lapsed))


def skip(card: Card | None, *, now: datetime) -> Card:
    """The card after the student skipped the turn: same box, due again now."""
    current = card if card is not None else new_card(now)
    return Card(box=current.box, due_at=as_utc(now), reviews=current.reviews, lapses=current.lapses)


def is_mastered(box: int) -> bool:
    return box >= MASTERED_BOX
