"""The catalog a drill needs, with the built-in content from a MessagePack cache.

Parsing the built-in banks through YAML (with locations) costs about 130 ms, most of a drill's
start-up budget. The built-in files are validated once, kept as MessagePack in the cache folder
under a key made of their bytes and the package version, and decoded in a few milliseconds on the
next start. Explicit and user files are always read as YAML, with their exact error locations.
Deleting the cache is always safe.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Sequence

from empathy_coach.banks import models as m
from empathy_coach.banks.catalog import Catalog, yaml_files
from empathy_coach.banks.loader import Loaded
from empathy_coach.banks.yamlsource import Document
from empathy_coach.paths import builtin_root, cache_home, user_home
from empathy_coach.problems import InputError

CACHE_FORMAT = "1"
KINDS = ("banks", "rubrics", "lexicons")


class _Cached(m.Base):
    banks: list[tuple[str, m.Bank]]
    rubrics: list[tuple[str, m.Rubric]]
    lexicons: list[tuple[str, m.Lexicon]]


def drill_catalog(paths: Sequence[Path] = (), *, use_cache: bool = True) -> Catalog:
    """Like Catalog.discover(paths): explicit paths, then the user's folder, then the built-in content."""
    catalog = Catalog()
    for path in paths:
        catalog.add_path(Path(path), "explicit")
    home = user_home()
    for sub in KINDS:
        folder = home / sub
        if folder.is_dir():
            for file in yaml_files(folder):
                catalog.add_file(file, "user", sub[:-1])
    cached = _builtin_cached() if use_cache else None
    if cached is None:
        _add_builtin_yaml(catalog)
    else:
        _add_cached(catalog, cached)
    catalog.cross_check()
    if catalog.errors():
        raise InputError(catalog.errors())
    return catalog


def _builtin_files() -> list[tuple[str, Path]]:
    root = builtin_root()
    return [(sub, file) for sub in KINDS if (root / sub).is_dir() for file in yaml_files(root / sub)]


def _display(file: Path) -> str:
    return "prompts/" + file.relative_to(builtin_root()).as_posix()


def _add_builtin_yaml(catalog: Catalog) -> None:
    for sub, file in _builtin_files():
        catalog.add_file(file, "built-in", sub[:-1])


def _add_cached(catalog: Catalog, cached: _Cached) -> None:
    def stub(display: str, value) -> Loaded:
        return Loaded(value, Document(display, None, None), "built-in")

    for display, bank in cached.banks:
        catalog.banks.append(stub(display, bank))
    for display, rubric in cached.rubrics:
        catalog.rubrics.setdefault(rubric.id, stub(display, rubric))
    for display, lexicon in cached.lexicons:
        catalog.lexicons.setdefault(lexicon.id, stub(display, lexicon))


def cache_file() -> Path:
    """Where the built-in content's cache lives for the files as they are now."""
    from empathy_coach._version import __version__

    digest = hashlib.sha256(f"{CACHE_FORMAT}:{__version__}".encode())
    for sub, file in _builtin_files():
        digest.update(f"{sub}/{file.name}".encode() + b"\0" + file.read_bytes() + b"\0")
    return cache_home() / f"builtin-content-{digest.hexdigest()[:20]}.msgpack"


def _builtin_cached() -> _Cached | None:
    import msgspec

    try:
        target = cache_file()
    except OSError:
        return None
    try:
        return msgspec.msgpack.decode(target.read_bytes(), type=_Cached)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        pass
    # Build it from YAML, the validated way; content with errors is never cached.
    scratch = Catalog()
    _add_builtin_yaml(scratch)
    if scratch.errors():
        return None
    cached = _Cached(
        banks=[(b.path, b.value) for b in scratch.banks],
        rubrics=[(r.path, r.value) for r in scratch.rubrics.values()],
        lexicons=[(x.path, x.value) for x in scratch.lexicons.values()],
    )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(msgspec.msgpack.encode(cached))
        os.replace(temporary, target)
    except OSError:
        pass  # a read-only cache folder only costs speed
    return cached
