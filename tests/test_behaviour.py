"""Behaviour coding: every code, the hard cases, and agreement with the labelled set."""

import json
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest

from empathy_coach.banks import models as m
from empathy_coach.scoring.agreement import FOUR_CLASS, cohen_kappa, code_labelled
from empathy_coach.scoring.engine import Scorer, default_scorer, score_reply
from empathy_coach.scoring.resources import builtin_lexicon

LABELLED = Path(__file__).parent / "data" / "behaviour_labelled.jsonl"
CLIENT = "I've been drinking most nights to unwind, and my doctor says my liver numbers are up. I don't know what to do."

# The figures reached when this test was written; they may only go up.
MIN_ACCURACY = 0.81
MIN_FOUR_CLASS_KAPPA = 0.81
MIN_SIMPLE_COMPLEX_KAPPA = 0.75


@pytest.mark.parametrize(
    "reply,code",
    [
        ("The drinking helps you unwind, and the liver results have you worried.", "complex_reflection"),
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
    "client,reply,code",
    [
        # advice after reassurance is still advice (the reassurance does not swallow it)
        (CLIENT, "Don't worry, you'll be fine, just cut back a bit.", "persuade"),
        (CLIENT, "Don't worry, you'll be fine. Just cut back a bit.", "persuade"),
        (CLIENT, "Don't worry, you'll be fine.", "other"),
        # 'Let me check I've got it' opens a summary; 'let me' is not an order to the client
        (CLIENT, "Let me check I've got it: you drink most nights to unwind, and now the liver numbers have you scared.", "reflection"),
        # 'got to a place' is arriving, not 'you've got to (do)'
        (CLIENT, "You've got to a point where a drink is how you get through every evening.", "reflection"),
        # 'ought to be honest' is advice with a moral ring (labelled b0457), never an affirmation
        (CLIENT, "You ought to be honest with your doctor about how much you drink.", "persuade"),
        # an announced argument persuades even when it soothes
        (CLIENT, "Look at it this way, at least the doctor caught it early.", "persuade"),
        # denying the client's own word to reassure
        ("I pray I just won't wake up. Is that wicked of me?", "Of course it's not wicked.", "other"),
        ("I'm not wicked, just tired of it all.", "It's not wickedness, it's exhaustion.", "reflection"),  # the client's own denial
        # the counsellor owning a misstep is about the counsellor, not information (nor lecturing)
        ("Take no notice of me, dear.", "I think I answered too quickly just now.", "other"),
    ],
)
def test_hard_cases_from_the_identity_and_safety_banks(client, reply, code):
    coded = default_scorer().code(reply, client).behaviour
    assert coded in ("simple_reflection", "complex_reflection") if code == "reflection" else coded == code


@pytest.mark.parametrize(
    "client,reply,present,absent",
    [
        ("People at work joke about my diagnosis.", "You're being too sensitive; it's just office banter.", {"judging"}, set()),
        ("I gave my guitar away last week.", "That's really generous of you.", {"praising"}, set()),
        ("Anyway. How was your week?", "Oh, busy as ever, thanks for asking!", {"withdrawing"}, set()),
        ("I pray I won't wake up.", "Of course you don't mean it. You've got years left in you yet!", {"reassuring"}, set()),
        ("How's your week been?", "I notice you've changed the subject, and you were telling me how lonely the nights are.", set(), {"withdrawing"}),
        ("I'm not saying she's wrong to be careful.", "You understand her being careful, and it still hurts.", set(), {"warning"}),
        ("I think they'd be better off without me.", "You've got to a place where you feel like a burden to them.", set(), {"ordering"}),
        ("Are you going to ring someone?", "Counsellors have a duty to share information when someone may be at risk of harm.", set(), {"moralizing"}),
    ],
)
def test_roadblocks_in_hard_cases(client, reply, present, absent):
    found = {f.kind for f in score_reply(reply, client=client).roadblocks}
    assert present <= found and not absent & found


def test_a_reply_with_two_acts_has_both_and_the_last_is_primary():
    result = score_reply("It sounds exhausting. What keeps you going?", client=CLIENT)
    assert [a.code for a in result.acts][-1] == "open_question"
    assert result.acts[0].code in ("simple_reflection", "complex_reflection")
    assert result.behaviour == "open_question"
    assert result.acts[0].text == "It sounds exhausting."


def test_features_explain_the_code():
    coding = default_scorer().code("Have you tried walking instead?", CLIENT)
    assert coding.behaviour == "persuade"
    assert "advice phrased as a question" in coding.features


def _records():
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_labelled_set_is_large_and_covers_every_code():
    records = _records()
    assert len(records) >= 400
    assert {r["code"] for r in records} == set(m.BEHAVIOUR_CODES)


def test_agreement_with_the_labelled_set_stays_at_the_reached_figure():
    records = _records()
    gold = [r["code"] for r in records]
    predicted = code_labelled(records)
    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold)
    four = cohen_kappa([FOUR_CLASS[g] for g in gold], [FOUR_CLASS[p] for p in predicted])
    pairs = [(g, p) for g, p in zip(gold, predicted) if "reflection" in g and "reflection" in p]
    simple_complex = cohen_kappa([g for g, _ in pairs], [p for _, p in pairs])
    assert accuracy >= MIN_ACCURACY, accuracy
    assert four >= MIN_FOUR_CLASS_KAPPA, four
    assert simple_complex >= MIN_SIMPLE_COMPLEX_KAPPA, simple_complex


def test_cohen_kappa_known_values():
    assert cohen_kappa(["a", "b", "a", "b"], ["a", "b", "a", "b"]) == 1.0
    assert cohen_kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"]) == 0.0


@pytest.mark.parametrize("reply", ["", "   \n\t ", "🙂🙂🙂"])
def test_empty_whitespace_and_emoji_only_replies_score_zero_and_fail(reply):
    result = score_reply(reply, client=CLIENT)
    assert result.behaviour == "other"
    assert not result.passed and result.score == 0
    assert result.tips


def test_markup_and_escape_codes_in_a_reply_are_kept_literally():
    reply = "[bold]You[/bold] feel \x1b[31mworried\x1b[0m"
    result = score_reply(reply, client=CLIENT)
    spans = [s.text for r in result.rules for s in r.spans]
    for text in spans:
        assert text in reply  # spans are slices of what was typed, never re-rendered
    assert "[/bold] feel \x1b[31mworried" in result.acts[0].text


def test_100kb_reply_is_bounded_in_time():
    reply = "You feel worried and tired. " * 4000  # ~112 KB
    scorer = default_scorer()
    start = time.perf_counter()
    result = scorer.score(reply, client=CLIENT)
    assert result.truncated
    assert time.perf_counter() - start < 1.0  # loose: the real figure is in benchmarks/


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
    assert time.perf_counter() - start < 1.0


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


# Third calibration pass (exemplars): reflections the coder used to read as information, advice, judgement or
# praise, and the counter-cases that must keep their code.
@pytest.mark.parametrize(
    "client,reply,code",
    [
        # no 'you', but the client's world given back with its meaning: a reflection, not information
        ("I did manage a week without it on holiday in Crete. It's work. It's being back on the ward.",
         "That week in Crete tells you something: away from the pressure you can do without it, so the vape may be more about the ward than about the nicotine.", "complex_reflection"),
        ("Anniversary's next week. His song came on in Tesco and I had to leave my trolley.",
         "The anniversary is coming, and his song in Tesco brought it all back.", "reflection"),
        ("I'm fifty-five and just got diagnosed.", "Finishing chemo also means losing the feeling that something is actively fighting it.", "reflection"),
        # ... while general truths and services stay information
        ("My dog died while I was at work.", "Dogs don't really understand time the way we do, so he wouldn't have been waiting.", "giving_information"),
        ("I keep googling my symptoms.", "Lots of cancer charities have nurse helplines you can ring instead of googling.", "giving_information"),
        ("I had a miscarriage at ten weeks.", "Around half of early miscarriages are caused by chromosomal differences that nothing could have prevented.", "giving_information"),
        # the client's own idea, person shifted, is not advice; opening with the client's verdict is still a roadblock
        ("I suppose I could ask her if I can borrow the dog more often. Mind you, I'm not promising anything.",
         "You could ask to borrow the dog more, and you're not making any promises.", "reflection"),
        ("I know, I'm a nurse, I should know better.", "You should know better as a nurse. You see what nicotine does to people every day.", "confront"),
        # reported orders and judgements are the client's situation
        ("I tell my Year 9s to put their phones away and then I scroll till one.",
         "You tell your Year 9s to put their phones away, and late at night the phone is the only time that's yours.", "reflection"),
        ("Sam says I never notice anything.", "You're hearing that it's all your fault, again.", "reflection"),
        ("My family depends on me.", "If you mess up, it's not just you who falls; it's the whole family.", "reflection"),
        ("I switched to vaping to quit and now I literally never put it down.", "You switched to vaping to quit, and now you never put it down.", "reflection"),
        ("I never thought I'd be sat here.", "You never pictured yourself in this chair; where you come from, men just got on with it.", "reflection"),
        ("You never listen to me.", "You never listen to anyone, that's the problem.", "confront"),
        # the client's own strength word, 'if you're still here', negated strengths
        ('Everyone says, "Be strong." So I am strong, in the room. Then in the car park I cannot breathe.', "You're strong in her room, and in the car park you can't breathe.", "reflection"),
        ("I'd like to see the baby in spring.", "You'd like to hold the baby in the spring, if you're still here.", "reflection"),
        ("Can't seem to care about the allotment, if I'm honest.", "Something that was part of every day for twenty years has gone flat on you, and the not caring seems to bother you more than the weeds do.", "reflection"),
        ("Coming here was my wife's idea.", "Coming here wasn't your choice.", "simple_reflection"),
        # a reframe of the client's own account is not reassurance; denying the client's label still is
        ("I know the stuff, I swear I know it, and then nothing.", "It isn't a gap in what you know; it's the panic locking the door on it.", "reflection"),
        ("I feel like such a burden.", "You're not a burden!", "other"),
        # the client's complaint about everyone, given back; the counsellor's own generalisation reassures
        ("Everyone's got something to say about how I should be doing it.", "Everyone has an opinion on how you should be grieving.", "reflection"),
        ("I cried at work today.", "Everyone has bad days.", "other"),
    ],
)
def test_reflections_from_the_exemplars(client, reply, code):
    coded = default_scorer().code(reply, client).behaviour
    assert coded in ("simple_reflection", "complex_reflection") if code == "reflection" else coded == code


@pytest.mark.parametrize(
    "client,reply,present,absent",
    [
        ("It's the main road. I know it's unlikely.", "The fear lives somewhere logic doesn't.", set(), {"persuading"}),
        ("Think about it logically.", "Think about it logically: the odds are tiny.", {"persuading"}, set()),
        ("Weekends are the worst.", "The weekends have none, so that's when the loneliness catch up with you.", set(), {"warning"}),
        ("I drink every night.", "It will catch up with you eventually.", {"warning"}, set()),
        ("I've never told anyone.", "You've trusted me with a thought you've never told anyone.", set(), {"reassuring"}),
        ("I'm so scared.", "Trust me, it'll all be fine.", {"reassuring"}, set()),
        ("He shut the door on me.", "The closed door makes it feel as if you ended up in the same place anyway.", set(), {"withdrawing"}),
        ("I got a bad mark.", "Anyway, let's move on to the job applications.", {"withdrawing"}, set()),
        ("I feel it's wrong to be angry at him.", "Some of you feels it's wrong to be angry at your da now he's gone.", set(), {"moralizing"}),
    ],
)
def test_roadblocks_in_the_exemplars(client, reply, present, absent):
    found = {f.kind for f in score_reply(reply, client=client).roadblocks}
    assert present <= found and not absent & found
