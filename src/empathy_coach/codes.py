"""The ids of the behaviour codes (MITI 4.2) and of Gordon's twelve roadblocks: one list each.

Every layer identifies codes and roadblocks by these ids; words for people are rendered from them
(`BEHAVIOUR_LABELS`, `empathy-coach explain`), and no code branches on display text.
"""

from __future__ import annotations

from typing import Literal, get_args

Behaviour = Literal[
    "complex_reflection",
    "simple_reflection",
    "open_question",
    "closed_question",
    "giving_information",
    "persuade",
    "persuade_with_permission",
    "affirm",
    "seek_collaboration",
    "emphasize_autonomy",
    "confront",
    "other",
]
CODES: tuple[str, ...] = get_args(Behaviour)

Roadblock = Literal[
    "ordering",
    "warning",
    "advising",
    "persuading",
    "moralizing",
    "disagreeing",
    "judging",
    "praising",
    "reassuring",
    "interpreting",
    "questioning",
    "withdrawing",
]
ROADBLOCKS: tuple[str, ...] = get_args(Roadblock)

# The groups that session metrics (R:Q, % complex) and branching read.
COMPLEX_REFLECTION: Behaviour = "complex_reflection"
SIMPLE_REFLECTION: Behaviour = "simple_reflection"
OPEN_QUESTION: Behaviour = "open_question"
CLOSED_QUESTION: Behaviour = "closed_question"
OTHER: Behaviour = "other"
REFLECTIONS: frozenset[str] = frozenset({COMPLEX_REFLECTION, SIMPLE_REFLECTION})
QUESTIONS: frozenset[str] = frozenset({OPEN_QUESTION, CLOSED_QUESTION})
QUESTIONING: Roadblock = "questioning"

BEHAVIOUR_LABELS: dict[str, str] = {
    "complex_reflection": "complex reflection",
    "simple_reflection": "simple reflection",
    "open_question": "open question",
    "closed_question": "closed question",
    "giving_information": "giving information",
    "persuade": "persuading",
    "persuade_with_permission": "persuading with permission",
    "affirm": "affirming",
    "seek_collaboration": "seeking collaboration",
    "emphasize_autonomy": "emphasizing autonomy",
    "confront": "confronting",
    "other": "other",
}
