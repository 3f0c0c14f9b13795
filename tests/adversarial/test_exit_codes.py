"""Honest exit codes: a reader that goes away keeps the verdict; a write error is exit 2 with one
line; a stdout that is not UTF-8 is written with replacement; SIGTERM leaves no traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import env_for, leftovers, no_traceback, run_cli

SCORE_BELOW = ["score", "--client", "hi", "You should stop"]


@pytest.fixture
def cases(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenarios: [\n")
    small = tmp_path / "small.jsonl"
    small.write_text("".join(json.dumps({"id": str(i), "client": "I am so tired.", "reply": "You should rest."}) + "\n" for i in range(40)))
    return {
        "list": ["list"],
        "check": ["check", str(bad)],
        "score": SCORE_BELOW,
        "show": ["show", "--format", "json", "anything-not-there"],
        "progress": ["progress"],
        "grade-text": ["grade", str(small)],
        "grade-json": ["grade", str(small), "-f", "json"],
        "grade-jsonl": ["grade", str(small), "-f", "jsonl"],
        "grade-github": ["grade", str(small), "-f", "github"],
    }


def _closed_reader(args, home) -> subprocess.CompletedProcess:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte
    try:
        return run_cli(args, home, stdout=write)
    finally:
        os.close(write)


# The verdict of each case with a reader that stays (checked in other tests): 0 for list, 2 for a
# broken bank, 1 for a reply or answers below the pass mark.
VERDICTS = {"list": 0, "check": 2, "score": 1, "grade-text": 1, "grade-json": 1, "grade-jsonl": 1, "grade-github": 1}


@pytest.mark.parametrize("name", ["list", "check", "score", "grade-text", "grade-json", "grade-github"])
def test_a_closed_stdout_keeps_the_verdict(cases, name, home):
    closed = _closed_reader(cases[name], home)
    no_traceback(closed)
    assert closed.returncode == VERDICTS[name], (name, closed.stderr)


def test_the_verdicts_assumed_above_hold_with_a_reader(cases, home):
    for name in ("check", "grade-jsonl"):
        assert run_cli(cases[name], home, stdout=subprocess.DEVNULL).returncode == VERDICTS[name]


@pytest.mark.parametrize("name", ["list", "score", "grade-json"])
def test_stdout_on_dev_full_is_one_line_and_exit_2(cases, name, home):
    with open("/dev/full", "wb") as full:
        proc = run_cli(cases[name], home, stdout=full)
    no_traceback(proc)
    assert proc.returncode == 2, (name, proc.stderr)
    lines = proc.stderr.decode().strip().splitlines()
    assert any("cannot write standard output" in line for line in lines), lines
    assert len([line for line in lines if "cannot write" in line]) == 1


def test_grade_output_to_dev_full_is_exit_2(cases, home):
    proc = run_cli([*cases["grade-json"], "-o", "/dev/full"], home)
    no_traceback(proc)
    assert proc.returncode == 2 and b"No space" in proc.stderr


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}])
def test_a_stdout_that_is_not_utf8_gets_replacements(home, env):
    proc = run_cli(["score", "--client", "Je suis épuisé ✓", "Tu es épuisé — vraiment ✓"], home, **env)
    no_traceback(proc)
    assert proc.returncode in (0, 1)
    assert b"Score:" in proc.stdout


def test_sigterm_to_a_parallel_grade_leaves_no_traceback_and_no_temporary(tmp_path, home):
    rows = [{"id": str(i), "client": "Nobody at work listens to me.", "reply": f"It feels like you go unheard, {i}."} for i in range(6000)]
    answers = tmp_path / "many.jsonl"
    answers.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.json"
    out.write_text("old")
    proc = subprocess.Popen([sys.executable, "-m", "empathy_coach", "grade", str(answers), "-j", "2", "-f", "json", "-o", str(out)],
                            env=env_for(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert b"Traceback" not in err, err.decode(errors="replace")[-3000:]
    assert proc.returncode in (0, 1, 143, -15)
    assert out.read_text() == "old" or json.loads(out.read_text())
    time.sleep(0.2)
    assert leftovers(tmp_path) == []
