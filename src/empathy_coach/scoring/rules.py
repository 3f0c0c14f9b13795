"""Rule kinds: one small evaluator per kind, registered in one table.

Each evaluator takes the rule (its parameters) and the shared `Context` and returns an
`Outcome`: the fraction of the rule's points earned (0..1), whether it passed, the evidence
spans, and the values its message template may use. An evaluator returns None when the rule
does not apply (a `nonverbal` rule on a turn without a cue).
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from empathy_coach.banks import models as m
from empathy_coach.scoring.coder.model import QUESTIONS, REFLECTIONS, Coding, primary_act
from empathy_coach.scoring.lexicon import EmotionLexicon, EmotionWord, Match, PhraseSet
from empathy_coach.scoring.text import STOPWORDS, Analysis, phrase_tokens, stem

REGEX_WINDOW = 500  # characters of each sentence an instructor's regex may scan
REGEX_TIME_LIMIT = 0.08  # seconds one rule's patterns may take on one reply (the promise is 100 ms)


class RegexTimeout(Exception):
    """A rule's patterns ran past REGEX_TIME_LIMIT on one reply."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after `seconds` (Python's regex engine checks for signals while it
    matches). Where there is no interval timer, or off the main thread, the load-time screen
    (banks.regex) and the deadline checked between sentences are the bound."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise RegexTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Context:
    reply: Analysis
    client: Analysis | None
    turn: m.Turn | None
    tags: tuple[str, ...]
    coding: Coding
    markers: PhraseSet
    roadblock_phrases: PhraseSet
    emotions: EmotionLexicon | None
    roadblocks: list[tuple[str, int, int]]  # (kind, start, end)
    results: dict[str, "Outcome"] = field(default_factory=dict)
    compiled: dict[str, object] = field(default_factory=dict)
    related: dict[str, "RelatedWords"] = field(default_factory=dict)  # related-words tables by lexicon id

    def span_text(self, start: int, end: int) -> str:
        return self.reply.original[start:end]


@dataclass
class Outcome:
    fraction: float
    passed: bool
    spans: list[tuple[int, int]] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    detail: str = ""  # what the rule saw, shown when it passed


Evaluator = Callable[[m.RuleBase, Context], "Outcome | None"]


def _match_spans(matches: list[Match]) -> list[tuple[int, int]]:
    return sorted({(x.start, x.end) for x in matches})


def _quote(ctx: Context, spans: list[tuple[int, int]], limit: int = 3) -> str:
    return ", ".join(f"'{ctx.span_text(a, b)}'" for a, b in spans[:limit])


# ---------------------------------------------------------------- pattern


def evaluate_pattern(rule: m.PatternRule, ctx: Context) -> Outcome:
    key = f"pattern:{rule.id}"
    compiled = ctx.compiled.get(key)
    if compiled is None:
        phrases = PhraseSet({"p": list(rule.phrases)}) if rule.stem else None
        exact = [tuple(phrase_tokens(p)) for p in rule.phrases] if not rule.stem else []
        regexes = [re.compile(r, re.IGNORECASE) for r in rule.regex]
        compiled = (phrases, exact, regexes)
        ctx.compiled[key] = compiled
    phrases, exact, regexes = compiled  # type: ignore[misc]
    spans: list[tuple[int, int]] = []
    if phrases is not None:
        spans.extend(_match_spans(phrases.find(ctx.reply)))
    for words in exact:
        tokens = ctx.reply.tokens
        for i in range(len(tokens) - len(words) + 1):
            if all(tokens[i + k].word and tokens[i + k].text == w for k, w in enumerate(words)):
                spans.append((tokens[i].start, tokens[i + len(words) - 1].end))
    stopped = False
    if regexes:
        deadline = time.perf_counter() + REGEX_TIME_LIMIT
        try:
            with _time_limit(REGEX_TIME_LIMIT):
                for regex in regexes:
                    for sentence in ctx.reply.sentences:
                        if time.perf_counter() > deadline:
                            raise RegexTimeout
                        window = ctx.reply.original[sentence.start : min(sentence.end, sentence.start + REGEX_WINDOW)]
                        for found in regex.finditer(window):
                            if found.end() > found.start():
                                spans.append((sentence.start + found.start(), sentence.start + found.end()))
        except RegexTimeout:
            stopped = True
    spans = sorted(set(spans))
    present = bool(spans)
    passed = present if rule.mode == "require" else not present
    detail = f"found {_quote(ctx, spans)}" if present else "no match"
    if stopped:
        detail += f" (its patterns were stopped after {REGEX_TIME_LIMIT * 1000:.0f} ms on this reply)"
    return Outcome(1.0 if passed else 0.0, passed, spans, {"found": _quote(ctx, spans)}, detail)


# ---------------------------------------------------------------- feeling


def _target_feelings(ctx: Context) -> list[tuple[str, EmotionWord | None]]:
    if ctx.turn is not None and ctx.turn.emotions:
        lex = ctx.emotions
        return [(word, lex.lookup(word) if lex else None) for word in ctx.turn.emotions]
    if ctx.client is not None and ctx.emotions is not None:
        return [(entry.word, entry) for match, entry in ctx.emotions.find(ctx.client) if not match.negated]
    return []


def evaluate_feeling(rule: m.FeelingRule, ctx: Context) -> Outcome | None:
    targets = _target_feelings(ctx)
    if not targets:
        return None
    target_names = ", ".join(dict.fromkeys(word for word, _ in targets))
    named = ctx.emotions.find(ctx.reply) if ctx.emotions else []
    best = 0.0
    best_spans: list[tuple[int, int]] = []
    wrong: list[tuple[int, int]] = []
    negated: list[tuple[int, int]] = []
    target_stems = {stem(w) for word, _ in targets for w in phrase_tokens(word)}
    for match, entry in named:
        if match.negated:
            negated.append((match.start, match.end))
            continue
        credit = 0.0
        for word, target in targets:
            if entry.word == word.lower() or stem(entry.word) in target_stems and len(phrase_tokens(entry.word)) == 1:
                credit = 1.0
                break
            if target is not None and target.family == entry.family:
                distance = abs(target.intensity - entry.intensity)
                credit = max(credit, 1.0 - (1.0 - rule.family_credit) * distance / 2)
        if credit > 0:
            if credit > best:
                best, best_spans = credit, [(match.start, match.end)]
            elif credit == best:
                best_spans.append((match.start, match.end))
        else:
            wrong.append((match.start, match.end))
    if ctx.turn is None:
        wrong = []  # without a scenario, a feeling the client did not say may be the reflection's insight
    fraction = max(0.0, best - 0.2 * len(wrong)) if best else 0.0
    passed = fraction >= 0.75
    values = {"feeling": target_names, "found": _quote(ctx, best_spans), "wrong": _quote(ctx, wrong)}
    if best_spans:
        detail = f"named {_quote(ctx, best_spans)}"
        if best < 1.0:
            detail += f" (close: the client feels {target_names})"
    else:
        detail = "no feeling of the client's named"
    if wrong:
        detail += f"; {_quote(ctx, wrong)} is not what the client shows"
    if negated and not best_spans:
        detail += f"; {_quote(ctx, negated)} is negated"
    return Outcome(fraction, passed, best_spans + wrong, values, detail)


# ---------------------------------------------------------------- content


def _points_of(ctx: Context) -> list[m.ContentPoint]:
    if ctx.turn is not None and ctx.turn.content:
        return ctx.turn.content_points()
    if ctx.client is None:
        return []
    # Without a scenario, the client's own content words are the points to give back.
    points = ctx.client.memo.get("content points")
    if points is None:
        seen: dict[str, str] = {}
        for token in ctx.client.tokens:
            # Three letters are enough for a word that matters (job, mum, dad, son, pub).
            if token.word and token.text not in STOPWORDS and len(token.text) > 2 and token.stem not in seen:
                seen[token.stem] = token.text
        points = ctx.client.memo["content points"] = [m.ContentPoint(text=word) for word in list(seen.values())[:8]]
    return points


def _stem_spans(reply: Analysis) -> dict[str, list[tuple[int, int]]]:
    """Each word stem of a text with the spans where it stands, computed once per text."""
    index = reply.memo.get("stem spans")
    if index is None:
        index = reply.memo["stem spans"] = {}
        for t in reply.tokens:
            if t.word:
                index.setdefault(t.stem, []).append((t.start, t.end))
    return index


def _covered(point: m.ContentPoint, reply: Analysis, cache: dict, related: RelatedWords | None = None) -> list[tuple[int, int]]:
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
        spans.extend(_match_spans(synonym_set.find(reply)))
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
            if all(t.word and t.stem == s for t, s in zip(run, phrase)):
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


def evaluate_content(rule: m.ContentRule, ctx: Context) -> Outcome | None:
    points = _points_of(ctx)
    if not points:
        return None
    cache = ctx.compiled.setdefault("content", {})
    related = ctx.related.get(rule.related) if rule.related else None
    covered, missing, spans = [], [], []
    for point in points:
        found = _covered(point, ctx.reply, cache, related)  # type: ignore[arg-type]
        (covered if found else missing).append(point.text)
        spans.extend(found)
    coverage = len(covered) / len(points)
    # Partial coverage earns partial points: the share of the points carried, no more.
    fraction = coverage
    passed = coverage >= rule.min_coverage
    values = {"missing": "; ".join(missing), "covered": "; ".join(covered), "coverage": f"{coverage:.0%}"}
    # The points shown are the points stored: the share carried times the rule's weight.
    detail = (f"gives back {len(covered)} of {len(points)} of what the client said, {_points(fraction * rule.weight)} of {_points(rule.weight)} points"
              + (f": {'; '.join(covered)}" if covered else ""))
    return Outcome(fraction, passed, sorted(set(spans)), values, detail)


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


# ---------------------------------------------------------------- statement


_NEGATIONS = frozenset({"not", "no", "never", "nothing"})


def welcome_questions(phrases: list[str], ctx: Context) -> list:
    """Question acts that name one of `phrases` after a reflection: the direct, caring question a safety
    rubric wants ("..., I wonder if you're having thoughts of ending your life?"). A negation leading to
    the words makes it a leading question that invites "no" ("You're not thinking of ending it, are you?")."""
    if not phrases:
        return []
    key = "welcome:" + "\x1f".join(phrases)
    phrase_set = ctx.compiled.get(key)
    if phrase_set is None:
        phrase_set = ctx.compiled[key] = PhraseSet({"welcome": list(phrases)})
    matches = phrase_set.find(ctx.reply)  # type: ignore[attr-defined]
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


def evaluate_statement(rule: m.StatementRule, ctx: Context) -> Outcome:
    acts = ctx.coding.acts
    primary = ctx.coding.behaviour
    welcome = welcome_questions(rule.welcome_questions, ctx)
    if welcome:
        # Judge the reply as the statement it makes before (and around) the welcome question.
        acts = [a for a in acts if a not in welcome]
        primary = primary_act(acts).code
        outcome = _statement(rule, ctx, acts, primary)
        if outcome.passed:
            asked = [(a.start, a.end) for a in welcome]
            outcome.detail = f"a reflection, then a direct question: {_quote(ctx, asked, 1)}"
        return outcome
    return _statement(rule, ctx, acts, primary)


def _statement(rule: m.StatementRule, ctx: Context, acts: list, primary: str) -> Outcome:
    question_acts = [a for a in acts if a.code in QUESTIONS]
    checking = [a for a in acts if a.code in REFLECTIONS and ctx.reply.original[a.start : a.end].rstrip().endswith("?")]
    spans = [(a.start, a.end) for a in question_acts]
    if primary in QUESTIONS or (question_acts and question_acts[-1] is acts[-1]):
        return Outcome(0.0, False, spans, {"question": _quote(ctx, spans, 1), "behaviour": "a question "}, "ends with a question")
    if checking and not rule.allow_checking_question:
        spans = [(a.start, a.end) for a in checking]
        return Outcome(0.0, False, spans, {"question": _quote(ctx, spans, 1)}, "a reflection asked as a question")
    if rule.require_reflection and primary not in REFLECTIONS:
        label = primary.replace("_", " ")
        last = [(acts[-1].start, acts[-1].end)] if acts else []
        return Outcome(0.0, False, last, {"question": "", "behaviour": label}, f"a statement, but {label} rather than a reflection")
    if question_acts:
        return Outcome(0.5, True, spans, {"question": _quote(ctx, spans, 1)}, "a statement, with a question along the way")
    detail = "a statement that checks understanding" if checking else "a statement, not a question"
    return Outcome(1.0, True, [], {}, detail)


# ---------------------------------------------------------------- roadblocks


def evaluate_roadblocks(rule: m.RoadblocksRule, ctx: Context) -> Outcome:
    found = [r for r in ctx.roadblocks if (not rule.only or r[0] in rule.only) and r[0] not in rule.ignore]
    if rule.welcome_questions:
        welcome = welcome_questions(rule.welcome_questions, ctx)
        found = [r for r in found if not (r[0] == "questioning" and any(a.start <= r[1] < a.end for a in welcome))]
    if not found:
        return Outcome(1.0, True, [], {}, "no roadblocks")
    kinds = list(dict.fromkeys(kind for kind, _, _ in found))
    spans = sorted({(a, b) for _, a, b in found})
    values = {"roadblocks": ", ".join(kinds), "found": _quote(ctx, spans)}
    return Outcome(0.0, False, spans, values, f"{', '.join(kinds)}: {_quote(ctx, spans)}")


# ---------------------------------------------------------------- parroting


# Person and "to be" compared as one, in both texts: "I" given back as "you" is still the client's words,
# and so is the client's own "you".
_PERSON = {"i": "\x00p", "me": "\x00p", "you": "\x00p", "my": "\x00pp", "your": "\x00pp", "mine": "\x00pq", "yours": "\x00pq",
           "myself": "\x00ps", "yourself": "\x00ps", "am": "\x00be", "are": "\x00be", "was": "\x00was", "were": "\x00was"}
_CLIENT_PERSON = _REPLY_PERSON = _PERSON


def evaluate_parroting(rule: m.ParrotingRule, ctx: Context) -> Outcome | None:
    """The share of the reply's content words that stand in verbatim runs of `ngram` or more words
    from the client's statement. 'So you're saying your mum died in March and everyone expects you
    to be over it' repeats every content word; 'You still reach for her in the small things' none."""
    if ctx.client is None:
        return None
    n = rule.ngram
    key = ("parroting", n)
    cached = ctx.client.memo.get(key)
    if cached is None:
        # "I" given back as "you" is still the client's words: person and "am/are" are compared as one.
        client_words = [_CLIENT_PERSON.get(t.text, t.text) for t in ctx.client.tokens if t.word]
        grams = {tuple(client_words[i : i + n]) for i in range(len(client_words) - n + 1)}
        client_content = frozenset(t.stem for t in ctx.client.tokens if t.word and t.text not in STOPWORDS and len(t.text) > 2)
        cached = ctx.client.memo[key] = (grams, client_content)
    grams, client_content = cached
    reply_tokens = [t for t in ctx.reply.tokens if t.word]
    content = [t.text not in STOPWORDS and len(t.text) > 2 for t in reply_tokens]
    if len(reply_tokens) < n or not grams or not any(content):
        return Outcome(1.0, True, [], {"overlap": "0%"}, "in the counsellor's own words")
    reply_words = [_REPLY_PERSON.get(t.text, t.text) for t in reply_tokens]
    copied = [False] * len(reply_tokens)
    for i in range(len(reply_tokens) - n + 1):
        if tuple(reply_words[i : i + n]) in grams:
            for k in range(i, i + n):
                copied[k] = True
    copied_words = {t.stem for t, c, w in zip(reply_tokens, copied, content) if c and w}
    share = sum(1 for c, w in zip(copied, content) if c and w) / sum(content)
    client_share = len(copied_words & client_content) / len(client_content) if client_content else 0.0
    spans = _runs(reply_tokens, copied)
    values = {"overlap": f"{share:.0%}", "found": _quote(ctx, spans), "client_share": f"{client_share:.0%}"}
    if share > rule.max_overlap and client_share >= rule.min_client_share:
        return Outcome(0.0, False, spans, values, f"{share:.0%} of the content words repeated word for word ({client_share:.0%} of the client's)")
    return Outcome(1.0, True, [], values, f"{share:.0%} of the content words repeated verbatim")


def _runs(tokens, flags: list[bool]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = None
    for token, flag in zip(tokens, flags):
        if flag and start is None:
            start = token.start
        if flag:
            end = token.end
        if not flag and start is not None:
            spans.append((start, end))
            start = None
    if start is not None:
        spans.append((start, end))
    return spans


# ---------------------------------------------------------------- length


def evaluate_length(rule: m.LengthRule, ctx: Context) -> Outcome:
    words = ctx.reply.word_count()
    values = {"words": str(words)}
    too_short = rule.min_words is not None and words < rule.min_words
    limit = rule.max_words
    if rule.max_ratio is not None and ctx.client is not None:
        relative = int(rule.max_ratio * max(ctx.client.word_count(), 10))
        limit = relative if limit is None else min(limit, relative)
    too_long = limit is not None and words > limit
    values["limit"] = str(limit) if limit is not None else ""
    values["min"] = str(rule.min_words or 0)
    if too_short:
        return Outcome(0.0, False, [], values, f"{words} words: too short")
    if too_long:
        spans = [(ctx.reply.tokens[0].start, len(ctx.reply.original))] if ctx.reply.tokens else []
        return Outcome(0.0, False, spans, values, f"{words} words: longer than {limit}")
    return Outcome(1.0, True, [], values, f"{words} words")


# ---------------------------------------------------------------- focus


_FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})
_SECOND_PERSON = frozenset({"you", "your", "yours", "yourself"})


def evaluate_focus(rule: m.FocusRule, ctx: Context) -> Outcome:
    hits = [x for x in ctx.markers.find(ctx.reply, {"self_focus"})]
    spans = _match_spans(hits)
    first = [t for t in ctx.reply.tokens if t.word and t.text in _FIRST_PERSON]
    second = sum(1 for t in ctx.reply.tokens if t.word and t.text in _SECOND_PERSON)
    reflective_i = {x.first for x in ctx.markers.find(ctx.reply, {"reflective_openers", "nonverbal_markers", "tentative"})}
    plain_first = [t for t in first if ctx.reply.tokens.index(t) not in reflective_i] if first else []
    if not spans and len(plain_first) > max(2, second):
        spans = [(t.start, t.end) for t in plain_first]
    values = {"found": _quote(ctx, spans)}
    if spans:
        return Outcome(0.0, False, spans, values, f"about the counsellor: {_quote(ctx, spans)}")
    return Outcome(1.0, True, [], values, "stays with the client")


# ---------------------------------------------------------------- validation


def evaluate_validation(rule: m.ValidationRule, ctx: Context) -> Outcome:
    dismissing = _match_spans(ctx.markers.find(ctx.reply, {"dismissing"}))
    validating = _match_spans(ctx.markers.find(ctx.reply, {"validation"}))
    values = {"found": _quote(ctx, dismissing or validating)}
    if dismissing:
        return Outcome(0.0, False, dismissing, values, f"dismisses the feeling: {_quote(ctx, dismissing)}")
    if validating:
        return Outcome(1.0, True, validating, values, f"validates: {_quote(ctx, validating)}")
    if rule.require:
        return Outcome(0.0, False, [], values, "does not validate the feeling")
    return Outcome(1.0, True, [], values, "does not dismiss the feeling")


# ---------------------------------------------------------------- double_sided


_TWO_SIDES = frozenset({"two_sides"})


def _two_sided_frame(ctx: Context) -> tuple[int, int] | None:
    """A frame that holds two sides by its structure, with the reply's own words on both sides of it:
    'on one hand... and yet', 'part of you... another part', 'and at the same time', 'but also'."""
    frames = ctx.markers.find(ctx.reply, _TWO_SIDES)
    if not frames:
        return None
    words = [i for i, t in enumerate(ctx.reply.tokens) if t.word and t.text not in STOPWORDS and len(t.text) > 2]
    for frame in frames:
        if any(i < frame.first for i in words) and any(i >= frame.last for i in words):
            return (frame.start, frame.end)
    return None


def evaluate_double_sided(rule: m.DoubleSidedRule, ctx: Context) -> Outcome | None:
    """Both sides of the client's ambivalence in one reply: the turn's two sides given back (by their words
    or words related in meaning), or two sides held by structure ('part of you... and another part')."""
    if ctx.turn is None or len(ctx.turn.sides) < 2:
        return None
    cache = ctx.compiled.setdefault("content", {})
    related = ctx.related.get(rule.related) if rule.related else None
    sides = ctx.turn.side_points()[:2]
    found = [_covered(side, ctx.reply, cache, related) for side in sides]  # type: ignore[arg-type]
    if found[0] and found[1] and (set(found[1]) <= set(found[0]) or set(found[0]) <= set(found[1])):
        # The same words cannot carry both sides ("drinking" is related to "pub", but it says one thing).
        found[1 if set(found[1]) <= set(found[0]) else 0] = []
    spans = sorted({s for f in found for s in f})
    values = {"first": sides[0].text, "second": sides[1].text}
    missing = [side.text for side, f in zip(sides, found) if not f]
    frame = _two_sided_frame(ctx)
    if frame is not None and len(missing) < 2:
        cancels = []
    elif missing:
        values["missing"] = "; ".join(missing)
        if frame is not None:
            return Outcome(0.75, True, [frame], values, f"holds two sides by its structure ('{ctx.span_text(*frame)}'), though neither is the client's")
        return Outcome(0.5 if len(missing) == 1 else 0.0, False, spans, values, "only one side" if len(missing) == 1 else "neither side")
    else:
        first_end = min(f[0][1] for f in found)
        second_start = max(f[0][0] for f in found)
        cancels = [x for x in ctx.markers.find(ctx.reply, {"cancelling_joins"}) if first_end <= x.start <= second_start]
    if cancels:
        span = (cancels[0].start, cancels[0].end)
        values["join"] = ctx.span_text(*span)
        return Outcome(0.6, False, spans + [span], values, f"'{ctx.span_text(*span)}' cancels the first side")
    if frame is not None and missing:
        return Outcome(1.0, True, sorted(set(spans + [frame])), values, f"holds both sides: '{ctx.span_text(*frame)}'")
    return Outcome(1.0, True, sorted(set(spans + ([frame] if frame else []))), values, "holds both sides")


# ---------------------------------------------------------------- nonverbal


def evaluate_nonverbal(rule: m.NonverbalRule, ctx: Context) -> Outcome | None:
    if ctx.turn is None or not ctx.turn.nonverbal:
        return None
    cache = ctx.compiled.setdefault("nonverbal", {})
    cue = cache.get(ctx.turn.nonverbal)
    if cue is None:
        cue = cache[ctx.turn.nonverbal] = {stem(w) for w in phrase_tokens(ctx.turn.nonverbal) if w not in STOPWORDS and len(w) > 2}
    markers = _match_spans(ctx.markers.find(ctx.reply, {"nonverbal_markers"}))
    cue_words = [(t.start, t.end) for t in ctx.reply.tokens if t.word and t.stem in cue]  # type: ignore[operator]
    spans = sorted(set(markers + cue_words))
    values = {"cue": ctx.turn.nonverbal}
    if spans:
        return Outcome(1.0, True, spans, values, f"notices the cue: {_quote(ctx, spans)}")
    return Outcome(0.0, False, [], values, "the non-verbal cue goes unmentioned")


# ---------------------------------------------------------------- compositions


def _children(rule, ctx: Context) -> list[Outcome]:
    return [ctx.results[r] for r in rule.rules if r in ctx.results]


def evaluate_all_of(rule: m.AllOfRule, ctx: Context) -> Outcome | None:
    children = _children(rule, ctx)
    if not children:
        return None
    passed = all(c.passed for c in children)
    fraction = sum(c.fraction for c in children) / len(children)
    spans = sorted({s for c in children for s in c.spans})
    failing = [r for r in rule.rules if r in ctx.results and not ctx.results[r].passed]
    return Outcome(fraction, passed, spans, {"failed": ", ".join(failing)}, "all parts met" if passed else f"not met: {', '.join(failing)}")


def evaluate_any_of(rule: m.AnyOfRule, ctx: Context) -> Outcome | None:
    children = _children(rule, ctx)
    if not children:
        return None
    passed = any(c.passed for c in children)
    fraction = max(c.fraction for c in children)
    spans = sorted({s for c in children if c.passed for s in c.spans})
    met = [r for r in rule.rules if r in ctx.results and ctx.results[r].passed]
    return Outcome(fraction, passed, spans, {"met": ", ".join(met)}, f"met by {', '.join(met)}" if met else "none met")


REGISTRY: dict[str, Evaluator] = {
    "pattern": evaluate_pattern,
    "feeling": evaluate_feeling,
    "content": evaluate_content,
    "statement": evaluate_statement,
    "roadblocks": evaluate_roadblocks,
    "parroting": evaluate_parroting,
    "length": evaluate_length,
    "focus": evaluate_focus,
    "validation": evaluate_validation,
    "double_sided": evaluate_double_sided,
    "nonverbal": evaluate_nonverbal,
    "all_of": evaluate_all_of,
    "any_of": evaluate_any_of,
}
COMPOSITIONS = frozenset({"all_of", "any_of"})
