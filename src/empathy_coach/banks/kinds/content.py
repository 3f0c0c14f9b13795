"""The `content` rule kind: the reply gives back what the client said."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from empathy_coach.banks.kinds.base import RuleBase


class ContentRule(RuleBase, tag="content"):
    """The reply carries the key points of what the client said: the turn's `content` points
    (with their synonyms), or (without a scenario) the content words of the client's statement.

    The score is the share of points carried; the rule passes at `min_coverage`. `related` names a
    lexicon of groups of related words (job ~ work): a reply's word in the same group as a content
    word carries it.

    Passes:

    ```yaml
    client: My boss keeps piling work on me and I never get home before nine.
    reply: Your boss keeps adding work, and the late nights are wearing you down.
    rules:
      - {id: gives-back-content, kind: content, min_coverage: 0.3}
    ```

    Fails:

    ```yaml
    client: My boss keeps piling work on me and I never get home before nine.
    reply: That sounds hard.
    rules:
      - {id: gives-back-content, kind: content, min_coverage: 0.3}
    ```
    """

    min_coverage: Annotated[float, Meta(ge=0, le=1)] = 0.5
    # A lexicon of groups of words related in meaning (job ~ work, mum ~ mother): a reply's word
    # in the same group as a content word carries it. Empty: spelling (word stems) and synonyms only.
    related: str = ""


RULE = ContentRule
