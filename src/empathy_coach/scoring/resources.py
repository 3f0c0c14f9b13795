"""Built-in rubrics and lexicons, loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from empathy_coach.banks import models as m
from empathy_coach.banks.catalog import builtin_root
from empathy_coach.banks.loader import load_file


@lru_cache(maxsize=None)
def builtin_lexicon(name: str) -> m.Lexicon:
    return load_file(builtin_root() / "lexicons" / f"{name}.yaml", "lexicon", source="built-in").value


@lru_cache(maxsize=None)
def builtin_rubric(name: str) -> m.Rubric:
    return load_file(builtin_root() / "rubrics" / f"{name}.yaml", "rubric", source="built-in").value


def builtin_lexicon_path(name: str) -> Path:
    return builtin_root() / "lexicons" / f"{name}.yaml"
