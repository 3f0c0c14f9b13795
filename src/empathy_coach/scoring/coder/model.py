"""The decision layer: weights learned from coded replies, applied in pure Python.

A sentence's features (named ones from `features.py`, plus word features) are weighed for each of
the twelve codes; the code with the highest score is the sentence's act. The features that added
most to that code are kept on the act, with the words that fired them, so feedback can say why.
"""

from __future__ import annotations

from collections.abc import Mapping

from msgspec import Struct, field

from empathy_coach import codes
from empathy_coach.scoring.coder.features import FEATURE_BY_ID, Hit, context_features, lexical_features, named_features
from empathy_coach.scoring.coder.segment import Segment, segments
from empathy_coach.scoring.lexicon import PhraseSet
from empathy_coach.scoring.text import Analysis

# The twelve codes, in the order of a coder file's rows: the one list of empathy_coach.codes.
CODES = codes.CODES
REFLECTIONS = codes.REFLECTIONS
QUESTIONS = codes.QUESTIONS
FORMAT = "empathy-coach-coder"
FORMAT_VERSION = 1
_MISSING: list[float] = []
# How many of an act's strongest features it carries as its explanation.
MAX_REASONS = 3


class Reason(Struct):
    """A feature that pushed an act towards its code, and the words that fired it."""

    feature: str
    weight: float
    start: int
    end: int


class Act(Struct):
    code: str
    start: int
    end: int
    sentence: int
    features: list[str] = field(default_factory=list)  # feature ids, strongest first
    reasons: list[Reason] = field(default_factory=list)


class Coding(Struct):
    behaviour: str
    acts: list[Act]
    features: list[str]  # the primary act's feature ids


class Weights(Struct):
    """A fitted decision layer, as stored in a coder file (`prompts/coder/weights.json`)."""

    codes: tuple[str, ...]
    bias: list[float]
    # feature -> [code index, weight, code index, weight, ...] (flat: loads in a few ms); the built-in
    # coder's rows are a mapping that decodes them as they are read (content.cache.EncodedRows)
    rows: Mapping[str, list[float]]
    meta: dict = field(default_factory=dict)

    def to_builtins(self) -> dict:
        return {"format": FORMAT, "version": FORMAT_VERSION, "codes": list(self.codes), "bias": self.bias, "weights": dict(self.rows), "meta": self.meta}

    @classmethod
    def from_builtins(cls, data: dict) -> Weights:
        return cls(tuple(data["codes"]), list(data["bias"]), data["weights"], data.get("meta", {}))


class CoderModel:
    """What the coder needs at run time: its cue lexicon, the feeling words and the weights."""

    def __init__(self, cues: PhraseSet, weights: Weights, lead_fillers: frozenset[str]) -> None:
        self.cues = cues
        self.weights = weights
        self.lead_fillers = lead_fillers
        self._index = {code: i for i, code in enumerate(weights.codes)}
        # Rows are stored sparse (small file, fast load) and made dense on first use (fast sums).
        self._dense: dict[str, list[float] | None] = {}

    def _row(self, fid: str) -> list[float] | None:
        sparse = self.weights.rows.get(fid)
        dense = None
        if sparse:
            dense = [0.0] * len(self.weights.codes)
            for i in range(0, len(sparse), 2):
                dense[int(sparse[i])] = sparse[i + 1]
        if len(self._dense) < 200_000:
            self._dense[fid] = dense
        return dense

    def segments(self, reply: Analysis, client: Analysis | None) -> list[Segment]:
        return segments(reply, client, self.cues.all_matches(reply), self.lead_fillers)

    def features(self, seg: Segment, previous: Segment | None = None) -> tuple[dict[str, Hit], list[str]]:
        named, lexical = named_features(seg), lexical_features(seg)
        if previous is not None:
            lexical.extend(context_features(previous))
        return named, lexical

    def decide(self, seg: Segment, previous: Segment | None = None) -> Act:
        named, lexical = self.features(seg, previous)
        dense = self._dense
        active: list[tuple[str, float, list[float]]] = []
        rows: list[list[float]] = [self.weights.bias]
        for fid, hit in named.items():
            row = dense.get(fid, _MISSING)
            if row is _MISSING:
                row = self._row(fid)
            if row is not None:
                value = hit.value
                if value != 1.0:
                    row = [w * value for w in row]
                rows.append(row)
                active.append((fid, 1.0, row))
        for fid in lexical:
            row = dense.get(fid, _MISSING)
            if row is _MISSING:
                row = self._row(fid)
            if row is not None:
                rows.append(row)
                active.append((fid, 1.0, row))
        scores = list(map(sum, zip(*rows, strict=False)))  # column sums, in C
        best = max(range(len(scores)), key=scores.__getitem__)
        code = self.weights.codes[best]
        return Act(code, seg.sentence.start, seg.sentence.end, seg.sentence.index, *self._explain(seg, best, named, active))

    def _explain(self, seg: Segment, k: int, named: dict[str, Hit], active: list[tuple[str, float, list[float]]]) -> tuple[list[str], list[Reason]]:
        """The features that added most to code k, with the words that fired them.

        Named features come first (they say why in words a student can use), then word features.
        """
        ranked = sorted(((row[k] * value, fid) for fid, value, row in active if row[k] * value > 0), reverse=True)
        top = ([r for r in ranked if r[1] in named] + [r for r in ranked if r[1] not in named])[:MAX_REASONS]
        reasons = []
        for weight, fid in top:
            hit = named.get(fid)
            start, end = (hit.start, hit.end) if hit is not None else _lexical_span(seg, fid)
            reasons.append(Reason(fid, round(weight, 3), start, end))
        return [r.feature for r in reasons], reasons

    def code(self, reply: Analysis, client: Analysis | None) -> Coding:
        if reply.is_empty():
            return Coding("other", [], ["empty_reply"])
        segs = self.segments(reply, client)
        acts = [self.decide(seg, segs[i - 1] if i else None) for i, seg in enumerate(segs)]
        primary = primary_act(acts)
        return Coding(primary.code, acts, list(primary.features))


def _lexical_span(seg: Segment, fid: str) -> tuple[int, int]:
    kind, _, key = fid.partition(":")
    words = seg.words
    if kind in ("L1", "L2") and words:
        return seg.span(seg.lead, seg.lead + (2 if kind == "L2" else 1))
    if kind == "E" and words:
        return seg.span(len(words) - 1)
    if kind == "C1" and words:
        return seg.span(seg.last_clause, seg.last_clause + 1)
    if kind in ("u", "b"):
        first = key.split("_")[0]
        for i, t in enumerate(words):
            if t.stem == first:
                return seg.span(i, i + (2 if kind == "b" else 1))
    return seg.span()


# Acts that set a reply's course whatever follows: the client is asked to act or is judged.
_STEERING = ("persuade", "confront")
# Features that mark an act as a courtesy or a back-channel rather than the move itself.
_FILLER_FEATURES = frozenset({"backchannel_only", "courtesy"})


def _is_filler(act: Act) -> bool:
    return act.code == "other" and bool(_FILLER_FEATURES.intersection(act.features))


def primary_act(acts: list[Act]) -> Act:
    """The act the client will answer (see docs/coding-guide.md, "The primary act of a whole reply").

    A question at the end is primary; otherwise advice or a confrontation that nothing but backing-up
    follows; otherwise the last act that is not a filler, and a reflection over several sentences is
    complex if any part is.
    """
    if not acts:
        return Act("other", 0, 0, 0, ["empty_reply"])
    spoken = [a for a in acts if not _is_filler(a)] or acts[-1:]
    last = spoken[-1]
    if last.code in QUESTIONS:
        return last
    for code in _STEERING:
        steering = [i for i, a in enumerate(spoken) if a.code == code]
        # Advice or a judgement sets the reply's course when what follows only backs it up;
        # a reflection after it is what the client will answer.
        if steering and not any(a.code in REFLECTIONS for a in spoken[steering[-1] + 1 :]):
            return spoken[steering[-1]]
    if last.code == "simple_reflection":
        for act in reversed(spoken):
            if act.code not in REFLECTIONS:
                break
            if act.code == "complex_reflection":
                return act
    return last


def render_reason(feature_id: str, words: str) -> str:
    """A reason in words, quoting the reply's own words that fired it."""
    kind, _, _ = feature_id.partition(":")
    quoted = f'"{words}"'
    if feature_id in FEATURE_BY_ID:
        return f"{FEATURE_BY_ID[feature_id].label}: {quoted}" if words else FEATURE_BY_ID[feature_id].label
    if kind in ("u", "b"):
        return f"the words {quoted}"
    if kind in ("L1", "L2"):
        return f"opens with {quoted}"
    if kind == "E":
        return f"ends with {quoted}"
    if kind == "C1":
        return f"its last clause opens with {quoted}"
    return describe(feature_id)


def describe(feature_id: str) -> str:
    """A feature id in words, for feedback."""
    known = FEATURE_BY_ID.get(feature_id)
    if known is not None:
        return known.label
    kind, _, key = feature_id.partition(":")
    key = key.replace("_", " ")
    return {
        "L1": f"opens with '{key}'",
        "L2": f"opens with '{key}'",
        "E": f"ends with '{key}'",
        "C1": f"its last clause opens with '{key}'",
        "P": f"follows a sentence that {key}",
        "u": f"the word '{key}'",
        "b": f"the words '{key}'",
    }.get(kind, feature_id.replace("_", " "))
