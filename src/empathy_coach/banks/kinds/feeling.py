"""The `feeling` rule kind: the reply names the client's feeling."""

from __future__ import annotations

from typing import Annotated, ClassVar

from msgspec import Meta

from empathy_coach.banks.kinds.base import RuleBase


class FeelingRule(RuleBase, tag="feeling"):
    """The reply names the feeling the client has: the turn's `emotions`, or (without a scenario)
    the feeling words of the client's statement, from an `emotions` lexicon.

    Naming the same word, or a word of the same family at a fitting intensity, earns full credit;
    a word of the same family at another intensity earns `family_credit`. A feeling the client does
    not have, or a negated one ("you're not angry"), earns nothing. Without a feeling to name the
    rule does not apply.

    Passes:

    ```yaml
    client: I'm so worried about the biopsy results.
    reply: You're anxious about what the results will say.
    rules:
      - {id: names-feeling, kind: feeling}
    ```

    Fails:

    ```yaml
    client: I'm so worried about the biopsy results.
    reply: The results come next week.
    rules:
      - {id: names-feeling, kind: feeling}
    ```
    """

    LEXICON_ROLE: ClassVar[str | None] = "emotions"
    lexicon: str = "emotions"
    family_credit: Annotated[float, Meta(ge=0, le=1)] = 0.6


RULE = FeelingRule
