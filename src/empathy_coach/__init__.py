"""empathy-coach: a command-line coach for reflective listening.

The library surface needs neither typer nor rich:

    from empathy_coach import load_bank, score_reply
"""

from __future__ import annotations

from typing import Any

from empathy_coach._version import __version__

__all__ = ["__version__", "load_bank", "score_reply"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `empathy-coach --version` does not pay for YAML and msgspec.
    if name == "load_bank":
        from empathy_coach.banks.loader import load_bank

        return load_bank
    if name == "score_reply":
        from empathy_coach.scoring.engine import score_reply

        return score_reply
    raise AttributeError(name)
