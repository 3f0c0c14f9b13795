"""The built-in rubrics, lexicons and coder file, and the on-disk caches of what is built from them.

This is the one place that reads content for scoring and writes caches (`content` in the layers of
DESIGN.md, below `scoring`). What is compiled from content (phrase tables, related-word tables,
the coder) is built by `scoring`, which hands this module the function that builds it, and the two
that turn it into plain data and back; the cache keys, the file format and the files are kept here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from empathy_coach.banks import models as m
from empathy_coach.paths import builtin_root

T = TypeVar("T")

# One format for every cache of the package (the drill's content cache included): raise it when
# the shape of anything cached changes.
CACHE_FORMAT = "4"

CODER_LEXICON = "coder-cues"
CODER_WEIGHTS = "weights.json"


def builtin_lexicon_path(name: str) -> Path:
    return builtin_root() / "lexicons" / f"{name}.yaml"


@cache
def builtin_lexicon(name: str) -> m.Lexicon:
    from empathy_coach.banks.loader import load_file

    return load_file(builtin_lexicon_path(name), "lexicon", source="built-in").value


@cache
def builtin_rubric(name: str) -> m.Rubric:
    """A built-in rubric, from a MessagePack cache keyed by its text (YAML costs start-up time)."""
    import msgspec

    from empathy_coach.paths import cache_home, content_key, write_cache

    path = builtin_root() / "rubrics" / f"{name}.yaml"
    raw = path.read_bytes()
    cache_file = cache_home() / f"rubric-{name}-{content_key(CACHE_FORMAT.encode(), raw)}.msgpack"
    try:
        return msgspec.msgpack.decode(cache_file.read_bytes(), type=m.Rubric)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        pass
    from empathy_coach.banks.loader import load_file

    rubric: m.Rubric = load_file(path, "rubric", source="built-in").value
    write_cache(cache_file, msgspec.msgpack.encode(rubric), f"rubric-{name}-*.msgpack")
    return rubric


def cached_build(prefix: str, names: Sequence[str], build: Callable[[], T], dump: Callable[[T], object], load: Callable[[Any], T]) -> T:
    """What `build()` makes from the built-in lexicons `names`, kept as MessagePack in the cache folder.

    The key is made of the cache format, the package version and the lexicons' bytes; `dump` turns
    the built value into plain data, `load` turns that data back (any error there means: build again).
    Compiling (stemming every phrase into tries) costs far more than a one-shot `score` may spend.
    """
    import msgspec

    from empathy_coach._version import __version__
    from empathy_coach.paths import cache_home, content_key, write_cache

    parts = [f"{CACHE_FORMAT}:{__version__}".encode()]
    for name in names:
        parts += [name.encode(), builtin_lexicon_path(name).read_bytes()]
    label = "+".join(names)
    cache_file = cache_home() / f"{prefix}-{label}-{content_key(*parts)}.msgpack"
    try:
        return load(msgspec.msgpack.decode(cache_file.read_bytes()))
    except (OSError, ValueError, KeyError, TypeError, msgspec.DecodeError):
        pass
    value = build()
    write_cache(cache_file, msgspec.msgpack.encode(dump(value)), f"{prefix}-{label}-*.msgpack")
    return value


def builtin_coder_weights_path() -> Path:
    return builtin_root() / "coder" / CODER_WEIGHTS


MAX_CODER_BYTES = 256 * 1024 * 1024  # the built-in file is about 1 MB; a bigger file is not a coder file


def read_coder_file(path: Path) -> dict[str, Any]:
    """A coder file (`coder fit` output) as plain data; ValueError if it cannot be read, is not JSON or not an object."""
    import stat

    import msgspec

    try:
        status = path.stat()  # before opening: opening a pipe would wait for a writer
        if not stat.S_ISREG(status.st_mode):
            raise ValueError("expected a coder file, found " + ("a folder" if stat.S_ISDIR(status.st_mode) else "a pipe or device"))
        if status.st_size > MAX_CODER_BYTES:
            raise ValueError(f"expected a coder file of at most {MAX_CODER_BYTES // 2**20} MB, found {status.st_size // 2**20} MB")
        with path.open("rb") as handle:
            raw = handle.read(MAX_CODER_BYTES + 1)
    except OSError as error:
        raise ValueError(f"expected a readable coder file, found {error.strerror or error}") from None
    if len(raw) > MAX_CODER_BYTES:
        raise ValueError(f"expected a coder file of at most {MAX_CODER_BYTES // 2**20} MB, found a bigger file")
    try:
        data = msgspec.json.decode(raw)
    except msgspec.DecodeError as error:
        raise ValueError(f"not a coder file: {error}") from None
    except RecursionError:
        raise ValueError("not a coder file: JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError("not a coder file: expected a JSON object")
    return data
