"""The `empathy-coach` command line: thin commands that parse, call the library, render, exit."""

# No `from __future__ import annotations` here: Typer reads the root callback's annotations, and as
# strings it would compile and evaluate each of them at every run.

import typer

from empathy_coach._version import __version__
from empathy_coach.cli import common

# Each module registers its commands; a run builds only the module of the command it runs,
# so `score` does not pay for importing and building the other eleven.
COMMANDS: dict[str, tuple[str, ...]] = {
    "content": ("banks", "list", "show", "schema", "new"),
    "check": ("check",),
    "score": ("score",),
    "drill": ("drill",),
    "progress": ("progress", "history", "export"),
    "grade": ("grade",),
    "coder": ("coder",),
    "explain": ("explain",),
    "report": ("report",),
}
_MODULE_OF = {command: module for module, commands in COMMANDS.items() for command in commands}
_ROOT_FLAGS = {"--no-color"}
# Commands whose work is bounded (one reply): they run with the garbage collector left off (see _entry).
BOUNDED = ("score",)


def _version(value: bool) -> None:
    if value:
        print(f"empathy-coach {__version__}")
        raise typer.Exit()


def root(
    version: bool | None = typer.Option(None, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
    no_color: bool = typer.Option(False, "--no-color", help="Never use colour (NO_COLOR is honoured too)."),
) -> None:
    common.Settings.no_color = no_color


def build_app(modules: tuple[str, ...] | None = None) -> typer.Typer:
    """The command line with every command, or with only those of `modules`."""
    import importlib

    built = typer.Typer(
        name="empathy-coach",
        help="Practise reflective listening: drills with feedback, rubric checks, and grading for CI.",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    built.callback()(root)
    for module in modules or tuple(COMMANDS):
        importlib.import_module(f"empathy_coach.cli.{module}").register(built)
    return built


def command_module(argv: list[str]) -> str | None:
    """The module of the command `argv` runs, or None when the whole command line is needed."""
    for arg in argv:
        if arg in _ROOT_FLAGS:
            continue
        return _MODULE_OF.get(arg)  # an option such as --help, or an unknown command: None
    return None


def __getattr__(name: str) -> typer.Typer:
    # `from empathy_coach.cli import app` (tests, embedding) gets the whole command line.
    if name == "app":
        full = globals()["app"] = build_app()
        return full
    raise AttributeError(name)


def main(collect: bool = False) -> None:
    """Run the command line on sys.argv; `collect`: turn the garbage collector back on for
    commands whose work is not bounded (the console script turns it off while starting)."""
    import signal
    import sys

    common.install_stdout()

    def terminated(signum, frame):  # SIGTERM: leave like Ctrl-C, cleaning up (temporary files, workers)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    module = command_module(sys.argv[1:])
    # Without a command (--help, no arguments, an unknown command) the run only prints: bounded too.
    if collect and module is not None and module not in BOUNDED:
        import gc

        gc.enable()
    code: int | str | None
    try:
        build_app((module,) if module else None)()
        code = 0
    except SystemExit as done:
        code = done.code
    except common.WriteError as exc:
        common._tell_write_error(exc)
        code = common.EXIT_INPUT
    sys.exit(common.finish_stdout(code))
