"""The `statement` rule kind: the reply is a statement, not a question."""

from __future__ import annotations

from msgspec import field

from empathy_coach.banks.fields import NonEmptyStr
from empathy_coach.banks.kinds.base import RuleBase


class StatementRule(RuleBase, tag="statement"):
    """The reply reflects with a statement instead of asking: its primary act (the one the client
    will answer) is not a question.

    `allow_checking_question` lets a short checking question follow a reflection ("..., is that
    it?"); `require_reflection` passes only a reflection, not advice or information stated;
    `welcome_questions` names questions that belong to the target (a safety rubric's direct
    question after a reflection).

    Passes:

    ```yaml
    client: I don't know if I can face going back to work.
    reply: Going back feels like too much right now.
    rules:
      - {id: is-a-statement, kind: statement}
    ```

    Fails:

    ```yaml
    client: I don't know if I can face going back to work.
    reply: Why don't you want to go back?
    rules:
      - {id: is-a-statement, kind: statement}
    ```
    """

    allow_checking_question: bool = True
    require_reflection: bool = False  # only a reflection passes, not advice or information stated
    # A question naming one of these (after a reflection, with no negation leading to it) is part of the
    # target, not a question instead of reflecting: "..., I wonder if you're having thoughts of ending your life?"
    welcome_questions: list[NonEmptyStr] = field(default_factory=list)


RULE = StatementRule
