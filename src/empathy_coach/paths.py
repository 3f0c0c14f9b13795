"""Where things live: built-in content, the user's folder, the cache. Cheap to import."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "empathy-coach"


def builtin_root() -> Path:
    """The built-in `prompts/` folder: inside the installed wheel, or at the repository root."""
    beside = Path(__file__).resolve().parent / "prompts"
    if beside.is_dir():  # an installed wheel: the same place importlib.resources finds, without its import
        return beside
    from importlib import resources

    packaged = resources.files("empathy_coach") / "prompts"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "prompts"


def user_home() -> Path:
    override = os.environ.get("EMPATHY_COACH_HOME")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_home() -> Path:
    """Where derived data (compiled lexicons) is kept; safe to delete."""
    override = os.environ.get("EMPATHY_COACH_HOME")
    if override:
        return Path(override).expanduser() / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
