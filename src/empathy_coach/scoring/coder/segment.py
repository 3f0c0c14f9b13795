"""Segmentation: a reply's sentences, the lead of each (fillers set aside) and its clauses.

The coder codes one act per sentence. A sentence's *lead* is where it starts once fillers such as
"so", "and", "well", "okay" are set aside; its *last clause* is what follows the last comma,
semicolon or dash, where a question can close a statement ("You're tired, what's going on?").
"""

from __future__ import annotations

from msgspec import Struct, field

from empathy_coach.scoring.lexicon import Match, longest
from empathy_coach.scoring.tables import FEELINGS
from empathy_coach.scoring.text import Analysis, Sentence, Token

# Punctuation that closes a clause inside a sentence.
_CLAUSE_BREAKS = frozenset({",", ";", ":", "\u2014", "\u2013", "("})


class Segment(Struct):
    """One sentence of a reply, with everything a feature reads about it."""

    reply: Analysis
    sentence: Sentence
    client: Analysis | None
    words: list[Token]  # word tokens of the sentence
    lead: int  # index into `words` where the sentence starts once leading fillers are set aside
    last_clause: int  # index into `words` where its last clause starts
    cues: dict[str, list[Match]] = field(default_factory=dict)  # cue category -> matches inside the sentence
    feelings: list[Match] = field(default_factory=list)  # feeling words (emotions lexicon), inside the sentence
    index: int = 0  # position of the sentence in the reply
    count: int = 1  # sentences in the reply

    @property
    def texts(self) -> list[str]:
        return [t.text for t in self.words]

    @property
    def terminal(self) -> str:
        return self.sentence.terminal

    def word_at(self, i: int) -> str:
        return self.words[i].text if 0 <= i < len(self.words) else ""

    def cue(self, category: str) -> list[Match]:
        return self.cues.get(category, [])

    def cue_at(self, category: str, word_index: int) -> Match | None:
        """A cue of `category` that starts at the given word of the sentence."""
        if not 0 <= word_index < len(self.words):
            return None
        token = self.words[word_index]
        for match in self.cues.get(category, ()):
            if match.start == token.start:
                return match
        return None

    def cue_at_token(self, category: str, token_index: int) -> bool:
        """Whether a cue of `category` starts at the given token of the reply (a neighbour of a match)."""
        if not 0 <= token_index < len(self.reply.tokens):
            return False
        return any(m.first == token_index for m in self.cues.get(category, ()))

    def span(self, first_word: int = 0, last_word: int | None = None) -> tuple[int, int]:
        """Character span of words [first_word, last_word) of the sentence."""
        if not self.words:
            return (self.sentence.start, self.sentence.end)
        last = len(self.words) if last_word is None else max(first_word + 1, last_word)
        first = min(first_word, len(self.words) - 1)
        return (self.words[first].start, self.words[min(last, len(self.words)) - 1].end)


def segments(reply: Analysis, client: Analysis | None, cue_matches: list[Match], lead_fillers: frozenset[str]) -> list[Segment]:
    """Cut a reply into sentence segments and hand each the cue matches inside it (feeling words among them)."""
    out: list[Segment] = []
    count = len(reply.sentences)
    by_sentence: dict[int, dict[str, list[Match]]] = {}
    tokens = reply.tokens
    for match in cue_matches:
        by_sentence.setdefault(tokens[match.first].sentence, {}).setdefault(match.category, []).append(match)
    for sentence in reply.sentences:
        words = reply.sentence_words(sentence)
        lead = 0
        while lead < len(words) - 1 and words[lead].text in lead_fillers:
            lead += 1
        cues = by_sentence.get(sentence.index, {})
        out.append(Segment(reply, sentence, client, words, lead, _last_clause(reply, sentence, words),
                           cues, longest(cues.get(FEELINGS, [])), sentence.index, count))
    return out


def _last_clause(reply: Analysis, sentence: Sentence, words: list[Token]) -> int:
    """Index into `words` of the first word after the last clause break (0 when there is none)."""
    last_break = -1
    for token in reply.tokens[sentence.first : sentence.last]:
        if not token.word and token.text in _CLAUSE_BREAKS:
            last_break = token.start
    if last_break < 0:
        return 0
    for i, token in enumerate(words):
        if token.start > last_break:
            return i
    return 0
