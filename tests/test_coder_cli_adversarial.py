"""Adversarial input to `coder eval|fit`, coder files, `check` on them and a rubric's `coder:` key.

The contract (docs/coder.md, issue 10 section 4): bad input gets `file:line`, what was expected and
what was found, exit 2 and never a traceback; nothing is written when the input is bad; the output
never replaces an input, a folder, a pipe or a device; text from files reaches the terminal
literally (no escape codes, no bidi controls).
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from empathy_coach.cli import app
from empathy_coach.content.cache import builtin_coder_weights_path
from empathy_coach.grading.coded import CodedSet, read_coded
from empathy_coach.literal import printable
from empathy_coach.problems import InputError
from empathy_coach.scoring.assets import load_coder_weights
from empathy_coach.scoring.coder.model import CODES

runner = CliRunner()

ESC = "\x1b[31m"
RLO = "\u202e"
DEEP = "[" * 100_000 + "]" * 100_000

SMALL = [
    {"id": f"{n}{tag}", "client": "I'm worn out.", "reply": reply, "code": code}
    for n in range(3)
    for tag, reply, code in (
        ("a", "You're worn out.", "simple_reflection"),
        ("b", "What's wearing you down?", "open_question"),
        ("c", "You should sleep more.", "persuade"),
        ("d", "Mm-hmm.", "other"),
    )
]


def _lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _rows(path: Path, rows: list[dict]) -> Path:
    return _lines(path, [json.dumps(r) for r in rows])


def _clean_exit_2(out) -> None:
    assert out.exit_code == 2, out.output
    assert "Traceback" not in out.output
    assert not isinstance(out.exception, Exception) or isinstance(out.exception, SystemExit), repr(out.exception)


def _no_terminal_control(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and RLO not in text, repr(text)


def _valid_coder() -> dict:
    return json.loads(builtin_coder_weights_path().read_text(encoding="utf-8"))


def _coder_file(path: Path, **changes) -> Path:
    data = _valid_coder()
    data.update(changes)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# ---------------------------------------------------------------- coded records


def test_deeply_nested_json_line_is_a_located_error(tmp_path):
    data = _lines(tmp_path / "deep.jsonl", [json.dumps(SMALL[0]), DEEP])
    out = runner.invoke(app, ["coder", "eval", str(data)])
    _clean_exit_2(out)
    assert f"{data}:2:1" in out.output and "nested too deeply" in out.output


def test_deeply_nested_corpus_line_is_a_located_error(tmp_path):
    spans = _rows(tmp_path / "spans.jsonl", [{"answer": "a1", "start": 0, "end": 5, "code": "other"}])
    corpus = _lines(tmp_path / "threads.jsonl", [DEEP])
    out = runner.invoke(app, ["coder", "eval", str(spans), "--corpus", str(corpus)])
    _clean_exit_2(out)
    assert f"{corpus}:1:1" in out.output and "nested too deeply" in out.output


def test_what_was_found_is_shown_as_it_is_not_as_quoted_text(tmp_path):
    data = _lines(tmp_path / "bad.jsonl", [
        '{"id": "a", "code": "other"}', '{"id": "b", "reply": 5, "code": "other"}', '{"id": "c", "reply": "x", "code": 5}', "[1, 2]",
    ])
    out = runner.invoke(app, ["coder", "eval", str(data)])
    _clean_exit_2(out)
    assert f"{data}:1:1" in out.output and "found none" in out.output and "'None'" not in out.output
    assert f"{data}:2:1" in out.output and "found 5" in out.output and "'5'" not in out.output
    assert f"{data}:3:1" in out.output and "complex_reflection" in out.output
    assert f"{data}:4:1" in out.output and "found a list" in out.output


@pytest.mark.parametrize("start,end", [(True, 3), (0, False), (1.0, 3), (-1, 3), (4, 4), (5, 2), ("0", 3), (None, 3)])
def test_bad_spans_are_located_errors(tmp_path, start, end):
    corpus = _rows(tmp_path / "threads.jsonl", [{"thread": "t", "client": "I'm sad.", "answers": [{"id": "a1", "text": "You feel sad. What happened?"}]}])
    spans = _rows(tmp_path / "spans.jsonl", [
        {"answer": "a1", "start": 0, "end": 13, "code": "simple_reflection"}, {"answer": "a1", "start": start, "end": end, "code": "other"},
    ])
    out = runner.invoke(app, ["coder", "eval", str(spans), "--corpus", str(corpus)])
    _clean_exit_2(out)
    assert f"{spans}:2:1" in out.output and '"start" < "end"' in out.output


@pytest.mark.parametrize("answer", [["a1"], None, {"id": "a1"}, True])
def test_an_answer_id_that_is_not_an_id_is_a_located_error(tmp_path, answer):
    corpus = _rows(tmp_path / "threads.jsonl", [{"thread": "t", "answers": [{"id": "a1", "text": "You feel sad."}]}])
    spans = _rows(tmp_path / "spans.jsonl", [{"answer": answer, "start": 0, "end": 3, "code": "other"}])
    out = runner.invoke(app, ["coder", "eval", str(spans), "--corpus", str(corpus)])
    _clean_exit_2(out)
    assert f"{spans}:1:1" in out.output and '"answer" to be an answer id' in out.output


@pytest.mark.parametrize(
    "line,found",
    [
        ('{"thread": "t", "answers": [{"id": "a1", "text": null}]}', "an answer"),
        ('{"thread": "t", "answers": [{"id": "a1", "text": 5}]}', "an answer"),
        ('{"thread": "t", "answers": [5]}', "an answer 5"),
        ('{"thread": "t", "answers": {"a1": "x"}}', '"answers"'),
        ('{"thread": "t", "client": 3, "answers": []}', '"client": 3'),
        ('{"answers": []}', '"thread": none'),
        ("[1]", "a list"),
        ('"text"', "a string"),
    ],
)
def test_a_malformed_corpus_line_says_what_was_found(tmp_path, line, found):
    corpus = _lines(tmp_path / "threads.jsonl", [line])
    spans = _rows(tmp_path / "spans.jsonl", [{"answer": "a1", "start": 0, "end": 3, "code": "other"}])
    out = runner.invoke(app, ["coder", "eval", str(spans), "--corpus", str(corpus)])
    _clean_exit_2(out)
    assert f"{corpus}:1:1" in out.output and f"found {found}" in out.output
    assert "not subscriptable" not in out.output and "indices must be" not in out.output


def test_a_corpus_given_that_cannot_be_read_is_an_error_even_without_spans(tmp_path):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    out = runner.invoke(app, ["coder", "eval", str(data), "--corpus", str(tmp_path / "missing.jsonl")])
    _clean_exit_2(out)
    assert "missing.jsonl" in out.output and "cannot read the corpus" in out.output


@pytest.mark.parametrize("part", ["dev", "Holdout", 5, None])
def test_an_unknown_part_is_an_error_not_a_record_counted_nowhere(tmp_path, part):
    data = _rows(tmp_path / "coded.jsonl", [SMALL[0], dict(SMALL[1], part=part)])
    target = tmp_path / "out.json"
    out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(target), "--epochs", "1"])
    _clean_exit_2(out)
    assert f"{data}:2:1" in out.output and "develop or holdout" in out.output
    assert not target.exists()


@pytest.mark.parametrize("rid", [{"a": 1}, [1], None, True, 1.5])
def test_an_id_that_is_not_text_or_a_whole_number_is_an_error(tmp_path, rid):
    data = _rows(tmp_path / "coded.jsonl", [SMALL[0], dict(SMALL[1], id=rid)])
    out = runner.invoke(app, ["coder", "eval", str(data)])
    _clean_exit_2(out)
    assert f"{data}:2:1" in out.output and '"id"' in out.output


def test_escape_codes_and_bidi_controls_in_ids_codes_and_file_names_are_shown_literally(tmp_path):
    name = tmp_path / f"bad{ESC}{RLO}name.jsonl"
    _rows(name, [
        {"id": f"a{ESC}{RLO}", "reply": "x", "code": "other"}, {"id": f"a{ESC}{RLO}", "reply": "y", "code": "other"},
        {"id": "z", "reply": "y", "code": f"\x1b]0;title\x07{RLO}"},
    ])
    out = runner.invoke(app, ["coder", "eval", str(name)])
    _clean_exit_2(out)
    _no_terminal_control(out.output)
    assert "\\x1b[31m" in out.output and "\\u202e" in out.output and ":2:1" in out.output and ":3:1" in out.output
    missing = runner.invoke(app, ["coder", "eval", str(tmp_path / f"gone{ESC}{RLO}.jsonl")])
    _clean_exit_2(missing)
    _no_terminal_control(missing.output)


def test_printable_makes_bidi_controls_visible():
    assert printable(f"a{RLO}b\u2066c\u2069") == "a\\u202eb\\u2066c\\u2069"
    assert printable("plain text, é, 中文\nnext\tline") == "plain text, é, 中文\nnext\tline"


def test_missing_file_folder_empty_and_dev_null_are_clean_errors(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    for target in (tmp_path / "missing.jsonl", folder, empty, Path(os.devnull)):
        out = runner.invoke(app, ["coder", "eval", str(target)])
        _clean_exit_2(out)
        assert str(target) in out.output


def test_non_utf8_bytes_are_a_located_error(tmp_path):
    data = tmp_path / "latin.jsonl"
    data.write_bytes(json.dumps(SMALL[0]).encode() + b'\n{"id": "\xff", "reply": "caf\xe9", "code": "other"}\n')
    out = runner.invoke(app, ["coder", "eval", str(data)])
    _clean_exit_2(out)
    assert f"{data}:2:1" in out.output and "UTF-8" in out.output


# ---------------------------------------------------------------- hypothesis: any JSON record

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 50) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12) | st.sampled_from(CODES),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
RECORD = st.dictionaries(st.sampled_from(["id", "client", "reply", "code", "answer", "start", "end", "part", "source"]), JSON_VALUES, max_size=8)
LINE = st.one_of(RECORD.map(json.dumps), JSON_VALUES.map(json.dumps), st.text(max_size=30).filter(lambda t: "\n" not in t and "\r" not in t))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINE, max_size=6))
def test_any_json_lines_either_read_or_fail_with_located_problems(tmp_path, lines):
    path = tmp_path / "h.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8", errors="surrogatepass")
    corpus = _rows(tmp_path / "threads.jsonl", [{"thread": "t", "answers": [{"id": "a1", "text": "You feel sad. What happened?"}]}])
    try:
        coded = read_coded([path], corpus)
    except InputError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.path in (str(path), str(corpus))
            assert problem.line >= 1 or problem.message.startswith("expected coded records"), problem
    else:
        assert isinstance(coded, CodedSet) and len(coded) >= 1
        for reply in coded.replies:
            assert reply.code in CODES and isinstance(reply.reply, str) and reply.reply.strip() and reply.part in ("develop", "holdout")
        for answer in coded.answers:
            assert all(0 <= s < e <= len(answer.text) and c in CODES for s, e, c in answer.spans)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["format", "version", "codes", "bias", "weights", "meta"]), JSON_VALUES, max_size=6), st.booleans())
def test_any_json_as_a_coder_file_loads_or_raises_value_error(tmp_path, data, keep_format):
    if keep_format:
        data["format"] = _valid_coder()["format"]
        data.setdefault("codes", list(CODES))
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        weights = load_coder_weights(path)
    except ValueError:
        return
    assert tuple(weights.codes) == CODES and len(weights.bias) == len(CODES)
    assert all(math.isfinite(b) for b in weights.bias)


# ---------------------------------------------------------------- coder files: --coder and check


@pytest.mark.parametrize(
    "changes,expected",
    [
        ({"codes": 5}, "12 behaviour codes"),
        ({"codes": None}, "12 behaviour codes"),
        ({"codes": {"a": 1}}, "12 behaviour codes"),
        ({"bias": [True] * 12}, '"bias"'),
        ({"bias": [1e308] * 11}, '"bias"'),
        ({"weights": {"x": [True, 1.0]}}, "feature 'x'"),
        ({"weights": {"x": [0, "1"]}}, "feature 'x'"),
        ({"weights": {"x": [[0], 1.0]}}, "feature 'x'"),
        ({"weights": {"x": [12, 1.0]}}, "feature 'x'"),
        ({"weights": {"x": [0]}}, "feature 'x'"),
        ({"weights": [1, 2]}, '"weights"'),
        ({"meta": 5}, '"meta"'),
        ({"format": "other"}, '"format"'),
    ],
)
def test_a_broken_coder_file_is_a_located_error_in_eval_and_check(tmp_path, changes, expected):
    broken = _coder_file(tmp_path / "broken.json", **changes)
    data = _rows(tmp_path / "coded.jsonl", SMALL[:4])
    out = runner.invoke(app, ["coder", "eval", str(data), "--coder", str(broken)])
    _clean_exit_2(out)
    assert f"{broken}:1:1" in out.output and expected in out.output
    checked = runner.invoke(app, ["check", str(broken)])
    _clean_exit_2(checked)
    assert f"{broken}:1:1" in checked.output and expected in checked.output


@pytest.mark.parametrize("raw", [DEEP, '{"bias": [1e999]}', "{", "\ufeff", "null", "[1, 2]"], ids=["deep", "1e999", "brace", "bom", "null", "list"])
def test_a_coder_file_that_is_not_one_is_a_located_error(tmp_path, raw):
    broken = tmp_path / "broken.json"
    broken.write_text(raw, encoding="utf-8")
    out = runner.invoke(app, ["check", str(broken)])
    _clean_exit_2(out)
    assert f"{broken}:1:1" in out.output and "[coder]" in out.output


def test_a_coder_file_in_a_checked_folder_is_a_located_error(tmp_path):
    (tmp_path / "content" / "coder").mkdir(parents=True)
    broken = _coder_file(tmp_path / "content" / "coder" / "mine.json", codes=5)
    out = runner.invoke(app, ["check", str(tmp_path / "content")])
    _clean_exit_2(out)
    assert f"{broken}:1:1" in out.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_pipe_or_device_as_coder_file_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "coder.json"
    os.mkfifo(fifo)
    data = _rows(tmp_path / "coded.jsonl", SMALL[:4])
    for coder in (fifo, Path("/dev/zero")):
        if not coder.exists():
            continue
        out = runner.invoke(app, ["coder", "eval", str(data), "--coder", str(coder)])  # would block or read for ever
        _clean_exit_2(out)
        assert "pipe or device" in out.output


def test_a_coder_file_name_with_escape_codes_is_shown_literally_by_check(tmp_path):
    broken = _coder_file(tmp_path / f"c{ESC}{RLO}.json", weights={f"f{ESC}{RLO}": "bad"})
    out = runner.invoke(app, ["check", str(broken)])
    _clean_exit_2(out)
    _no_terminal_control(out.output)
    assert "\\x1b[31m" in out.output


# ---------------------------------------------------------------- a rubric's coder: key


def _rubric_folder(tmp_path: Path, coder_name: str) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "mine.yaml").write_text(f"id: mine\ncoder: {coder_name}\nrules:\n  - id: r\n    kind: statement\n", encoding="utf-8")
    (folder / "bank.yaml").write_text(
        "id: mybank\ntitle: Mine\nrubric: mine\nscenarios:\n  - id: my-scn\n    title: Mine\n    setting: A client.\n    difficulty: beginner\n"
        "    turns:\n      - id: t1\n        skill: reflect_feeling\n        client: I'm worn out.\n        emotions: [tired]\n",
        encoding="utf-8",
    )
    return folder


@pytest.mark.parametrize("state", ["missing", "broken", "folder"])
def test_a_rubric_whose_coder_is_missing_or_broken_is_a_clean_error_everywhere(tmp_path, state):
    folder = _rubric_folder(tmp_path, "mine.json")
    if state == "broken":
        _coder_file(folder / "mine.json", codes=5)
    elif state == "folder":
        (folder / "mine.json").mkdir()
    rubric = folder / "mine.yaml"
    checked = runner.invoke(app, ["check", str(folder)])
    _clean_exit_2(checked)
    assert f"{rubric}:2:8" in checked.output and "coder 'mine.json'" in checked.output
    scored = runner.invoke(app, ["score", "You're worn out.", "--bank", str(folder), "--scenario", "my-scn"])
    _clean_exit_2(scored)
    assert "mine.yaml:2:8" in scored.output and "coder 'mine.json'" in scored.output
    by_file = runner.invoke(app, ["score", "You're worn out.", "--rubric", str(rubric), "-c", "I'm worn out."])
    _clean_exit_2(by_file)
    assert "mine.yaml:2:8" in by_file.output
    answers = _rows(tmp_path / "answers.jsonl", [{"id": "r1", "scenario": "my-scn", "turn": "t1", "reply": "You're worn out."}])
    graded = runner.invoke(app, ["grade", str(answers), "--bank", str(folder)])
    _clean_exit_2(graded)
    assert "mine.yaml:2:8" in graded.output
    drilled = runner.invoke(app, ["drill", "my-scn", "--bank", str(folder), "--plain"], input="You're worn out.\n/quit\n")
    _clean_exit_2(drilled)
    assert "mine.yaml:2:8" in drilled.output


def test_score_rubric_file_finds_its_coder_beside_the_rubric_not_in_the_current_folder(tmp_path, monkeypatch):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    folder = _rubric_folder(tmp_path, "mine.json")
    fitted = runner.invoke(app, ["coder", "fit", str(data), "-o", str(folder / "mine.json"), "--epochs", "2"])
    assert fitted.exit_code == 0, fitted.output
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = runner.invoke(app, ["score", "You're worn out.", "--rubric", str(folder / "mine.yaml"), "-c", "I'm worn out."])
    assert out.exit_code in (0, 1), out.output
    assert "Traceback" not in out.output and "coder" not in out.output


# ---------------------------------------------------------------- fit: where it writes


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fit_never_replaces_a_pipe_or_device_with_a_file(tmp_path):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(fifo), "--epochs", "1"])
    _clean_exit_2(out)
    assert "pipe or device" in out.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # before: os.replace put a regular file in its place (so it did to /dev/null as root)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coded.jsonl", "out.fifo"]


def test_fit_to_a_folder_or_an_empty_name_writes_nothing(tmp_path):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    folder = tmp_path / "folder"
    folder.mkdir()
    for target in (str(folder), str(folder) + "/", ""):
        out = runner.invoke(app, ["coder", "fit", str(data), "-o", target, "--epochs", "1"])
        _clean_exit_2(out)
        assert "Device or resource busy" not in out.output
    assert list(folder.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["coded.jsonl", "folder"]


def test_fit_writes_through_a_symbolic_link_and_never_over_an_input_behind_one(tmp_path):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    real = tmp_path / "real.json"
    real.write_text("{}", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(link), "--epochs", "1"])
    assert out.exit_code == 0, out.output
    assert link.is_symlink() and load_coder_weights(real).meta["sentences"] == 12
    to_input = tmp_path / "to-input.jsonl"
    to_input.symlink_to(data.name)
    again = runner.invoke(app, ["coder", "fit", str(data), "-o", str(to_input), "--epochs", "1"])
    _clean_exit_2(again)
    assert "is one of the inputs" in again.output and data.read_text(encoding="utf-8").count("\n") == len(SMALL)


def test_fit_never_writes_over_a_bank_it_reads(tmp_path):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    bank = tmp_path / "bank.yaml"
    bank.write_text("id: b\n", encoding="utf-8")
    out = runner.invoke(app, ["coder", "fit", str(data), "--bank", str(bank), "-o", str(bank), "--epochs", "1"])
    _clean_exit_2(out)
    assert "is one of the inputs" in out.output and bank.read_text(encoding="utf-8") == "id: b\n"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_fit_into_a_read_only_folder_is_a_clean_error(tmp_path):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(folder / "x.json"), "--epochs", "1"])
        _clean_exit_2(out)
        assert "cannot write" in out.output and list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_a_failed_write_leaves_no_file_and_no_temporary(tmp_path, monkeypatch):
    from empathy_coach.cli import coder as coder_cli

    data = _rows(tmp_path / "coded.jsonl", SMALL)
    target = tmp_path / "out.json"

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(coder_cli.os, "fsync", full)
    out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(target), "--epochs", "1"])
    _clean_exit_2(out)
    assert "No space left on device" in out.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coded.jsonl"]


@pytest.mark.parametrize("value", ["nan", "-nan"])
def test_fit_refuses_a_span_weight_that_is_not_a_number(tmp_path, value):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    target = tmp_path / "out.json"
    out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(target), "--span-weight", value])
    _clean_exit_2(out)
    assert "--span-weight" in out.output and not target.exists()


@pytest.mark.parametrize("epochs", ["0", "-1", "201", "99999999999999999999", "abc", "1.5"])
def test_fit_epochs_out_of_range_is_a_usage_error(tmp_path, epochs):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    target = tmp_path / "out.json"
    out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(target), "--epochs", epochs])
    _clean_exit_2(out)
    assert "--epochs" in out.output and not target.exists()


def test_fit_with_the_fewest_and_the_most_epochs_writes_a_coder_file_that_loads(tmp_path):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    for epochs in ("1", "200"):
        target = tmp_path / f"out-{epochs}.json"
        out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(target), "--epochs", epochs])
        assert out.exit_code == 0, out.output
        weights = load_coder_weights(target)
        assert weights.meta["epochs"] == int(epochs) and all(math.isfinite(b) for b in weights.bias)


def test_fit_output_name_with_escape_codes_is_shown_literally(tmp_path):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    target = tmp_path / f"o{ESC}{RLO}.json"
    out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(target), "--epochs", "1"])
    assert out.exit_code == 0, out.output
    _no_terminal_control(out.output)
    assert target.exists()


# ---------------------------------------------------------------- fit --bank, inputs given twice


def test_fit_bank_empty_path_is_an_error_not_the_current_folder(tmp_path, monkeypatch):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    (tmp_path / "stray.yaml").write_text("id: x\nrules: []\n", encoding="utf-8")  # read as a bank before
    monkeypatch.chdir(tmp_path)
    out = runner.invoke(app, ["coder", "fit", str(data), "-o", "out.json", "--bank", "", "--epochs", "1"])
    _clean_exit_2(out)
    assert "--bank" in out.output and "empty path" in out.output and not (tmp_path / "out.json").exists()


def test_fit_bank_folder_without_banks_is_an_error_and_its_rubrics_are_passed_over(tmp_path):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    empty = tmp_path / "empty"
    empty.mkdir()
    out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(tmp_path / "out.json"), "--bank", str(empty), "--epochs", "1"])
    _clean_exit_2(out)
    assert str(empty) in out.output and "without any" in out.output
    folder = _rubric_folder(tmp_path, "mine.json")  # a bank beside its rubric, as `score --bank` reads it
    mixed = runner.invoke(app, ["coder", "fit", str(data), "-o", str(tmp_path / "out.json"), "--bank", str(folder), "--epochs", "1"])
    assert mixed.exit_code == 0, mixed.output
    assert load_coder_weights(tmp_path / "out.json").meta["sentences"] == len(SMALL)


def test_the_same_file_given_twice_is_one_clear_error(tmp_path):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    link = tmp_path / "again.jsonl"
    link.symlink_to(data.name)
    for second in (str(data), str(link)):
        out = runner.invoke(app, ["coder", "eval", str(data), second])
        _clean_exit_2(out)
        assert "given again" in out.output and "duplicate id" not in out.output


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_eval_to_a_full_disk_is_a_one_line_error_not_a_traceback(tmp_path, fmt):
    import subprocess

    data = _rows(tmp_path / "coded.jsonl", SMALL)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with open("/dev/full", "w") as full:  # written to, never replaced
        done = subprocess.run([sys.executable, "-m", "empathy_coach", "coder", "eval", str(data), "--format", fmt],
                              stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "No space left on device" in done.stderr
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)


def test_a_coder_file_too_big_to_be_one_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.json"
    with big.open("wb") as handle:  # sparse: no disk and, with the fix, no memory
        handle.truncate(300 * 2**20)
    data = _rows(tmp_path / "coded.jsonl", SMALL[:4])
    out = runner.invoke(app, ["coder", "eval", str(data), "--coder", str(big)])
    _clean_exit_2(out)
    assert f"{big}:1:1" in out.output and "at most" in out.output


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX modes")
def test_a_fitted_coder_file_is_readable_like_any_file_and_keeps_the_mode_it_replaces(tmp_path):
    data = _rows(tmp_path / "coded.jsonl", SMALL)
    umask = os.umask(0o022)
    try:
        new = tmp_path / "new.json"
        assert runner.invoke(app, ["coder", "fit", str(data), "-o", str(new), "--epochs", "1"]).exit_code == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o644  # mkstemp's 0600 before: others sharing the rubric could not read it
        old = tmp_path / "old.json"
        old.write_text("{}", encoding="utf-8")
        old.chmod(0o640)
        assert runner.invoke(app, ["coder", "fit", str(data), "-o", str(old), "--epochs", "1"]).exit_code == 0
        assert stat.S_IMODE(old.stat().st_mode) == 0o640 and load_coder_weights(old).meta["sentences"] == len(SMALL)
    finally:
        os.umask(umask)


def test_overlapping_spans_of_one_answer_and_a_repeated_answer_id_are_located_errors(tmp_path):
    corpus = _rows(tmp_path / "threads.jsonl", [{"thread": "t", "client": "I'm sad.", "answers": [{"id": "a1", "text": "You feel sad. What happened?"}]}])
    spans = _rows(tmp_path / "spans.jsonl", [
        {"answer": "a1", "start": 14, "end": 28, "code": "open_question"},
        {"answer": "a1", "start": 0, "end": 13, "code": "simple_reflection"},
        {"answer": "a1", "start": 0, "end": 13, "code": "other"},  # the same sentence coded twice: counted twice before
    ])
    out = runner.invoke(app, ["coder", "eval", str(spans), "--corpus", str(corpus)])
    _clean_exit_2(out)
    assert f"{spans}:3:1" in out.output and "overlap" in out.output and f"{spans}:2" in out.output
    assert f"{spans}:1:1" not in out.output
    twice = _rows(tmp_path / "twice.jsonl", [{"thread": "t", "answers": [{"id": "a1", "text": "x"}]}, {"thread": "u", "answers": [{"id": "a1", "text": "y"}]}])
    again = runner.invoke(app, ["coder", "eval", str(spans), "--corpus", str(twice)])
    _clean_exit_2(again)
    assert f"{twice}:2:1" in again.output and "'a1'" in again.output


def test_standard_input_is_refused_with_a_message_that_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = runner.invoke(app, ["coder", "eval", "-"], input=json.dumps(SMALL[0]) + "\n")
    _clean_exit_2(out)
    assert "standard input" in out.output and "No such file" not in out.output
