"""The console script's entry: answers `--version` before the command line (and Typer) is built."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from empathy_coach._version import __version__

        print(f"empathy-coach {__version__}")
        return
    import gc

    # Start-up makes tens of thousands of objects (modules, classes, tables) and frees almost none:
    # the collector's passes over them find nothing and cost a one-shot `score` about a tenth of its
    # time. The command line turns it back on for the commands whose work is not bounded.
    collecting = gc.isenabled()
    gc.disable()
    from empathy_coach.cli import main as cli_main

    try:
        cli_main(collect=collecting)
    finally:
        if collecting and not gc.isenabled():
            # A bounded command ran with the collector off, and the interpreter ends now. Its exit
            # would still walk every object once (a full collection even when collection is off,
            # about a tenth of a one-shot `score`) for cycles that die with the process anyway;
            # frozen objects are skipped. Exit handlers, flushing and module clean-up run as usual.
            gc.freeze()
