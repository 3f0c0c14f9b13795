"""What a rule kind's `evaluate(rule, ctx)` reads of one reply, and the `Outcome` it returns.

The kinds sit below the scorer, so they see the reply through `ReplyContext`, a Protocol: the
reply and client statement analysed once (tokens with stems and spans, sentences), the turn, the
behaviour coding, the roadblocks found, the outcomes of the rules already run (for compositions),
the lexicons a rule names, and the text primitives and shared checks several kinds use. The scorer's
`empathy_coach.scoring.rules.Context` is the one implementation; nothing here imports the scorer.

`evaluate` returns an Outcome: the fraction of the rule's points earned (0..1), whether it passed,
the evidence spans, and the values its message template may use; None when the rule does not
apply to this reply (a `nonverbal` rule on a turn without a cue).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from msgspec import Struct, field

if TYPE_CHECKING:
    from empathy_coach.banks.kinds.base import RuleBase
    from empathy_coach.banks.models import ContentPoint, Turn

Span = tuple[int, int]


class Outcome(Struct):
    fraction: float
    passed: bool
    spans: list[Span] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    detail: str = ""  # what the rule saw, shown when it passed


class Token(Protocol):
    """One word (or punctuation mark) of an analysed text; contractions expand to several tokens."""

    @property
    def text(self) -> str: ...  # normalised (lower case, contractions expanded)
    @property
    def stem(self) -> str: ...
    @property
    def start(self) -> int: ...  # character span in the text as typed
    @property
    def end(self) -> int: ...
    @property
    def word(self) -> bool: ...  # False for punctuation


class Sentence(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class Text(Protocol):
    """One analysis of a reply or a client statement, shared by every rule."""

    @property
    def original(self) -> str: ...
    @property
    def tokens(self) -> Sequence[Token]: ...
    @property
    def sentences(self) -> Sequence[Sentence]: ...
    @property
    def memo(self) -> dict[Any, Any]: ...  # per-text results shared by rules

    def word_count(self) -> int: ...


class Match(Protocol):
    """A phrase found in a text: its token range [first, last) and character span."""

    @property
    def first(self) -> int: ...
    @property
    def last(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def negated(self) -> bool: ...


class Phrases(Protocol):
    """Phrases in categories, matched on stems; `text` is one of the context's texts."""

    def find(self, text: Any, categories: set[str] | frozenset[str] | None = None) -> Sequence[Match]: ...


class FeelingWord(Protocol):
    @property
    def word(self) -> str: ...
    @property
    def family(self) -> str: ...
    @property
    def intensity(self) -> int: ...


class Feelings(Protocol):
    """Feeling words with their family and intensity; `text` is one of the context's texts."""

    def lookup(self, word: str) -> FeelingWord | None: ...
    def find(self, text: Any) -> Sequence[tuple[Match, FeelingWord]]: ...


class Act(Protocol):
    """One coded act of the reply (a sentence or part of one): its behaviour code and span."""

    @property
    def code(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class Coding(Protocol):
    @property
    def behaviour(self) -> str: ...  # the primary act's code
    @property
    def acts(self) -> Sequence[Act]: ...


class ReplyContext(Protocol):
    """Everything a kind's evaluation may read of one reply."""

    @property
    def reply(self) -> Text: ...
    @property
    def client(self) -> Text | None: ...
    @property
    def turn(self) -> Turn | None: ...
    @property
    def coding(self) -> Coding: ...
    @property
    def roadblocks(self) -> Sequence[tuple[str, int, int]]: ...  # (roadblock, start, end)
    @property
    def results(self) -> Mapping[str, Outcome]: ...  # the rules run so far, by id (compositions run last)
    @property
    def compiled(self) -> dict[str, Any]: ...  # a per-scorer cache, by a key each kind chooses
    @property
    def stopwords(self) -> frozenset[str]: ...

    def span_text(self, start: int, end: int) -> str: ...
    def stem(self, word: str) -> str: ...
    def words(self, phrase: str) -> tuple[str, ...]:
        """A phrase as the normalised words a reply is matched against."""
        ...
    def phrases(self, items: list[str]) -> Phrases:
        """`items` compiled as one category of phrases (cache it in `compiled`)."""
        ...
    def markers(self, rule: RuleBase) -> Phrases:
        """The cue phrases of the markers lexicon the rule names (`lexicon:`)."""
        ...
    def feelings(self, rule: RuleBase) -> Feelings:
        """The feeling words of the emotions lexicon the rule names (`lexicon:`)."""
        ...
    def primary(self, acts: Sequence[Act]) -> str:
        """The code of the act the client will answer, among `acts`."""
        ...
    def covering_spans(self, point: ContentPoint, related: str | None = None) -> list[Span]:
        """The spans of the reply that carry a content point (by its words, its synonyms, or words
        related in meaning from the `related` lexicon)."""
        ...
    def welcome_questions(self, phrases: list[str]) -> Sequence[Act]:
        """Question acts that name one of `phrases` after a reflection (a caring direct question)."""
        ...


def match_spans(matches: Sequence[Match]) -> list[Span]:
    return sorted({(x.start, x.end) for x in matches})


def quote(ctx: ReplyContext, spans: list[Span], limit: int = 3) -> str:
    return ", ".join(f"'{ctx.span_text(a, b)}'" for a, b in spans[:limit])


def children_outcomes(rule: RuleBase, ctx: ReplyContext) -> list[Outcome]:
    """The outcomes of the rules a composition names, those that applied."""
    return [ctx.results[r] for r in rule.children() if r in ctx.results]
