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


@dataclass
class InputError(Exception):
    """Bad input from a user: one or more problems, each with its location."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def single(cls, path: str, message: str, code: str, line: int = 0, column: int = 0) -> InputError:
        return cls([Problem(str(path), line, column, message, code)])
