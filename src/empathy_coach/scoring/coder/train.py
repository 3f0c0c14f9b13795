"""From coded records to training examples and to the coder's own codes for them."""

from __future__ import annotations

from empathy_coach.scoring.coder.fit import Example, sentence_examples, span_examples
from empathy_coach.scoring.coder.model import CoderModel
from empathy_coach.scoring.text import Analysis


def examples(model: CoderModel, coded, part: str | None = "develop", reply_weight: float = 1.0, span_weight: float = 1.0) -> list[Example]:
    """Training examples from a CodedSet (grading.coded), optionally only one part of it."""
    out: list[Example] = []
    for answer in coded.answers:
        if part is None or answer.part == part:
            out.extend(span_examples(model, answer.client, answer.text, answer.spans, answer.thread, span_weight))
    for record in coded.replies:
        if part is None or record.part == part:
            out.extend(sentence_examples(model, record.client, record.reply, record.code, "reply:" + record.group, reply_weight))
    return out


def code_units(model: CoderModel, coded, part: str | None = None) -> tuple[list[str], list[str], list[str]]:
    """(person's codes, coder's codes, groups) for every coded unit: each corpus span and each reply."""
    gold: list[str] = []
    got: list[str] = []
    groups: list[str] = []
    for answer in coded.answers:
        if part is not None and answer.part != part:
            continue
        client = Analysis(answer.client) if answer.client else None
        for start, end, code in answer.spans:
            gold.append(code)
            got.append(model.code(Analysis(answer.text[start:end]), client).behaviour)
            groups.append(answer.thread)
    for record in coded.replies:
        if part is not None and record.part != part:
            continue
        gold.append(record.code)
        got.append(model.code(Analysis(record.reply), Analysis(record.client) if record.client else None).behaviour)
        groups.append("reply:" + record.group)
    return gold, got, groups


def grouped_split(coded, folds: int, seed: int = 7):
    """(train, test) CodedSets with every thread or client statement wholly on one side."""
    import random
    from dataclasses import replace

    groups = sorted({a.thread for a in coded.answers} | {"reply:" + r.group for r in coded.replies})
    random.Random(seed).shuffle(groups)
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    for fold in range(folds):
        train = replace(coded, answers=[a for a in coded.answers if fold_of[a.thread] != fold],
                        replies=[r for r in coded.replies if fold_of["reply:" + r.group] != fold])
        test = replace(coded, answers=[a for a in coded.answers if fold_of[a.thread] == fold],
                       replies=[r for r in coded.replies if fold_of["reply:" + r.group] == fold])
        yield train, test


def with_weights(model: CoderModel, weights) -> CoderModel:
    """The same cues and feeling words with other weights."""
    return CoderModel(model.cues, weights, model.lead_fillers)
