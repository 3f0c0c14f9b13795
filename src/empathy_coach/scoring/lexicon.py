"""Lexicons compiled for fast matching: phrases indexed by their first stem."""

from __future__ import annotations

from dataclasses import dataclass

from empathy_coach.banks.models import Lexicon
from empathy_coach.scoring.text import Analysis, phrase_tokens, stem


@dataclass(frozen=True, slots=True)
class Match:
    category: str
    phrase: str
    first: int  # token indexes, end exclusive
    last: int
    start: int  # character span in the original text
    end: int
    negated: bool


_END = "\x00end"
_WILD = "\x00*"


_KEYS = "\x00keys"


def _token_keys(analysis: Analysis) -> list[tuple[str, ...] | None]:
    """For each token, the trie keys it can take (stem, text, exact text, any word); None for punctuation.

    Computed once per text and shared by every phrase set that scans it.
    """
    keys = analysis.memo.get(_KEYS)
    if keys is None:
        keys = analysis.memo[_KEYS] = [
            None if not t.word
            else (t.stem, "=" + t.text, _WILD) if t.text == t.stem
            else (t.stem, t.text, "=" + t.text, _WILD)
            for t in analysis.tokens
        ]
    return keys


class PhraseSet:
    """Many phrases in categories, matched word by word on stems (or exactly with `~`).

    Phrases are compiled into a trie keyed by stem (`~` words by exact text, `*` by any word),
    so matching costs one walk per token whatever the number of phrases. All matches of a
    text are computed once and kept on its Analysis; callers filter by category and range.
    """

    def __init__(self, phrases: dict[str, list[str]]) -> None:
        self._firsts: frozenset[str] | None = None  # the keys a phrase can start with
        self._root: dict = {}
        self.categories = set(phrases)
        for category, items in phrases.items():
            for phrase in items:
                words = phrase_tokens(str(phrase))
                if not words:
                    continue
                node = self._root
                for word in words:
                    if word == "*":
                        key = _WILD
                    elif word.endswith("~"):
                        key = "=" + word[:-1]
                    else:
                        key = stem(word)
                    node = node.setdefault(key, {})
                node.setdefault(_END, []).append((category, str(phrase)))

    def to_builtins(self) -> dict:
        return {"root": self._root, "categories": sorted(self.categories)}

    @classmethod
    def from_builtins(cls, data: dict) -> PhraseSet:
        self = cls.__new__(cls)
        self._firsts = None
        self._root = data["root"]
        self.categories = set(data["categories"])
        return self

    def all_matches(self, analysis: Analysis) -> list[Match]:
        memo = analysis.memo
        found = memo.get(id(self))
        if found is None:
            found = memo[id(self)] = self._scan(analysis)
        return found

    def _scan(self, analysis: Analysis) -> list[Match]:
        tokens = analysis.tokens
        keys = _token_keys(analysis)
        root = self._root
        found: list[Match] = []
        count = len(tokens)
        firsts = self._firsts
        if firsts is None:
            firsts = self._firsts = frozenset(root)
        starts = [i for i, options in enumerate(keys) if options is not None and not firsts.isdisjoint(options)]
        for index in starts:
            token = tokens[index]
            stack = [(root, index)]
            while stack:
                node, position = stack.pop()
                if position > index:
                    ends = node.get(_END)
                    if ends:
                        last = tokens[position - 1]
                        for category, phrase in ends:
                            found.append(Match(category, phrase, index, position, token.start, last.end, token.negated))
                while position < count and keys[position] is None and tokens[position].text in '"()':
                    position += 1
                entry = keys[position] if position < count else None
                if entry is None:
                    continue
                for key in entry:
                    child = node.get(key)
                    if child is not None:
                        stack.append((child, position + 1))
        return found

    def find(self, analysis: Analysis, categories: set[str] | frozenset[str] | None = None, first: int = 0, last: int | None = None) -> list[Match]:
        matches = self.all_matches(analysis)
        if categories is None and first == 0 and last is None:
            return list(matches)
        stop = len(analysis.tokens) if last is None else last
        return [
            x for x in matches
            if (categories is None or x.category in categories) and first <= x.first and x.last <= stop
        ]

    def find_longest(self, analysis: Analysis, categories: set[str] | frozenset[str] | None = None) -> list[Match]:
        """Matches with any match inside a longer one dropped ("it is not your fault" over "your fault")."""
        return _longest(self.find(analysis, categories))

    def has(self, category: str) -> bool:
        return category in self.categories


def longest(matches: list[Match]) -> list[Match]:
    """Matches with any match inside a longer one dropped."""
    return _longest(matches)


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

    def to_builtins(self) -> dict:
        return {
            "words": {w: [e.family, e.intensity] for w, e in self.words.items()},
            "phrases": self._phrases.to_builtins(),
            "by_stem": {"\x1f".join(k): e.word for k, e in self._by_stem.items()},
        }

    @classmethod
    def from_builtins(cls, data: dict) -> EmotionLexicon:
        self = cls.__new__(cls)
        self.words = {w: EmotionWord(w, family, intensity) for w, (family, intensity) in data["words"].items()}
        self._phrases = PhraseSet.from_builtins(data["phrases"])
        self._by_stem = {tuple(k.split("\x1f")): self.words[w] for k, w in data["by_stem"].items()}
        return self

    def lookup(self, word: str) -> EmotionWord | None:
        """The lexicon entry for a scenario's emotion word, by exact word or by stem."""
        entry = self.words.get(word.lower())
        if entry is not None:
            return entry
        return self._by_stem.get(tuple(stem(w) for w in phrase_tokens(word)))

    def find(self, analysis: Analysis, first: int = 0, last: int | None = None) -> list[tuple[Match, EmotionWord]]:
        # The longest match wins where two overlap ("worn out" over "worn").
        return [(match, self.words[match.category]) for match in _longest(self._phrases.find(analysis, first=first, last=last))]
