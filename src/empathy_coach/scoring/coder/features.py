"""Named features of one sentence: small functions the learned decision layer weighs.

Each feature returns None when it does not fire, or a `Hit`: a value (1.0 for a yes) and the
character span of the words that made it fire, so an act can show the words behind its code.
Every docstring gives one sentence on which the feature fires ("Passes:") and one on which it
does not ("Fails:"); `tests/test_coder_features.py` runs them. The word and phrase lists the
features read are cue categories of `prompts/lexicons/coder-cues.yaml`, never lists in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from empathy_coach.scoring.coder.segment import Segment
from empathy_coach.scoring.text import client_used


@dataclass(frozen=True, slots=True)
class Hit:
    value: float
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Feature:
    id: str
    label: str  # what it means, in words, for feedback
    function: Callable[[Segment], Hit | None]
    needs: str | None = None  # a cue category without which it cannot fire (skipped cheaply)


FEATURES: list[Feature] = []


def feature(label: str, needs: str | None = None) -> Callable[[Callable[[Segment], Hit | None]], Callable[[Segment], Hit | None]]:
    def register(function: Callable[[Segment], Hit | None]) -> Callable[[Segment], Hit | None]:
        FEATURES.append(Feature(function.__name__, label, function, needs))
        return function

    return register


def _hit(seg: Segment, first: int = 0, last: int | None = None, value: float = 1.0) -> Hit:
    start, end = seg.span(first, last)
    return Hit(value, start, end)


def _match_hit(match) -> Hit:
    return Hit(1.0, match.start, match.end)


def _any_cue(seg: Segment, category: str, *, unnegated: bool = False) -> Hit | None:
    for match in seg.cue(category):
        if unnegated and match.negated:
            continue
        return _match_hit(match)
    return None


def _lead_cue(seg: Segment, category: str) -> Hit | None:
    match = seg.cue_at(category, seg.lead)
    return _match_hit(match) if match is not None else None


def _is_question_mark(seg: Segment) -> bool:
    return seg.terminal == "?"


# ---------------------------------------------------------------- form: questions and statements


@feature("ends with a question mark")
def question_mark(seg: Segment) -> Hit | None:
    """Passes: "How did that feel?"  Fails: "That felt heavy."
    """
    if _is_question_mark(seg):
        return _hit(seg, len(seg.words) - 1)
    return None


@feature("opens like a question (auxiliary verb first)")
def auxiliary_lead(seg: Segment) -> Hit | None:
    """Passes: "Did you tell her about it?"  Fails: "You told her about it."
    """
    if seg.cue_at("auxiliaries", seg.lead) and not seg.cue_at("subjects", seg.lead):
        return _hit(seg, seg.lead, seg.lead + 2)
    return None


@feature("opens with a question word", needs="wh_words")
def wh_lead(seg: Segment) -> Hit | None:
    """Passes: "So what happened next?"  Fails: "That is what happened next."
    """
    return _lead_cue(seg, "wh_words")


@feature("asks for one fact, a yes or a no", needs="closed_wh")
def closed_lead(seg: Segment) -> Hit | None:
    """Passes: "How long has this been going on?"  Fails: "How has this been for you?"
    """
    return _lead_cue(seg, "closed_wh")


@feature("its last clause turns into a question")
def question_clause_at_end(seg: Segment) -> Hit | None:
    """Passes: "You sound tired, what is keeping you up?"  Fails: "You sound tired, and it keeps you up."
    """
    if seg.last_clause <= seg.lead or not _is_question_mark(seg):
        return None
    if seg.cue_at("wh_words", seg.last_clause) or (seg.cue_at("auxiliaries", seg.last_clause) and not seg.cue_at("subjects", seg.last_clause)):
        return _hit(seg, seg.last_clause)
    return None


@feature("opens with a subject, as a statement does")
def statement_order(seg: Segment) -> Hit | None:
    """Passes: "You're feeling left out?"  Fails: "Are you feeling left out?"
    """
    if seg.cue_at("subjects", seg.lead) and not seg.cue_at("wh_words", seg.lead):
        return _hit(seg, seg.lead, seg.lead + 2)
    return None


@feature("a tag question that checks a statement")
def tag_question(seg: Segment) -> Hit | None:
    """Passes: "It has been a hard week, hasn't it?"  Fails: "Has it been a hard week?"
    """
    if not _is_question_mark(seg) or seg.last_clause == 0:
        return None
    tail = seg.texts[seg.last_clause :]
    if 1 <= len(tail) <= 3 and (seg.cue_at("tag_words", seg.last_clause) or seg.cue_at("auxiliaries", seg.last_clause)):
        return _hit(seg, seg.last_clause)
    return None


@feature("asks the client to say more", needs="open_requests")
def open_request(seg: Segment) -> Hit | None:
    """Passes: "Tell me more about what happened."  Fails: "Tell your sister what happened."
    """
    return _any_cue(seg, "open_requests")


@feature("advice phrased as a question", needs="advice_questions")
def advice_question(seg: Segment) -> Hit | None:
    """Passes: "Have you tried talking to your GP?"  Fails: "What have you tried so far?"
    """
    for match in seg.cue("advice_questions"):
        if match.start <= seg.words[seg.lead].start + 1 or (seg.last_clause and match.start == seg.words[seg.last_clause].start):
            return _match_hit(match)
    return None


# ---------------------------------------------------------------- directing


@feature("opens with a command")
def imperative_lead(seg: Segment) -> Hit | None:
    """Passes: "Call your sister tonight."  Fails: "You called your sister tonight."
    """
    i = seg.lead
    if seg.cue_at("imperative_verbs", i) and not seg.cue_at("subjects", i):
        if seg.cue_at("persons", i + 1) and not seg.cue_at("person_object_verbs", i):
            return None  # 'Try you...' is no sentence; 'tell you', 'let me' are
        return _hit(seg, i, i + 2)
    return None


@feature("a command after a condition or a comma")
def imperative_clause(seg: Segment) -> Hit | None:
    """Passes: "If it gets worse, call your doctor."  Fails: "If it gets worse, you call your doctor."
    """
    i = seg.last_clause
    if i > seg.lead and seg.cue_at("imperative_verbs", i) and not seg.cue_at("subjects", i):
        return _hit(seg, i, i + 2)
    return None


@feature("tells the client what they should or must do", needs="modal_directives")
def modal_directive(seg: Segment) -> Hit | None:
    """Passes: "You need to put yourself first."  Fails: "You feel you need nobody."
    """
    for match in seg.cue("modal_directives"):
        if seg.cue_at_token("reporting_words", match.first - 1):
            continue  # a belief reported ('you feel you need to...'), not a directive
        if seg.cue_at_token("inference_verbs", match.last):
            continue  # an inference ('you must feel trapped')
        return _match_hit(match)
    return None


@feature("a softened suggestion", needs="soft_directives")
def soft_directive(seg: Segment) -> Hit | None:
    """Passes: "It might be worth asking your GP."  Fails: "It might be worth nothing to him."
    """
    for match in seg.cue("soft_directives"):
        if match.negated:
            continue
        if match.phrase.endswith("worth") and seg.cue_at_token("worth_objects", match.last):
            continue  # 'worth nothing to him' values, it does not suggest
        return _match_hit(match)
    return None


@feature("warns of consequences", needs="warning")
def warning(seg: Segment) -> Hit | None:
    """Passes: "If you keep drinking like this, you will lose your job."  Fails: "You keep drinking to cope."
    """
    return _any_cue(seg, "warning")


@feature("asks permission or leaves the choice open", needs="permission")
def permission(seg: Segment) -> Hit | None:
    """Passes: "If you're open to it, some people find journaling helps."  Fails: "Journaling helps."
    """
    return _any_cue(seg, "permission")


@feature("says the choice is the client's", needs="autonomy")
def autonomy(seg: Segment) -> Hit | None:
    """Passes: "In the end it's your decision."  Fails: "In the end it's a hard decision."
    """
    return _any_cue(seg, "autonomy", unnegated=True)


@feature("invites working it out together", needs="collaboration")
def collaboration(seg: Segment) -> Hit | None:
    """Passes: "Maybe we could look at this together."  Fails: "Maybe he could look at this."
    """
    return _any_cue(seg, "collaboration")


@feature("says what would help or pay off", needs="benefit")
def benefit(seg: Segment) -> Hit | None:
    """Passes: "Talking to someone you trust can help a lot."  Fails: "Talking to him never went well."
    """
    return _any_cue(seg, "benefit", unnegated=True)


@feature("says what is important or necessary", needs="importance")
def importance(seg: Segment) -> Hit | None:
    """Passes: "It is important to set limits with him."  Fails: "He set limits with you."
    """
    return _any_cue(seg, "importance")


@feature("what the client can, could or might do", needs="modal_possibility")
def client_possibility(seg: Segment) -> Hit | None:
    """Passes: "You could write down what you want to say."  Fails: "You wrote down what you wanted to say."
    """
    for match in seg.cue("modal_possibility"):
        if seg.cue_at_token("inference_verbs", match.last) or seg.cue_at_token("limits", match.last):
            continue  # a feeling inferred or a limit named, not a course of action
        return _match_hit(match)
    return None


# ---------------------------------------------------------------- other moves


@feature("a sympathy or support formula", needs="sympathy")
def sympathy_formula(seg: Segment) -> Hit | None:
    """Passes: "I'm so sorry you're going through this."  Fails: "You're sorry you said it."
    """
    return _any_cue(seg, "sympathy", unnegated=True)


@feature("reassures, or offers a platitude", needs="reassurance")
def reassurance(seg: Segment) -> Hit | None:
    """Passes: "Don't worry, it'll be okay."  Fails: "You worry it won't be okay."
    """
    for match in seg.cue("reassurance"):
        if seg.cue_at_token("reporting_words", match.first - 1) or client_used(seg.reply, match.first, match.last, seg.client):
            continue  # the client's hope or fear, or their own words, given back
        return _match_hit(match)
    return None


@feature("praises the person in general terms", needs="praise")
def praise(seg: Segment) -> Hit | None:
    """Passes: "Great job, you're amazing!"  Fails: "You felt it wasn't a great job."
    """
    return _any_cue(seg, "praise", unnegated=True)


@feature("names a strength, effort or value", needs="affirm")
def strength(seg: Segment) -> Hit | None:
    """Passes: "It took real courage to tell him."  Fails: "It took him a week to tell you."
    """
    return _any_cue(seg, "affirm", unnegated=True)


@feature("a judgement of the client", needs="judgement")
def judgement(seg: Segment) -> Hit | None:
    """Passes: "You're letting them walk all over you."  Fails: "You're letting yourself rest for once."
    """
    for match in seg.cue("judgement"):
        if any(seg.cue_at_token("reporting_words", i) for i in range(max(0, match.first - 4), match.first)):
            continue  # a judgement someone made, or the client fears, given back
        if match.negated or client_used(seg.reply, match.first, match.last, seg.client):
            continue
        return _match_hit(match)
    return None


@feature("a judgement whose subject is the client")
def judges_client(seg: Segment) -> Hit | None:
    """Passes: "You're in denial about how much you drink."  Fails: "Your dad called you lazy."
    """
    hit = judgement(seg)
    if hit is None or not seg.cue("second_person"):
        return None
    return hit if client_subject(seg) is not None or seg.cue_at("demonstratives", seg.lead) else None


@feature("a statement about everyone, not about this client", needs="universal_subjects")
def universal_statement(seg: Segment) -> Hit | None:
    """Passes: "Everyone has bad days."  Fails: "Everyone at work ignores you."
    """
    match = seg.cue_at("universal_subjects", seg.lead)
    if match is None or seg.cue("second_person"):
        return None
    return _match_hit(match)


@feature("the counsellor speaks about their own life", needs="self_disclosure")
def self_disclosure(seg: Segment) -> Hit | None:
    """Passes: "When I was your age, I went through the same thing."  Fails: "When you were younger, you went through it."
    """
    return _any_cue(seg, "self_disclosure")


@feature("the counsellor gives their own view", needs="counselor_view")
def counselor_view(seg: Segment) -> Hit | None:
    """Passes: "In my experience, most couples get through this."  Fails: "In your experience, nothing helped."
    """
    return _any_cue(seg, "counselor_view")


@feature("talks about facts, services or people in general", needs="information")
def information_cue(seg: Segment) -> Hit | None:
    """Passes: "Research shows that therapy helps with anxiety."  Fails: "You feel nothing helps."
    """
    hits = seg.cue("information")
    if not hits:
        return None
    return Hit(min(1.0, len(hits) / 2), hits[0].start, hits[0].end)


@feature("a greeting, thanks or sign-off", needs="greetings")
def courtesy(seg: Segment) -> Hit | None:
    """Passes: "Thanks for reaching out, and best of luck."  Fails: "You reached out to your brother."
    """
    return _any_cue(seg, "greetings")


@feature("only a filler or back-channel", needs="backchannels")
def backchannel_only(seg: Segment) -> Hit | None:
    """Passes: "Mm-hmm."  Fails: "Mm-hmm, you lost your job."
    """
    covered = {t.start for m in seg.cue("backchannels") for t in seg.words if m.start <= t.start < m.end}
    if seg.words and len(covered) >= len({t.start for t in seg.words}):
        return _hit(seg)
    return None


@feature("changes the subject", needs="off_topic")
def off_topic(seg: Segment) -> Hit | None:
    """Passes: "Anyway, did you see the game last night?"  Fails: "You came anyway, and you keep thinking about the game."
    """
    for match in seg.cue("off_topic"):
        # A one-word turn ('anyway') changes the subject only where it opens a sentence or a clause.
        if match.last - match.first > 1 or match.first == 0 or not seg.reply.tokens[match.first - 1].word:
            return _match_hit(match)
    return None


# ---------------------------------------------------------------- about whom


@feature("speaks to the client (you, your)", needs="second_person")
def second_person(seg: Segment) -> Hit | None:
    """Passes: "Your week sounds heavy."  Fails: "The week sounds heavy."
    """
    hits = seg.cue("second_person")
    if hits:
        return Hit(min(1.0, len(hits) / 3), hits[0].start, hits[0].end)
    return None


@feature("the client is the subject")
def client_subject(seg: Segment) -> Hit | None:
    """Passes: "So you're the one who always says yes."  Fails: "So I'm the one who always says yes."
    """
    if seg.cue_at("second_person", seg.lead):
        return _hit(seg, seg.lead, seg.lead + 2)
    return None


@feature("the counsellor is the subject")
def counselor_subject(seg: Segment) -> Hit | None:
    """Passes: "I was thinking about my own mother."  Fails: "You were thinking about your mother."
    """
    if seg.cue_at("first_person", seg.lead):
        return _hit(seg, seg.lead, seg.lead + 2)
    return None


@feature("speaks of us, or we", needs="first_plural")
def first_plural(seg: Segment) -> Hit | None:
    """Passes: "We could take this one step at a time."  Fails: "You could take this one step at a time."
    """
    return _any_cue(seg, "first_plural")


@feature("about other people or people in general", needs="third_person")
def third_person_lead(seg: Segment) -> Hit | None:
    """Passes: "Many people feel lost after a move."  Fails: "You feel lost after the move."
    """
    return _lead_cue(seg, "third_person")


@feature("opens with a condition", needs="conditional")
def conditional_lead(seg: Segment) -> Hit | None:
    """Passes: "If you grew up caring for everyone, it's easy to lose yourself."  Fails: "You grew up caring for everyone."
    """
    return _lead_cue(seg, "conditional")


# ---------------------------------------------------------------- reflecting


@feature("a reflective stem", needs="reflective_stems")
def reflective_stem(seg: Segment) -> Hit | None:
    """Passes: "It sounds like you're running on empty."  Fails: "It looks rainy today."
    """
    return _any_cue(seg, "reflective_stems")


@feature("names a feeling")
def feeling_named(seg: Segment) -> Hit | None:
    """Passes: "You're exhausted."  Fails: "You're at work."
    """
    for match in seg.feelings:
        if not match.negated:
            return _match_hit(match)
    return None


@feature("gives a feeling back as the client's")
def feeling_reflected(seg: Segment) -> Hit | None:
    """Passes: "That sounds frustrating."  Fails: "I feel frustrated with him."
    """
    feeling = feeling_named(seg)
    if feeling is None or seg.cue_at("first_person", seg.lead) or seg.cue("sympathy"):
        return None
    if client_subject(seg) is not None or seg.cue_at("demonstratives", seg.lead) or seg.cue("reflective_stems"):
        return feeling
    return None


@feature("names a feeling the client did not name")
def new_feeling(seg: Segment) -> Hit | None:
    """Passes: "You feel betrayed." after "She told everyone my secret."  Fails: "You feel betrayed." after "I feel betrayed."
    """
    if seg.client is None:
        return None
    stems = seg.client.stems()
    for match in seg.feelings:
        words = [t.stem for t in seg.reply.tokens[match.first : match.last] if t.word]
        if not match.negated and words and not all(w in stems for w in words):
            return _match_hit(match)
    return None


def _content(seg: Segment) -> list:
    from empathy_coach.scoring.text import STOPWORDS

    return [t for t in seg.words if t.text not in STOPWORDS and len(t.text) > 2]


@feature("gives back the client's words")
def client_overlap(seg: Segment) -> Hit | None:
    """Passes: "You lost your job last week." after "I lost my job last week."  Fails: "The weather is nice." after "I lost my job."
    """
    if seg.client is None:
        return None
    content = _content(seg)
    if not content:
        return None
    stems = seg.client.content_stems()
    shared = [t for t in content if t.stem in stems]
    if not shared:
        return None
    return Hit(len(shared) / len(content), shared[0].start, shared[-1].end)


@feature("adds words the client did not use")
def adds_meaning(seg: Segment) -> Hit | None:
    """Passes: "Underneath the anger there's a lot of hurt." after "I'm so angry at him."  Fails: "You're angry at him." after "I'm so angry at him."
    """
    if seg.client is None:
        return None
    content = _content(seg)
    stems = seg.client.content_stems()
    new = [t for t in content if t.stem not in stems]
    if len(new) < 2:
        return None
    return Hit(min(1.0, len(new) / 6), new[0].start, new[-1].end)


@feature("repeats a run of the client's own words")
def verbatim_run(seg: Segment) -> Hit | None:
    """Passes: "You keep replaying what you said at the wedding." after "I keep replaying what I said at the wedding."
    Fails: "The wedding still weighs on you." after "I keep replaying what I said at the wedding."
    """
    if seg.client is None:
        return None
    bigrams = seg.client.memo.get("_coder_bigrams")
    if bigrams is None:
        client_stems = [t.stem for t in seg.client.tokens if t.word]
        bigrams = seg.client.memo["_coder_bigrams"] = {(a, b) for a, b in zip(client_stems, client_stems[1:], strict=False)}
    if not bigrams:
        return None
    best = run = 0
    best_end = 0
    stems = [t.stem for t in seg.words]
    for i in range(1, len(stems)):
        if (stems[i - 1], stems[i]) in bigrams:
            run += 1
            if run > best:
                best, best_end = run, i
        else:
            run = 0
    if best < 3:
        return None
    return _hit(seg, best_end - best, best_end + 1, value=min(1.0, best / 8))


@feature("holds two sides at once", needs="two_sides")
def two_sides(seg: Segment) -> Hit | None:
    """Passes: "Part of you wants to stay, and part of you is ready to go."  Fails: "You want to stay."
    """
    return _any_cue(seg, "two_sides")


@feature("an image or metaphor", needs="metaphor")
def metaphor(seg: Segment) -> Hit | None:
    """Passes: "It's like you're carrying the whole family on your back."  Fails: "You support the whole family."
    """
    return _any_cue(seg, "metaphor")


@feature("a tentative guess", needs="tentative")
def tentative(seg: Segment) -> Hit | None:
    """Passes: "Maybe part of you is relieved."  Fails: "Part of you is relieved."
    """
    return _any_cue(seg, "tentative")


@feature("reaches for meaning under the words", needs="meaning_words")
def meaning(seg: Segment) -> Hit | None:
    """Passes: "What matters most is that he still sees you."  Fails: "He sees you on Tuesdays."
    """
    return _any_cue(seg, "meaning_words")


@feature("a negation", needs="negations")
def negation(seg: Segment) -> Hit | None:
    """Passes: "It's not that you don't care."  Fails: "You care."
    """
    return _any_cue(seg, "negations")


# ---------------------------------------------------------------- shape


@feature("a very short sentence")
def very_short(seg: Segment) -> Hit | None:
    """Passes: "Rough week."  Fails: "It has been a rough week with the kids and work."
    """
    return _hit(seg) if len({t.start for t in seg.words}) <= 3 else None


@feature("a long sentence")
def long_sentence(seg: Segment) -> Hit | None:
    """Passes: "When you think about the move and your mum and the job all at once, it feels like there is no room left for anything \
of your own, and you are tired."
    Fails: "You're tired."
    """
    n = len({t.start for t in seg.words})
    return _hit(seg, value=min(1.0, (n - 20) / 20)) if n > 20 else None


@feature("ends with an exclamation mark")
def exclamation(seg: Segment) -> Hit | None:
    """Passes: "You did it!"  Fails: "You did it."
    """
    return _hit(seg, len(seg.words) - 1) if seg.terminal == "!" else None


@feature("the last sentence of the reply")
def last_sentence(seg: Segment) -> Hit | None:
    """Passes: "You're tired. What keeps you up?"  Fails: "You're tired."
    """
    return _hit(seg) if seg.index == seg.count - 1 and seg.count > 1 else None


@feature("the first sentence of a longer reply")
def first_of_many(seg: Segment) -> Hit | None:
    """Passes: "You're tired. What keeps you up?"  Fails: "You're tired."
    """
    return _hit(seg) if seg.index == 0 and seg.count > 1 else None


FEATURE_BY_ID = {f.id: f for f in FEATURES}


def named_features(seg: Segment) -> dict[str, Hit]:
    """Every named feature that fires on the segment."""
    found: dict[str, Hit] = {}
    cues = seg.cues
    for item in FEATURES:
        if item.needs is not None and item.needs not in cues:
            continue
        hit = item.function(seg)
        if hit is not None and hit.value > 0:
            found[item.id] = hit
    return found


def lexical_features(seg: Segment) -> list[str]:
    """Word features: the lead's first one and two words, the last word, word stems and stem pairs."""
    words = seg.words
    if not words:
        return []
    stems = [t.stem for t in words]
    lead = seg.lead
    out = ["L1:" + words[lead].text]
    if lead + 1 < len(words):
        out.append("L2:" + words[lead].text + "_" + words[lead + 1].text)
    out.append("E:" + words[-1].text + seg.terminal)
    if seg.last_clause > lead:
        out.append("C1:" + words[seg.last_clause].text)
    seen = set()
    for s in stems:
        if s not in seen:
            seen.add(s)
            out.append("u:" + s)
    for a, b in zip(stems, stems[1:], strict=False):
        key = "b:" + a + "_" + b
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


# Features of the sentence before: the move a reply is in the middle of (advice runs over several sentences).
_CONTEXT = ("imperative_lead", "modal_directive", "soft_directive", "question_mark", "information_cue", "client_subject", "reflective_stem",
            "sympathy_formula", "courtesy", "third_person_lead", "benefit", "client_possibility", "conditional_lead")


def context_features(previous: Segment) -> list[str]:
    """What the previous sentence did, as features of this one ("P:" + the named feature that fired there)."""
    out = []
    for fid in _CONTEXT:
        hit = FEATURE_BY_ID[fid].function(previous)
        if hit is not None and hit.value > 0:
            out.append("P:" + fid)
    return out
