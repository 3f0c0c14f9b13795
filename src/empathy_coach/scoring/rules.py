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
from empathy_coach.scoring.behaviour import QUESTIONS, REFLECTIONS, Coding, primary_act
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
            if token.word and token.text not in STOPWORDS and len(token.text) > 3 and token.stem not in seen:
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


def _covered(point: m.ContentPoint, reply: Analysis, cache: dict) -> list[tuple[int, int]]:
    key = (point.text, tuple(point.synonyms))
    phrases = cache.get(key)
    if phrases is None:
        phrases = PhraseSet({"syn": list(point.synonyms)}) if point.synonyms else None
        content = [stem(w) for w in phrase_tokens(point.text) if w not in STOPWORDS and len(w) > 2]
        cache[key] = phrases = (phrases, content)
    synonym_set, content = phrases
    spans: list[tuple[int, int]] = []
    if synonym_set is not None:
        spans.extend(_match_spans(synonym_set.find(reply)))
    if content:
        by_stem = _stem_spans(reply)
        matched = [s for s in set(content) if s in by_stem]
        if len(matched) >= max(1, (len(content) + 1) // 2):
            for s in matched:
                spans.extend(by_stem[s])
    return sorted(set(spans))


def evaluate_content(rule: m.ContentRule, ctx: Context) -> Outcome | None:
    points = _points_of(ctx)
    if not points:
        return None
    cache = ctx.compiled.setdefault("content", {})
    covered, missing, spans = [], [], []
    for point in points:
        found = _covered(point, ctx.reply, cache)  # type: ignore[arg-type]
        (covered if found else missing).append(point.text)
        spans.extend(found)
    coverage = len(covered) / len(points)
    target = max(rule.min_coverage, 1e-9)
    fraction = min(1.0, coverage / target)
    passed = coverage >= rule.min_coverage
    values = {"missing": "; ".join(missing), "covered": "; ".join(covered), "coverage": f"{coverage:.0%}"}
    detail = f"carries {len(covered)} of {len(points)} points" + (f": {'; '.join(covered)}" if covered else "")
    return Outcome(fraction, passed, sorted(set(spans)), values, detail)


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


def evaluate_parroting(rule: m.ParrotingRule, ctx: Context) -> Outcome | None:
    if ctx.client is None:
        return None
    client_words = [t.text for t in ctx.client.tokens if t.word]
    reply_tokens = [t for t in ctx.reply.tokens if t.word]
    n = rule.ngram
    if len(reply_tokens) < n or len(client_words) < n:
        return Outcome(1.0, True, [], {"overlap": "0%"}, "in the counsellor's own words")
    grams = {tuple(client_words[i : i + n]) for i in range(len(client_words) - n + 1)}
    copied = [False] * len(reply_tokens)
    for i in range(len(reply_tokens) - n + 1):
        if tuple(t.text for t in reply_tokens[i : i + n]) in grams:
            for k in range(i, i + n):
                copied[k] = True
    share = sum(copied) / len(reply_tokens)
    spans = _runs(reply_tokens, copied)
    values = {"overlap": f"{share:.0%}", "found": _quote(ctx, spans)}
    if share > rule.max_overlap:
        return Outcome(0.0, False, spans, values, f"{share:.0%} repeated word for word")
    return Outcome(1.0, True, [], values, f"{share:.0%} of the words repeated verbatim")


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


def evaluate_double_sided(rule: m.DoubleSidedRule, ctx: Context) -> Outcome | None:
    if ctx.turn is None or len(ctx.turn.sides) < 2:
        return None
    cache = ctx.compiled.setdefault("content", {})
    sides = ctx.turn.side_points()[:2]
    found = [_covered(side, ctx.reply, cache) for side in sides]  # type: ignore[arg-type]
    spans = sorted({s for f in found for s in f})
    values = {"first": sides[0].text, "second": sides[1].text}
    missing = [side.text for side, f in zip(sides, found) if not f]
    if missing:
        values["missing"] = "; ".join(missing)
        return Outcome(0.5 if len(missing) == 1 else 0.0, False, spans, values, "only one side" if len(missing) == 1 else "neither side")
    first_end = min(f[0][1] for f in found)
    second_start = max(f[0][0] for f in found)
    cancels = [x for x in ctx.markers.find(ctx.reply, {"cancelling_joins"}) if first_end <= x.start <= second_start]
    if cancels:
        span = (cancels[0].start, cancels[0].end)
        values["join"] = ctx.span_text(*span)
        return Outcome(0.6, False, spans + [span], values, f"'{ctx.span_text(*span)}' cancels the first side")
    return Outcome(1.0, True, spans, values, "holds both sides")


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
