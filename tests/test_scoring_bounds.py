"""Huge replies: scoring reads a bounded prefix and its evidence never copies the rest."""

from __future__ import annotations

from empathy_coach import score_reply
from empathy_coach.scoring.text import MAX_ANALYSED_CHARS


def test_evidence_of_a_huge_reply_stays_within_the_analysed_part():
    reply = "You feel sad and alone. " * 50_000  # 1.2 MB
    result = score_reply(reply, client="I feel so sad and alone since she left.")
    assert result.truncated
    spans = [span for rule in result.rules for span in rule.spans]
    assert spans, "the length rule at least points at the reply"
    assert all(span.end <= MAX_ANALYSED_CHARS and len(span.text) <= MAX_ANALYSED_CHARS for span in spans)
    assert all(reply[span.start : span.end] == span.text for span in spans)
