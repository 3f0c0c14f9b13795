"""Issue 14, defect 8: every answers and JSON Lines example in the docs grades without a record error,
and every whole bank or rubric in the docs passes `check` as far as its own text goes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathy_coach.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
runner = CliRunner()


def blocks(kind: str):
    for doc in DOCS:
        for match in FENCE.finditer(doc.read_text(encoding="utf-8")):
            if match.group(1) == kind:
                line = doc.read_text(encoding="utf-8")[: match.start()].count("\n") + 1
                yield pytest.param(match.group(2), id=f"{doc.name}:{line}")


ANSWERS = [p for p in blocks("yaml") if re.search(r"^answers:", p.values[0], re.M)]
JSONL = [p for p in blocks("json") if p.values[0].lstrip().startswith("{") and "\n{" in p.values[0]]


def test_the_docs_have_answers_and_json_lines_examples():
    assert ANSWERS and JSONL


@pytest.mark.parametrize("text", ANSWERS)
def test_answers_examples_grade_without_errors(tmp_path, text):
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["grade", str(path), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    records = json.loads(result.stdout)["records"]
    assert records and [r["error"] for r in records] == [None] * len(records)


@pytest.mark.parametrize("text", JSONL)
def test_json_lines_examples_grade_without_errors(tmp_path, text):
    path = tmp_path / "answers.jsonl"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["grade", str(path), "--format", "jsonl"])
    assert result.exit_code in (0, 1), result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and [r["error"] for r in records] == [None] * len(records)


BANKS = [p for p in blocks("yaml") if re.search(r"^scenarios:\s*\n", p.values[0], re.M)]


@pytest.mark.parametrize("text", BANKS)
def test_whole_banks_in_the_docs_pass_check(tmp_path, text):
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
