"""The `double_sided` rule kind: the reply holds both sides of the client's ambivalence."""

from __future__ import annotations

from typing import ClassVar

from empathy_coach.banks.kinds.base import RuleBase


class DoubleSidedRule(RuleBase, tag="double_sided"):
    """The reply gives back both sides of the turn's `sides` (the two things the client wants),
    joined so that neither cancels the other ("and at the same time", not "but"). A reply that
    holds two sides by its structure (`two_sides` frames of a `markers` lexicon) earns part credit.
    Without `sides` on the turn the rule does not apply.

    Passes:

    ```yaml
    turn:
      client: I want to quit drinking, but it's the only thing that helps me relax.
      sides: [quit drinking, helps you relax]
    reply: Part of you wants to quit drinking, and at the same time it helps you relax.
    rules:
      - {id: holds-both-sides, kind: double_sided}
    ```

    Fails:

    ```yaml
    turn:
      client: I want to quit drinking, but it's the only thing that helps me relax.
      sides: [quit drinking, helps you relax]
    reply: You want to quit drinking.
    rules:
      - {id: holds-both-sides, kind: double_sided}
    ```
    """

    LEXICON_ROLE: ClassVar[str | None] = "markers"
    lexicon: str = "markers"
    related: str = ""  # a lexicon of related words, as for `content`


RULE = DoubleSidedRule
