"""Agreement figures between the behaviour coder and human labels (Cohen's kappa)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

FOUR_CLASS = {
    "complex_reflection": "reflection",
    "simple_reflection": "reflection",
    "open_question": "question",
    "closed_question": "question",
    "giving_information": "information_advice",
    "persuade": "information_advice",
    "persuade_with_permission": "information_advice",
    "affirm": "other",
    "seek_collaboration": "other",
    "emphasize_autonomy": "other",
    "confront": "other",
    "other": "other",
}


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float:
    if not first:
        return 0.0
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=False)) / n
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[k] * count_b.get(k, 0) for k in count_a) / (n * n)
    if expected >= 1.0:
        return 1.0
    return (observed - expected) / (1 - expected)


def code_labelled(records: Sequence[dict]) -> list[str]:
    """The coder's behaviour code for each {"client", "reply"} record."""
    from empathy_coach.scoring.engine import default_scorer

    scorer = default_scorer()
    return [scorer.code(r["reply"], r.get("client")).behaviour for r in records]
