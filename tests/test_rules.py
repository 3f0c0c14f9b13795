"""Every rule kind, through the engine, with a rubric made for the test."""

import msgspec
import pytest

from empathy_coach.banks import models as m
from empathy_coach.content.cache import builtin_lexicon
from empathy_coach.scoring.engine import Scorer, render

LEXICONS = {name: builtin_lexicon(name) for name in ("emotions", "roadblocks", "markers")}


def scorer(*rules: dict, pass_score: float = 60) -> Scorer:
    rubric = msgspec.convert({"id": "t", "pass_score": pass_score, "rules": list(rules)}, m.Rubric)
    return Scorer(rubric, LEXICONS)


def turn(**fields) -> m.Turn:
    fields.setdefault("id", "t1")
    fields.setdefault("client", "I keep getting put on nights and I'm so tired I can't think.")
    return msgspec.convert(fields, m.Turn)


def only(result, rule_id):
    (rule,) = [r for r in result.rules if r.id == rule_id]
    return rule


def test_pattern_require_and_forbid_are_stem_aware():
    s = scorer({"id": "opener", "kind": "pattern", "phrases": ["it sounds like"]},
               {"id": "no-should", "kind": "pattern", "phrases": ["should"], "mode": "forbid"})
    good = s.score("It sounded like a long week.", client="x")
    assert only(good, "opener").passed and only(good, "no-should").passed
    bad = s.score("You should rest.", client="x")
    rule = only(bad, "no-should")
    assert not rule.passed and rule.spans[0].text == "should"


def test_pattern_regex_is_case_insensitive_with_spans():
    s = scorer({"id": "rx", "kind": "pattern", "regex": [r"\bpart of you\b"]})
    result = s.score("Part of you wants to stay.", client="x")
    assert only(result, "rx").passed
    assert only(result, "rx").spans[0].text == "Part of you"


def test_feeling_exact_family_and_negation():
    s = scorer({"id": "f", "kind": "feeling"})
    t = turn(emotions=["furious"])
    exact = only(s.score("You're furious about it.", turn=t), "f")
    assert exact.passed and exact.points == 1.0
    partial = only(s.score("You're a bit annoyed.", turn=t), "f")
    assert 0 < partial.points < 1.0  # same family, lower intensity: part of the credit
    negated = only(s.score("You're not furious.", turn=t), "f")
    assert not negated.passed and negated.points == 0


def test_feeling_the_client_does_not_have_is_noted():
    s = scorer({"id": "f", "kind": "feeling"})
    result = only(s.score("You seem happy and a bit tired.", turn=turn(emotions=["exhausted"])), "f")
    assert "not what the client shows" in result.message


def test_feeling_without_scenario_comes_from_the_client_words():
    s = scorer({"id": "f", "kind": "feeling"})
    result = only(s.score("You're scared about it.", client="I'm terrified of the results."), "f")
    assert result.points > 0


def test_content_coverage_is_proportional_and_uses_synonyms():
    s = scorer({"id": "c", "kind": "content", "min_coverage": 1.0})
    t = turn(content=[{"text": "night shifts", "synonyms": ["nights"]}, {"text": "no time for her kids", "synonyms": ["children"]}])
    half = only(s.score("All those nights.", turn=t), "c")
    assert not half.passed and half.points == pytest.approx(0.5)
    full = only(s.score("All those nights and no time for the children.", turn=t), "c")
    assert full.passed and full.points == 1.0


@pytest.mark.parametrize(
    "reply,passed",
    [
        ("You're exhausted.", True),
        ("Are you exhausted?", False),
        ("So you're worried about him?", True),  # a reflection that checks understanding
        ("What keeps you going?", False),
    ],
)
def test_statement(reply, passed):
    s = scorer({"id": "st", "kind": "statement"})
    assert only(s.score(reply, client="I'm worried about him."), "st").passed is passed


def test_statement_can_refuse_checking_questions():
    s = scorer({"id": "st", "kind": "statement", "allow_checking_question": False})
    assert not only(s.score("So you're worried about him?", client="I'm worried about him."), "st").passed


def test_statement_requiring_a_reflection_fails_advice():
    s = scorer({"id": "st", "kind": "statement", "require_reflection": True})
    assert not only(s.score("You should talk to your manager.", client="Work is awful."), "st").passed


@pytest.mark.parametrize(
    "reply,kind",
    [
        ("You should tell your manager.", "advising"),
        ("Don't worry, it'll be fine.", "reassuring"),
        ("Why did you agree to it?", "questioning"),
        ("You need to stop that.", "ordering"),
        ("Good job, well done.", "praising"),
    ],
)
def test_roadblocks_are_named_with_spans(reply, kind):
    s = scorer({"id": "rb", "kind": "roadblocks"})
    result = s.score(reply, client="I said yes to every shift again.")
    assert kind in {f.kind for f in result.roadblocks}
    rule = only(result, "rb")
    assert not rule.passed and rule.spans


@pytest.mark.parametrize(
    "reply,is_order",
    [
        ("Calm down, it is not a big deal.", True),  # the plain form: an order, as before
        ("Just calm down.", True),
        ("For you, weed is about calming down.", False),  # the -ing form tells what the client does
        ("You tried calming down, and it didn't last.", False),
    ],
)
def test_an_order_is_said_in_the_verbs_plain_form(reply, is_order):
    s = scorer({"id": "rb", "kind": "roadblocks"})
    result = s.score(reply, client="Everyone makes such a big deal about weed. It helps me chill out.")
    assert ("ordering" in {f.kind for f in result.roadblocks}) is is_order


def test_roadblocks_only_and_ignore():
    s = scorer({"id": "rb", "kind": "roadblocks", "ignore": ["advising", "questioning"]})
    assert only(s.score("You should rest.", client="x y z"), "rb").passed


def test_parroting():
    client = "I keep getting put on nights and I'm so tired I can't think straight."
    s = scorer({"id": "p", "kind": "parroting", "max_overlap": 0.6})
    copied = only(s.score("keep getting put on nights and I'm so tired", client=client), "p")
    assert not copied.passed and copied.spans
    assert only(s.score("The rota keeps landing on you and you're running on empty.", client=client), "p").passed


def test_parroting_counts_a_whole_clause_from_a_long_statement_with_min_copied():
    client = ("I've been staying at the office until nine every night and I don't know why I bother. My manager never notices, "
              "my partner has stopped waiting up for me, and the weekends go on sleeping it off.")
    clause = "So you've been staying at the office until nine every night and don't know why you bother."
    by_share = scorer({"id": "p", "kind": "parroting", "max_overlap": 0.75, "min_client_share": 0.6, "ngram": 3})
    assert only(by_share.score(clause, client=client), "p").passed  # a small share of a long statement
    by_count = scorer({"id": "p", "kind": "parroting", "max_overlap": 0.75, "min_client_share": 0.6, "min_copied": 5, "ngram": 3})
    assert not only(by_count.score(clause, client=client), "p").passed
    # A selective repeat of two key words keeps its old code: not parroting.
    repeat = "You want to be off them, and you're scared to be off them."
    assert only(by_count.score(repeat, client="I want to be off them. I'm scared to be off them. I've tried twice and I can't sleep without them."),
                "p").passed


def test_length_absolute_and_relative():
    s = scorer({"id": "l", "kind": "length", "min_words": 3, "max_words": 10})
    assert not only(s.score("Tired.", client="x"), "l").passed
    assert not only(s.score("word " * 11, client="x"), "l").passed
    assert only(s.score("You are so tired.", client="x"), "l").passed
    relative = scorer({"id": "l", "kind": "length", "max_ratio": 1.0})
    assert not only(relative.score("word " * 15, client="short"), "l").passed


def test_focus_flags_self_disclosure():
    s = scorer({"id": "fo", "kind": "focus"})
    assert not only(s.score("I know how you feel, me too.", client="x"), "fo").passed
    assert only(s.score("I hear how tired you are.", client="x"), "fo").passed


def test_validation_flags_dismissing_and_can_require_validation():
    s = scorer({"id": "v", "kind": "validation", "require": True})
    assert not only(s.score("At least you have a job.", client="x"), "v").passed
    assert only(s.score("It makes sense that you're tired.", client="x"), "v").passed
    assert not only(s.score("You're tired.", client="x"), "v").passed


def test_double_sided_needs_both_sides_and_no_cancelling_but():
    s = scorer({"id": "d", "kind": "double_sided"})
    t = turn(sides=[{"text": "drinking helps you relax", "synonyms": ["unwind", "relax"]}, {"text": "worried about health", "synonyms": ["health", "liver"]}])
    both = only(s.score("Drinking helps you unwind, and you're worried about your health.", turn=t), "d")
    assert both.passed
    cancelled = only(s.score("Drinking helps you unwind, but you're worried about your health.", turn=t), "d")
    assert not cancelled.passed and "cancels" in cancelled.message
    one = only(s.score("Drinking helps you unwind.", turn=t), "d")
    assert not one.passed and 0 < one.points < 1
    assert not [r for r in s.score("x", turn=turn()).rules if r.id == "d"]  # no sides: not applicable


def test_nonverbal_notices_the_cue():
    s = scorer({"id": "n", "kind": "nonverbal"})
    t = turn(nonverbal="looks down, voice shaking")
    assert only(s.score("I notice your voice shaking as you say that.", turn=t), "n").passed
    assert not only(s.score("You're tired.", turn=t), "n").passed


def test_all_of_and_any_of_compose_other_rules():
    s = scorer(
        {"id": "opener", "kind": "pattern", "phrases": ["sounds like"], "weight": 0},
        {"id": "st", "kind": "statement", "weight": 0},
        {"id": "both", "kind": "all_of", "rules": ["opener", "st"]},
        {"id": "either", "kind": "any_of", "rules": ["opener", "st"]},
    )
    result = s.score("What does it sound like to you?", client="x")
    assert not only(result, "both").passed
    assert only(result, "either").passed
    statement_only = s.score("You are tired.", client="x")
    assert only(statement_only, "either").passed and not only(statement_only, "both").passed


def test_message_templates_render_values_and_ignore_unknown_placeholders():
    assert render("Found {found} and {nothing}.", {"found": "'x'"}) == "Found 'x' and ."
    assert render("broken {", {}) == "broken {"


def test_weighted_score_tips_and_required_rules():
    s = scorer(
        {"id": "st", "kind": "statement", "weight": 1, "required": True, "tip": "Make it a statement."},
        {"id": "f", "kind": "feeling", "weight": 3, "tip": "Name the feeling."},
        pass_score=50,
    )
    t = turn(emotions=["exhausted"])
    result = s.score("Are you exhausted?", turn=t)
    assert not result.passed  # the required rule failed, whatever the score
    good = s.score("You're exhausted.", turn=t)
    assert good.passed and good.score == 100
    miss = s.score("You're here.", turn=t)
    assert miss.score == 25 and miss.tips[0] == "Name the feeling."


def test_scoring_is_deterministic_byte_for_byte():
    s = scorer({"id": "f", "kind": "feeling"}, {"id": "rb", "kind": "roadblocks"})
    first = msgspec.json.encode(s.score("You're exhausted, you should rest.", client="I'm so tired."))
    again = msgspec.json.encode(s.score("You're exhausted, you should rest.", client="I'm so tired."))
    assert first == again


SAFETY_WORDS = ["suicide", "ending your life", "kill yourself"]
BURDEN = "Sometimes I think everyone would be better off without me. I'm just a cost to everyone now."


@pytest.mark.parametrize(
    "reply,passed,points",
    [
        # a reflection, then a direct, caring question: the target, full credit
        ("You feel like a burden to everyone. When you say that, I wonder if you're having thoughts of ending your life?", True, 1.0),
        ("You feel like a burden to everyone. Are you having thoughts of suicide?", True, 1.0),
        # the same question without a reflection before it is still a question instead of reflecting
        ("Are you having thoughts of suicide?", False, 0.0),
        # a leading question that invites "no" is not a direct question
        ("You feel like a burden. You're not thinking of ending your life, are you?", False, 0.0),
        # asking for a justification interrogates, whatever it names
        ("You feel like a burden to everyone. Why do you think about suicide?", False, 0.0),
        # other questions are scored as before
        ("You feel like a burden to everyone. How long have you felt this way?", False, 0.0),
    ],
)
def test_statement_welcome_questions_after_a_reflection(reply, passed, points):
    s = scorer({"id": "st", "kind": "statement", "require_reflection": True, "welcome_questions": SAFETY_WORDS})
    rule = only(s.score(reply, client=BURDEN), "st")
    assert (rule.passed, rule.points) == (passed, points)
    if passed:
        assert "direct question" in rule.message
    plain = scorer({"id": "st", "kind": "statement", "require_reflection": True})
    assert not only(plain.score(reply, client=BURDEN), "st").passed  # without the parameter nothing changes


def test_roadblocks_welcome_questions_are_not_questioning():
    s = scorer({"id": "rb", "kind": "roadblocks", "welcome_questions": SAFETY_WORDS})
    asked = s.score("You feel like a burden to everyone. Are you having thoughts of suicide?", client=BURDEN)
    assert only(asked, "rb").passed
    assert "questioning" not in {f.kind for f in asked.roadblocks}  # a welcome question is no roadblock to report
    probing = s.score("You feel like a burden to everyone. Why do you think that?", client=BURDEN)
    assert not only(probing, "rb").passed
    assert "questioning" in {f.kind for f in probing.roadblocks}
    reassuring = s.score("You feel like a burden. Are you thinking of suicide? You have so much to live for.", client=BURDEN)
    rule = only(reassuring, "rb")
    assert not rule.passed and "reassuring" in rule.message


def test_default_double_sided_tip_reads_well_with_any_side_text():
    from empathy_coach.content.cache import builtin_rubric

    s = Scorer(builtin_rubric("default"), LEXICONS)
    t = turn(skill="double_sided_reflection", sides=["drinking with the boys feels normal", "he knows the liver numbers aren't great"])
    (rule,) = [r for r in s.score("You like a drink.", turn=t).rules if r.id == "holds-both-sides"]
    assert rule.tip == ("Hold both sides, joined with 'and' rather than 'but': on one side, drinking with the boys feels normal; "
                        "on the other, he knows the liver numbers aren't great.")


def test_a_one_word_change_of_subject_counts_only_where_it_opens_a_clause():
    from empathy_coach.scoring.engine import default_scorer

    s = default_scorer("generic")
    client = "I don't really know why I'm here. My GP referred me."
    kept = s.score("You came anyway, doubts and all, so part of you hopes this could help.", client=client)
    assert "withdrawing" not in {f.kind for f in kept.roadblocks}
    # The same word opening a sentence still changes the subject (the case that must keep its code).
    changed = s.score("Anyway, how was the match on Saturday?", client=client)
    assert "withdrawing" in {f.kind for f in changed.roadblocks} and not changed.passed
