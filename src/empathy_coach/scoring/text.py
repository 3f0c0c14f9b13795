"""One analysis of a piece of text, shared by every rule: tokens with spans, stems, sentences, negation.

Spans always point into the text as the user typed it, so feedback can highlight their own words.
"""

from __future__ import annotations

import re
import unicodedata

from msgspec import Struct

# Beyond this many characters a reply is not analysed further: no reflection is that long,
# and every rule stays bounded in time whatever is pasted.
MAX_ANALYSED_CHARS = 5000

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
                         "\u2033": '"'})
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|[?!.;:,\u2014\u2013\"()]")
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _blank(match: re.Match) -> str:
    return " " * len(match.group())


_PUNCTUATION = frozenset('?!.;:,\u2014\u2013"()')
_STEMS: dict[str, str] = {}
_EXPANSIONS: dict[str, tuple[str, ...]] = {}

_STEMMER = None  # snowballstemmer imports every language (~18 ms): only on the first unknown word

_CONTRACTION_SUFFIXES = {"'re": "are", "'ve": "have", "'ll": "will", "'d": "would", "'m": "am"}
_IRREGULAR = {
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("is", "not"),
    "let's": ("let", "us"),
    "y'all": ("you", "all"),
    "gonna": ("going", "to"),
    "wanna": ("want", "to"),
    "gotta": ("got", "to"),
    "dunno": ("do", "not", "know"),
    # Casual typed spellings students use: the same words a rule or the coder reads.
    "u": ("you",),
    "ur": ("your",),
    "ya": ("you",),
    "youre": ("you", "are"),
    "dont": ("do", "not"),
    "didnt": ("did", "not"),
    "doesnt": ("does", "not"),
    "isnt": ("is", "not"),
    "arent": ("are", "not"),
    "wasnt": ("was", "not"),
    "havent": ("have", "not"),
    "cant": ("can", "not"),
    "shouldnt": ("should", "not"),
    "wouldnt": ("would", "not"),
    "couldnt": ("could", "not"),
    "im": ("i", "am"),
    "ive": ("i", "have"),
    "thats": ("that", "is"),
    "whats": ("what", "is"),
    "theyre": ("they", "are"),
    "pls": ("please",),
    "plz": ("please",),
    "cuz": ("because",),
    "coz": ("because",),
    "bc": ("because",),
    "tho": ("though",),
    "ppl": ("people",),
    "idk": ("i", "do", "not", "know"),
    "abt": ("about",),
    "rly": ("really",),
    "prob": ("probably",),
    "def": ("definitely",),
}
_IS_OWNERS = {"it", "that", "what", "there", "here", "who", "he", "she", "where", "how", "this", "everything", "nothing", "something", "someone", "nobody",
              "everyone", "life", "which", "when", "why"}

NEGATORS = frozenset({"not", "no", "never", "nobody", "nothing", "neither", "nor", "without", "hardly", "barely", "none", "nowhere", "lack", "lacking",
                      "instead"})
_SCOPE_BREAKERS = frozenset({"but", "and", "so", "because", "though", "although", "yet", "while", "rather", "as", ".", ",", ";", ":", "?", "!", "-",
                             "\u2014", "\u2013"})
NEGATION_WINDOW = 3

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between both but by
    can could did do does doing down during each few for from further had has have having he her here hers herself him himself
    his how i if in into is it its itself just let me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves then there these they this
    those through to too under until up us very was we were what when where which while who whom why will with would you your
    yours yourself yourselves really like get got go going know feel feeling felt think thing things way lot also even still
    much many one ever every well yeah okay ok oh um uh mm hmm just kind sort bit quite pretty maybe something anything everything
    sound sounds seem seems said say saying tell telling make makes made want wanted""".split()
)


MAX_CACHED_STEMS = 200_000


def english_stemmer():
    """Snowball's English stemmer, without the package `__init__` that imports all 30 languages.

    The English module is loaded as a submodule of a private alias of the package's folder, so its
    relative imports resolve and a one-shot `score` does not pay about 25 ms for unused languages.
    """
    import importlib
    import importlib.util
    import sys
    import types

    alias = "_empathy_coach_snowball"
    try:
        if alias not in sys.modules:
            spec = importlib.util.find_spec("snowballstemmer")
            if spec is None or not spec.submodule_search_locations:
                raise ImportError("snowballstemmer")
            package = types.ModuleType(alias)
            package.__path__ = list(spec.submodule_search_locations)
            sys.modules[alias] = package
        return importlib.import_module(f"{alias}.english_stemmer").EnglishStemmer()
    except Exception:  # an unusual install layout: the public way always works
        sys.modules.pop(alias, None)
        import snowballstemmer

        return snowballstemmer.stemmer("english")


def stem(word: str) -> str:
    cached = _STEMS.get(word)
    if cached is not None:
        return cached
    global _STEMMER
    if _STEMMER is None:
        _STEMMER = english_stemmer()
    result = _STEMMER.stemWord(word)
    if len(_STEMS) < MAX_CACHED_STEMS:
        _STEMS[word] = result
    return result


def known_stems() -> dict[str, str]:
    return dict(_STEMS)


def preload_stems(stems: dict[str, str]) -> None:
    """Add stems computed earlier (a cache's); a stem already known here is kept. Merged in C, not word by word."""
    _STEMS.update({**stems, **_STEMS})


class Token(Struct):
    text: str  # normalised form of this word (after contraction expansion)
    stem: str
    start: int  # span in the original text
    end: int
    sentence: int
    word: bool  # False for punctuation
    negated: bool = False


class Sentence(Struct):
    index: int
    start: int
    end: int
    first: int  # index of its first token
    last: int  # index one past its last token
    terminal: str  # '.', '?', '!' or '' at the end of the text


class Analysis:
    """Normalised text of one reply (or client statement) and everything derived from it."""

    __slots__ = ("original", "normalised", "tokens", "sentences", "truncated", "_stems", "_content", "memo")

    def __init__(self, text: str) -> None:
        self.original = text
        self.truncated = len(text) > MAX_ANALYSED_CHARS
        # Terminal escape sequences and control characters become spaces of the same length,
        # so they never glue onto words and every span still points at what was typed.
        body = _CONTROL.sub(_blank, text[:MAX_ANALYSED_CHARS])
        normalised, offsets = _normalise(body)
        self.normalised = normalised
        self.tokens: list[Token] = []
        self.sentences: list[Sentence] = []
        self._stems: frozenset[str] | None = None
        self._content: frozenset[str] | None = None
        self.memo: dict = {}  # per-text results shared by rules (lexicon matches)
        self._tokenise(normalised, offsets)

    def _tokenise(self, normalised: str, offsets: list[int] | None) -> None:
        tokens = self.tokens
        sentence = 0
        sentence_first = 0
        sentence_start: int | None = None

        def close(terminal: str, end: int) -> None:
            nonlocal sentence, sentence_first, sentence_start
            if len(tokens) > sentence_first and sentence_start is not None:
                self.sentences.append(Sentence(sentence, sentence_start or 0, end, sentence_first, len(tokens), terminal))
                sentence += 1
            sentence_first = len(tokens)
            sentence_start = None

        has_newline = "\n" in normalised
        last_end = 0
        stems = _STEMS
        append = tokens.append
        for match in _TOKEN.finditer(normalised):
            raw = match.group()
            start, end = match.span()
            if has_newline:
                if tokens and tokens[-1].word and "\n" in normalised[last_end:start]:
                    close("", tokens[-1].end)  # a line break ends a sentence the writer left unpunctuated
                last_end = end
            if offsets is not None:
                start, end = offsets[start], offsets[end - 1] + 1
            if raw[0] in _PUNCTUATION:
                append(Token(raw, raw, start, end, sentence, False))
                if raw in "?!" or (raw == "." and not (len(tokens) > 1 and tokens[-2].text.isdigit())):
                    close(raw, end)
                continue
            if sentence_start is None:
                sentence_start = start
            for part in _EXPANSIONS.get(raw) or _expand(raw):
                root = stems.get(part)
                if root is None:
                    root = stem(part)
                append(Token(part, root, start, end, sentence, True))
        if tokens:
            close("", tokens[-1].end)
        _mark_negation(tokens)

    # ------------------------------------------------------------ derived views

    @property
    def words(self) -> list[Token]:
        return [t for t in self.tokens if t.word]

    def word_count(self) -> int:
        # Contractions expand into two tokens that share a span; a person counts one word.
        seen = set()
        for t in self.tokens:
            if t.word:
                seen.add(t.start)
        return len(seen)

    def stems(self) -> frozenset[str]:
        if self._stems is None:
            self._stems = frozenset(t.stem for t in self.tokens if t.word)
        return self._stems

    def content_stems(self) -> frozenset[str]:
        if self._content is None:
            self._content = frozenset(t.stem for t in self.tokens if t.word and t.text not in STOPWORDS and len(t.text) > 2)
        return self._content

    def sentence_tokens(self, sentence: Sentence) -> list[Token]:
        return self.tokens[sentence.first : sentence.last]

    def sentence_words(self, sentence: Sentence) -> list[Token]:
        return [t for t in self.tokens[sentence.first : sentence.last] if t.word]

    def sentence_text(self, sentence: Sentence) -> str:
        return self.original[sentence.start : sentence.end]

    def is_empty(self) -> bool:
        return not any(t.word for t in self.tokens)


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """Lower-cased NFKC text with straight quotes, and where each character came from."""
    if text.isascii():
        return text.translate(_QUOTES).lower(), None
    pieces: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        norm = unicodedata.normalize("NFKC", char).translate(_QUOTES).lower()
        pieces.append(norm)
        offsets.extend([index] * len(norm))
    return "".join(pieces), offsets


def _expand(word: str) -> tuple[str, ...]:
    parts = _expand_uncached(word)
    if len(_EXPANSIONS) < 100_000:
        _EXPANSIONS[word] = parts
    return parts


def _expand_uncached(word: str) -> tuple[str, ...]:
    if "'" not in word:
        return _IRREGULAR.get(word, (word,))
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("n't"):
        base = word[:-3]
        return ({"ca": "can", "wo": "will", "sha": "shall"}.get(base, base), "not")
    for suffix, full in _CONTRACTION_SUFFIXES.items():
        if word.endswith(suffix):
            return (word[: -len(suffix)], full)
    if word.endswith("'s"):
        base = word[:-2]
        return (base, "is") if base in _IS_OWNERS else (base,)
    return (word.replace("'", ""),)


def _mark_negation(tokens: list[Token]) -> None:
    remaining = 0
    for index, token in enumerate(tokens):
        if token.text in _SCOPE_BREAKERS:
            remaining = 0
            continue
        if token.word and token.text in NEGATORS:
            # "instead of angry" sets a feeling aside; "instead you feel empty" names one.
            if token.text == "instead" and not (index + 1 < len(tokens) and tokens[index + 1].text == "of"):
                continue
            remaining = NEGATION_WINDOW
            continue
        if remaining and token.word:
            token.negated = True
            remaining -= 1


def client_used(reply: Analysis, first: int, last: int, client: Analysis | None) -> bool:
    """Whether the client used every content word of tokens [first, last) of the reply: their words
    given back, not the counsellor's."""
    if client is None:
        return False
    words = [t for t in reply.tokens[first:last] if t.word and t.text not in STOPWORDS]
    stems = client.stems()
    return bool(words) and all(t.stem in stems for t in words)


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """A lexicon or rubric phrase as the normalised words a reply is matched against."""
    normalised, _ = _normalise(phrase)
    out: list[str] = []
    for match in re.finditer(r"[a-z0-9]+(?:'[a-z]+)*~?|\*", normalised):
        raw = match.group()
        if raw == "*" or raw.endswith("~"):
            out.append(raw)
        else:
            out.extend(_expand(raw))
    return tuple(out)
