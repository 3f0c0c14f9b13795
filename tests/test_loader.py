"""The loader: YAML -> typed models, every problem located as file:line:column."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from empathy_coach.banks import models as m
from empathy_coach.banks.catalog import Catalog
from empathy_coach.banks.loader import load_file, load_text
from empathy_coach.banks.yamlsource import MAX_ALIAS_EXPANSIONS, MAX_FILE_BYTES
from empathy_coach.problems import InputError

GOOD_BANK = textwrap.dedent(
    """\
    id: tiny
    title: Tiny bank
    scenarios:
      - id: tiny-one
        title: One
        turns:
          - id: t1
            client: I can't sleep before exams.
            emotions: [anxious]
            next:
              - when: roadblock
                goto: t2-guarded
              - when: always
                goto: t2-open
          - id: t2-guarded
            client: Whatever.
            next: end
          - id: t2-open
            client: Yes, exactly.
    """
)


def problems_of(text: str, kind: str = "bank", name: str = "bank.yaml"):
    with pytest.raises(InputError) as caught:
        load_text(text, name, kind)
    return caught.value.problems


def only_problem(text: str, kind: str = "bank"):
    problems = problems_of(text, kind)
    assert len(problems) == 1, problems
    return problems[0]


def test_a_small_bank_loads_with_defaults_that_keep_files_small():
    bank = load_text(GOOD_BANK, "bank.yaml", "bank").value
    assert isinstance(bank, m.Bank)
    scenario = bank.scenarios[0]
    assert scenario.difficulty == "beginner"
    assert bank.rubric == "default"
    assert [b.goto for b in scenario.turns[0].branches()] == ["t2-guarded", "t2-open"]
    assert scenario.turns[1].branches()[0].goto == "end"


def test_wrong_type_names_the_place_what_was_expected_and_found():
    text = GOOD_BANK.replace("emotions: [anxious]", "emotions: {anxious: 1}")
    problem = only_problem(text)
    assert (problem.line, problem.column) == (9, 19)
    assert "scenarios[0].turns[0].emotions" in problem.message
    assert "expected a list" in problem.message and "found a mapping" in problem.message
    assert str(problem).startswith("bank.yaml:9:19: ")


def test_every_bad_turn_is_reported_not_only_the_first():
    text = GOOD_BANK.replace("client: Whatever.", "client: [1, 2]").replace("client: Yes, exactly.", "clinet: Yes.")
    problems = problems_of(text)
    lines = sorted(p.line for p in problems)
    assert len(problems) >= 2
    assert 16 in lines and 19 in lines


def test_unknown_key_suggests_the_close_one():
    problem = only_problem(GOOD_BANK.replace("title: One", "titel: One\n    title: One"))
    assert problem.code == "unknown-field"
    assert "did you mean 'title'" in problem.message
    assert (problem.line, problem.column) == (5, 5)


def test_missing_required_field_points_at_the_parent_mapping():
    problem = only_problem(GOOD_BANK.replace("        client: Whatever.\n", ""))
    assert "client" in problem.message
    assert problem.line == 15


def test_branch_to_a_missing_turn_is_an_error():
    problem = only_problem(GOOD_BANK.replace("goto: t2-open", "goto: t3"))
    assert "t3" in problem.message
    assert problem.line == 14


def test_unreachable_turn_is_an_error():
    text = GOOD_BANK.replace("          - when: roadblock\n            goto: t2-guarded\n", "")
    problem = only_problem(text)
    assert problem.code == "unreachable"
    assert "t2-guarded" in problem.message


def test_cycle_without_exit_is_an_error():
    text = GOOD_BANK.replace("next: end", "next: t1") + "        next: t1\n"
    problems = problems_of(text)
    assert {p.code for p in problems} == {"cycle"}
    assert {p.line for p in problems} == {11, 17, 20}


def test_a_cycle_with_an_exit_is_fine():
    text = GOOD_BANK.replace("next: end", "next:\n          - when: failed\n            goto: t1\n          - when: always\n            goto: end")
    assert load_text(text, "bank.yaml", "bank").value.scenarios[0].turns[1].branches()[0].goto == "t1"


def test_yaml_syntax_error_has_its_mark():
    problem = only_problem("id: x\ntitle: [unclosed\n")
    assert problem.code == "yaml-syntax"
    assert problem.line == 3


def test_empty_file():
    assert only_problem("   \n").code == "empty"


def test_top_level_list_is_refused():
    problem = only_problem("- a\n- b\n")
    assert "expected a YAML mapping" in problem.message and "found a list" in problem.message


def test_duplicate_keys_are_refused():
    problem = only_problem(GOOD_BANK.replace("title: Tiny bank", "title: Tiny bank\ntitle: Again"))
    assert problem.code == "duplicate-key"
    assert (problem.line, problem.column) == (3, 1)


def test_object_constructing_tags_are_refused():
    problem = only_problem('id: !!python/object/apply:os.system ["echo owned"]\ntitle: T\n')
    assert problem.code == "unsafe-tag"


def test_dates_stay_strings():
    bank = load_text(GOOD_BANK.replace("title: Tiny bank", "title: Tiny bank\nversion: 2024-05-01"), "b.yaml", "bank").value
    assert bank.version == "2024-05-01"


def _bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghijklm"[:levels]:
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly_with_flat_memory(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_bomb(), encoding="utf-8")
    # In a fresh process, so that the peak memory measured is this load's alone.
    probe = textwrap.dedent(
        """
        import resource, sys, time
        from pathlib import Path
        from empathy_coach.banks.loader import load_file
        from empathy_coach.problems import InputError
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        try:
            load_file(Path(sys.argv[1]), kind="bank")
        except InputError as exc:
            print(exc.problems[0].code)
        print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
        """
    )
    out = subprocess.run([sys.executable, "-c", probe, str(bomb)], capture_output=True, text=True, check=True).stdout.split()
    code, seconds, grown_kb = out[0], float(out[1]), int(out[2])
    assert code == "alias"
    assert seconds < 1.0
    assert grown_kb < 20_000


def test_a_few_aliases_are_fine():
    text = "id: x\ntitle: &t T\ndescription: *t\n"
    assert load_text(text, "b.yaml", "bank").value.description == "T"
    assert MAX_ALIAS_EXPANSIONS >= 10


def test_binary_file(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_bytes(b"id: x\n\x00\x01\x02")
    with pytest.raises(InputError) as caught:
        load_file(path)
    problem = caught.value.problems[0]
    assert problem.code == "binary"
    assert (problem.line, problem.column) == (2, 1)


def test_non_utf8_bytes_are_located(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_bytes("id: x\ntitle: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        load_file(path)
    problem = caught.value.problems[0]
    assert problem.code == "encoding"
    assert (problem.line, problem.column) == (2, 11)
    assert "0xe9" in problem.message


def test_oversized_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InputError) as caught:
        load_file(path)
    assert caught.value.problems[0].code == "too-large"


def test_missing_and_unreadable_files(tmp_path, monkeypatch):
    with pytest.raises(InputError) as caught:
        load_file(tmp_path / "nope.yaml")
    assert caught.value.problems[0].code == "missing"
    with pytest.raises(InputError) as caught:
        load_file(tmp_path)
    assert caught.value.problems[0].code == "unreadable"
    locked = tmp_path / "locked.yaml"
    locked.write_text(GOOD_BANK, encoding="utf-8")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputError) as caught:
        load_file(locked)
    assert caught.value.problems[0].code == "unreadable"
    assert "permission denied" in caught.value.problems[0].message


def test_unknown_rule_kind_is_named_with_a_suggestion():
    problem = only_problem("id: r\nrules:\n  - id: x\n    kind: patern\n", kind="rubric")
    assert problem.code == "unknown-kind"
    assert "did you mean 'pattern'" in problem.message
    assert (problem.line, problem.column) == (4, 11)


def test_rule_referencing_an_unknown_rule_is_located():
    text = "id: r\nrules:\n  - id: both\n    kind: all_of\n    rules: [nothere]\n"
    problems = problems_of(text, kind="rubric")
    assert any("nothere" in p.message and p.line == 5 for p in problems)


def test_scenario_id_used_twice_across_banks(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD_BANK, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD_BANK.replace("id: tiny\n", "id: other\n"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Catalog.discover([tmp_path], user=False, builtin=False)
    assert any(p.code == "duplicate-id" and "tiny-one" in p.message for p in caught.value.problems)


def test_discovery_order_explicit_then_user_then_builtin(tmp_path, isolated_home):
    explicit = tmp_path / "mine.yaml"
    explicit.write_text(GOOD_BANK, encoding="utf-8")
    user_banks = isolated_home / "banks"
    user_banks.mkdir()
    (user_banks / "course.yaml").write_text(
        GOOD_BANK.replace("id: tiny\n", "id: course\n").replace("tiny-one", "course-one"), encoding="utf-8"
    )
    catalog = Catalog.discover([explicit])
    sources = [b.source for b in catalog.banks]
    assert sources[0] == "explicit" and sources[1] == "user"
    assert set(sources[2:]) == {"built-in"} and len(sources) > 2
    assert catalog.find_scenario("course-one").source == "user"


def test_builtin_content_is_found_without_the_repository(tmp_path):
    # The wheel places prompts/ inside the package; paths.builtin_root() looks there first.
    from empathy_coach import paths

    root = paths.builtin_root()
    assert (root / "banks").is_dir() and list((root / "banks").glob("*.yaml"))
    assert (root / "rubrics" / "default.yaml").is_file()
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"prompts" = "empathy_coach/prompts"' in pyproject


def test_load_bank_api_needs_neither_typer_nor_rich(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(GOOD_BANK, encoding="utf-8")
    probe = (
        "import sys; from empathy_coach import load_bank, score_reply;"
        f"b = load_bank({str(path)!r}); r = score_reply('You sound scared.', client='I am scared.');"
        "print(b.id, 'typer' in sys.modules, 'rich' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env={**os.environ}).stdout.split()
    assert out == ["tiny", "False", "False"]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


def test_a_scenario_without_turns_is_located_not_a_crash():
    text = "id: b\ntitle: B\nscenarios:\n  - id: empty-one\n    title: No turns yet\n"
    problem = only_problem(text)
    assert problem.code == "missing-field" and problem.line == 4
    assert "expected at least one turn" in problem.message


def test_deep_nesting_is_refused_without_a_traceback():
    problem = only_problem("id: " + "[" * 600 + "]" * 600 + "\n")
    assert problem.code == "too-deep"


def test_a_pipe_named_like_a_bank_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "bank.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as caught:
        load_file(fifo)
    assert caught.value.problems[0].code == "unreadable"
    assert "regular file" in caught.value.problems[0].message
