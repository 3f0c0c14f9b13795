"""What to grade: answers files (YAML) and JSON Lines streams, found from the command line's paths.

Answers files are small and are loaded (and validated, with `file:line:column` errors) before any
grading starts. JSON Lines are only opened here; their lines are read one by one while grading,
so memory stays flat whatever their size.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from empathy_coach.grading.records import FORBIDDEN_KEYS, FORBIDDEN_MESSAGE, Item
from empathy_coach.literal import printable, writable
from empathy_coach.problems import InputError, Problem

ANSWERS_SUFFIXES = (".yaml", ".yml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
STDIN = "-"
STDIN_NAME = "<stdin>"  # how records and reports name standard input


@dataclass
class AnswersSource:
    """One student's answers file, loaded and validated."""

    file: str
    student: str
    items: list[Item]
    size: int = 0
    path: Path | None = field(default=None, compare=False)  # the real file (`file` is for display)

    kind = "answers"


@dataclass
class JsonlSource:
    """A JSON Lines file, or standard input when `file` is '-'."""

    file: str
    size: int = 0  # bytes, when known (for progress)
    path: Path | None = None
    stdin: BinaryIO | None = field(default=None, repr=False)

    kind = "jsonl"

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """(1-based line number, raw bytes) for every line, read one at a time."""
        if self.path is None:
            stream = self.stdin if self.stdin is not None else sys.stdin.buffer
            yield from _numbered(stream)
            return
        try:
            handle = open(self.path, "rb")
        except OSError as exc:
            raise InputError.single(self.file, f"cannot read the file: {exc.strerror or exc}", "unreadable") from None
        with handle:
            yield from _numbered(handle)


MAX_LINE_BYTES = 16 * 1024 * 1024  # one JSON Lines record; only a reply's first 5,000 characters are scored
MAX_SKIPPED_BYTES = 1024 * 1024 * 1024  # one line longer than this (say, /dev/zero) ends the reading


class Overlong(bytes):
    """Stands for a line longer than MAX_LINE_BYTES: its size, and whether reading stopped there."""

    size: int = 0
    stopped: bool = False

    @classmethod
    def of(cls, size: int, stopped: bool) -> Overlong:
        line = cls(b"")
        line.size, line.stopped = size, stopped
        return line

    def __reduce__(self):  # pickled to worker processes with its size
        return (Overlong.of, (self.size, self.stopped))


def _numbered(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(number, line) with every line read with a bound, so memory stays flat on any input."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            size = len(raw)
            while size <= MAX_SKIPPED_BYTES:
                rest = stream.readline(1024 * 1024)
                size += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            stopped = size > MAX_SKIPPED_BYTES
            yield number, Overlong.of(size, stopped)
            if stopped:
                return
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        yield number, raw


Source = AnswersSource | JsonlSource


def collect(paths: list[str], stdin: BinaryIO | None = None) -> list[Source]:
    """Every source named by `paths` (files, folders, '-'), in a stable order.

    Raises InputError listing every path or answers file that cannot be used.
    """
    problems: list[Problem] = []
    sources: list[Source] = []
    seen: set[str] = set()
    if not paths:
        raise InputError.single(STDIN, "expected at least one answers file, folder or '-' for standard input", "usage")
    for given in paths:
        if given == "":
            problems.append(Problem("''", 0, 0, "expected a file, folder or '-' for standard input, found an empty path", "usage"))
            continue
        if given == STDIN:
            if STDIN in seen:
                problems.append(Problem(STDIN, 0, 0, "standard input ('-') can be read only once", "usage"))
                continue
            seen.add(STDIN)
            sources.append(JsonlSource(STDIN_NAME, 0, None, stdin))
            continue
        path = Path(given)
        shown = writable(given)
        if path.is_dir():
            unreadable: list[str] = []
            files = _answers_in(path, unreadable)
            for told in unreadable:  # a warning on stderr: the grade goes on without that folder
                print(f"empathy-coach: warning: {printable(shown)}: a folder could not be read and was skipped ({printable(writable(told))})", file=sys.stderr)
            if not files:
                problems.append(Problem(shown, 0, 0, f"expected a folder with answers files ({', '.join(ANSWERS_SUFFIXES + JSONL_SUFFIXES)}), found "
                                                     "none", "no-answers"))
            for file in files:
                _add_file(file, _display(file), sources, problems, seen)
        elif path.is_file():
            _add_file(path, shown, sources, problems, seen)
        elif path.exists():  # a FIFO, socket or device: reading it could block forever
            problems.append(Problem(shown, 0, 0, f"expected a regular file or folder, found {_kind_of(path)} (use '-' to read standard input)", "not-a-file"))
        elif path.is_symlink():
            problems.append(Problem(shown, 0, 0, "expected a file or folder, found a symbolic link that leads nowhere (a loop, or a missing target)",
                                    "missing"))
        else:
            problems.append(Problem(shown, 0, 0, "no such file or folder", "missing"))
    if problems:
        raise InputError(problems)
    return sources


def _answers_in(folder: Path, unreadable: list[str] | None = None) -> list[Path]:
    from empathy_coach.paths import walk_files

    return walk_files(folder, ANSWERS_SUFFIXES + JSONL_SUFFIXES, unreadable, hidden=False)


def output_conflict(output: Path, given: list[str], sources: list[Source], others: Sequence[Path] = ()) -> str | None:
    """Why a report written to `output` would destroy or join an input, or None when it is safe.

    `others` are the run's other inputs (banks, rubrics, lexicons, the progress database).
    Checked before the output is opened: opening it first would empty an input before it is read.
    """
    if str(output) == STDIN:
        return None
    target = Path(os.path.realpath(output))
    shown = writable(str(output))
    if target.exists():
        target_id = _file_id(target)
        for source in sources:
            if source.path is not None and _file_id(source.path) == target_id:  # the same file, or a link to it
                return f"--output {shown}: is also an input ({source.file}); writing the report there would overwrite the answers"
        for other in others:
            if target_id is not None and _file_id(other) == target_id:
                return f"--output {shown}: is also an input of this run ({writable(str(other))}); write the report elsewhere"
    for other in others:
        if Path(os.path.realpath(other)) == target:
            return f"--output {shown}: is also an input of this run ({writable(str(other))}); write the report elsewhere"
    for name in given:
        if name != STDIN and Path(name).is_dir() and would_grade(Path(os.path.realpath(name)), target):
            return f"--output {shown}: is inside the input folder {writable(name)} and would be graded as answers; write the report elsewhere"
    return None


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def would_grade(folder: Path, path: Path) -> bool:
    """Whether the walk of `folder` grades `path` (or would, once it exists). Both resolved."""
    try:
        relative = path.relative_to(folder).parts
    except ValueError:
        return False
    if not relative or any(part.startswith(".") for part in relative):
        return False
    return path.suffix in ANSWERS_SUFFIXES + JSONL_SUFFIXES and (path.is_file() or not path.exists())


def _display(path: Path) -> str:
    return writable(path.as_posix())


def _kind_of(path: Path) -> str:
    import stat

    try:
        mode = path.stat().st_mode
    except OSError:
        return "something that is not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "something that is not a file"


def _add_file(path: Path, display: str, sources: list[Source], problems: list[Problem], seen: set[str]) -> None:
    key = os.path.realpath(path)
    if key in seen:
        return
    seen.add(key)
    if path.suffix in JSONL_SUFFIXES:
        try:
            size = path.stat().st_size
        except OSError as exc:
            problems.append(Problem(display, 0, 0, f"cannot read the file: {exc.strerror or exc}", "unreadable"))
            return
        sources.append(JsonlSource(display, size, path))
    elif path.suffix in ANSWERS_SUFFIXES:
        try:
            sources.append(load_answers(path, display))
        except InputError as exc:
            problems.extend(exc.problems)
    else:
        problems.append(Problem(display, 0, 0, f"expected an answers file ({', '.join(ANSWERS_SUFFIXES)}) or JSON Lines "
                                               f"({', '.join(JSONL_SUFFIXES)}, or '-'), found a '{writable(path.suffix) or 'no'}' suffix", "unknown-format"))


def load_answers(path: Path, display: str | None = None) -> AnswersSource:
    """A student's answers file through the project's loader: every error has file:line:column."""
    from empathy_coach.banks.loader import detect_kind, load_parsed
    from empathy_coach.banks.yamlsource import load_document

    name = display or _display(path)
    doc = load_document(path, name)
    if isinstance(doc.data, dict):
        kind = detect_kind(doc, path)
        if kind != "answers":
            raise InputError([doc.problem((), f"expected an answers file (with 'student' and 'answers'), found a {kind} file; give banks with --bank",
                                          "not-answers")])
        _refuse_forbidden_keys(doc)
    loaded = load_parsed(doc, "answers")
    answers = loaded.value
    student = _clean(answers.student)
    items = []
    for index, answer in enumerate(answers.answers):
        line, _ = doc.locate(("answers", index))
        items.append(
            Item(
                line,
                id=answer.id or f"{answer.scenario}/{answer.turn}",
                reply=_clean(answer.reply),
                scenario=answer.scenario,
                turn=answer.turn,
                student=student,
            )
        )
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return AnswersSource(name, student, items, size, path)


def _refuse_forbidden_keys(doc) -> None:
    """`bank:` or `rubric:` in a student's file: refused with a message that says why."""
    problems = []
    data = doc.data
    for key in FORBIDDEN_KEYS:
        if key in data:
            problems.append(doc.problem((key,), FORBIDDEN_MESSAGE.format(key=key), "not-allowed", key=True))
    answers = data.get("answers")
    if isinstance(answers, list):
        for index, answer in enumerate(answers):
            if isinstance(answer, dict):
                for key in FORBIDDEN_KEYS:
                    if key in answer:
                        problems.append(doc.problem(("answers", index, key), FORBIDDEN_MESSAGE.format(key=key), "not-allowed", key=True))
    if problems:
        raise InputError(sorted(problems))


def _clean(text: str) -> str:
    """Text that can be written as UTF-8 (a YAML escape can produce a lone surrogate)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
