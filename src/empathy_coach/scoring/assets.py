"""What scoring compiles from the built-in content: phrase tables, related-word tables, the coder.

The files are read and the compiled results cached by `empathy_coach.content.cache`; this module
only says how each is built and how it becomes plain data and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from empathy_coach.content.cache import CODER_LEXICON, builtin_coder_data, builtin_lexicon, cached_build, defer, read_coder_file
from empathy_coach.scoring.coder.model import CODES, FORMAT, CoderModel, Weights
from empathy_coach.scoring.rules import RelatedWords
from empathy_coach.scoring.tables import Lexicons
from empathy_coach.scoring.text import known_stems, preload_stems


@cache
def builtin_tables(names: tuple[str, ...]) -> Lexicons:
    """The built-in lexicons `names` compiled, from the content cache."""

    def load(data: Any) -> Lexicons:
        preload_stems(data["stems"])
        return Lexicons.from_builtins(data["tables"])

    # The stems of every lexicon word travel with the tables: a one-shot score rarely meets a new word.
    return cached_build(
        "lexicons", names,
        build=lambda: Lexicons.compile({name: builtin_lexicon(name) for name in names}),
        dump=lambda tables: {"tables": tables.to_builtins(defer), "stems": known_stems()},
        load=load,
    )


@cache
def builtin_related(name: str) -> RelatedWords:
    """A built-in related-words table compiled, from the content cache."""

    def load(data: Any) -> RelatedWords:
        preload_stems(data["stems"])
        return RelatedWords.from_builtins(data["table"])

    return cached_build(
        "related", (name,),
        build=lambda: RelatedWords.compile(builtin_lexicon(name).phrases),
        dump=lambda table: {"table": table.to_builtins(), "stems": known_stems()},
        load=load,
    )


def weights_from_data(data: dict[str, Any], validate: bool = True) -> Weights:
    """A coder file's data as Weights; ValueError says what is wrong with it."""
    if data.get("format") != FORMAT:
        raise ValueError(f"not a coder file: expected \"format\": \"{FORMAT}\"")
    codes = data.get("codes")
    if not isinstance(codes, list) or tuple(codes) != CODES:
        raise ValueError("a coder file must list the 12 behaviour codes in order: " + ", ".join(CODES))
    bias, rows = data.get("bias"), data.get("weights")
    if not isinstance(bias, list) or len(bias) != len(CODES) or not all(_number(b) for b in bias):
        raise ValueError(f"\"bias\" must be a list of {len(CODES)} numbers")
    if not isinstance(rows, Mapping):
        raise ValueError("\"weights\" must map each feature to [code index, weight, code index, weight, ...]")
    if not isinstance(data.get("meta", {}), dict):
        raise ValueError("\"meta\" must be an object")
    for name, row in rows.items() if validate else ():
        if not _valid_row(row):
            raise ValueError(f"feature {name!r}: expected [code index 0-11, weight, ...] in pairs")
    return Weights.from_builtins(data)


def _number(value: object) -> bool:
    """A finite int or float (not a bool, NaN or infinity)."""
    import math

    return type(value) in (int, float) and math.isfinite(value)  # type: ignore[arg-type]


def _valid_row(row: object) -> bool:
    if not isinstance(row, list) or len(row) % 2:
        return False
    indices_ok = all(type(i) is int and 0 <= i < len(CODES) for i in row[::2])
    return indices_ok and all(_number(w) for w in row[1::2])


def load_coder_weights(path: Path, validate: bool = True) -> Weights:
    """A coder file (`coder fit` output) as Weights; ValueError says what is wrong with it.

    The built-in file is trusted (it is tested): its rows are not walked at every start-up.
    """
    return weights_from_data(read_coder_file(path), validate)


@lru_cache(maxsize=8)
def builtin_coder(weights_path: str | None = None) -> CoderModel:
    """The coder with the built-in cue lexicon and feeling words, and the built-in or a fitted weights file."""
    tables = builtin_tables((CODER_LEXICON, "emotions"))
    if weights_path:
        weights = load_coder_weights(Path(weights_path))
    else:
        weights = weights_from_data(builtin_coder_data(), validate=False)  # trusted (tested): its rows are not walked
    return CoderModel(tables.cues, weights, frozenset(tables.lead_fillers))


def unfitted_coder() -> CoderModel:
    """The coder's segmenter and features with no weights: what fitting reads features with."""
    tables = builtin_tables((CODER_LEXICON, "emotions"))
    return CoderModel(tables.cues, Weights(CODES, [0.0] * len(CODES), {}), frozenset(tables.lead_fillers))
