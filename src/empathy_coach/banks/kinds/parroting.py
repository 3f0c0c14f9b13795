"""The `parroting` rule kind: the reply is not the client's words given back verbatim."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from empathy_coach.banks.kinds.base import RuleBase


class ParrotingRule(RuleBase, tag="parroting"):
    """The reply does not repeat the client's statement word for word.

    The share of the reply's content words (not stop words) that stand in runs of at least `ngram`
    words copied from the client must stay below `max_overlap`; with `min_client_share` above 0,
    the copy must also cover that share of the client's own content words to count (a selective
    repeat of key words is a simple reflection, not parroting).

    Passes:

    ```yaml
    client: I feel like nobody at home ever listens to a word I say.
    reply: You feel unheard by your family.
    rules:
      - {id: own-words, kind: parroting}
    ```

    Fails:

    ```yaml
    client: I feel like nobody at home ever listens to a word I say.
    reply: You feel like nobody at home ever listens to a word you say.
    rules:
      - {id: own-words, kind: parroting}
    ```
    """

    # The share of the reply's content words (not stop words) that stand in runs of at least
    # `ngram` words copied verbatim from the client's statement.
    max_overlap: Annotated[float, Meta(gt=0, le=1)] = 0.7
    ngram: Annotated[int, Meta(ge=2, le=8)] = 4
    # ...and when the copied words are at least this share of the client's own content words: a
    # selective repeat of the key words ("You want to be off them, and you're scared to be off them")
    # is a simple reflection; giving the statement back whole is parroting. 0 judges the reply alone.
    min_client_share: Annotated[float, Meta(ge=0, le=1)] = 0.0


RULE = ParrotingRule
