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


# ---------------------------------------------------------------- adding a kind touches one module

ECHO_KIND = '''\
"""The `echo` rule kind (added by a test): the reply gives back some of the client's own words."""

from __future__ import annotations

from collections.abc import Iterator

from empathy_coach.banks.kinds.base import RuleBase, RuleProblem
from empathy_coach.banks.kinds.context import Outcome, ReplyContext, quote


class EchoRule(RuleBase, tag="echo"):
    """The reply gives back at least `min_words` of the client's content words.

    Passes:

    ```yaml
    client: My garden flooded last night.
    reply: Your garden is under water.
    rules:
      - {id: echoes, kind: echo}
    ```

    Fails:

    ```yaml
    client: My garden flooded last night.
    reply: That is hard.
    rules:
      - {id: echoes, kind: echo}
    ```
    """

    min_words: int = 1

    def problems(self) -> Iterator[RuleProblem]:
        if self.min_words < 1:
            yield ("min_words",), f"min_words {self.min_words} is below 1", "schema"


RULE = EchoRule


def evaluate(rule: EchoRule, ctx: ReplyContext) -> Outcome | None:
    if ctx.client is None:
        return None
    theirs = {t.stem for t in ctx.client.tokens if t.word and t.text not in ctx.stopwords}
    spans = [(t.start, t.end) for t in ctx.reply.tokens if t.word and t.stem in theirs]
    passed = len(spans) >= rule.min_words
    return Outcome(1.0 if passed else 0.0, passed, spans, {"found": quote(ctx, spans)}, f"gives back {quote(ctx, spans)}" if spans else "none of their words")
'''

ECHO_PROBE = '''\
import msgspec
from empathy_coach import score_reply
from empathy_coach.banks import models as m
from empathy_coach.banks.kinds.docs import render
from empathy_coach.banks.loader import load_text
from empathy_coach.problems import InputError

rubric = load_text("id: r\\npass_score: 50\\nrules:\\n  - id: echoes\\n    kind: echo\\n    min_words: 1\\n", "r.yaml", "rubric").value
print("decoded", type(rubric.rules[0]).__name__, rubric.rules[0].min_words)
try:
    load_text("id: r\\nrules:\\n  - id: echoes\\n    kind: echo\\n    min_words: 0\\n", "r.yaml", "rubric")
except InputError as error:
    print("refused", *[(p.line, p.message) for p in error.problems])
for reply in ("Your garden is under water.", "That is hard."):
    result = score_reply(reply, client="My garden flooded last night.", rubric=rubric)
    (rule,) = [r for r in result.rules if r.id == "echoes"]
    print("scored", rule.passed, [s.text for s in rule.spans])
print("documented", "## `echo`" in render(), "Passes:" in m.json_schema("rubric")["$defs"]["EchoRule"]["description"])
'''


def test_adding_a_kind_is_one_module_and_its_line_in_the_registry(tmp_path):
    """A copy of the package gains the `echo` kind: its module, and its name in the registry's table.
    Nothing else changes, and a rubric then decodes it, the loader checks it, the scorer scores it,
    and the documentation and JSON Schema carry it."""
    import os
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    package = tmp_path / "src" / "empathy_coach"
    shutil.copytree(root / "src" / "empathy_coach", package, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "prompts").symlink_to(root / "prompts")  # the built-in content, found beside src/
    (package / "banks" / "kinds" / "echo.py").write_text(ECHO_KIND, encoding="utf-8")
    registry = package / "banks" / "kinds" / "__init__.py"
    before = registry.read_text(encoding="utf-8")
    after = before.replace("    double_sided,\n", "    double_sided,\n    echo,\n", 1).replace("MODULES = (pattern,", "MODULES = (pattern, echo,", 1)
    assert len([line for line in after.splitlines() if line not in before.splitlines()]) == 2, "the import and the MODULES line"
    registry.write_text(after, encoding="utf-8")

    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    out = subprocess.run([sys.executable, "-c", ECHO_PROBE], capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "decoded EchoRule 1",
        "refused (5, 'min_words 0 is below 1')",
        "scored True ['garden']",
        "scored False []",
        "documented True True",
    ]


def test_the_registry_is_built_from_the_modules_and_refuses_a_kind_declared_twice():
    built = kinds.build(kinds.MODULES)
    assert built.by_name == kinds.RULE_KINDS and built.evaluators == kinds.REGISTRY
    assert built.compositions == kinds.COMPOSITIONS == {"all_of", "any_of"}
    assert [module.evaluate for module in kinds.MODULES] == list(kinds.REGISTRY.values())
    with pytest.raises(ValueError, match="pattern"):
        kinds.build((kinds.pattern, kinds.length, kinds.pattern))
