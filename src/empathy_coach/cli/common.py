"""What every command shares: consoles that honour NO_COLOR, error exits, JSON output.

Heavy imports (rich, msgspec, yaml) happen inside functions so that `--help` stays fast.
"""

from __future__ import annotations

import errno
import functools
import io
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from empathy_coach.atomic import WriteError
from empathy_coach.literal import printable

if TYPE_CHECKING:
    from rich.console import Console

    from empathy_coach.problems import InputError, Problem

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_BELOW, EXIT_INPUT = 0, 1, 2


class ListFormat(StrEnum):
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
        except typer.Exit:  # how a command ends: no other clause applies (nor imports what it names)
            raise
        except _input_error() as exc:  # an except clause is evaluated only when an exception reaches it
            report_problems(exc.problems)
            raise typer.Exit(EXIT_INPUT) from None
        except UsageError as exc:
            print(f"empathy-coach: {printable(str(exc))}", file=sys.stderr)
            raise typer.Exit(EXIT_INPUT) from None
        except WriteError as exc:
            _tell_write_error(exc)
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


def _input_error() -> type[InputError]:
    """InputError, imported when a command fails: a one-shot `score` from the cache never imports the problems module."""
    from empathy_coach.problems import InputError

    return InputError


def import_msgspec() -> None:
    """Import msgspec (the models' library) as it is imported where typing_extensions is not installed.

    msgspec reads type hints with typing_extensions when it can, else with `typing`; on Python 3.11+
    both give the same hints (msgspec asks with include_extras=True, and Required/NotRequired are
    typing's own), and typing_extensions is no dependency of this package. Importing it costs a
    one-shot `score` about 8 ms. It is hidden only while msgspec itself is imported, and stays
    importable for anything else; once msgspec (or typing_extensions) is loaded this does nothing.
    """
    if "msgspec" in sys.modules or "typing_extensions" in sys.modules:
        return
    sys.modules["typing_extensions"] = None  # type: ignore[assignment]  # makes its import fail: msgspec falls back
    try:
        import msgspec  # noqa: F401
    finally:
        del sys.modules["typing_extensions"]


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

    from empathy_coach.literal import json_safe

    sys.stdout.write(json_safe(msgspec.json.format(msgspec.json.encode(value), indent=2)).decode() + "\n")


def bank_paths(values: list | None, option: str = "--bank") -> list:
    """Paths given on the command line; an empty one is an error, never the current folder."""
    from pathlib import Path

    out = []
    for value in values or []:
        if not str(value).strip():
            raise UsageError(f"{option}: expected a file or folder, found an empty path ('')")
        out.append(Path(value))
    return out


def catalog(paths: list | None = None, *, strict: bool = True, examples: bool = False):
    """The content a command reads. Without the turns' calibration examples (`examples=False`), the
    built-in part comes from the MessagePack cache instead of being parsed as YAML at every call."""
    from pathlib import Path

    given = [Path(p) for p in paths or []]
    if strict and not examples:
        from empathy_coach.content.catalog import full_catalog

        return full_catalog(given)
    from empathy_coach.banks.catalog import Catalog

    return Catalog.discover(given, strict=strict)


# ---------------------------------------------------------------- standard output


class _Stdout(io.RawIOBase):
    """File descriptor 1 for the command line's sys.stdout.

    A reader that went away (`| head`) is not an error: the rest of the output is dropped and
    the command goes on to its verdict, which stays the exit code. Any other write error (a full
    disk, /dev/full) raises WriteError: one line on stderr and exit 2.
    """

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd
        self.gone = False
        self.error: WriteError | None = None
        self.told = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return os.isatty(self.fd)

    def write(self, data) -> int:
        size = len(memoryview(data))
        if self.gone:
            return size
        try:
            return os.write(self.fd, data)
        except BrokenPipeError:
            self.gone = True
            return size
        except OSError as exc:
            self.gone = True  # told once; what is still buffered is dropped at exit
            self.error = WriteError("standard output", exc.strerror or str(exc))
            raise self.error from None


def install_stdout() -> None:
    """Make sys.stdout keep the verdict on a closed pipe, report write errors in one line, and
    never fail on characters its encoding lacks (they are replaced)."""
    old = sys.stdout
    try:
        fd = old.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real stream (embedding): leave it
    encoding = getattr(old, "encoding", None) or "utf-8"
    try:
        old.flush()
    except (OSError, ValueError):
        pass
    raw = _Stdout(fd)
    buffered = io.BufferedWriter(raw)
    sys.stdout = io.TextIOWrapper(buffered, encoding=encoding, errors="replace", line_buffering=raw.isatty(), write_through=False)
    try:
        sys.stderr.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        pass


def _tell_write_error(exc: WriteError) -> None:
    raw = _raw_stdout()
    if raw is not None and exc is raw.error:
        if raw.told:
            return
        raw.told = True
    print(f"empathy-coach: {printable(str(exc))}", file=sys.stderr)


def _raw_stdout() -> _Stdout | None:
    raw = getattr(getattr(sys.stdout, "buffer", None), "raw", None)
    return raw if isinstance(raw, _Stdout) else None


def finish_stdout(code: int | str | None) -> int:
    """Flush standard output at the end of a run: a write error, at any time, is exit 2 and one line."""
    if isinstance(code, str):  # sys.exit("message")
        print(code, file=sys.stderr)
        code = EXIT_INPUT
    try:
        sys.stdout.flush()
    except WriteError:
        pass
    except (OSError, ValueError):
        pass
    raw = _raw_stdout()
    if raw is not None and raw.error is not None:
        _tell_write_error(raw.error)
        return EXIT_INPUT
    return code if isinstance(code, int) else 0
