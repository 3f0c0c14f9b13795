"""Hostile input by class, from hypothesis generators: escape codes and bidi controls anywhere a
message quotes input, malformed YAML and JSON Lines, huge numbers, symlink loops, damaged database
rows, and files with very many problems. No traceback, exit 0/1/2 only, nothing that drives a
terminal in what is printed."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from empathy_coach.cli import app
from empathy_coach.literal import BIDI_CONTROLS, printable
from empathy_coach.problems import MAX_PROBLEMS_PER_FILE

DATA = Path(__file__).resolve().parents[1] / "data" / "grading"
BANK = str(DATA / "bank.yaml")
DANGEROUS = ["\x1b[2J", "\x1b]0;hacked\x07", "\x9b31m", "\u202e", "\u2066", "\u200f", "\r", "\x00", "\x08"]
SAFE_OUT = set("\x1b\x07\x9b\x08\x00") | set(BIDI_CONTROLS)

runner = CliRunner()


def hostile_text() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(DANGEROUS), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6)), min_size=1,
                    max_size=5).map("".join)


def _invoke(args, input=None):
    result = runner.invoke(app, args, input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback
    assert result.exit_code in (0, 1, 2), result.output
    return result


def _clean(text: str) -> bool:
    return not (set(text) & SAFE_OUT)


def test_printable_makes_every_control_and_bidi_visible():
    for char in DANGEROUS:
        shown = printable(f"a{char}b")
        assert _clean(shown) and shown.startswith("a") and shown.endswith("b")
    assert printable("line\nnext\ttab") == "line\nnext\ttab"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(key=hostile_text())
def test_answers_keys_never_reach_the_terminal_raw(tmp_path, key):
    answers = tmp_path / "a.yaml"
    answers.write_text("student: s\nanswers: []\n" + json.dumps(key) + ": 1\n" + json.dumps(key) + ": 2\n", encoding="utf-8")
    result = _invoke(["grade", str(answers), "--bank", BANK])
    assert result.exit_code == 2
    assert _clean(result.output), repr(result.output)


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(fields=st.lists(st.tuples(hostile_text(), hostile_text(), hostile_text()), min_size=8, max_size=30))
def test_jsonl_records_with_hostile_fields_are_shown_literally_in_every_format(tmp_path, fields):
    lines = tmp_path / "r.jsonl"
    records = []
    for scenario, rid, reply in fields:
        records.append(json.dumps({"id": rid, "scenario": scenario, "turn": "t1", "reply": reply}))
        records.append(json.dumps({"id": rid, "client": "hi", "reply": reply}))
    lines.write_text("\n".join(records) + "\n")
    strict = _invoke(["grade", str(lines), "--bank", BANK, "--strict"])
    assert strict.exit_code == 2 and _clean(strict.output), repr(strict.output)
    for fmt in ("text", "github", "junit"):
        result = _invoke(["grade", str(lines), "--bank", BANK, "-f", fmt])
        assert _clean(result.output), (fmt, repr(result.output[:500]))


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=hostile_text())
def test_file_names_and_ids_on_the_command_line_are_shown_literally(tmp_path, name):
    missing = str(tmp_path / (name.replace("/", "_").replace("\x00", "0") + ".jsonl"))
    for args in (["grade", missing], ["check", missing], ["show", name.replace("\x00", "0")], ["export", name.replace("\x00", "0")]):
        result = _invoke(args)
        assert result.exit_code == 2 and _clean(result.output), (args, repr(result.output))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_random_bytes_as_a_bank_or_answers_file_are_located_errors(tmp_path, text):
    for name, args in (("b.yaml", ["check"]), ("a.yaml", ["grade", "--bank", BANK]), ("a.jsonl", ["grade"])):
        path = tmp_path / name
        path.write_bytes(text)
        _invoke([*args, str(path)])


def test_a_huge_integer_is_a_located_error(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("student: s\nanswers:\n  - scenario: a\n    turn: t1\n    reply: hi\n    x: " + "1" * 5000 + "\n")
    result = _invoke(["grade", str(answers), "--bank", BANK])
    assert result.exit_code == 2 and "a.yaml:6:" in result.output


def test_a_symlink_loop_on_the_command_line_is_a_located_error(tmp_path):
    (tmp_path / "loop1.yaml").symlink_to(tmp_path / "loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to(tmp_path / "loop1.yaml")
    for args in (["grade", str(tmp_path / "loop1.yaml")], ["check", str(tmp_path / "loop1.yaml")], ["score", "--bank", str(tmp_path / "loop1.yaml"),
                                                                                                    "--client", "hi", "ok"]):
        result = _invoke(args)
        assert result.exit_code == 2 and "loop1.yaml" in result.output, args


def test_score_with_a_missing_bank_is_an_error():
    result = _invoke(["score", "--bank", "no-such-bank.yaml", "--client", "hi", "You feel tired."])
    assert result.exit_code == 2 and "no-such-bank.yaml" in result.output


@pytest.mark.parametrize("damage", ["UPDATE attempts SET result = '{bad'", "UPDATE sessions SET started_at = 'garbage'", "UPDATE attempts SET tags = '7'"])
def test_damaged_database_rows_are_located_errors(home, damage):
    from empathy_coach import score_reply
    from empathy_coach.practice.progress import open_store

    with open_store() as store:
        sid = store.start_session()
        store.record_attempt(sid, scenario_id="a", turn_id="t", skill="x", tags=[], client="c", reply="r", result=score_reply("You feel tired.",
                                                                                                                              client="I am tired."))
        store.finish_session(sid)
    conn = sqlite3.connect(str(home / "progress.sqlite3"))
    conn.execute(damage)
    conn.commit()
    conn.close()
    for args in (["progress"], ["history"], ["export", "last"], ["export", "last", "-f", "html"]):
        result = _invoke(args)
        assert result.exit_code == 2 and "progress.sqlite3" in result.output and "damaged" in result.output, (args, result.output)


def test_a_file_with_very_many_problems_reports_a_capped_number_with_a_count(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("student: s\nanswers: []\n" + "".join(f"k{i}: {i}\n" for i in range(20_000)))
    result = _invoke(["grade", str(answers), "--bank", BANK])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2
    assert len(lines) == MAX_PROBLEMS_PER_FILE + 1
    assert f"{20_000 - MAX_PROBLEMS_PER_FILE:,}" in lines[-1] or f"{20_000 - MAX_PROBLEMS_PER_FILE}" in lines[-1]


def test_duplicate_keys_are_capped_too(tmp_path):
    bank = tmp_path / "b.yaml"
    bank.write_text("id: b\nscenarios: []\n" + "x: 1\n" * 5000)
    result = _invoke(["check", str(bank)])
    assert result.exit_code == 2
    assert len([line for line in result.output.splitlines() if "twice" in line]) == MAX_PROBLEMS_PER_FILE
    assert "more problems" in result.output


def test_a_long_scenario_with_a_cycle_is_checked_in_one_pass(tmp_path):
    turns = "".join(f"      - id: t{i}\n        client: words {i}\n        skill: reflect_feeling\n" for i in range(3000))
    turns += "        next: t2999\n"  # the last turn loops on itself: every turn before reaches it
    bank = tmp_path / "b.yaml"
    bank.write_text(f"id: b\ntitle: B\nversion: '1'\nscenarios:\n  - id: s\n    title: S\n    turns:\n{turns}")
    result = _invoke(["check", str(bank), "--no-examples"] if "--no-examples" in _invoke(["check", "--help"]).output else ["check", str(bank)])
    cycles = [line for line in result.output.splitlines() if "cycle" in line]
    assert result.exit_code in (1, 2) and cycles and len(cycles) <= MAX_PROBLEMS_PER_FILE


def test_an_unreadable_jsonl_line_limit_is_told(tmp_path, monkeypatch):
    from empathy_coach.grading import sources

    monkeypatch.setattr(sources, "MAX_LINE_BYTES", 1000)
    lines = tmp_path / "r.jsonl"
    lines.write_text(json.dumps({"id": "big", "client": "hi", "reply": "x" * 5000}) + "\n" + json.dumps({"id": "ok", "client": "hi",
                                                                                                         "reply": "You feel tired."}) + "\n")
    result = _invoke(["grade", str(lines), "-f", "jsonl"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["", "ok"]
    assert "at most 1,000 bytes" in records[0]["error"]


def test_grade_reads_an_endless_stdin_with_a_bound(monkeypatch):
    import io

    from empathy_coach.grading import sources

    monkeypatch.setattr(sources, "MAX_LINE_BYTES", 1000)
    monkeypatch.setattr(sources, "MAX_SKIPPED_BYTES", 100_000)

    class Zeros(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"\0" * len(buffer)
            return len(buffer)

    (records,) = [list(sources._numbered(io.BufferedReader(Zeros())))]
    assert len(records) == 1 and records[0][1].stopped


def test_unsafe_file_names_in_check_output_are_visible(tmp_path):
    name = tmp_path / "bad\x1b[31m.yaml"
    name.write_text("scenarios: [\n")
    result = _invoke(["check", str(name)])
    assert result.exit_code == 2 and "\\x1b[31m" in result.output and _clean(result.output)


def test_an_unreadable_subfolder_is_told_not_skipped_silently(tmp_path, monkeypatch):
    import shutil

    folder = tmp_path / "class"
    (folder / "locked").mkdir(parents=True)
    shutil.copy(DATA / "bank.yaml", folder / "bank.yaml")
    (folder / "locked" / "more.yaml").write_text("id: more\n")
    (folder / "a.jsonl").write_text(json.dumps({"id": "1", "client": "hi", "reply": "You feel tired."}) + "\n")
    real_scandir = os.scandir

    def scandir(path="."):  # root reads any folder: a permission error is injected instead of chmod
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    checked = _invoke(["check", str(folder / "bank.yaml"), str(folder)])
    assert "locked" in checked.output and "could not be read" in checked.output
    graded = _invoke(["grade", str(folder)])
    assert "locked" in graded.output and "could not be read" in graded.output


def test_json_and_jsonl_output_escape_bidi_and_c1_controls_and_keep_the_data(tmp_path):
    reply = "You feel \u202eflipped\u0085 and \x7f tired \u2066."
    lines = tmp_path / "r.jsonl"
    lines.write_text(json.dumps({"id": "x\u202e", "client": "I am tired.", "reply": reply}, ensure_ascii=False) + "\n", encoding="utf-8")
    for fmt in ("json", "jsonl"):
        result = _invoke(["grade", str(lines), "-f", fmt])
        assert _clean(result.stdout) and "\\u202e" in result.stdout, fmt
        decoded = json.loads(result.stdout) if fmt == "json" else json.loads(result.stdout.splitlines()[0])
        record = decoded["records"][0] if fmt == "json" else decoded
        assert record["id"] == "x\u202e"


def test_score_says_when_only_part_of_a_long_reply_was_scored():
    result = _invoke(["score", "--client", "I am tired.", "You sound tired. " * 600])
    assert "only the first 5,000 were scored" in result.output


def test_score_reads_standard_input_with_a_bound_and_says_so():
    result = _invoke(["score", "--client", "I am tired.", "-"], input="You sound tired. " * 3000)
    assert "only the first 20,000 were read" in result.output
