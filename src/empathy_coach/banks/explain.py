"""`empathy-coach explain NAME`: the MI reasoning behind a behaviour code, a rubric rule or a
roadblock, kept as data in prompts/explain.yaml (validated by `check` like every content file).

No typer or rich here: `lookup(name)` returns an `Entry`, or raises `UnknownName` with the
closest names; the CLI renders it.
"""

from __future__ import annotations

import difflib
from typing import Literal

from msgspec import Struct

from empathy_coach.banks.models import Base

EXPLAIN_FILE = "explain.yaml"


class Entry(Base):
    kind: Literal["code", "rule", "roadblock"]
    title: str
    why: str
    client: str
    good: str
    poor: str
    see: list[str] = []


class ExplainFile(Base):
    entries: dict[str, Entry]


class Explained(Struct, frozen=True):
    name: str
    entry: Entry


class UnknownName(LookupError):
    def __init__(self, name: str, suggestions: list[str], known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions
        self.known = known

    def __str__(self) -> str:
        hint = f" (did you mean '{self.suggestions[0]}'?)" if self.suggestions else ""
        return f"expected a behaviour code, rubric rule or roadblock, found '{self.name}'{hint}; see `empathy-coach explain --list`"


def load() -> ExplainFile:
    from empathy_coach.banks.loader import load_file
    from empathy_coach.paths import builtin_root

    return load_file(builtin_root() / EXPLAIN_FILE, "explain", "built-in").value


def normalise(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def lookup(name: str, data: ExplainFile | None = None) -> Explained:
    data = data or load()
    wanted = normalise(name)
    aliases = {normalise(key): key for key in data.entries}
    aliases.update({normalise(key).replace("_", "-"): key for key in data.entries})
    aliases.update({normalise(key).replace("-", "_"): key for key in data.entries})
    key = aliases.get(wanted) or aliases.get(wanted.replace("_", "-"))
    if key is None:
        close = difflib.get_close_matches(wanted, list(aliases), n=3, cutoff=0.5)
        raise UnknownName(name, list(dict.fromkeys(aliases[c] for c in close)), sorted(data.entries))
    return Explained(key, data.entries[key])


def names(data: ExplainFile | None = None) -> dict[str, list[str]]:
    """Every name, by kind."""
    data = data or load()
    out: dict[str, list[str]] = {"roadblock": [], "code": [], "rule": []}
    for key, entry in data.entries.items():
        out[entry.kind].append(key)
    return out


def see_also(name: str) -> str:
    """The hint text and annotations end with, as ruff links a rule's documentation."""
    return f"see: empathy-coach explain {name}"
