"""The `empathy-coach` command line: thin commands that parse, call the library, render, exit."""

from __future__ import annotations

from typing import Optional

import typer

from empathy_coach._version import __version__
from empathy_coach.cli import common

app = typer.Typer(
    name="empathy-coach",
    help="Practise reflective listening: drills with feedback, rubric checks, and grading for CI.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"empathy-coach {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
    no_color: bool = typer.Option(False, "--no-color", help="Never use colour (NO_COLOR is honoured too)."),
) -> None:
    common.Settings.no_color = no_color


from empathy_coach.cli import check, content, drill, grade, progress, score  # noqa: E402  (commands register themselves on `app`)

for module in (content, check, score, drill, progress, grade):
    module.register(app)


def main() -> None:
    app()
