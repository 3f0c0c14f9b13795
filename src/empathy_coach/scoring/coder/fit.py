"""Fitting the decision layer: multinomial logistic regression over the features, in pure Python.

Trained by stochastic gradient descent with AdaGrad steps and L2 shrinkage, classes weighted
towards the rare ones (the square root of inverse frequency), features kept only when seen in at
least `min_count` training sentences. Deterministic for a given seed and input order.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from empathy_coach.scoring.coder.model import CODES, CoderModel, Weights
from empathy_coach.scoring.text import MAX_ANALYSED_CHARS, Analysis


@dataclass(slots=True)
class Example:
    """One coded sentence as features, with the code a person gave it."""

    features: dict[str, float]
    code: str
    group: str  # examples of one group (a thread, a client statement) never sit on both sides of a fold
    weight: float = 1.0


def sentence_examples(model: CoderModel, client: str | None, reply: str, code: str, group: str,
                      weight: float = 1.0) -> list[Example]:
    """Examples from a whole reply coded with one code.

    A one-sentence reply is one example. In a longer reply only a sentence whose code is certain
    is kept: a question code goes to the closing question; other codes of a longer reply say
    nothing certain about each sentence, so they teach nothing here (they still count in `coder eval`).
    """
    analysis = Analysis(reply)
    client_analysis = Analysis(client) if client else None
    segs = model.segments(analysis, client_analysis)
    if not segs:
        return []
    if len(segs) == 1:
        return [Example(_vector(model, segs[0]), code, group, weight)]
    if code in ("open_question", "closed_question") and segs[-1].terminal == "?":
        return [Example(_vector(model, segs[-1], segs[-2]), code, group, weight)]
    return []


def span_examples(model: CoderModel, client: str | None, text: str, spans: Sequence[tuple[int, int, str]], group: str,
                  weight: float = 1.0) -> list[Example]:
    """Examples from sentences of a longer text coded by character span (the corpus format)."""
    client_analysis = Analysis(client[:MAX_ANALYSED_CHARS]) if client else None
    out = []
    count = len(spans)
    previous = None
    for index, (start, end, code) in enumerate(sorted(spans)):
        analysis = Analysis(text[start:end])
        segs = model.segments(analysis, client_analysis)
        if not segs:
            continue
        # One coded unit is one act: its sentences are read together, as the coder reads one sentence.
        seg = segs[-1] if len(segs) > 1 and segs[-1].terminal == "?" else segs[0]
        seg.index, seg.count = index, count
        out.append(Example(_vector(model, seg, previous), code, group, weight))
        previous = seg
    return out


def _vector(model: CoderModel, seg, previous=None) -> dict[str, float]:
    named, lexical = model.features(seg, previous)
    vector = {fid: hit.value for fid, hit in named.items()}
    for fid in lexical:
        vector[fid] = 1.0
    return vector


def fit(examples: Sequence[Example], *, epochs: int = 20, rate: float = 0.1, l2: float = 2e-4, min_count: int = 3,
        seed: int = 13, prune: float = 0.05, meta: dict | None = None, balance: float = 0.5) -> Weights:
    """Fit the decision layer to coded examples."""
    if not examples:
        raise ValueError("no coded sentences to learn from")
    index = {code: i for i, code in enumerate(CODES)}
    k = len(CODES)
    seen: Counter[str] = Counter()
    for ex in examples:
        seen.update(ex.features.keys())
    kept = {f for f, n in seen.items() if n >= min_count or not _lexical(f)}
    counts = Counter(ex.code for ex in examples)
    total = sum(counts.values())
    class_weight = {c: (total / (len(counts) * n)) ** balance for c, n in counts.items()}
    data = [([(f, v) for f, v in ex.features.items() if f in kept], index[ex.code], ex.weight * class_weight[ex.code]) for ex in examples]
    weights: dict[str, list[float]] = {}
    squares: dict[str, list[float]] = {}
    bias = [0.0] * k
    bias_sq = [1e-8] * k
    order = list(range(len(data)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            feats, y, sample_weight = data[i]
            scores = bias[:]
            for f, v in feats:
                row = weights.get(f)
                if row is not None:
                    for c in range(k):
                        scores[c] += row[c] * v
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            norm = sum(exps)
            grads = [(e / norm - (1.0 if c == y else 0.0)) * sample_weight for c, e in enumerate(exps)]
            for c in range(k):
                g = grads[c]
                bias_sq[c] += g * g
                bias[c] -= rate * g / math.sqrt(bias_sq[c])
            for f, v in feats:
                row = weights.get(f)
                if row is None:
                    row = weights[f] = [0.0] * k
                    squares[f] = [1e-8] * k
                sq = squares[f]
                for c in range(k):
                    g = grads[c] * v + l2 * row[c]
                    if g:
                        sq[c] += g * g
                        row[c] -= rate * g / math.sqrt(sq[c])
    rows = {}
    for f in sorted(weights):
        sparse = [x for c, w in enumerate(weights[f]) if abs(w) >= prune for x in (c, round(w, 2))]
        if sparse:
            rows[f] = sparse
    info = {"sentences": len(examples), "codes": dict(sorted(counts.items())), "features": len(rows),
            "epochs": epochs, "rate": rate, "l2": l2, "min_count": min_count, "seed": seed}
    info.update(meta or {})
    return Weights(CODES, [round(b, 4) for b in bias], rows, info)


def _lexical(feature: str) -> bool:
    return ":" in feature


def predict(weights: Weights, features: dict[str, float]) -> str:
    scores = list(weights.bias)
    for f, v in features.items():
        row = weights.rows.get(f)
        if row:
            for i in range(0, len(row), 2):
                scores[int(row[i])] += row[i + 1] * v
    return weights.codes[max(range(len(scores)), key=scores.__getitem__)]


def grouped_folds(examples: Sequence[Example], folds: int, seed: int = 7) -> Iterable[tuple[list[Example], list[Example]]]:
    """Train/test splits with every group wholly on one side."""
    groups = sorted({ex.group for ex in examples})
    random.Random(seed).shuffle(groups)
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    for fold in range(folds):
        yield [ex for ex in examples if fold_of[ex.group] != fold], [ex for ex in examples if fold_of[ex.group] == fold]
