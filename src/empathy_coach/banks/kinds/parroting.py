"""The `parroting` rule kind: the reply is not the client's words given back verbatim."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from empathy_coach.banks.kinds.base import RuleBase
from empathy_coach.banks.kinds.context import Outcome, ReplyContext, quote


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
    # ...or when at least this many of the client's content words are copied (in runs of `ngram`),
    # whatever their share: clauses given back from a long statement are parroting too. 0 leaves it
    # to the share.
    min_copied: Annotated[int, Meta(ge=0)] = 0


RULE = ParrotingRule


# Person and "to be" compared as one, in both texts: "I" given back as "you" is still the client's words,
# and so is the client's own "you".
_PERSON = {"i": "\x00p", "me": "\x00p", "you": "\x00p", "my": "\x00pp", "your": "\x00pp", "mine": "\x00pq", "yours": "\x00pq",
           "myself": "\x00ps", "yourself": "\x00ps", "am": "\x00be", "are": "\x00be", "was": "\x00was", "were": "\x00was"}
_CLIENT_PERSON = _REPLY_PERSON = _PERSON


def evaluate(rule: ParrotingRule, ctx: ReplyContext) -> Outcome | None:
    """The share of the reply's content words that stand in verbatim runs of `ngram` or more words
    from the client's statement. 'So you're saying your mum died in March and everyone expects you
    to be over it' repeats every content word; 'You still reach for her in the small things' none."""
    if ctx.client is None:
        return None
    n = rule.ngram
    key = ("parroting", n)
    cached = ctx.client.memo.get(key)
    if cached is None:
        # "I" given back as "you" is still the client's words: person and "am/are" are compared as one.
        client_words = [_CLIENT_PERSON.get(t.text, t.text) for t in ctx.client.tokens if t.word]
        grams = {tuple(client_words[i : i + n]) for i in range(len(client_words) - n + 1)}
        client_content = frozenset(t.stem for t in ctx.client.tokens if t.word and t.text not in ctx.stopwords and len(t.text) > 2)
        cached = ctx.client.memo[key] = (grams, client_content)
    grams, client_content = cached
    reply_tokens = [t for t in ctx.reply.tokens if t.word]
    content = [t.text not in ctx.stopwords and len(t.text) > 2 for t in reply_tokens]
    if len(reply_tokens) < n or not grams or not any(content):
        return Outcome(1.0, True, [], {"overlap": "0%"}, "in the counsellor's own words")
    reply_words = [_REPLY_PERSON.get(t.text, t.text) for t in reply_tokens]
    copied = [False] * len(reply_tokens)
    for i in range(len(reply_tokens) - n + 1):
        if tuple(reply_words[i : i + n]) in grams:
            for k in range(i, i + n):
                copied[k] = True
    copied_words = {t.stem for t, c, w in zip(reply_tokens, copied, content, strict=False) if c and w}
    share = sum(1 for c, w in zip(copied, content, strict=False) if c and w) / sum(content)
    copied_client = len(copied_words & client_content)
    client_share = copied_client / len(client_content) if client_content else 0.0
    by_share = client_share >= rule.min_client_share
    spans = _runs(reply_tokens, copied)
    values = {"overlap": f"{share:.0%}", "found": quote(ctx, spans), "client_share": f"{client_share:.0%}"}
    if share > rule.max_overlap and (by_share or 0 < rule.min_copied <= copied_client):
        told = f"{client_share:.0%} of the client's" if by_share else f"{copied_client} of the client's words"
        return Outcome(0.0, False, spans, values, f"{share:.0%} of the content words repeated word for word ({told})")
    return Outcome(1.0, True, [], values, f"{share:.0%} of the content words repeated verbatim")


def _runs(tokens, flags: list[bool]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = None
    for token, flag in zip(tokens, flags, strict=False):
        if flag and start is None:
            start = token.start
        if flag:
            end = token.end
        if not flag and start is not None:
            spans.append((start, end))
            start = None
    if start is not None:
        spans.append((start, end))
    return spans
