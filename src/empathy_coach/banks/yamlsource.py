"""YAML text -> plain data, keeping every node so any place can be named `file:line:column`.

We compose once (libyaml when present) and build the data ourselves instead of using a
constructor: that is where duplicate keys, object tags and alias bombs are refused, and dates
stay strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from empathy_coach.problems import InputError, Problem, capped, has_room, overflow

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_ALIAS_EXPANSIONS = 100

_TAG = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = _TAG + "str", _TAG + "map", _TAG + "seq"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

_constructor = yaml.constructor.SafeConstructor()
_SCALAR_BUILDERS = {
    _TAG + "int": _constructor.construct_yaml_int,
    _TAG + "float": _constructor.construct_yaml_float,
    _TAG + "bool": _constructor.construct_yaml_bool,
    _TAG + "null": lambda node: None,
    _TAG + "timestamp": lambda node: node.value,
}

PathItem = str | int


@dataclass
class Document:
    """A parsed YAML file: its plain data and the node tree it came from."""

    path: str
    data: Any
    root: Node | None
    _index: dict[int, dict[str, tuple[Node, Node]]] = field(default_factory=dict, repr=False, compare=False)

    def locate(self, where: tuple[PathItem, ...], key: bool = False) -> tuple[int, int]:
        """1-based line and column of the deepest existing node along `where`.

        Each mapping is indexed once, on first use, so locating every problem of a file with
        many keys stays linear in its size.
        """
        node = self.root
        if node is None:
            return (1, 1)
        mark = node.start_mark
        for step in where:
            child = None
            if isinstance(node, MappingNode) and isinstance(step, str):
                found = self._keys(node).get(step)
                if found is not None:
                    key_node, child = found
                    mark = key_node.start_mark
            elif isinstance(node, SequenceNode) and isinstance(step, int):
                if 0 <= step < len(node.value):
                    child = node.value[step]
            if child is None:
                break
            node = child
            if not key or step != where[-1]:
                mark = node.start_mark
        return (mark.line + 1, mark.column + 1)

    def _keys(self, node: MappingNode) -> dict[str, tuple[Node, Node]]:
        index = self._index.get(id(node))
        if index is None:
            index = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    index.setdefault(key_node.value, (key_node, value_node))
            self._index[id(node)] = index
        return index

    def problem(self, where: tuple[PathItem, ...], message: str, code: str = "schema", *, key: bool = False, level: str = "error") -> Problem:
        line, column = self.locate(where, key=key)
        return Problem(self.path, line, column, message, code, level)


def read_text(path: Path, display: str | None = None) -> str:
    """Read a user's file as UTF-8, refusing what is not text with a located error."""
    name = display or str(path)
    try:
        if path.is_dir():
            raise InputError.single(name, "expected a file, found a directory", "unreadable")
        if path.exists() and not path.is_file():
            # A FIFO or a device would block or never end.
            raise InputError.single(name, "expected a regular file, found a pipe or device", "unreadable")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError.single(
                name, f"file is too large: {size} bytes, the limit is {MAX_FILE_BYTES}", "too-large"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError.single(name, "no such file", "missing") from None
    except PermissionError:
        raise InputError.single(name, "cannot read the file: permission denied", "unreadable") from None
    except OSError as exc:
        raise InputError.single(name, f"cannot read the file: {exc.strerror or exc}", "unreadable") from None
    return decode_text(raw, name)


def decode_text(raw: bytes, name: str) -> str:
    if b"\x00" in raw[:8192]:
        line, column = _position(raw, raw.index(b"\x00"))
        raise InputError.single(name, "expected UTF-8 text, found binary data (NUL byte)", "binary", line, column)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        raise InputError.single(
            name, f"expected UTF-8 text, found the byte 0x{raw[exc.start]:02x}", "encoding", line, column
        ) from None
    return text.removeprefix("\ufeff")


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_column(line: str) -> int:
    """Where the keys of a line's mapping start: after its indentation and any "- " markers."""
    column = _indent(line)
    rest = line[column:]
    while rest.startswith("- "):
        column += 2
        rest = rest[2:]
        column += len(rest) - len(rest.lstrip(" "))
        rest = rest.lstrip(" ")
    return column


def explain_syntax(text: str, what: str, line: int, column: int) -> tuple[str, int, int]:
    """The parser's own words, plus what was expected and what was found for the two mistakes
    people make most: a tab in the indentation, and a line indented deeper than its mapping."""
    lines = text.split("\n")
    for number, content in enumerate(lines[: max(line, 1)], 1):
        lead = content[: len(content) - len(content.lstrip(" \t"))]
        if "\t" in lead:  # the C parser says "found character that cannot start any token"
            tab = lead.index("\t") + 1
            return (f"{what}: found a tab in the indentation at column {tab}; expected spaces "
                    "(YAML indents with spaces only)"), number, tab
    if "mapping values are not allowed" in what and 1 <= line <= len(lines):
        here = lines[line - 1]
        above = next((lines[i] for i in range(line - 2, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")), None)
        if above is not None and not above.rstrip().endswith(":"):
            expected, found = _key_column(above), _indent(here)
            if found > expected:
                return (f"{what}: this line is indented by {found} spaces, expected {expected} like the key "
                        f"on the line above (or end that line with ':' to start a nested mapping)"), line, found + 1
    return what, line, column


def parse(text: str, name: str) -> Document:
    """Compose YAML text into a `Document`; raises InputError with the location on any problem."""
    if not text.strip():
        raise InputError.single(name, "expected a YAML mapping, found an empty file", "empty", 1, 1)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except RecursionError:
        raise InputError.single(name, "expected data nested at most a few hundred levels deep, found deeper nesting", "too-deep", 1, 1) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{what} ({exc.context})"
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what, line, column = explain_syntax(text, what, line, column)
        raise InputError.single(name, f"YAML syntax error: {what}", "yaml-syntax", line, column) from None
    except yaml.YAMLError as exc:
        raise InputError.single(name, f"YAML syntax error: {exc}", "yaml-syntax") from None
    if root is None:
        raise InputError.single(name, "expected a YAML mapping, found an empty document", "empty", 1, 1)
    builder = _Builder(name)
    try:
        data = builder.build(root)
    except RecursionError:
        raise InputError.single(name, "expected data nested at most a few hundred levels deep, found deeper nesting", "too-deep", 1, 1) from None
    if builder.problems:
        raise InputError(capped(builder.problems))
    return Document(name, data, root)


def load_document(path: Path, display: str | None = None) -> Document:
    name = display or str(path)
    return parse(read_text(path, name), name)


def _first_line(exc: Exception) -> str:
    text = str(exc).split(":")[0].strip()
    return text[:120]


class _Builder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.alias_uses = 0
        self.problems: list[Problem] = []

    def fail(self, node: Node, message: str, code: str) -> InputError:
        mark = node.start_mark
        return InputError.single(self.name, message, code, mark.line + 1, mark.column + 1)

    def build(self, node: Node) -> Any:
        tag = node.tag
        if isinstance(node, ScalarNode):
            if tag == _STR:
                return node.value
            builder = _SCALAR_BUILDERS.get(tag)
            if builder is None:
                raise self.fail(node, f"expected plain YAML data, found the tag '{tag}' (tags that construct objects are refused)", "unsafe-tag")
            try:
                return builder(node)
            except ValueError as exc:  # an integer of more than 4,300 digits, say
                raise self.fail(node, f"expected a number Python can read, found {len(node.value):,} characters that cannot be one "
                                      f"({_first_line(exc)})", "number") from None
        ident = id(node)
        if ident in self.seen:
            if ident in self.active:
                raise self.fail(node, "expected plain data, found an alias that refers to itself", "alias")
            self.alias_uses += 1
            if self.alias_uses > MAX_ALIAS_EXPANSIONS:
                raise self.fail(node, f"expected at most {MAX_ALIAS_EXPANSIONS} alias expansions, found more (an alias bomb?)", "alias")
        self.seen.add(ident)
        self.active.add(ident)
        try:
            if isinstance(node, SequenceNode):
                if tag != _SEQ:
                    raise self.fail(node, f"expected a plain list, found the tag '{tag}'", "unsafe-tag")
                return [self.build(item) for item in node.value]
            if tag != _MAP:
                raise self.fail(node, f"expected a plain mapping, found the tag '{tag}'", "unsafe-tag")
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _TAG + "merge":
                    raise self.fail(key_node, "expected a key, found a merge key '<<' (not supported)", "unsafe-tag")
                if not isinstance(key_node, ScalarNode):
                    raise self.fail(key_node, "expected a plain key, found a list or mapping used as a key", "schema")
                key = key_node.value
                if key in result:
                    if has_room(self.problems):
                        self.problems.extend(self.fail(key_node, f"expected unique keys, found '{key}' twice in one mapping", "duplicate-key").problems)
                    else:
                        self.problems.append(overflow(self.name, "duplicate-key"))
                    continue
                result[key] = self.build(value_node)
            return result
        finally:
            self.active.discard(ident)
