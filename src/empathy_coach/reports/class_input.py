"""Reading a class's results for the class report: `grade` output and drill exports, streamed.

Inputs are what the project already writes:

- `grade --format jsonl` output, read line by line (one scored record a line);
- `grade --format json` output (`{"records": [...], ...}`), read record by record;
- a drill export (`export SESSION --format json`: `{"session": ..., "attempts": [...]}`).

Each usable record becomes one `Reply`; each record that cannot be used (not JSON, a field of
the wrong type, or a record `grade` itself could not score) becomes a `BadRecord` located at
`file:line`. Nothing here keeps more than one record and one file's bytes (for a .json file) at
a time: the report adds replies up as they come.

Who and when, when a record does not say:

- the student is the record's `student`; for a drill export, the export's `student` key, else
  the file's name without its extension (`alice.json` is alice);
- the assignment is the record's `assignment` key; else, for `grade` output, the input file's
  name without its extension (`week1.jsonl` is week1); for a drill export, the day its session
  started (`2026-03-02`).

A dispute is read from whichever of these a record carries: `flag` (true, or the note),
`flagged` (true), `flags` (a list of notes or of objects with a `note`), `flag_note` or `note`.

No typer or rich here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
from msgspec import Struct, field

STDIN_NAME = "<stdin>"
SUFFIXES = (".jsonl", ".json", ".ndjson")
READ_CHUNK = 1 << 20


# ------------------------------------------------------------------ what a record may carry


class _Span(Struct):
    start: int = 0
    end: int = 0
    text: str = ""


class _Act(Struct):
    code: str
    start: int = 0
    end: int = 0
    text: str = ""


class _Roadblock(Struct):
    kind: str
    start: int = 0
    end: int = 0
    text: str = ""


class _Rule(Struct):
    id: str
    passed: bool
    points: float = 0.0
    max_points: float = 0.0
    spans: list[_Span] = field(default_factory=list)
    message: str = ""
    tip: str = ""


class _Dispute(Struct):
    flag: Any = None
    flagged: Any = None
    flags: Any = None
    flag_note: Any = None
    note: Any = None


class _Graded(_Dispute):
    """A record of `grade --format jsonl|json` (plus the keys a course may add)."""

    id: str = ""
    score: float | None = None
    passed: bool = False
    behaviour: str | None = None
    acts: list[_Act] = field(default_factory=list)
    roadblocks: list[_Roadblock] = field(default_factory=list)
    rules: list[_Rule] = field(default_factory=list)
    tips: list[str] = field(default_factory=list)
    scenario: str | None = None
    turn: str | None = None
    student: str | None = None
    line: int | None = None
    error: str | None = None
    file: str | None = None
    pass_score: float | None = None
    reply: str | None = None
    skill: str | None = None
    assignment: str | None = None
    client: str | None = None


class _Code(Struct):
    code: str


class _Kind(Struct):
    kind: str


class _Light(_Dispute):
    """What every record adds to the totals; the rest (rules, texts) is decoded only for the
    few records the report shows in full (`Reply.full`)."""

    score: float | None = None
    passed: bool = False
    behaviour: str | None = None
    acts: list[_Code] = field(default_factory=list)
    roadblocks: list[_Kind] = field(default_factory=list)
    scenario: str | None = None
    turn: str | None = None
    student: str | None = None
    line: int | None = None
    error: str | None = None
    file: str | None = None
    skill: str | None = None
    assignment: str | None = None
    client: str | None = None


class _Result(Struct):
    acts: list[_Act] = field(default_factory=list)
    roadblocks: list[_Roadblock] = field(default_factory=list)
    rules: list[_Rule] = field(default_factory=list)
    tips: list[str] = field(default_factory=list)
    pass_score: float | None = None


class _Attempt(_Dispute, kw_only=True):
    """An attempt of a drill export."""

    scenario_id: str
    turn_id: str
    score: float
    passed: bool
    behaviour: str
    result: _Result
    reply: str = ""
    skill: str | None = None
    created_at: str = ""
    student: str | None = None
    assignment: str | None = None


class _Session(Struct):
    started_at: str = ""


class _ExportHead(Struct):
    session: _Session | None = None
    attempts: list[msgspec.Raw] | None = None
    records: list[msgspec.Raw] | None = None
    student: str | None = None
    assignment: str | None = None


# ------------------------------------------------------------------ what the report reads


class Feedback(NamedTuple):
    """What a reply got, kept only for the few replies the page shows in full."""

    rules: tuple  # (_Rule, ...) every rule, for the evidence
    roadblocks: tuple  # (_Roadblock, ...)
    tips: tuple[str, ...]


class Full(NamedTuple):
    text: str  # the reply (rebuilt from its coded sentences when the record does not carry it)
    complete: bool  # False when rebuilt from the sentences
    feedback: Feedback


class Reply:
    """One usable record: what the totals need, and its full text and feedback on demand."""

    __slots__ = ("student", "assignment", "scenario", "turn", "skill", "score", "passed", "behaviour", "acts", "roadblocks", "where", "dispute", "_raw",
                 "_full")

    def __init__(self, *, student: str, assignment: str, scenario: str, turn: str, skill: str | None, score: float, passed: bool,
                 behaviour: str, acts: tuple[str, ...], roadblocks: tuple[str, ...], where: str, dispute: str | None,
                 raw: bytes | tuple[str, int, int] | None = None, full: Full | None = None) -> None:  # fmt: skip
        self.student = student
        self.assignment = assignment
        self.scenario = scenario
        self.turn = turn
        self.skill = skill  # None when the record does not say (resolved from the banks later)
        self.score = score
        self.passed = passed
        self.behaviour = behaviour
        self.acts = acts
        self.roadblocks = roadblocks  # kinds, in order
        self.where = where  # file:line
        self.dispute = dispute  # None: not disputed; "" disputed without a note
        self._raw = raw
        self._full = full

    def full(self) -> Full:
        if self._full is None:
            raw = self._raw
            assert raw is not None, "a reply keeps its record until it is decoded"
            try:
                if isinstance(raw, tuple):  # (path, offset, length): read the line again
                    with open(raw[0], "rb") as handle:
                        handle.seek(raw[1])
                        raw = handle.read(raw[2])
                record = _FULL_DECODER.decode(raw)
            except msgspec.ValidationError as exc:  # counted by its score; its rules are unreadable
                self._full = Full(f"(the reply and feedback of {self.where} cannot be read: {_validation(exc)})", False, Feedback((), (), ()))
                self._raw = None
                return self._full
            except (OSError, msgspec.DecodeError) as exc:
                self._full = Full(f"(the reply and feedback of {self.where} cannot be read again: {exc})", False, Feedback((), (), ()))
                self._raw = None
                return self._full
            text, complete = (record.reply, True) if record.reply is not None else (_rebuilt(record.acts), False)
            self._full = Full(text, complete, Feedback(tuple(record.rules), tuple(record.roadblocks), tuple(record.tips)))
            self._raw = None
        return self._full

    @property
    def text(self) -> str:
        return self.full().text


class BadRecord(NamedTuple):
    where: str  # file:line
    message: str
    kind: str  # "unreadable" (could not be read) or "ungraded" (grade could not score it)


class Unreadable(Exception):
    """An input that cannot be opened or read at all."""


# ------------------------------------------------------------------ inputs


def expand(inputs: list[str]) -> list[str]:
    """Files as given; a folder gives its .jsonl/.json/.ndjson files, sorted, recursively."""
    out: list[str] = []
    for given in inputs:
        if given == "-":
            out.append(given)
            continue
        path = Path(given)
        if path.is_dir():
            found = sorted(
                str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
            )
            out.extend(found)
        else:
            out.append(given)
    return out


def read(path: str, stdin: Any = None) -> Iterator[Reply | BadRecord]:
    """Every record of one input, as a Reply or a BadRecord. Raises Unreadable."""
    display = STDIN_NAME if path == "-" else path
    stem = "stdin" if path == "-" else Path(path).name.rsplit(".", 1)[0] or Path(path).name
    if path == "-":
        yield from _jsonl(stdin, display, stem, None)
        return
    try:
        handle = open(path, "rb")
    except IsADirectoryError:
        raise Unreadable(f"{display}: is a folder with no .jsonl or .json file") from None
    except OSError as exc:
        raise Unreadable(f"{display}: cannot read: {exc.strerror or exc}") from None
    with handle:
        first = _first_char(handle)
        handle.seek(0)
        if path.lower().endswith(".json") and first == b"{":
            yield from _json_document(handle, display, stem)
        else:
            yield from _jsonl(handle, display, stem, path)


def _first_char(handle) -> bytes:
    while True:
        block = handle.read(4096)
        if not block:
            return b""
        stripped = block.lstrip()
        if stripped:
            return stripped[:1]


def _jsonl(handle, display: str, stem: str, path: str | None) -> Iterator[Reply | BadRecord]:
    """Line by line. A Reply from a file keeps where its line is (offset, length), not its bytes:
    the few the report shows in full are read again (`Reply.full`)."""
    decoder = _LIGHT_DECODER
    number = 0
    offset = 0
    for raw in handle:
        number += 1
        start = offset
        offset += len(raw)
        if not raw.strip():
            continue
        where = f"{display}:{number}"
        try:
            record = decoder.decode(raw)
        except msgspec.ValidationError as exc:
            yield BadRecord(where, _validation(exc), "unreadable")
            continue
        except msgspec.DecodeError as exc:
            yield BadRecord(where, _malformed(raw, exc), "unreadable")
            continue
        except RecursionError:
            yield BadRecord(where, "malformed JSON: arrays or objects nested too deeply", "unreadable")
            continue
        yield _from_graded(record, where, stem, raw if path is None else (path, start, len(raw)))


def _json_document(handle, display: str, stem: str) -> Iterator[Reply | BadRecord]:
    data = handle.read()
    try:
        head = msgspec.json.decode(data, type=_ExportHead)
    except msgspec.ValidationError as exc:
        yield BadRecord(f"{display}:1", _validation(exc) + " (expected a drill export or `grade --format json` output)", "unreadable")
        return
    except (msgspec.DecodeError, RecursionError) as exc:
        reason = _malformed(data, exc) if isinstance(exc, msgspec.DecodeError) else "malformed JSON: nested too deeply"
        yield BadRecord(f"{display}:{_error_line(data, exc)}", reason, "unreadable")
        return
    if head.attempts is None and head.records is None:
        yield BadRecord(f"{display}:1", "expected a drill export ('session' and 'attempts') or `grade --format json` output ('records'), found "
                                        "neither key", "unreadable")
        return
    locate = _Locator(data)
    if head.records is not None:
        for raw in head.records:
            where = f"{display}:{locate(raw)}"
            try:
                record = _LIGHT_DECODER.decode(raw)
            except msgspec.ValidationError as exc:
                yield BadRecord(where, _validation(exc), "unreadable")
                continue
            yield _from_graded(record, where, stem, bytes(raw))
    if head.attempts is not None:
        student = head.student or stem
        day = (head.session.started_at if head.session else "")[:10]
        decoder = msgspec.json.Decoder(_Attempt)
        for raw in head.attempts:
            where = f"{display}:{locate(raw)}"
            try:
                attempt = decoder.decode(raw)
            except msgspec.ValidationError as exc:
                yield BadRecord(where, _validation(exc), "unreadable")
                continue
            yield _from_attempt(attempt, where, student, head.assignment or day or stem)


class _Locator:
    """The line where each raw item of a decoded document starts, found in document order."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.line = 1

    def __call__(self, raw: msgspec.Raw) -> int:
        piece = bytes(raw)
        found = self.data.find(piece, self.pos)
        if found < 0:
            return self.line
        self.line += self.data.count(b"\n", self.pos, found)
        self.pos = found
        return self.line


def _from_graded(record: _Light, where: str, stem: str, raw: bytes | tuple[str, int, int]) -> Reply | BadRecord:
    if record.error is not None:
        origin = f" ({record.file}:{record.line})" if record.file and record.line else ""
        return BadRecord(where, f"not graded{origin}: {record.error}", "ungraded")
    if record.score is None or record.behaviour is None:
        missing = "score" if record.score is None else "behaviour"
        return BadRecord(where, f"expected a scored record, found no '{missing}'", "unreadable")
    if record.client is not None and record.scenario is None:
        scenario, turn = "(generic rubric)", "-"
    else:
        scenario, turn = record.scenario or "(no scenario)", record.turn or "-"
    return Reply(
        student=record.student or "(unnamed)",
        assignment=record.assignment or stem,
        scenario=scenario,
        turn=turn,
        skill=record.skill,
        score=float(record.score),
        passed=record.passed,
        behaviour=record.behaviour,
        acts=tuple(a.code for a in record.acts) or (record.behaviour,),
        roadblocks=tuple(r.kind for r in record.roadblocks),
        where=where,
        dispute=_dispute(record),
        raw=raw,
    )


def _from_attempt(attempt: _Attempt, where: str, student: str, assignment: str) -> Reply:
    result = attempt.result
    return Reply(
        student=attempt.student or student,
        assignment=attempt.assignment or assignment,
        scenario=attempt.scenario_id,
        turn=attempt.turn_id,
        skill=attempt.skill,
        score=float(attempt.score),
        passed=attempt.passed,
        behaviour=attempt.behaviour,
        acts=tuple(a.code for a in result.acts) or (attempt.behaviour,),
        roadblocks=tuple(r.kind for r in result.roadblocks),
        where=where,
        dispute=_dispute(attempt),
        full=Full(attempt.reply, True, Feedback(tuple(result.rules), tuple(result.roadblocks), tuple(result.tips))),
    )


def _rebuilt(acts: list[_Act]) -> str:
    """The reply from its coded sentences (what `grade` output carries).

    Each sentence goes back at its own offsets, and what no sentence covers (the spaces between
    them) becomes spaces, so the rules' evidence spans still point at the right words."""
    out: list[str] = []
    pos = 0
    for act in sorted(acts, key=lambda a: a.start):
        if act.start < pos or act.end - act.start != len(act.text):
            continue
        out.append(" " * (act.start - pos))
        out.append(act.text)
        pos = act.end
    return "".join(out)


def _dispute(record: _Dispute) -> str | None:
    """The student's note when the record is disputed ('' for a flag without a note), else None.

    `flag` is what the drill stores (`/flag [note]`): a string, empty for a flag without a note,
    or null. `flag: true`, `flagged: true`, `flags` (notes, or objects with a `note`) and
    `flag_note` are read too; `note` counts only beside one of them."""
    if record.flag is None and record.flagged is None and record.flags is None and record.flag_note is None:
        return None
    notes: list[str] = []
    disputed = False
    for value in (record.flag, record.flagged, record.flag_note):
        if value is True:
            disputed = True
        elif isinstance(value, str) and value is not record.flagged:
            disputed = True
            if value.strip():
                notes.append(value.strip())
    flags = record.flags
    if isinstance(flags, list):
        for item in flags:
            if isinstance(item, str):
                disputed = True
                if item.strip():
                    notes.append(item.strip())
            elif isinstance(item, dict):
                disputed = True
                note = item.get("note")
                if isinstance(note, str) and note.strip():
                    notes.append(note.strip())
            elif item is True:
                disputed = True
    elif flags is True:
        disputed = True
    if disputed and isinstance(record.note, str) and record.note.strip():
        notes.append(record.note.strip())
    if not disputed:
        return None
    return " / ".join(dict.fromkeys(notes))


def _validation(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    # msgspec: "Expected `float | null`, got `str` - at `$.score`"
    if " - at `" in text:
        what, _, path = text.rpartition(" - at `")
        return f"{path.rstrip('`')}: {what[0].lower() + what[1:]}".replace("`", "'")
    return text[0].lower() + text[1:] if text else "not a usable record"


def _malformed(raw: bytes, exc: Exception) -> str:
    if raw[:1] not in (b"{", b"[") and raw.lstrip()[:1] not in (b"{", b"["):
        shown = raw.strip()[:20].decode("utf-8", "replace")
        return f"expected a JSON object, found {shown!r}"
    text = str(exc).removeprefix("JSON is malformed: ")
    if b"\n" not in raw.rstrip(b"\r\n") and "(byte " in text:
        head, _, tail = text.rpartition("(byte ")
        number = tail.rstrip(")")
        if number.isdigit():
            text = f"{head}(column {int(number) + 1})"
    return "malformed JSON: " + text


def _error_line(data: bytes, exc: Exception) -> int:
    text = str(exc)
    marker = "(byte "
    if marker in text:
        try:
            pos = int(text.rsplit(marker, 1)[1].split(")")[0])
            return data.count(b"\n", 0, pos) + 1
        except ValueError:
            pass
    return 1


_LIGHT_DECODER = msgspec.json.Decoder(_Light)
_FULL_DECODER = msgspec.json.Decoder(_Graded)


def size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
