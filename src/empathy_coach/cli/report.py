"""`empathy-coach report`: the instructor's class report from grade output and drill exports."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path

import typer

from empathy_coach.cli.common import EXIT_INPUT, UsageError, guarded

SHOWN_PROBLEMS = 5


class ReportFormat(StrEnum):
    """`--format`: each has a renderer in `reports.class_render.RENDERERS` (a test checks)."""

    html = "html"
    md = "md"
    json = "json"


_SUFFIX_FORMAT = {".html": ReportFormat.html, ".htm": ReportFormat.html, ".md": ReportFormat.md, ".json": ReportFormat.json}


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)


@guarded
def report_command(
    inputs: list[str] = typer.Argument(..., metavar="INPUT...", help="`grade --format jsonl|json` output, drill exports (`export --format json`), "
                                                                     "folders of them, or '-' for JSON Lines on standard input."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to this file (default: standard output)."),
    fmt: ReportFormat | None = typer.Option(None, "--format", "-f", help="html (one self-contained page), md or json. Default: from the --output "
                                                                         "suffix, else html."),
    title: str = typer.Option("Class report", "--title", help="The report's title."),
    bank: list[Path] | None = typer.Option(None, "--bank", "-b", help="A bank file or folder that tells each turn's target skill (repeatable); the "
                                                                      "built-in and your own banks are read too."),
) -> None:
    """The class report: who is struggling, the hardest scenarios, turns and skills, roadblocks,
    trends across assignments, and disputed scores.

    Each input file is an assignment unless its records carry an `assignment` key (a drill
    export: the day of its session). Records that cannot be used are counted and located on
    stderr; exit 2 only when no record is usable.
    """
    from empathy_coach.reports.class_input import expand
    from empathy_coach.reports.class_render import RENDERERS
    from empathy_coach.reports.class_report import BankLookup, NothingUsable, build

    if any(given == "" for given in inputs):
        raise UsageError("INPUT: expected a file, folder or '-' for standard input, found an empty path ('')")
    if fmt is None:
        fmt = _SUFFIX_FORMAT.get(output.suffix.lower(), ReportFormat.html) if output is not None else ReportFormat.html
    files = expand(inputs)
    if output is not None and str(output) != "-":
        _refuse_input_as_output(output, inputs, files)
    banks = BankLookup([str(p) for p in bank or []])
    stdin = sys.stdin.buffer if "-" in files else None
    try:
        report = build(inputs, title=title, skill_of=banks.skill, title_of=banks.title, stdin=stdin)
    except NothingUsable as exc:
        print("empathy-coach: report: no usable record in the inputs:", file=sys.stderr)
        for problem in exc.problems[:SHOWN_PROBLEMS]:
            print(f"  {problem}", file=sys.stderr)
        raise typer.Exit(EXIT_INPUT) from None
    for problem in banks.problems[:SHOWN_PROBLEMS]:
        print(f"empathy-coach: note: a bank could not be read, its turns' skill is unknown: {problem}", file=sys.stderr)
    pieces = RENDERERS[fmt.value](report)
    _tell_left_out(report)
    if output is None or str(output) == "-":
        for piece in pieces:
            sys.stdout.write(piece)
        sys.stdout.flush()
        return
    _write_atomically(output, pieces)
    from empathy_coach.reports.class_render import count

    print(f"empathy-coach: wrote the class report ({count(report.overview.students.value, 'student')}, "
          f"{count(report.overview.replies.value, 'reply', 'replies')}) to {output}", file=sys.stderr)


def _tell_left_out(report) -> None:
    p = report.problems
    left = p.unreadable + p.ungraded
    if not left:
        return
    print(f"empathy-coach: {left} record{'s' if left != 1 else ''} left out ({p.unreadable} unreadable, {p.ungraded} not graded):", file=sys.stderr)
    from empathy_coach.literal import printable

    for loc in p.shown[:SHOWN_PROBLEMS]:
        print(f"  {printable(loc.where)}: {printable(loc.message)}", file=sys.stderr)
    if left > SHOWN_PROBLEMS:
        print(f"  ... and {left - SHOWN_PROBLEMS} more (listed in the report)", file=sys.stderr)


def _refuse_input_as_output(output: Path, given: list[str], files: list[str]) -> None:
    from empathy_coach.reports.class_input import SUFFIXES

    target = Path(os.path.realpath(output))
    if target.suffix.lower() in SUFFIXES:
        for name in given:
            if name != "-" and Path(name).is_dir() and Path(os.path.realpath(name)) in target.parents:
                raise UsageError(f"--output {output}: is inside the input folder {name} and would be read as results next time; write the report elsewhere")
    if not output.exists():
        return
    for name in files:
        if name == "-":
            continue
        try:
            if os.path.samefile(name, output):
                raise UsageError(f"--output {output}: is also an input ({name}); writing the report there would overwrite it")
        except OSError:
            continue


def _write_atomically(output: Path, pieces) -> None:
    import tempfile

    folder = output.parent if str(output.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"--output {output}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for piece in pieces:
                handle.write(piece)
        os.replace(temporary, output)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise UsageError(f"--output {output}: cannot write: {exc.strerror or exc}") from None
