"""The built-in rubrics, lexicons and coder file, and the on-disk caches of what is built from them.

This is the one place that reads content for scoring and writes caches (`content` in the layers of
DESIGN.md, below `scoring`). What is compiled from content (phrase tables, related-word tables,
the coder) is built by `scoring`, which hands this module the function that builds it, and the two
that turn it into plain data and back; the cache keys, the file format and the files are kept here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from empathy_coach.banks import models as m
from empathy_coach.paths import builtin_root

T = TypeVar("T")

# One format for every cache of the package (the drill's content cache included): raise it when
# the shape of anything cached changes.
CACHE_FORMAT = "6"

CODER_LEXICON = "coder-cues"
CODER_WEIGHTS = "weights.json"


def builtin_lexicon_path(name: str) -> Path:
    return builtin_root() / "lexicons" / f"{name}.yaml"


@cache
def builtin_lexicon(name: str) -> m.Lexicon:
    from empathy_coach.banks.loader import load_file

    return load_file(builtin_lexicon_path(name), "lexicon", source="built-in").value


@cache
def cache_salt() -> bytes:
    """What every cache key starts with: the cache format, the package version, and the newest change to
    the code that shapes what is cached (a development checkout changes code without a new version)."""
    import os

    from empathy_coach._version import __version__

    package = Path(__file__).resolve().parents[1]
    newest = 0
    for folder in ("banks", "banks/kinds", "content", "scoring", "scoring/coder"):
        with os.scandir(package / folder) as entries:
            newest = max([newest, *(entry.stat().st_mtime_ns for entry in entries if entry.name.endswith(".py"))])
    return f"{CACHE_FORMAT}:{__version__}:{newest}".encode()


def through_cache(name: str, parts: Sequence[bytes], read: Callable[[bytes], T], make: Callable[[], tuple[T, bytes | None]]) -> T:
    """A value kept in the cache folder as `{name}-{key}.msgpack`, the key made of `cache_salt()` and `parts`.

    `read` turns the file's bytes back into the value; when the file is missing, unreadable, stale
    or damaged (`read` raises ValueError, TypeError, KeyError or a msgspec DecodeError), `make()`
    gives the value and the bytes to keep (None: nothing is written), and the file is written in
    place of any older `{name}-*.msgpack`. The rubric, lexicon-group and coder caches go through here.
    """
    import msgspec

    from empathy_coach.paths import cache_home, content_key, write_cache

    cache_file = cache_home() / f"{name}-{content_key(cache_salt(), *parts)}.msgpack"
    try:
        return read(cache_file.read_bytes())
    except (OSError, ValueError, KeyError, TypeError, msgspec.DecodeError):
        pass
    value, data = make()
    if data is not None:
        write_cache(cache_file, data, f"{name}-*.msgpack")
    return value


@cache
def builtin_rubric(name: str) -> m.Rubric:
    """A built-in rubric, from a MessagePack cache keyed by its text (YAML costs start-up time).

    The cache keeps the rubric's Structs by class (`pack`): decoding them against the Rubric type
    would first make msgspec read every model's annotations, about 15 ms of a one-shot `score`.
    """
    path = builtin_root() / "rubrics" / f"{name}.yaml"

    def read(data: bytes) -> m.Rubric:
        cached = unpack(data)
        if not isinstance(cached, m.Rubric):
            raise ValueError("not a cached rubric")
        return cached

    def make() -> tuple[m.Rubric, bytes]:
        from empathy_coach.banks.loader import load_file

        rubric: m.Rubric = load_file(path, "rubric", source="built-in").value
        return rubric, pack(rubric)

    return through_cache(f"rubric-{name}", [path.read_bytes()], read, make)


# MessagePack extension codes of the caches' own values.
_DEFERRED = 1  # a part left encoded until it is read (`defer`)
_STRUCT = 2  # a model Struct, by class name and fields (`pack`)


class Deferred:
    """A part of a cached value kept encoded until it is read: call it for the value.

    A one-shot `score` reads a few dozen entries of tables with thousands: what it does not read,
    it does not decode.
    """

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __call__(self) -> Any:
        return _decoder().decode(self._data)


def defer(value: Any) -> Any:
    """`value`, to be kept encoded in a cache file and read back as a `Deferred`."""
    import msgspec

    return msgspec.msgpack.Ext(_DEFERRED, _encode(value))


def pack(value: Any) -> bytes:
    """`value` as MessagePack, its model Structs (banks.models and the rule kinds) kept by class."""
    return _encode(value)


def unpack(data: bytes) -> Any:
    """What `pack` or `defer` made, read back: Structs rebuilt by class (never validated again: only
    validated content is cached), deferred parts as `Deferred`. ValueError or TypeError if it is not
    such data."""
    import msgspec

    try:
        return _decoder().decode(data)
    except msgspec.DecodeError as error:
        raise ValueError(str(error)) from None


def _encode(value: Any) -> bytes:
    import msgspec

    def plain(item: Any) -> Any:
        kind = type(item)
        if kind is list or kind is tuple:  # a tuple comes back a list, as from msgspec itself
            return [plain(x) for x in item]
        if kind is dict:
            return {k: plain(v) for k, v in item.items()}
        if isinstance(item, m.Base):
            name = f"{kind.__module__}:{kind.__qualname__}"
            return msgspec.msgpack.Ext(_STRUCT, _encode([name, {f: getattr(item, f) for f in kind.__struct_fields__}]))
        return item  # str, int, float, bool, None, Ext; msgspec refuses anything else

    return msgspec.msgpack.encode(plain(value))


@cache
def _struct_classes() -> dict[str, type]:
    """The model Structs a cache may name: those of the banks layer (models and rule kinds)."""
    found: dict[str, type] = {}
    todo: list[type] = [m.Base]
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("empathy_coach.banks."):
            found[f"{cls.__module__}:{cls.__qualname__}"] = cls
        todo.extend(cls.__subclasses__())
    return found


@cache
def _decoder() -> Any:
    import msgspec

    def ext_hook(code: int, data: memoryview) -> Any:
        if code == _DEFERRED:
            return Deferred(bytes(data))
        if code == _STRUCT:
            name, fields = _decoder().decode(data)
            cls = _struct_classes().get(name)
            if cls is None:
                raise ValueError(f"a cache names an unknown model {name!r}")
            return cls(**fields)
        raise ValueError(f"a cache holds an unknown extension {code}")

    return msgspec.msgpack.Decoder(ext_hook=ext_hook)


def cached_build(prefix: str, names: Sequence[str], build: Callable[[], T], dump: Callable[[T], object], load: Callable[[Any], T]) -> T:
    """What `build()` makes from the built-in lexicons `names`, kept as MessagePack in the cache folder.

    The key is made of the cache format, the package version and the lexicons' bytes; `dump` turns
    the built value into plain data, `load` turns that data back (any error there means: build again).
    Parts of the data that `dump` wraps with `defer` come back to `load` as `Deferred`, decoded when called.
    Compiling (stemming every phrase into tries) costs far more than a one-shot `score` may spend.
    """
    parts: list[bytes] = []
    for name in names:
        parts += [name.encode(), builtin_lexicon_path(name).read_bytes()]

    def make() -> tuple[T, bytes]:
        value = build()
        return value, pack(dump(value))

    return through_cache(f"{prefix}-{'+'.join(names)}", parts, lambda data: load(unpack(data)), make)


def builtin_coder_weights_path() -> Path:
    return builtin_root() / "coder" / CODER_WEIGHTS


# Rows per bucket of the built-in coder's cached rows: a look-up decodes one bucket (a few rows).
ROWS_PER_BUCKET = 8


def _bucket_of(key: str, count: int) -> int:
    import zlib

    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % count


class EncodedRows(Mapping[str, list]):
    """A coder file's `weights` rows kept as MessagePack in buckets by key, each decoded on its first look-up.

    The built-in coder has about 11,000 rows of up to 24 numbers; decoding them all (from JSON or
    MessagePack) costs a one-shot `score` about 30 ms, for the few dozen rows one reply reads.
    """

    def __init__(self, buckets: Sequence[bytes | memoryview], size: int, source: Path | None = None) -> None:
        self._source = source
        self._encoded: list[bytes | memoryview] = list(buckets)
        self._decoded: list[dict[str, list] | None] = [None] * len(buckets)
        self._size = size

    def _bucket(self, index: int) -> dict[str, list]:
        found = self._decoded[index]
        if found is None:
            import msgspec

            raw = self._encoded[index]  # kept: another thread may be decoding the same bucket
            try:
                found = msgspec.msgpack.decode(raw) if raw else {}
            except msgspec.DecodeError:
                found = self._damaged(index)
            self._decoded[index] = found
        return found

    def _damaged(self, index: int) -> dict[str, list]:
        """A bucket the cache damaged: its rows from the coder file itself, until the file changes."""
        if self._source is None:
            raise ValueError("the coder cache is damaged")
        rows = read_coder_file(self._source)["weights"]
        count = len(self._decoded)
        return {name: row for name, row in rows.items() if _bucket_of(name, count) == index}

    def get(self, key: str, default=None):
        if not self._decoded:
            return default
        return self._bucket(_bucket_of(key, len(self._decoded))).get(key, default)

    def __getitem__(self, key: str) -> list:
        found = self.get(key, _ABSENT)
        if found is _ABSENT:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        for index in range(len(self._decoded)):
            yield from self._bucket(index)

    def __len__(self) -> int:
        return self._size


_ABSENT: Any = object()


def builtin_coder_data() -> dict[str, Any]:
    """The built-in coder file as `read_coder_file` gives it, from a MessagePack cache, with its `weights`
    rows as `EncodedRows` (decoded bucket by bucket as they are read).

    The cache is keyed like Python's own bytecode, by the file's identity, size and times (with
    `cache_salt()`): reading and checksumming its megabyte would cost more than
    decoding the rows a reply reads.
    """
    import msgspec

    path = builtin_coder_weights_path()
    status = path.stat()
    # ctime cannot be set back by a copy that keeps times (cp -p, rsync -a, os.utime): any rewrite moves it.
    identity = f"{path}:{status.st_ino}:{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}"

    def read(data: bytes) -> dict[str, Any]:
        head, buckets = msgspec.msgpack.decode(data, type=tuple[dict[str, Any], list[memoryview]])
        size = head.pop("rows")
        if not isinstance(size, int) or "weights" in head:
            raise ValueError("not a coder cache")
        head["weights"] = EncodedRows(buckets, size, path)
        return head

    def make() -> tuple[dict[str, Any], bytes | None]:
        data = read_coder_file(path)
        rows = data.get("weights")
        if not isinstance(rows, dict):
            return data, None  # not a coder file: the caller says what is wrong with it
        count = max(1, len(rows) // ROWS_PER_BUCKET)
        grouped: list[dict[str, Any]] = [{} for _ in range(count)]
        for name, row in rows.items():
            grouped[_bucket_of(name, count)][name] = row
        head = {k: v for k, v in data.items() if k != "weights"} | {"rows": len(rows)}
        encoded = [msgspec.msgpack.encode(bucket) for bucket in grouped]
        return data, msgspec.msgpack.encode((head, encoded))

    return through_cache("coder", [identity.encode("utf-8", "surrogatepass")], read, make)


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
