"""Issue 14: the drill as a new student meets it (compact feedback, where am I, resume, flags) and
the defects they found. Each defect test names its number in the issue."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from empathy_coach.cli import app
from empathy_coach.practice.progress import open_store
from test_drill_cli import GOOD, NIGHTS, ROADBLOCK, SCENARIO

runner = CliRunner()


@pytest.fixture
def nights(tmp_path):
    path = tmp_path / "nights.yaml"
    path.write_text(NIGHTS, encoding="utf-8")
    return str(path)


def run(*args: str, input: str = ""):
    return runner.invoke(app, list(args), input=input)


def drill_nights(nights: str, *args: str, input: str):
    return run("drill", "--bank", nights, *args, input=input)


# ---------------------------------------------------------------- defects


def test_defect_1_a_bank_of_ones_own_does_not_hide_the_builtin_practice(isolated_home):
    (isolated_home / "banks").mkdir()
    (isolated_home / "banks" / "mine.yaml").write_text(
        "id: mine\ntitle: Mine\nscenarios:\n  - id: mine-one\n    title: One\n    turns:\n      - id: t1\n        client: Hello there.\n",
        encoding="utf-8",
    )
    three = run("drill", "--count", "3", input="/skip\n/skip\n/skip\n/skip\n/skip\n/skip\n/skip\n/skip\n/skip\n/skip\n/quit\n")
    assert three.exit_code == 0, three.output
    assert "Scenario 3 of 3" in three.output
    summary = run("drill", "--skill", "summary", "--count", "1", input="/quit\n")
    assert summary.exit_code == 0, summary.output


def test_defect_1_every_command_progress_suggests_runs(isolated_home, nights):
    (isolated_home / "banks").mkdir()
    (isolated_home / "banks" / "mine.yaml").write_text(
        "id: mine\ntitle: Mine\nscenarios:\n  - id: mine-one\n    title: One\n    turns:\n      - id: t1\n        client: Hello there.\n",
        encoding="utf-8",
    )
    run("drill", "change-rugby-club-pints", input="You should cut down.\n/quit\n")
    progress = run("progress")
    commands = re.findall(r"empathy-coach (drill[^\n]*)", progress.output)
    assert commands, progress.output
    for command in commands:
        result = run(*command.split(), input="/quit\n")
        assert result.exit_code == 0, (command, result.output)


def test_defect_4_hint_pressed_again_says_none_left_and_counts_once(nights):
    result = drill_nights(nights, SCENARIO, input="/hint\n/hint\n/hint\n/hint\n" + GOOD + "\n/quit\n")
    assert result.output.count("Hint 1 of 2") == 1 and result.output.count("Hint 2 of 2") == 1
    assert result.output.count("No hints left") == 2
    with open_store() as store:
        assert store.attempts()[0].hints_used == 2


def test_defect_6_the_summary_says_what_it_counts_and_gives_no_band_too_early(nights):
    out = drill_nights(nights, SCENARIO, input=GOOD + "\n/quit\n").output
    assert "each reply counted once" in out and "reflection act" in out
    assert "MITI band given from 5 replies (this session: 1)" in out
    assert "MITI band: good" not in out


def test_defect_10_a_skipped_turn_comes_back_in_the_same_session(nights):
    out = drill_nights(nights, SCENARIO, input="/skip\n" + GOOD + "\n" + GOOD + "\n").output
    assert "Skipped: it comes back before this drill ends." in out
    assert "Client (a turn you skipped, back again): They've put me on nights again." in out


@pytest.mark.parametrize("command", [["drill"], ["list"], ["show", SCENARIO], ["banks"]])
def test_defect_11_an_empty_bank_path_is_an_error_not_the_current_folder(command):
    args = [*command, "--bank", ""] if command[0] != "banks" else ["banks", ""]
    result = run(*args, input="/quit\n")
    assert result.exit_code == 2, result.output
    assert "empty path" in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------- compact feedback and where am I


def test_compact_feedback_by_default_and_every_rule_with_verbose_or_why(nights):
    compact = drill_nights(nights, SCENARIO, input=GOOD + "\n/quit\n").output
    assert "Passed:" not in compact and "Your reply:" not in compact  # no empty ticks, no echo
    assert "Scenario 1 of 1 · turn 1 of 3." in compact  # t1, t2-open or t2-guarded, t3
    why = drill_nights(nights, SCENARIO, input=GOOD + "\n/why\n/quit\n").output
    assert "Every rule of your last reply" in why and "Passed: is-a-reflection" in why and "Your reply:" in why
    verbose = drill_nights(nights, SCENARIO, "--verbose", input=GOOD + "\n/quit\n").output
    assert "Passed: is-a-reflection" in verbose


def test_defect_5_points_shown_are_the_points_stored(nights):
    out = drill_nights(nights, SCENARIO, "--verbose", input=ROADBLOCK + "\n/quit\n").output
    with open_store() as store:
        [row] = store.attempts()
    for rule in row.result.rules:
        assert f"{rule.id} ({rule.points:g} of {rule.max_points:g} points)" in out


def test_missed_rules_show_their_words_and_one_tip_never_repeated(nights):
    out = drill_nights(nights, SCENARIO, input=ROADBLOCK + "\n/retry\n" + ROADBLOCK + "\n/quit\n").output
    assert "Missed: no-roadblocks" in out and "see: empathy-coach explain advising".lower() in out.lower()
    tips = re.findall(r"^Tip: (.*)$", out, re.M)
    assert tips and len(tips) == len(set(tips))  # the same reply twice: its tip is not given twice
    assert "Tip 2:" not in out


# ---------------------------------------------------------------- resume, last failed, due turn, flags


def test_resume_continues_at_the_turn_where_the_student_stopped(nights):
    run("drill", "--bank", nights, SCENARIO, input=GOOD + "\n/quit\n")
    resumed = drill_nights(nights, "--resume", input="/quit\n")
    assert resumed.exit_code == 0, resumed.output
    assert "Client: Yeah. Exactly that." in resumed.output and "turn 2 of 3" in resumed.output
    done = drill_nights(nights, "--resume", input="")
    assert done.exit_code == 0  # the scenario goes on: t3 after t2-open
    nothing = run("drill", "--resume", input="")
    assert nothing.exit_code == 2 or "Client:" in nothing.output


def test_resume_with_nothing_saved_says_so(isolated_home):
    result = run("drill", "--resume", input="")
    assert result.exit_code == 2 and "nothing to resume" in result.output


def test_last_failed_replays_only_the_failed_turns(nights):
    run("drill", "--bank", nights, SCENARIO, input=ROADBLOCK + "\nYou should sleep more.\n")
    replay = drill_nights(nights, "--last-failed", input=GOOD + "\n" + GOOD + "\n")
    out = replay.output
    assert replay.exit_code == 0, out
    assert "Scenario 1 of 2" in out and "Scenario 2 of 2" in out
    assert "Client: They've put me on nights again." in out and "Client: Yeah, I know. Easy to say." in out
    assert "Last week I cried" not in out  # one turn each, no branching onwards
    drill_nights(nights, SCENARIO, input=GOOD + "\n/quit\n")
    all_passed = drill_nights(nights, "--last-failed", input="")
    assert all_passed.exit_code == 2 and "every reply passed" in all_passed.output


def test_todays_practice_resumes_a_due_scenario_at_its_due_turn(nights):
    run("drill", "--bank", nights, SCENARIO, input=GOOD + "\n" + ROADBLOCK + "\n/quit\n")  # t1 passes, t2-open fails
    with open_store() as store:
        due = {d.turn_id for d in store.due_turns()}
    assert "t2-open" in due
    today = drill_nights(nights, input="/quit\n")
    assert "due for review" in today.output
    assert "Client: Yeah. Exactly that." in today.output and "Client: They've put me on nights" not in today.output


def test_flag_is_saved_shown_in_history_and_listed_for_the_instructor(nights):
    run("drill", "--bank", nights, SCENARIO, input=ROADBLOCK + "\n/flag she asked me for advice\n/quit\n")
    with open_store() as store:
        [row] = store.attempts()
    assert row.flag == "she asked me for advice"
    flags = run("progress", "--flags")
    assert "she asked me for advice" in flags.output and SCENARIO in flags.output
    history = run("history", "--format", "json")
    assert '"flags": 1' in history.output and SCENARIO in history.output
    text = run("history")
    assert SCENARIO[:10] in text.output
    exported = run("export", "last", "--format", "json")
    assert '"flag": "she asked me for advice"' in exported.output


# ---------------------------------------------------------------- defect 2


def test_defect_2_list_and_banks_never_cut_an_id_and_quiet_lists_ids_only():
    import json

    ids = [s["id"] for s in json.loads(run("list", "--format", "json").output)["scenarios"]]
    banks = [b["id"] for b in json.loads(run("banks", "--format", "json").output)["banks"]]
    for width in ("80", "120"):
        listed = runner.invoke(app, ["list"], env={"COLUMNS": width}).output
        shown = runner.invoke(app, ["banks"], env={"COLUMNS": width}).output
        for ident in ids:
            assert re.search(rf"│ {re.escape(ident)} +│", listed), (width, ident)
        for ident in banks:
            assert re.search(rf"│ {re.escape(ident)} +│", shown), (width, ident)
    assert run("list", "-q").output.split() == ids
    assert run("banks", "-q").output.split() == banks
