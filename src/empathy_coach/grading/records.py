"""One input record -> one `ScoredRecord`, encoded as JSON: the work a grading worker does.

Everything here runs in the worker processes as well as in the main one, so it depends only on
the library layers (`banks`, `scoring`), never on typer or rich. A record that cannot be scored
(unknown scenario or turn, empty reply, malformed JSON line...) becomes a record with `error`
set and its line number, so that one bad record never stops the others.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from empathy_coach.problems import InputError, Problem
from empathy_coach.scoring.result import ScoredRecord

#: Keys a student's input may never carry: the bank and the rubric come from the command line.
FORBIDDEN_KEYS = ("bank", "banks", "rubric", "rubrics")
FORBIDDEN_MESSAGE = "'{key}' is not allowed here: the bank and rubric come from the command line (--bank), never from the answers"


class Light(NamedTuple):
    """What the main process needs about a scored record without decoding it again."""

    id: str
    passed: bool
    score: float | None
    behaviour: str | None
    acts: tuple[str, ...]
    error: str | None
    line: int
    student: str | None
    excerpt: str = ""  # the start of the reply as written, for reports of answers that did not pass


EXCERPT_CHARS = 501


class Item(NamedTuple):
    """A record to score, already read (answers files) or still a raw JSON Lines line."""

    line: int
    raw: bytes | None = None  # a JSON Lines line, parsed in the worker
    id: str = ""
    reply: str = ""
    scenario: str | None = None
    turn: str | None = None
    client: str | None = None
    student: str | None = None
    error: str | None = None  # already known to be bad (answers files)


Graded = tuple[bytes, Light]

_ENCODER = msgspec.json.Encoder()


@dataclass
class Resolver:
    """Which scorer and turn a record uses. Picklable: a worker rebuilds its catalog lazily."""

    bank_paths: list[str] = field(default_factory=list)
    pass_score: float | None = None
    _catalog: Any = None
    _turns: dict = field(default_factory=dict)

    def __getstate__(self) -> dict:
        return {"bank_paths": self.bank_paths, "pass_score": self.pass_score, "_catalog": None, "_turns": {}}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def catalog(self):
        if self._catalog is None:
            from empathy_coach.content.catalog import full_catalog

            # Grading reads no calibration examples: the built-in content comes from the cache.
            self._catalog = full_catalog([Path(p) for p in self.bank_paths])
        return self._catalog

    def generic(self):
        scorer = self._turns.get(None)
        if scorer is None:
            from empathy_coach.scoring.engine import GENERIC_RUBRIC, default_scorer

            scorer = self._turns[None] = default_scorer(GENERIC_RUBRIC)
        return scorer

    def turn(self, scenario_id: str, turn_id: str):
        """(scorer, turn, tags), or the reason this scenario/turn cannot be used."""
        key = (scenario_id, turn_id)
        found = self._turns.get(key)
        if found is None:
            found = self._turns[key] = self._resolve(scenario_id, turn_id)
        return found

    def _resolve(self, scenario_id: str, turn_id: str):
        from empathy_coach.scoring.engine import scorer_for

        catalog = self.catalog()
        try:
            ref = catalog.find_scenario(scenario_id)
        except KeyError:
            return f"unknown scenario '{scenario_id}'{_did_you_mean(scenario_id, catalog.scenario_ids())}"
        turn = ref.scenario.turn(turn_id)
        if turn is None:
            ids = [t.id for t in ref.scenario.turns]
            return f"scenario '{scenario_id}' has no turn '{turn_id}'{_did_you_mean(turn_id, ids)} (its turns: {', '.join(ids)})"
        return (scorer_for(catalog, ref), turn, tuple(ref.scenario.tags))


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# ---------------------------------------------------------------- JSON Lines


def parse_line(line: int, raw: bytes, student: str | None = None) -> Item | None:
    """A JSON Lines line as an Item (with `error` set when it is bad); None for a blank line."""
    size = getattr(raw, "size", None)
    if size is not None:  # sources.Overlong: the line was not kept
        from empathy_coach.grading.sources import MAX_LINE_BYTES

        stopped = bool(getattr(raw, "stopped", False))
        told = f"expected a line of at most {MAX_LINE_BYTES:,} bytes, found {'more than ' if stopped else ''}{size:,}; the line was skipped"
        if stopped:
            told += " and reading stopped there (the rest of the input was not read)"
        return Item(line, error=told, student=student)
    if not raw.strip():
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Item(line, error=f"expected UTF-8 text, found the byte 0x{raw[exc.start]:02x} at column {exc.start + 1}", student=student)
    try:
        data = msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        return Item(line, error="malformed JSON: " + str(exc).removeprefix("JSON is malformed: "), student=student)
    except RecursionError:
        return Item(line, error="malformed JSON: arrays or objects nested too deeply", student=student)
    if not isinstance(data, dict):
        return Item(line, error=f"expected a JSON object, found {_json_type(data)}", student=student)
    rid = data.get("id")
    if isinstance(rid, int) and not isinstance(rid, bool):
        rid = str(rid)
    scenario, turn, client = data.get("scenario"), data.get("turn"), data.get("client")
    who = data.get("student", student)
    base = Item(
        line,
        id=rid if isinstance(rid, str) else "",
        scenario=scenario if isinstance(scenario, str) else None,
        turn=turn if isinstance(turn, str) else None,
        student=who if isinstance(who, str) else student,
    )
    error = _record_error(data, rid, scenario, turn, client, who)
    if error:
        return base._replace(error=error)
    return base._replace(reply=data["reply"], client=client)


def _record_error(data: dict, rid: Any, scenario: Any, turn: Any, client: Any, who: Any) -> str | None:
    for key in FORBIDDEN_KEYS:
        if key in data:
            return FORBIDDEN_MESSAGE.format(key=key)
    if rid is None:
        return "missing 'id'"
    if not isinstance(rid, str):
        return f"expected 'id' to be a string or an integer, found {_json_type(rid)}"
    if not rid:
        return "expected a non-empty 'id'"
    if "reply" not in data:
        return "missing 'reply'"
    if not isinstance(data["reply"], str):
        return f"expected 'reply' to be a string, found {_json_type(data['reply'])}"
    if who is not None and not isinstance(who, str):
        return f"expected 'student' to be a string, found {_json_type(who)}"
    if client is not None:
        if scenario is not None or turn is not None:
            return "expected either 'client' or 'scenario' and 'turn', found both"
        if not isinstance(client, str) or not client.strip():
            return "expected 'client' to be the client's statement (a non-empty string)"
        return None
    if scenario is None and turn is None:
        return "expected 'scenario' and 'turn', or 'client'"
    for key, value in (("scenario", scenario), ("turn", turn)):
        if value is None:
            return f"missing '{key}' (a record names both 'scenario' and 'turn')"
        if not isinstance(value, str) or not value:
            return f"expected '{key}' to be a non-empty string, found {_json_type(value)}"
    return None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


# ---------------------------------------------------------------- scoring


def score_item(resolver: Resolver, item: Item, file: str) -> ScoredRecord:
    if item.error is None and not item.reply.strip():
        item = item._replace(error="empty reply")
    if item.error is not None:
        return error_record(item, file, item.error)
    if item.client is not None:
        scorer, turn, tags = resolver.generic(), None, ()
    else:
        found = resolver.turn(item.scenario, item.turn)  # type: ignore[arg-type]
        if isinstance(found, str):
            return error_record(item, file, found)
        scorer, turn, tags = found
    result = scorer.score(item.reply, client=item.client, turn=turn, tags=tags)
    if result.truncated:
        result = _clipped(result)
    pass_score = result.pass_score if resolver.pass_score is None else resolver.pass_score
    passed = result.passed
    if resolver.pass_score is not None:
        passed = result.score >= pass_score and not any(r.required and not r.passed for r in result.rules)
    return ScoredRecord(
        id=item.id,
        score=result.score,
        passed=passed,
        behaviour=result.behaviour,
        acts=result.acts,
        roadblocks=result.roadblocks,
        rules=result.rules,
        tips=result.tips,
        scenario=item.scenario,
        turn=item.turn,
        student=item.student,
        line=item.line,
        file=file,
        pass_score=pass_score,
        truncated=result.truncated,
        rung=result.rung,
    )


def _clipped(result):
    """A truncated reply's evidence cut to the part the scorer read: a 50 MB reply must not
    come back as a 50 MB record because one rule's span covers all of it."""
    from msgspec.structs import replace

    from empathy_coach.scoring.text import MAX_ANALYSED_CHARS as limit

    def cut(span):
        if span.end <= limit:
            return span
        end = max(span.start, limit)
        return replace(span, end=end, text=span.text[: end - span.start])

    return replace(
        result,
        acts=[cut(a) for a in result.acts],
        roadblocks=[cut(r) for r in result.roadblocks],
        rules=[replace(r, spans=[cut(s) for s in r.spans]) if any(s.end > limit for s in r.spans) else r for r in result.rules],
    )


def error_record(item: Item, file: str, message: str) -> ScoredRecord:
    return ScoredRecord(
        id=item.id,
        score=None,
        passed=False,
        behaviour=None,
        acts=[],
        roadblocks=[],
        rules=[],
        tips=[],
        scenario=item.scenario,
        turn=item.turn,
        student=item.student,
        line=item.line,
        error=message,
        file=file,
    )


def light(record: ScoredRecord) -> Light:
    return Light(
        record.id,
        record.passed,
        record.score,
        record.behaviour,
        tuple(a.code for a in record.acts),
        record.error,
        record.line or 0,
        record.student,
    )


def encode(record: ScoredRecord) -> bytes:
    return _ENCODER.encode(record)


# ---------------------------------------------------------------- one chunk (the unit of work)

_RESOLVER: Resolver | None = None


def install(resolver: Resolver) -> None:
    """Set the resolver this process scores with (the main process, or a worker at start)."""
    global _RESOLVER
    _RESOLVER = resolver


class Chunk(NamedTuple):
    file: str
    student: str | None  # the student of an answers file; None for JSON Lines
    items: list  # Items, or (line, raw bytes) pairs for JSON Lines


class ChunkResult(NamedTuple):
    graded: list[Graded]
    fatal: list[Problem]  # a problem that stops the whole run (a bank that cannot be loaded)


def grade_chunk(chunk: Chunk) -> ChunkResult:
    resolver = _RESOLVER
    assert resolver is not None, "install() a Resolver first"
    out: list[Graded] = []
    try:
        for entry in chunk.items:
            item = entry if isinstance(entry, Item) else parse_line(entry[0], entry[1], chunk.student)
            if item is None:
                continue
            record = score_item(resolver, item, chunk.file)
            seen = light(record)
            if not record.passed and item.reply:
                seen = seen._replace(excerpt=item.reply[:EXCERPT_CHARS])
            out.append((encode(record), seen))
    except InputError as exc:  # a bank or rubric that cannot load: input error for the whole run
        return ChunkResult([], list(exc.problems))
    return ChunkResult(out, [])
