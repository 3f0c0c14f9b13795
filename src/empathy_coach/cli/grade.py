"""`empathy-coach grade`: grade answers files and JSON Lines for CI (see docs/ci.md)."""

from __future__ import annotations

import contextlib
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from empathy_coach.cli.common import EXIT_BELOW, EXIT_INPUT, EXIT_OK, UsageError, guarded
from empathy_coach.literal import printable as literal

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

PROGRESS_AFTER_SECONDS = 0.5


class GradeFormat(StrEnum):
    """`--format`: each has a writer in `reports.grade_formats.WRITERS` (a test checks)."""

    text = "text"
    table = "table"
    json = "json"
    jsonl = "jsonl"
    junit = "junit"
    github = "github"
    csv = "csv"

    @property
    def machine(self) -> bool:
        return self not in (GradeFormat.text, GradeFormat.table)


def register(app: typer.Typer) -> None:
    app.command("grade")(grade_command)


@guarded
def grade_command(
    files: list[str] = typer.Argument(..., metavar="FILE...", help="Answers files (.yaml), JSON Lines (.jsonl), folders of them, or '-' for JSON "
                                                                   "Lines on standard input."),
    bank: list[Path] | None = typer.Option(None, "--bank", "-b", help="A bank file or folder to load as well (repeatable). Banks never come from the answers."),
    fmt: GradeFormat = typer.Option(GradeFormat.text, "--format", "-f", help="text (one line per answer), table, json, jsonl, junit, github or csv."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to this file instead of standard output."),
    pass_score: float | None = typer.Option(None, "--pass-score", help="Pass mark for every answer, 0-100 (default: each rubric's own)."),
    min_pass_rate: float = typer.Option(100.0, "--min-pass-rate", help="Percent (0-100) of a student's or file's answers that must pass."),
    strict: bool = typer.Option(False, "--strict", help="A record that cannot be graded (unknown scenario, empty reply, bad JSON, duplicate id) "
                                                        "stops the run with exit 2."),
    jobs: int = typer.Option(1, "--jobs", "-j", help="Worker processes for large inputs (0 = every core)."),
) -> None:
    """Grade answers non-interactively.

    Exit 0 when every student (or file) meets --min-pass-rate, 1 when one is below it
    (an answer that cannot be graded counts as not passed), 2 on a usage or input error.
    """
    from empathy_coach.grading.grader import GradeOptions, Grader, RecordError
    from empathy_coach.grading.sources import STDIN_NAME, collect

    if pass_score is not None and not 0 <= pass_score <= 100:
        raise UsageError(f"--pass-score: expected a score from 0 to 100, found {pass_score:g}")
    if not 0 <= min_pass_rate <= 100:
        raise UsageError(f"--min-pass-rate: expected a percent from 0 to 100, found {min_pass_rate:g}")
    if 0 < min_pass_rate <= 1:
        print(f"empathy-coach: note: --min-pass-rate is a percent: {min_pass_rate:g} means {min_pass_rate:g}%, not {min_pass_rate * 100:g}%", file=sys.stderr)
    if jobs < 0:
        raise UsageError(f"--jobs: expected 0 (every core) or more, found {jobs}")

    if any(given == "" for given in files):
        raise UsageError("FILE: expected a file, folder or '-' for standard input, found an empty path ('')")
    sources = collect(files)
    if output is not None:
        from empathy_coach.grading.sources import output_conflict

        conflict = output_conflict(output, files, sources, _named_inputs(bank or []))
        if conflict:
            raise UsageError(conflict)
    progress = _Progress(sum(s.size for s in sources), any(s.file == STDIN_NAME for s in sources))
    options = GradeOptions([str(p) for p in bank or []], pass_score, min_pass_rate, strict, jobs)
    grader = Grader(options, progress if progress.enabled else None)
    grader.prepare(sources)  # bank errors now, before any output file is written
    if output is not None and grader.resolver._catalog is not None:
        conflict = output_conflict(output, files, sources, sorted(grader.resolver._catalog.loaded_paths))
        if conflict:
            raise UsageError(conflict)

    with _open_output(output, fmt) as (sink, console):
        from empathy_coach.reports.grade_formats import make_writer, overall_sentence

        writer = make_writer(fmt.value, sink, console)
        try:
            for graded in grader.run(sources):
                writer.record(graded)
        except RecordError as exc:  # the old --output file is left as it was
            progress.close()
            print(f"empathy-coach: {literal(exc.problem.path)}:{exc.problem.line}: {literal(exc.problem.message)} (--strict)", file=sys.stderr)
            raise typer.Exit(EXIT_INPUT) from None
        progress.close()
        summary = grader.summary()
        writer.finish(summary)
    if fmt.machine:
        print(f"empathy-coach: {overall_sentence(summary)}", file=sys.stderr)
    raise typer.Exit(EXIT_OK if summary.all_met else EXIT_BELOW)




def _named_inputs(banks: list[Path]) -> list[Path]:
    """Files the run reads besides the answers: the banks given, and the progress database."""
    from empathy_coach.paths import database_files, yaml_files

    named: list[Path] = []
    for given in banks:
        try:
            named.extend(yaml_files(given) if given.is_dir() else [given])
        except OSError:
            named.append(given)
    return named + database_files()


@contextlib.contextmanager
def _open_output(output: Path | None, fmt: GradeFormat):
    """(binary sink, rich console for text). A file is written atomically (see `atomic`): it
    replaces the old one only when the report is complete."""
    from empathy_coach.cli.common import console as make_console

    if output is None or str(output) == "-":
        sys.stdout.flush()
        sink = sys.stdout.buffer
        con = make_console() if fmt is GradeFormat.table else None
        yield sink, con
        sink.flush()
        sys.stdout.flush()
        return
    from empathy_coach.atomic import WriteError, atomic_output

    try:
        with atomic_output(output) as handle:
            if fmt is not GradeFormat.table:
                yield handle, None
                return
            import io

            from rich.console import Console

            text = io.TextIOWrapper(handle, encoding="utf-8", errors="replace", write_through=True)
            con = Console(file=text, no_color=True, color_system=None, width=120, highlight=False, emoji=False, markup=False)
            yield handle, con
            text.flush()
            text.detach()
    except WriteError as exc:
        raise UsageError(f"--output {literal(str(output))}: {exc.reason}") from None


class _Progress:
    """A progress bar on stderr, only on a terminal and only once a run has lasted a moment."""

    def __init__(self, total_bytes: int, unknown_total: bool) -> None:
        self.enabled = sys.stderr.isatty()
        self.total = None if unknown_total or not total_bytes else total_bytes
        self.started = time.perf_counter()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done_bytes: int, records: int) -> None:
        if self.bar is None:
            if time.perf_counter() - self.started < PROGRESS_AFTER_SECONDS:
                return
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            from empathy_coach.cli.common import console

            self.bar = Progress(TextColumn("grading"), BarColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console(stderr=True),
                                transient=True)
            self.task = self.bar.add_task("", total=self.total)
            self.bar.start()
        assert self.task is not None
        self.bar.update(self.task, completed=done_bytes, description=f"{records:,} records")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
