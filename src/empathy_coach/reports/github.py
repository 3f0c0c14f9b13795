"""GitHub Actions workflow-command annotations (`::error file=...,line=...::message`)."""

from __future__ import annotations

from empathy_coach.literal import printable

_LEVELS = {"error": "error", "warning": "warning", "suggestion": "notice", "notice": "notice"}


def _escape_data(text: str) -> str:
    # Control characters made visible first: an ESC or BEL in a name must not reach the log viewer.
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, path: str, line: int, column: int, message: str, title: str = "") -> str:
    props = [f"file={_escape_property(path)}"]
    if line > 0:
        props.append(f"line={line}")
    if column > 0:
        props.append(f"col={column}")
    if title:
        props.append(f"title={_escape_property(title)}")
    return f"::{_LEVELS.get(level, 'error')} {','.join(props)}::{_escape_data(message)}"
