"""The compiled lexicons a scorer matches against: phrase tries, feeling words and the coder's cues."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from empathy_coach.banks.models import Lexicon
from empathy_coach.scoring.lexicon import EmotionLexicon, PhraseSet

CODER_CUES = "coder-cues"
FEELINGS = "feelings"  # the cue category that holds the emotions lexicon's words


@dataclass(slots=True)
class Lexicons:
    markers: PhraseSet
    roadblocks: PhraseSet
    emotions: EmotionLexicon | None
    cues: PhraseSet
    lead_fillers: tuple[str, ...] = ()

    @classmethod
    def compile(cls, lexicons: Mapping[str, Lexicon]) -> Lexicons:
        emotions = lexicons.get("emotions")
        cues = lexicons.get(CODER_CUES)
        cue_phrases = dict(cues.phrases) if cues is not None else {}
        fillers = tuple(p for p in cue_phrases.pop("lead_fillers", []) if " " not in p)
        if cues is not None and emotions is not None:
            # The coder reads feeling words in the same single pass as its cues.
            cue_phrases[FEELINGS] = [word for entries in emotions.emotions.values() for word in entries]
        return cls(
            PhraseSet(lexicons["markers"].phrases if "markers" in lexicons else {}),
            PhraseSet(lexicons["roadblocks"].phrases if "roadblocks" in lexicons else {}),
            EmotionLexicon(emotions) if emotions is not None else None,
            PhraseSet(cue_phrases),
            fillers,
        )

    def to_builtins(self) -> dict:
        return {
            "markers": self.markers.to_builtins(),
            "roadblocks": self.roadblocks.to_builtins(),
            "emotions": self.emotions.to_builtins() if self.emotions else None,
            "cues": self.cues.to_builtins(),
            "lead_fillers": list(self.lead_fillers),
        }

    @classmethod
    def from_builtins(cls, data: dict) -> Lexicons:
        emotions = data["emotions"]
        return cls(
            PhraseSet.from_builtins(data["markers"]),
            PhraseSet.from_builtins(data["roadblocks"]),
            EmotionLexicon.from_builtins(emotions) if emotions is not None else None,
            PhraseSet.from_builtins(data["cues"]),
            tuple(data["lead_fillers"]),
        )
