"""What every rule kind shares: the common fields, and the hooks a kind may fill (validation, children)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from msgspec import field

from empathy_coach.banks.fields import Base, Identifier, Level, Skill, Weight

# A problem a kind finds in one of its rules: the path below the rule, what is wrong, the problem code.
RuleProblem = tuple[tuple[str | int, ...], str, str]


class RuleBase(Base, tag_field="kind"):
    """Fields every rule has; each kind adds its own parameters."""

    id: Identifier
    weight: Weight = 1.0
    level: Level = "warning"
    required: bool = False  # when it fails, the reply cannot pass whatever its score
    message: str = ""
    tip: str = ""
    skills: list[Skill] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # The role of the lexicon a kind's `lexicon:` names (None: the kind reads no lexicon).
    LEXICON_ROLE: ClassVar[str | None] = None

    @property
    def kind(self) -> str:
        return str(self.__struct_config__.tag)

    def problems(self) -> Iterator[RuleProblem]:
        """What is wrong with this rule on its own (the loader adds the place in the file)."""
        return iter(())

    def children(self) -> list[str]:
        """The ids of the rules this one combines (compositions only)."""
        return []
