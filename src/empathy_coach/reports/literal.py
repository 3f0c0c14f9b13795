"""Kept for imports from reports: the literal-text functions live at the bottom layer (empathy_coach.literal)."""

from empathy_coach.literal import BIDI_CONTROLS, printable, visible_bidi, writable  # noqa: F401
