"""The content a drill needs, with the built-in banks, rubrics and lexicons from a MessagePack cache.

Parsing the built-in banks through YAML (with locations) costs about 130 ms, and importing the
YAML loader another 20, most of a drill's start-up budget. So the built-in files are validated
once, kept as MessagePack in the cache folder under a key made of their bytes (CRC-32 and length
of each file), the package version and banks/models.py, and decoded in a few milliseconds at the
next start.

- Nothing but the built-in content (the usual case): `BuiltinCatalog`, a read-only catalog with
  the few lookups a drill makes, built from the cache without importing the YAML loader.
- Banks given with `--bank` or found in the user's folder: the full `Catalog`, their files read
  as YAML with exact error locations, the built-in part still from the cache.

Deleting the cache is always safe; content with errors is never cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec import Struct

from empathy_coach.banks import models as m
from empathy_coach.content.cache import CACHE_FORMAT
from empathy_coach.paths import builtin_root, cache_home, content_files, content_key, user_home, write_cache

if TYPE_CHECKING:
    from empathy_coach.banks.catalog import Catalog

class Cached(m.Base):
    """The built-in content as validated, each value with the path shown in messages.

    Rubrics and lexicons stay encoded (path, id, MessagePack) until scoring needs them: the first
    client line only needs the banks.
    """

    banks: list[tuple[str, m.Bank]]
    rubrics: list[tuple[str, str, msgspec.Raw]]
    lexicons: list[tuple[str, str, msgspec.Raw]]


class Ref(Struct):
    """A scenario and its bank: what the drill reads from a catalog's ScenarioRef."""

    bank: m.Bank
    scenario: m.Scenario
    index: int
    source: str = "built-in"
    path: str = ""


if TYPE_CHECKING:
    from empathy_coach.banks.catalog import ScenarioRef

    # A scenario as either catalog gives it: what a drill plans and scores.
    AnyRef = ScenarioRef | Ref


class Entry:
    """A rubric or lexicon of the built-in content (the `Loaded` fields scoring reads), decoded on first use."""

    source = "built-in"

    def __init__(self, path: str, raw: msgspec.Raw, kind: type) -> None:
        self.path = path
        self._raw: msgspec.Raw | None = raw
        self._kind = kind
        self._value: Any = None

    @property
    def value(self) -> Any:
        if self._raw is not None:
            self._value = msgspec.msgpack.decode(self._raw, type=self._kind)
            self._raw = None
        return self._value


class BuiltinCatalog:
    """The built-in content only, from the cache: scenarios, rubrics and lexicons by id."""

    def __init__(self, banks: list[tuple[str, m.Bank]], rubrics: dict[str, Entry], lexicons: dict[str, Entry]) -> None:
        self.banks = banks
        self.rubrics = rubrics
        self.lexicons = lexicons
        self._refs: list[Ref] = []

    @classmethod
    def from_cached(cls, cached: Cached) -> BuiltinCatalog:
        return cls(
            banks=list(cached.banks),
            rubrics={ident: Entry(path, raw, m.Rubric) for path, ident, raw in cached.rubrics},
            lexicons={ident: Entry(path, raw, m.Lexicon) for path, ident, raw in cached.lexicons},
        )

    def scenarios(self) -> list[Ref]:
        if not self._refs:
            self._refs = [Ref(bank, s, i, path=path) for path, bank in self.banks for i, s in enumerate(bank.scenarios)]
        return self._refs

    def scenario_ids(self) -> list[str]:
        return [r.scenario.id for r in self.scenarios()]

    def find_scenario(self, scenario_id: str) -> Ref:
        for ref in self.scenarios():
            if ref.scenario.id == scenario_id:
                return ref
        raise KeyError(scenario_id)

    def rubric_for(self, ref: Ref) -> m.Rubric:
        return self.rubrics[ref.scenario.rubric or ref.bank.rubric].value

    def lexicon(self, name: str, relative_to: object = None) -> Entry | None:
        return self.lexicons.get(name)


def drill_catalog(paths: Sequence[Path] = (), *, use_cache: bool = True) -> Catalog | BuiltinCatalog:
    """What Catalog.discover(paths) finds: explicit paths, the user's folder, then the built-in content."""
    cached = builtin_cached() if use_cache else None
    if cached is not None and not paths and not _user_content():
        return BuiltinCatalog.from_cached(cached)
    return _full_catalog(paths, cached)


def full_catalog(paths: Sequence[Path] = ()) -> Catalog:
    """Catalog.discover(paths) (strict), with the built-in part from the cache: the turns' calibration
    examples left out, which only `check` and `show` read."""
    return _full_catalog(paths, builtin_cached())


def _full_catalog(paths: Sequence[Path], cached: Cached | None) -> Catalog:
    from empathy_coach.banks.catalog import Catalog
    from empathy_coach.problems import InputError

    catalog = Catalog()
    for path in paths:
        catalog.add_path(Path(path), "explicit")
    for kind, file in content_files(user_home()):
        catalog.add_file(file, "user", kind)
    if cached is None:
        _add_builtin_yaml(catalog)
    else:
        _add_cached(catalog, cached)
    catalog.cross_check()
    if catalog.errors():
        raise InputError(catalog.errors())
    return catalog


def _user_content() -> bool:
    return bool(content_files(user_home()))


def _add_builtin_yaml(catalog: Catalog) -> None:
    for kind, file in content_files(builtin_root()):
        catalog.add_file(file, "built-in", kind)


def _add_cached(catalog: Catalog, cached: Cached) -> None:
    from empathy_coach.banks.loader import Loaded
    from empathy_coach.banks.yamlsource import Document

    def stub(display: str, value) -> Loaded:
        return Loaded(value, Document(display, None, None), "built-in")

    for display, bank in cached.banks:
        catalog.banks.append(stub(display, bank))
    for display, ident, raw in cached.rubrics:
        catalog.rubrics.setdefault(ident, stub(display, msgspec.msgpack.decode(raw, type=m.Rubric)))
    for display, ident, raw in cached.lexicons:
        catalog.lexicons.setdefault(ident, stub(display, msgspec.msgpack.decode(raw, type=m.Lexicon)))


def cache_file() -> Path:
    """Where the built-in content's cache lives for the files as they are now."""
    from empathy_coach._version import __version__

    # The shapes the cache decodes into are part of the key, as is every file's name and bytes.
    parts = [f"{CACHE_FORMAT}:{__version__}".encode(), Path(m.__file__).read_bytes()]
    for kind, file in content_files(builtin_root()):
        parts += [f"{kind}/{file.name}".encode(), file.read_bytes()]
    return cache_home() / f"builtin-content-{content_key(*parts)}.msgpack"


def without_examples(bank: m.Bank) -> m.Bank:
    """A bank as a drill reads it: the calibration examples are for `check`, and about half the bytes."""
    return msgspec.structs.replace(bank, scenarios=[
        msgspec.structs.replace(s, turns=[msgspec.structs.replace(t, examples=[]) for t in s.turns]) for s in bank.scenarios
    ])


def builtin_cached() -> Cached | None:
    """The built-in content, from the cache or (once) from YAML; None if it has errors."""
    try:
        target = cache_file()
        return msgspec.msgpack.decode(target.read_bytes(), type=Cached)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        pass
    from empathy_coach.banks.catalog import Catalog

    scratch = Catalog()
    _add_builtin_yaml(scratch)
    scratch.cross_check()
    if scratch.errors():
        return None
    if any((s.rubric or b.value.rubric) not in scratch.rubrics for b in scratch.banks for s in b.value.scenarios):
        return None  # a rubric given by path: only the full catalog resolves it
    cached = Cached(
        banks=[(b.path, without_examples(b.value)) for b in scratch.banks],
        rubrics=[(r.path, ident, msgspec.Raw(msgspec.msgpack.encode(r.value))) for ident, r in scratch.rubrics.items()],
        lexicons=[(x.path, ident, msgspec.Raw(msgspec.msgpack.encode(x.value))) for ident, x in scratch.lexicons.items()],
    )
    write_cache(target, msgspec.msgpack.encode(cached), "builtin-content-*.msgpack")
    return cached
