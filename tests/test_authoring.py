"""Issue 14: `check` at linter grade, `explain`, CI text, and grading defects found by a CI author."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from empathy_coach.cli import app

runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_defect_9_a_duplicate_id_with_an_empty_reply_is_reported_as_a_duplicate():
    lines = '{"id": "r1", "client": "I am tired.", "reply": "You sound tired."}\n{"id": "r1", "client": "I am tired.", "reply": ""}\n'
    result = run("grade", "-", "--format", "jsonl", input=lines)
    second = json.loads(result.stdout.splitlines()[1])
    assert second["error"].startswith("duplicate id 'r1'") and "empty reply" in second["error"]
