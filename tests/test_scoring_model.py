"""The scoring model of docs/scoring.md: the ladder, required caps, parroting, length, content by meaning,
two sides by structure, `rank:` in check, and `score --rubric`."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

from empathy_coach.banks import models as m
from empathy_coach.cli import app
from empathy_coach.content.cache import builtin_lexicon, builtin_rubric
from empathy_coach.scoring.assets import builtin_related
from empathy_coach.scoring.engine import Scorer, default_scorer
from empathy_coach.scoring.examples import rank_misorders

runner = CliRunner()
LEXICONS = {name: builtin_lexicon(name) for name in ("emotions", "roadblocks", "markers", "related")}

GRIEF = "My mum died in March and everyone expects me to be over it by now."
# One reply of each kind of the ladder, best first (docs/scoring.md).
LADDER = [
    ("complex reflection", "You still reach for her in the small things, and it hurts that people think grief should have a deadline."),
    ("simple reflection", "Your mum died in the spring, and people expect you to have moved past it."),
    ("parroting", "So you're saying your mum died in March and everyone expects you to be over it by now."),
    ("open question", "What has it been like for you since she died?"),
    ("closed question", "Did she die suddenly?"),
    ("information", "Research shows grief usually takes a year or more to ease."),
    ("advice", "You should join a bereavement group."),
    ("reassurance", "Time heals all wounds."),
    ("judging", "That's a bit irresponsible of you, you ought to know better than to dwell on it."),
]


def scorer(*rules: dict, pass_score: float = 60, ladder: list | None = None) -> Scorer:
    data = {"id": "t", "pass_score": pass_score, "rules": list(rules), "lexicons": list(LEXICONS)}
    if ladder is not None:
        data["ladder"] = ladder
    return Scorer(msgspec.convert(data, m.Rubric), LEXICONS)


def only(result, rule_id):
    (rule,) = [r for r in result.rules if r.id == rule_id]
    return rule


# ---------------------------------------------------------------- the ladder


def test_the_generic_rubric_orders_one_reply_of_each_kind_as_the_ladder_does():
    scores = [default_scorer("generic").score(reply, client=GRIEF).score for _, reply in LADDER]
    assert rank_misorders(scores) == [], list(zip([k for k, _ in LADDER], scores, strict=False))


def test_only_reflections_pass_and_parroting_is_the_best_reply_that_cannot():
    results = [default_scorer("generic").score(reply, client=GRIEF) for _, reply in LADDER]
    assert [r.passed for r in results] == [True, True] + [False] * 7
    assert 45 <= results[2].score < 60
    assert results[2].rung == "reflection-that-cannot-pass"


def test_an_affirmation_scores_above_a_bare_okay():
    s = default_scorer("generic")
    affirm = s.score("Well done for coming to talk about it, that takes real courage.", client=GRIEF)
    okay = s.score("Okay.", client=GRIEF)
    assert affirm.behaviour == "affirm" and affirm.score > okay.score


def test_a_roadblock_moves_a_reply_down_to_the_roadblocks_rung():
    ladder = [
        {"id": "top", "behaviours": ["complex_reflection", "simple_reflection"], "band": [60, 100]},
        {"id": "bottom", "roadblocks": ["judging"], "behaviours": ["confront", "other"], "band": [0, 10]},
    ]
    s = scorer({"id": "feel", "kind": "feeling", "weight": 1}, ladder=ladder)
    plain = s.score("You sound exhausted.", client="I'm exhausted.")
    judged = s.score("You sound exhausted, and that's selfish of you.", client="I'm exhausted.")
    assert plain.rung == "top" and plain.score >= 60
    assert any(f.kind == "judging" for f in judged.roadblocks)
    assert judged.rung == "bottom" and judged.score <= 10


def test_within_a_rung_the_share_of_points_places_the_score_in_its_band():
    ladder = [{"id": "all", "behaviours": list(m.BEHAVIOUR_CODES), "band": [40, 80]}]
    s = scorer({"id": "feel", "kind": "feeling", "weight": 1}, {"id": "short", "kind": "length", "max_words": 3, "weight": 1}, ladder=ladder)
    both = s.score("You're exhausted.", client="I'm exhausted.")
    one = s.score("You sound exhausted after all those nights.", client="I'm exhausted.")
    assert both.score == 80 and one.score == 60


def test_a_required_rule_caps_the_score_below_the_pass_mark_and_keeps_the_order():
    rules = ({"id": "feel", "kind": "feeling", "weight": 4}, {"id": "brief", "kind": "length", "max_words": 4, "required": True, "weight": 1})
    s = scorer(*rules, pass_score=60)
    short = s.score("You're exhausted.", client="I'm exhausted.")
    long_named = s.score("You are exhausted, worn out by it all.", client="I'm exhausted.")
    long_unnamed = s.score("It has been a lot of nights in a row for you.", client="I'm exhausted.")
    assert short.passed and short.score == 100
    assert not long_named.passed and long_named.score < 60
    assert long_named.score > long_unnamed.score  # order kept among the replies that cannot pass


def test_a_reflection_giving_back_nothing_of_the_client_stands_with_changing_the_subject():
    result = default_scorer("generic").score("I'm here for you!", client=GRIEF)
    assert result.rung == "reassurance-or-changing-subject" and not result.passed


def test_a_reflection_that_shares_no_word_with_the_client_cannot_pass_but_stays_above_questions():
    # Content by meaning cannot see every paraphrase: a "reflection" with none of the client's words or
    # feelings cannot pass, but it stands on the capped rung, above questions; "I'm here for you!" (above),
    # coded as a sympathy formula, keeps its old rung.
    client = "My parents are getting divorced and they both keep asking me who I want to live with."
    scorer = default_scorer("generic")
    result = scorer.score("You've been put in an impossible spot.", client=client)
    assert result.rung == "reflection-that-cannot-pass" and not result.passed
    assert result.score > scorer.score("How do you feel about that?", client=client).score


@pytest.mark.parametrize(
    "client,reply,judged",
    [
        # the issue's example: a judgement of the client phrased as a statement
        ("My sister stopped talking to me after the wedding and I keep replaying what I said.",
         "Your last line was really self destructive.", True),
        ("I drive too fast when I'm angry.", "Driving like that when you're angry is reckless.", True),
        # the client's own word given back keeps its old code: a reflection, not a judgement
        ("I was so reckless with money last year and now the debt is everywhere.",
         "You see yourself as reckless back then, and the debt keeps reminding you.", False),
    ],
)
def test_a_word_that_judges_the_client_is_judging_unless_the_client_said_it(client, reply, judged):
    result = default_scorer("generic").score(reply, client=client)
    assert ("judging" in {f.kind for f in result.roadblocks}) is judged
    assert result.passed is not judged


def test_a_rung_without_a_capped_rung_below_scales_a_required_failure_under_the_pass_mark():
    ladder = [{"id": "all", "behaviours": list(m.BEHAVIOUR_CODES), "band": [50, 100]}]
    s = scorer({"id": "brief", "kind": "length", "max_words": 2, "required": True}, ladder=ladder)
    result = s.score("You sound so very exhausted.", client="I'm exhausted.")
    assert not result.passed and result.score < 60


# ---------------------------------------------------------------- parroting and length


def test_parroting_a_statement_back_whole_cannot_pass():
    result = default_scorer("generic").score(LADDER[2][1], client=GRIEF)
    own = only(result, "own-words")
    assert not own.passed and own.required
    assert "Parroting" in own.message and "cannot pass" in own.message
    assert own.spans and "died in March" in own.spans[0].text


def test_giving_back_i_as_you_is_still_parroting():
    client = "I've heard it all. My mum sends me articles. I don't need another lecture."
    reply = "You've heard it all. Your mum sends you articles. You don't need another lecture."
    assert not only(default_scorer("generic").score(reply, client=client), "own-words").passed


def test_a_selective_repeat_of_the_key_words_is_a_simple_reflection_not_parroting():
    client = ("I know the checking is ridiculous. I know. But when I don't do it, the anxiety is unbearable. "
              "So I do it, and it buys me ten minutes of peace.")
    result = default_scorer("generic").score("You know it's too much, and it buys you ten minutes of peace.", client=client)
    assert only(result, "own-words").passed


def test_the_parroting_share_counts_content_words_not_fillers():
    s = scorer({"id": "p", "kind": "parroting", "max_overlap": 0.6, "ngram": 3})
    # Every content word copied, with a long opener of the counsellor's own stop words.
    result = s.score("So what you are saying to me is that the night shifts never end.", client="The night shifts never end.")
    assert not only(result, "p").passed


def test_a_monologue_over_60_words_cannot_pass_and_the_feedback_says_why():
    reply = ("You sound exhausted by it all, " * 13).strip()
    result = default_scorer("generic").score(reply, client="I'm exhausted by it all.")
    rule = only(result, "not-a-monologue")
    assert not rule.passed and rule.required and not result.passed
    assert "over 60" in rule.message and "cannot pass" in rule.message
    assert any("60 words" in tip for tip in result.tips)


# ---------------------------------------------------------------- content by meaning


def test_content_counts_words_related_in_meaning():
    client = "I am so tired of my job. My boss never listens."
    s = default_scorer("generic")
    related = only(s.score("Work has left you worn out, and your manager doesn't hear you.", client=client), "gives-back-content")
    unrelated = only(s.score("The weather has been grim lately.", client=client), "gives-back-content")
    assert related.passed and {"Work", "worn out", "manager"} <= {sp.text for sp in related.spans}
    assert not unrelated.passed and unrelated.points == 0


@pytest.mark.parametrize("client_word, reply_word", [("job", "work"), ("mum", "mother"), ("exhausted", "worn out"), ("boss", "manager")])
def test_the_related_words_table_links_the_pairs_of_the_issue(client_word, reply_word):
    table = builtin_related("related")
    from empathy_coach.scoring.text import Analysis, stem

    reply = Analysis(f"You {reply_word} it.")
    assert [reply.original[a:b] for a, b in table.carried_by(reply, stem(client_word))] == [reply_word]
    assert table.carried_by(Analysis("You bought a car."), stem(client_word)) == []


def test_partial_coverage_earns_partial_points_and_the_message_says_the_same():
    t = msgspec.convert({"id": "t1", "client": "They put me on nights and my son is struggling at school.",
                         "content": [{"text": "on night shifts", "synonyms": ["nights"]}, {"text": "son struggling at school", "synonyms": ["school"]}]},
                             m.Turn)
    s = scorer({"id": "c", "kind": "content", "weight": 3, "min_coverage": 0.25})
    rule = only(s.score("The nights are relentless for you.", turn=t), "c")
    assert rule.points == 1.5 and rule.max_points == 3
    assert "1 of 2" in rule.message and "1.5 of 3 points" in rule.message


# ---------------------------------------------------------------- two sides by structure

SIDES_TURN = {
    "id": "t1",
    "client": "I want to stop drinking. But the pub is the only place I see my mates.",
    "skill": "double_sided_reflection",
    "sides": [{"text": "wants to stop drinking", "synonyms": ["stop drinking"]}, {"text": "the pub is where his friends are", "synonyms": ["pub"]}],
}


@pytest.mark.parametrize("reply", [
    "Part of you is ready to give up the pints, and another part can't picture a Saturday without the lads.",
    "On one hand you're done with the booze, and yet it's where your whole social life happens.",
    "You want to cut out alcohol and at the same time you'd miss your friends.",
])
def test_holds_both_sides_is_recognised_by_structure(reply):
    s = scorer({"id": "sides", "kind": "double_sided", "related": "related"})
    rule = only(s.score(reply, turn=msgspec.convert(SIDES_TURN, m.Turn)), "sides")
    assert rule.passed, rule.message


def test_one_side_without_a_two_sided_structure_still_fails():
    s = scorer({"id": "sides", "kind": "double_sided", "related": "related"})
    rule = only(s.score("You want to stop drinking.", turn=msgspec.convert(SIDES_TURN, m.Turn)), "sides")
    assert not rule.passed


# ---------------------------------------------------------------- rank: in check

RANK_BANK = """\
id: ranked
title: Ranked
scenarios:
  - id: ranked-nights
    title: Nights
    turns:
      - id: t1
        client: They've put me on nights again. I'm exhausted and nobody else ever says yes.
        emotions: [exhausted]
        rank:
{items}
"""


def _rank_bank(tmp_path: Path, replies: list[str]) -> Path:
    path = tmp_path / "ranked.yaml"
    path.write_text(RANK_BANK.format(items="\n".join(f"          - {json.dumps(r)}" for r in replies)), encoding="utf-8")
    return path


def test_check_passes_a_ranking_the_rubric_agrees_with(tmp_path):
    path = _rank_bank(tmp_path, ["You're running on empty, and it always seems to land on you.", "How many nights have you done?", "You should just say no."])
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output


def test_check_fails_a_ranking_the_rubric_orders_differently_at_the_reply_that_scored_too_high(tmp_path):
    path = _rank_bank(tmp_path, ["You should just say no.", "You're running on empty, and it always seems to land on you."])
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    line = path.read_text(encoding="utf-8").splitlines().index('          - "You\'re running on empty, and it always seems to land on you."') + 1
    assert f"{path}:{line}:13: error: rank in ranked-nights/t1: reply 2" in result.output
    assert "expected below reply 1" in result.output


# ---------------------------------------------------------------- the built-in library's rankings


def _library():
    from empathy_coach.banks.catalog import Catalog

    return Catalog.discover([], user=False, builtin=True, strict=False)


def test_every_builtin_turn_with_examples_has_a_ranking_covering_the_ladder():
    from empathy_coach.scoring.engine import scorer_for

    cat = _library()
    turns = [(ref, t) for ref in cat.scenarios() for t in ref.scenario.turns if t.examples]
    assert turns and all(len(t.rank) >= 6 for _, t in turns), [f"{r.scenario.id}/{t.id}" for r, t in turns if len(t.rank) < 6]
    # Rungs covered over one bank's rankings: every rung of the ladder is met somewhere.
    ref, _ = turns[0]
    scorer = scorer_for(cat, ref)
    rungs = {scorer.score(reply, turn=t).rung for r, t in turns if r.bank.id == ref.bank.id for reply in t.rank}
    assert rungs == {rung.id for rung in scorer.rubric.ladder}


def test_the_replies_left_out_of_the_builtin_rankings_do_not_grow():
    """tests/data/rank_left_out.jsonl lists the seeded replies the rubric still orders wrongly (left
    out of the banks so that check passes). Fixing the coder may shrink it; nothing may grow it."""
    records = [json.loads(line) for line in (Path(__file__).parent / "data" / "rank_left_out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) <= 14 and sum(len(r["left_out"]) for r in records) <= 14


# ---------------------------------------------------------------- score --rubric

SAFETY_CLIENT = "Honestly? Everyone would be better off without me. Lisa, the kids. I'm just a cost to them now."
SAFETY_REPLY = ("You've started to feel like nothing but a cost to Lisa and the kids, so much that they'd be better off "
                "without you. When you say that, I wonder if you're having thoughts of ending your life?")


def test_score_with_the_safety_rubric_passes_a_reflection_then_a_direct_question():
    result = runner.invoke(app, ["score", "--client", SAFETY_CLIENT, "--rubric", "safety", "--format", "json", SAFETY_REPLY])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["passed"] and data["rubric"] == "safety" and data["rung"] in ("complex-reflection", "simple-reflection")
    generic = runner.invoke(app, ["score", "--client", SAFETY_CLIENT, SAFETY_REPLY])
    assert generic.exit_code == 1  # the generic rubric wants a reflection, not a question


def test_score_with_a_rubric_file(tmp_path):
    rubric = tmp_path / "course.yaml"
    rubric.write_text("id: course\npass_score: 50\nrules:\n  - id: named\n    kind: feeling\n", encoding="utf-8")
    result = runner.invoke(app, ["score", "--client", "I'm exhausted.", "--rubric", str(rubric), "--format", "json", "You sound exhausted."])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rubric"] == "course"


def test_score_with_an_unknown_rubric_is_a_usage_error_with_a_suggestion():
    result = runner.invoke(app, ["score", "--client", "I'm exhausted.", "--rubric", "saftey", "You sound exhausted."])
    assert result.exit_code == 2
    assert "no rubric 'saftey'" in result.output and "did you mean 'safety'" in result.output


def test_score_with_a_rubric_on_a_scenario_turn():
    result = runner.invoke(app, ["score", "--scenario", "safety-better-off-without-me", "--turn", "t2", "--rubric", "default", "--format", "json",
                                 SAFETY_REPLY])
    assert json.loads(result.output)["rubric"] == "default" and result.exit_code == 1


def test_the_builtin_rubrics_share_one_ladder():
    ladders = [builtin_rubric(name).ladder for name in ("default", "generic", "safety")]
    assert ladders[0] and ladders[0] == ladders[1] == ladders[2]


def test_a_ladder_that_names_a_missing_rule_or_rung_is_a_located_error(tmp_path):
    rubric = tmp_path / "bad.yaml"
    rubric.write_text(
        "id: bad\nrules:\n  - id: named\n    kind: feeling\n"
        "ladder:\n  - id: top\n    band: [90, 50]\n    needs_any: [nmaed]\n    otherwise: bottm\n  - id: bottom\n    band: [0, 10]\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(rubric)])
    assert result.exit_code == 2
    assert f"{rubric}:7:" in result.output and "low <= high" in result.output
    assert f"{rubric}:8:" in result.output and "found 'nmaed'" in result.output and "did you mean 'named'" in result.output
    assert f"{rubric}:9:" in result.output and "found 'bottm'" in result.output


def test_grade_records_name_the_rung_of_each_reply(tmp_path):
    lines = [json.dumps({"id": "a", "client": GRIEF, "reply": LADDER[0][1]}), json.dumps({"id": "b", "client": GRIEF, "reply": LADDER[2][1]})]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["grade", str(source), "--format", "jsonl"])
    records = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [r["rung"] for r in records] == ["complex-reflection", "reflection-that-cannot-pass"]
    assert result.exit_code == 1  # the parroting reply cannot pass
