"""Plain data -> msgspec Structs, with every problem named by its place in the file.

The fast path converts the whole document in one `msgspec.convert` call. Only when that fails
do we walk the data struct by struct and field by field, so that one bad turn does not hide the
next and each message says what was expected and what was found.
"""

from __future__ import annotations

import difflib
import re
import typing
from typing import Any, TypeVar

import msgspec
from msgspec import Struct

from empathy_coach.banks.yamlsource import Document, PathItem
from empathy_coach.problems import InputError, Problem, capped, has_room, overflow

T = TypeVar("T", bound=Struct)

_FOUND = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "true/false",
    "null": "nothing (null)",
    "array": "a list",
    "object": "a mapping",
}


def convert(doc: Document, cls: type[T]) -> T:
    """The whole document as `cls`, or InputError listing every problem found."""
    try:
        return msgspec.convert(doc.data, cls, strict=False)
    except msgspec.ValidationError:
        pass
    problems: list[Problem] = []
    _check(doc, doc.data, cls, (), problems)
    if not problems:  # the walker should always find what msgspec found; never fail silently
        try:
            msgspec.convert(doc.data, cls, strict=False)
        except msgspec.ValidationError as exc:
            problems.append(_from_msgspec(doc, (), cls, str(exc)))
    raise InputError(capped(problems))


def _strip(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _struct_union_members(tp: Any) -> list[type[Struct]] | None:
    """The members of a tagged union of Structs (our rule kinds), else None."""
    tp = _strip(tp)
    if typing.get_origin(tp) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        members = [_strip(a) for a in typing.get_args(tp)]
        if members and all(isinstance(m, type) and issubclass(m, Struct) for m in members):
            if all(m.__struct_config__.tag_field for m in members):
                return members
    return None


def _check(doc: Document, data: Any, tp: Any, where: tuple[PathItem, ...], problems: list[Problem]) -> None:
    bare = _strip(tp)
    members = _struct_union_members(bare)
    if members is not None:
        _check_tagged(doc, data, members, where, problems)
        return
    if isinstance(bare, type) and issubclass(bare, Struct):
        _check_struct(doc, data, bare, where, problems)
        return
    if typing.get_origin(bare) is list:
        (item_type,) = typing.get_args(bare)
        item_bare = _strip(item_type)
        walks_items = (isinstance(item_bare, type) and issubclass(item_bare, Struct)) or _struct_union_members(item_bare)
        if isinstance(data, list) and walks_items:
            try:
                msgspec.convert(data, tp, strict=False)  # length constraints on the list itself
            except msgspec.ValidationError as exc:
                if "length" in str(exc) and "[" not in str(exc).rsplit("at `$", 1)[-1]:
                    problems.append(_from_msgspec(doc, where, tp, str(exc)))
            for index, item in enumerate(data):
                if has_room(problems):
                    _check(doc, item, item_type, where + (index,), problems)
                else:
                    try:
                        msgspec.convert(item, item_type, strict=False)
                    except msgspec.ValidationError:
                        problems.append(overflow(doc.path))
            return
    try:
        msgspec.convert(data, tp, strict=False)
    except msgspec.ValidationError as exc:
        problems.append(_from_msgspec(doc, where, tp, str(exc)))


def _check_tagged(doc: Document, data: Any, members: list[type[Struct]], where: tuple[PathItem, ...], problems: list[Problem]) -> None:
    tag_field = str(members[0].__struct_config__.tag_field)
    by_tag = {str(m.__struct_config__.tag): m for m in members}
    if not isinstance(data, dict):
        problems.append(doc.problem(where, f"expected a mapping with a '{tag_field}', found {_describe_value(data)}"))
        return
    if tag_field not in data:
        problems.append(doc.problem(where, f"missing required field '{tag_field}' (one of: {', '.join(by_tag)})", "missing-field"))
        return
    tag = data[tag_field]
    cls = by_tag.get(tag) if isinstance(tag, str) else None
    if cls is None:
        hint = _did_you_mean(str(tag), list(by_tag))
        problems.append(
            doc.problem(where + (tag_field,), f"unknown rule kind '{tag}': expected one of {', '.join(by_tag)}{hint}", "unknown-kind")
        )
        return
    rest = {k: v for k, v in data.items() if k != tag_field}
    _check_struct(doc, rest, cls, where, problems)


def _check_struct(doc: Document, data: Any, cls: type[Struct], where: tuple[PathItem, ...], problems: list[Problem]) -> None:
    if not isinstance(data, dict):
        problems.append(doc.problem(where, f"expected a mapping ({_type_name(cls)}), found {_describe_value(data)}"))
        return
    fields = {f.encode_name: f for f in msgspec.structs.fields(cls)}
    for key, value in data.items():
        spec = fields.get(key)
        if spec is None:
            if not has_room(problems):
                problems.append(overflow(doc.path, "unknown-field"))
                continue
            hint = _did_you_mean(key, list(fields))
            problems.append(doc.problem(where + (key,), f"unknown field '{key}' in {_type_name(cls)}{hint}", "unknown-field", key=True))
            continue
        _check(doc, value, spec.type, where + (key,), problems)
    for name, spec in fields.items():
        if spec.required and name not in data:
            problems.append(doc.problem(where, f"missing required field '{name}' in {_type_name(cls)}", "missing-field"))


def _type_name(cls: type) -> str:
    tag = getattr(cls, "__struct_config__", None)
    if tag is not None and tag.tag:
        return f"a '{tag.tag}' rule"
    return _READABLE_NAMES.get(cls.__name__, f"a {cls.__name__.lower()}")


_READABLE_NAMES = {
    "AnswersFile": "an answers file",
    "Answer": "an answer",
    "ContentPoint": "a content point",
    "Exemplar": "an exemplar",
    "Example": "an example",
}


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _describe_value(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def describe_type(tp: Any) -> str:
    """Plain words for a type annotation: 'a list of strings', 'one of: a, b'."""
    info = msgspec.inspect.type_info(tp)
    return _describe_info(info)


def _describe_info(info: Any) -> str:
    mi = msgspec.inspect
    if isinstance(info, mi.Metadata):
        description = (info.extra_json_schema or {}).get("description")
        if isinstance(info.type, mi.StrType) and info.type.pattern and description:
            return f"an id of {description} (pattern {info.type.pattern})"
        return _describe_info(info.type)
    if isinstance(info, mi.StrType):
        if info.pattern:
            return f"a string matching {info.pattern}"
        return "a non-empty string" if info.min_length else "a string"
    if isinstance(info, mi.BoolType):
        return "true or false"
    if isinstance(info, mi.IntType):
        return "an integer" + _bounds(info)
    if isinstance(info, mi.FloatType):
        return "a number" + _bounds(info)
    if isinstance(info, mi.LiteralType):
        return "one of: " + ", ".join(map(str, info.values))
    if isinstance(info, mi.ListType):
        inner = _describe_info(info.item_type)
        return "a list of " + _plural(inner)
    if isinstance(info, mi.DictType):
        return "a mapping of " + _plural(_describe_info(info.value_type))
    if isinstance(info, mi.StructType):
        return _READABLE_NAMES.get(info.cls.__name__, f"a {info.cls.__name__.lower()}")
    if isinstance(info, mi.UnionType):
        parts = [_describe_info(t) for t in info.types if not isinstance(t, mi.NoneType)]
        text = " or ".join(parts)
        return text + (" (or null)" if any(isinstance(t, mi.NoneType) for t in info.types) else "")
    if isinstance(info, mi.NoneType):
        return "null"
    return "a value"


def _bounds(info: Any) -> str:
    lo = info.ge if info.ge is not None else info.gt
    hi = info.le if info.le is not None else info.lt
    if lo is not None and hi is not None:
        return f" from {lo:g} to {hi:g}"
    if lo is not None:
        return f" of at least {lo:g}"
    if hi is not None:
        return f" of at most {hi:g}"
    return ""


def _plural(phrase: str) -> str:
    for article in ("a non-empty ", "a ", "an "):
        if phrase.startswith(article):
            noun = phrase[len(article):]
            first, _, rest = noun.partition(" ")
            first = {"string": "strings", "integer": "integers", "number": "numbers", "list": "lists", "mapping": "mappings"}.get(first, first + "s")
            prefix = "non-empty " if article == "a non-empty " else ""
            return prefix + (f"{first} {rest}".strip())
    return phrase


_MSGSPEC = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<at>[^`]*)`)?$", re.S)
_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]")


def _from_msgspec(doc: Document, where: tuple[PathItem, ...], tp: Any, text: str) -> Problem:
    match = _MSGSPEC.match(text)
    what = match.group("what") if match else text
    at = match.group("at") if match else ""
    sub: tuple[PathItem, ...] = tuple(m.group(1) if m.group(1) else int(m.group(2)) for m in _STEP.finditer(at or ""))
    full = where + sub
    sub_type = _type_at(tp, sub)
    expected = describe_type(sub_type) if sub_type is not None else None
    found = None
    got = re.search(r"got `([^`]*)`", what)
    if got:
        found = _FOUND.get(got.group(1), got.group(1))
    value = _value_at(doc.data, full)
    if value is not _MISSING and not got:
        found = _describe_value(value)
    short = re.search(r"of length >= (\d+)", what)
    if short and isinstance(value, list) and sub_type is not None:
        need = int(short.group(1))
        info = msgspec.inspect.type_info(sub_type)
        info = info.type if isinstance(info, msgspec.inspect.Metadata) else info
        noun = _plural(_describe_info(info.item_type)) if isinstance(info, msgspec.inspect.ListType) else "items"
        if need == 1:
            noun = _describe_info(info.item_type).split(" ", 1)[-1] if isinstance(info, msgspec.inspect.ListType) else "item"
        message = f"expected at least {need} {noun}, found {'an empty list' if not value else f'{len(value)}'}"
    elif expected and found:
        message = f"expected {expected}, found {found}"
        if expected.startswith("an id of") and isinstance(value, str):
            slug = re.sub(r"[^a-z0-9_.-]+", "-", value.strip().lower()).strip("-._")
            if slug and re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", slug):
                message += f" (try '{slug}')"
        info = msgspec.inspect.type_info(sub_type)
        if isinstance(info, msgspec.inspect.LiteralType) and isinstance(value, str):
            message += _did_you_mean(value, [str(v) for v in info.values])
    elif expected:
        message = f"expected {expected}: {what[0].lower()}{what[1:]}"
    else:
        message = what
    label = _dotted(full)
    if label:
        message = f"{label}: {message}"
    return doc.problem(full, message)


_MISSING = object()


def _value_at(data: Any, where: tuple[PathItem, ...]) -> Any:
    for step in where:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return data


def _type_at(tp: Any, steps: tuple[PathItem, ...]) -> Any:
    for step in steps:
        tp = _strip(tp)
        if isinstance(step, int):
            if typing.get_origin(tp) is list:
                tp = typing.get_args(tp)[0]
                continue
            return None
        if isinstance(tp, type) and issubclass(tp, Struct):
            fields = {f.encode_name: f.type for f in msgspec.structs.fields(tp)}
            if step not in fields:
                return None
            tp = fields[step]
            continue
        if typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
            continue
        return None
    return tp


def _dotted(where: tuple[PathItem, ...]) -> str:
    out = ""
    for step in where:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out
