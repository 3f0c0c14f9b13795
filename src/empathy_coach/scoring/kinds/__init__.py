"""What each rule kind does with a reply: one module per kind, registered in one table.

Each module has `KIND` (the `kind:` it scores) and `evaluate(rule, ctx)`, which returns an Outcome,
or None when the rule does not apply to this reply. The kind's parameters and documentation are in
the module of the same name in `empathy_coach.banks.kinds`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from empathy_coach.scoring.kinds import (
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
from empathy_coach.scoring.rules import Context, Outcome

Evaluator = Callable[[Any, Context], "Outcome | None"]

MODULES = (pattern, feeling, content, statement, roadblocks, parroting, length, focus, validation, double_sided, nonverbal, all_of, any_of)
REGISTRY: dict[str, Evaluator] = {module.KIND: module.evaluate for module in MODULES}
# Compositions run after the rules they combine.
COMPOSITIONS = frozenset(module.KIND for module in MODULES if getattr(module, "COMPOSITION", False))
