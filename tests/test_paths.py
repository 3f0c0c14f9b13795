"""Where the user's folder and the cache live: the same place as platformdirs says, found without importing it on Linux."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from empathy_coach import paths

linux = pytest.mark.skipif(sys.platform != "linux", reason="the shortcut is taken on Linux only")

ENVIRONMENTS = [
    {"XDG_CACHE_HOME": "/tmp/xdg-cache", "XDG_DATA_HOME": "/tmp/xdg-data", "HOME": "/home/someone"},
    {"XDG_CACHE_HOME": "/tmp/trailing/", "XDG_DATA_HOME": "/tmp/trailing/", "HOME": "/home/someone"},
    {"XDG_CACHE_HOME": "/tmp/with space ", "XDG_DATA_HOME": "/tmp/with space ", "HOME": "/home/someone"},
    {"HOME": "/home/someone"},
    {"HOME": "/home/someone/"},
    {"HOME": "/"},
    {"XDG_CACHE_HOME": "", "XDG_DATA_HOME": "", "HOME": "/home/someone"},
    {"XDG_CACHE_HOME": "   ", "XDG_DATA_HOME": " ", "HOME": "/home/someone"},
    {"XDG_CACHE_HOME": "relative/cache", "XDG_DATA_HOME": "relative/data", "HOME": "/home/someone"},
    {"HOME": "relative-home"},
    {"HOME": ""},
    {},
]


def _environment(monkeypatch, env: dict[str, str]) -> None:
    for name in ("EMPATHY_COACH_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


@linux
@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda env: ",".join(f"{k}={v!r}" for k, v in env.items()) or "nothing")
def test_the_folders_are_where_platformdirs_puts_them(monkeypatch, env):
    _environment(monkeypatch, env)
    try:
        cache, data = platformdirs.user_cache_dir(paths.APP_NAME, appauthor=False), platformdirs.user_data_dir(paths.APP_NAME, appauthor=False)
    except RuntimeError:  # a platformdirs that finds no home: the shortcut must not find one either
        assert paths.linux_user_dir("XDG_CACHE_HOME", ".cache") is None
        return
    assert paths.cache_home() == Path(cache)
    assert paths.user_home() == Path(data)


@linux
def test_the_usual_folders_do_not_import_platformdirs(monkeypatch):
    _environment(monkeypatch, {"HOME": "/home/someone"})
    monkeypatch.setitem(sys.modules, "platformdirs", None)  # importing it would fail
    assert paths.cache_home() == Path("/home/someone/.cache/empathy-coach")
    assert paths.user_home() == Path("/home/someone/.local/share/empathy-coach")


def test_the_override_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("EMPATHY_COACH_HOME", str(tmp_path))
    assert paths.user_home() == tmp_path and paths.cache_home() == tmp_path / "cache"
