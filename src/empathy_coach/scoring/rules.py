"""The scorer's side of every rule kind's evaluation: the `Context` of one reply.

Each kind's evaluator (`evaluate(rule, ctx)` in its module in `empathy_coach.banks.kinds`) reads the
reply through `banks.kinds.context.ReplyContext`, a Protocol; `Context` is its implementation, with
the text primitives, lexicons and coder the kinds may not import (they sit below the scorer). The
helpers here are those several kinds use through it: content coverage with related words, welcome
questions. `Outcome` lives with the Protocol and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from msgspec import Struct, field

from empathy_coach.banks import models as m
from empathy_coach.banks.kinds.context import Outcome as Outcome
from empathy_coach.banks.kinds.context import match_spans
from empathy_coach.scoring.coder.model import QUESTIONS, REFLECTIONS, Act, Coding, primary_act
from empathy_coach.scoring.lexicon import EmotionLexicon, PhraseSet
from empathy_coach.scoring.tables import Lexicons
from empathy_coach.scoring.text import STOPWORDS, Analysis, phrase_tokens, stem


class Context(Struct):
    """One reply as every rule sees it (implements banks.kinds.context.ReplyContext)."""

    reply: Analysis
    client: Analysis | None
    turn: m.Turn | None
    tags: tuple[str, ...]
    coding: Coding
    lexicons: Lexicons  # every lexicon of the rubric, by id and role
    roadblocks: list[tuple[str, int, int]]  # (kind, start, end)
    results: dict[str, Outcome] = field(default_factory=dict)
    compiled: dict[str, Any] = field(default_factory=dict)  # each kind's per-scorer cache, by kind
    related: dict[str, RelatedWords] = field(default_factory=dict)  # related-words tables by lexicon id

    def span_text(self, start: int, end: int) -> str:
        return self.reply.original[start:end]

    def markers(self, rule: m.RuleBase) -> PhraseSet:
        """The cue phrases of the markers lexicon the rule names (`lexicon:`)."""
        return self.lexicons.phrase_set(getattr(rule, "lexicon", "markers"), "markers")

    def feelings(self, rule: m.RuleBase) -> EmotionLexicon:
        """The feeling words of the emotions lexicon the rule names (`lexicon:`)."""
        return self.lexicons.feeling_words(getattr(rule, "lexicon", "emotions"))

    @property
    def stopwords(self) -> frozenset[str]:
        return STOPWORDS

    def stem(self, word: str) -> str:
        return stem(word)

    def words(self, phrase: str) -> tuple[str, ...]:
        return phrase_tokens(phrase)

    def phrases(self, items: list[str]) -> PhraseSet:
        return PhraseSet({"phrases": list(items)})

    def primary(self, acts: Sequence[Any]) -> str:
        return primary_act(list(acts)).code

    def covering_spans(self, point: m.ContentPoint, related: str | None = None) -> list[tuple[int, int]]:
        """The spans of the reply that carry a content point (`related`: the id of a related-words lexicon)."""
        table = self.related.get(related) if related else None
        return covering_spans(point, self.reply, self.compiled.setdefault("content", {}), table)

    def welcome_questions(self, phrases: list[str]) -> list[Act]:
        return welcome_questions(phrases, self)



def _stem_spans(reply: Analysis) -> dict[str, list[tuple[int, int]]]:
    """Each word stem of a text with the spans where it stands, computed once per text."""
    index = reply.memo.get("stem spans")
    if index is None:
        index = reply.memo["stem spans"] = {}
        for t in reply.tokens:
            if t.word:
                index.setdefault(t.stem, []).append((t.start, t.end))
    return index


def covering_spans(point: m.ContentPoint, reply: Analysis, cache: dict, related: RelatedWords | None = None) -> list[tuple[int, int]]:
    """The spans of the reply that carry a content point: its synonyms, or at least half of its content
    words, each given back by its stem or by a word related in meaning (job ~ work, mum ~ mother)."""
    key = (point.text, tuple(point.synonyms), id(related))
    compiled = cache.get(key)
    if compiled is None:
        synonym_set = PhraseSet({"syn": list(point.synonyms)}) if point.synonyms else None
        content = list(dict.fromkeys(stem(w) for w in phrase_tokens(point.text) if w not in STOPWORDS and len(w) > 2))
        # Each content word with what carries it: single-word stems (its own and its related words'),
        # and related phrases as stem sequences ("worn out").
        words = []
        for s in content:
            singles, multis = related.expand(s) if related is not None else (frozenset((s,)), ())
            words.append((singles, (frozenset(p[0] for p in multis), multis) if multis else ()))
        cache[key] = compiled = (synonym_set, words, max(1, (len(words) + 1) // 2))
    synonym_set, words, needed = compiled
    spans: list[tuple[int, int]] = []
    if synonym_set is not None:
        spans.extend(match_spans(synonym_set.find(reply)))
    if words:
        by_stem = _stem_spans(reply)
        found = 0
        carried: list[tuple[int, int]] = []
        for singles, phrases in words:
            hit = False
            for s in singles.intersection(by_stem):
                carried.extend(by_stem[s])
                hit = True
            if phrases and not phrases[0].isdisjoint(by_stem):  # only when a phrase's first word is there
                for phrase in phrases[1]:
                    for span in _phrase_spans(reply, by_stem, phrase):
                        carried.append(span)
                        hit = True
            found += hit
        if found >= needed:
            spans.extend(carried)
    return sorted(set(spans))


def _phrase_spans(reply: Analysis, by_stem: dict[str, list[tuple[int, int]]], phrase: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where a sequence of stems stands in the reply, word after word (punctuation breaks it)."""
    if phrase[0] not in by_stem or any(s not in by_stem for s in phrase[1:]):
        return []
    tokens = reply.tokens
    found = []
    for i, token in enumerate(tokens):
        if token.word and token.stem == phrase[0] and i + len(phrase) <= len(tokens):
            run = tokens[i : i + len(phrase)]
            if all(t.word and t.stem == s for t, s in zip(run, phrase, strict=False)):
                found.append((run[0].start, run[-1].end))
    return found


class RelatedWords:
    """Groups of words related in meaning, from a lexicon's `phrases` (one group per key).

    A word belongs to the groups that list it as a single word; what carries it in a reply is
    any member of those groups, a single word (matched by stem) or a phrase (stem after stem).
    """

    def __init__(self, groups: dict[str, tuple[frozenset[str], tuple[tuple[str, ...], ...]]], by_stem: dict[str, frozenset[str]]) -> None:
        self._groups = groups
        self._by_stem = by_stem
        self._expanded: dict[str, tuple[frozenset[str], tuple[tuple[str, ...], ...]]] = {}

    @classmethod
    def compile(cls, phrases: dict[str, list[str]]) -> RelatedWords:
        groups: dict[str, tuple[frozenset[str], tuple[tuple[str, ...], ...]]] = {}
        by_stem: dict[str, set[str]] = {}
        for group, words in phrases.items():
            singles: set[str] = set()
            multis: list[tuple[str, ...]] = []
            for word in words:
                stems = tuple(stem(w) for w in phrase_tokens(str(word).replace("~", "")))
                if len(stems) == 1:
                    singles.add(stems[0])
                    by_stem.setdefault(stems[0], set()).add(group)
                elif stems:
                    multis.append(stems)
            groups[group] = (frozenset(singles), tuple(multis))
        return cls(groups, {k: frozenset(v) for k, v in by_stem.items()})

    def groups_of(self, word_stem: str) -> frozenset[str]:
        return self._by_stem.get(word_stem, frozenset())

    def expand(self, word_stem: str) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
        """The single-word stems and the phrases that carry a word: itself and its groups' members."""
        found = self._expanded.get(word_stem)
        if found is None:
            singles = {word_stem}
            multis: list[tuple[str, ...]] = []
            for group in sorted(self.groups_of(word_stem)):
                s, mw = self._groups[group]
                singles |= s
                multis.extend(p for p in mw if p not in multis)
            found = self._expanded[word_stem] = (frozenset(singles), tuple(multis))
        return found

    def carried_by(self, reply: Analysis, word_stem: str) -> list[tuple[int, int]]:
        """The spans of a reply that carry a word (for tests and explanations)."""
        singles, multis = self.expand(word_stem)
        by_stem = _stem_spans(reply)
        spans = [sp for s in singles.intersection(by_stem) for sp in by_stem[s]]
        for phrase in multis:
            spans.extend(_phrase_spans(reply, by_stem, phrase))
        return sorted(set(spans))

    def to_builtins(self) -> dict:
        return {"groups": {g: [sorted(s), [list(p) for p in mw]] for g, (s, mw) in self._groups.items()},
                "by_stem": {k: sorted(v) for k, v in self._by_stem.items()}}

    @classmethod
    def from_builtins(cls, data: dict) -> RelatedWords:
        groups = {g: (frozenset(s), tuple(tuple(p) for p in mw)) for g, (s, mw) in data["groups"].items()}
        return cls(groups, {k: frozenset(v) for k, v in data["by_stem"].items()})


_NEGATIONS = frozenset({"not", "no", "never", "nothing"})


def welcome_questions(phrases: list[str], ctx: Context) -> list[Act]:
    """Question acts that name one of `phrases` after a reflection: the direct, caring question a safety
    rubric wants ("..., I wonder if you're having thoughts of ending your life?"). A negation leading to
    the words makes it a leading question that invites "no" ("You're not thinking of ending it, are you?")."""
    if not phrases:
        return []
    key = "welcome:" + "\x1f".join(phrases)
    phrase_set = ctx.compiled.get(key)
    if phrase_set is None:
        phrase_set = ctx.compiled[key] = PhraseSet({"welcome": list(phrases)})
    matches = phrase_set.find(ctx.reply)
    tokens = ctx.reply.tokens
    welcome = []
    seen_reflection = False
    for act in ctx.coding.acts:
        if act.code in REFLECTIONS:
            seen_reflection = True
        if act.code not in QUESTIONS or not seen_reflection:
            continue
        opening = next((t.text for t in tokens if t.word and t.start >= act.start), "")
        if opening == "why":
            continue  # 'Why would you want to end your life?' asks for a justification: it interrogates
        for match in matches:
            if act.start <= match.start < act.end:
                leading = [t.text for t in tokens[: match.first] if t.word and t.start >= act.start]
                if not match.negated and not _NEGATIONS.intersection(leading):
                    welcome.append(act)
                    break
    return welcome
