"""The `validation` rule kind: the reply does not dismiss the client's feeling."""

from __future__ import annotations

from typing import ClassVar

from empathy_coach.banks.kinds.base import RuleBase


class ValidationRule(RuleBase, tag="validation"):
    """The reply does not dismiss the feeling (`dismissing` phrases of a `markers` lexicon: "don't
    worry", "at least"); with `require: true` it must also validate it (`validation` phrases: "it
    makes sense that...").

    Passes:

    ```yaml
    client: I'm scared I'll mess up the interview.
    reply: It makes sense that you're nervous, it matters a lot to you.
    rules:
      - {id: does-not-dismiss, kind: validation}
    ```

    Fails:

    ```yaml
    client: I'm scared I'll mess up the interview.
    reply: At least you got an interview.
    rules:
      - {id: does-not-dismiss, kind: validation}
    ```
    """

    LEXICON_ROLE: ClassVar[str | None] = "markers"
    lexicon: str = "markers"
    require: bool = False


RULE = ValidationRule
