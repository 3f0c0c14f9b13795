"""Where things live: built-in content, the user's folder, the cache. Cheap to import."""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

APP_NAME = "empathy-coach"


@cache
def builtin_root() -> Path:
    """The built-in `prompts/` folder: inside the installed wheel, or at the repository root.

    Found once per process (a one-shot `score` asks for it about ten times).
    """
    beside = Path(__file__).resolve().parent / "prompts"
    if beside.is_dir():  # an installed wheel: the same place importlib.resources finds, without its import
        return beside
    from importlib import resources

    packaged = resources.files("empathy_coach") / "prompts"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "prompts"


CONTENT_FOLDERS = ("banks", "rubrics", "lexicons")
YAML_SUFFIXES = (".yaml", ".yml")


def walk_files(folder: Path, suffixes: tuple[str, ...], unreadable: list[str] | None = None, *, hidden: bool = True) -> list[Path]:
    """Files under `folder` whose suffix is one of `suffixes`, sorted. Folders that cannot be read
    are added to `unreadable` (when given) instead of being skipped silently."""
    found: list[Path] = []

    def failed(exc: OSError) -> None:
        if unreadable is not None:
            unreadable.append(f"{exc.filename}: {exc.strerror or exc}")

    for top, dirs, files in os.walk(folder, onerror=failed):
        if not hidden:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if hidden or not name.startswith("."):
                path = Path(top) / name
                if path.suffix in suffixes and path.is_file():
                    found.append(path)
    return sorted(found, key=lambda p: p.as_posix())


def yaml_files(folder: Path, unreadable: list[str] | None = None) -> list[Path]:
    return walk_files(folder, YAML_SUFFIXES, unreadable)


def content_files(root: Path) -> list[tuple[str, Path]]:
    """(kind, file) for every YAML file in `root`'s banks/, rubrics/ and lexicons/ folders."""
    return [(sub[:-1], file) for sub in CONTENT_FOLDERS if (root / sub).is_dir() for file in yaml_files(root / sub)]


def user_home() -> Path:
    override = os.environ.get("EMPATHY_COACH_HOME")
    if override:
        return Path(override).expanduser()
    known = linux_user_dir("XDG_DATA_HOME", ".local/share")
    if known is not None:
        return known
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def linux_user_dir(variable: str, under_home: str) -> Path | None:
    """This app's folder in a Linux user directory, as platformdirs gives it, without importing
    platformdirs (about 4 ms of a one-shot `score`, three regexes compiled among them).

    `$variable` (XDG_CACHE_HOME, XDG_DATA_HOME) when it is an absolute path, else `under_home` in
    an absolute $HOME. None wherever platformdirs' own rules may differ (another system, Android,
    a relative XDG value, no usable HOME): the caller asks platformdirs then.
    """
    if sys.platform != "linux" or "ANDROID_DATA" in os.environ:
        return None
    base = os.environ.get(variable, "")
    if base.strip():
        if not os.path.isabs(base):
            return None
    else:
        home = os.environ.get("HOME", "")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home.rstrip("/") or "/", under_home)
    return Path(os.path.join(base, APP_NAME))


DATABASE_NAME = "progress.sqlite3"
JOURNAL_GLOB = "unsaved-replies*.jsonl"  # replies whose save failed, kept until the database takes them


def database_files() -> list[Path]:
    """The progress database and the files SQLite and the drill keep beside it: never an output."""
    base = user_home() / DATABASE_NAME
    try:
        journals = sorted(user_home().glob(JOURNAL_GLOB))
    except OSError:
        journals = []
    return [base, Path(f"{base}-wal"), Path(f"{base}-shm"), Path(f"{base}-journal"), *journals]


def cache_home() -> Path:
    """Where derived data (compiled lexicons) is kept; safe to delete."""
    override = os.environ.get("EMPATHY_COACH_HOME")
    if override:
        return Path(override).expanduser() / "cache"
    known = linux_user_dir("XDG_CACHE_HOME", ".cache")
    if known is not None:
        return known
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def content_key(*parts: bytes) -> str:
    """A short key that changes whenever any part changes, for naming cache files.

    CRC-32 over each part and its length: collisions would only cost a stale cache of built-in
    content, and zlib is already loaded where hashlib's OpenSSL import costs about 6 ms.
    """
    import zlib

    crc = 0
    total = 0
    for part in parts:
        crc = zlib.crc32(len(part).to_bytes(8, "little"), crc)
        crc = zlib.crc32(part, crc)
        total += len(part)
    return f"{crc:08x}{total:x}"


def write_cache(target: Path, data: bytes, stale: str) -> None:
    """Atomically write a cache file and delete the older ones matching the `stale` glob.

    A read-only or full cache folder only costs speed, so failures are ignored (and leave no
    temporary file behind: see `atomic`).
    """
    from empathy_coach.atomic import atomic_write

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data)
        for old in target.parent.glob(stale):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass
