"""The README stays true: its Python API example runs, and its command table matches every command's --help."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathy_coach.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else None]


def test_the_python_api_example_loads_a_bank_and_scores_replies():
    block = re.search(r"```python\n(.*?)```", _section("Python API"), re.S)
    assert block is not None
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)  # the example reads a bank by its path in the repository
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(block.group(1), "README.md (Python API)", "exec"), {})
    finally:
        os.chdir(cwd)
    lines = out.getvalue().splitlines()
    score, passed, behaviour = lines[0].split()
    assert 0 <= float(score) <= 100 and passed in ("True", "False") and behaviour.endswith("reflection")
    assert re.match(r"\d+(\.\d+)? \w+ \[", lines[-1])


def _table_rows() -> list[tuple[list[list[str]], set[str]]]:
    """Each row of the command table: its commands (as argv prefixes) and the flags it names."""
    rows = []
    for line in _section("Commands").splitlines():
        if not line.startswith("| `"):
            continue
        first, rest = line[2:].split(" | ", 1)
        commands: list[list[str]] = []
        for code in re.findall(r"`([^`]+)`", first):
            words = code.replace("empathy-coach ", "").replace("\\|", "|").split()
            name, args = words[0], words[1:]
            subs = args[0].split("|") if name == "coder" and args else [None]
            commands += [[name] + ([sub] if sub else []) for sub in subs]
        rows.append((commands, set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z]\b)", line))))
    return rows


def _help(argv: list[str]) -> str:
    result = runner.invoke(app, [*argv, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, (argv, result.output)
    return result.output


@pytest.mark.parametrize(("commands", "flags"), _table_rows(), ids=lambda v: " ".join(" ".join(c) for c in v) if isinstance(v, list) else "")
def test_every_flag_in_the_command_table_is_in_the_command_s_help(commands, flags):
    helps = " ".join(_help(argv) for argv in commands)
    missing = sorted(f for f in flags if f not in helps)
    assert missing == [], f"the README names {missing} for {commands}, which their --help does not list"


def test_every_command_is_in_the_table_and_the_table_names_no_other():
    listed = {argv[0] for commands, _ in _table_rows() for argv in commands}
    top = _help([])
    available = set(re.findall(r"^\s+([a-z][a-z-]*)\s{2,}", top.split("Commands")[-1], re.M))
    assert available and listed == available
