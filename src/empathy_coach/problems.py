"""One record type for every finding about a user's file, and the error that carries them.

Every layer reports problems as `Problem`s; every renderer (linter lines, JSON, GitHub
annotations, a one-line CLI error) consumes the same record.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str
    code: str = "schema"
    level: str = "error"

    def location(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"

    def as_line(self) -> str:
        return f"{self.location()}: {self.level}: {self.message} [{self.code}]"

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "level": self.level,
            "code": self.code,
            "message": self.message,
        }


MAX_PROBLEMS_PER_FILE = 100


def has_room(problems: list[Problem]) -> bool:
    """Whether another problem of this file is worth the cost of locating and wording it."""
    return len(problems) < MAX_PROBLEMS_PER_FILE


def overflow(path: str, code: str = "schema") -> Problem:
    """A cheap stand-in for a problem past the cap: only counted (see `capped`)."""
    return Problem(path, 0, 0, "", code)


def capped(problems: list[Problem]) -> list[Problem]:
    """At most MAX_PROBLEMS_PER_FILE problems per file, then one line counting the rest."""
    by_file: dict[str, int] = {}
    kept: list[Problem] = []
    left_out: dict[str, int] = {}
    for problem in problems:
        seen = by_file.get(problem.path, 0)
        by_file[problem.path] = seen + 1
        if seen < MAX_PROBLEMS_PER_FILE and problem.message:
            kept.append(problem)
        else:
            left_out[problem.path] = left_out.get(problem.path, 0) + 1
    for path, count in left_out.items():
        kept.append(Problem(path, 0, 0, f"{count} more problem{'s' if count != 1 else ''} in this file not shown (the first {MAX_PROBLEMS_PER_FILE} "
                                        "are)", "too-many"))
    return kept


@dataclass
class InputError(Exception):
    """Bad input from a user: one or more problems, each with its location."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def single(cls, path: str, message: str, code: str, line: int = 0, column: int = 0) -> InputError:
        return cls([Problem(str(path), line, column, message, code)])
