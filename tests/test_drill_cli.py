"""`empathy-coach drill` through Typer's CliRunner: plain text in and out, and what the store keeps."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from empathy_coach.cli import app
from empathy_coach.practice.progress import open_store

runner = CliRunner()
SCENARIO = "test-night-rota"
FIRST_LINE = "They've put me on nights again."
GOOD = "You're running on empty, and it sounds like the nights keep landing on you because you're the one who says yes."
ROADBLOCK = "You should just tell your manager you can't do any more nights."

# The drill's own fixture bank, so that edits to the built-in content never break these tests.
NIGHTS = """\
id: test-nights
title: Test bank
scenarios:
  - id: test-night-rota
    title: The ward nurse and the night rota
    setting: Amara, 34, a ward nurse and single mother.
    tags: [work]
    turns:
      - id: t1
        client: They've put me on nights again. I said yes because nobody else would, and now I can barely keep my eyes open.
        nonverbal: rubs her eyes, speaks quickly
        emotions: [exhausted, resentful]
        content:
          - text: keeps being put on night shifts
            synonyms: [nights, night shifts, rota]
        hints:
          - What might she feel about always being the one who says yes?
          - Name the tiredness, then what sits under it.
        exemplars:
          - reply: You're exhausted from all these night shifts.
            behaviour: simple_reflection
          - You keep stepping in when no one else will, and it's leaving you running on empty.
        next:
          - when: roadblock
            goto: t2-guarded
          - goto: t2-open
      - id: t2-open
        client: Yeah. Exactly that. I don't want to let the team down, but I'm letting my own kid down instead.
        emotions: [guilty, torn]
        hints: [Two loyalties are pulling at her.]
        next: t3
      - id: t2-guarded
        client: Yeah, I know. Easy to say. Anyway, it's fine.
        nonverbal: folds her arms, looks away
        emotions: [frustrated]
      - id: t3
        client: Last week I cried in the sluice room on my break.
        emotions: [overwhelmed]
"""


COURSE = """\
id: course
title: Course bank
scenarios:
  - id: course-one
    title: The course scenario
    setting: A student after a hard week.
    turns:
      - id: t1
        client: I failed the exam and I feel like an idiot.
        emotions: [ashamed]
        hints: [What does failing mean to them?]
        exemplars: [You feel ashamed, as if one exam says who you are.]
        next:
          - when: roadblock
            goto: closed
          - goto: opened
      - id: opened
        client: Yeah. I studied so hard.
        next: end
      - id: closed
        client: Whatever. Forget it.
"""


@pytest.fixture
def nights(tmp_path):
    path = tmp_path / "nights.yaml"
    path.write_text(NIGHTS, encoding="utf-8")
    return str(path)


def drill(*args: str, input: str):
    return runner.invoke(app, ["drill", *args], input=input)


def drill_nights(nights: str, *args: str, input: str):
    return drill("--bank", nights, SCENARIO, *args, input=input)


def attempts():
    with open_store() as store:
        return store.attempts()


def test_one_reply_then_quit_prints_feedback_and_summary_and_stores_the_attempt(nights):
    result = drill_nights(nights, input=f"{GOOD}\n/quit\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Scenario 1 of 1: The ward nurse and the night rota" in out
    assert "Setting: Amara, 34, a ward nurse and single mother." in out
    assert f"Client: {FIRST_LINE}" in out
    assert "Non-verbal cue: rubs her eyes, speaks quickly." in out
    assert "Enter to submit" in out and "/hint" in out and "/example" in out
    assert "Score:" in out and "Behaviour: complex reflection." in out
    assert "Session summary. Drill ended." in out and "Replies scored: 1" in out
    assert "MITI band" in out
    rows = attempts()
    assert [(r.scenario_id, r.turn_id, r.reply) for r in rows] == [(SCENARIO, "t1", GOOD)]
    assert rows[0].behaviour == "complex_reflection"
    # plain text: no boxes, no bars
    assert not any(ch in out for ch in "█░╭│─")


def test_branching_follows_the_reply(nights):
    good = drill_nights(nights, input=f"{GOOD}\n")
    assert "Client: Yeah. Exactly that." in good.output
    guarded = drill_nights(nights, input=f"{ROADBLOCK}\n")
    assert "Client: Yeah, I know. Easy to say." in guarded.output
    assert "Non-verbal cue: folds her arms, looks away." in guarded.output


def test_hint_example_retry_and_unknown_command(nights):
    script = "/example\n/hint\n/hint\n/frobnicate\n" + ROADBLOCK + "\n/example\n/retry\n" + GOOD + "\n/quit\n"
    result = drill_nights(nights, input=script)
    out = result.output
    assert result.exit_code == 0, out
    assert "Try the turn first" in out  # /example before any reply
    assert "Hint 1 of 2: What might she feel" in out and "Hint 2 of 2: Name the tiredness" in out
    assert "There is no /frobnicate command." in out
    assert "Model reply 1 of 2 for the turn you just answered" in out
    assert "Client (again): They've put me on nights again." in out
    assert "Attempt 2 on this turn." in out
    rows = attempts()
    assert [r.reply for r in rows] == [ROADBLOCK, GOOD]  # both attempts kept
    assert rows[0].hints_used == 2 and not rows[0].passed


def test_end_of_input_ends_with_summary_and_multiline_reply(nights):
    result = drill_nights(nights, input="You sound exhausted \\\nand fed up.\n")
    assert result.exit_code == 0, result.output
    assert "Session summary. End of input." in result.output
    assert [r.reply for r in attempts()] == ["You sound exhausted \nand fed up."]


def test_unknown_scenario_is_a_one_line_error_with_did_you_mean(nights):
    result = drill("--bank", nights, "test-night-rot", input="")
    assert result.exit_code == 2
    assert "did you mean 'test-night-rota'" in result.output
    assert "Traceback" not in result.output
    assert attempts() == []


def test_bad_difficulty_exits_2():
    result = drill("--difficulty", "expert", input="")
    assert result.exit_code == 2 and "--difficulty" in result.output


def test_user_text_is_shown_literally(nights):
    reply = "[bold]x[/bold] and \x1b[31mred"
    result = drill_nights(nights, "--plain", input=reply + "\n/why\n/quit\n")
    assert "Your reply: [bold]x[/bold] and \\x1b[31mred" in result.output
    assert "\x1b[31m" not in result.output
    assert attempts()[0].reply == reply  # stored as typed


def test_todays_practice_on_the_builtin_bank_and_due_turns_come_back():
    first = drill("--count", "2", input=f"{ROADBLOCK}\n/quit\n")
    assert first.exit_code == 0, first.output
    assert "Scenario 1 of 2:" in first.output and "(beginner, new)" in first.output
    failed_scenario = attempts()[0].scenario_id
    second = drill("--count", "2", input="/quit\n")
    assert "due for review" in second.output
    with open_store() as store:
        due = {d.scenario_id for d in store.due_turns()}
    assert failed_scenario in due
    assert "Client: " in second.output


def test_filters_and_count():
    result = drill("--difficulty", "advanced", "--count", "1", input="/quit\n")
    assert result.exit_code == 0, result.output
    assert "Scenario 1 of 1:" in result.output and "(advanced" in result.output
    none = drill("--tag", "no-such-tag", input="")
    assert none.exit_code == 2 and "no scenario matches" in none.output


def test_course_bank_with_skip_and_previous_session_comparison(tmp_path):
    path = tmp_path / "course.yaml"
    path.write_text(COURSE, encoding="utf-8")
    first = drill("--bank", str(path), input="You should study harder next time.\n")
    assert "Client: Whatever. Forget it." in first.output
    assert "your first session" in first.output
    second = drill("--bank", str(path), input="/skip\nYou feel ashamed, as if one exam decides who you are.\n")
    out = second.output
    assert "Scenario 1 of 1: The course scenario" in out  # the --bank pool, not the built-in one
    assert "Skipped: it comes back" in out and "Client: Yeah. I studied so hard." in out
    assert "on the previous session" in out
    with open_store() as store:
        sessions = store.sessions()
    assert len(sessions) == 2 and all(s.banks == ["course"] for s in sessions)


def test_corrupt_database_notice_is_shown(isolated_home, nights):
    (isolated_home / "progress.sqlite3").write_bytes(b"this is not a database" * 100)
    result = drill_nights(nights, input=f"{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert "Note: The progress database could not be read" in result.output
    assert len(attempts()) == 1


def test_a_bank_notice_comes_before_each_of_its_scenarios(tmp_path):
    bank = tmp_path / "noticed.yaml"
    bank.write_text(NIGHTS.replace("title: Test bank\n", "title: Test bank\nnotice: 'Practice only: [b]not[/b] a crisis protocol.'\n"), encoding="utf-8")
    result = drill("--bank", str(bank), SCENARIO, input="/quit\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Please note: Practice only: [b]not[/b] a crisis protocol." in out
    assert out.index("Please note") < out.index("Setting: Amara")


def test_the_builtin_safety_bank_carries_its_notice():
    result = drill("safety-better-off-without-me", input="/quit\n")
    assert result.exit_code == 0, result.output
    assert "Please note: This is practice, not a crisis protocol" in result.output


def test_a_reply_with_bytes_that_are_not_utf8_is_scored_and_saved(nights, isolated_home):
    import os
    import subprocess
    import sys

    env = {**os.environ, "EMPATHY_COACH_HOME": str(isolated_home), "PYTHONIOENCODING": "utf-8:strict"}
    out = subprocess.run([sys.executable, "-m", "empathy_coach", "drill", "--bank", nights, SCENARIO, "--plain"],
                         input=b"You're exhausted \xe9 and stretched thin.\n/quit\n", capture_output=True, env=env)
    assert out.returncode == 0, out.stderr
    assert b"Traceback" not in out.stderr and b"could not save" not in out.stdout
    assert [r.reply for r in attempts()] == ["You're exhausted \ufffd and stretched thin."]
