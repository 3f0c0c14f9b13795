"""The behaviour coder: codes, acts and their reasons, agreement on held-out data, the coder files and commands."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

from empathy_coach.banks import models as m
from empathy_coach.cli import app
from empathy_coach.content.cache import builtin_lexicon
from empathy_coach.grading.coded import read_coded
from empathy_coach.scoring.agreement import FOUR_CLASS, cohen_kappa
from empathy_coach.scoring.assets import builtin_coder, load_coder_weights
from empathy_coach.scoring.coder.evaluate import agreement
from empathy_coach.scoring.coder.model import CODES, Act, primary_act
from empathy_coach.scoring.coder.train import code_units
from empathy_coach.scoring.engine import Scorer, default_scorer, score_reply

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
LABELLED = DATA / "behaviour_labelled.jsonl"
CODER = ROOT / "prompts" / "coder"
CORPUS = ROOT.parent / "shared" / "corpora" / "counselchat" / "threads.jsonl"
CLIENT = "I've been drinking most nights to unwind, and my doctor says my liver numbers are up. I don't know what to do."
runner = CliRunner()

# Figures measured on data the coder never saw in fitting (benchmarks/agreement.py); they may only go up.
# The labelled set is textbook-style in-house writing, never used in fitting: the old rule-based coder
# was tuned on it (0.81), which is why its figure then could not show the failures on real language.
LABELLED_FLOOR = {"kappa_12": 0.64, "kappa_4": 0.70, "simple_complex": 0.61}
# The held-out seventh of the coded data (never used in fitting or while building the coder),
# measured once at the end of the work that built it.
# 1,200 in-house replies written later, by writers who had not seen the coder (students' typing, spoken
# MI turns, peer-support forum replies), never used in fitting: the shipped coder's figures on them.
UNSEEN = DATA / "inhouse_unseen.jsonl"
UNSEEN_FLOOR = {"kappa_12": 0.66, "kappa_4": 0.76, "simple_complex": 0.72}
HOLDOUT_FLOOR = {"corpus": {"kappa_12": 0.48, "kappa_4": 0.49}, "in-house": {"kappa_12": 0.63, "kappa_4": 0.71}}


@pytest.mark.parametrize(
    "reply,code",
    [
        pytest.param("The drinking helps you unwind, and the liver results have you worried.", "complex_reflection",
                     marks=pytest.mark.xfail(strict=True, reason="adds the feeling 'worried': the coder reads it as a simple reflection")),
        ("You drink most nights to unwind.", "simple_reflection"),
        ("So the drinking helps you unwind?", "simple_reflection"),  # a reflection that checks understanding
        ("What do you make of what the doctor said?", "open_question"),
        ("Tell me more about those evenings.", "open_question"),
        ("How many drinks is that on a typical night?", "closed_question"),
        ("Did the doctor give you the numbers?", "closed_question"),
        ("The guidelines say no more than 14 units a week, spread over at least three days.", "giving_information"),
        ("You need to cut down before it gets worse.", "persuade"),
        ("Have you tried having a few alcohol-free nights?", "persuade"),
        ("Some people find alcohol-free days help; it may or may not fit for you.", "persuade_with_permission"),
        ("Coming in to talk about this took real courage.", "affirm"),
        ("Would it be okay if I shared some ideas other people have found useful?", "seek_collaboration"),
        ("It's your decision what you do about it.", "emphasize_autonomy"),
        ("You're in denial about how much you drink.", "confront"),
        ("Mm-hmm.", "other"),
        ("I know exactly how you feel, my dad drank too.", "other"),
    ],
)
def test_every_code_on_clear_cases(reply, code):
    assert default_scorer().code(reply, CLIENT).behaviour == code


@pytest.mark.parametrize(
    "reply,code",
    [
        # Paraphrases keep their code: the "ask your GP" / "phone your GP" pair.
        ("You could ask your GP.", "persuade"),
        ("You could phone your GP.", "persuade"),
        ("Please, call your sister and put this in motion.", "persuade"),
        ("i'm here for you", "other"),
        ("so sorry ur going thru this", "other"),
        ("u should just tell her how u feel", "persuade"),
        ("so ur kind of stuck between them?", "reflection"),
    ],
)
def test_typed_and_paraphrased_replies(reply, code):
    coded = default_scorer().code(reply, "My sister stopped talking to me after the wedding and I keep replaying what I said.").behaviour
    assert coded == code or FOUR_CLASS[coded] == code


def test_primary_act_is_the_closing_question_or_the_advice():
    reflection, question = Act("simple_reflection", 0, 5, 0), Act("open_question", 6, 9, 1)
    advice, info = Act("persuade", 0, 5, 0), Act("giving_information", 6, 9, 1)
    filler = Act("other", 10, 12, 2, ["backchannel_only"])
    assert primary_act([reflection, question]) is question
    assert primary_act([advice, info]) is advice
    assert primary_act([reflection, filler]) is reflection
    assert primary_act([Act("simple_reflection", 0, 1, 0), Act("complex_reflection", 2, 3, 1)]).code == "complex_reflection"
    assert primary_act([]).code == "other"


def test_a_reply_with_two_acts_has_both_and_the_question_is_primary():
    result = score_reply("It sounds like you're exhausted. What keeps you going?", client=CLIENT)
    assert [a.code for a in result.acts][-1] == "open_question"
    assert result.acts[0].code in ("simple_reflection", "complex_reflection")
    assert result.behaviour == "open_question"
    assert result.acts[0].text == "It sounds like you're exhausted."


@pytest.mark.xfail(strict=True, reason="known error: short feeling formulas ('It sounds exhausting.') read as sympathy, as the corpus coded 'That "
                                       "sounds challenging'")
def test_a_short_feeling_formula_is_a_reflection():
    assert default_scorer().code("It sounds exhausting.", CLIENT).behaviour in ("simple_reflection", "complex_reflection")


def test_acts_carry_the_features_that_decided_them_with_the_words():
    coding = default_scorer().code("Have you tried walking instead?", CLIENT)
    assert coding.behaviour == "persuade"
    act = coding.acts[0]
    assert act.features and all(isinstance(f, str) and " " not in f for f in act.features)  # ids, not words
    for reason in act.reasons:
        assert 0 <= reason.start < reason.end <= len("Have you tried walking instead?") and reason.weight > 0
    result = score_reply("Have you tried walking instead?", client=CLIENT)
    assert any(f.endswith("\"") and f.split("\"")[1] in "Have you tried walking instead?" for f in result.acts[0].features)  # quoting the reply


def _labelled_figures():
    coded = read_coded([LABELLED])
    gold, got, _ = code_units(builtin_coder(), coded)
    return agreement(gold, got)


def test_labelled_set_is_large_and_covers_every_code():
    records = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(records) >= 400
    assert {r["code"] for r in records} == set(m.BEHAVIOUR_CODES)


def test_agreement_with_the_labelled_set_a_separate_test():
    result = _labelled_figures()
    assert result.kappa >= LABELLED_FLOOR["kappa_12"], result.kappa
    assert result.kappa4 >= LABELLED_FLOOR["kappa_4"], result.kappa4
    assert result.simple_complex_kappa is not None and result.simple_complex_kappa >= LABELLED_FLOOR["simple_complex"]


def test_agreement_with_in_house_replies_never_used_in_fitting():
    result = agreement(*code_units(builtin_coder(), read_coded([UNSEEN]))[:2])
    assert result.n >= 1000
    assert result.kappa >= UNSEEN_FLOOR["kappa_12"], result.kappa
    assert result.kappa4 >= UNSEEN_FLOOR["kappa_4"], result.kappa4
    assert result.simple_complex_kappa is not None and result.simple_complex_kappa >= UNSEEN_FLOOR["simple_complex"]


def test_agreement_on_the_held_out_in_house_replies():
    coded = read_coded([CODER / "inhouse-codes.jsonl"])
    gold, got, _ = code_units(builtin_coder(), coded, "holdout")
    result = agreement(gold, got)
    assert result.n >= 100
    assert result.kappa >= HOLDOUT_FLOOR["in-house"]["kappa_12"], result.kappa
    assert result.kappa4 >= HOLDOUT_FLOOR["in-house"]["kappa_4"], result.kappa4


@pytest.mark.skipif(not CORPUS.exists(), reason="the corpus lives in ../shared beside the repository")
def test_agreement_on_the_held_out_corpus_threads():
    coded = read_coded([CODER / "corpus-codes.jsonl"], CORPUS)
    gold, got, _ = code_units(builtin_coder(), coded, "holdout")
    result = agreement(gold, got)
    assert result.n >= 500
    assert result.kappa >= HOLDOUT_FLOOR["corpus"]["kappa_12"], result.kappa
    assert result.kappa4 >= HOLDOUT_FLOOR["corpus"]["kappa_4"], result.kappa4


def test_cohen_kappa_known_values():
    assert cohen_kappa(["a", "b", "a", "b"], ["a", "b", "a", "b"]) == 1.0
    assert cohen_kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"]) == 0.0


def test_inter_coder_agreement_of_the_double_coded_sample():
    rows = [json.loads(line) for line in (CODER / "double-coded.jsonl").read_text().splitlines() if line.strip()]
    assert len(rows) >= 300
    first, second = [r["first"] for r in rows], [r["second"] for r in rows]
    assert cohen_kappa([FOUR_CLASS[c] for c in first], [FOUR_CLASS[c] for c in second]) >= 0.9
    assert all(r["settled"] in (r["first"], r["second"]) for r in rows)  # every disagreement settled to one side


def test_corpus_codes_keep_only_ids_spans_and_codes():
    rows = [json.loads(line) for line in (CODER / "corpus-codes.jsonl").read_text().splitlines() if line.strip()]
    assert len(rows) >= 3000
    assert all(set(r) == {"answer", "start", "end", "code", "coder", "part"} for r in rows)  # no copied text
    assert {r["code"] for r in rows} == set(CODES)
    held = [r for r in rows if r["part"] == "holdout"]
    assert 0.08 < len(held) / len(rows) < 0.25
    inhouse = [json.loads(line) for line in (CODER / "inhouse-codes.jsonl").read_text().splitlines() if line.strip()]
    assert len(inhouse) >= 300 and all(r["source"] == "in-house" for r in inhouse)


@pytest.mark.skipif(not CORPUS.exists(), reason="the corpus lives in ../shared beside the repository")
def test_corpus_spans_point_inside_their_answers():
    coded = read_coded([CODER / "corpus-codes.jsonl"], CORPUS)
    assert sum(len(a.spans) for a in coded.answers) >= 3000
    for answer in coded.answers:
        assert all(0 <= s < e <= len(answer.text) for s, e, _ in answer.spans)


def test_weights_file_is_valid_and_loads_fast_enough_to_matter():
    weights = load_coder_weights(CODER / "weights.json")
    assert weights.codes == CODES and len(weights.rows) > 1000
    assert weights.meta["sentences"] > 5000


@pytest.mark.parametrize("reply", ["", "   \n\t ", "🙂🙂🙂"])
def test_empty_whitespace_and_emoji_only_replies_score_zero_and_fail(reply):
    result = score_reply(reply, client=CLIENT)
    assert result.behaviour == "other"
    assert not result.passed and result.score == 0
    assert result.tips


def test_markup_and_escape_codes_in_a_reply_are_kept_literally():
    reply = "[bold]You[/bold] feel \x1b[31mworried\x1b[0m"
    result = score_reply(reply, client=CLIENT)
    for text in [s.text for r in result.rules for s in r.spans]:
        assert text in reply  # spans are slices of what was typed, never re-rendered
    assert "[/bold] feel \x1b[31mworried" in result.acts[0].text


def test_100kb_reply_is_bounded_in_time():
    reply = "You feel worried and tired. " * 4000  # ~112 KB
    start = time.perf_counter()
    result = default_scorer().score(reply, client=CLIENT)
    assert result.truncated
    assert time.perf_counter() - start < 2.0  # loose: the real figure is in benchmarks/


def test_catastrophic_regex_is_refused_at_load_time():
    from empathy_coach.banks.loader import load_text
    from empathy_coach.problems import InputError

    text = "id: r\nrules:\n  - id: evil\n    kind: pattern\n    regex: ['(a+)+$']\n"
    with pytest.raises(InputError) as caught:
        load_text(text, "r.yaml", "rubric")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (5, 13)
    assert "refused" in problem.message and problem.code == "regex"


def test_allowed_regex_runs_bounded_on_hostile_input():
    rubric = msgspec.convert({"id": "r", "rules": [{"id": "p", "kind": "pattern", "regex": [r"a.*b.*c"]}]}, m.Rubric)
    s = Scorer(rubric, {name: builtin_lexicon(name) for name in rubric.lexicons})
    start = time.perf_counter()
    s.score("a" * 100_000, client="x")
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    "text,code",
    [
        ("id: r\nrules:\n  - id: both\n    kind: all_of\n    rules: [ghost]\n", "reference"),
        ("id: r\nlexicons: [emotions]\nrules:\n  - id: f\n    kind: feeling\n    lexicon: feelings\n", "reference"),
        ("id: r\nrules:\n  - id: x\n    kind: sentiment\n", "unknown-kind"),
    ],
)
def test_rubric_references_are_checked_at_load_time(text, code):
    from empathy_coach.banks.loader import load_text
    from empathy_coach.problems import InputError

    with pytest.raises(InputError) as caught:
        load_text(text, "r.yaml", "rubric")
    assert caught.value.problems[0].code == code
    assert caught.value.problems[0].line >= 3


def test_python_api_does_not_import_typer_or_rich():
    code = (
        "import sys\nfrom empathy_coach import score_reply\n"
        "r = score_reply('You sound worried.', client='I am worried about my son.')\n"
        "assert r.behaviour.endswith('reflection'), r.behaviour\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'click')]\n"
        "assert not bad, bad\nprint('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_no_word_lists_in_the_coders_python():
    """Every word and phrase list the coder reads lives in prompts/lexicons/coder-cues.yaml."""
    import ast

    for path in (ROOT / "src" / "empathy_coach" / "scoring" / "coder").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value.isalpha() and e.value.islower()]
                assert len(words) < 3 or set(words) <= set(CODES) | {"u", "b"}, f"{path.name}:{node.lineno}: {words[:5]}"


# ---------------------------------------------------------------- the coder command


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


SMALL = [
    {"id": "a", "client": "I'm worn out.", "reply": "You're worn out.", "code": "simple_reflection"},
    {"id": "b", "client": "I'm worn out.", "reply": "What's wearing you down?", "code": "open_question"},
    {"id": "c", "client": "I'm worn out.", "reply": "You should sleep more.", "code": "persuade"},
    {"id": "d", "client": "I'm worn out.", "reply": "Mm-hmm.", "code": "other"},
]


def test_coder_eval_prints_kappa_confusion_and_per_code_figures(tmp_path):
    data = _write(tmp_path / "coded.jsonl", SMALL)
    out = runner.invoke(app, ["coder", "eval", str(data)])
    assert out.exit_code == 0, out.output
    assert "Cohen's kappa, 12 codes" in out.output and "4 classes" in out.output and "person\\coder" in out.output
    js = runner.invoke(app, ["coder", "eval", str(data), "--format", "json"])
    report = json.loads(js.output)
    assert report["n"] == 4 and set(report["per_code"]) == set(CODES) and -1 <= report["kappa_4"] <= 1


def test_coder_eval_unknown_code_lists_the_twelve_and_exits_2(tmp_path):
    data = _write(tmp_path / "bad.jsonl", [SMALL[0], {"id": "x", "reply": "Hi.", "code": "reflection"}])
    out = runner.invoke(app, ["coder", "eval", str(data)])
    assert out.exit_code == 2
    assert f"{data}:2:" in out.output and "complex_reflection" in out.output and "'reflection'" in out.output
    assert "Traceback" not in out.output


def test_coder_fit_writes_a_coder_file_that_eval_and_a_rubric_can_use(tmp_path):
    data = _write(tmp_path / "coded.jsonl", [dict(r, id=f"{r['id']}{n}") for n in range(3) for r in SMALL])
    fitted = tmp_path / "mine.json"
    out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(fitted), "--epochs", "3"])
    assert out.exit_code == 0, out.output
    assert load_coder_weights(fitted).meta["sentences"] == 12
    again = runner.invoke(app, ["coder", "eval", str(data), "--coder", str(fitted)])
    assert again.exit_code == 0 and "Records: 12" in again.output
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("id: mine\ncoder: mine.json\nrules:\n  - id: r\n    kind: statement\n", encoding="utf-8")
    checked = runner.invoke(app, ["check", str(rubric), str(fitted)])
    assert checked.exit_code == 0, checked.output


def test_coder_fit_writes_nothing_on_bad_input(tmp_path):
    data = _write(tmp_path / "coded.jsonl", [SMALL[0], {"id": "y", "reply": "", "code": "other"}])
    target = tmp_path / "out.json"
    out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(target)])
    assert out.exit_code == 2 and f"{data}:2:" in out.output
    assert not target.exists() and list(tmp_path.iterdir()) == [data]


def test_coder_fit_refuses_to_write_over_an_input(tmp_path):
    data = _write(tmp_path / "coded.jsonl", SMALL)
    out = runner.invoke(app, ["coder", "fit", str(data), "-o", str(data)])
    assert out.exit_code == 2 and "is one of the inputs" in out.output
    assert data.read_text().count("\n") == 4


def test_check_reports_a_broken_coder_file_with_its_location(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "empathy-coach-coder", "codes": ["x"], "bias": [], "weights": {}}', encoding="utf-8")
    out = runner.invoke(app, ["check", str(broken)])
    assert out.exit_code == 2
    assert f"{broken}:1:1" in out.output and "12 behaviour codes" in out.output
