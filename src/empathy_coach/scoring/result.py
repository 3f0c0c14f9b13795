"""What scoring returns: plain msgspec Structs that encode to stable JSON (fixed key order)."""

from __future__ import annotations

import msgspec
from msgspec import Struct, field

from empathy_coach.codes import BEHAVIOUR_LABELS

__all__ = ["BEHAVIOUR_LABELS", "ActResult", "RoadblockFinding", "RuleResult", "ScoreResult", "Span"]

class Span(Struct, array_like=False):
    start: int
    end: int
    text: str


class ActResult(Struct):
    code: str
    start: int
    end: int
    text: str
    features: list[str] = field(default_factory=list)


class RoadblockFinding(Struct):
    kind: str
    start: int
    end: int
    text: str


class RuleResult(Struct):
    id: str
    kind: str
    passed: bool
    points: float  # weighted points earned
    max_points: float  # the rule's weight
    spans: list[Span]
    message: str
    level: str = "warning"
    tip: str = ""
    required: bool = False


class ScoreResult(Struct):
    score: float
    passed: bool
    pass_score: float
    behaviour: str
    behaviour_label: str
    features: list[str]
    acts: list[ActResult]
    roadblocks: list[RoadblockFinding]
    rules: list[RuleResult]
    tips: list[str]
    rubric: str
    truncated: bool = False
    rung: str = ""  # the ladder's rung the reply stands on (docs/scoring.md), when the rubric has a ladder
    rung_label: str = ""


class ScoredRecord(Struct, omit_defaults=False):
    """One record of `grade --format json|jsonl`: the input's identity, then its score."""

    id: str
    score: float | None
    passed: bool
    behaviour: str | None
    acts: list[ActResult]
    roadblocks: list[RoadblockFinding]
    rules: list[RuleResult]
    tips: list[str]
    scenario: str | None = None
    turn: str | None = None
    student: str | None = None
    line: int | None = None
    error: str | None = None
    file: str | None = None  # the input it came from ('<stdin>' for standard input)
    pass_score: float | None = None  # the pass mark it was graded against (rubric's, or --pass-score)
    truncated: bool = False  # the reply was longer than the scorer analyses
    rung: str = ""  # the scoring ladder's rung the reply stands on (docs/scoring.md), when the rubric has one


def result_schema() -> dict:
    schema = msgspec.json.schema(ScoredRecord)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
