"""Agreement between the coder and people's codes: kappa, confusion matrix, precision and recall."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from empathy_coach.scoring.agreement import FOUR_CLASS, cohen_kappa
from empathy_coach.scoring.coder.model import CODES, REFLECTIONS


@dataclass(slots=True)
class Agreement:
    n: int
    accuracy: float
    kappa: float
    kappa4: float
    simple_complex_kappa: float | None
    confusion: dict[str, dict[str, int]]
    per_code: dict[str, dict[str, float | int]] = field(default_factory=dict)

    def to_builtins(self) -> dict:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "kappa_12": round(self.kappa, 4),
            "kappa_4": round(self.kappa4, 4),
            "kappa_simple_complex": None if self.simple_complex_kappa is None else round(self.simple_complex_kappa, 4),
            "per_code": self.per_code,
            "confusion": self.confusion,
        }


def agreement(gold: Sequence[str], coded: Sequence[str]) -> Agreement:
    """Figures for two equal-length sequences of codes (the person's first)."""
    n = len(gold)
    both_reflections = [(g, c) for g, c in zip(gold, coded, strict=False) if g in REFLECTIONS and c in REFLECTIONS]
    confusion = {g: {c: 0 for c in CODES} for g in CODES}
    for g, c in zip(gold, coded, strict=False):
        confusion[g][c] += 1
    gold_counts, coded_counts = Counter(gold), Counter(coded)
    per_code: dict[str, dict[str, float | int]] = {}
    for code in CODES:
        hit = confusion[code][code]
        per_code[code] = {
            "support": gold_counts[code],
            "precision": round(hit / coded_counts[code], 4) if coded_counts[code] else 0.0,
            "recall": round(hit / gold_counts[code], 4) if gold_counts[code] else 0.0,
        }
    return Agreement(
        n,
        sum(g == c for g, c in zip(gold, coded, strict=False)) / n if n else 0.0,
        cohen_kappa(gold, coded),
        cohen_kappa([FOUR_CLASS[g] for g in gold], [FOUR_CLASS[c] for c in coded]),
        cohen_kappa([g for g, _ in both_reflections], [c for _, c in both_reflections]) if both_reflections else None,
        confusion,
        per_code,
    )


SHORT = {
    "complex_reflection": "CR", "simple_reflection": "SR", "open_question": "OQ", "closed_question": "CQ",
    "giving_information": "GI", "persuade": "Pers", "persuade_with_permission": "PwP", "affirm": "AF",
    "seek_collaboration": "Seek", "emphasize_autonomy": "Auto", "confront": "Conf", "other": "Oth",
}


def confusion_lines(result: Agreement) -> list[str]:
    """The confusion matrix as fixed-width text lines: rows are the person's codes, columns the coder's."""
    head = "person\\coder " + " ".join(f"{SHORT[c]:>5}" for c in CODES)
    lines = [head]
    for g in CODES:
        lines.append(f"{SHORT[g]:<12} " + " ".join(f"{result.confusion[g][c]:>5}" for c in CODES))
    return lines
