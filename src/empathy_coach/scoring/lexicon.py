"""Lexicons compiled for fast matching: phrases indexed by their first stem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msgspec import Struct

from empathy_coach.banks.models import Lexicon
from empathy_coach.scoring.text import Analysis, phrase_tokens, stem


class Match(Struct, frozen=True):
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
# A cached table's first words' branches are decoded in groups of this many (see PhraseSet.to_builtins).
BRANCHES_PER_GROUP = 16


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
        self._groups: list = []  # a cached table's branches, by group (see to_builtins)
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

    def to_builtins(self, defer: Callable[[Any], Any] | None = None) -> dict:
        """The trie as plain data. With `defer` (a cache's), the first words' branches are kept apart in
        small groups (`root` maps each first word to its group's index), so that loading the table
        does not decode the branches a text never reaches."""
        root = {key: self._branch(key) for key in self._root}
        categories = sorted(self.categories)
        if defer is None:
            return {"root": root, "categories": categories}
        keys = list(root)
        groups = [keys[i : i + BRANCHES_PER_GROUP] for i in range(0, len(keys), BRANCHES_PER_GROUP)]
        return {
            "root": {key: index // BRANCHES_PER_GROUP for index, key in enumerate(keys)},
            "groups": [defer({key: root[key] for key in group}) for group in groups],
            "categories": categories,
        }

    @classmethod
    def from_builtins(cls, data: dict) -> PhraseSet:
        """What `to_builtins` made; with groups, each comes as a callable that returns it (decoded on first use)."""
        self = cls.__new__(cls)
        self._firsts = None
        self._root = data["root"]
        self._groups = list(data.get("groups", ()))
        self.categories = set(data["categories"])
        return self

    def _branch(self, key: str) -> dict | None:
        branch = self._root.get(key)
        if branch is None or isinstance(branch, dict):
            return branch
        group = self._groups[branch]  # the branch is in a group not read yet
        if not isinstance(group, dict):
            group = self._groups[branch] = group()
        found: dict = group[key]
        self._root[key] = found
        return found

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
        branch = self._branch
        for index in starts:
            token = tokens[index]
            stack = []
            for key in keys[index] or ():  # the first word: the root's branches, decoded as they are reached
                child = branch(key)
                if child is not None:
                    stack.append((child, index + 1))
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


def _read(value: Any) -> Any:
    """A part of a compiled table: given as it is, or as a callable that returns it (a cache's deferred part)."""
    return value if isinstance(value, dict) else value()


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


class EmotionWord(Struct, frozen=True):
    word: str
    family: str
    intensity: int


class EmotionLexicon:
    """Feeling words with their family and intensity, matched like phrases."""

    def __init__(self, lexicon: Lexicon) -> None:
        words: dict[str, EmotionWord] = {}
        phrases: dict[str, list[str]] = {}
        for family, entries in lexicon.emotions.items():
            for raw, intensity in entries.items():
                word = raw.lower().replace("~", "")
                entry = EmotionWord(word, family, intensity)
                words.setdefault(word, entry)
                phrases.setdefault(word, []).append(raw)
        self._words: dict[str, EmotionWord] | None = words
        self._phrases = PhraseSet(phrases)
        by_stem: dict[tuple[str, ...], EmotionWord] = {}
        for word, entry in words.items():
            by_stem.setdefault(tuple(stem(w) for w in phrase_tokens(word)), entry)
        self._by_stem: dict[tuple[str, ...], EmotionWord] | None = by_stem
        self._source: dict = {}

    def to_builtins(self, defer: Callable[[Any], Any] | None = None) -> dict:
        """The words, their phrase trie and stems as plain data; with `defer` (a cache's), each part
        is kept apart and decoded when first read."""
        keep = defer or (lambda value: value)
        return {
            "words": keep({w: [e.family, e.intensity] for w, e in self.words.items()}),
            "phrases": self._phrases.to_builtins(defer),
            "by_stem": keep({"\x1f".join(k): e.word for k, e in self.by_stem.items()}),
        }

    @classmethod
    def from_builtins(cls, data: dict) -> EmotionLexicon:
        """What `to_builtins` made; `words` and `by_stem` may come as callables that return them."""
        self = cls.__new__(cls)
        self._words = self._by_stem = None
        self._source = data
        self._phrases = PhraseSet.from_builtins(data["phrases"])
        return self

    @property
    def words(self) -> dict[str, EmotionWord]:
        """Every feeling word with its family and intensity."""
        if self._words is None:
            data = _read(self._source["words"])
            self._words = {w: EmotionWord(w, family, intensity) for w, (family, intensity) in data.items()}
        return self._words

    @property
    def by_stem(self) -> dict[tuple[str, ...], EmotionWord]:
        if self._by_stem is None:
            words = self.words
            self._by_stem = {tuple(k.split("\x1f")): words[w] for k, w in _read(self._source["by_stem"]).items()}
        return self._by_stem

    def lookup(self, word: str) -> EmotionWord | None:
        """The lexicon entry for a scenario's emotion word, by exact word or by stem."""
        entry = self.words.get(word.lower())
        if entry is not None:
            return entry
        return self.by_stem.get(tuple(stem(w) for w in phrase_tokens(word)))

    def find(self, analysis: Analysis, first: int = 0, last: int | None = None) -> list[tuple[Match, EmotionWord]]:
        # The longest match wins where two overlap ("worn out" over "worn").
        return [(match, self.words[match.category]) for match in _longest(self._phrases.find(analysis, first=first, last=last))]
