"""Every test runs with its own user folder: no test reads or writes the real user's data."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("coach-home")
    monkeypatch.setenv("EMPATHY_COACH_HOME", str(home))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home
