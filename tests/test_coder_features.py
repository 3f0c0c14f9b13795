"""Every named feature of the coder fires on its docstring's passing example and not on its failing one."""

from __future__ import annotations

import re

import pytest

from empathy_coach.scoring.assets import builtin_coder
from empathy_coach.scoring.coder.features import FEATURES, context_features
from empathy_coach.scoring.text import Analysis

_EXAMPLE = re.compile(r'Passes: "(?P<yes>.+?)"(?: after "(?P<yes_client>.+?)")?\s+Fails: "(?P<no>.+?)"(?: after "(?P<no_client>.+?)")?\s*$', re.S)


def _fires(feature, reply: str, client: str | None) -> bool:
    model = builtin_coder()
    segs = model.segments(Analysis(reply), Analysis(client) if client else None)
    return any(feature.function(seg) is not None for seg in segs)


@pytest.mark.parametrize("feature", FEATURES, ids=[f.id for f in FEATURES])
def test_feature_docstring_examples(feature):
    doc = (feature.function.__doc__ or "").strip()
    found = _EXAMPLE.match(doc)
    assert found, f"{feature.id}: docstring needs 'Passes: \"...\"  Fails: \"...\"'"
    assert _fires(feature, found["yes"], found["yes_client"]), f"{feature.id} should fire on {found['yes']!r}"
    assert not _fires(feature, found["no"], found["no_client"]), f"{feature.id} should not fire on {found['no']!r}"


def test_every_feature_has_a_label_and_a_unique_id():
    ids = [f.id for f in FEATURES]
    assert len(ids) == len(set(ids)) >= 40
    assert all(f.label and f.label[0].islower() for f in FEATURES)


def test_context_features_name_what_the_sentence_before_did():
    model = builtin_coder()
    segs = model.segments(Analysis("Call your sister tonight. It will help."), None)
    assert "P:imperative_lead" in context_features(segs[0])
    assert context_features(model.segments(Analysis("Okay."), None)[0]) == []
