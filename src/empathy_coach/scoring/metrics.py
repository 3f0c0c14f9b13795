"""Session metrics in the way MITI 4.2 summarises a conversation: counted over acts, not replies.

A reply such as "It sounds exhausting. What keeps you going?" is one reflection and one question,
so the reflection-to-question ratio and the percent of complex reflections count both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol

from msgspec import Struct

from empathy_coach.codes import QUESTIONS, REFLECTIONS

# MITI 4.2 summary thresholds: (fair, good).
RQ_THRESHOLDS = (1.0, 2.0)
PERCENT_COMPLEX_THRESHOLDS = (40.0, 50.0)

Band = Literal["below fair", "fair", "good", "n/a"]


class _Act(Protocol):
    @property
    def code(self) -> str: ...


class _Scored(Protocol):
    @property
    def behaviour(self) -> str | None: ...

    @property
    def acts(self) -> Sequence[_Act]: ...


class BehaviourMetrics(Struct, kw_only=True):
    replies: int
    behaviours: dict[str, int]  # the primary code of each reply
    acts: dict[str, int]  # every act of every reply
    reflections: int
    questions: int
    complex_reflections: int
    rq_ratio: float | None  # None when there was no question at all
    percent_complex: float | None  # None when there was no reflection
    rq_band: Band
    percent_complex_band: Band


def _band(value: float | None, thresholds: tuple[float, float], *, no_denominator: Band) -> Band:
    if value is None:
        return no_denominator
    fair, good = thresholds
    if value >= good:
        return "good"
    if value >= fair:
        return "fair"
    return "below fair"


def behaviour_metrics(results: Iterable[_Scored]) -> BehaviourMetrics:
    """Counts and MITI summary figures for scored replies (ScoreResult or ScoredRecord alike)."""
    behaviours: Counter[str] = Counter()
    acts: Counter[str] = Counter()
    replies = 0
    for result in results:
        if result.behaviour is None:  # a record that could not be scored
            continue
        replies += 1
        behaviours[result.behaviour] += 1
        codes = [act.code for act in result.acts] or [result.behaviour]
        acts.update(codes)
    return metrics_from_counts(replies, behaviours, acts)


def metrics_from_counts(replies: int, behaviours: dict[str, int], acts: dict[str, int]) -> BehaviourMetrics:
    """The MITI summary from counts already made (a class report adds them up as it streams)."""
    reflections = sum(acts.get(c, 0) for c in REFLECTIONS)
    questions = sum(acts.get(c, 0) for c in QUESTIONS)
    complex_reflections = acts.get("complex_reflection", 0)
    rq_ratio = round(reflections / questions, 2) if questions else None
    percent_complex = round(100.0 * complex_reflections / reflections, 1) if reflections else None
    # Reflections and no question at all meets the ratio whatever its size.
    rq_band = _band(rq_ratio, RQ_THRESHOLDS, no_denominator="good" if reflections else "n/a")
    return BehaviourMetrics(
        replies=replies,
        behaviours=dict(sorted(behaviours.items())),
        acts=dict(sorted(acts.items())),
        reflections=reflections,
        questions=questions,
        complex_reflections=complex_reflections,
        rq_ratio=rq_ratio,
        percent_complex=percent_complex,
        rq_band=rq_band,
        percent_complex_band=_band(percent_complex, PERCENT_COMPLEX_THRESHOLDS, no_denominator="n/a"),
    )
