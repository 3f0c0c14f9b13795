"""The rule kinds of a rubric: one module each, registered in one table.

Each module holds everything about its kind:

- `RULE`, its parameters: a msgspec Struct tagged with the kind, whose docstring documents it with a
  passing and a failing example (`docs/rubrics.md` and the JSON Schema are made from it);
- the checks a rule of that kind needs on its own (the Struct's `problems()`);
- `evaluate(rule, ctx)`, what it does with a reply: an Outcome, or None when the rule does not apply;
  `ctx` is a `context.ReplyContext`, the Protocol the scorer's Context implements, so the kinds
  never import the scorer (a layer above);
- `COMPOSITION = True` when it combines other rules' outcomes (it runs after them).

The table below builds the rubric's `rules:` item type (the Union of every kind's Struct), the
kinds by name, and the evaluators the scorer runs. The loader and the scorer stay generic.

Adding a kind: one module here and its line in `MODULES` (and its tests).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple

from empathy_coach.banks.kinds import (
    all_of,
    any_of,
    content,
    double_sided,
    feeling,
    focus,
    length,
    nonverbal,
    parroting,
    pattern,
    roadblocks,
    statement,
    validation,
)
from empathy_coach.banks.kinds.base import RuleBase
from empathy_coach.banks.kinds.context import Outcome, ReplyContext

# In the order the documentation lists them.
MODULES = (pattern, feeling, content, statement, roadblocks, parroting, length, focus, validation, double_sided, nonverbal, all_of, any_of)

Evaluator = Callable[[Any, ReplyContext], "Outcome | None"]


class Kinds(NamedTuple):
    """What a table of kind modules gives the loader and the scorer."""

    types: tuple[type[RuleBase], ...]  # every kind's Struct, in the table's order
    rule: Any  # the rubric's `rules:` item type: the Union of the Structs, told apart by `kind:`
    by_name: dict[str, type[RuleBase]]  # the Struct of each `kind:`
    evaluators: dict[str, Evaluator]  # what scores a rule of each kind
    compositions: frozenset[str]  # the kinds that combine other rules' outcomes: they run last


def build(modules: tuple[ModuleType, ...]) -> Kinds:
    """The registry of a table of kind modules (each with `RULE`, `evaluate` and perhaps `COMPOSITION`)."""
    types = tuple(module.RULE for module in modules)
    names = [str(cls.__struct_config__.tag) for cls in types]
    if len(set(names)) != len(names):
        raise ValueError(f"two kind modules declare the same kind: {sorted(n for n in names if names.count(n) > 1)}")
    return Kinds(
        types,
        functools.reduce(operator.or_, types),
        dict(zip(names, types, strict=True)),
        {name: module.evaluate for name, module in zip(names, modules, strict=True)},
        frozenset(name for name, module in zip(names, modules, strict=True) if getattr(module, "COMPOSITION", False)),
    )


_KINDS = build(MODULES)
KIND_TYPES: tuple[type[RuleBase], ...] = _KINDS.types
RULE_KINDS: dict[str, type[RuleBase]] = _KINDS.by_name
REGISTRY: dict[str, Evaluator] = _KINDS.evaluators  # the scorer takes its evaluators from here when it is built
COMPOSITIONS: frozenset[str] = _KINDS.compositions

# The rubric's `rules:` item type. Type checkers see the common base (narrow with isinstance to read
# a kind's parameters).
if TYPE_CHECKING:
    Rule = RuleBase
else:
    Rule = _KINDS.rule

AllOfRule = all_of.AllOfRule
AnyOfRule = any_of.AnyOfRule
ContentRule = content.ContentRule
DoubleSidedRule = double_sided.DoubleSidedRule
FeelingRule = feeling.FeelingRule
FocusRule = focus.FocusRule
LengthRule = length.LengthRule
NonverbalRule = nonverbal.NonverbalRule
ParrotingRule = parroting.ParrotingRule
PatternRule = pattern.PatternRule
RoadblocksRule = roadblocks.RoadblocksRule
StatementRule = statement.StatementRule
ValidationRule = validation.ValidationRule

__all__ = [
    "COMPOSITIONS", "KIND_TYPES", "MODULES", "REGISTRY", "RULE_KINDS", "Evaluator", "Kinds", "Outcome", "ReplyContext", "Rule", "RuleBase", "build",
    "AllOfRule", "AnyOfRule", "ContentRule", "DoubleSidedRule", "FeelingRule", "FocusRule", "LengthRule", "NonverbalRule", "ParrotingRule",
    "PatternRule", "RoadblocksRule", "StatementRule", "ValidationRule",
]
