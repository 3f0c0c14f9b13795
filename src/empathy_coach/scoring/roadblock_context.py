"""Roadblock words that are not the counsellor's roadblock.

A roadblock phrase inside a reply can be the client's own words given back, a belief or an order
reported ("you tell your son to..."), an inferred feeling ("you must feel trapped") or a negated
dismissal. These checks tell them apart for the scorer's roadblock findings.
"""

from __future__ import annotations

from empathy_coach.scoring.lexicon import Match
from empathy_coach.scoring.tables import Lexicons
from empathy_coach.scoring.text import Analysis, Token, stem

_SECOND = frozenset({"you", "your", "yours", "yourself", "yourselves"})


_LEAD_FILLERS = frozenset({"and", "but", "so", "well", "okay", "ok", "yeah", "yes", "right", "now", "also", "oh", "just", "honestly", "look", "listen",
                           "alright", "sure", "hey", "hmm", "mm"})


_INFERENCE_VERBS = frozenset({"feel", "be", "have", "sound", "seem", "wonder", "hurt", "ache"})


_REPORTING = frozenset({"how", "know", "feel", "feeling", "felt", "like", "if", "though", "means", "think", "thinking", "believe", "that", "worried",
                        "afraid", "scared", "told", "telling", "tell", "tells", "say", "saying", "said", "wonder", "wondering", "hear", "heard", "want",
                        "wants", "wish", "wishes", "is", "was"})


def echoes_client(reply: Analysis, match: Match, client: Analysis | None, lex: Lexicons) -> bool:
    """The client's own 'at least...' given back inside a reflection is theirs, not the counsellor's reassurance
    (at the start of a sentence the same words are the counsellor's own: 'Don't dwell on it')."""
    if client is None:
        return False
    sentence = reply.sentences[reply.tokens[match.first].sentence]
    if all(t.text in _LEAD_FILLERS for t in reply.tokens[sentence.first : match.first] if t.word):
        return False
    said = tuple(t.stem for t in reply.tokens[match.first : match.last] if t.word)
    if not said or said[0] not in client.stems():
        return False
    stems = [t.stem for t in client.tokens if t.word]
    n = len(said)
    return any(tuple(stems[i : i + n]) == said for i in range(len(stems) - n + 1) if stems[i] == said[0])


def not_the_counsellors(reply: Analysis, match: Match, client: Analysis | None = None, lex: Lexicons | None = None) -> bool:
    """Roadblock words that are not a roadblock: an inferred feeling ('you must feel trapped'),
    a negated dismissal ('you're not ready to move on'), the client's own words given back."""
    soothing = match.category in ("reassuring", "withdrawing")
    if lex is not None and soothing and (echoes_client(reply, match, client, lex) or _their_generalisation(reply, match, client)):
        return True
    tokens = reply.tokens
    after = tokens[match.last].text if match.last < len(tokens) else ""
    if match.phrase.split()[-1] in ("must",) and after in _INFERENCE_VERBS:
        return True
    if match.category in ("ordering", "advising", "moralizing", "persuading", "warning") and (_arrives(reply, match) or _told_to(reply, match)):
        return True
    if match.category in ("ordering", "advising") and _narrated(reply, match):
        return True
    if match.category == "interpreting" and client is not None and _reported(reply, match):
        return True  # 'a bit insulting, like the problem is you': how it landed for the client
    evaluating = match.category in ("judging", "moralizing", "disagreeing", "praising", "ordering", "advising")
    if evaluating and client is not None and (_reported_judgement(reply, match) or _gives_back(reply, match, client)):
        return True
    return match.negated and match.category in ("withdrawing", "reassuring", "judging")


def _reported(reply: Analysis, match: Match) -> bool:
    """'You must feel trapped' infers a feeling; 'as if you should be over it' reports a belief: neither is advice."""
    tokens = reply.tokens
    after = tokens[match.last].text if match.last < len(tokens) else ""
    if match.phrase.split()[-1] in ("must", "should") and after in _INFERENCE_VERBS:
        return True
    if match.phrase.endswith(" is") and after == "for":  # "what you need is for someone to listen"
        return True
    before = []
    for t in reversed(tokens[max(0, match.first - 3) : match.first]):
        if not t.word:
            break  # a report does not reach across a comma or a semicolon
        before.append(t.text)
    if match.category in ("persuading", "reassuring", "withdrawing", "interpreting"):
        return any(w in _REPORTING and w not in ("is", "was", "that") for w in before)
    return any(w in _REPORTING for w in before)


# After '(have) got to', 'have to', 'need to': a noun phrase, not the verb of an obligation.
_NOT_A_VERB = frozenset("a an the this that these those where here there my your his her its our their some no such every each".split())


_NARRATING_ENDINGS = ("ing", "ed")


def _narrated(reply: Analysis, match: Match) -> bool:
    """'For you, weed is about calming down': the verb of an order ('calm down') in its -ing or -ed form
    tells what someone does or did; an order or a piece of advice is said in the verb's plain form."""
    said = reply.tokens[match.first].text
    written = match.phrase.split()[0].lower().rstrip("~")
    return said != written and said.endswith(_NARRATING_ENDINGS) and not written.endswith(_NARRATING_ENDINGS)


def _arrives(reply: Analysis, match: Match) -> bool:
    """'You've got to a place where...': 'got to' followed by where one got, not by what one must do."""
    words = match.phrase.split()
    if len(words) < 2 or words[-1] != "to" or words[-2] not in ("got", "have", "need") or match.last >= len(reply.tokens):
        return False
    return reply.tokens[match.last].text in _NOT_A_VERB


# The client's 'I', 'my', 'am' come back as 'you', 'your', 'are'.
_PERSON = {"you": ("i", "me", "you"), "your": ("my", "your"), "yours": ("mine", "yours"), "yourself": ("myself", "yourself"),
           "are": ("am", "are", "is"), "were": ("was", "were"), "have": ("have", "has", "had"), "has": ("have", "has")}


_FILLER_WORDS = frozenset({"really", "just", "actually", "still", "so", "very", "literally", "honestly"})


def _echo(tokens: list[Token], client: Analysis | None, min_words: int = 2) -> bool:
    """Whether `tokens` are the client's own words with the person shifted ('I could ask' -> 'you could ask',
    'I am strong' -> 'you're strong'); intensifiers may differ on either side."""
    if client is None:
        return False
    said = [t for t in tokens if t.word and t.text not in _FILLER_WORDS]
    if len(said) < min_words:
        return False
    options = [tuple(stem(w) for w in _PERSON[t.text]) if t.text in _PERSON else (t.stem,) for t in said]
    memo = client.memo.get("_echo_stems")
    if memo is None:
        memo = client.memo["_echo_stems"] = [t.stem for t in client.tokens if t.word and t.text not in _FILLER_WORDS]
    stems = memo
    n = len(options)
    first = options[0]
    for i in range(len(stems) - n + 1):
        if stems[i] in first and all(stems[i + j] in options[j] for j in range(1, n)):
            return True
    return False


def _gives_back(reply: Analysis, match: Match, client: Analysis | None) -> bool:
    """A roadblock's or an affirmation's words that the client said of themselves: a reflection of them.
    'you never ...' counts when the client's own 'never' came with the same verb ('I literally never put it down')."""
    if client is None:
        return False
    tokens = reply.tokens
    words = [t for t in tokens[match.first : match.last] if t.word]
    last = words[-1].text if words else ""
    if last in ("never", "always") and match.last < len(tokens) and tokens[match.last].word:
        if tokens[match.last].text in _EXPECTING:
            return True  # 'You never pictured yourself in this chair': what the client expected, not a habit blamed
        before = tokens[match.first - 1] if match.first else None
        if before is not None and before.word and before.text not in ("and", "but", "so", "now", "then", "because", "yet", "or", "just"):
            return True  # 'somewhere you never see': a relative clause, not 'You never listen'
        following = tokens[match.last].stem
        stems = [t.stem for t in client.tokens if t.word]
        # the client's own 'I (literally) never put it down', not their 'You never listen' about someone else
        return any(s == last and following in stems[i + 1 : i + 4] and "i" in stems[max(0, i - 3) : i] for i, s in enumerate(stems))
    if len(words) < 2 or words[0].text not in _SECOND:
        return False
    sentence = reply.sentences[tokens[match.first].sentence]
    if all(t.text in _LEAD_FILLERS for t in tokens[sentence.first : match.first] if t.word):
        return False  # opening the sentence, the client's own verdict becomes the counsellor's ('You should know better')
    return _echo(words, client)


def _reported_judgement(reply: Analysis, match: Match) -> bool:
    """A judgement someone else makes, or one the client fears: 'you're hearing that it's all your fault',
    'people telling you you're the problem', 'some of you feels it's wrong to be angry', 'if you mess up'."""
    before = []
    for t in reversed(reply.tokens[max(0, match.first - 5) : match.first]):
        if not t.word:
            break
        before.append(t.text)
    if before[:1] and before[0] in ("if", "when", "whether"):
        return True
    return any(w in _HEARSAY for w in before)


_EXPECTING = frozenset("pictured imagined thought expected dreamed dreamt planned meant wanted chose asked saw guessed knew".split())


_HEARSAY = frozenset({"hear", "hearing", "heard", "told", "telling", "tell", "tells", "say", "says", "saying", "said", "feel", "feels", "felt",
                      "feeling", "think", "thinks", "thinking", "worry", "worried", "afraid", "scared", "fear", "wonder", "wondering", "believe", "believes"})


def _told_to(reply: Analysis, match: Match) -> bool:
    """'You tell your Year 9s to put their phones away': an order reported, not given."""
    tokens = reply.tokens
    if match.first == 0 or tokens[match.first - 1].text != "to":
        return False
    for t in reversed(tokens[max(0, match.first - 6) : match.first - 1]):
        if not t.word:
            return False
        if t.text in ("tell", "tells", "told", "telling", "ask", "asks", "asked", "want", "wants", "wanted", "expect", "expects", "expected", "remind",
                      "reminds"):
            return True
    return False


_EVERYONE = frozenset({"everyone", "everybody"})


def _their_generalisation(reply: Analysis, match: Match, client: Analysis | None) -> bool:
    """'Everyone has an opinion on how you should be grieving' after 'Everyone's got something to say about how
    I should be doing it': the client's own complaint about everyone, given back about the client, not the
    counsellor's 'everyone has bad days'."""
    if client is None or match.phrase.split()[0] not in _EVERYONE:
        return False
    if not any(t.text in _EVERYONE for t in client.tokens):
        return False
    sentence = reply.sentences[reply.tokens[match.first].sentence]
    return any(t.text in _SECOND for t in reply.tokens[match.last : sentence.last])

