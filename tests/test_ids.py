"""Codes, roadblocks and features are ids, listed once; words for people are rendered from them."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

from empathy_coach import codes
from empathy_coach.banks import models as m
from empathy_coach.scoring import engine
from empathy_coach.scoring.coder.features import FEATURE_BY_ID
from empathy_coach.scoring.coder.model import CODES

SRC = Path(__file__).resolve().parents[1] / "src" / "empathy_coach"


def test_one_list_of_codes_serves_the_models_the_coder_and_the_labels():
    assert CODES == codes.CODES == m.BEHAVIOUR_CODES == typing.get_args(m.Behaviour)
    assert tuple(codes.BEHAVIOUR_LABELS) == codes.CODES
    assert set(typing.get_args(m.BranchCondition)) == {"always", "reflection", "question", "roadblock", "passed", "failed", *codes.CODES}
    assert codes.REFLECTIONS | codes.QUESTIONS <= set(codes.CODES)
    assert len(codes.ROADBLOCKS) == 12 and codes.QUESTIONING in codes.ROADBLOCKS


def test_the_roadblock_tables_are_keyed_by_ids_that_exist():
    for code, (roadblock, family) in engine._ACT_ROADBLOCK.items():
        assert code in codes.CODES and roadblock in codes.ROADBLOCKS and family <= set(codes.ROADBLOCKS)
    for feature, (roadblock, family) in engine._FEATURE_ROADBLOCK.items():
        assert feature in FEATURE_BY_ID, f"{feature!r} is not a feature id"
        assert roadblock in codes.ROADBLOCKS and family <= set(codes.ROADBLOCKS)


def test_no_code_compares_with_display_text():
    """A label ('open question') in a comparison or a membership test is control logic on display text."""
    labels = {label for code, label in codes.BEHAVIOUR_LABELS.items() if label != code}
    labels |= {f.label for f in FEATURE_BY_ID.values() if " " in f.label}
    found = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                for part in [node.left, *node.comparators]:
                    if isinstance(part, ast.Constant) and part.value in labels:
                        found.append(f"{path.relative_to(SRC)}:{node.lineno}: {part.value!r}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split":
                owner = ast.unparse(node.func.value)
                if "feature" in owner or "label" in owner:
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}: {ast.unparse(node)}")
    assert found == []
