"""Typed models of the YAML files people edit: banks, scenarios, turns, rubrics, rules, lexicons.

Defaults keep small files small: a turn needs only `id` and `client`. Every struct forbids
unknown fields so that a typo in a key is an error with a location, never silently ignored.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct, field

from empathy_coach.banks.fields import SKILLS as SKILLS
from empathy_coach.banks.fields import Base as Base
from empathy_coach.banks.fields import Identifier as Identifier
from empathy_coach.banks.fields import Level as Level
from empathy_coach.banks.fields import NonEmptyStr as NonEmptyStr
from empathy_coach.banks.fields import Skill as Skill
from empathy_coach.banks.fields import Weight as Weight
from empathy_coach.banks.kinds import RULE_KINDS as RULE_KINDS
from empathy_coach.banks.kinds import Rule
from empathy_coach.banks.kinds.base import RuleBase as RuleBase
from empathy_coach.codes import CODES
from empathy_coach.codes import ROADBLOCKS as ROADBLOCKS
from empathy_coach.codes import Behaviour as Behaviour
from empathy_coach.codes import Roadblock as Roadblock

# The ids of codes and roadblocks live in one place (empathy_coach.codes); re-exported for the models.
BEHAVIOUR_CODES = CODES

Difficulty = Literal["beginner", "intermediate", "advanced"]
DIFFICULTIES: tuple[str, ...] = Difficulty.__args__  # type: ignore[attr-defined]

# What a branch of `next` can test about the scored reply.
BranchCondition = Literal["always", "reflection", "question", "roadblock", "passed", "failed", Behaviour]
END = "end"

# ---------------------------------------------------------------- scenario banks


class ContentPoint(Base):
    """A key point a reflection should carry, with words that count as saying it."""

    text: NonEmptyStr
    synonyms: list[str] = field(default_factory=list)


class Exemplar(Base):
    """A model reply, shown on request, labelled with the behaviour it demonstrates."""

    reply: NonEmptyStr
    behaviour: Behaviour = "complex_reflection"
    note: str = ""
    # A known disagreement with the scorer, with its reason: reported as xfail, not as a failure.
    xfail: str | None = None


class Example(Base):
    """A reply with what the rubric must make of it: `check` runs these as tests."""

    reply: NonEmptyStr
    passed: bool | None = None
    behaviour: Behaviour | None = None
    roadblocks: list[Roadblock] = field(default_factory=list)
    min_score: Annotated[float, Meta(ge=0, le=100)] | None = None
    max_score: Annotated[float, Meta(ge=0, le=100)] | None = None
    note: str = ""
    # A known disagreement that must not break CI: `check` reports it as xfail, and again (xpass)
    # once the example starts to meet its expectations, so the mark can be removed.
    xfail: Annotated[str, Meta(min_length=1, description="why this example is expected to fail for now")] | None = None


class Branch(Base):
    """One arm of a turn's branching: the first arm whose condition holds picks the next turn."""

    goto: NonEmptyStr
    when: BranchCondition = "always"


class Turn(Base):
    id: Identifier
    client: NonEmptyStr
    nonverbal: str | None = None
    skill: Skill = "reflect_feeling"
    emotions: list[NonEmptyStr] = field(default_factory=list)
    content: list[str | ContentPoint] = field(default_factory=list)
    sides: list[str | ContentPoint] = field(default_factory=list)
    exemplars: list[str | Exemplar] = field(default_factory=list)
    hints: list[NonEmptyStr] = field(default_factory=list)
    next: str | list[Branch] | None = None
    examples: list[Example] = field(default_factory=list)
    # Replies from best to worst, as an MI trainer would order them: `check` fails when the
    # rubric's scores order them differently.
    rank: list[NonEmptyStr] = field(default_factory=list)
    # A known disagreement of the rubric with the ranking, with its reason: reported as xfail.
    rank_xfail: str | None = None

    def content_points(self) -> list[ContentPoint]:
        return [as_content_point(c) for c in self.content]

    def side_points(self) -> list[ContentPoint]:
        return [as_content_point(c) for c in self.sides]

    def exemplar_list(self) -> list[Exemplar]:
        return [Exemplar(reply=e) if isinstance(e, str) else e for e in self.exemplars]

    def branches(self) -> list[Branch]:
        if self.next is None:
            return []
        if isinstance(self.next, str):
            return [Branch(goto=self.next)]
        return list(self.next)


def as_content_point(value: str | ContentPoint) -> ContentPoint:
    return ContentPoint(text=value) if isinstance(value, str) else value


class Scenario(Base):
    id: Identifier
    title: NonEmptyStr
    setting: str = ""
    tags: list[NonEmptyStr] = field(default_factory=list)
    difficulty: Difficulty = "beginner"
    rubric: str | None = None
    turns: Annotated[list[Turn], Meta(min_length=1)] = field(default_factory=list)

    def turn(self, turn_id: str) -> Turn | None:
        for turn in self.turns:
            if turn.id == turn_id:
                return turn
        return None


class Bank(Base):
    id: Identifier
    title: NonEmptyStr
    version: str | int | float = "1"
    language: str = "en"
    description: str = ""
    # Shown before each of the bank's scenarios in a drill: what a student must know first
    # (for example that a safety bank is practice, not a crisis protocol).
    notice: str = ""
    authors: list[str] = field(default_factory=list)
    license: str = ""
    rubric: str = "default"
    scenarios: list[Scenario] = field(default_factory=list)


# ---------------------------------------------------------------- rubrics


class Rung(Base):
    """One step of the scoring ladder: the kinds of reply on it and the score range they can reach.

    A reply stands on the rung of its primary behaviour, or lower when it contains a roadblock
    listed on a lower rung; within the rung, the share of the rules' points it earned places it
    between `band`'s low and high ends.
    """

    id: Identifier
    band: Annotated[list[Annotated[float, Meta(ge=0, le=100)]], Meta(min_length=2, max_length=2)]
    label: str = ""
    behaviours: list[Behaviour] = field(default_factory=list)
    roadblocks: list[Roadblock] = field(default_factory=list)
    # The rung for a reply of a rung reaching the pass mark that fails a required rule
    # (parroting, a monologue): it cannot pass, and still ranks above the rungs below.
    capped: bool = False
    # A reply that fails any of these rules stands on this rung whatever its behaviour: a reply that
    # gives the client's statement back whole is parroting, whatever the client's own words do.
    when_failed: list[Identifier] = field(default_factory=list)
    # A reply on this rung that fails every one of these rules (of those that apply) stands on the
    # rung `otherwise` instead: a "reflection" that gives back none of the client's words or feelings
    # reflects nothing, it changes the subject.
    needs_any: list[Identifier] = field(default_factory=list)
    otherwise: str = ""


class Rubric(Base):
    id: Identifier
    title: str = ""
    description: str = ""
    pass_score: Annotated[float, Meta(ge=0, le=100)] = 60
    lexicons: list[Identifier] = field(default_factory=lambda: ["emotions", "roadblocks", "markers"])
    rules: Annotated[list[Rule], Meta(min_length=1)] = field(default_factory=list)
    # A coder file made by `empathy-coach coder fit`, relative to the rubric's file; empty: the built-in coder.
    coder: str = ""
    # The scoring ladder, best rung first (docs/scoring.md). Without one, the score is the share of
    # the rules' points earned, scaled below the pass mark when a required rule fails.
    ladder: list[Rung] = field(default_factory=list)


# ---------------------------------------------------------------- lexicons

Intensity = Annotated[int, Meta(ge=1, le=3)]


LexiconRole = Annotated[
    Literal["emotions", "markers", "roadblocks", "related", "coder-cues"],
    Meta(description="what the lexicon is for: feeling words by family (emotions), cue phrases by category (markers), "
                     "roadblock phrases by roadblock (roadblocks), groups of related words (related), the coder's cues (coder-cues)"),
]


class Lexicon(Base):
    """Words and phrases a rubric matches; `role` says which rules and passes read it."""

    id: Identifier
    role: LexiconRole
    description: str = ""
    emotions: dict[str, dict[str, Intensity]] = field(default_factory=dict)
    phrases: dict[str, list[str]] = field(default_factory=dict)


# ---------------------------------------------------------------- answers files (grading)


class Answer(Base):
    scenario: NonEmptyStr
    turn: NonEmptyStr
    reply: str
    id: str | None = None


class AnswersFile(Base):
    student: NonEmptyStr
    answers: list[Answer] = field(default_factory=list)


DOCUMENT_TYPES: dict[str, type[Struct]] = {
    "bank": Bank,
    "rubric": Rubric,
    "lexicon": Lexicon,
    "answers": AnswersFile,
}


def json_schema(kind: str) -> dict:
    schema = msgspec.json.schema(DOCUMENT_TYPES[kind])
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
