"""Lexicons declare their role; rules read the lexicon they name (issue 15's silent-empty bug)."""

from __future__ import annotations

import msgspec
import pytest
from typer.testing import CliRunner

from empathy_coach.banks import models as m
from empathy_coach.cli import app
from empathy_coach.content.cache import builtin_lexicon
from empathy_coach.scoring.engine import Scorer
from empathy_coach.scoring.tables import LexiconRoleError, Lexicons

DISMISSING = "Don't worry, it's not a big deal."
MY_MARKERS = {"id": "my-markers", "role": "markers", "phrases": {"dismissing": ["don't worry", "not a big deal"], "validation": ["makes sense"]}}


def _rubric(lexicon: str) -> m.Rubric:
    return msgspec.convert({
        "id": "mine", "lexicons": ["emotions", "roadblocks", "my-markers"],
        "rules": [{"id": "validates", "kind": "validation", "lexicon": lexicon}],
    }, m.Rubric)


def _lexicons() -> dict[str, m.Lexicon]:
    return {"emotions": builtin_lexicon("emotions"), "roadblocks": builtin_lexicon("roadblocks"),
            "my-markers": msgspec.convert(MY_MARKERS, m.Lexicon)}


def test_a_rule_reads_the_lexicon_it_names_not_one_called_markers():
    # Before: the phrase tables were looked up under the id "markers", absent here, so they were
    # silently empty and this dismissal passed the validation rule.
    result = Scorer(_rubric("my-markers"), _lexicons()).score(DISMISSING, client="I failed my driving test again.")
    rule = next(r for r in result.rules if r.id == "validates")
    assert not rule.passed
    assert [s.text for s in rule.spans] == ["Don't worry", "not a big deal"]


def test_the_tables_are_looked_up_by_id_and_role():
    tables = Lexicons.compile(_lexicons())
    assert tables.roles == {"emotions": "emotions", "roadblocks": "roadblocks", "my-markers": "markers"}
    assert tables.markers is tables.phrases["my-markers"]
    with pytest.raises(LexiconRoleError, match="has the role 'roadblocks', not 'markers'"):
        tables.phrase_set("roadblocks", "markers")
    with pytest.raises(LexiconRoleError, match="not among the rubric's lexicons"):
        tables.phrase_set("markers", "markers")


def test_every_builtin_lexicon_states_its_role():
    for name, role in (("emotions", "emotions"), ("markers", "markers"), ("roadblocks", "roadblocks"), ("related", "related"),
                       ("coder-cues", "coder-cues")):
        assert builtin_lexicon(name).role == role


def test_check_reports_a_rule_naming_a_lexicon_of_the_wrong_role(tmp_path):
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "my-markers.yaml").write_text(
        "id: my-markers\nrole: roadblocks\nphrases:\n  advising: [you should]\n", encoding="utf-8")
    (tmp_path / "rubric.yaml").write_text(
        "id: mine\nlexicons: [emotions, roadblocks, my-markers]\nrules:\n"
        "  - id: validates\n    kind: validation\n    lexicon: my-markers\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "lexicons" / "my-markers.yaml"), str(tmp_path / "rubric.yaml")])
    assert result.exit_code in (1, 2)
    assert "rubric.yaml:6:14:" in result.output
    assert "expected a lexicon with the role 'markers' for a 'validation' rule, found 'my-markers' (role 'roadblocks')" in result.output


def test_a_lexicon_without_a_role_is_an_error_with_its_place(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("id: mine\nphrases:\n  dismissing: [at least]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert "mine.yaml:1:1:" in result.output and "role" in result.output
