"""Lexicons compiled for fast matching: phrases indexed by their first stem."""

from __future__ import annotations

from dataclasses import dataclass

from empathy_coach.banks.models import Lexicon
from empathy_coach.scoring.text import Analysis, Token, phrase_tokens, stem


@dataclass(frozen=True, slots=True)
class Match:
    category: str
    phrase: str
    first: int  # token indexes, end exclusive
    last: int
    start: int  # character span in the original text
    end: int
    negated: bool


@dataclass(frozen=True, slots=True)
class _Pattern:
    category: str
    phrase: str
    parts: tuple[tuple[str, bool], ...]  # (stem or exact word or '*', exact?)


class PhraseSet:
    """Many phrases in categories, matched word by word on stems (or exactly with `~`)."""

    def __init__(self, phrases: dict[str, list[str]]) -> None:
        self._by_first: dict[str, list[_Pattern]] = {}
        self._wild_first: list[_Pattern] = []
        self.categories = set(phrases)
        for category, items in phrases.items():
            for phrase in items:
                words = phrase_tokens(str(phrase))
                if not words:
                    continue
                parts = tuple(_part(w) for w in words)
                pattern = _Pattern(category, str(phrase), parts)
                key, exact = parts[0]
                if key == "*":
                    self._wild_first.append(pattern)
                else:
                    self._by_first.setdefault(key, []).append(pattern)
        # Longest phrases first, so a match prefers "do not worry" over "worry".
        for bucket in self._by_first.values():
            bucket.sort(key=lambda p: -len(p.parts))

    def find(self, analysis: Analysis, categories: set[str] | frozenset[str] | None = None, first: int = 0, last: int | None = None) -> list[Match]:
        tokens = analysis.tokens
        stop = len(tokens) if last is None else last
        found: list[Match] = []
        for index in range(first, stop):
            token = tokens[index]
            if not token.word:
                continue
            candidates = self._by_first.get(token.stem, ())
            if token.text != token.stem:
                candidates = (*candidates, *self._by_first.get(token.text, ()))
            for pattern in candidates:
                if categories is not None and pattern.category not in categories:
                    continue
                end = _match_at(tokens, index, pattern.parts, stop)
                if end is not None:
                    found.append(
                        Match(pattern.category, pattern.phrase, index, end, token.start, tokens[end - 1].end, token.negated)
                    )
        return found

    def find_longest(self, analysis: Analysis, categories: set[str] | frozenset[str] | None = None) -> list[Match]:
        """Matches with any match inside a longer one dropped ("it is not your fault" over "your fault")."""
        return _longest(self.find(analysis, categories))

    def has(self, category: str) -> bool:
        return category in self.categories


def _part(word: str) -> tuple[str, bool]:
    if word == "*":
        return ("*", False)
    if word.endswith("~"):
        return (word[:-1], True)
    return (stem(word), False)


def _match_at(tokens: list[Token], index: int, parts: tuple[tuple[str, bool], ...], stop: int) -> int | None:
    position = index
    for key, exact in parts:
        while position < stop and not tokens[position].word and tokens[position].text in '"()':
            position += 1
        if position >= stop or not tokens[position].word:
            return None
        token = tokens[position]
        if key != "*":
            if exact:
                if token.text != key:
                    return None
            elif token.stem != key and token.text != key:
                return None
        position += 1
    return position


def _longest(matches: list[Match]) -> list[Match]:
    ordered = sorted(matches, key=lambda x: (x.first, -(x.last - x.first)))
    kept: list[Match] = []
    covered_until = -1
    for match in ordered:
        if match.first < covered_until:
            continue
        kept.append(match)
        covered_until = match.last
    return kept


@dataclass(frozen=True, slots=True)
class EmotionWord:
    word: str
    family: str
    intensity: int


class EmotionLexicon:
    """Feeling words with their family and intensity, matched like phrases."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.words: dict[str, EmotionWord] = {}
        phrases: dict[str, list[str]] = {}
        for family, entries in lexicon.emotions.items():
            for raw, intensity in entries.items():
                word = raw.lower().replace("~", "")
                entry = EmotionWord(word, family, intensity)
                self.words.setdefault(word, entry)
                phrases.setdefault(word, []).append(raw)
        self._phrases = PhraseSet(phrases)
        self._by_stem: dict[tuple[str, ...], EmotionWord] = {}
        for word, entry in self.words.items():
            self._by_stem.setdefault(tuple(stem(w) for w in phrase_tokens(word)), entry)

    def lookup(self, word: str) -> EmotionWord | None:
        """The lexicon entry for a scenario's emotion word, by exact word or by stem."""
        entry = self.words.get(word.lower())
        if entry is not None:
            return entry
        return self._by_stem.get(tuple(stem(w) for w in phrase_tokens(word)))

    def find(self, analysis: Analysis, first: int = 0, last: int | None = None) -> list[tuple[Match, EmotionWord]]:
        # The longest match wins where two overlap ("worn out" over "worn").
        return [(match, self.words[match.category]) for match in _longest(self._phrases.find(analysis, first=first, last=last))]
