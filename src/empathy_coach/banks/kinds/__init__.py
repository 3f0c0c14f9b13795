"""The rule kinds of a rubric: one module each, registered in one table.

Each module declares its kind's parameters (a msgspec Struct tagged with the kind), the checks a
rule of that kind needs on its own (`problems()`), and its documentation with a passing and a
failing example (the Struct's docstring: `docs/rubrics.md` and the JSON Schema are made from it).
What a kind does with a reply lives beside the scorer, in `empathy_coach.scoring.kinds`, under
the same name (the scorer is a layer above the models).

Adding a kind: a module here and its line in `MODULES`, and its evaluation in `scoring/kinds/`.
"""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING

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

# In the order the documentation lists them.
MODULES = (pattern, feeling, content, statement, roadblocks, parroting, length, focus, validation, double_sided, nonverbal, all_of, any_of)

# The rubric's `rules:` item type: every kind's Struct, told apart by `kind:`, built from MODULES.
# Type checkers see the common base (narrow with isinstance to read a kind's parameters).
KIND_TYPES: tuple[type[RuleBase], ...] = tuple(module.RULE for module in MODULES)
if TYPE_CHECKING:
    Rule = RuleBase
else:
    Rule = functools.reduce(operator.or_, KIND_TYPES)
RULE_KINDS: dict[str, type[RuleBase]] = {str(cls.__struct_config__.tag): cls for cls in KIND_TYPES}

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
    "KIND_TYPES", "MODULES", "RULE_KINDS", "AllOfRule", "AnyOfRule", "ContentRule", "DoubleSidedRule", "FeelingRule", "FocusRule",
    "LengthRule", "NonverbalRule", "ParrotingRule", "PatternRule", "RoadblocksRule", "Rule", "RuleBase", "StatementRule", "ValidationRule",
]
