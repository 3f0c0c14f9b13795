"""Score one reply: analyse once, code the behaviour, run every rule, weigh, explain."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, Protocol

from empathy_coach.banks import kinds
from empathy_coach.banks import models as m
from empathy_coach.banks.kinds import COMPOSITIONS, REGISTRY
from empathy_coach.scoring.coder.model import QUESTIONS, REFLECTIONS, Act, CoderModel, Coding, describe, primary_act, render_reason
from empathy_coach.scoring.result import BEHAVIOUR_LABELS, ActResult, RoadblockFinding, RuleResult, ScoreResult, Span
from empathy_coach.scoring.roadblock_context import not_the_counsellors
from empathy_coach.scoring.rules import Context, Outcome, RelatedWords, welcome_questions
from empathy_coach.scoring.tables import Lexicons
from empathy_coach.scoring.text import MAX_ANALYSED_CHARS, Analysis, client_used

MAX_TIPS = 3


class _LoadedLexicon(Protocol):
    @property
    def source(self) -> str: ...
    @property
    def value(self) -> Any: ...


class CatalogLike(Protocol):
    """What scoring reads from a catalog (the full `Catalog` or the drill's `BuiltinCatalog`)."""

    def lexicon(self, name: str, relative_to: Any = None) -> _LoadedLexicon | None: ...
    def rubric_for(self, ref: Any) -> m.Rubric: ...
GENERIC_RUBRIC = "generic"
DEFAULT_RUBRIC = "default"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, values: Mapping[str, str]) -> str:
    """A rule's message with its placeholders filled; unknown placeholders become empty."""
    if "{" not in template:
        return template
    try:
        return template.format_map(_Blank(values))
    except (ValueError, IndexError, KeyError, AttributeError):
        return template


MAX_CACHED_CLIENTS = 1024


def _span(reply: str, start: int, end: int) -> Span:
    # Evidence never reaches past the part of a reply that was analysed: a 50 MB reply must
    # not be copied into every rule's result.
    end = min(end, MAX_ANALYSED_CHARS)
    start = min(start, end)
    return Span(start, end, reply[start:end])


class Scorer:
    """A rubric and its lexicons compiled once, then used for any number of replies."""

    def __init__(self, rubric: m.Rubric, lexicons: Mapping[str, m.Lexicon] | Lexicons, coder: CoderModel | None = None) -> None:
        self.rubric = rubric
        if coder is None:
            from empathy_coach.scoring.assets import builtin_coder

            coder = builtin_coder()
        self.coder = coder
        tables = lexicons if isinstance(lexicons, Lexicons) else Lexicons.compile(lexicons)
        self.lexicons = tables
        self.emotions = tables.emotions
        self.markers = tables.markers
        # The roadblocks the scorer reports come from the lexicon its roadblocks rules name (one per
        # rubric: the loader checks), else the rubric's first roadblocks lexicon.
        named = [r.lexicon for r in rubric.rules if isinstance(r, kinds.RoadblocksRule)]
        self.roadblock_phrases = tables.phrase_set(named[0], "roadblocks") if named else tables.roadblocks
        # Compositions run after the rules they combine.
        self.order = [r for r in rubric.rules if r.kind not in COMPOSITIONS] + [r for r in rubric.rules if r.kind in COMPOSITIONS]
        self.compiled: dict[str, Any] = {}
        self._clients: dict[str, Analysis] = {}
        self._welcoming = [r for r in self.order if isinstance(r, (kinds.StatementRule, kinds.RoadblocksRule)) and r.welcome_questions]
        self._plan = [(rule, rule.kind, REGISTRY[rule.kind]) for rule in self.order]
        self.total_weight = 0.0
        self.related = _related_tables(rubric, lexicons)
        # The ladder's look-ups, once: the first rung naming each behaviour, the lowest naming each roadblock.
        ladder = rubric.ladder
        self._by_behaviour: dict[str, int] = {}
        self._by_roadblock: dict[str, int] = {}
        for index, rung in enumerate(ladder):
            for code in rung.behaviours:
                self._by_behaviour.setdefault(code, index)
            for kind in rung.roadblocks:
                self._by_roadblock.setdefault(kind, index)
        self._rung_index = {rung.id: index for index, rung in enumerate(ladder)}
        self._when_failed = [(rung, tuple(rung.when_failed)) for rung in ladder if rung.when_failed]

    def code(self, reply: str, client: str | None = None) -> Coding:
        return self.coder.code(Analysis(reply), Analysis(client) if client else None)

    def score(self, reply: str, client: str | None = None, turn: m.Turn | None = None, tags: tuple[str, ...] = ()) -> ScoreResult:
        client_text = client if client is not None else (turn.client if turn is not None else None)
        reply_analysis = Analysis(reply)
        client_analysis = self._client_analysis(client_text) if client_text else None
        coding = self.coder.code(reply_analysis, client_analysis)
        roadblocks = self._roadblocks(reply_analysis, coding, client_analysis)
        ctx = Context(reply_analysis, client_analysis, turn, tags, coding, self.lexicons, roadblocks,
                      compiled=self.compiled, related=self.related)
        roadblocks = self._without_welcome_questions(roadblocks, ctx, turn, tags)
        results: list[RuleResult] = []
        earned = total = 0.0
        required_failed = False
        gains: list[tuple[float, int, str]] = []
        empty = reply_analysis.is_empty()
        for index, (rule, kind, evaluate) in enumerate(self._plan):
            if not self._applies(rule, turn, tags):
                continue
            outcome = _EMPTY if empty else evaluate(rule, ctx)
            if outcome is None:
                continue
            ctx.results[rule.id] = outcome
            points = rule.weight * outcome.fraction
            earned += points
            total += rule.weight
            if rule.required and not outcome.passed:
                required_failed = True
            if empty:  # no words to fill a rule's message with: say what is wrong once, plainly
                message, tip = outcome.detail, ""
            else:
                message = outcome.detail if outcome.passed else (render(rule.message, outcome.values) or outcome.detail)
                if not outcome.passed and rule.message and "{" not in rule.message and outcome.detail:
                    message = f"{message} ({outcome.detail})"
                tip = render(rule.tip, outcome.values) if not outcome.passed else ""
            results.append(
                RuleResult(
                    id=rule.id,
                    kind=kind,
                    passed=outcome.passed,
                    points=round(points, 2),
                    max_points=rule.weight,
                    spans=[_span(reply, a, b) for a, b in outcome.spans],
                    message=message,
                    level=rule.level,
                    tip=tip,
                    required=rule.required,
                )
            )
            if tip and rule.weight > points:
                gains.append((rule.weight - points, -index, tip))
        quality = earned / total if total else 0.0
        rung = self._rung(coding, roadblocks, ctx, turn, tags, required_failed) if self.rubric.ladder and not empty else None
        if rung is not None:
            low, high = rung.band
            score = round(low + (high - low) * quality, 1)
        else:
            score = round(100.0 * quality, 1)
            if required_failed:
                # A required rule failed: the score keeps its order among failing replies, below the pass mark.
                score = round(score * max(self.rubric.pass_score - 1.0, 0.0) / 100.0, 1)
        gains.sort(reverse=True)
        tips = list(dict.fromkeys(tip for _, _, tip in gains))[:MAX_TIPS]
        passed = (not empty) and score >= self.rubric.pass_score and not required_failed
        acts = [ActResult(a.code, a.start, a.end, reply[a.start : a.end], _reasons(reply, a)) for a in coding.acts]
        findings = [RoadblockFinding(kind, a, b, reply[a:b]) for kind, a, b in roadblocks]
        return ScoreResult(
            score=score,
            passed=passed,
            pass_score=self.rubric.pass_score,
            behaviour=coding.behaviour,
            behaviour_label=BEHAVIOUR_LABELS[coding.behaviour],
            features=_reasons(reply, _primary_of(coding)),
            acts=acts,
            roadblocks=findings,
            rules=results,
            tips=tips if not empty else ["Write a reply that gives back what the client feels and means."],
            rubric=self.rubric.id,
            truncated=reply_analysis.truncated,
            rung=rung.id if rung is not None else "",
            rung_label=(rung.label or rung.id) if rung is not None else "",
        )

    def _rung(self, coding: Coding, roadblocks, ctx: Context, turn, tags, required_failed: bool) -> m.Rung | None:
        """The ladder's rung of a reply: its primary act's, or a lower one that a roadblock it contains names."""
        ladder = self.rubric.ladder
        for rung, rule_ids in self._when_failed:
            if any(r in ctx.results and not ctx.results[r].passed for r in rule_ids):
                return rung
        behaviour = coding.behaviour
        if self._welcoming:
            phrases = sorted({p for rule in self._welcoming if self._applies(rule, turn, tags) for p in rule.welcome_questions})
            welcome = welcome_questions(phrases, ctx) if phrases else []
            if welcome:  # a welcome question after a reflection: the reply stands on the statement it makes
                rest = [a for a in coding.acts if a not in welcome]
                behaviour = primary_act(rest).code if rest else behaviour
        index = self._by_behaviour.get(behaviour, len(ladder) - 1)
        for kind, _, _ in roadblocks:
            index = max(index, self._by_roadblock.get(kind, -1))
        rung = ladder[index]
        if rung.needs_any and rung.otherwise:
            # "Gives back neither a feeling nor any of the client's content": a rule that earned any
            # of its points (a partial content match) counts, as docs/scoring.md says.
            ran = [ctx.results[r] for r in rung.needs_any if r in ctx.results]
            if ran and not any(o.passed or o.fraction > 0 for o in ran):
                index = max(index, self._rung_index.get(rung.otherwise, index))
                rung = ladder[index]
        if required_failed and rung.band[1] >= self.rubric.pass_score:
            capped = next((r for r in ladder[index:] if r.capped), None)
            if capped is not None:
                return capped
            # No capped rung: the reply keeps its rung's order, below the pass mark.
            factor = max(self.rubric.pass_score - 1.0, 0.0) / 100.0
            return m.Rung(id=rung.id, label=rung.label, band=[rung.band[0] * factor, rung.band[1] * factor])
        return rung

    def _client_analysis(self, text: str) -> Analysis:
        # A class answers the same client statements: analyse each once (matches are memoised on it).
        cached = self._clients.get(text)
        if cached is None:
            if len(self._clients) >= MAX_CACHED_CLIENTS:
                self._clients.clear()
            cached = self._clients[text] = Analysis(text)
        return cached

    def _without_welcome_questions(self, roadblocks, ctx: Context, turn, tags) -> list[tuple[str, int, int]]:
        """A question the rubric welcomes (a safety rubric's direct question) is no roadblock to report."""
        phrases = sorted({p for rule in self._welcoming if self._applies(rule, turn, tags) for p in rule.welcome_questions})
        if not phrases:
            return roadblocks
        welcome = welcome_questions(phrases, ctx)
        return [r for r in roadblocks if not (r[0] == "questioning" and any(a.start <= r[1] < a.end for a in welcome))]

    @staticmethod
    def _applies(rule: m.RuleBase, turn: m.Turn | None, tags: tuple[str, ...]) -> bool:
        if rule.skills and (turn is None or turn.skill not in rule.skills):
            return False
        if rule.tags and not any(t in tags for t in rule.tags):
            return False
        return True

    def _own_interpretation(self, reply: Analysis, match) -> bool:
        """'the anger stage of grief', 'probably still': the counsellor's analysis even inside a reflection,
        unless the same words are a reflective marker ('what you really want')."""
        if match.category != "interpreting":
            return False
        return not any(m.first <= match.first < m.last for m in self.markers.find(reply, {"complex_markers", "reflective_openers"}))

    def _roadblocks(self, reply: Analysis, coding: Coding, client: Analysis | None = None) -> list[tuple[str, int, int]]:
        found: list[tuple[str, int, int]] = []
        seen_spans: set[tuple[int, int]] = set()
        question_acts = [a for a in coding.acts if a.code in QUESTIONS or reply.original[a.start : a.end].rstrip().endswith("?")]
        reflection_spans = [(a.start, a.end) for a in coding.acts if a.code in REFLECTIONS]
        for match in self.roadblock_phrases.find_longest(reply):
            if match.category == "questioning" and not any(a.start <= match.start < a.end for a in question_acts):
                continue
            if not_the_counsellors(reply, match, client, self.lexicons):
                continue
            if match.category == "withdrawing" and match.last - match.first == 1 and not _opens_clause(reply, match):
                continue  # 'Anyway, ...' changes the subject; 'you came anyway' does not
            # Inside a reflection, a roadblock's words that the client used are the client's situation
            # given back ("you tell your son you're fine"), not the counsellor's move; words the client
            # never said ("..., and that's selfish of you") are the counsellor's own.
            if (any(a <= match.start < b for a, b in reflection_spans) and not _opens_act(reply, match, reflection_spans)
                    and not self._own_interpretation(reply, match) and client_used(reply, match.first, match.last, client)):
                continue
            span = (match.start, match.end)
            if span in seen_spans:
                continue
            seen_spans.add(span)
            found.append((match.category, match.start, match.end))
        # Where the lexicon is silent, the coded act still names the roadblock it performs.
        for act in coding.acts:
            inside = {k for k, a, _ in found if act.start <= a < act.end}
            fallback = _ACT_ROADBLOCK.get(act.code)
            if act.code == "other":
                fallback = next((_FEATURE_ROADBLOCK[f] for f in act.features if f in _FEATURE_ROADBLOCK), None)
            if fallback and not inside & fallback[1]:
                found.append((fallback[0], act.start, act.end))
        found.sort(key=lambda f: (f[1], f[0]))
        return found


def _related_tables(rubric: m.Rubric, lexicons) -> dict[str, RelatedWords]:
    """The related-words tables the rubric's rules name, compiled (built-in ones from the cache)."""
    names = sorted({getattr(r, "related", "") for r in rubric.rules} - {""})
    tables: dict[str, RelatedWords] = {}
    for name in names:
        given = lexicons.get(name) if isinstance(lexicons, Mapping) else None
        if given is not None:
            tables[name] = RelatedWords.compile(given.phrases)
        else:
            from empathy_coach.scoring.assets import builtin_related

            tables[name] = builtin_related(name)
    return tables


def _opens_clause(reply: Analysis, match) -> bool:
    """Whether a match starts its sentence or a clause (nothing but punctuation right before it)."""
    if match.first == 0:
        return True
    before = reply.tokens[match.first - 1]
    return not before.word or before.sentence != reply.tokens[match.first].sentence


def _opens_act(reply: Analysis, match, spans: list[tuple[int, int]]) -> bool:
    """A roadblock phrase at the very start of an act is the counsellor's own framing."""
    for start, end in spans:
        if start <= match.start < end:
            leading = [t for t in reply.tokens if t.word and start <= t.start < match.start]
            return len({t.start for t in leading}) <= 1
    return False


_SOLUTIONS = frozenset({"ordering", "warning", "advising", "persuading", "moralizing"})
_EVALUATIONS = frozenset({"judging", "moralizing", "disagreeing", "interpreting", "ordering"})
_SOOTHING = frozenset({"reassuring", "withdrawing", "praising", "disagreeing"})
# The roadblock an act performs by its code, and the families that already name it.
_ACT_ROADBLOCK = {
    "persuade": ("advising", _SOLUTIONS),
    "confront": ("judging", _EVALUATIONS),
    "open_question": ("questioning", frozenset({"questioning", "advising", "judging"})),
    "closed_question": ("questioning", frozenset({"questioning", "advising", "judging"})),
    # Facts the client did not ask for, offered instead of listening: lecturing (Gordon's persuading with logic).
    "giving_information": ("persuading", _SOLUTIONS | _SOOTHING),
}
# For acts coded `other`: the roadblock named by the feature that decided the code.
_FEATURE_ROADBLOCK = {
    "reassurance": ("reassuring", _SOOTHING),
    "sympathy_formula": ("reassuring", _SOOTHING),
    "self_disclosure": ("withdrawing", frozenset({"withdrawing", "reassuring"})),
    "off_topic": ("withdrawing", frozenset({"withdrawing"})),
    "praise": ("praising", frozenset({"praising", "reassuring"})),
    "exclamation": ("praising", frozenset({"praising", "reassuring"})),
}


def _primary_of(coding: Coding) -> Act:
    if not coding.acts:
        return Act("other", 0, 0, 0, list(coding.features))
    return next((a for a in reversed(coding.acts) if a.code == coding.behaviour), coding.acts[-1])


def _reasons(reply: str, act: Act) -> list[str]:
    """An act's deciding features in words, each with the words of the reply that fired it."""
    out = [render_reason(reason.feature, reply[reason.start : reason.end]) for reason in act.reasons]
    return out or [describe(f) for f in act.features]


_EMPTY = Outcome(0.0, False, [], {}, "the reply is empty")


@lru_cache(maxsize=4)
def default_scorer(rubric: str = GENERIC_RUBRIC) -> Scorer:
    from empathy_coach.content.cache import builtin_rubric
    from empathy_coach.scoring.assets import builtin_tables

    rubric_model = builtin_rubric(rubric)
    return Scorer(rubric_model, builtin_tables(tuple(rubric_model.lexicons)))


def score_reply(reply: str, client: str | None = None, *, turn: m.Turn | None = None, rubric: m.Rubric | None = None,
                lexicons: Mapping[str, m.Lexicon] | None = None, tags: tuple[str, ...] = ()) -> ScoreResult:
    """Score one reply. Without a turn, the generic rubric scores it against the client's words."""
    if rubric is None:
        scorer = default_scorer(DEFAULT_RUBRIC if turn is not None else GENERIC_RUBRIC)
    else:
        if lexicons is None:
            from empathy_coach.content.cache import builtin_lexicon

            lexicons = {name: builtin_lexicon(name) for name in rubric.lexicons}
        scorer = Scorer(rubric, lexicons)
    return scorer.score(reply, client=client, turn=turn, tags=tags)


def scorer_for(catalog: CatalogLike, ref: Any) -> Scorer:
    """The scorer for a scenario of a catalog: its rubric with the lexicons the catalog resolves."""
    rubric = catalog.rubric_for(ref)
    path = None
    document = None
    find = getattr(catalog, "rubric", None)  # only the full Catalog knows where a rubric's file is
    if rubric.coder and find is not None:  # a fitted coder file is found beside its rubric
        loaded = find(ref.scenario.rubric or ref.bank.rubric, ref.loaded)
        path, document = loaded.path, loaded.document
    return _catalog_scorer(catalog, rubric, path, document)


def rubric_scorer(catalog: CatalogLike, rubric: m.Rubric, rubric_path: str | None = None, document: Any = None) -> Scorer:
    """The scorer for any rubric of a catalog (`score --rubric`), with the lexicons the catalog resolves."""
    return _catalog_scorer(catalog, rubric, rubric_path, document)


def coder_for(rubric: m.Rubric, rubric_path: str | None, document=None) -> CoderModel:
    """The built-in coder, or the fitted coder file a rubric names (relative to the rubric's file).

    A coder file that is missing or broken is bad input: InputError at the rubric's `coder:` key
    (its line when the rubric's parsed `document` is given).
    """
    from pathlib import Path

    from empathy_coach.problems import InputError, Problem
    from empathy_coach.scoring.assets import builtin_coder

    if not rubric.coder:
        return builtin_coder()
    base = Path(rubric_path).parent if rubric_path else Path(".")
    try:
        return builtin_coder(str((base / rubric.coder).resolve()))
    except (OSError, ValueError) as error:
        message = f"coder {rubric.coder!r}: {error}"
        if document is not None:
            raise InputError([document.problem(("coder",), message, "coder")]) from None
        raise InputError([Problem(str(rubric_path or f"rubric {rubric.id}"), 0, 0, message, "coder")]) from None


class ScorerCache:
    """The scorers built for one catalog, by rubric id: a rubric's tables are compiled once per catalog."""

    def __init__(self) -> None:
        self._by_rubric: dict[str, Scorer] = {}

    def get(self, rubric: m.Rubric, build: Callable[[], Scorer]) -> Scorer:
        scorer = self._by_rubric.get(rubric.id)
        if scorer is None:
            scorer = self._by_rubric[rubric.id] = build()
        return scorer


# One cache per catalog object (by identity: a Catalog is an unhashable dataclass), gone with it.
_SCORER_CACHES: dict[int, ScorerCache] = {}


def scorer_cache(catalog: object) -> ScorerCache:
    key = id(catalog)
    cache = _SCORER_CACHES.get(key)
    if cache is None:
        cache = _SCORER_CACHES[key] = ScorerCache()
        weakref.finalize(catalog, _SCORER_CACHES.pop, key, None)
    return cache


def _catalog_scorer(catalog: CatalogLike, rubric: m.Rubric, rubric_path: str | None = None, document: Any = None) -> Scorer:
    def build() -> Scorer:
        from empathy_coach.content.cache import builtin_lexicon
        from empathy_coach.scoring.assets import builtin_tables

        coder = coder_for(rubric, rubric_path, document)
        loaded = {name: catalog.lexicon(name) for name in rubric.lexicons}
        if all(item is None or item.source == "built-in" for item in loaded.values()):
            return Scorer(rubric, builtin_tables(tuple(rubric.lexicons)), coder)
        lexicons = {name: item.value if item is not None else builtin_lexicon(name) for name, item in loaded.items()}
        return Scorer(rubric, lexicons, coder)

    return scorer_cache(catalog).get(rubric, build)
