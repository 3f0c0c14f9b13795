"""The rule kinds: one module each, documented by their docstrings, every documented example a test."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest
import yaml

from empathy_coach.banks import kinds
from empathy_coach.banks import models as m
from empathy_coach.banks.kinds.docs import render
from empathy_coach.scoring.assets import builtin_tables

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rubrics.md"
LEXICONS = ["emotions", "roadblocks", "markers", "related"]
_SECTION = re.compile(r"^## `(?P<kind>[a-z_]+)`$(?P<body>.*?)(?=^## `|\Z)", re.M | re.S)
_EXAMPLE = re.compile(r"^(?P<verdict>Passes|Fails):\s*```yaml\n(?P<yaml>.*?)```", re.M | re.S)


def _examples() -> list[tuple[str, str, dict]]:
    found = []
    for section in _SECTION.finditer(DOCS.read_text(encoding="utf-8")):
        for example in _EXAMPLE.finditer(section["body"]):
            found.append((section["kind"], example["verdict"], yaml.safe_load(example["yaml"])))
    return found


def test_docs_rubrics_md_is_generated_from_the_kinds():
    assert DOCS.read_text(encoding="utf-8") == render(), "docs/rubrics.md is stale: python -m empathy_coach.banks.kinds.docs > docs/rubrics.md"


def test_every_kind_is_declared_scored_and_documented_with_a_passing_and_a_failing_example():
    assert set(kinds.RULE_KINDS) == set(kinds.REGISTRY) == {module.RULE.__struct_config__.tag for module in kinds.MODULES}
    verdicts: dict[str, list[str]] = {}
    for kind, verdict, _ in _examples():
        verdicts.setdefault(kind, []).append(verdict)
    assert verdicts == {kind: ["Passes", "Fails"] for kind in kinds.RULE_KINDS}


@pytest.mark.parametrize(("kind", "verdict", "example"), _examples(), ids=[f"{k}-{v}" for k, v, _ in _examples()])
def test_every_example_in_the_docs_scores_as_it_says(kind, verdict, example):
    from empathy_coach.scoring.engine import Scorer

    rules = example["rules"]
    assert rules[0]["kind"] == kind
    rubric = msgspec.convert({"id": "doc", "lexicons": LEXICONS, "rules": rules}, m.Rubric)
    turn = msgspec.convert({"id": "t", **example["turn"]}, m.Turn) if "turn" in example else None
    result = Scorer(rubric, builtin_tables(tuple(LEXICONS))).score(example["reply"], client=example.get("client"), turn=turn)
    first = next(r for r in result.rules if r.id == rules[0]["id"])
    assert first.passed is (verdict == "Passes"), first.message


def test_the_json_schema_carries_each_kind_s_documentation():
    schema = m.json_schema("rubric")
    described = {d.get("title"): d.get("description", "") for d in schema["$defs"].values()}
    for cls in kinds.KIND_TYPES:
        assert "Passes:" in described[cls.__name__] and "Fails:" in described[cls.__name__], cls.__name__


def test_the_loader_checks_a_kind_s_own_rules_through_the_kind(tmp_path):
    from empathy_coach.banks.loader import load_file
    from empathy_coach.problems import InputError

    path = tmp_path / "r.yaml"
    path.write_text("id: r\nrules:\n  - id: p\n    kind: pattern\n  - id: l\n    kind: length\n    min_words: 9\n    max_words: 2\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_file(path, "rubric")
    messages = [(p.line, p.message) for p in caught.value.problems]
    assert (3, "a 'pattern' rule needs 'phrases' or 'regex'") in messages
    assert (5, "min_words 9 is above max_words 2") in messages

