"""Memory that stays flat on large inputs: JUnit output is streamed, not held per record."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

from empathy_coach.grading.grader import GradeOptions, Grader
from empathy_coach.grading.sources import collect
from empathy_coach.reports.grade_formats import JunitWriter


def test_junit_cases_are_spooled_not_held_and_the_xml_is_whole(tmp_path):
    answers = tmp_path / "a.jsonl"
    rows = [{"id": f"r{i}", "student": f"s{i % 3}", "client": "I am so tired.",
             "reply": "You should rest." if i % 2 else "You sound worn out."} for i in range(60)]
    answers.write_text("".join(json.dumps(r) + "\n" for r in rows))
    grader = Grader(GradeOptions())
    sink = io.BytesIO()
    writer = JunitWriter(sink)
    for graded in grader.run(collect([str(answers)])):
        writer.record(graded)
    assert all(not suite.cases for suite in writer.suites.values()), "no case is kept in memory"
    writer.finish(grader.summary())
    root = ET.fromstring(sink.getvalue())
    assert int(root.get("tests")) == 60
    suites = root.findall("testsuite")
    assert sum(int(s.get("tests")) for s in suites) == 60
    assert all(len(s.findall("testcase")) == int(s.get("tests")) for s in suites)
    assert int(root.get("failures")) == sum(len(s.findall("testcase/failure")) for s in suites) > 0


def test_a_long_list_is_written_line_by_line_without_a_table_layout(tmp_path):
    from typer.testing import CliRunner

    from empathy_coach.cli import app
    from empathy_coach.cli.content import MAX_TABLE_ROWS

    lines = ["id: many", "title: Many", "version: '1'", "scenarios:"]
    for s in range(MAX_TABLE_ROWS + 50):
        lines += [f"  - id: s{s}", f"    title: Scenario {s}", "    turns:", "      - id: t1", "        client: I am tired.", "        skill: reflect_feeling"]
    bank = tmp_path / "many.yaml"
    bank.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(app, ["list", "--bank", str(bank)])
    assert result.exit_code == 0
    assert "┃" not in result.output and "│" not in result.output
    listed = {line.split()[0] for line in result.output.splitlines()[2:]}
    assert {f"s{s}" for s in range(MAX_TABLE_ROWS + 50)} <= listed


def test_junit_failure_text_keeps_every_character_of_the_reply(tmp_path):
    from typer.testing import CliRunner

    from empathy_coach.cli import app

    reply = "[1] … now!!! ::: <<end>> You should stop."
    answers = tmp_path / "a.jsonl"
    answers.write_text(json.dumps({"id": "x", "client": "I am tired.", "reply": reply}) + "\n")
    result = CliRunner().invoke(app, ["grade", str(answers), "-f", "junit"])
    assert result.exit_code == 1
    (failure,) = ET.fromstring(result.stdout).iter("failure")
    assert "reply: " + reply in failure.text
