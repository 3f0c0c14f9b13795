"""Arrows point down only: the layers of DESIGN.md, as data, checked against every import in src/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "empathy_coach"

# Top to bottom. A module may import its own layer's package and any layer below it; modules
# that share a row (siblings) may not import each other. `reports` renders what grading, practice
# and the store produce, so it sits just above them; `checking` is `check` as a library.
LAYERS: list[tuple[str, ...]] = [
    ("__main__",),
    ("_entry",),  # the console script: --version fast, then the CLI
    ("cli",),
    ("reports",),
    ("practice", "grading", "checking"),
    ("store",),
    ("scoring",),
    ("content",),
    ("banks",),
    ("paths", "problems", "codes"),
    ("atomic", "literal", "_version"),  # what paths and every message use
]
# The package's front door (`from empathy_coach import load_bank, score_reply`) imports lazily from below.
FACADE = "__init__"


def _unit(module: str) -> str:
    """The top-level unit of a dotted name inside empathy_coach ('scoring.engine' -> 'scoring')."""
    return module.split(".", 1)[0]


def _rank(unit: str) -> int:
    for index, row in enumerate(LAYERS):
        if unit in row:
            return index
    raise AssertionError(f"{unit!r} is in no layer of LAYERS: add it where DESIGN.md puts it")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("empathy_coach."):
            found.append((node.lineno, node.module.removeprefix("empathy_coach.")))
        elif isinstance(node, ast.ImportFrom) and node.module == "empathy_coach":
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name.removeprefix("empathy_coach.")) for a in node.names if a.name.startswith("empathy_coach.")]
    return found


def upward_imports(root: Path = SRC) -> list[str]:
    wrong = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).with_suffix("")
        unit = relative.parts[0]
        if unit == FACADE:
            continue
        here = _rank(unit)
        for line, target in _imports(path):
            there = _rank(_unit(target))
            if _unit(target) != unit and there <= here:
                wrong.append(f"{path.relative_to(root.parent)}:{line}: {unit} imports {target} ({'up' if there < here else 'sideways'})")
    return wrong


def test_every_import_points_down() -> None:
    assert upward_imports() == []


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    (tmp_path / "scoring").mkdir()
    (tmp_path / "scoring" / "x.py").write_text("from empathy_coach.reports.feedback import printable\n")
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "y.py").write_text("def f():\n    from empathy_coach.practice import scheduling\n")
    (tmp_path / "grading").mkdir()
    (tmp_path / "grading" / "z.py").write_text("from empathy_coach.literal import printable\n")
    found = upward_imports(tmp_path)
    assert [f.split(": ", 1)[1] for f in found] == [
        "scoring imports reports.feedback (up)",
        "store imports practice (up)",
    ]


def test_scoring_and_banks_never_import_typer_or_rich() -> None:
    for unit in ("scoring", "banks", "content"):
        for path in (SRC / unit).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
            assert not names & {"typer", "rich", "click"}, path


@pytest.mark.parametrize("unit", ["scoring"])
def test_scoring_opens_no_file(unit: str) -> None:
    """The scorer does no file I/O: content (below it) reads and caches what it needs."""
    calls = {"open", "read_bytes", "read_text", "write_bytes", "write_text", "write_cache"}
    for path in (SRC / unit).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = {n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "") for n in ast.walk(tree) if isinstance(n, ast.Call)}
        assert not used & calls, f"{path}: {sorted(used & calls)}"
