"""The built-in scenario library keeps the shape the course relies on (issue: the built-in library)."""

from __future__ import annotations

import pytest

from empathy_coach.banks.catalog import Catalog

THEMES = {
    "everyday-stress", "grief-and-loss", "anxiety-and-worry", "low-mood", "relationships-and-family",
    "ambivalence-and-change", "school-and-young-adults", "identity-stigma-belonging",
}


@pytest.fixture(scope="module")
def catalog():
    return Catalog.discover([], user=False)


def test_at_least_48_scenarios_in_at_least_8_themed_banks(catalog):
    ids = {b.value.id for b in catalog.banks}
    assert THEMES <= ids
    assert len(catalog.scenarios()) >= 48


def test_every_bank_names_authors_version_and_licence(catalog):
    for bank in catalog.banks:
        assert bank.value.authors, bank.value.id
        assert str(bank.value.version), bank.value.id
        assert bank.value.license == "CC-BY-4.0", bank.value.id


def test_every_scenario_and_turn_has_what_a_drill_needs(catalog):
    for ref in catalog.scenarios():
        s = ref.scenario
        assert s.setting.strip(), s.id
        assert 3 <= len(s.turns), s.id
        assert any(t.nonverbal for t in s.turns), f"{s.id}: no turn with a non-verbal cue"
        for t in s.turns:
            where = f"{s.id}/{t.id}"
            assert t.emotions and t.content, where
            assert len(t.exemplar_list()) >= 2, where
            assert {e.behaviour for e in t.exemplar_list()} & {"simple_reflection", "complex_reflection"}, where
            assert 1 <= len(t.hints) <= 2, where
            assert len(t.examples) >= 3, where
            assert any(e.passed is True for e in t.examples), f"{where}: no example that must pass"
            assert any(e.passed is False and e.roadblocks for e in t.examples), f"{where}: no roadblock that must fail"
            assert any(e.behaviour for e in t.examples if e.passed is not True), f"{where}: no off-target example with its code"


def test_branching_in_at_least_a_third_of_the_scenarios(catalog):
    refs = catalog.scenarios()
    branching = [r for r in refs if any(len(t.branches()) > 1 for t in r.scenario.turns)]
    assert len(branching) * 3 >= len(refs)


def test_the_safety_bank_says_it_is_practice_not_a_crisis_protocol(catalog):
    (bank,) = [b.value for b in catalog.banks if b.value.id == "safety-and-risk"]
    text = bank.description.lower()
    assert "not a crisis protocol" in text or "not a crisis" in text
    assert "supervisor" in text and "emergency" in text
    asks = [e.reply.lower() for s in bank.scenarios for t in s.turns for e in t.exemplar_list()]
    assert any("suicide" in reply or "ending your life" in reply or "end your life" in reply for reply in asks)
