"""The drill end to end in a pseudo-terminal: the rich layout, commands, and replies that survive a kill."""

from __future__ import annotations

import os
import signal
import sys

import pytest

pexpect = pytest.importorskip("pexpect")

from empathy_coach.practice.progress import open_store  # noqa: E402
from test_drill_cli import NIGHTS, SCENARIO  # noqa: E402  (the drill's own fixture bank)

GOOD = "You're running on empty, and it sounds like the nights keep landing on you because you're the one who says yes."
TIMEOUT = 20


@pytest.fixture
def nights(tmp_path):
    path = tmp_path / "nights.yaml"
    path.write_text(NIGHTS, encoding="utf-8")
    return str(path)


def spawn(home, *args: str, **extra_env: str):
    env = dict(os.environ, EMPATHY_COACH_HOME=str(home), TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    env.update(extra_env)
    return pexpect.spawn(sys.executable, ["-m", "empathy_coach", "drill", *args], env=env, dimensions=(40, 120),
                         encoding="utf-8", timeout=TIMEOUT, preexec_fn=_as_in_a_terminal)


def _as_in_a_terminal() -> None:
    """Ctrl-C and a closed window reach the drill as they do in a user's terminal, even when the suite
    itself was started in the background or under nohup (SIGINT or SIGHUP ignored there would be
    inherited by the child)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def answer_well(child) -> None:
    """The first prompt, a strong reply, its feedback, and the next prompt."""
    child.expect("you> ")
    child.sendline(GOOD)
    child.expect("Behaviour: ")
    child.expect("you> ")


def interrupt(child, expected: str) -> None:
    """Ctrl-C until `expected` shows: a ^C that lands while readline sets the terminal up can be dropped,
    as it can for a person, who presses it again."""
    for _ in range(5):
        child.sendintr()
        if child.expect([expected, pexpect.TIMEOUT], timeout=3) == 0:
            return
    raise AssertionError(f"no {expected!r} after Ctrl-C: {child.before!r}")


def test_drill_in_a_terminal_reply_hint_quit(isolated_home, nights):
    child = spawn(isolated_home, "--bank", nights, SCENARIO)
    try:
        child.expect("They've put me on nights again")
        child.expect("rubs her eyes")  # the non-verbal cue, apart
        child.expect("Enter to submit")
        child.expect("you> ")
        child.sendline(GOOD)
        child.expect("█")  # the score bar of the rich layout
        child.expect("Behaviour: ")
        child.expect("complex reflection")
        child.expect("Yeah. Exactly that.")  # the client answers the reflection openly
        child.expect("you> ")
        child.sendline("/hint")
        child.expect("Hint 1 of 1")
        child.expect("you> ")
        child.sendline("/quit")
        child.expect("Session summary")
        child.expect("Replies scored")
        child.expect("1 \\(1 passed\\)")
        child.expect("MITI band")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    with open_store(isolated_home / "progress.sqlite3") as store:
        rows = store.attempts()
        sessions = store.sessions()
    assert [(r.scenario_id, r.turn_id, r.reply) for r in rows] == [(SCENARIO, "t1", GOOD)]
    assert len(sessions) == 1 and sessions[0].ended_at is not None


def test_replies_survive_sigkill(isolated_home, nights):
    child = spawn(isolated_home, "--bank", nights, SCENARIO)
    try:
        answer_well(child)
        child.sendline("You feel torn between your team and your kid.")
        child.expect("Attempt|Behaviour: ")
        child.expect("you> ")  # the second feedback is on screen
        os.kill(child.pid, signal.SIGKILL)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.signalstatus == signal.SIGKILL
    with open_store(isolated_home / "progress.sqlite3") as store:
        rows = store.attempts()
    assert [r.turn_id for r in rows] == ["t1", "t2-open"]
    assert rows[1].reply == "You feel torn between your team and your kid."


def test_ctrl_c_ends_with_the_summary_and_no_traceback(isolated_home, nights):
    child = spawn(isolated_home, "--bank", nights, SCENARIO)
    try:
        answer_well(child)
        interrupt(child, "Session summary")
        child.expect(pexpect.EOF)
        output = child.before
    finally:
        child.close(force=True)
    assert "Traceback" not in output
    assert child.exitstatus == 0
    with open_store(isolated_home / "progress.sqlite3") as store:
        assert len(store.attempts()) == 1


def test_no_color_in_a_terminal_gives_linear_plain_text(isolated_home, nights):
    child = spawn(isolated_home, "--bank", nights, SCENARIO, NO_COLOR="1")
    try:
        child.expect("you> ")
        screen = child.before
        child.sendline("/quit")
        child.expect(pexpect.EOF)
        screen += child.before
    finally:
        child.close(force=True)
    assert "Client: They've put me on nights again." in screen
    assert "Non-verbal cue: rubs her eyes" in screen
    assert "Session summary" in screen
    assert not any(ch in screen for ch in "╭│█") and "\x1b[" not in screen


def test_a_closed_terminal_keeps_the_replies_already_scored(isolated_home, nights):
    child = spawn(isolated_home, "--bank", nights, SCENARIO)
    try:
        answer_well(child)
        child.sendline("Half a reply that is never sent \\")  # a continued line, still being typed
        os.kill(child.pid, signal.SIGHUP)  # what the terminal sends when its window is closed
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    with open_store(isolated_home / "progress.sqlite3") as store:
        rows = store.attempts()
    assert [(r.turn_id, r.reply) for r in rows] == [("t1", GOOD)]


def test_ctrl_c_gives_back_an_unsent_reply(isolated_home, nights):
    child = spawn(isolated_home, "--bank", nights, SCENARIO)
    try:
        child.expect("you> ")
        child.sendline("You feel stretched thin, \\")
        child.expect("\\.\\.\\.> ")
        child.sendline("and nobody sees it \\")
        child.expect("\\.\\.\\.> ")
        interrupt(child, "here it is to copy: You feel stretched thin, ")
        child.expect("and nobody sees it")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    with open_store(isolated_home / "progress.sqlite3") as store:
        assert store.attempts() == []


def test_where_am_i_on_every_client_panel_and_the_commands_bar_on_every_prompt(isolated_home, nights):
    # Issue 14: "Scenario 1 of 1 · turn 2 of 3" on every client panel; the key bar redrawn above
    # each prompt; compact feedback (no ✓ lines, no echo of the reply); /hint says when none are left.
    child = spawn(isolated_home, "--bank", nights, SCENARIO)
    bar = "/hint  /example  /retry  /skip  /why  /flag  /quit  /help"
    try:
        child.expect("Scenario 1 of 1 · turn 1 of 3")
        child.expect(bar)
        child.expect("you> ")
        child.sendline(GOOD)
        child.expect("Behaviour: ")
        child.expect("Scenario 1 of 1 · turn 2 of 3")
        feedback = child.before  # the rest of the feedback panel, up to the next client panel
        assert "Feedback" not in feedback and "✓" not in feedback and "Your reply:" not in feedback
        assert "pass at" not in feedback and "╰" in feedback
        child.expect(bar)
        child.expect("you> ")
        child.sendline("/hint")
        child.expect("Hint 1 of 1")
        child.expect(bar)
        child.sendline("/hint")
        child.expect("No hints left")
        child.expect(bar)
        child.sendline("/quit")
        child.expect("Session summary")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
