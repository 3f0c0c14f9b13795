"""The small shared types of every YAML model: the strict base Struct, ids, weights, levels, skills."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

Skill = Literal[
    "reflect_feeling",
    "reflect_content",
    "complex_reflection",
    "double_sided_reflection",
    "summary",
    "validation",
    "notice_nonverbal",
]
SKILLS: tuple[str, ...] = Skill.__args__  # type: ignore[attr-defined]

Level = Literal["error", "warning", "suggestion"]

NonEmptyStr = Annotated[str, Meta(min_length=1)]
Identifier = Annotated[
    str,
    Meta(
        pattern=r"^[a-z0-9][a-z0-9_.-]*$",
        description="lower-case letters, digits, '-', '_' or '.'",
    ),
]
Weight = Annotated[float, Meta(ge=0)]


class Base(Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    pass
