"""The compiled lexicons a scorer matches against: phrase tries, feeling words and the coder's cues.

Every lexicon file declares its role (`emotions`, `markers`, `roadblocks`, `related`, `coder-cues`).
Rules read the lexicon they name (`lexicon:`), looked up here by id; the scorer's own passes (the
roadblocks it reports, the markers that keep a reflection's words the client's) read the rubric's
first lexicon of each role.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from empathy_coach.banks.models import Lexicon
from empathy_coach.scoring.lexicon import EmotionLexicon, PhraseSet

CODER_CUES = "coder-cues"
FEELINGS = "feelings"  # the cue category that holds the emotions lexicon's words
PHRASE_ROLES = ("markers", "roadblocks")


class LexiconRoleError(LookupError):
    """A rule names a lexicon the rubric does not list, or one whose role is not what the rule reads."""


class Lexicons:
    __slots__ = ("phrases", "feelings", "roles", "cues", "lead_fillers", "markers", "roadblocks", "emotions")

    def __init__(self, phrases: dict[str, PhraseSet], feelings: dict[str, EmotionLexicon], roles: dict[str, str], cues: PhraseSet,
                 lead_fillers: tuple[str, ...] = ()) -> None:
        self.phrases = phrases  # the markers and roadblocks lexicons, by id
        self.feelings = feelings  # the emotions lexicons, by id
        self.roles = roles  # every lexicon's declared role, by id, in the rubric's order
        self.cues = cues
        self.lead_fillers = lead_fillers
        self.markers = self._first_phrases("markers")
        self.roadblocks = self._first_phrases("roadblocks")
        first = next((ident for ident, role in self.roles.items() if role == "emotions"), None)
        self.emotions = self.feelings[first] if first is not None else None

    def _first_phrases(self, role: str) -> PhraseSet:
        first = next((ident for ident, r in self.roles.items() if r == role), None)
        return self.phrases[first] if first is not None else PhraseSet({})

    def phrase_set(self, ident: str, role: str) -> PhraseSet:
        """The phrase table of the lexicon `ident`, which must have the role `role`."""
        self._expect(ident, role)
        return self.phrases[ident]

    def feeling_words(self, ident: str) -> EmotionLexicon:
        """The feeling words of the lexicon `ident`, which must have the role `emotions`."""
        self._expect(ident, "emotions")
        return self.feelings[ident]

    def _expect(self, ident: str, role: str) -> None:
        found = self.roles.get(ident)
        if found is None:
            raise LexiconRoleError(f"lexicon '{ident}' is not among the rubric's lexicons ({', '.join(self.roles) or 'none'})")
        if found != role:
            raise LexiconRoleError(f"lexicon '{ident}' has the role '{found}', not '{role}'")

    @classmethod
    def compile(cls, lexicons: Mapping[str, Lexicon]) -> Lexicons:
        roles: dict[str, str] = {ident: lexicon.role for ident, lexicon in lexicons.items()}
        phrases = {ident: PhraseSet(lexicon.phrases) for ident, lexicon in lexicons.items() if lexicon.role in PHRASE_ROLES}
        feelings = {ident: EmotionLexicon(lexicon) for ident, lexicon in lexicons.items() if lexicon.role == "emotions"}
        cues = next((lexicon for lexicon in lexicons.values() if lexicon.role == CODER_CUES), None)
        cue_phrases = dict(cues.phrases) if cues is not None else {}
        fillers = tuple(p for p in cue_phrases.pop("lead_fillers", []) if " " not in p)
        emotions = next((lexicon for lexicon in lexicons.values() if lexicon.role == "emotions"), None)
        if cues is not None and emotions is not None:
            # The coder reads feeling words in the same single pass as its cues.
            cue_phrases[FEELINGS] = [word for entries in emotions.emotions.values() for word in entries]
        return cls(phrases, feelings, roles, PhraseSet(cue_phrases), fillers)

    def to_builtins(self, defer: Callable[[Any], Any] | None = None) -> dict:
        """The compiled tables as plain data; with `defer` (a cache's), their large parts are kept
        apart and decoded when first read (see PhraseSet.to_builtins)."""
        return {
            "phrases": {ident: table.to_builtins(defer) for ident, table in self.phrases.items()},
            "feelings": {ident: table.to_builtins(defer) for ident, table in self.feelings.items()},
            "roles": dict(self.roles),
            "cues": self.cues.to_builtins(defer),
            "lead_fillers": list(self.lead_fillers),
        }

    @classmethod
    def from_builtins(cls, data: dict) -> Lexicons:
        return cls(
            {ident: PhraseSet.from_builtins(table) for ident, table in data["phrases"].items()},
            {ident: EmotionLexicon.from_builtins(table) for ident, table in data["feelings"].items()},
            dict(data["roles"]),
            PhraseSet.from_builtins(data["cues"]),
            tuple(data["lead_fillers"]),
        )
