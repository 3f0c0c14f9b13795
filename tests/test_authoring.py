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


BROKEN_BANK = """\
id: my-bank
title: Test
version: "1"
rubric: defualt
scenarios:
  - id: My Test
    title: x
    turns: []
  - id: ok-one
    title: y
    turns:
      - id: t1
        client: I am tired.
        next: t2x
      - id: t2
        client: Still tired.
"""


def check_lines(tmp_path, text: str, name: str = "bank.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run("check", str(path))
    assert "Traceback" not in result.output
    return [line for line in result.output.splitlines() if line.startswith(str(path))]


def test_defect_7_check_keeps_linting_after_a_structural_error_with_did_you_mean(tmp_path):
    lines = check_lines(tmp_path, BROKEN_BANK)
    text = "\n".join(lines)
    assert ":4:9:" in text and "found 'defualt' (did you mean 'default'?)" in text
    assert "expected at least 1 turn, found an empty list" in text
    assert "pattern ^[a-z0-9][a-z0-9_.-]*$" in text and "found the string 'My Test'" in text
    assert "found 't2x' (did you mean 't2'?)" in text  # a scenario after the bad one is still checked
    assert len(lines) == 4


def test_defect_7_a_tab_and_an_over_indent_say_what_was_expected_and_found(tmp_path):
    [tab] = check_lines(tmp_path, 'id: b\ntitle: T\nscenarios:\n\t- id: x\n', "tab.yaml")
    assert ":4:1:" in tab and "cannot start any token" in tab and "a tab in the indentation" in tab and "expected spaces" in tab
    [deep] = check_lines(tmp_path, 'id: b\ntitle: T\nscenarios:\n  - id: x\n      title: y\n', "deep.yaml")
    assert "mapping values are not allowed" in deep and "indented by 6 spaces, expected 4" in deep


def test_explain_covers_every_code_roadblock_and_builtin_rule():
    from empathy_coach.banks import explain
    from empathy_coach.banks.catalog import Catalog
    from empathy_coach.scoring.result import BEHAVIOUR_LABELS

    data = explain.load()
    cat = Catalog.discover()
    rules = {rule.id for loaded in cat.rubrics.values() for rule in loaded.value.rules}
    roadblocks = set(cat.lexicons["roadblocks"].value.phrases)
    by_kind = explain.names(data)
    assert set(by_kind["code"]) == set(BEHAVIOUR_LABELS)
    assert set(by_kind["roadblock"]) == roadblocks
    assert set(by_kind["rule"]) == rules
    for name, entry in data.entries.items():
        for other in entry.see:
            assert other in data.entries, (name, other)


def test_explain_prints_reasoning_with_a_good_and_a_poor_reply_and_suggests_names():
    result = run("explain", "advising")
    assert result.exit_code == 0
    assert "Good:" in result.output and "Poor:" in result.output and "roadblock" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    assert run("explain", "names_feeling").exit_code == 0  # either spelling of a rule id
    wrong = run("explain", "advice")
    assert wrong.exit_code == 2 and "did you mean 'advising'" in wrong.output


EXAMPLES_BANK = """\
id: xf
title: Examples
scenarios:
  - id: xf-one
    title: One
    turns:
      - id: t1
        client: They've put me on nights again and I can barely keep my eyes open.
        emotions: [exhausted]
        examples:
          - reply: You should tell your manager you can't do any more nights.
            passed: true
          - reply: You should just say no next time.
            passed: true
            xfail: the rubric reads advice as a roadblock even when asked for
          - reply: You're exhausted from all these nights.
            passed: true
            xfail: once thought too plain to pass
"""


def test_a_failing_example_shows_the_rules_that_decided_it_and_xfail_is_reported_both_ways(tmp_path):
    path = tmp_path / "xf.yaml"
    path.write_text(EXAMPLES_BANK, encoding="utf-8")
    result = run("check", str(path))
    out = result.stdout
    failing = [line for line in out.splitlines() if "[example]" in line]
    assert len(failing) == 1 and ":11:13:" in failing[0]
    assert "decided by: " in failing[0] and "no-roadblocks lost" in failing[0] and "see: empathy-coach explain advising" in failing[0]
    assert any("notice: xfail in xf-one/t1 (the rubric reads advice" in line for line in out.splitlines())
    assert any("warning: example in xf-one/t1 is marked xfail" in line and "remove 'xfail'" in line for line in out.splitlines())
    assert "1 failed, 1 xfail, 1 xpass" in out
    assert result.exit_code == 1  # the unmarked failure; the xfail alone would not fail CI
    github = run("check", "--format", "github", str(path)).stdout
    assert "::notice " in github and "see: empathy-coach explain advising" in github


def test_an_xfail_alone_does_not_fail_check(tmp_path):
    path = tmp_path / "xf.yaml"
    text = EXAMPLES_BANK.replace("          - reply: You should tell your manager you can't do any more nights.\n            passed: true\n", "")
    path.write_text(text, encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 0, result.stdout


def test_a_bank_with_a_structural_error_still_runs_the_examples_of_its_sound_scenarios(tmp_path):
    text = BROKEN_BANK.replace("rubric: defualt\n", "").replace(
        "        client: Still tired.\n",
        "        client: Still tired.\n        examples:\n          - reply: You should sleep more.\n            passed: true\n")
    lines = check_lines(tmp_path, text)
    assert any("[example]" in line and "ok-one/t2" in line and "decided by" in line for line in lines), lines
