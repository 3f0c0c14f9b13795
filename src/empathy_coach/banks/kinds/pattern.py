"""The `pattern` rule kind: words, phrases or regular expressions the reply must (or must not) use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from msgspec import field

from empathy_coach.banks.fields import NonEmptyStr
from empathy_coach.banks.kinds.base import RuleBase, RuleProblem
from empathy_coach.banks.regex import regex_problem


class PatternRule(RuleBase, tag="pattern"):
    """Require or forbid words, phrases or regular expressions in the reply.

    Phrases match on word stems by default (`stem: false` for exact words); a regex is matched
    case-insensitively within each sentence. `mode: require` passes when any phrase or regex is
    found; `mode: forbid` fails when any is. A rule needs `phrases` or `regex`.

    Passes:

    ```yaml
    client: I keep putting off calling my sister.
    reply: It sounds like that call weighs on you.
    rules:
      - {id: tentative, kind: pattern, phrases: [it sounds like, it seems], mode: require}
    ```

    Fails:

    ```yaml
    client: I keep putting off calling my sister.
    reply: You should just call her tonight.
    rules:
      - {id: no-should, kind: pattern, phrases: [you should], mode: forbid}
    ```
    """

    phrases: list[NonEmptyStr] = field(default_factory=list)
    regex: list[NonEmptyStr] = field(default_factory=list)
    mode: Literal["require", "forbid"] = "require"
    stem: bool = True

    def problems(self) -> Iterator[RuleProblem]:
        if not self.phrases and not self.regex:
            yield (), "a 'pattern' rule needs 'phrases' or 'regex'", "schema"
        for index, pattern in enumerate(self.regex):
            reason = regex_problem(pattern)
            if reason:
                yield ("regex", index), reason, "regex"


RULE = PatternRule
