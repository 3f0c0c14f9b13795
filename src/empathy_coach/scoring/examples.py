"""Run every turn's `examples` through the scorer: the calibration tests `check` reports on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from empathy_coach.problems import InputError, Problem


@dataclass
class ExampleOutcome:
    run: int = 0
    failed: int = 0
    xfailed: int = 0  # marked `xfail` and still missing its expectations: reported, not failed
    xpassed: int = 0  # marked `xfail` but now meeting them: the mark can go
    problems: list[Problem] = field(default_factory=list)


def run_examples(catalog, only_source: str | None = None) -> ExampleOutcome:
    from empathy_coach.scoring.engine import scorer_for

    outcome = ExampleOutcome()
    # A bank with errors still has its sound scenarios' examples run (`check` reports every finding).
    partial: list[Any] = getattr(catalog, "partial_scenarios", lambda: [])()
    for ref in catalog.scenarios() + partial:
        if only_source and ref.source != only_source:
            continue
        try:
            scorer = scorer_for(catalog, ref)
        except (InputError, LookupError):
            continue  # an unresolved rubric is reported by the cross-check already
        doc = ref.loaded.document
        outcome.problems.extend(unknown_emotions(doc, ref, scorer))
        for t_index, turn in enumerate(ref.scenario.turns):
            for e_index, exemplar in enumerate(turn.exemplar_list()):
                outcome.run += 1
                result = scorer.score(exemplar.reply, turn=turn, tags=tuple(ref.scenario.tags))
                found = exemplar_problems(doc, ("scenarios", ref.index, "turns", t_index, "exemplars", e_index),
                                          f"{ref.scenario.id}/{turn.id}", exemplar, result)
                found = _known(outcome, doc, ("scenarios", ref.index, "turns", t_index, "exemplars", e_index), exemplar.xfail, found, "exemplar")
                outcome.failed += any(p.level == "error" for p in found)
                outcome.problems.extend(found)
            for e_index, example in enumerate(turn.examples):
                outcome.run += 1
                result = scorer.score(example.reply, turn=turn, tags=tuple(ref.scenario.tags))
                misses = expectation_misses(example, result)
                where = ("scenarios", ref.index, "turns", t_index, "examples", e_index)
                name = f"{ref.scenario.id}/{turn.id}"
                if example.xfail is not None:
                    if misses:
                        outcome.xfailed += 1
                        outcome.problems.append(doc.problem(
                            where, f"xfail in {name} ({example.xfail}): {'; '.join(misses)}", "xfail", level="notice"))
                    else:
                        outcome.xpassed += 1
                        outcome.problems.append(doc.problem(
                            where, f"example in {name} is marked xfail ({example.xfail}) but now meets its expectations: "
                            "remove 'xfail'", "xpass", level="warning"))
                elif misses:
                    outcome.failed += 1
                    outcome.problems.append(doc.problem(
                        where, f"example in {name}: {'; '.join(misses)}. {deciding_rules(result)}", "example"))
            if turn.rank:
                outcome.run += 1
                scores = [scorer.score(reply, turn=turn, tags=tuple(ref.scenario.tags)).score for reply in turn.rank]
                found = rank_problems(doc, ("scenarios", ref.index, "turns", t_index, "rank"), f"{ref.scenario.id}/{turn.id}", turn.rank, scores)
                found = _known(outcome, doc, ("scenarios", ref.index, "turns", t_index, "rank"), turn.rank_xfail, found, "ranking")
                outcome.failed += any(p.level == "error" for p in found)
                outcome.problems.extend(found)
    return outcome


def _known(outcome, doc, where, reason: str | None, found: list, what: str) -> list:
    """Problems of an exemplar or a ranking marked `xfail`: notices while they hold, a warning once they are gone."""
    if reason is None:
        return found
    errors = [p for p in found if p.level == "error"]
    if errors:
        outcome.xfailed += 1
        return [doc.problem(where, f"xfail ({reason}): {p.message}", "xfail", level="notice") for p in errors]
    outcome.xpassed += 1
    return [doc.problem(where, f"{what} marked xfail ({reason}) now meets its expectations: remove the xfail", "xpass", level="warning")]


def rank_misorders(scores: list[float]) -> list[tuple[int, int]]:
    """Pairs (better, worse) of a ranking, listed best first, that the scores do not put strictly in order."""
    return [(i, j) for i in range(len(scores)) for j in range(i + 1, len(scores)) if scores[i] <= scores[j]]


def rank_problems(doc, where: tuple, name: str, replies: list[str], scores: list[float]) -> list[Problem]:
    """A `rank:` lists replies best first: each pair the rubric scores the other way round (or the same)
    is a failure, located at the reply that scored too high."""
    found = []
    for i, j in rank_misorders(scores):
        found.append(doc.problem(
            where + (j,),
            f"rank in {name}: reply {j + 1} ({_short(replies[j])}) scored {scores[j]:g}, "
            f"expected below reply {i + 1} ({_short(replies[i])}) at {scores[i]:g}",
            "rank",
        ))
    return found


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def exemplar_problems(doc, where: tuple, name: str, exemplar, result) -> list[Problem]:
    """A model reply shown to students must pass the rubric and be the behaviour it is labelled.

    Failing the rubric, or landing outside its family (a reflection coded as advice), is an error:
    the student would be taught one thing and scored on another. Simple against complex is the
    finest line coders draw, so a disagreement there is a warning.
    """
    found = []
    if not result.passed:
        missed = ", ".join(r.id for r in result.rules if not r.passed) or "none"
        found.append(doc.problem(where, f"exemplar in {name}: expected to pass, but it failed (score {result.score:g}; missed: {missed})", "exemplar"))
    if result.behaviour != exemplar.behaviour:
        same_family = "reflection" in result.behaviour and "reflection" in exemplar.behaviour
        found.append(doc.problem(
            where,
            f"exemplar in {name}: labelled {exemplar.behaviour}, coded {result.behaviour}",
            "exemplar",
            level="warning" if same_family else "error",
        ))
    return found


def unknown_emotions(doc, ref, scorer) -> list[Problem]:
    """A turn's feeling that the emotion lexicon does not know can never be credited: say so."""
    if scorer.emotions is None:
        return []
    found = []
    for t_index, turn in enumerate(ref.scenario.turns):
        for e_index, word in enumerate(turn.emotions):
            if scorer.emotions.lookup(word) is None:
                where = ("scenarios", ref.index, "turns", t_index, "emotions", e_index)
                found.append(doc.problem(
                    where,
                    f"emotion '{word}' in {ref.scenario.id}/{turn.id}: expected a word of the emotion lexicon, "
                    "found none, so naming it can earn no credit (add it to the lexicon or use a listed word)",
                    "unknown-emotion",
                    level="warning",
                ))
    return found


def deciding_rules(result, limit: int = 4) -> str:
    """The rules that decided a score, biggest effect first, with their words, and what to read."""
    lost = sorted((r for r in result.rules if not r.passed and r.max_points > r.points), key=lambda r: r.points - r.max_points)
    earned = sorted((r for r in result.rules if r.passed and r.points > 0), key=lambda r: -r.points)

    def words(rule) -> str:
        return f" {'; '.join(repr(s.text) for s in rule.spans[:2])}" if rule.spans else ""

    parts = [f"{r.id} lost {r.max_points - r.points:g} of {r.max_points:g}{words(r)}" for r in lost[:limit]]
    parts += [f"{r.id} earned {r.points:g} of {r.max_points:g}{words(r)}" for r in earned[: max(0, limit - len(parts))]]
    text = f"Score {result.score:g} decided by: {', '.join(parts) or 'no rule'}"
    see = result.roadblocks[0].kind if result.roadblocks else (lost[0].id if lost else None)
    return text + (f" (see: empathy-coach explain {see})" if see else "")


def expectation_misses(example, result) -> list[str]:
    misses: list[str] = []
    if example.passed is not None and result.passed != example.passed:
        why = "" if example.passed else f" (score {result.score:g})"
        if example.passed:
            failing = [r.id for r in result.rules if not r.passed]
            why = f" (score {result.score:g}; missed: {', '.join(failing) or 'none'})"
        misses.append(f"expected to {'pass' if example.passed else 'fail'}, but it {'passed' if result.passed else 'failed'}{why}")
    if example.behaviour is not None and result.behaviour != example.behaviour:
        misses.append(f"expected behaviour {example.behaviour}, coded {result.behaviour}")
    found = {f.kind for f in result.roadblocks}
    missing = [r for r in example.roadblocks if r not in found]
    if missing:
        misses.append(f"expected roadblocks {', '.join(missing)}, found {', '.join(sorted(found)) or 'none'}")
    if example.min_score is not None and result.score < example.min_score:
        misses.append(f"expected a score of at least {example.min_score:g}, got {result.score:g}")
    if example.max_score is not None and result.score > example.max_score:
        misses.append(f"expected a score of at most {example.max_score:g}, got {result.score:g}")
    return misses
