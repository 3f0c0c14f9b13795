"""`empathy-coach score` through Typer's CliRunner."""

import json

from typer.testing import CliRunner

from empathy_coach.cli import app

runner = CliRunner()
CLIENT = "I've been on nights all month and I'm exhausted. Nobody else ever says yes."
BANK = """\
id: mini
title: Mini bank
scenarios:
  - id: mini-nights
    title: Nights again
    turns:
      - id: t1
        client: They've put me on nights again. I'm exhausted and I feel taken for granted.
        emotions: [exhausted, resentful]
        content:
          - text: put on nights again
            synonyms: [nights, night shifts, rota]
      - id: t2
        client: I just want someone to notice.
        emotions: [unappreciated]
"""


def test_generic_score_text_passes_with_exit_0_and_shows_evidence():
    result = runner.invoke(app, ["score", "--client", CLIENT, "You sound exhausted, and it always lands on you."])
    assert result.exit_code == 0, result.output
    assert "Score:" in result.output and "reflection." in result.output
    assert "Your reply: You sound exhausted" in result.output
    assert '"exhausted"' in result.output  # the words behind the rule


def test_generic_score_below_pass_mark_exits_1_with_tips():
    result = runner.invoke(app, ["score", "--client", CLIENT, "You should tell your manager no."])
    assert result.exit_code == 1
    assert "Roadblocks: advising" in result.output
    assert "Tip 1:" in result.output


def test_json_output_has_the_stable_fields():
    result = runner.invoke(app, ["score", "--client", CLIENT, "--format", "json", "What happened?"])
    data = json.loads(result.output)
    assert {"score", "passed", "behaviour", "acts", "roadblocks", "rules", "tips"} <= set(data)
    assert data["behaviour"] == "open_question"
    assert all({"id", "passed", "points", "spans", "message"} <= set(rule) for rule in data["rules"])


def test_scenario_turn_score(tmp_path):
    bank = tmp_path / "mini.yaml"
    bank.write_text(BANK)
    result = runner.invoke(app, ["score", "--bank", str(bank), "--scenario", "mini-nights", "--turn", "t1", "--format", "json",
                                 "You're exhausted by the night shifts, and it feels like nobody values what you do."])
    data = json.loads(result.output)
    assert result.exit_code == 0, result.output
    feeling = [r for r in data["rules"] if r["id"] == "names-feeling"][0]
    assert feeling["passed"] and feeling["spans"][0]["text"] == "exhausted"


def test_unknown_scenario_and_turn_are_one_line_errors_with_exit_2(tmp_path):
    bank = tmp_path / "mini.yaml"
    bank.write_text(BANK)
    unknown = runner.invoke(app, ["score", "--bank", str(bank), "--scenario", "mini-night", "x"])
    assert unknown.exit_code == 2
    assert "did you mean 'mini-nights'" in unknown.output
    assert "Traceback" not in unknown.output
    bad_turn = runner.invoke(app, ["score", "--bank", str(bank), "--scenario", "mini-nights", "--turn", "t9", "x"])
    assert bad_turn.exit_code == 2 and "its turns: t1, t2" in bad_turn.output


def test_needs_exactly_one_of_client_or_scenario():
    neither = runner.invoke(app, ["score", "hello"])
    assert neither.exit_code == 2 and "either --client" in neither.output


def test_reply_markup_and_escapes_are_printed_literally():
    reply = "[bold red]You[/bold red] sound \x1b[31mexhausted\x1b[0m"
    result = runner.invoke(app, ["score", "--client", CLIENT, reply])
    assert "Your reply: [bold red]You[/bold red] sound" in result.output  # markup shown as typed
    assert "\x1b[31m" not in result.output  # escape codes are made visible, never sent to the terminal
    assert "\\x1b[31m" in result.output


def test_reply_from_stdin():
    result = runner.invoke(app, ["score", "--client", CLIENT, "--format", "json", "-"], input="You sound exhausted.\n")
    assert json.loads(result.output)["acts"][0]["text"] == "You sound exhausted."


def test_empty_reply_scores_zero():
    result = runner.invoke(app, ["score", "--client", CLIENT, "--format", "json", "   "])
    data = json.loads(result.output)
    assert result.exit_code == 1 and data["score"] == 0 and data["behaviour"] == "other"


def test_bytes_that_are_not_utf8_become_replacement_characters_not_a_crash():
    reply = b"You feel \xe9 sad".decode("utf-8", "surrogateescape")  # what Python hands over from argv
    result = runner.invoke(app, ["score", "--client", "I am sad", reply, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.output)["acts"][0]["text"] == "You feel \ufffd sad"


def test_an_empty_reply_says_so_once_without_empty_placeholders():
    result = runner.invoke(app, ["score", "--client", "I am so tired.", ""])
    assert result.exit_code == 1
    assert "the reply is empty" in result.output
    assert "()" not in result.output and "sounds )" not in result.output


def test_a_one_shot_score_reads_models_without_typing_extensions_and_says_the_same(tmp_path):
    """The console script imports msgspec as a clean install would (no typing_extensions): same output,
    and typing_extensions stays importable afterwards."""
    import os
    import subprocess
    import sys

    rubric = tmp_path / "bad.yaml"
    rubric.write_text("id: bad\npass_score: 60\nrules:\n  - id: x\n    kind: nosuchkind\n    weight: 1\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from empathy_coach._entry import main\n"
        "def after():\n"
        "    import msgspec._utils, typing\n"
        "    hidden = 'typing_extensions' not in sys.modules and msgspec._utils._get_type_hints is typing.get_type_hints\n"
        "    import typing_extensions\n"
        "    print(hidden, typing_extensions.__name__, file=sys.stderr)\n"
        "import atexit; atexit.register(after)\n"
        "main()\n"
    )
    env = {**os.environ, "NO_COLOR": "1"}
    runs = {}
    for name, args in {"text": ["--client", CLIENT, "You're worn out."], "json": ["--client", CLIENT, "You're worn out.", "--format", "json"],
                       "bad": ["--client", CLIENT, "x", "--rubric", str(rubric)]}.items():
        fresh = subprocess.run([sys.executable, "-c", probe, "score", *args], capture_output=True, text=True, env=env, check=False)
        assert fresh.stderr.splitlines()[-1] == "True typing_extensions"
        runs[name] = fresh
        here = runner.invoke(app, ["score", *args])  # in this process msgspec is long imported, with whatever it found
        assert (fresh.returncode, fresh.stdout) == (here.exit_code, here.stdout)
    assert runs["bad"].returncode == 2 and f"{rubric}:5:11: unknown rule kind 'nosuchkind'" in runs["bad"].stderr


def test_a_one_shot_score_or_help_leaves_its_objects_out_of_the_collection_at_exit_and_other_commands_do_not():
    import os
    import subprocess
    import sys

    probe = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen' if gc.get_freeze_count() else 'not frozen', gc.isenabled(), file=sys.stderr))\n"
        "from empathy_coach._entry import main\n"
        "main()\n"
    )
    cases = ((["score", "--client", CLIENT, "You're worn out."], "frozen False"), (["--help"], "frozen False"), ([], "frozen False"),
             (["explain", "complex_reflection"], "not frozen True"))
    for args, expected in cases:
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, check=False)
        assert done.returncode in (0, 1, 2) and done.stderr.splitlines()[-1] == expected, done.stderr
