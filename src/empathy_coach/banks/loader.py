"""Load one bank, rubric, lexicon or answers file: parse, convert, then check what a schema cannot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from msgspec import Struct

from empathy_coach.banks import models as m
from empathy_coach.banks.validate import convert
from empathy_coach.banks.yamlsource import Document, PathItem, load_document, parse
from empathy_coach.problems import InputError, Problem, capped, has_room, overflow

T = TypeVar("T", bound=Struct)
MAX_HINT_CHOICES = 500  # "did you mean" compares with every id: past this many, no hint


@dataclass
class Loaded(Generic[T]):
    """A validated document, where it came from, and the warnings it raised."""

    value: T
    document: Document
    source: str = "explicit"
    warnings: list[Problem] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.document.path


def detect_kind(doc: Document, path: Path | None = None) -> str:
    """Which kind of file this is, from its keys first and its folder second."""
    data = doc.data
    if isinstance(data, dict):
        if "scenarios" in data:
            return "bank"
        if "rules" in data or "pass_score" in data:
            return "rubric"
        if "emotions" in data or "phrases" in data:
            return "lexicon"
        if "answers" in data or "student" in data:
            return "answers"
        if "entries" in data:
            return "explain"
    folder = path.parent.name if path is not None else ""
    return {"rubrics": "rubric", "lexicons": "lexicon"}.get(folder, "bank")


def load_file(path: Path, kind: str | None = None, source: str = "explicit", display: str | None = None) -> Loaded:
    doc = load_document(path, display)
    return load_parsed(doc, kind or detect_kind(doc, path), source)


def load_text(text: str, name: str, kind: str) -> Loaded:
    return load_parsed(parse(text, name), kind)


def load_parsed(doc: Document, kind: str, source: str = "explicit") -> Loaded:
    if not isinstance(doc.data, dict):
        raise InputError([doc.problem((), f"expected a YAML mapping at the top of the {kind} file, found {_shape(doc.data)}")])
    try:
        value: Any = convert(doc, _document_type(kind))
    except InputError as exc:
        if kind == "bank":
            _lint_what_converts(doc, exc)
        raise
    problems: list[Problem] = []
    checker = _SEMANTIC_CHECKS.get(kind)
    if checker:
        checker(doc, value, problems)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise InputError(capped(sorted(p for p in problems if p.message) + [p for p in problems if not p.message]))
    return Loaded(value, doc, source, [p for p in problems if p.level != "error"])


def _document_type(kind: str) -> type:
    if kind == "explain":
        from empathy_coach.banks.explain import ExplainFile

        return ExplainFile
    return m.DOCUMENT_TYPES[kind]


def _shape(data: object) -> str:
    if isinstance(data, list):
        return "a list"
    if isinstance(data, str):
        return "a single string"
    return type(data).__name__


def load_bank(path: str | Path) -> m.Bank:
    """Python API: one validated bank."""
    return load_file(Path(path), "bank").value


def _lint_what_converts(doc: Document, exc: InputError) -> None:
    """After a structural error in a bank, go on with every scenario that converts, as a linter
    does: their own checks (branching, duplicate ids...) join the error, and the bank's fields
    that convert are kept on the error (`exc.partial`) so the catalog can check its rubric too."""
    import msgspec

    data = doc.data
    raw = data.get("scenarios") if isinstance(data, dict) else None
    good: list[m.Scenario] = []
    indices: list[int] = []  # where each good scenario stands in the file
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        try:
            scenario = msgspec.convert(item, m.Scenario, strict=False)
        except (msgspec.ValidationError, TypeError):
            continue
        where = ("scenarios", index)
        if scenario.id in seen:
            problems.append(doc.problem(where + ("id",), f"scenario id '{scenario.id}' is used twice in this bank (first at "
                                                         f"scenarios[{seen[scenario.id]}])", "duplicate-id"))
        seen.setdefault(scenario.id, index)
        _check_turns(doc, scenario, where, problems)
        good.append(scenario)
        indices.append(index)
    known = {p for p in exc.problems}
    exc.problems.extend(p for p in problems if p not in known)
    exc.problems.sort()
    fields = {k: v for k, v in data.items() if k != "scenarios"} if isinstance(data, dict) else {}
    try:
        exc.partial = msgspec.structs.replace(msgspec.convert(fields, m.Bank, strict=False), scenarios=good)  # type: ignore[attr-defined]
        exc.partial_indices = indices  # type: ignore[attr-defined]
    except (msgspec.ValidationError, TypeError):
        pass



# ---------------------------------------------------------------- semantic checks


def _check_bank(doc: Document, bank: m.Bank, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for s_index, scenario in enumerate(bank.scenarios):
        where = ("scenarios", s_index)
        if scenario.id in seen:
            problems.append(doc.problem(where + ("id",), f"scenario id '{scenario.id}' is used twice in this bank (first at "
                                                         f"scenarios[{seen[scenario.id]}])", "duplicate-id"))
        seen.setdefault(scenario.id, s_index)
        _check_turns(doc, scenario, where, problems)


def _check_turns(doc: Document, scenario: m.Scenario, where: tuple, problems: list[Problem]) -> None:
    if not scenario.turns:
        problems.append(doc.problem(where, f"scenario '{scenario.id}': expected at least one turn in 'turns', found none", "missing-field"))
        return
    ids: dict[str, int] = {}
    for t_index, turn in enumerate(scenario.turns):
        if turn.id in ids:
            problems.append(doc.problem(where + ("turns", t_index, "id"), f"turn id '{turn.id}' is used twice in scenario '{scenario.id}'", "duplicate-id")
                            if has_room(problems) else overflow(doc.path, "duplicate-id"))
        ids.setdefault(turn.id, t_index)
    for t_index, turn in enumerate(scenario.turns):
        here = where + ("turns", t_index)
        for b_index, branch in enumerate(turn.branches()):
            if branch.goto != m.END and branch.goto not in ids:
                if not has_room(problems):
                    problems.append(overflow(doc.path, "branching"))
                    continue
                place = here + ("next",) + ((b_index, "goto") if isinstance(turn.next, list) else ())
                hint = _close(branch.goto, list(ids) + [m.END]) if len(ids) <= MAX_HINT_CHOICES else ""
                problems.append(doc.problem(place, f"expected a turn id of scenario '{scenario.id}' or 'end', found '{branch.goto}'{hint}", "branching"))
        if turn.skill == "double_sided_reflection" and len(turn.sides) != 2 and has_room(problems):
            problems.append(doc.problem(here, f"a double-sided turn should name its two sides in 'sides', found {len(turn.sides)}", "sides", level="warning"))
        for e_index, example in enumerate(turn.examples):
            if example.min_score is not None and example.max_score is not None and example.min_score > example.max_score:
                problems.append(doc.problem(here + ("examples", e_index), f"min_score {example.min_score:g} is above max_score "
                                                                          f"{example.max_score:g}", "example")
                                if has_room(problems) else overflow(doc.path, "example"))
    if any(p.code == "branching" and p.level == "error" for p in problems):
        return
    successors = turn_successors(scenario)
    reachable = _reach(scenario.turns[0].id, successors)
    # One walk backwards from the end finds every turn that can still finish: linear in the turns.
    predecessors: dict[str, list[str]] = {}
    for source, targets in successors.items():
        for target in targets:
            predecessors.setdefault(target, []).append(source)
    can_end = _reach(m.END, predecessors)
    for t_index, turn in enumerate(scenario.turns):
        if turn.id not in reachable:
            problems.append(doc.problem(where + ("turns", t_index, "id"), f"turn '{turn.id}' can never be reached from the first turn", "unreachable")
                            if has_room(problems) else overflow(doc.path, "unreachable"))
    for t_index, turn in enumerate(scenario.turns):
        if turn.id in reachable and turn.id not in can_end:
            problems.append(doc.problem(where + ("turns", t_index, "next"), f"turn '{turn.id}' is in a cycle with no way to the end", "cycle")
                            if has_room(problems) else overflow(doc.path, "cycle"))


def turn_successors(scenario: m.Scenario) -> dict[str, list[str]]:
    """Every turn id -> the ids (or 'end') that can follow it."""
    out: dict[str, list[str]] = {}
    for index, turn in enumerate(scenario.turns):
        following = scenario.turns[index + 1].id if index + 1 < len(scenario.turns) else m.END
        branches = turn.branches()
        targets = [b.goto for b in branches]
        if not any(b.when == "always" for b in branches):
            targets.append(following)
        out[turn.id] = targets
    return out


def _reach(start: str, successors: dict[str, list[str]]) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for nxt in successors.get(stack.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _close(word: str, choices: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_rubric(doc: Document, rubric: m.Rubric, problems: list[Problem]) -> None:
    """Checks that need the whole rubric; each kind checks its own rules (`problems()`), whatever the kind."""
    ids: dict[str, int] = {}
    for index, rule in enumerate(rubric.rules):
        if rule.id in ids:
            problems.append(doc.problem(("rules", index, "id"), f"rule id '{rule.id}' is used twice", "duplicate-id"))
        ids.setdefault(rule.id, index)
    lexicon_of_role: dict[str, str] = {}
    for index, rule in enumerate(rubric.rules):
        where: tuple[PathItem, ...] = ("rules", index)
        for r_index, ref in enumerate(rule.children()):
            if ref not in ids:
                problems.append(doc.problem(where + ("rules", r_index), "expected the id of a rule in this rubric, found "
                                                                        f"'{ref}'{_close(ref, list(ids))}", "reference"))
            elif ref == rule.id:
                problems.append(doc.problem(where + ("rules", r_index), f"rule '{rule.id}' refers to itself", "reference"))
        lexicon = getattr(rule, "lexicon", None)
        if lexicon is not None and lexicon not in rubric.lexicons:
            problems.append(doc.problem(where + ("lexicon",), f"expected one of the rubric's lexicons ({', '.join(rubric.lexicons)}), found "
                                                              f"'{lexicon}'{_close(lexicon, list(rubric.lexicons))}", "reference"))
        if lexicon is not None and rule.LEXICON_ROLE == "roadblocks":
            # The scorer reports one set of roadblocks per reply, found with one lexicon.
            first = lexicon_of_role.setdefault("roadblocks", lexicon)
            if lexicon != first:
                problems.append(doc.problem(where + ("lexicon",), "expected every 'roadblocks' rule of a rubric to read one lexicon "
                                                                  f"('{first}'), found '{lexicon}'", "reference"))
        for path, message, code in rule.problems():
            problems.append(doc.problem(where + path, message, code))
        related = getattr(rule, "related", "")
        if related and related not in rubric.lexicons:
            problems.append(doc.problem(where + ("related",), f"expected one of the rubric's lexicons ({', '.join(rubric.lexicons)}), found "
                                                              f"'{related}'", "reference"))
    _check_composition_cycles(doc, rubric, problems)
    _check_ladder(doc, rubric, list(ids), problems)


def _check_ladder(doc: Document, rubric: m.Rubric, rule_ids: list[str], problems: list[Problem]) -> None:
    """A ladder's rungs have unique ids, low <= high bands, and name rules and rungs that exist."""
    rung_ids = [r.id for r in rubric.ladder]
    seen: set[str] = set()
    for index, rung in enumerate(rubric.ladder):
        where = ("ladder", index)
        if rung.id in seen:
            problems.append(doc.problem(where + ("id",), f"rung id '{rung.id}' is used twice", "duplicate-id"))
        seen.add(rung.id)
        low, high = rung.band
        if low > high:
            problems.append(doc.problem(where + ("band",), f"expected a band [low, high] with low <= high, found [{low:g}, {high:g}]", "schema"))
        for key in ("needs_any", "when_failed"):
            for r_index, ref in enumerate(getattr(rung, key)):
                if ref not in rule_ids:
                    problems.append(doc.problem(where + (key, r_index), "expected the id of a rule in this rubric, found "
                                                                          f"'{ref}'{_close(ref, rule_ids)}", "reference"))
        if rung.otherwise and rung.otherwise not in rung_ids:
            problems.append(doc.problem(where + ("otherwise",), "expected the id of a rung of this ladder, found "
                                                                f"'{rung.otherwise}'{_close(rung.otherwise, rung_ids)}", "reference"))
        if bool(rung.needs_any) != bool(rung.otherwise):
            problems.append(doc.problem(where, "'needs_any' and 'otherwise' go together: the rules a reply needs, and the rung it stands on without "
                                               "them", "schema"))


def _check_composition_cycles(doc: Document, rubric: m.Rubric, problems: list[Problem]) -> None:
    children = {r.id: r.children() for r in rubric.rules if r.children()}
    for index, rule in enumerate(rubric.rules):
        if rule.id not in children:
            continue
        stack, seen = list(children[rule.id]), set()
        while stack:
            ref = stack.pop()
            if ref == rule.id:
                problems.append(doc.problem(("rules", index, "rules"), f"rule '{rule.id}' is part of a cycle of compositions", "reference"))
                break
            if ref not in seen:
                seen.add(ref)
                stack.extend(children.get(ref, []))


def _check_lexicon(doc: Document, lexicon: m.Lexicon, problems: list[Problem]) -> None:
    owner: dict[str, str] = {}
    for family, words in lexicon.emotions.items():
        for word in words:
            key = word.lower()
            if key in owner and owner[key] != family:
                problems.append(doc.problem(("emotions", family, word), f"'{word}' is in two families: '{owner[key]}' and '{family}'", "lexicon", key=True,
                                            level="warning"))
            owner.setdefault(key, family)


def _check_answers(doc: Document, answers: m.AnswersFile, problems: list[Problem]) -> None:
    return None


_SEMANTIC_CHECKS: dict[str, Callable[[Document, Any, list[Problem]], None]] = {
    "bank": _check_bank,
    "rubric": _check_rubric,
    "lexicon": _check_lexicon,
    "answers": _check_answers,
}
