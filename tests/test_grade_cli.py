"""`empathy-coach grade` through Typer's CliRunner: every format parsed back, every exit code."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathy_coach.cli import app
from empathy_coach.cli.grade import GradeFormat
from empathy_coach.reports.grade_formats import WRITERS

runner = CliRunner()
DATA = Path(__file__).parent / "data" / "grading"
BANK = str(DATA / "bank.yaml")
CLASS = str(DATA / "class")
CLIENT = "I've been on nights all month and I'm exhausted. Nobody else ever says yes."
GOOD = "You're running on empty, and it always seems to land on you."
GITHUB_LINE = re.compile(r"^::(error|warning|notice) (file=[^,:]+(?:,line=\d+)?(?:,col=\d+)?(?:,title=[^:]*)?)::(.*)$")


def grade(*args: str, input: bytes | str | None = None):
    return runner.invoke(app, ["grade", *args], input=input)


def _jsonl(tmp_path: Path, rows: list, name: str = "replies.jsonl") -> str:
    path = tmp_path / name
    path.write_bytes(b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in rows))
    return str(path)


def test_every_format_has_a_writer():
    assert set(WRITERS) == {fmt.value for fmt in GradeFormat}


# ---------------------------------------------------------------- formats


def test_table_shows_a_table_and_summary_and_exits_1_when_a_student_is_below():
    result = grade(CLASS, "--bank", BANK, "--format", "table")
    assert result.exit_code == 1, result.output
    assert "alice" in result.stdout and "bob" in result.stdout
    assert "Summary" in result.stdout and "FAIL" in result.stdout
    assert "6 answers from 2 groups: 4 passed, 2 below the pass mark" in result.stdout


def test_text_is_one_line_per_answer_with_a_reason_and_a_summary():
    # Issue 14: CI text that reads in an 80-column log: file:line: id score PASS|FAIL reason.
    result = grade(CLASS, "--bank", BANK)
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    answers = [line for line in lines if re.match(r"^\S+:\d+: \S+ (\d+|-) (PASS|FAIL|ERROR) ", line)]
    assert len(answers) == 6
    failed = [line for line in answers if " FAIL " in line]
    assert failed and all("missed " in line and "see: empathy-coach explain advising" in line for line in failed)
    assert "Summary" in lines and "bob: 1 of 3 answers passed (33.3%, needs 100%), mean 42.6: BELOW" in lines
    assert lines[-1] == "6 answers from 2 groups: 4 passed, 2 below the pass mark; 1 below the 100% pass rate."


def test_github_annotations_name_the_explain_command():
    result = grade(CLASS, "--bank", BANK, "--format", "github")
    assert "see: empathy-coach explain advising" in result.stdout


def test_json_document_has_records_groups_and_overall_metrics():
    result = grade(CLASS, "--bank", BANK, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [r["id"] for r in data["records"]][:3] == ["grade-nights/t1", "grade-nights/t2", "grade-exam/t1"]
    assert {"id", "score", "passed", "behaviour", "acts", "roadblocks", "rules", "line", "error", "student"} <= set(data["records"][0])
    alice, bob = data["groups"]
    assert (alice["name"], alice["passed"], alice["met_threshold"]) == ("alice", 3, True)
    assert (bob["name"], bob["met_threshold"]) == ("bob", False)
    assert {"rq_ratio", "percent_complex", "behaviours", "acts"} <= set(bob["metrics"])
    assert data["overall"]["records"] == 6 and data["overall"]["metrics"]["replies"] == 6
    assert "graded" not in result.stdout.lower()  # the human summary went to stderr
    assert "6 answers" in result.stderr


def test_jsonl_is_one_record_per_input_record_in_order_and_deterministic(tmp_path):
    rows = [{"id": f"r{n}", "client": CLIENT, "reply": reply} for n, reply in enumerate([GOOD, "What happened?", "You should rest."])]
    path = _jsonl(tmp_path, rows)
    first = grade(path, "--format", "jsonl")
    second = grade(path, "--format", "jsonl")
    lines = first.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["r0", "r1", "r2"]
    assert json.loads(lines[1])["behaviour"] == "open_question"
    assert first.stdout == second.stdout  # no timestamps, stable keys
    assert first.exit_code == 1  # not every record passed


def test_junit_is_a_suite_per_student_with_failures_and_tips():
    result = grade(CLASS, "--bank", BANK, "--format", "junit")
    root = ET.fromstring(result.stdout.encode())
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["alice", "bob"]
    assert [s.get("failures") for s in suites] == ["0", "2"]
    failure = suites[1].find("testcase[@name='grade-nights/t1']/failure")
    assert failure is not None and "Tip:" in failure.get("message") and "tips:" in failure.text
    assert suites[1].find("testcase").get("line") == "3"
    assert "time" not in result.stdout  # deterministic: no durations


def test_github_annotations_point_at_the_answers_line():
    result = grade(CLASS, "--bank", BANK, "--format", "github")
    lines = result.stdout.splitlines()
    assert lines and all(GITHUB_LINE.match(line) for line in lines)
    first = GITHUB_LINE.match(lines[0])
    assert "file=" + CLASS.replace(":", "%3A") + "/bob.yaml,line=3" in first.group(2)
    assert "scored" in first.group(3)
    assert any("bob: 1 of 3 answers passed (33.3%25, needs 100%25)" in line for line in lines)


def test_github_messages_escape_newlines_and_percent(tmp_path):
    path = _jsonl(tmp_path, [{"id": "x,y:z", "client": CLIENT, "reply": "100% sure\nyou should quit."}])
    result = grade(path, "--format", "github")
    line = result.stdout.splitlines()[0]  # then the file's below-the-pass-rate line
    match = GITHUB_LINE.match(line)
    assert match and "title=empathy-coach%3A x%2Cy%3Az" in match.group(2)
    assert "\r" not in line


def test_csv_gradebook_has_one_row_per_student():
    result = grade(CLASS, "--bank", BANK, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["student"] for r in rows] == ["alice", "bob"]
    assert rows[0]["answers"] == "3" and rows[0]["pass_rate"] == "100" and rows[0]["met_threshold"] == "yes"
    assert rows[1]["passed"] == "1" and float(rows[1]["mean_score"]) < 60
    assert set(rows[0]) >= {"rq_ratio", "percent_complex"}


def test_csv_neutralises_a_formula_student_name(tmp_path):
    answers = tmp_path / "evil.yaml"
    answers.write_text("student: '=HYPERLINK(\"http://x\")'\nanswers:\n  - scenario: grade-nights\n    turn: t1\n    reply: You're exhausted.\n")
    result = grade(str(answers), "--bank", BANK, "--format", "csv")
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["student"].startswith("'=")


def test_output_file_gets_the_report_and_stdout_stays_empty(tmp_path):
    target = tmp_path / "report.xml"
    result = grade(CLASS, "--bank", BANK, "--format", "junit", "--output", str(target))
    assert result.stdout == ""
    assert ET.parse(target).getroot().get("tests") == "6"


def test_text_to_an_output_file_is_plain(tmp_path):
    target = tmp_path / "report.txt"
    grade(CLASS, "--bank", BANK, "--output", str(target))
    text = target.read_text(encoding="utf-8")
    assert "Summary" in text and "\x1b[" not in text
    grade(CLASS, "--bank", BANK, "--format", "table", "--output", str(target))
    text = target.read_text(encoding="utf-8")
    assert "Summary" in text and "\x1b[" not in text


# ---------------------------------------------------------------- thresholds and exit codes


def test_pass_and_min_pass_rate_thresholds_decide_the_exit_code(tmp_path):
    assert grade(CLASS, "--bank", BANK, "--format", "csv").exit_code == 1
    assert grade(CLASS, "--bank", BANK, "--format", "csv", "--min-pass-rate", "30").exit_code == 0
    # a required rule (no roadblocks) still fails bob's advice, whatever the pass mark
    assert grade(CLASS, "--bank", BANK, "--format", "csv", "--pass-score", "0").exit_code == 1
    path = _jsonl(tmp_path, [{"id": "a", "client": CLIENT, "reply": GOOD}])
    assert grade(path, "--format", "csv").exit_code == 0
    raised = grade(path, "--format", "json", "--pass-score", "99.9")
    assert raised.exit_code == 1 and json.loads(raised.stdout)["records"][0]["pass_score"] == 99.9


@pytest.mark.parametrize("flag", [["--pass-score", "101"], ["--min-pass-rate", "-1"], ["--jobs", "-2"]])
def test_out_of_range_flags_are_usage_errors(flag):
    result = grade(CLASS, "--bank", BANK, *flag)
    assert result.exit_code == 2 and "expected" in result.stderr


def test_min_pass_rate_as_a_fraction_gets_a_note():
    result = grade(CLASS, "--bank", BANK, "--format", "csv", "--min-pass-rate", "0.8")
    assert "is a percent" in result.stderr


# ---------------------------------------------------------------- bad input


def test_malformed_line_duplicates_unknown_ids_and_empty_reply_are_record_errors(tmp_path):
    path = _jsonl(
        tmp_path,
        [
            {"id": "a", "client": CLIENT, "reply": GOOD},
            b'{"id": "b", "client": ',
            {"id": "a", "client": CLIENT, "reply": GOOD},
            {"id": "c", "scenario": "nope", "turn": "t1", "reply": GOOD},
            {"id": "d", "scenario": "grade-nights", "turn": "t7", "reply": GOOD},
            {"id": "e", "client": CLIENT, "reply": ""},
            {"id": "f", "client": CLIENT, "reply": GOOD},
        ],
    )
    result = grade(path, "--bank", BANK, "--format", "jsonl")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5, 6, 7]
    errors = [r["error"] for r in records]
    assert errors[0] is None and errors[6] is None and records[6]["score"] is not None
    assert "malformed JSON" in errors[1] and "duplicate id 'a'" in errors[2]
    assert "unknown scenario 'nope'" in errors[3] and "no turn 't7'" in errors[4] and errors[5] == "empty reply"


def test_strict_makes_a_record_error_fatal(tmp_path):
    path = _jsonl(tmp_path, [{"id": "a", "client": CLIENT, "reply": GOOD}, b"{nope"])
    result = grade(path, "--format", "jsonl", "--strict")
    assert result.exit_code == 2
    assert re.search(r"replies\.jsonl:2: malformed JSON", result.stderr)


def test_non_utf8_jsonl_line_is_a_record_error_but_answers_file_is_fatal(tmp_path):
    path = _jsonl(tmp_path, [b'{"id": "a", "client": "x", "reply": "caf\xe9"}', {"id": "b", "client": CLIENT, "reply": GOOD}])
    result = grade(path, "--format", "jsonl")
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert "expected UTF-8" in first["error"] and second["error"] is None
    answers = tmp_path / "latin.yaml"
    answers.write_bytes(b"student: caf\xe9\nanswers: []\n")
    fatal = grade(str(answers))
    assert fatal.exit_code == 2 and re.search(r"latin\.yaml:1:13: expected UTF-8", fatal.stderr)


def test_hostile_replies_still_give_valid_junit(tmp_path):
    hostile = "You sound ]]> <b>tired</b> & \x00\x07\x1b[31m worn out\x0b. What now?"
    path = _jsonl(tmp_path, [{"id": "<x&y>]]>", "client": CLIENT, "reply": hostile}])
    result = grade(path, "--format", "junit")
    root = ET.fromstring(result.stdout.encode("utf-8"))
    case = root.find("testsuite/testcase")
    assert case.get("name") == "<x&y>]]>"
    failure = case.find("failure")
    assert failure is not None and "]]> <b>tired</b> &" in failure.text and "\\x1b" in failure.text


def test_huge_reply_through_the_cli(tmp_path):
    path = _jsonl(tmp_path, [{"id": "huge", "client": CLIENT, "reply": "You sound worn out. " * 260_000}])  # ~5 MB
    result = grade(path, "--format", "jsonl")
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["truncated"] is True and record["error"] is None
    assert len(result.stdout) < 200_000


def test_answers_file_pointing_at_another_bank_is_an_input_error(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("student: eve\nrubric: ../lenient.yaml\nanswers: []\n")
    result = grade(str(answers), "--bank", BANK)
    assert result.exit_code == 2
    assert "answers.yaml:2:1: 'rubric' is not allowed here" in result.stderr and "--bank" in result.stderr


def test_missing_file_and_empty_folder_exit_2(tmp_path):
    missing = grade(str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "nope.yaml: no such file or folder" in missing.stderr
    empty = grade(str(tmp_path))
    assert empty.exit_code == 2 and "found none" in empty.stderr


def test_stdin_jsonl(tmp_path):
    data = json.dumps({"id": "s1", "client": CLIENT, "reply": GOOD}) + "\n"
    result = grade("-", "--format", "json", input=data)
    document = json.loads(result.stdout)
    assert document["records"][0]["file"] == "<stdin>"
    assert result.exit_code == 0, result.output


def test_jobs_2_gives_the_same_output_as_jobs_1(tmp_path, monkeypatch):
    from empathy_coach.grading import grader as grader_module

    monkeypatch.setattr(grader_module, "CHUNK_RECORDS", 3)
    rows = [{"id": f"r{n}", "client": CLIENT, "reply": reply} for n, reply in enumerate([GOOD, "What happened?", "You should rest.", "You sound tired."] * 4)]
    path = _jsonl(tmp_path, rows)
    one = grade(path, "--format", "jsonl", "--jobs", "1")
    two = grade(path, "--format", "jsonl", "--jobs", "2")
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) == 16


def test_no_progress_output_on_stdout_when_not_a_terminal(tmp_path):
    rows = [{"id": f"r{n}", "client": CLIENT, "reply": GOOD} for n in range(5)]
    result = grade(_jsonl(tmp_path, rows), "--format", "jsonl")
    assert all(line.startswith("{") for line in result.stdout.splitlines())
    assert "grading" not in result.stderr


def test_schema_result_lists_the_new_record_fields():
    result = runner.invoke(app, ["schema", "result"])
    schema = json.loads(result.stdout)
    assert {"file", "pass_score", "truncated"} <= set(schema["$defs"]["ScoredRecord"]["properties"])


def test_docs_ci_names_every_option_and_format():
    help_text = runner.invoke(app, ["grade", "--help"]).stdout
    options = set(re.findall(r"--[a-z][a-z-]+", help_text)) - {"--help"}
    docs = (Path(__file__).parents[1] / "docs" / "ci.md").read_text(encoding="utf-8")
    assert options and all(option in docs for option in options), options - {o for o in options if o in docs}
    assert all(f"`{fmt.value}`" in docs for fmt in GradeFormat)


def test_progress_bar_only_on_a_terminal_stderr_and_after_a_delay(monkeypatch):
    from empathy_coach.cli import grade as grade_module

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(grade_module.sys, "stderr", io.StringIO())
    assert grade_module._Progress(1000, False).enabled is False
    monkeypatch.setattr(grade_module.sys, "stderr", Tty())
    slow = grade_module._Progress(1000, False)
    slow(10, 1)
    assert slow.enabled and slow.bar is None  # a tiny run never shows a bar
    monkeypatch.setattr(grade_module, "PROGRESS_AFTER_SECONDS", 0)
    bar = grade_module._Progress(1000, False)
    bar(500, 42)
    assert bar.bar is not None and bar.bar.tasks[0].completed == 500
    bar.close()
    assert bar.bar is None


# ---------------------------------------------------------------- review fixes


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_output_that_is_an_input_is_refused_before_it_is_opened(tmp_path):
    answers = tmp_path / "c.jsonl"
    original = (json.dumps({"id": "c1", "client": CLIENT, "reply": GOOD}) + "\n").encode()
    answers.write_bytes(original)
    result = grade(str(answers), "--output", str(answers), "--format", "jsonl")
    assert result.exit_code == 2
    assert len(_lines(result.stderr)) == 1 and "also an input" in result.stderr and "Traceback" not in result.stderr
    assert answers.read_bytes() == original  # not emptied
    # the same file by another name: a relative path, a symlink, a hard link
    link = tmp_path / "link.jsonl"
    link.symlink_to(answers)
    hard = tmp_path / "hard.out"
    hard.hardlink_to(answers)
    for other in (str(tmp_path / "." / "c.jsonl"), str(link), str(hard)):
        result = grade(str(answers), "--output", other, "--format", "json")
        assert result.exit_code == 2, other
        assert answers.read_bytes() == original
    # another file is fine
    result = grade(str(answers), "--output", str(tmp_path / "report.json"), "--format", "json")
    assert result.exit_code == 0 and (tmp_path / "report.json").stat().st_size > 0


def test_output_inside_an_input_folder_that_the_walk_would_grade_is_refused(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    graded = folder / "a.jsonl"
    original = (json.dumps({"id": "c1", "client": CLIENT, "reply": GOOD}) + "\n").encode()
    graded.write_bytes(original)
    for target in (graded, folder / "sub" / ".." / "a.jsonl", folder / "new.jsonl", folder / "new.yaml"):
        result = grade(str(folder), "--output", str(target), "--format", "jsonl")
        assert result.exit_code == 2, target
        assert len(_lines(result.stderr)) == 1 and "Traceback" not in result.stderr
    assert graded.read_bytes() == original and not (folder / "new.jsonl").exists()
    # a report the walk never grades (not an answers suffix, or hidden) is fine
    assert grade(str(folder), "--output", str(folder / "report.json"), "--format", "json").exit_code == 0
    assert grade(str(folder), "--output", str(folder / ".report.jsonl"), "--format", "jsonl").exit_code == 0


def test_deeply_nested_json_is_that_records_error_and_the_rest_are_graded(tmp_path):
    deep = b'{"id":"d1","client":"c","reply":' + b"[" * 1000 + b"]" * 1000 + b"}"
    good = {"id": "g1", "client": CLIENT, "reply": GOOD}
    path = _jsonl(tmp_path, [good, deep, {**good, "id": "g2"}])
    result = grade(path, "--format", "jsonl")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr and "RecursionError" not in result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3]
    assert records[0]["error"] is None and records[2]["error"] is None and records[2]["passed"]
    assert records[1]["line"] == 2 and "nested too deeply" in records[1]["error"]


@pytest.mark.parametrize("fmt", ["json", "junit", "jsonl", "github", "csv", "text", "table"])
def test_a_file_name_that_is_not_utf8_is_shown_with_a_replacement_character(tmp_path, fmt, monkeypatch):
    import os

    monkeypatch.chdir(tmp_path)  # a short relative name: a long temporary path would be cut in the table
    name = os.fsdecode(b"f\xe9.jsonl")  # a lone surrogate in Python
    path = tmp_path / name
    try:
        path.write_bytes((json.dumps({"id": "a", "client": CLIENT, "reply": "Just go to bed."}) + "\n").encode())
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take non-UTF-8 names")
    result = grade(name, "--format", fmt)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "f\ufffd.jsonl" in result.stdout
    if fmt == "json":
        assert json.loads(result.stdout)["records"][0]["file"].endswith("f\ufffd.jsonl")
    if fmt == "junit":
        ET.fromstring(result.stdout)


def test_a_folder_walk_shows_non_utf8_names_the_same_way(tmp_path):
    import os

    folder = tmp_path / "class"
    folder.mkdir()
    try:
        (folder / os.fsdecode(b"b\xff.jsonl")).write_text(json.dumps({"id": "a", "client": CLIENT, "reply": GOOD}) + "\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take non-UTF-8 names")
    result = grade(str(folder), "--format", "junit")
    assert result.exit_code == 0, result.output
    assert ET.fromstring(result.stdout).find("testsuite").get("file").endswith("b\ufffd.jsonl")


HOSTILE = "x\n::error::injected\x1b[31m\x07\r"


def _hostile(tmp_path: Path) -> str:
    path = tmp_path / "e\x1b[31mvil\x07.jsonl"
    rows = [
        {"id": HOSTILE, "student": "s\x1b]8;;http://e\x07link", "client": CLIENT, "reply": "Just go to bed."},
        {"id": "ok\x1b", "client": CLIENT, "reply": "Just go to bed."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def _controls(text: str) -> set[str]:
    return {c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0}


def test_github_annotations_make_control_characters_visible(tmp_path):
    result = grade(_hostile(tmp_path), "--format", "github")
    assert result.exit_code == 1, result.output
    assert not _controls(result.stdout), repr(result.stdout)
    lines = result.stdout.splitlines()
    assert len(lines) == 4  # two answers, two groups below the pass rate
    for line in lines:
        assert GITHUB_LINE.match(line), line  # one command per line: nothing injected another
    assert "file=" in lines[0] and "e\\x1b[31mvil\\x07.jsonl" in lines[0]
    assert "x%0A%3A%3Aerror%3A%3Ainjected\\x1b[31m\\x07\\x0d" in lines[0]  # title: visible, then escaped
    assert "::x%0A::error::injected\\x1b[31m\\x07\\x0d: " in lines[0]  # message
    assert any("s\\x1b]8;;http://e\\x07link: " in line for line in lines)


def test_csv_makes_control_characters_visible_in_every_cell(tmp_path):
    result = grade(_hostile(tmp_path), "--format", "csv")
    assert result.exit_code == 1, result.output
    assert not _controls(result.stdout), repr(result.stdout)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["student"] for r in rows][0] == "s\\x1b]8;;http://e\\x07link"
    assert all(r["file"].endswith("e\\x1b[31mvil\\x07.jsonl") for r in rows)
    assert len(result.stdout.splitlines()) == 1 + len(rows)


def test_csv_neutralises_formulas_in_file_names_and_jsonl_students(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("=cmd.jsonl", "-x.jsonl", "@y.jsonl", "+z.jsonl"):
        (tmp_path / name).write_text(json.dumps({"id": "=1+1", "client": CLIENT, "reply": GOOD}) + "\n")
    (tmp_path / "s.jsonl").write_text(json.dumps({"id": "a", "student": "\r=1", "client": CLIENT, "reply": GOOD}) + "\n")
    result = grade("--format", "csv", "--", "=cmd.jsonl", "-x.jsonl", "@y.jsonl", "+z.jsonl", "s.jsonl")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["file"] for r in rows] == ["'=cmd.jsonl", "'-x.jsonl", "'@y.jsonl", "'+z.jsonl", "s.jsonl"]
    assert [r["student"] for r in rows] == ["'=cmd.jsonl", "'-x.jsonl", "'@y.jsonl", "'+z.jsonl", "'\\x0d=1"]


def test_a_fifo_input_is_refused_instead_of_hanging(tmp_path):
    import os
    import subprocess
    import sys

    fifo = tmp_path / "f.jsonl"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "empathy_coach", "grade", str(fifo)], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert _lines(done.stderr) == [f"empathy-coach: {fifo}: expected a regular file or folder, found a named pipe (FIFO) (use '-' to read standard input)"]
    assert done.stdout == ""


def test_a_fifo_inside_a_folder_is_not_graded(tmp_path):
    import os

    os.mkfifo(tmp_path / "f.jsonl")
    _jsonl(tmp_path, [{"id": "a", "client": CLIENT, "reply": GOOD}], name="ok.jsonl")
    result = grade(str(tmp_path), "--format", "jsonl")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1


def test_an_empty_path_is_a_usage_error_not_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _jsonl(tmp_path, [{"id": "a", "client": CLIENT, "reply": GOOD}])
    result = grade("", "--format", "jsonl")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(_lines(result.stderr)) == 1 and "empty path" in result.stderr
    assert grade("replies.jsonl", "", "--format", "jsonl").exit_code == 2
