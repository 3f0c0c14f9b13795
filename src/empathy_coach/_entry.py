"""The console script's entry: answers `--version` before the command line (and Typer) is built."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from empathy_coach._version import __version__

        print(f"empathy-coach {__version__}")
        return
    from empathy_coach.cli import main as cli_main

    cli_main()
