"""The grading library: readers, record errors, the ordered pool, summaries, escaping helpers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import msgspec
import pytest

from empathy_coach.grading import records as rec
from empathy_coach.grading.grader import GradeOptions, Grader, RecordError
from empathy_coach.grading.pool import effective_jobs, ordered_map
from empathy_coach.grading.sources import STDIN_NAME, AnswersSource, JsonlSource, collect, load_answers
from empathy_coach.grading.summary import Tallies
from empathy_coach.problems import InputError
from empathy_coach.reports import gradebook, junit
from empathy_coach.scoring.result import ScoredRecord, result_schema

DATA = Path(__file__).parent / "data" / "grading"
BANK = str(DATA / "bank.yaml")
CLIENT = "I've been on nights all month and I'm exhausted. Nobody else ever says yes."


def _jsonl(tmp_path: Path, lines: list, name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    with path.open("wb") as out:
        for line in lines:
            out.write((line if isinstance(line, bytes) else json.dumps(line).encode()) + b"\n")
    return path


def _grade(paths: list[str], **options) -> tuple[list[ScoredRecord], object]:
    grader = Grader(GradeOptions(banks=[BANK], **options))
    out = [g.record() for g in grader.run(collect(paths))]
    return out, grader.summary()


# ---------------------------------------------------------------- sources


def test_answers_file_is_loaded_with_lines_and_default_ids():
    source = load_answers(DATA / "class" / "bob.yaml", "bob.yaml")
    assert isinstance(source, AnswersSource) and source.student == "bob"
    assert [i.id for i in source.items] == ["grade-nights/t1", "grade-nights/t2", "grade-exam/t1"]
    assert [i.line for i in source.items] == [3, 6, 9]


def test_answers_file_that_names_a_bank_or_rubric_is_refused_with_a_clear_located_message(tmp_path):
    path = tmp_path / "sneaky.yaml"
    path.write_text("student: eve\nbank: lenient.yaml\nanswers:\n  - scenario: grade-nights\n    turn: t1\n    reply: hi\n    rubric: easy\n")
    with pytest.raises(InputError) as caught:
        load_answers(path, "sneaky.yaml")
    lines = [str(p) for p in caught.value.problems]
    assert lines[0].startswith("sneaky.yaml:2:1: 'bank' is not allowed")
    assert lines[1].startswith("sneaky.yaml:7:5: 'rubric' is not allowed")
    assert all("--bank" in line for line in lines)


def test_other_unknown_keys_are_still_errors_with_a_location(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("student: eve\nanswers:\n  - scenario: grade-nights\n    turn: t1\n    replly: hi\n")
    with pytest.raises(InputError) as caught:
        load_answers(path, "typo.yaml")
    assert any(p.line == 5 and "replly" in p.message for p in caught.value.problems)


def test_a_bank_given_as_answers_says_what_it_is():
    with pytest.raises(InputError) as caught:
        collect([BANK])
    assert "found a bank file" in str(caught.value)


def test_folder_is_expanded_in_a_stable_order_and_empty_folder_is_an_error(tmp_path):
    sources = collect([str(DATA / "class")])
    assert [Path(s.file).name for s in sources] == ["alice.yaml", "bob.yaml"]
    (tmp_path / "notes.txt").write_text("nothing to grade")
    with pytest.raises(InputError) as caught:
        collect([str(tmp_path)])
    assert "found none" in str(caught.value)


def test_missing_file_and_non_utf8_answers_are_located_errors(tmp_path):
    bad = tmp_path / "latin.yaml"
    bad.write_bytes(b"student: caf\xe9\nanswers: []\n")
    with pytest.raises(InputError) as caught:
        collect([str(tmp_path / "absent.yaml"), str(bad)])
    text = str(caught.value)
    assert "absent.yaml: no such file" in text
    assert "latin.yaml:1:13: expected UTF-8 text, found the byte 0xe9" in text


def test_stdin_source_is_named_and_read_only_once():
    sources = collect(["-"])
    assert isinstance(sources[0], JsonlSource) and sources[0].file == STDIN_NAME
    with pytest.raises(InputError):
        collect(["-", "-"])


# ---------------------------------------------------------------- records


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{not json", "malformed JSON"),
        (b"[1, 2]", "expected a JSON object, found an array"),
        (b'{"reply": "hi", "client": "x"}', "missing 'id'"),
        (b'{"id": true, "reply": "hi", "client": "x"}', "expected 'id' to be a string or an integer"),
        (b'{"id": "a", "client": "x"}', "missing 'reply'"),
        (b'{"id": "a", "reply": "hi"}', "expected 'scenario' and 'turn', or 'client'"),
        (b'{"id": "a", "reply": "hi", "scenario": "s"}', "missing 'turn'"),
        (b'{"id": "a", "reply": "hi", "client": "x", "scenario": "s", "turn": "t"}', "found both"),
        (b'{"id": "a", "reply": "hi", "client": "x", "bank": "other.yaml"}', "'bank' is not allowed"),
        (b'{"id": "a", "reply": "caf\xff", "client": "x"}', "expected UTF-8 text, found the byte 0xff"),
    ],
)
def test_bad_lines_become_record_errors(raw, expected):
    item = rec.parse_line(7, raw)
    assert item is not None and item.line == 7
    assert expected in item.error


def test_blank_lines_are_not_records_and_ids_may_be_integers():
    assert rec.parse_line(1, b"   \n") is None
    item = rec.parse_line(2, b'{"id": 12, "reply": "hi", "client": "x", "extra": 1}')
    assert item.id == "12" and item.error is None and item.client == "x"


def test_jsonl_records_keep_order_and_report_errors_by_line(tmp_path):
    path = _jsonl(
        tmp_path,
        [
            {"id": "a", "client": CLIENT, "reply": "You're running on empty, and it always lands on you."},
            b"{oops",
            {"id": "a", "client": CLIENT, "reply": "You sound tired."},
            {"id": "c", "scenario": "no-such-scenario", "turn": "t1", "reply": "hi"},
            {"id": "d", "scenario": "grade-nights", "turn": "t9", "reply": "hi"},
            {"id": "e", "client": CLIENT, "reply": "   "},
            {"id": "f", "scenario": "grade-nights", "turn": "t1", "reply": "You're exhausted, and taken for granted."},
        ],
    )
    records, summary = _grade([str(path)])
    assert [r.line for r in records] == [1, 2, 3, 4, 5, 6, 7]
    errors = {r.line: r.error for r in records}
    assert errors[1] is None and errors[7] is None
    assert "malformed JSON" in errors[2]
    assert "duplicate id 'a'" in errors[3]
    assert "unknown scenario 'no-such-scenario'" in errors[4]
    assert "has no turn 't9'" in errors[5] and "t1, t2" in errors[5]
    assert errors[6] == "empty reply"
    assert records[0].score is not None and records[0].file == str(path) and records[0].pass_score == 60
    assert records[6].scenario == "grade-nights" and records[6].behaviour is not None
    group = summary.groups[0]
    assert (group.records, group.errors, group.scored) == (7, 5, 2)


def test_strict_stops_at_the_first_record_error(tmp_path):
    path = _jsonl(tmp_path, [{"id": "a", "client": CLIENT, "reply": "You sound tired."}, b"{oops"])
    with pytest.raises(RecordError) as caught:
        _grade([str(path)], strict=True)
    assert caught.value.problem.line == 2


def test_pass_score_override_changes_passed_and_is_recorded(tmp_path):
    path = _jsonl(tmp_path, [{"id": "a", "client": CLIENT, "reply": "You sound exhausted, and it always lands on you."}])
    (low,), _ = _grade([str(path)], pass_score=0)
    (high,), _ = _grade([str(path)], pass_score=100)
    assert low.passed and low.pass_score == 0
    assert not high.passed and high.pass_score == 100


def test_a_huge_reply_is_truncated_and_fast(tmp_path):
    import time

    reply = "You feel worn out and nobody notices. " * 140_000  # about 5 MB on one line
    path = _jsonl(tmp_path, [{"id": "big", "client": CLIENT, "reply": reply}])
    start = time.perf_counter()
    (record,), _ = _grade([str(path)])
    assert time.perf_counter() - start < 5
    assert record.truncated and record.error is None and record.score is not None
    assert len(msgspec.json.encode(record)) < 100_000  # the record carries spans, not the reply


def test_records_with_a_student_field_are_summarised_per_student(tmp_path):
    path = _jsonl(
        tmp_path,
        [
            {"id": "1", "student": "ann", "client": CLIENT, "reply": "You sound exhausted."},
            {"id": "2", "student": "ben", "client": CLIENT, "reply": "You should say no."},
            {"id": "3", "student": "ann", "client": CLIENT, "reply": "What keeps you going?"},
        ],
    )
    _, summary = _grade([str(path)])
    assert [(g.name, g.records) for g in summary.groups] == [("ann", 2), ("ben", 1)]


# ---------------------------------------------------------------- summaries


def test_summary_uses_behaviour_metrics_over_acts():
    tallies = Tallies()
    light = rec.Light
    tallies.add(0, "f", light("1", True, 80.0, "open_question", ("complex_reflection", "open_question"), None, 1, None))
    tallies.add(0, "f", light("2", True, 70.0, "simple_reflection", ("simple_reflection",), None, 2, None))
    tallies.add(0, "f", light("3", False, None, None, (), "empty reply", 3, None))
    summary = tallies.summary(None, 50.0)
    group = summary.groups[0]
    assert group.metrics.reflections == 2 and group.metrics.questions == 1
    assert group.metrics.rq_ratio == 2.0 and group.metrics.percent_complex == 50.0
    assert group.mean_score == 75.0 and group.pass_rate == 66.7 and group.met_threshold
    assert (group.errors, group.failed) == (1, 0)


def test_an_empty_answers_file_does_not_meet_the_threshold(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("student: zed\nanswers: []\n")
    records, summary = _grade([str(path)], min_pass_rate=0)
    assert records == [] and summary.groups[0].name == "zed"
    assert summary.groups[0].met_threshold is False and not summary.all_met


# ---------------------------------------------------------------- pool


def _square(x: int) -> int:
    return x * x


def test_ordered_map_keeps_order_with_workers_and_inline():
    tasks = list(range(40))
    assert list(ordered_map(_square, iter(tasks), 2, window=3)) == [x * x for x in tasks]
    assert list(ordered_map(_square, iter(tasks), 1)) == [x * x for x in tasks]
    assert list(ordered_map(_square, iter([3]), 2)) == [9]  # one task: no worker started
    assert effective_jobs(0) >= 1 and effective_jobs(3) == 3


def test_two_jobs_grade_the_same_records_in_the_same_order(tmp_path, monkeypatch):
    from empathy_coach.grading import grader as grader_module

    monkeypatch.setattr(grader_module, "CHUNK_RECORDS", 4)
    rows = [json.loads(line) for line in (Path(__file__).parent / "data" / "behaviour_labelled.jsonl").read_text().splitlines()[:30]]
    path = _jsonl(tmp_path, [{"id": r["id"], "client": r["client"], "reply": r["reply"]} for r in rows])
    one, _ = _grade([str(path)], jobs=1)
    two, _ = _grade([str(path)], jobs=2)
    assert [r.id for r in two] == [r["id"] for r in rows]
    assert msgspec.json.encode(one) == msgspec.json.encode(two)


# ---------------------------------------------------------------- escaping and schema


def test_junit_escaping_survives_every_hostile_character():
    hostile = "a]]>b <c> & \"d\" 'e' \x00\x01\x08\x0b\x0c\x1b[31m \ud800 \ufffe end\r\n"
    suite = junit.Suite(hostile, hostile, [junit.Case(hostile, hostile, hostile, 3, "failure", hostile, hostile)], [(hostile, hostile)])
    root = ET.fromstring(junit.render([suite]).encode("utf-8"))
    case = root.find("testsuite/testcase")
    failure = case.find("failure")
    assert "a]]>b <c> & \"d\"" in failure.text and "\\x1b" in failure.text and "\\ud800" in failure.text
    assert failure.get("message").startswith("a]]>b <c> &")
    assert case.get("name").endswith("end\r\n")  # attributes keep their line breaks


def test_gradebook_cells_cannot_become_formulas():
    assert gradebook.safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert gradebook.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert gradebook.safe_cell("alice") == "alice"
    assert gradebook.safe_cell(None) == "" and gradebook.safe_cell(True) == "yes" and gradebook.safe_cell(66.7) == "66.7"


def test_result_schema_describes_every_scored_record_field():
    properties = result_schema()["$defs"]["ScoredRecord"]["properties"]
    assert {f for f in ScoredRecord.__struct_fields__} == set(properties)
    assert {"id", "score", "passed", "behaviour", "acts", "roadblocks", "rules", "line", "error", "file", "truncated"} <= set(properties)


# ---------------------------------------------------------------- review fixes


def test_deeply_nested_json_line_is_a_record_error():
    deep = b'{"id":"d1","client":"c","reply":' + b"[" * 1000 + b"]" * 1000 + b"}"
    item = rec.parse_line(7, deep)
    assert item is not None and item.line == 7 and "nested too deeply" in item.error


def test_collect_refuses_empty_paths_and_non_regular_files(tmp_path):
    import os

    with pytest.raises(InputError) as caught:
        collect([""])
    assert [p.code for p in caught.value.problems] == ["usage"]
    fifo = tmp_path / "f.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as caught:
        collect([str(fifo)])
    (problem,) = caught.value.problems
    assert problem.code == "not-a-file" and "named pipe" in problem.message


def test_display_names_are_encodable_but_the_real_path_is_kept(tmp_path):
    import os

    name = os.fsdecode(b"f\xe9.jsonl")
    path = tmp_path / name
    try:
        path.write_text(json.dumps({"id": "a", "client": CLIENT, "reply": "ok then"}) + "\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take non-UTF-8 names")
    (source,) = collect([str(path)])
    assert source.file.endswith("f\ufffd.jsonl") and source.file.encode("utf-8")
    assert source.path == path and [n for n, _ in source.lines()] == [1]
    (walked,) = collect([str(tmp_path)])
    assert walked.file.endswith("f\ufffd.jsonl")


def test_gradebook_cells_show_control_characters():
    assert gradebook.safe_cell("a\x1b[31mb\x07") == "a\\x1b[31mb\\x07"
    assert gradebook.safe_cell("two\nlines") == "two\\x0alines"
    assert gradebook.safe_cell("\r=1") == "'\\x0d=1"
