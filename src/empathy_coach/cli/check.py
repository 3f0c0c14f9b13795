"""`empathy-coach check`: lint banks, rubrics and lexicons, and run every turn's examples."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from empathy_coach.cli.common import EXIT_BELOW, EXIT_INPUT, EXIT_OK, guarded, write_json


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)


@guarded
def check_command(
    paths: list[Path] | None = typer.Argument(None, help="Bank, rubric or lexicon files or folders (default: the user's folder and the built-in content)."),
    fmt: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="text, json or github (workflow annotations)."),
    examples: bool = typer.Option(True, "--examples/--no-examples", help="Score every turn's examples as tests of the rubric."),
) -> None:
    """Validate content like a linter: one line per problem, then a summary.

    Exit 0 when clean, 1 when an example fails or a TODO is left, 2 when a file is missing,
    unreadable or invalid (YAML, types, unknown keys, references).
    """
    from empathy_coach.checking import run_check

    report = run_check(paths or [], run_examples=examples)
    if fmt is CheckFormat.json:
        write_json(report.as_dict())
    elif fmt is CheckFormat.github:
        for problem in report.problems:
            sys.stdout.write(github_annotation(problem) + "\n")
        print(report.summary(), file=sys.stderr)
    else:
        from empathy_coach.literal import printable

        for problem in report.problems:
            print(printable(problem.as_line()))
        print(report.summary())
    if report.input_error:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_BELOW if report.errors else EXIT_OK)


def github_annotation(problem) -> str:
    from empathy_coach.reports.github import annotation

    return annotation(problem.level, problem.path, problem.line, problem.column, f"{problem.message} [{problem.code}]", title=f"empathy-coach {problem.code}")
