"""Behaviour coding in the spirit of MITI 4.2: each sentence is an act, the reply's code is its primary act.

A sentence is coded from its structure (word order, opening, terminal punctuation), the lexicons
(advice, permission, autonomy, affirmation, information, confrontation, fillers...) and the
client's own words (what a reflection repeats and what it adds). Conventions follow
`tests/data/behaviour_labelled.jsonl`:

- a statement in declarative word order is a reflection even with a question mark;
- advice phrased as a question ("Have you tried...?", "Why don't you...?") is persuasion;
- persuasion framed as a choice, or after permission, is persuade_with_permission;
- a reflection is complex when it adds a feeling or meaning the client did not say, holds both
  sides of ambivalence, or uses a metaphor; repeating or rephrasing is simple;
- the primary act is the last one that is not a filler.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from empathy_coach.scoring.lexicon import EmotionLexicon, Match, PhraseSet
from empathy_coach.scoring.text import STOPWORDS, Analysis, Sentence, Token, stem

REFLECTIONS = frozenset({"complex_reflection", "simple_reflection"})
QUESTIONS = frozenset({"open_question", "closed_question"})

_WH = frozenset({"what", "how", "why", "where", "who", "whom", "whose", "which", "when"})
_CLOSED_HOW = frozenset({"many", "much", "often", "long", "old", "far", "soon"})
_AUX = frozenset(
    {"do", "does", "did", "is", "are", "was", "were", "have", "has", "had", "can", "could", "would", "will",
     "should", "shall", "may", "might", "am", "must", "any", "anything", "anyone"}
)
_SUBJECTS = frozenset({"you", "i", "he", "she", "it", "they", "we", "there", "that", "this", "your", "his", "her", "their", "my", "things", "someone", "anyone"})
_OPEN_REQUESTS = (("tell", "me"), ("say", "more"), ("talk", "me"), ("describe",), ("help", "me", "understand"), ("walk", "me"), ("share", "more"), ("talk", "about"), ("explain",))
_ADVICE_QUESTION = (
    ("have", "you", "tried"), ("have", "you", "thought", "about"), ("have", "you", "thought", "of"), ("have", "you", "considered"),
    ("did", "you", "try"), ("why", "do", "not", "you"), ("why", "not"), ("what", "if", "you"), ("how", "about"),
    ("what", "about", "trying"), ("could", "you", "try"), ("could", "you", "just"), ("can", "you", "just"), ("would", "you", "consider"),
    ("do", "not", "you", "think"), ("would", "not", "it", "be"), ("should", "not", "you"), ("would", "it", "not", "be"),
    ("is", "it", "not", "time"), ("have", "you", "looked", "into"), ("wouldn't",), ("ever", "thought", "about"),
    ("do", "you", "think", "you", "should"), ("do", "you", "think", "it", "might", "help"), ("would", "it", "help", "to"),
    ("maybe", "you", "could"), ("could", "not", "you"), ("can", "not", "you", "just"),
    ("have", "you", "asked"), ("have", "you", "gone"), ("have", "you", "complained"), ("have", "you", "two"), ("have", "you", "contacted"),
    ("have", "you", "checked"), ("have", "you", "looked", "at"), ("have", "you", "joined"), ("have", "you", "booked"),
)
_IMPERATIVE = frozenset(
    """try go call talk take stop start make get keep write ask focus avoid cut quit eat sleep drink exercise remember consider
    give be put find join see think tell stay leave look use set book read sign speak reach listen slow breathe relax limit
    switch plan practise practice text email apologise apologize forgive ignore accept walk fake hang pick sort cheer
    chin smile treat enjoy drop move let phone ring visit delete block mute unfollow uninstall close turn throw""".split()
)
_COMMANDS = frozenset("stop quit calm listen go cut drop snap pull get".split())  # commands (ordering); other imperatives propose a solution (advising)
_SECOND = frozenset({"you", "your", "yours", "yourself", "yourselves"})
_FIRST = frozenset({"i", "me", "my", "mine", "myself"})
_DECLARATIVE_OPENERS = frozenset({"so", "you", "your", "it", "that", "sounds", "part", "and", "which", "like", "there", "seems", "almost", "somehow", "both", "nobody", "no", "even", "not", "something", "all", "this", "the", "a", "being", "feeling"})
_REFLECTIVE_I = (("i", "hear"), ("i", "am", "hearing"), ("i", "wonder", "if"), ("i", "wonder", "whether"), ("i", "imagine"), ("i", "get", "the", "sense"), ("i", "sense"), ("i", "notice"), ("i", "can", "see"), ("i", "see", "how"), ("i", "can", "hear"), ("i", "guess", "you"), ("i", "am", "getting"), ("i", "get", "that"), ("what", "i", "am", "hearing"))
_SHOULD = frozenset({"should", "ought", "must"})
_PRAISE_ONLY = frozenset({"great", "awesome", "congratulations", "amazing", "fantastic", "wonderful", "brilliant", "excellent", "nice", "good", "perfect", "bravo", "cool", "job", "well", "done", "work", "that", "is", "so", "really", "very", "wow", "oh", "yay", "congrats", "!", "to", "hear", "question", "news", "a", "such", "lovely", "glad"})
_LEAD_FILLERS = frozenset({"and", "but", "so", "well", "okay", "ok", "yeah", "yes", "right", "now", "also", "oh", "just", "honestly", "look", "listen", "alright", "sure", "hey", "hmm", "mm"})
_CONFRONT_QUESTION = (("why", "would", "you"), ("why", "are", "you", "still"), ("why", "do", "you", "keep"), ("how", "could", "you"), ("what", "did", "you", "expect"), ("what", "were", "you", "thinking"), ("do", "you", "really", "think"), ("who", "do", "you", "think"), ("why", "on", "earth"), ("then", "why"), ("so", "why"), ("why", "have", "not", "you"), ("why", "has", "not", "he"), ("why", "has", "not", "she"))
_JUDGING_WORDS = frozenset("""naive excuse excuses cop denial selfish irresponsible lazy immature ridiculous stupid silly dramatic overreacting attitude weak
    pathetic childish reckless careless foolish hypocritical ungrateful spoiled fashioned thoughtless inconsiderate""".split())
_CONDOLENCE = (("i", "am", "so", "sorry"), ("i", "am", "sorry"), ("sorry", "for", "your"), ("so", "sorry"), ("welcome",), ("i", "am", "glad", "you"), ("thank", "you", "for"), ("thanks", "for"), ("nice", "to", "meet"), ("good", "to", "see"), ("hello",), ("hi",), ("good", "morning"), ("good", "afternoon"))
_ADVICE_STATEMENT = (("i", "suggest"), ("i", "recommend"), ("my", "advice"), ("it", "might", "help", "to"), ("it", "may", "help", "to"), ("it", "could", "help", "to"),
    ("one", "thing", "that", "helps"), ("what", "helps", "some"), ("some", "people", "find", "it", "helps"), ("some", "people", "find", "that"), ("you", "could", "try"),
    ("you", "might", "try"), ("you", "might", "want", "to"), ("you", "may", "want", "to"), ("one", "idea"), ("one", "option"), ("one", "thing", "you"), ("something", "you", "could"),
    ("you", "could", "ask"), ("you", "could", "talk"), ("you", "could", "also"), ("is", "the", "only", "safe"), ("is", "the", "only", "way"), ("the", "best", "thing"), ("what", "works", "for"),
    ("helps", "a", "lot", "of", "people"), ("other", "people", "have", "found"), ("swear", "by"), ("it", "is", "worth"), ("worth", "trying"), ("you", "would", "be", "better"), ("you", "are", "better", "off"))
_CHOICE_FRAME = (("if", "you", "want", "to"), ("if", "you", "want", "i"), ("if", "you", "want", "we"), ("if", "you", "want", "it"), ("if", "you", "would", "like"), ("if", "you", "are", "interested"), ("may", "or", "may", "not"), ("might", "or", "might", "not"), ("see", "what", "fits"),
    ("up", "to", "you"), ("whether", "it", "fits"), ("whether", "that", "fits"), ("if", "it", "fits"), ("see", "whether"), ("see", "if", "that"), ("take", "it", "or", "leave", "it"), ("you", "will", "know", "whether"),
    ("you", "will", "know", "if"), ("since", "you", "asked"), ("as", "you", "asked"), ("you", "asked", "me"), ("if", "that", "is", "something", "you"), ("open", "to", "it"), ("you", "can", "decide"), ("your", "call"), ("what", "fits", "for", "you"),
    ("for", "what", "it", "is", "worth"), ("you", "know", "best"), ("work", "in", "your", "house"), ("would", "work", "for", "you"), ("whether", "that", "would"), ("whether", "any", "of"))
_PERMISSION_ASK = (("could", "i"), ("can", "i"), ("may", "i"), ("would", "you", "be", "interested"), ("would", "you", "like", "to", "hear"), ("would", "you", "like", "some"), ("would", "you", "like", "me"), ("do", "you", "want", "me"), ("would", "it", "be", "okay"), ("would", "it", "be", "ok"), ("would", "it", "be", "alright"), ("is", "it", "okay", "if"), ("is", "it", "ok", "if"), ("is", "it", "alright"), ("would", "you", "mind", "if", "i"), ("do", "you", "mind", "if", "i"))
_OFFER = (("if", "you", "would", "like", "i"), ("if", "you", "like", "i"), ("if", "you", "want", "i"), ("if", "you", "are", "open", "to", "it", "we"), ("if", "it", "is", "alright", "with", "you"), ("if", "it", "is", "okay", "with", "you"), ("if", "you", "are", "interested", "i"), ("i", "could", "share"), ("i", "can", "share"), ("i", "have", "some", "ideas"))
# Phrases that announce an argument for another view: what follows is persuasion, even if it soothes.
_ARGUMENT_FRAMES = (("look", "at", "it", "this", "way"), ("look", "at", "it", "like", "this"), ("think", "of", "it", "this", "way"), ("think", "of", "it", "like", "this"),
    ("the", "way", "i", "see", "it"), ("if", "you", "think", "about", "it"), ("when", "you", "think", "about", "it"), ("think", "about", "it", "logically"),
    ("the", "fact", "is"), ("the", "truth", "is"), ("the", "reality", "is"), ("let", "us", "be", "realistic"), ("consider", "this"), ("the", "point", "is"))
_METAPHOR = (("as", "if"), ("as", "though"), ("like", "a"), ("like", "an"), ("like", "you", "are", "carrying"), ("almost", "like"), ("feels", "like", "the"), ("feel", "like", "the"))


@dataclass(slots=True)
class Act:
    code: str
    start: int
    end: int
    sentence: int
    features: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Coding:
    behaviour: str
    acts: list[Act]
    features: list[str]


@dataclass(slots=True)
class Lexicons:
    """The compiled lexicons a scorer matches against."""

    markers: PhraseSet
    roadblocks: PhraseSet
    emotions: EmotionLexicon | None

    @classmethod
    def compile(cls, lexicons) -> Lexicons:
        emotions = lexicons.get("emotions")
        return cls(
            PhraseSet(lexicons["markers"].phrases if "markers" in lexicons else {}),
            PhraseSet(lexicons["roadblocks"].phrases if "roadblocks" in lexicons else {}),
            EmotionLexicon(emotions) if emotions is not None else None,
        )

    def to_builtins(self) -> dict:
        return {
            "markers": self.markers.to_builtins(),
            "roadblocks": self.roadblocks.to_builtins(),
            "emotions": self.emotions.to_builtins() if self.emotions else None,
        }

    @classmethod
    def from_builtins(cls, data: dict) -> Lexicons:
        emotions = data["emotions"]
        return cls(
            PhraseSet.from_builtins(data["markers"]),
            PhraseSet.from_builtins(data["roadblocks"]),
            EmotionLexicon.from_builtins(emotions) if emotions is not None else None,
        )


def code_reply(reply: Analysis, client: Analysis | None, lex: Lexicons) -> Coding:
    if reply.is_empty():
        return Coding("other", [], ["empty reply"])
    marker_hits = lex.markers.find(reply)
    roadblock_hits = lex.roadblocks.find(reply)
    permission_anywhere = any(m.category in ("permission",) for m in marker_hits) or _client_asked(client)
    acts: list[Act] = []
    for sentence in reply.sentences:
        act = _code_sentence(reply, sentence, client, lex, marker_hits, roadblock_hits, permission_anywhere)
        acts.append(act)
    if any(any(f in _REASSURING for f in a.features) for a in acts):
        for a in acts:
            if a.code == "affirm" and "praises the person" in a.features:
                a.code = "other"
                a.features.append("reassures with praise")
    primary = _primary(acts)
    return Coding(primary.code, acts, primary.features)


def _client_asked(client: Analysis | None) -> bool:
    if client is None:
        return False
    words = [t.text for t in client.tokens if t.word]
    text = " ".join(words)
    return any(p in text for p in ("what should i", "what do you think i should", "any advice", "any tips", "can you give me", "tell me what to do", "what would you do", "what do i do", "what can i do", "i need advice", "any ideas", "what do you suggest", "what would you suggest", "what do you recommend"))


# Acts that close the client down whatever follows: a coder gives the reply their code when the
# rest only backs them up ("You should tell her. Families help each other." is persuasion).
_ROADBLOCK_ACTS = frozenset({"confront", "persuade"})
_REASSURING = frozenset({"reassures", "reassures or changes the subject", "contradicts the client's words to reassure", "reassures by generalising"})
_ROADBLOCK_FEATURES = frozenset({"self-disclosure", "reassures", "reassures or changes the subject", "contradicts the client's words to reassure", "reassures by generalising", "praises the person"})
# What the client answers, or an MI-consistent move of its own: these stay primary when last.
_ANSWERED = frozenset({"open_question", "closed_question", "persuade_with_permission"})


def _roadblock_act(act: Act) -> bool:
    return act.code in _ROADBLOCK_ACTS or any(f in _ROADBLOCK_FEATURES for f in act.features)


def primary_act(acts: list[Act]) -> Act:
    """The act the client will answer (see `_primary`); for rules that judge part of a reply."""
    return _primary(acts) if acts else Act("other", 0, 0, 0, ["empty reply"])


def _primary(acts: list[Act]) -> Act:
    """The last act that is not a filler, unless an earlier roadblock act is only backed up after it."""
    spoken = [a for a in acts if "filler" not in a.features] or acts[-1:]
    last = spoken[-1]
    if last.code in _ANSWERED or "question" in " ".join(last.features):
        return last
    blocking = [a for a in spoken if _roadblock_act(a)]
    if blocking:
        # Advice backed by a moral or a put-down is still advice: the client is asked to act on it.
        persuading = [a for a in blocking if a.code == "persuade"]
        return (persuading or blocking)[-1]
    if last.code == "simple_reflection":
        # One reflection over two sentences: complex if any part of it adds meaning.
        run = []
        for act in reversed(spoken):
            if act.code not in REFLECTIONS:
                break
            run.append(act)
        for act in run:
            if act.code == "complex_reflection":
                return act
    return last


def _in(matches: list[Match], sentence: Sentence, categories: tuple[str, ...]) -> list[Match]:
    return [m for m in matches if m.category in categories and sentence.first <= m.first < sentence.last]


_SEQ_INDEX: dict[int, tuple[tuple, dict[str, list[tuple[str, ...]]]]] = {}


def _index(seqs: tuple[tuple[str, ...], ...]) -> dict[str, list[tuple[str, ...]]]:
    cached = _SEQ_INDEX.get(id(seqs))
    if cached is None or cached[0] is not seqs:
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for seq in seqs:
            by_first.setdefault(seq[0], []).append(seq)
        cached = _SEQ_INDEX[id(seqs)] = (seqs, by_first)
    return cached[1]


def _starts(words: list[str], seqs: tuple[tuple[str, ...], ...], within: int = 1) -> bool:
    """Whether one of `seqs` begins at one of the first `within` words."""
    by_first = _index(seqs)
    for offset in range(min(within, len(words))):
        candidates = by_first.get(words[offset])
        if candidates:
            for seq in candidates:
                if len(seq) == 1 or tuple(words[offset : offset + len(seq)]) == seq:
                    return True
    return False


def _contains(words: list[str], seqs: tuple[tuple[str, ...], ...]) -> bool:
    if _index(seqs).keys().isdisjoint(words):  # the usual case, decided in C
        return False
    return _starts(words, seqs, within=len(words))


def _code_sentence(reply: Analysis, sentence: Sentence, client: Analysis | None, lex: Lexicons,
                   marker_hits: list[Match], roadblock_hits: list[Match], permission_anywhere: bool) -> Act:
    tokens = reply.sentence_words(sentence)
    words = [t.text for t in tokens]
    act = Act("other", sentence.start, sentence.end, sentence.index)
    feats = act.features
    if not words:
        feats.append("filler")
        return act
    lead = words
    while len(lead) > 2 and lead[0] in _LEAD_FILLERS:
        lead = lead[1:]
    first = lead[0]

    fillers = _in(marker_hits, sentence, ("fillers",))
    covered = sum(m.last - m.first for m in fillers)
    if fillers and covered >= len(tokens):
        feats.append("filler")
        return act
    if len(words) <= 6 and all(w in _PRAISE_ONLY for w in words):
        feats.append("praise without content")
        return act

    is_question = sentence.terminal == "?"
    tag_question = is_question and _tag_question(words)
    declarative = _declarative(lead)
    if is_question and declarative and not tag_question:
        clause = _last_clause(reply, sentence) if len(words) > 3 else []
        if clause and not _declarative(clause):
            lead, first, declarative = clause, clause[0], False
    open_request = _starts(lead, _OPEN_REQUESTS) or (first in ("can", "could", "would", "will") and _starts(lead[1:], (("you", "tell"), ("you", "say"), ("you", "talk"), ("you", "describe"), ("you", "walk"), ("you", "help", "me"))))
    wondering = _starts(lead, (("i", "wonder", "what"), ("i", "wonder", "how"), ("i", "am", "curious"), ("i", "would", "like", "to", "hear"), ("i", "would", "love", "to", "hear"), ("i", "am", "wondering", "what"), ("i", "am", "wondering", "how")))

    self_focus = [m for m in _in(marker_hits, sentence, ("self_focus",)) if not _quoted(reply, sentence, m)]
    confront = [c for c in _in(marker_hits, sentence, ("confront",)) + _in(roadblock_hits, sentence, ("judging", "moralizing", "disagreeing"))
                if not _quoted(reply, sentence, c) and not _reported_judgement(reply, c) and not _gives_back(reply, c, client)]
    advice = [a for a in _in(roadblock_hits, sentence, ("advising", "ordering", "warning", "persuading"))
              if not _reported(reply, a) and not _quoted(reply, sentence, a) and not _arrives(reply, a) and not _told_to(reply, a) and not _gives_back(reply, a, client)]
    # 'You shouldn't...', 'you ought to...' tell the client what to do: advice, unless a moral judgement comes with it.
    directive = [c for c in confront if c.category == "moralizing" and c.phrase in _DIRECTIVE_MORALS]
    if directive and len(directive) == len(confront):
        advice = advice + directive
        confront = []
    dismiss = [d for d in _in(marker_hits, sentence, ("dismissing",)) + _in(roadblock_hits, sentence, ("reassuring", "withdrawing")) if not _counts(reply, d) and not _reported(reply, d) and not d.negated and not echoes_client(reply, d, client, lex) and not _trailing_anyway(reply, d, words) and not _their_generalisation(reply, d, client)]
    affirm = [a for a in _in(marker_hits, sentence, ("affirmation",)) if not _gives_back(reply, a, client)]
    autonomy = [a for a in _in(marker_hits, sentence, ("autonomy",)) if not a.negated]  # 'being here wasn't your choice' reflects
    collab = _in(marker_hits, sentence, ("collaboration",))
    permission = _in(marker_hits, sentence, ("permission",))
    info = _in(marker_hits, sentence, ("information",))
    reflective = [r for r in _in(marker_hits, sentence, ("reflective_openers",)) if not _weak_opener(r)]
    second = sum(1 for w in words if w in _SECOND)
    firstp = sum(1 for w in words if w in _FIRST)
    choice_frame = bool(permission or autonomy) or _contains(words, _CHOICE_FRAME) or ("want" in words and (words[-3:] == ["if", "you", "want"] or _followed_by_comma(reply, sentence, ("if", "you", "want"))))

    # Questions first: their word order decides more than any lexicon.
    if (is_question and not declarative) or open_request or wondering or (first in _WH and not declarative and sentence.terminal != "."):
        if tag_question and declarative:
            pass  # a statement checking understanding ("..., right?") falls through to reflection
        else:
            if _starts(lead, _ADVICE_QUESTION, within=1 if first in _WH else 2) and ("together" in words or _partnership(words)) and not _contains(words, (("you", "two"), ("you", "both"))):
                feats.append("proposes working on it together")
                act.code = "seek_collaboration"
                return act
            if _starts(lead, _ADVICE_QUESTION, within=1 if first in _WH else 2) or (is_question and any(w in _SHOULD for w in words[:4]) and "you" in words[:4]):
                feats.append("advice phrased as a question")
                act.code = "persuade_with_permission" if choice_frame and not permission else "persuade"
                return act
            if _starts(lead, _PERMISSION_ASK, within=1) or _contains(words, _OFFER) or (permission and _contains(words, (("i", "share"), ("i", "offer"), ("i", "tell"), ("i", "give"), ("i", "suggest"), ("i", "mention"), ("if", "i"), ("you", "like", "to", "hear"), ("you", "like", "some"), ("we", "look"), ("we", "talk"), ("we", "spend"), ("we", "go")))):
                feats.append("asks permission")
                act.code = "seek_collaboration"
                return act
            if _partnership(words) or _contains(words, (("you", "know", "your"), ("you", "know", "yourself"), ("you", "are", "the", "expert"))) or (first in ("would", "could", "shall") and ("together" in words or _contains(words, (("talk", "through"), ("think", "through"), ("look", "at", "what"))))):
                feats.append("seeks the client's partnership")
                act.code = "seek_collaboration"
                return act
            if _starts(words, _CONFRONT_QUESTION, within=2) or _starts(lead, _CONFRONT_QUESTION) or any(m.first <= sentence.first + 1 for m in confront):
                feats.append("confronting question")
                act.code = "confront"
                return act
            act.code = _question_kind(lead, open_request or wondering)
            feats.append("open question" if act.code == "open_question" else "closed question")
            return act

    lead_index = tokens[len(words) - len(lead)]
    lead_index = next(i for i in range(sentence.first, sentence.last) if reply.tokens[i] is lead_index)
    interpreting = [m for m in _in(roadblock_hits, sentence, ("interpreting",)) if not echoes_client(reply, m, client, lex)]
    labels = [m for m in interpreting if m.phrase.startswith(("you are ", "you have ")) and "probably" not in m.phrase and m.first == lead_index]
    if labels:
        feats.append("labels the client: " + labels[0].phrase)
        act.code = "confront"
        return act
    if interpreting and "you" not in words and any(w in _THIRD for w in words) and not is_question and not _in(marker_hits, sentence, ("complex_markers",)):
        feats.append("explains other people's motives")
        act.code = "persuade"
        return act
    if self_focus and not any(r.first < self_focus[0].first for r in reflective):
        feats.append("self-disclosure")
        return act
    if _starts(lead, _CONDOLENCE, within=2) and second <= 1:
        feats.append("social courtesy")
        return act
    if _contains(words, _OFFER) or (_starts(lead, _PERMISSION_ASK) and firstp):
        feats.append("offers, with permission")
        act.code = "seek_collaboration"
        return act
    feelings_here = lex.emotions.find(reply, sentence.first, sentence.last) if lex.emotions else []
    feelings_early = [m for m, _ in feelings_here if not m.negated]
    praise = [m for m in _in(roadblock_hits, sentence, ("praising",)) if not _gives_back(reply, m, client)]
    if praise and not reflective and not dismiss and not any(d.first <= sentence.first + 2 for d in _in(roadblock_hits, sentence, ("disagreeing",))):
        feats.append("praises the person")
        act.code = "affirm"
        return act
    if second == 0 and _contains(words, (("do", "not", "really"), ("does", "not", "really"), ("is", "not", "really"), ("are", "not", "really"), ("do", "not", "actually"), ("does", "not", "actually"))) and _overlap(tokens, client) >= 0.34:
        feats.append("corrects the client")
        act.code = "confront"
        return act
    if second == 0 and any(w in _SHAMING_WORDS for w in words) and not feelings_early:
        feats.append("judges")
        act.code = "confront"
        return act
    counters = "though" in words and _counters(reply, sentence)
    if counters and second == 0:
        feats.append("counters the client")
        act.code = "confront"
        return act
    if counters:
        feats.append("denies the client's words")
    if _contradiction(lead, words, client) and not _clause_order(_last_clause_tokens(reply, sentence), dismiss):
        feats.append("contradicts the client's words to reassure")
        if lead[4:6] == ["at", "all"] or (client is not None and len(lead) > 3 and stem(lead[3]) in client.content_stems()):
            feats.append("denies the client's words")
        return act
    if any(w in _JUDGING_WORDS and not _negated_at(words, i) and not _reported_at(words, i) for i, w in enumerate(words)) and not affirm and not feelings_early and not any(w in ("feel", "feels", "feeling", "felt", "sounds", "worry", "worried", "afraid", "scared") for w in words):
        feats.append("judges")
        act.code = "confront"
        return act
    if confront and not affirm and not (all(c.category == "confront" for c in confront) and (_affirmation_shape(words) or _contains(words, (("obviously", "care"), ("clearly", "care"))))):
        feats.append("confronts: " + confront[0].phrase)
        act.code = "confront"
        return act
    if autonomy and not advice:
        feats.append("emphasises choice")
        act.code = "emphasize_autonomy"
        return act
    if _praise_shape(words, tokens, client) and not dismiss and not any(not m.negated for m, _ in feelings_here):
        feats.append("praises the person")
        act.code = "affirm"
        return act
    if (affirm or _affirmation_shape(words, client)) and (any(a.first == lead_index for a in affirm) or not any(not m.negated and not any(a.first <= m.first < a.last for a in affirm) for m, _ in feelings_here)):
        feats.append("affirms a strength or effort")
        act.code = "affirm"
        return act
    lead_token = tokens[len(words) - len(lead)]
    all_tokens = reply.sentence_tokens(sentence)
    marker_comma = first == "see" and len(all_tokens) > 1 and all_tokens[1].text == ","
    dismissive_order = any(d.start == lead_token.start for d in dismiss)
    advice = [a for a in advice if not any(d.start <= a.start and a.end <= d.end for d in dismiss)]
    clause_tokens = _last_clause_tokens(reply, sentence)
    opening_order = first in _IMPERATIVE and not marker_comma and len(lead) > 1 and not dismissive_order and not (first == "let" and lead[1:2] in (["us"], ["me"])) and not (first == "tell" and lead[1:2] == ["me"]) and not (first == "think" and lead[1:2] == ["about"] and sentence.terminal == "?")
    # 'Don't worry, you'll be fine, just cut back a bit': the reassurance does not swallow the advice after it.
    imperative = opening_order or (_clause_order(clause_tokens, dismiss) and not (first == "let" and lead[1:2] == ["me"]))
    should = any(w in _SHOULD and (i == 0 or words[i - 1] not in _REPORTING) and not (i >= 2 and words[i - 2] in ("how", "whether")) and _client_subject(words, i) and words[i + 1 : i + 2] != ["feel"] and not (w == "must" and words[i + 1 : i + 2] and words[i + 1] in _INFERENCE_VERBS) for i, w in enumerate(words)) and second and not _contains(words, (("should", "not", "have", "to"), ("should", "be", "proud"), ("should", "be", "over")))
    need_to = _you_need_to(words)
    if any(w in ("must", "should", "mustn't", "shouldn't") for d in dismiss for w in d.phrase.split()):
        should = need_to = False  # 'you mustn't feel bad' soothes, it does not direct
    if choice_frame and (_people_find(words) or _contains(words, (("some", "people"), ("others", "find")))):
        feats.append("suggestion framed as a choice")
        act.code = "persuade_with_permission"
        return act
    advice_statement = _advice_statement(words, tokens, client) and not (feelings_early and any(w in ("sounds", "sound", "feel", "feels", "seems") for w in words))
    if advice or imperative or should or need_to or advice_statement:
        arguing = _contains(words, _ARGUMENT_FRAMES)
        if dismiss and not (imperative or should or need_to or arguing or any(a.category != "persuading" for a in advice)):
            feats.append("reassures")
            return act
        if choice_frame or permission_anywhere:
            feats.append("advice with permission or choice")
            act.code = "persuade_with_permission"
        else:
            said = advice[0].phrase if advice else " ".join(t.text for t in clause_tokens[:3]) if imperative and not opening_order else " ".join(words[:3])
            feats.append("advice: " + said)
            if not advice and ((need_to and not _contains(words, (("ought", "to"),))) or (imperative and first in _COMMANDS)):
                feats.append("orders")
            act.code = "persuade"
        return act
    if dismiss and not reflective:
        feats.append("reassures or changes the subject")
        return act
    if _partnership(words) and not reflective:
        feats.append("seeks collaboration")
        act.code = "seek_collaboration"
        return act
    if info and not reflective and second <= 1:
        if choice_frame:
            feats.append("suggestion framed as a choice")
            act.code = "persuade_with_permission"
            return act
        feats.append("gives information")
        act.code = "giving_information"
        if permission_anywhere:
            feats.append("asked for")
        return act
    tentative = _in(marker_hits, sentence, ("tentative", "complex_markers"))
    if second == 0 and lead[0] in ("everyone", "everybody", "nobody", "no", "anyone") and not tentative and not info and not any(not m.negated for m, _ in feelings_here) and _overlap(tokens, client) < 0.34:
        feats.append("reassures by generalising")
        return act
    if lead[0] in _GENERAL_SUBJECTS and _contains(words, (("you", "can"), ("you", "could"))) and not reflective and sum(1 for w in words if w in _GENERAL_WORDS) >= 1 and (any(w in _EXPERT_WORDS for w in words) or _overlap(tokens, client) < 0.34) and not _contains(words, (("you", "can", "still"), ("you", "can", "not"), ("you", "could", "still"), ("you", "could", "not"))):
        feats.append("gives information")
        act.code = "persuade_with_permission" if choice_frame else "giving_information"
        return act
    if (second == 0 or (second <= 2 and _general_count(words, modals=True) >= 3)) and not reflective and not tentative and _informational(words, tokens, client):
        if choice_frame:
            feats.append("suggestion framed as a choice")
            act.code = "persuade_with_permission"
            return act
        feats.append("gives information")
        act.code = "giving_information"
        if permission_anywhere:
            feats.append("asked for")
        return act

    # A statement about the client, a feeling named, or the client's own words given back: a reflection.
    about_client = second > 0 or bool(reflective) or _starts(lead, _REFLECTIVE_I, within=2)
    feelings = feelings_here
    overlap = _overlap(tokens, client)
    if about_client or feelings or overlap >= 0.34 or (len(words) <= 6 and sentence.terminal in (".", "!", "")):
        if (firstp > second + 1 or (firstp and not second and lead[0] == "i" and not feelings)) and not reflective and not _starts(lead, _REFLECTIVE_I, within=2):
            feats.append("about the counsellor")
            return act
        if not about_client and not feelings and _generic_statement(words) and overlap < 0.34:
            feats.append("gives information")
            act.code = "giving_information"
            return act
        complex_, why = _complexity(reply, sentence, tokens, client, lex, marker_hits, feelings)
        act.code = "complex_reflection" if complex_ else "simple_reflection"
        feats.extend(why)
        return act
    if _owns_misstep(lead):
        feats.append("about the counsellor")  # 'I think I rushed past something important just now.'
        return act
    if len(words) >= 4 and _clients_world(words, tokens, client, feelings_here, sentence, marker_hits):
        # 'The scrolling fills a gap: ...', 'That voicemail was one of the last places his voice still lived':
        # no 'you', but the client's own world given back with its meaning, not a fact about the world.
        complex_, why = _complexity(reply, sentence, tokens, client, lex, marker_hits, feelings_here)
        act.code = "complex_reflection" if complex_ else "simple_reflection"
        feats.extend(why)
        return act
    if len(words) >= 4:
        feats.append("gives information")
        act.code = "giving_information"
        if permission_anywhere:
            feats.append("asked for")
        return act
    feats.append("no codable act")
    return act


_SHAMING_WORDS = frozenset("disturbing disgusting shameful appalling twisted sick".split())  # said of what the client thinks or does
_DIRECTIVE_MORALS = ("you should not", "you shouldn't", "you really should not", "you really shouldn't", "you ought to", "you ought not")
_THIRD = frozenset("he she they him her his them their herself himself themselves".split())
_INFERENCE_VERBS = frozenset({"feel", "be", "have", "sound", "seem", "wonder", "hurt", "ache"})
_REPORTING = frozenset({"how", "know", "feel", "feeling", "felt", "like", "if", "though", "means", "think", "thinking", "believe", "that", "worried", "afraid", "scared", "told", "telling", "tell", "tells", "say", "saying", "said", "wonder", "wondering", "hear", "heard", "want", "wants", "wish", "wishes", "is", "was"})


def _weak_opener(match: Match) -> bool:
    """'you are', 'you have': any sentence about the client starts so; they prove no reflection."""
    words = match.phrase.split()
    return len(words) <= 2 and words[0] in ("you", "you're", "you've")


def _quoted(reply: Analysis, sentence: Sentence, match: Match) -> bool:
    """Words inside quotation marks are someone else's: 'got "you're not my dad" again'."""
    quotes = sum(1 for t in reply.tokens[sentence.first : match.first] if t.text == '"')
    return quotes % 2 == 1


def _counters(reply: Analysis, sentence: Sentence) -> bool:
    """'..., though.': a contrastive 'though' closing a clause argues against what was said."""
    tokens = reply.sentence_tokens(sentence)
    for index, token in enumerate(tokens[1:], 1):
        if token.text == "though" and tokens[index - 1].text == "," and (index + 1 == len(tokens) or not tokens[index + 1].word):
            return True
    return False


def _client_subject(words: list[str], i: int) -> bool:
    """'You should...', 'you really should...': the client is the one told (not 'your dad shouldn't...')."""
    j = i - 1
    while j >= 0 and words[j] in ("really", "just", "definitely", "honestly", "probably", "still", "not"):
        j -= 1
    return j < 0 or words[j] in ("you", "i", "we", "maybe", "perhaps", "so", "then", "and", "but", "think")


def _followed_by_comma(reply: Analysis, sentence: Sentence, seq: tuple[str, ...]) -> bool:
    tokens = reply.sentence_tokens(sentence)
    n = len(seq)
    for i in range(len(tokens) - n):
        if tuple(t.text for t in tokens[i : i + n]) == seq and tokens[i + n].text == ",":
            return True
    return False


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
    if lex is not None and match.category in ("reassuring", "withdrawing") and (echoes_client(reply, match, client, lex) or _their_generalisation(reply, match, client)):
        return True
    tokens = reply.tokens
    after = tokens[match.last].text if match.last < len(tokens) else ""
    if match.phrase.split()[-1] in ("must",) and after in _INFERENCE_VERBS:
        return True
    if match.category in ("ordering", "advising", "moralizing", "persuading", "warning") and (_arrives(reply, match) or _told_to(reply, match)):
        return True
    if match.category == "interpreting" and client is not None and _reported(reply, match):
        return True  # 'a bit insulting, like the problem is you': how it landed for the client
    if match.category in ("judging", "moralizing", "disagreeing", "praising", "ordering", "advising") and client is not None and (_reported_judgement(reply, match) or _gives_back(reply, match, client)):
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


def _arrives(reply: Analysis, match: Match) -> bool:
    """'You've got to a place where...': 'got to' followed by where one got, not by what one must do."""
    words = match.phrase.split()
    if len(words) < 2 or words[-1] != "to" or words[-2] not in ("got", "have", "need") or match.last >= len(reply.tokens):
        return False
    return reply.tokens[match.last].text in _NOT_A_VERB


_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten once twice a an half".split())


def _counts(reply: Analysis, match: Match) -> bool:
    """'at least three days' is a quantity, not 'at least you still have a job'."""
    if match.phrase != "at least" or match.last >= len(reply.tokens):
        return False
    following = reply.tokens[match.last].text
    return following.isdigit() or following in _NUMBER_WORDS


def _last_clause(reply: Analysis, sentence: Sentence) -> list[str]:
    """The words after the last comma, semicolon or dash: 'If you know the options, why not use them?'"""
    return [t.text for t in _last_clause_tokens(reply, sentence)]


def _last_clause_tokens(reply: Analysis, sentence: Sentence) -> list[Token]:
    tokens = reply.sentence_tokens(sentence)
    cut = None
    for index, token in enumerate(tokens):
        if not token.word and token.text in (",", ";", ":", "\u2014", "\u2013"):
            cut = index
    if cut is None:
        return []
    clause = [t for t in tokens[cut + 1 :] if t.word]
    while len(clause) > 2 and clause[0].text in _LEAD_FILLERS:
        clause = clause[1:]
    return clause if len(clause) >= 2 else []


def _clause_order(clause: list[Token], dismiss: list[Match]) -> bool:
    """'..., just cut back a bit': an imperative closing the sentence proposes what to do
    (unless it is itself a dismissal: '..., try not to worry')."""
    if len(clause) < 2 or clause[0].text not in _IMPERATIVE:
        return False
    if clause[1].text in _SECOND or clause[1].text in ("up", "out", "it", "ahead", "me"):
        return False
    if clause[0].text == "let" and clause[1].text == "us":
        return False  # '..., let's look at...' proposes, it does not order
    return not any(d.start == clause[0].start for d in dismiss)


def _declarative(words: list[str]) -> bool:
    """Statement word order: a subject first, not an auxiliary or a wh-word."""
    if not words:
        return False
    first = words[0]
    if first in _WH or first in _AUX:
        return False
    if first in ("tell", "say", "describe", "explain"):
        return False
    return True


def _tag_question(words: list[str]) -> bool:
    tail = tuple(words[-3:])
    return tail[-1:] in (("right",), ("yeah",), ("correct",)) or tail[-2:] in (
        ("is", "not"), ("are", "not"), ("do", "not"), ("does", "not"), ("did", "not"), ("have", "not"), ("was", "not"), ("can", "not"), ("would", "not"))or tail[-3:] in (("is", "not", "it"), ("are", "not", "you"), ("do", "not", "you"), ("is", "that", "right"), ("did", "not", "you"), ("have", "not", "you"), ("was", "not", "it"), ("does", "not", "it"))


_OPEN_WHAT = frozenset("else exactly kind kinds sort sorts type types things thing part parts sense difference way ways it that this would could happens happened made makes helps helped worries stops keeps goes went gets got".split())
_FACT_NOUNS = frozenset("time age day date year month name breed colour color number address".split())


def _question_kind(lead: list[str], request: bool) -> str:
    if request:
        return "open_question"
    first = lead[0]
    if first == "how" and len(lead) > 1 and lead[1] in _CLOSED_HOW:
        return "closed_question"
    if first == "what" and any(w in _FACT_NOUNS for w in lead[1:4]):
        return "closed_question"  # 'What time...?', 'What was the name...?': one fact
    if first == "what" and len(lead) >= 3 and lead[2] in _AUX and lead[1] not in _AUX and lead[1] not in _OPEN_WHAT and lead[1] not in _SECOND and lead[1] not in _FIRST:
        return "closed_question"  # 'What film were you watching?', 'What games do you play?': names one thing
    if first == "what" and len(lead) == 4 and lead[1] in ("is", "was") and lead[2] == "the":
        return "closed_question"  # 'What was the song?': names one thing
    if first in ("what", "how", "why"):
        if " or " in " ".join(lead) and first == "what":
            return "closed_question"
        return "open_question"
    if first in ("where", "who", "which", "when", "whom", "whose"):
        return "closed_question"
    return "closed_question"


def _you_need_to(words: list[str]) -> bool:
    for i, w in enumerate(words[:-2]):
        if w == "you":
            rest = words[i + 1 : i + 4]
            if rest[:1] in (["just"], ["really"], ["still"], ["definitely"], ["seriously"], ["two"], ["both"], ["guys"], ["all"], ["do"], ["will"], ["simply"]):
                rest = rest[1:]
            if rest[:2] in (["need", "to"], ["have", "to"], ["got", "to"], ["ought", "to"]) or rest[:1] == ["must"]:
                if i > 0 and words[i - 1] in _REPORTING:
                    continue
                if rest[1:2] == ["to"] and rest[2:3] and rest[2] in _NOT_A_VERB:
                    continue  # 'you've got to a place where...': arriving somewhere, not an obligation
                if rest[:1] == ["must"] and rest[1:2] and rest[1] in _INFERENCE_VERBS:
                    continue
                return True
    return False


def _contradiction(lead: list[str], words: list[str], client: Analysis | None) -> bool:
    """'You're not a burden!': denying the client's own label is reassurance, not reflection."""
    if lead[:2] == ["of", "course"] and len(lead) > 5:
        lead = lead[2:]
        if lead[:3] in (["you", "are", "not"], ["it", "is", "not"], ["that", "is", "not"]) and client is not None and _client_word(lead[3], client):
            return True  # 'Is that wicked of me?' - 'Of course it's not wicked.'
    if lead[:3] in (["you", "are", "not"], ["it", "is", "not"], ["that", "is", "not"], ["you", "did", "not"]) and len(lead) > 3:
        rest = lead[3:]
        if rest[0] in ("a", "an") and client is not None and len(rest) > 1 and stem(rest[1]) not in client.stems() and _reframes(words):
            pass  # 'It isn't a gap in what you know; it's the panic locking the door on it': a reframe of the client's own account
        elif rest[0] in ("a", "an", "all", "your", "selfish", "weak", "crazy", "stupid", "broken", "failing", "alone", "to"):
            return True
        if client is not None and lead[4:6] == ["at", "all"] and stem(rest[0]) in client.stems():
            return True
    return _contains(words, (("do", "not", "say", "that"), ("not", "all", "on", "you"), ("not", "your", "fault"), ("i", "am", "sure"), ("i", "know", "you", "will"), ("you", "will", "get", "there"), ("you", "will", "be", "fine"), ("you", "will", "be", "okay"), ("you", "will", "be", "ok")))


_MISSTEPS = frozenset("rushed answered missed moved jumped skipped brushed glossed went got interrupted cut misread misunderstood".split())


def _owns_misstep(lead: list[str]) -> bool:
    """'I think I rushed past that', 'I answered too quickly': the counsellor owning a misstep, not information."""
    words = lead[2:] if lead[:2] in (["i", "think"], ["i", "feel"], ["i", "realise"], ["i", "realize"]) else lead
    return len(words) >= 2 and words[0] == "i" and words[1] in _MISSTEPS and not any(w in _SECOND for w in words)


def _client_word(word: str, client: Analysis) -> bool:
    """The client used `word` without denying it themselves ('Is that wicked of me?', not 'I'm not wicked')."""
    target = stem(word)
    if target not in client.content_stems():
        return False
    words = [t for t in client.tokens if t.word]
    for i, token in enumerate(words):
        if token.stem == target and not any(w.text in ("not", "no", "never") for w in words[max(0, i - 3) : i]):
            return True
    return False


def _partnership(words: list[str]) -> bool:
    if "together" in words and not any(w in ("we", "us") for w in words):
        return False
    return _contains(words, (("let", "us"), ("together",), ("we", "could"), ("we", "can"), ("we", "might"), ("shall", "we"), ("we", "work"), ("we", "figure"), ("we", "look"), ("we", "put"), ("we", "think"), ("we", "start"), ("we", "spend"), ("we", "focus"), ("we", "come", "up")))


_STRENGTHS = frozenset("""strength strengths courage courageous brave bravery determination determined resilient resilience persistence persistent
    commitment committed resourceful honest honesty dedication dedicated effort caring strong wisdom wise guts initiative perseverance tenacity
    devotion devoted perceptive insightful thoughtful generous loyal capable skills skilled creative patient patience integrity compassion
    compassionate grit progress achievement accomplishment discipline disciplined""".split())
_ACHIEVEMENT = (("you", "did", "it"), ("and", "you", "did", "it"), ("you", "made", "time"), ("you", "showed", "up"), ("you", "are", "still", "showing", "up"), ("you", "keep", "going"),
    ("you", "are", "still", "here"), ("you", "are", "fighting", "for"), ("you", "kept"), ("you", "managed"), ("you", "came", "back"), ("you", "are", "trying", "to", "honour"), ("you", "built"),
    ("something", "you", "built"), ("are", "still", "yours"), ("you", "stuck", "with"), ("you", "got", "through"), ("you", "found", "a", "way"), ("you", "took", "the"), ("you", "reached", "out"),
    ("trusted", "you"), ("you", "are", "here", "trying"), ("advocating", "for", "yourself"), ("you", "handled"), ("you", "noticed"), ("you", "are", "keeping"))


_PRAISE_ADJECTIVES = frozenset("good great amazing wonderful brilliant loving lovely kind brave lucky fantastic awesome incredible smart clever strong special inspiring".split())
_INTENSIFIERS = frozenset("such a an so very really clearly obviously incredibly truly doing been being".split())


def _praise_shape(words: list[str], tokens: list[Token] | None = None, client: Analysis | None = None) -> bool:
    """'You are such a good mum', 'You've been very brave': an evaluation of the person
    (not the client's own 'So I am strong, in the room' given back as 'You're strong in her room')."""
    for i in range(len(words) - 2):
        if words[i] == "you" and words[i + 1] in ("are", "have", "were"):
            j = i + 2
            while j < len(words) and words[j] in _INTENSIFIERS:
                j += 1
            if j < len(words) and (words[j] in _PRAISE_ADJECTIVES or (words[j - 1] == "doing" and words[j] in ("well", "great", "brilliantly", "amazing", "amazingly"))):
                if tokens is not None and _echo(tokens[i : j + 1], client):
                    continue
                return True
    return False


def _affirmation_shape(words: list[str], client: Analysis | None = None) -> bool:
    if _you_need_to(words) or any(w == "ought" for w in words[:6]):
        return False  # 'You ought to be honest with your wife': a directive, not an affirmation
    if any(w in ("feel", "feeling", "felt", "sound", "sounds", "seem", "seems", "worried", "afraid", "scared", "not", "but", "should", "if") for w in words[:6]):
        if not _contains(words, (("should", "feel", "proud"), ("should", "be", "proud"))):
            return False
    own = client.stems() if client is not None else frozenset()
    if any(w in _STRENGTHS and not _negated_at(words, i) and stem(w) not in own for i, w in enumerate(words)) and ("you" in words or "your" in words or words[0] in ("that", "it", "this", "reaching", "coming", "getting", "asking", "noticing", "telling", "saying", "showing", "taking", "making")):
        return True
    # 'if you're still here' supposes, it does not credit an achievement
    return _contains(words, _ACHIEVEMENT) and not any(w in ("sad", "angry", "hurt", "tired", "exhausted", "lonely", "scared", "if") for w in words)


_GENERAL_SUBJECTS = frozenset({"people", "most", "many", "research", "studies", "some", "lots", "a", "an", "the", "there", "guidance", "guidelines", "grief", "alcohol", "anxiety", "depression", "teenagers", "adolescence", "helpline", "helplines", "daily", "young", "ambivalence", "this", "these", "it", "that", "sleep", "exercise", "caffeine", "nicotine", "medication", "antidepressants", "withdrawal", "everyone", "anyone", "kids", "children", "parents"})
_GENERAL_WORDS = frozenset({"usually", "often", "typically", "common", "commonly", "normal", "generally", "tend", "tends", "can", "may", "research", "studies", "percent", "per", "guidance", "guideline", "guidelines", "units", "week", "rates", "risk", "evidence", "recommended", "services", "service", "clinic", "free", "confidential", "available", "hours", "open", "program", "programs", "programme", "many", "most", "some",
    "happen", "happens", "body", "brain", "signs", "sign", "symptom", "symptoms", "assess", "assessment", "referral", "visits", "social", "legally", "executor", "executors", "response", "naturally", "normally", "rules", "legal", "law", "entitled", "scheme", "schemes", "council", "formally", "policy", "statutory", "benefit", "benefits", "eligible"})


def _people_find(words: list[str]) -> bool:
    """'Many men find that...', 'some parents find it helps...'"""
    for i, w in enumerate(words):
        if w in ("many", "some", "lots", "most", "other", "plenty") and "find" in words[i + 1 : i + 4]:
            return True
    return False


def _informational(words: list[str], tokens: list[Token], client: Analysis | None) -> bool:
    """A statement about the world rather than about the client: who does what in general, figures, services."""
    if len(words) < 5:
        return False
    general = _general_count(words, modals=True)
    overlap = _overlap(tokens, client)
    if words[0] in _GENERAL_SUBJECTS and general >= 1:
        return True
    if general >= 2 and overlap < 0.5:
        return True
    return len(words) >= 14 and overlap < 0.2 and general >= 1


def _generic_statement(words: list[str]) -> bool:
    generic = ("people", "most", "many", "research", "studies", "often", "usually", "common", "typically", "normal", "the", "it", "there", "this", "that", "a", "an", "some", "lots")
    return words[0] in generic and not any(w in _SECOND for w in words)


def _overlap(tokens: list[Token], client: Analysis | None) -> float:
    if client is None:
        return 0.0
    content = [t.stem for t in tokens if t.text not in STOPWORDS and len(t.text) > 2]
    if not content:
        return 0.0
    client_stems = client.content_stems()
    return sum(1 for s in content if s in client_stems) / len(content)


def _complexity(reply: Analysis, sentence: Sentence, tokens: list[Token], client: Analysis | None, lex: Lexicons,
                marker_hits: list[Match], feelings: list) -> tuple[bool, list[str]]:
    why: list[str] = []
    points = 0
    client_stems = client.stems() if client is not None else frozenset()
    new_feelings = [m for m, word in feelings if not m.negated and not _said(reply, m, client_stems)]
    negated_feelings = [m for m, word in feelings if m.negated]
    if new_feelings:
        points += 2
        why.append("adds a feeling: " + reply.original[new_feelings[0].start : new_feelings[0].end])
    if negated_feelings and feelings and len(negated_feelings) < len(feelings):
        points += 2
        why.append("contrasts feelings")
    # A marker in the client's own words ('I want...' -> 'you want...') goes no further than they did.
    markers = [m for m in _in(marker_hits, sentence, ("complex_markers",)) if not _echo(reply.tokens[m.first : m.last], client) and not _client_contrast(m, client)]
    if markers:
        points += 2
        why.append("goes beyond the words: " + markers[0].phrase)
    words = [t.text for t in tokens]
    if _contains(words, _METAPHOR) and not _client_metaphor(reply, words, tokens, client):
        points += 2
        why.append("metaphor")
    content = [t for t in tokens if t.text not in STOPWORDS and len(t.text) > 2]
    if client is not None and content:
        novel = [t for t in content if t.stem not in client_stems]
        ratio = len(novel) / len(content)
        if ratio >= 0.6 and len(novel) >= 3:
            points += 1
            why.append("new meaning in its own words")
        if ratio >= 0.75 and len(novel) >= 5:
            points += 1
        if ratio <= 0.34:
            points -= 1
            why.append("mostly the client's words")
    if _contains(words, (("afraid", "that"), ("worried", "that"), ("scared", "that"), ("wish",), ("hoping",), ("what", "matters"), ("important", "to", "you"), ("because", "you"), ("even", "though"), ("and", "yet"), ("at", "the", "same", "time"), ("more", "than"), ("so", "much", "as"), ("not", "just"), ("rather", "than"), ("means",))):
        points += 1
        why.append("adds meaning")
    if len(words) >= 22:
        points += 1
    is_complex = points >= 2
    if not why:
        why.append("rephrases what the client said")
    return is_complex, why


def _said(reply: Analysis, match: Match, client_stems: frozenset[str]) -> bool:
    stems = [reply.tokens[i].stem for i in range(match.first, match.last)]
    return all(s in client_stems for s in stems)


# ---------------------------------------------------------------- the client's own words, another's words

_MODALS = frozenset({"can", "may", "could", "might"})
_DETERMINERS = frozenset({"a", "an", "the", "this", "that", "these", "it", "there"})
# Words of general or professional knowledge: a statement with them informs ('an approach called CRAFT').
_EXPERT_WORDS = frozenset({"people", "counsellors", "counselors", "therapists", "staff", "called", "approach", "approaches", "always", "phase", "regularly",
                           "half", "majority", "caused", "helpline", "helplines", "support", "charity", "charities", "services"})
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
        if t.text in ("tell", "tells", "told", "telling", "ask", "asks", "asked", "want", "wants", "wanted", "expect", "expects", "expected", "remind", "reminds"):
            return True
    return False


def _negated_at(words: list[str], i: int) -> bool:
    """'not lazy', 'the not caring': the word denied, not said of the client."""
    return any(w in ("not", "never", "no") for w in words[max(0, i - 2) : i])


def _reported_at(words: list[str], i: int) -> bool:
    return any(w in _HEARSAY for w in words[max(0, i - 5) : i])


def _trailing_anyway(reply: Analysis, match: Match, words: list[str]) -> bool:
    """'... as if you ended up in the same place anyway': closing a clause about the client, 'anyway' changes no subject."""
    if match.phrase not in ("anyway", "anyhow") or "you" not in words:
        return False
    before = reply.tokens[match.first - 1] if match.first else None
    return before is not None and before.word


def _advice_statement(words: list[str], tokens: list[Token], client: Analysis | None) -> bool:
    """'You could try...', 'It's the only way...', unless reported ('your body tells you it's the only way')
    or the client's own idea given back ('I could ask to...' -> 'You could ask to...')."""
    by_first = _index(_ADVICE_STATEMENT)
    for i, w in enumerate(words):
        for seq in by_first.get(w, ()):
            n = len(seq)
            if tuple(words[i : i + n]) != seq:
                continue
            if any(x in _HEARSAY or x == "knows" for x in words[max(0, i - 3) : i]):
                continue
            if seq[0] == "you" and _echo(tokens[i : i + n], client):
                continue
            return True
    return False


def _clients_world(words: list[str], tokens: list[Token], client: Analysis | None, feelings, sentence: Sentence, marker_hits: list[Match]) -> bool:
    """A statement without 'you' about the client's own situation: it takes up the client's words or names how it
    feels or what it means, and has none of the marks of general information (figures, 'usually', 'research')."""
    if client is None or (words[0] in _GENERAL_SUBJECTS and words[0] not in _DETERMINERS) or any(w in _EXPERT_WORDS for w in words):
        return False
    if "we" in words or (words[0].endswith("s") and not words[0].endswith("ss") and words[0] not in _THIRD and words[0] not in ("this", "his", "its", "was", "is", "as", "has")):
        return False  # 'Dogs don't really understand time the way we do': a general truth (bare plural, human 'we')
    if _general_count(words):
        return False
    if feelings or any(w in ("feel", "feels", "felt", "feeling", "means", "meant") for w in words):
        return True
    if _in(marker_hits, sentence, ("complex_markers",)) or _contains(words, _METAPHOR):
        return True
    client_stems = client.content_stems()
    return any(t.stem in client_stems for t in tokens if t.text not in STOPWORDS and len(t.text) > 2) or any(w in _THIRD for w in words)


_THIS_ONE = frozenset({"the", "that", "this", "last", "next"})  # 'the most dangerous', 'that week in Crete': no general fact


def _general_count(words: list[str], modals: bool = False) -> int:
    """Marks of general information ('usually', 'research', figures); 'the most dangerous' is a superlative,
    and 'can'/'may' alone mark no fact unless `modals`."""
    count = 0
    for i, w in enumerate(words):
        if w.isdigit():
            count += 1
        elif w in _GENERAL_WORDS and (modals or w not in _MODALS) and not (i and words[i - 1] in _THIS_ONE and w in ("most", "week", "hours")) and not (w == "some" and words[i + 1 : i + 2] == ["of"]):
            count += 1
    return count


def _reframes(words: list[str]) -> bool:
    """'It isn't X; it's Y': the denial is followed by what it is instead."""
    for i in range(2, len(words) - 1):
        if words[i] in ("it", "that") and words[i + 1] == "is" and "not" not in words[i + 2 : i + 3]:
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


def _client_metaphor(reply: Analysis, words: list[str], tokens: list[Token], client: Analysis | None) -> bool:
    """'you feel like a horrible daughter for wanting that' after 'I feel like a horrible daughter for wanting
    that': the client's own image, to the end of the clause (extending it, '... a little more with every
    journey', adds to it)."""
    if client is None:
        return False
    by_first = _index(_METAPHOR)
    found = False
    for i, w in enumerate(words):
        for seq in by_first.get(w, ()):
            n = len(seq)
            if tuple(words[i : i + n]) == seq:
                clause = _to_clause_end(reply, tokens[i])
                if not _echo(clause, client, min_words=n + 1):
                    return False
                found = True
    return found


def _client_contrast(match: Match, client: Analysis | None) -> bool:
    """'even though' joining what the client already set against each other with 'but' ('He didn't choose the
    stroke. But I'm so angry.'): the contrast is theirs."""
    if client is None or match.phrase not in ("even though", "and yet"):
        return False
    return any(t.text in ("but", "though", "yet") for t in client.tokens)


def _to_clause_end(reply: Analysis, token: Token) -> list[Token]:
    at = next(k for k, t in enumerate(reply.tokens) if t is token)
    out = []
    for t in reply.tokens[at:]:
        if not t.word:
            break
        out.append(t)
    return out
