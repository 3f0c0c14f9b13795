"""Leitner-box transitions, one test per rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from empathy_coach.practice import scheduling
from empathy_coach.practice.scheduling import Card, is_mastered, next_box, review, skip

NOW = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def test_high_passing_score_promotes_one_box():
    assert next_box(1, passed=True, score=90) == 2
    assert next_box(3, passed=True, score=80) == 4


def test_low_passing_score_stays_in_its_box():
    assert next_box(3, passed=True, score=65) == 3
    assert next_box(1, passed=True, score=79.9) == 1


def test_failure_goes_back_to_box_one_from_any_box():
    for box in range(1, 6):
        assert next_box(box, passed=False, score=40) == 1
    # A high score that did not pass (a required rule failed) is still a failure.
    assert next_box(4, passed=False, score=95) == 1


def test_last_box_is_a_ceiling():
    assert next_box(5, passed=True, score=100) == 5


def test_promote_threshold_is_a_parameter():
    assert next_box(2, passed=True, score=70, promote_score=70) == 3
    assert next_box(2, passed=True, score=70, promote_score=71) == 2


@pytest.mark.parametrize(("box", "days"), [(1, 0), (2, 1), (3, 3), (4, 7), (5, 21)])
def test_each_box_has_its_interval(box, days):
    assert scheduling.due_after(box, NOW) == NOW + timedelta(days=days)


def test_first_review_of_a_new_turn():
    card = review(None, passed=True, score=90, now=NOW)
    assert (card.box, card.due_at, card.reviews, card.lapses) == (2, NOW + timedelta(days=1), 1, 0)
    card = review(None, passed=False, score=30, now=NOW)
    assert (card.box, card.due_at, card.reviews, card.lapses) == (1, NOW, 1, 0)


def test_review_counts_lapses_only_when_falling_back():
    card = Card(box=4, due_at=NOW, reviews=5, lapses=0)
    after = review(card, passed=False, score=20, now=NOW)
    assert (after.box, after.reviews, after.lapses) == (1, 6, 1)
    again = review(after, passed=False, score=20, now=NOW)
    assert again.lapses == 1  # already in box 1: no new lapse


def test_low_pass_restarts_the_interval_of_the_same_box():
    card = Card(box=3, due_at=NOW - timedelta(days=10), reviews=2)
    after = review(card, passed=True, score=62, now=NOW)
    assert after.box == 3
    assert after.due_at == NOW + timedelta(days=3)


def test_skip_keeps_the_box_and_is_due_at_once():
    card = Card(box=3, due_at=NOW + timedelta(days=3), reviews=2)
    after = skip(card, now=NOW)
    assert (after.box, after.due_at, after.reviews) == (3, NOW, 2)
    assert skip(None, now=NOW).box == 1


def test_mastered_from_box_four():
    assert [is_mastered(b) for b in range(1, 6)] == [False, False, False, True, True]


def test_naive_datetimes_are_taken_as_utc():
    naive = datetime(2024, 5, 1, 9, 0)
    assert review(None, passed=True, score=95, now=naive).due_at == NOW + timedelta(days=1)


def test_module_explains_the_choice():
    doc = scheduling.__doc__ or ""
    assert "Leitner" in doc and "SM-2" in doc
