"""The `focus` rule kind: the reply stays with the client, not the counsellor."""

from __future__ import annotations

from typing import ClassVar

from empathy_coach.banks.kinds.base import RuleBase


class FocusRule(RuleBase, tag="focus"):
    """The reply is about the client, not about the counsellor: no `self_focus` phrase of a
    `markers` lexicon ("when I was your age", "that reminds me of"), and not more first-person
    words than second-person ones.

    Passes:

    ```yaml
    client: My dog died on Sunday.
    reply: You're missing him terribly.
    rules:
      - {id: stays-with-client, kind: focus}
    ```

    Fails:

    ```yaml
    client: My dog died on Sunday.
    reply: I know how that feels, I lost my dog last year and I cried for weeks.
    rules:
      - {id: stays-with-client, kind: focus}
    ```
    """

    LEXICON_ROLE: ClassVar[str | None] = "markers"
    lexicon: str = "markers"


RULE = FocusRule
