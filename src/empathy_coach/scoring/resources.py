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

    rubric = load_file(path, "rubric", source="built-in").value
    write_cache(cache_file, msgspec.msgpack.encode(rubric), f"rubric-{name}-*.msgpack")
    return rubric


def builtin_lexicon_path(name: str) -> Path:
    return builtin_root() / "lexicons" / f"{name}.yaml"


CACHE_FORMAT = "3"


@lru_cache(maxsize=None)
def builtin_tables(names: tuple[str, ...]):
    """The built-in lexicons compiled, from an on-disk cache keyed by their content.

    Compiling (stemming every phrase into tries) costs far more than a one-shot `score` may
    spend, so the result is kept as MessagePack in the user's cache folder.
    """
    import msgspec

    from empathy_coach._version import __version__
    from empathy_coach.paths import cache_home, content_key, write_cache
    from empathy_coach.scoring.tables import Lexicons

    parts = [f"{CACHE_FORMAT}:{__version__}".encode()]
    for name in names:
        parts += [name.encode(), builtin_lexicon_path(name).read_bytes()]
    label = "+".join(names)
    cache_file = cache_home() / f"lexicons-{label}-{content_key(*parts)}.msgpack"
    from empathy_coach.scoring.text import known_stems, preload_stems

    try:
        data = msgspec.msgpack.decode(cache_file.read_bytes())
        preload_stems(data["stems"])
        return Lexicons.from_builtins(data["tables"])
    except (OSError, ValueError, KeyError, TypeError, msgspec.DecodeError):
        pass
    tables = Lexicons.compile({name: builtin_lexicon(name) for name in names})
    # The stems of every lexicon word travel with the tables: a one-shot score rarely meets a new word.
    blob = msgspec.msgpack.encode({"tables": tables.to_builtins(), "stems": known_stems()})
    write_cache(cache_file, blob, f"lexicons-{label}-*.msgpack")
    return tables


CODER_LEXICON = "coder-cues"
CODER_WEIGHTS = "weights.json"


def builtin_coder_weights_path() -> Path:
    return builtin_root() / "coder" / CODER_WEIGHTS


MAX_CODER_BYTES = 256 * 1024 * 1024  # the built-in file is about 1 MB; a bigger file is not a coder file


def load_coder_weights(path: Path, validate: bool = True):
    """A coder file (`coder fit` output) as Weights; ValueError says what is wrong with it (unreadable too).

    The built-in file is trusted (it is tested): its rows are not walked at every start-up.
    """
    import math
    import stat

    import msgspec

    from empathy_coach.scoring.coder.model import CODES, FORMAT, Weights

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
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a coder file: expected \"format\": \"{FORMAT}\"")
    codes = data.get("codes")
    if not isinstance(codes, list) or tuple(codes) != CODES:
        raise ValueError("a coder file must list the 12 behaviour codes in order: " + ", ".join(CODES))

    def number(value: object) -> bool:
        return type(value) in (int, float) and math.isfinite(value)

    bias, rows = data.get("bias"), data.get("weights")
    if not isinstance(bias, list) or len(bias) != len(CODES) or not all(number(b) for b in bias):
        raise ValueError(f"\"bias\" must be a list of {len(CODES)} numbers")
    if not isinstance(rows, dict):
        raise ValueError("\"weights\" must map each feature to [code index, weight, code index, weight, ...]")
    if not isinstance(data.get("meta", {}), dict):
        raise ValueError("\"meta\" must be an object")
    for name, row in rows.items() if validate else ():
        if not isinstance(row, list) or len(row) % 2 or not all(type(i) is int and 0 <= i < len(CODES) for i in row[::2]) or not all(number(w) for w in row[1::2]):
            raise ValueError(f"feature {name!r}: expected [code index 0-11, weight, ...] in pairs")
    return Weights.from_builtins(data)


@lru_cache(maxsize=8)
def builtin_coder(weights_path: str | None = None):
    """The coder with the built-in cue lexicon and feeling words, and the built-in or a fitted weights file."""
    from empathy_coach.scoring.coder.model import CoderModel

    tables = builtin_tables((CODER_LEXICON, "emotions"))
    weights = load_coder_weights(Path(weights_path)) if weights_path else load_coder_weights(builtin_coder_weights_path(), validate=False)
    return CoderModel(tables.cues, weights, frozenset(tables.lead_fillers))


def unfitted_coder():
    """The coder's segmenter and features with no weights: what fitting reads features with."""
    from empathy_coach.scoring.coder.model import CODES, CoderModel, Weights

    tables = builtin_tables((CODER_LEXICON, "emotions"))
    return CoderModel(tables.cues, Weights(CODES, [0.0] * len(CODES), {}), frozenset(tables.lead_fillers))


@lru_cache(maxsize=None)
def builtin_related(name: str):
    """A built-in related-words table compiled, from an on-disk cache keyed by its content (as builtin_tables)."""
    import msgspec

    from empathy_coach._version import __version__
    from empathy_coach.paths import cache_home, content_key, write_cache
    from empathy_coach.scoring.rules import RelatedWords
    from empathy_coach.scoring.text import known_stems, preload_stems

    raw = builtin_lexicon_path(name).read_bytes()
    cache_file = cache_home() / f"related-{name}-{content_key(f'{CACHE_FORMAT}:{__version__}'.encode(), raw)}.msgpack"
    try:
        data = msgspec.msgpack.decode(cache_file.read_bytes())
        preload_stems(data["stems"])
        return RelatedWords.from_builtins(data["table"])
    except (OSError, ValueError, KeyError, TypeError, msgspec.DecodeError):
        pass
    table = RelatedWords.compile(builtin_lexicon(name).phrases)
    write_cache(cache_file, msgspec.msgpack.encode({"table": table.to_builtins(), "stems": known_stems()}), f"related-{name}-*.msgpack")
    return table
