"""The `nonverbal` rule kind: the reply notices what the client shows without words."""

from __future__ import annotations

from typing import ClassVar

from empathy_coach.banks.kinds.base import RuleBase


class NonverbalRule(RuleBase, tag="nonverbal"):
    """The reply notices the turn's `nonverbal` cue: a `nonverbal_markers` phrase of a `markers`
    lexicon ("I notice", "I can see"), or a word of the cue itself. Without a cue on the turn the
    rule does not apply.

    Passes:

    ```yaml
    turn:
      client: It's fine, really.
      nonverbal: looks down, voice shaking
    reply: I notice your voice is shaking as you say that.
    rules:
      - {id: notices-cue, kind: nonverbal}
    ```

    Fails:

    ```yaml
    turn:
      client: It's fine, really.
      nonverbal: looks down, voice shaking
    reply: Okay, so it's fine.
    rules:
      - {id: notices-cue, kind: nonverbal}
    ```
    """

    LEXICON_ROLE: ClassVar[str | None] = "markers"
    lexicon: str = "markers"


RULE = NonverbalRule
