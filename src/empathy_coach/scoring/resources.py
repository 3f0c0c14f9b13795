"""Built-in rubrics and lexicons, loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from empathy_coach.banks import models as m
from empathy_coach.paths import builtin_root


@lru_cache(maxsize=None)
def builtin_lexicon(name: str) -> m.Lexicon:
    from empathy_coach.banks.loader import load_file

    return load_file(builtin_root() / "lexicons" / f"{name}.yaml", "lexicon", source="built-in").value


@lru_cache(maxsize=None)
def builtin_rubric(name: str) -> m.Rubric:
    """A built-in rubric, from a MessagePack cache keyed by its text (YAML costs start-up time)."""
    import os

    import msgspec

    from empathy_coach.paths import cache_home, content_key

    path = builtin_root() / "rubrics" / f"{name}.yaml"
    raw = path.read_bytes()
    cache_file = cache_home() / f"rubric-{name}-{content_key(CACHE_FORMAT.encode(), raw)}.msgpack"
    try:
        return msgspec.msgpack.decode(cache_file.read_bytes(), type=m.Rubric)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        pass
    from empathy_coach.banks.loader import load_file

    rubric = load_file(path, "rubric", source="built-in").value
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(msgspec.msgpack.encode(rubric))
        os.replace(temporary, cache_file)
    except OSError:
        pass
    return rubric


def builtin_lexicon_path(name: str) -> Path:
    return builtin_root() / "lexicons" / f"{name}.yaml"


CACHE_FORMAT = "1"


@lru_cache(maxsize=None)
def builtin_tables(names: tuple[str, ...]):
    """The built-in lexicons compiled, from an on-disk cache keyed by their content.

    Compiling (stemming every phrase into tries) costs far more than a one-shot `score` may
    spend, so the result is kept as MessagePack in the user's cache folder.
    """
    import os

    import msgspec

    from empathy_coach._version import __version__
    from empathy_coach.paths import cache_home, content_key
    from empathy_coach.scoring.behaviour import Lexicons

    parts = [f"{CACHE_FORMAT}:{__version__}".encode()]
    for name in names:
        parts += [name.encode(), builtin_lexicon_path(name).read_bytes()]
    cache_file = cache_home() / f"lexicons-{content_key(*parts)}.msgpack"
    from empathy_coach.scoring.text import known_stems, preload_stems

    try:
        data = msgspec.msgpack.decode(cache_file.read_bytes())
        preload_stems(data["stems"])
        return Lexicons.from_builtins(data["tables"])
    except (OSError, ValueError, KeyError, TypeError, msgspec.DecodeError):
        pass
    tables = Lexicons.compile({name: builtin_lexicon(name) for name in names})
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        # The stems of every lexicon word travel with the tables: a one-shot score rarely meets a new word.
        temporary.write_bytes(msgspec.msgpack.encode({"tables": tables.to_builtins(), "stems": known_stems()}))
        os.replace(temporary, cache_file)
    except OSError:
        pass  # a read-only home only costs speed
    return tables
