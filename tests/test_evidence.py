"""Evidence is coloured by what it did for the score (issue 14, item 3), in the HTML export too."""

from __future__ import annotations

from empathy_coach.reports.evidence import segments
from empathy_coach.reports.transcript import highlighted_html
from empathy_coach.scoring.result import RoadblockFinding, RuleResult, ScoreResult, Span

REPLY = "Your doctor wants better numbers, and that feels like a lot."


def _rule(rule_id, passed, points, max_points, *spans):
    return RuleResult(
        id=rule_id, kind="k", passed=passed, points=points, max_points=max_points,
        spans=[Span(s, e, REPLY[s:e]) for s, e in spans], message="m",
    )


def _result(rules, roadblocks=()):
    return ScoreResult(
        score=92, passed=True, pass_score=60, behaviour="simple_reflection", behaviour_label="simple reflection",
        features=[], acts=[], roadblocks=list(roadblocks), rules=rules, tips=[], rubric="default",
    )


DOCTOR = (5, 11)
NUMBERS = (25, 32)


def test_words_that_earned_content_credit_are_not_marked_as_misses():
    # The content rule did not pass (2 of 3 points) but "doctor" and "numbers" earned those points.
    content = _rule("gives-back-content", False, 2.0, 3.0, DOCTOR, NUMBERS)
    marked = highlighted_html(REPLY, _result([content]))
    assert '<mark class="ok">doctor</mark>' in marked
    assert '<mark class="ok">numbers</mark>' in marked
    assert 'class="miss"' not in marked


def test_a_failed_rule_that_reuses_credited_words_marks_them_both():
    content = _rule("gives-back-content", True, 3.0, 3.0, DOCTOR, NUMBERS)
    verbatim = _rule("own-words", False, 0.0, 2.0, DOCTOR)
    segs = {s.text: s for s in segments(REPLY, [content, verbatim])}
    assert segs["doctor"].effect == "both"
    assert segs["numbers"].effect == "credit"
    assert segs["doctor"].reasons == ("gives-back-content: 3 of 3 points", "own-words: 0 of 2 points")
    assert '<mark class="both">doctor</mark>' in highlighted_html(REPLY, _result([content, verbatim]))


def test_roadblocks_and_rules_that_earned_nothing_cost_points():
    nothing = _rule("is-a-reflection", False, 0.0, 2.0, (0, 4))
    finding = RoadblockFinding(kind="advising", start=38, end=48, text=REPLY[38:48])
    segs = [s for s in segments(REPLY, [nothing], [finding]) if s.effect]
    assert [(s.text, s.effect) for s in segs] == [("Your", "cost"), (REPLY[38:48], "cost")]
    assert segs[1].reasons == ("roadblock: advising",)


def test_segments_rebuild_the_reply_exactly():
    content = _rule("c", True, 1.0, 1.0, DOCTOR, (0, 200))  # a span past the end is clipped
    assert "".join(s.text for s in segments(REPLY, [content])) == REPLY
    assert segments("", [content]) == []


def test_the_export_page_escapes_and_marks_by_effect():
    hostile = '<img src=x onerror="alert(1)"> doctor'
    rule = RuleResult(id="c", kind="k", passed=False, points=1.0, max_points=2.0, spans=[Span(31, 37, "doctor")], message="m")
    marked = highlighted_html(hostile, _result([rule]))
    assert marked == '&lt;img src=x onerror=&#34;alert(1)&#34;&gt; <mark class="ok">doctor</mark>'


def test_the_terminal_colours_evidence_by_effect_too():
    from empathy_coach.reports.feedback import FAILED_STYLE, PASSED_STYLE, highlighted_reply

    content = _rule("gives-back-content", False, 2.0, 3.0, DOCTOR, NUMBERS)
    nothing = _rule("is-a-reflection", False, 0.0, 2.0, (0, 4))
    text = highlighted_reply(REPLY, _result([content, nothing]))
    styled = {REPLY[s.start : s.end]: str(s.style) for s in text.spans}
    assert styled == {"doctor": PASSED_STYLE, "numbers": PASSED_STYLE, "Your": FAILED_STYLE}
