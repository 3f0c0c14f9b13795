"""Per-student (or per-file) and overall summaries, tallied record by record in constant memory.

Behaviour figures come from `scoring.metrics.behaviour_metrics`, the same MITI summary the
drill and progress use: acts are counted, not replies. A tally keeps one counter per distinct
(behaviour, acts) combination, which stays small however many records pass through.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from msgspec import Struct

from empathy_coach.grading.records import Light
from empathy_coach.scoring.metrics import BehaviourMetrics, behaviour_metrics


class GroupSummary(Struct, kw_only=True):
    """One student's answers file, one JSON Lines file, or one student within a JSON Lines file."""

    name: str  # the student, or the file when records name no student
    file: str
    student: str | None
    records: int
    scored: int
    errors: int
    passed: int
    failed: int  # scored, but below the pass mark
    mean_score: float | None  # over scored records
    pass_rate: float | None  # percent of all records (an error counts as not passed)
    met_threshold: bool  # pass_rate >= --min-pass-rate (never with no record)
    metrics: BehaviourMetrics


class GradeSummary(Struct, kw_only=True):
    pass_score: float | None  # the --pass-score override, or None (each rubric's own)
    min_pass_rate: float
    groups: list[GroupSummary]
    overall: GroupSummary

    @property
    def all_met(self) -> bool:
        return all(g.met_threshold for g in self.groups) and self.overall.records > 0


class _Coded:
    """The two attributes behaviour_metrics reads."""

    __slots__ = ("behaviour", "acts")

    def __init__(self, behaviour: str, codes: tuple[str, ...]) -> None:
        self.behaviour = behaviour
        self.acts = [_Act(c) for c in codes]


class _Act:
    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code


@dataclass
class Tally:
    name: str
    file: str
    student: str | None
    records: int = 0
    errors: int = 0
    passed: int = 0
    score_sum: float = 0.0
    coded: Counter = field(default_factory=Counter)

    def add(self, item: Light) -> None:
        self.records += 1
        if item.error is not None or item.score is None:
            self.errors += 1
            return
        self.score_sum += item.score
        if item.passed:
            self.passed += 1
        self.coded[(item.behaviour, item.acts)] += 1

    def merge(self, other: Tally) -> None:
        self.records += other.records
        self.errors += other.errors
        self.passed += other.passed
        self.score_sum += other.score_sum
        self.coded.update(other.coded)

    def _replies(self) -> Iterator[_Coded]:
        for (behaviour, codes), count in sorted(self.coded.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
            one = _Coded(behaviour, codes)
            for _ in range(count):
                yield one

    def summary(self, min_pass_rate: float) -> GroupSummary:
        scored = self.records - self.errors
        pass_rate = round(100.0 * self.passed / self.records, 1) if self.records else None
        return GroupSummary(
            name=self.name,
            file=self.file,
            student=self.student,
            records=self.records,
            scored=scored,
            errors=self.errors,
            passed=self.passed,
            failed=scored - self.passed,
            mean_score=round(self.score_sum / scored, 1) if scored else None,
            pass_rate=pass_rate,
            met_threshold=pass_rate is not None and pass_rate >= min_pass_rate,
            metrics=behaviour_metrics(self._replies()),
        )


class Tallies:
    """Groups in order of first appearance, and the overall tally."""

    def __init__(self) -> None:
        self.groups: dict[tuple[int, str | None], Tally] = {}

    def add(self, source_index: int, file: str, item: Light) -> None:
        key = (source_index, item.student)
        tally = self.groups.get(key)
        if tally is None:
            tally = self.groups[key] = Tally(item.student or file, file, item.student)
        tally.add(item)

    def ensure(self, source_index: int, file: str, student: str | None) -> None:
        """A source with no record still has a row (an empty answers file does not pass)."""
        if not any(k[0] == source_index for k in self.groups):
            self.groups[(source_index, student)] = Tally(student or file, file, student)

    def summary(self, pass_score: float | None, min_pass_rate: float) -> GradeSummary:
        overall = Tally("overall", "", None)
        for tally in self.groups.values():
            overall.merge(tally)
        return GradeSummary(
            pass_score=pass_score,
            min_pass_rate=min_pass_rate,
            groups=[t.summary(min_pass_rate) for t in self.groups.values()],
            overall=overall.summary(min_pass_rate),
        )
