"""What every command shares: consoles that honour NO_COLOR, error exits, JSON output.

Heavy imports (rich, msgspec, yaml) happen inside functions so that `--help` stays fast.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import typer

from empathy_coach.problems import InputError, Problem

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_BELOW, EXIT_INPUT = 0, 1, 2


class ListFormat(str, Enum):
    text = "text"
    json = "json"


class Settings:
    no_color: bool = False


def color_allowed() -> bool:
    return not (Settings.no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb")


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    class QuietOnClosedPipe(Console):
        # `empathy-coach show X | head` is not a failure: rich would exit 1, `guarded` exits 0.
        def on_broken_pipe(self) -> None:
            self.quiet = True
            try:  # so that Python's own flush at exit finds nowhere to fail
                os.dup2(os.open(os.devnull, os.O_WRONLY), self.file.fileno())
            except (OSError, ValueError):
                pass
            raise BrokenPipeError

    stream = sys.stderr if stderr else sys.stdout
    return QuietOnClosedPipe(
        file=stream,
        no_color=not color_allowed(),
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )


def report_problems(problems: list[Problem]) -> None:
    from empathy_coach.reports.literal import printable

    for problem in problems:  # file names and messages quote the user's text: shown literally
        print(printable(f"empathy-coach: {problem.location()}: {problem.message}"), file=sys.stderr)


def guarded(func: F) -> F:
    """Turn bad input into a one-line located error and exit code 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return func(*args, **kwargs)
            finally:
                sys.stdout.flush()  # here, where a full disk is reported, not in Python's flush at exit
        except InputError as exc:
            report_problems(exc.problems)
            raise typer.Exit(EXIT_INPUT) from None
        except UsageError as exc:
            from empathy_coach.reports.literal import printable

            print(printable(f"empathy-coach: {exc}"), file=sys.stderr)
            raise typer.Exit(EXIT_INPUT) from None
        except BrokenPipeError:
            raise typer.Exit(EXIT_OK) from None
        except OSError as exc:
            if exc.errno not in _WRITE_ERRORS:
                raise
            print(f"empathy-coach: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
            try:  # what is still buffered goes nowhere, so Python's flush at exit does not fail again
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError, AttributeError):
                pass
            raise typer.Exit(EXIT_INPUT) from None

    return wrapper  # type: ignore[return-value]


_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def tolerant_stdin() -> None:
    """Read standard input without failing on bytes that are not UTF-8 (they reach `writable`)."""
    try:
        sys.stdin.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        pass  # not a text stream we can reconfigure (tests, embedding): it decodes as it will


class UsageError(Exception):
    """A wrong flag or argument combination, told in one line."""


def write_json(value: Any) -> None:
    import msgspec

    sys.stdout.write(msgspec.json.format(msgspec.json.encode(value), indent=2).decode() + "\n")


def bank_paths(values: list | None, option: str = "--bank") -> list:
    """Paths given on the command line; an empty one is an error, never the current folder."""
    from pathlib import Path

    out = []
    for value in values or []:
        if not str(value).strip():
            raise UsageError(f"{option}: expected a file or folder, found an empty path ('')")
        out.append(Path(value))
    return out


def catalog(paths: list | None = None, *, strict: bool = True):
    from pathlib import Path

    from empathy_coach.banks.catalog import Catalog

    return Catalog.discover([Path(p) for p in paths or []], strict=strict)
