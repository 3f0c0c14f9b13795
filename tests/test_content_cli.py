"""The content commands through Typer's CliRunner: banks, list, show, schema, new, check."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from empathy_coach import __version__
from empathy_coach.cli import app

runner = CliRunner()

FILLED = {
    "TODO a title for this bank": "Night shifts",
    "TODO your name": "A. Tutor",
    "TODO a short title": "Running on empty",
    "TODO who the client is and why they came (one or two sentences).": "A nurse in her thirties on night shifts.",
    "TODO-tag": "work",
    "TODO what the client says first, in their own words.": "I've been on nights all month and I'm exhausted.",
    "TODO what the client shows without words (or delete this line)": "rubs her eyes",
    "TODO-feeling": "exhausted",
    "TODO a key point": "nights all month",
    "TODO a simple reflection": "You're exhausted after a month of nights.",
    "TODO a complex reflection that adds the feeling underneath": "A month of nights has left you running on empty.",
    "TODO a hint that points at the feeling without giving the answer": "What is her body telling you?",
    "TODO a strong reflection": "You're exhausted after a month of nights.",
    "TODO a reply with advice": "You should ask your manager for day shifts.",
}


def run(*args: str, **kwargs):
    return runner.invoke(app, list(args), **kwargs)


def test_version_and_help():
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"empathy-coach {__version__}"
    result = run("--help")
    assert result.exit_code == 0
    for command in ("banks", "list", "show", "schema", "new", "check", "score"):
        assert command in result.output


def test_python_dash_m_runs_the_same_app():
    out = subprocess.run([sys.executable, "-m", "empathy_coach", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"empathy-coach {__version__}"


def test_banks_json_lists_the_builtin_banks():
    result = run("banks", "--format", "json")
    assert result.exit_code == 0, result.output
    banks = json.loads(result.output)["banks"]
    assert len(banks) >= 1
    assert all(b["source"] == "built-in" and b["scenarios"] > 0 for b in banks)
    assert {"id", "title", "scenarios", "source", "path"} <= set(banks[0])


def test_banks_text_is_a_table():
    result = run("--no-color", "banks")
    assert result.exit_code == 0
    assert "built-in" in result.output and "scenarios" in result.output


def test_list_filters_by_tag_and_difficulty():
    everything = json.loads(run("list", "--format", "json").output)["scenarios"]
    assert len(everything) >= 8
    tag = everything[0]["tags"][0]
    tagged = json.loads(run("list", "--tag", tag, "--format", "json").output)["scenarios"]
    assert tagged and all(tag in s["tags"] for s in tagged)
    hard = json.loads(run("list", "--difficulty", "advanced", "--format", "json").output)["scenarios"]
    assert all(s["difficulty"] == "advanced" for s in hard)
    assert len(hard) < len(everything)


def test_list_with_a_bad_difficulty_is_a_usage_error():
    result = run("list", "--difficulty", "hard")
    assert result.exit_code == 2
    assert "expected one of beginner, intermediate, advanced, found 'hard'" in result.output


def test_show_prints_the_dialogue_and_json():
    scenario = json.loads(run("list", "--format", "json").output)["scenarios"][0]
    result = run("--no-color", "show", scenario["id"])
    assert result.exit_code == 0
    assert scenario["title"] in result.output and "Client:" in result.output
    data = json.loads(run("show", scenario["id"], "--format", "json").output)
    assert data["scenario"]["id"] == scenario["id"]
    assert len(data["scenario"]["turns"]) == scenario["turns"]


def test_show_suggests_a_close_id():
    first = json.loads(run("list", "--format", "json").output)["scenarios"][0]["id"]
    result = run("show", first[:-1])
    assert result.exit_code == 2
    assert f"did you mean '{first}'" in result.output


def test_show_prints_scenario_text_literally(tmp_path):
    bank = tmp_path / "markup.yaml"
    bank.write_text(
        "id: markup\ntitle: '[bold red]Not bold[/bold red]'\nscenarios:\n  - id: markup-one\n    title: '[link=x]t[/link]'\n"
        "    turns:\n      - id: t1\n        client: 'I said [b]no[/b] to him.'\n",
        encoding="utf-8",
    )
    result = run("show", "markup-one", "--bank", str(bank))
    assert result.exit_code == 0, result.output
    assert "I said [b]no[/b] to him." in result.output
    assert "[link=x]t[/link]" in result.output


def test_schema_for_every_kind_is_json_schema():
    for kind in ("bank", "rubric", "lexicon", "answers", "result"):
        result = run("schema", kind)
        assert result.exit_code == 0, kind
        schema = json.loads(result.output)
        assert schema["$schema"].startswith("https://json-schema.org/")
    bank = json.loads(run("schema", "bank").output)
    assert "Turn" in bank["$defs"] and "client" in bank["$defs"]["Turn"]["properties"]


def test_new_writes_a_skeleton_that_passes_check_once_filled(tmp_path):
    target = tmp_path / "night-shifts.yaml"
    result = run("new", "scenario", "running-on-empty", "--bank", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=bank.schema.json")
    assert (tmp_path / "bank.schema.json").is_file()
    unfilled = run("check", str(target))
    assert unfilled.exit_code == 1
    assert "[todo]" in unfilled.output
    for todo, value in FILLED.items():
        text = text.replace(todo, value)
    assert not [line for line in text.splitlines() if "TODO" in line and not line.lstrip().startswith("#")]
    target.write_text(text, encoding="utf-8")
    filled = run("check", str(target))
    assert filled.exit_code == 0, filled.output
    assert filled.output.strip().splitlines()[-1].startswith("ok: 1 files checked, 0 errors")


def test_new_appends_a_second_scenario_and_refuses_a_duplicate(tmp_path):
    target = tmp_path / "bank.yaml"
    assert run("new", "scenario", "first-one", "--bank", str(target)).exit_code == 0
    assert run("new", "scenario", "second-one", "--bank", str(target)).exit_code == 0
    assert "id: second-one" in target.read_text(encoding="utf-8")
    before = target.read_text(encoding="utf-8")
    again = run("new", "scenario", "second-one", "--bank", str(target))
    assert again.exit_code == 2
    assert target.read_text(encoding="utf-8") == before


def test_check_exit_codes_and_formats(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(
        "id: good\ntitle: Good\nscenarios:\n  - id: good-one\n    title: One\n    turns:\n      - id: t1\n"
        "        client: I am so tired of the night shifts.\n        emotions: [tired]\n        examples:\n"
        "          - reply: You should quit.\n            passed: false\n            roadblocks: [advising]\n",
        encoding="utf-8",
    )
    result = run("check", str(good))
    assert result.exit_code == 0, result.output
    assert "1 examples run, 0 failed" in result.output

    failing = tmp_path / "failing.yaml"
    failing.write_text(good.read_text(encoding="utf-8").replace("passed: false", "passed: true").replace("good", "failing"), encoding="utf-8")
    result = run("check", str(failing))
    assert result.exit_code == 1
    line = result.output.splitlines()[0]
    assert line.startswith(f"{failing}:11:13: error: example in failing-one/t1: expected to pass"), line

    as_json = json.loads(run("check", str(failing), "--format", "json").output)
    assert as_json["summary"]["examples_failed"] == 1 and as_json["summary"]["ok"] is False
    assert as_json["problems"][0]["line"] == 11 and as_json["problems"][0]["code"] == "example"

    github = run("check", str(failing), "--format", "github")
    assert github.exit_code == 1
    assert re.search(r"^::error file=[^,]*failing\.yaml,line=11,col=13,title=empathy-coach example::", github.stdout, re.M)


def test_check_runs_examples_of_the_builtin_banks_by_default():
    result = run("check", "--format", "json")
    summary = json.loads(result.output)["summary"]
    assert summary["files"] >= 3
    assert summary["examples_run"] > 1000  # every example and exemplar of the built-in library
    assert summary["examples_failed"] == 0 and summary["errors"] == 0, result.output
    assert result.exit_code == 0


BAD_INPUTS = {
    "syntax.yaml": ("id: x\ntitle: [unclosed\n", "syntax.yaml:3:1: YAML syntax error"),
    "empty.yaml": ("", "empty.yaml:1:1: expected a YAML mapping, found an empty file"),
    "types.yaml": ("id: x\ntitle: T\nscenarios: {a: 1}\n", "types.yaml:3:12: scenarios: expected a list"),
    "unknown.yaml": ("id: x\ntitel: T\n", "did you mean 'title'"),
    "rubric.yaml": ("id: r\nrules:\n  - id: x\n    kind: patern\n", "rubric.yaml:4:11: unknown rule kind 'patern'"),
}


def test_bad_input_gets_one_located_line_and_exit_2(tmp_path):
    for name, (text, expected) in BAD_INPUTS.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = run("list", "--bank", str(path))
        assert result.exit_code == 2, (name, result.output)
        assert expected in result.output, (name, result.output)
        assert "Traceback" not in result.output
        lines = result.output.strip().splitlines()
        assert len(lines) <= 2 and lines[0].startswith("empathy-coach: "), result.output
        checked = run("check", str(path))
        assert checked.exit_code == 2, (name, checked.output)
        assert expected.split(": ", 1)[-1] in checked.output


def test_binary_missing_and_empty_folder_exit_2(tmp_path):
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\x00\xff\xfe" * 50)
    empty_folder = tmp_path / "nothing"
    empty_folder.mkdir()
    cases = {
        str(binary): "expected UTF-8 text, found binary data",
        str(tmp_path / "missing.yaml"): "no such file",
        str(empty_folder): "expected a folder with .yaml files, found none",
    }
    for path, expected in cases.items():
        for args in (["list", "--bank", path], ["check", path]):
            result = run(*args)
            assert result.exit_code == 2, (args, result.output)
            assert expected in result.output
            assert "Traceback" not in result.output


def test_the_schemas_in_docs_match_the_models():
    # Built-in files point editors at docs/schemas/; regenerate with `empathy-coach schema KIND`.
    folder = Path(__file__).resolve().parents[1] / "docs" / "schemas"
    for kind in ("bank", "rubric", "lexicon", "answers", "result"):
        shipped = json.loads((folder / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert shipped == json.loads(run("schema", kind).output), f"docs/schemas/{kind}.schema.json is stale"


def test_check_warns_about_a_feeling_the_lexicon_does_not_know(tmp_path):
    bank = tmp_path / "feelings.yaml"
    bank.write_text(
        "id: feelings\ntitle: F\nscenarios:\n  - id: feelings-one\n    title: One\n    turns:\n      - id: t1\n"
        "        client: It all feels flibbery.\n        emotions: [worried, flibbery]\n",
        encoding="utf-8",
    )
    result = run("check", str(bank))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "[unknown-emotion]" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{bank}:9:29: warning: emotion 'flibbery'")


def test_check_scores_exemplars_as_models_that_must_pass(tmp_path):
    bank = tmp_path / "models.yaml"
    bank.write_text(
        "id: models\ntitle: M\nscenarios:\n  - id: models-one\n    title: One\n    turns:\n      - id: t1\n"
        "        client: I've been on nights all month and I'm exhausted.\n        emotions: [exhausted]\n"
        "        exemplars:\n"
        "          - reply: You're exhausted after a month of nights.\n            behaviour: simple_reflection\n"
        "          - reply: You should ask for day shifts.\n            behaviour: complex_reflection\n",
        encoding="utf-8",
    )
    result = run("check", str(bank))
    assert result.exit_code == 1, result.output
    problems = [line for line in result.output.splitlines() if "[exemplar]" in line]
    assert problems and all(line.startswith(f"{bank}:13:13: error: exemplar in models-one/t1") for line in problems)
    assert any("expected to pass, but it failed" in line for line in problems)
    assert any("labelled complex_reflection, coded persuade" in line for line in problems)


def test_the_readme_score_example_is_what_the_tool_prints():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```console\n", 1)[1].split("```", 1)[0]
    command, rest = block.split(" \\\n", 1)
    reply_line, shown = rest.split("\n", 1)
    client = re.search(r'--client "([^"]+)"', command).group(1)
    reply = reply_line.strip().strip('"')
    result = run("score", "--client", client, reply)
    assert result.exit_code == 0
    assert result.output == shown


def test_a_reader_that_stops_early_is_not_a_failure():
    first = json.loads(run("list", "--format", "json").output)["scenarios"][0]["id"]
    for args in (["show", first], ["list"], ["show", first, "--format", "json"]):
        proc = subprocess.Popen([sys.executable, "-m", "empathy_coach", "--no-color", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "60"})
        proc.stdout.close()  # the reader is gone before the first write, as with `| head -0`
        assert proc.wait(timeout=30) == 0, args
        assert b"Traceback" not in proc.stderr.read()


def test_a_run_builds_only_the_module_of_its_command():
    from empathy_coach.cli import build_app, command_module

    assert command_module(["score", "--client", "x", "y"]) == "score"
    assert command_module(["--no-color", "history"]) == "progress"
    assert command_module(["--help"]) is None and command_module([]) is None
    assert command_module(["scor"]) is None  # the whole app, so the error can suggest 'score'
    names = sorted(c.name for c in build_app(("progress",)).registered_commands)
    assert names == ["export", "history", "progress"]
    # The table that picks a module must name exactly the commands the modules register.
    from empathy_coach.cli import COMMANDS

    built = build_app()
    registered = [c.name for c in built.registered_commands] + [g.name for g in built.registered_groups]  # `coder eval|fit` is a group
    assert sorted(registered) == sorted(n for names in COMMANDS.values() for n in names)
    out = subprocess.run([sys.executable, "-m", "empathy_coach", "--no-color", "score", "--client", "I feel sad.", "You feel sad."],
                         capture_output=True, text=True)
    assert out.returncode in (0, 1) and out.stdout.startswith("Score: ")


def test_escape_codes_in_scenario_text_are_made_visible(tmp_path):
    bank = tmp_path / "evil.yaml"
    bank.write_text(
        'id: evil\ntitle: "Bank \\e]0;pwned\\a"\nscenarios:\n  - id: evil-one\n    title: "Title \\e[2J"\n'
        '    tags: ["t\\e[5m"]\n    setting: "Set \\e[8m"\n    turns:\n      - id: t1\n        client: "Hi \\e[31mred"\n',
        encoding="utf-8",
    )
    for args in (["show", "evil-one"], ["list"], ["banks", str(bank)]):
        extra = [] if args[0] == "banks" else ["--bank", str(bank)]
        result = run(*args, *extra)
        assert result.exit_code == 0, (args, result.output)
        assert "\x1b" not in result.output and "\x07" not in result.output, args
        assert "\\x1b" in result.output, args


def test_new_with_a_name_the_file_system_refuses_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("new", "scenario", "a" * 300)
    assert result.exit_code == 2
    assert "new: cannot write" in result.output


def test_github_annotations_make_control_characters_visible():
    from empathy_coach.reports.github import annotation

    line = annotation("error", "bank\x1b]0;x\x07.yaml", 3, 5, "bad \x1b[31mred\nnext line", title="t\x1b")
    assert "\x1b" not in line and "\x07" not in line
    assert line.startswith("::error file=bank\\x1b]0;x\\x07.yaml,line=3,col=5,title=t\\x1b::bad \\x1b[31mred%0Anext line")
