"""What the progress database says about a student: mastery, trend, streaks, MITI metrics.

Pure computation over rows (`summarize_rows`), plus `summarize(store)` that reads them. The
structs encode to JSON with a fixed key order (their field order).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo

from msgspec import Struct

from empathy_coach.practice.scheduling import is_mastered
from empathy_coach.scoring.metrics import BehaviourMetrics, behaviour_metrics
from empathy_coach.store.models import AttemptRow, SessionRow

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
TREND_SESSIONS = 12  # session means shown in the trend
TREND_ATTEMPTS = 20  # attempt scores shown when there are too few sessions
RECENT = 10  # replies per skill that decide the weakest skill


class Mastery(Struct, kw_only=True):
    name: str
    attempts: int
    mean_score: float
    recent_mean_score: float  # over the last RECENT replies
    turns: int  # distinct turns practised
    mastered: int  # of those, in box >= 4
    mastered_share: float  # mastered / turns, 0..1


class Streak(Struct, kw_only=True):
    current: int  # consecutive days practised up to today (or up to yesterday, not broken yet)
    longest: int
    last_day: str | None  # local date, ISO


class Trend(Struct, kw_only=True):
    basis: str  # "sessions" (session means) or "attempts" (reply scores)
    scores: list[float]  # oldest first
    sparkline: str


class Suggestion(Struct, kw_only=True):
    skill: str
    recent_mean_score: float
    command: str


class ProgressSummary(Struct, kw_only=True):
    attempts: int
    sessions: int
    days_practised: int
    mean_score: float | None
    passed: int
    turns: int
    mastered_turns: int
    due: int
    streak: Streak
    trend: Trend
    skills: list[Mastery]
    tags: list[Mastery]
    metrics: BehaviourMetrics
    weakest: Suggestion | None


def sparkline(values: Sequence[float], *, low: float = 0.0, high: float = 100.0) -> str:
    """One block per value on a fixed 0-100 scale, so that a flat 90 looks high, not middling."""
    span = high - low or 1.0
    out = []
    for value in values:
        level = int((min(max(value, low), high) - low) / span * len(SPARK_BLOCKS))
        out.append(SPARK_BLOCKS[min(level, len(SPARK_BLOCKS) - 1)])
    return "".join(out)


def local_day(stamp: str, tz: tzinfo | None = None) -> date:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return moment.astimezone(tz).date()


def streaks(days: Iterable[date], today: date) -> Streak:
    practised = sorted(set(days))
    if not practised:
        return Streak(current=0, longest=0, last_day=None)
    longest = run = 1
    for before, after in zip(practised, practised[1:], strict=False):
        run = run + 1 if after - before == timedelta(days=1) else 1
        longest = max(longest, run)
    current = 0
    last = practised[-1]
    if today - last <= timedelta(days=1) and last <= today:
        current = 1
        day_set = set(practised)
        while last - timedelta(days=current) in day_set:
            current += 1
    return Streak(current=current, longest=longest, last_day=last.isoformat())


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 1)


def _mastery(name: str, rows: list[AttemptRow], boxes: dict[tuple[str, str], int]) -> Mastery:
    turns = {(r.scenario_id, r.turn_id) for r in rows}
    mastered = sum(1 for t in turns if is_mastered(boxes.get(t, 1)))
    scores = [r.score for r in rows]
    return Mastery(
        name=name,
        attempts=len(rows),
        mean_score=_mean(scores),
        recent_mean_score=_mean(scores[-RECENT:]),
        turns=len(turns),
        mastered=mastered,
        mastered_share=round(mastered / len(turns), 3) if turns else 0.0,
    )


def trend(attempts: Sequence[AttemptRow], sessions: Sequence[SessionRow]) -> Trend:
    means = [s.mean_score for s in reversed(sessions) if s.mean_score is not None]  # oldest first
    if len(means) >= 3:
        scores = means[-TREND_SESSIONS:]
        basis = "sessions"
    else:
        scores = [round(a.score, 1) for a in attempts[-TREND_ATTEMPTS:]]
        basis = "attempts"
    return Trend(basis=basis, scores=scores, sparkline=sparkline(scores))


def summarize_rows(
    attempts: Sequence[AttemptRow],
    sessions: Sequence[SessionRow],
    boxes: dict[tuple[str, str], int],
    *,
    due: int,
    today: date,
    tz: tzinfo | None = None,
) -> ProgressSummary:
    """The summary of `attempts` (oldest first) and `sessions` (newest first)."""
    by_skill: dict[str, list[AttemptRow]] = defaultdict(list)
    by_tag: dict[str, list[AttemptRow]] = defaultdict(list)
    for row in attempts:
        by_skill[row.skill].append(row)
        for tag in dict.fromkeys(row.tags):
            by_tag[tag].append(row)
    skills = [_mastery(name, rows, boxes) for name, rows in sorted(by_skill.items())]
    tags = [_mastery(name, rows, boxes) for name, rows in sorted(by_tag.items())]
    turns = {(r.scenario_id, r.turn_id) for r in attempts}
    days = [local_day(r.created_at, tz) for r in attempts]
    weakest = None
    if skills:
        worst = min(skills, key=lambda m: (m.recent_mean_score, m.mastered_share, m.name))
        weakest = Suggestion(
            skill=worst.name,
            recent_mean_score=worst.recent_mean_score,
            command=f"empathy-coach drill --skill {worst.name}",
        )
    return ProgressSummary(
        attempts=len(attempts),
        sessions=sum(1 for s in sessions if s.attempts),
        days_practised=len(set(days)),
        mean_score=_mean([r.score for r in attempts]) if attempts else None,
        passed=sum(1 for r in attempts if r.passed),
        turns=len(turns),
        mastered_turns=sum(1 for t in turns if is_mastered(boxes.get(t, 1))),
        due=due,
        streak=streaks(days, today),
        trend=trend(attempts, sessions),
        skills=skills,
        tags=tags,
        metrics=behaviour_metrics(r.result for r in attempts),
        weakest=weakest,
    )


def summarize(store, *, today: date | None = None, tz: tzinfo | None = None) -> ProgressSummary:
    """Read the whole database (`store`: a ProgressStore) and summarise it."""
    now = store.clock()
    return summarize_rows(
        store.attempts(),
        store.sessions(),
        store.schedule(),
        due=len(store.due_turns()),
        today=today if today is not None else now.astimezone(tz).date(),
        tz=tz,
    )


class SessionSummary(Struct, kw_only=True):
    """One line of `history`, and the summary of an exported transcript."""

    id: int
    started_at: str
    ended_at: str | None
    mode: str
    banks: list[str]
    replies: int
    passed: int
    mean_score: float | None
    rq_ratio: float | None
    percent_complex: float | None
    metrics: BehaviourMetrics
    scenarios: list[str] = []  # the scenario ids practised, in the order first met
    flags: int = 0  # replies the student flagged as scored wrongly


def session_summary(session: SessionRow, attempts: Sequence[AttemptRow]) -> SessionSummary:
    metrics = behaviour_metrics(a.result for a in attempts)
    return SessionSummary(
        id=session.id,
        started_at=session.started_at,
        ended_at=session.ended_at,
        mode=session.mode,
        banks=list(session.banks),
        replies=len(attempts),
        passed=sum(1 for a in attempts if a.passed),
        mean_score=_mean([a.score for a in attempts]) if attempts else None,
        rq_ratio=metrics.rq_ratio,
        percent_complex=metrics.percent_complex,
        metrics=metrics,
        scenarios=list(dict.fromkeys(a.scenario_id for a in attempts)),
        flags=sum(1 for a in attempts if a.flag is not None),
    )
