"""Coded transcripts for `coder eval` and `coder fit`: records a person coded, read with exact locations.

Two shapes of JSON Lines record are read:

- a reply: `{"id": ..., "client": ... (optional), "reply": ..., "code": ...}`, the reply's primary act;
- a span of a corpus text: `{"answer": ..., "start": ..., "end": ..., "code": ...}`, read with
  `--corpus threads.jsonl` (the CounselChat layout: threads with a client question and answers).

Every problem names `file:line`, what was expected and what was found; an unknown code lists the
twelve codes. Nothing here scores or writes anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from empathy_coach.problems import InputError, Problem
from empathy_coach.scoring.coder.model import CODES

MAX_PROBLEMS = 20
PARTS = ("develop", "holdout")


@dataclass(slots=True)
class CodedReply:
    id: str
    client: str | None
    reply: str
    code: str
    group: str  # records with the same client statement are one group for cross-validation
    part: str = "develop"
    source: str = ""


@dataclass(slots=True)
class CodedAnswer:
    """Coded spans of one corpus answer, with the question it answers."""

    answer: str
    thread: str
    client: str
    text: str
    spans: list[tuple[int, int, str]]
    part: str = "develop"


@dataclass(slots=True)
class CodedSet:
    replies: list[CodedReply]
    answers: list[CodedAnswer]

    def __len__(self) -> int:
        return len(self.replies) + sum(len(a.spans) for a in self.answers)


def read_corpus(path: Path) -> dict[str, tuple[str, str, str]]:
    """Answer id -> (thread id, client question, answer text), from a CounselChat-style threads file."""
    import msgspec

    answers: dict[str, tuple[str, str, str]] = {}
    expected = 'expected a thread {"thread", "client", "answers": [{"id", "text"}]}'
    try:
        handle = path.open("rb")
    except OSError as error:
        raise InputError.single(str(path), f"cannot read the corpus: {error.strerror or error}", "io") from None
    with handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                thread = msgspec.json.decode(raw)
            except msgspec.DecodeError as error:
                raise InputError.single(str(path), f"{expected}, found text that is not JSON ({error})", "corpus", number, 1) from None
            except RecursionError:
                raise InputError.single(str(path), f"{expected}, found JSON nested too deeply", "corpus", number, 1) from None
            found = _corpus_problem(thread)
            if found:
                raise InputError.single(str(path), f"{expected}, found {found}", "corpus", number, 1)
            for answer in thread["answers"]:
                key = str(answer["id"])
                if key in answers:
                    raise InputError.single(str(path), f"expected each answer id once, found {_shown(key)} again", "corpus", number, 1)
                answers[key] = (str(thread["thread"]), thread.get("client") or "", answer["text"])
    return answers


def _corpus_problem(thread: object) -> str | None:
    """What is wrong with one line of a threads file, or None."""
    if not isinstance(thread, dict):
        return _kind(thread)
    if not _is_id(thread.get("thread")):
        return f'"thread": {_shown(thread.get("thread"))}'
    if not isinstance(thread.get("client", ""), (str, type(None))):
        return f'"client": {_shown(thread.get("client"))}'
    answers = thread.get("answers")
    if not isinstance(answers, list):
        return f'"answers": {_shown(answers)}'
    for answer in answers:
        if not isinstance(answer, dict) or not _is_id(answer.get("id")) or not isinstance(answer.get("text"), str):
            return f"an answer {_shown(answer)}"
    return None


def _is_id(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number", bool: "true or false", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def read_coded(paths: Iterable[Path], corpus: Path | None = None) -> CodedSet:
    """Read coded records from JSON Lines files; raise InputError listing every bad record (up to a bound)."""
    import msgspec

    problems: list[Problem] = []
    replies: list[CodedReply] = []
    spans: dict[str, list[tuple[int, int, str, str, int, str]]] = {}
    corpus_answers: dict[str, tuple[str, str, str]] | None = None
    seen_ids: dict[str, str] = {}

    def problem(path: Path, line: int, message: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(Problem(str(path), line, 1, message, "coded"))

    read: list[Path] = []
    for path in paths:
        again = next((before for before in read if _same(before, path)), None)
        if again is not None:
            problems.append(Problem(str(path), 0, 0, f"expected each file once, found it given again (as {again})", "coded"))
            continue
        read.append(path)
        if str(path) == "-" and not path.exists():
            message = "expected a file of coded records, found '-': standard input is not read here (save the records to a file)"
            problems.append(Problem("-", 0, 0, message, "io"))
            continue
        try:
            handle = path.open("rb")
        except OSError as error:
            problems.append(Problem(str(path), 0, 0, f"cannot read: {error.strerror or error}", "io"))
            continue
        with handle:
            for number, raw in enumerate(handle, 1):
                if not raw.strip():
                    continue
                try:
                    record = msgspec.json.decode(raw)
                except msgspec.DecodeError as error:
                    problem(path, number, f"expected a JSON object, found text that is not JSON ({error})")
                    continue
                except RecursionError:
                    problem(path, number, "expected a JSON object, found JSON nested too deeply")
                    continue
                if not isinstance(record, dict):
                    problem(path, number, f"expected a JSON object, found {_kind(record)}")
                    continue
                code = record.get("code")
                if code not in CODES:
                    problem(path, number, f"expected \"code\" to be one of {', '.join(CODES)}; found {_shown(code)}")
                    continue
                part = record.get("part", "develop")
                if part not in PARTS:
                    problem(path, number, f"expected \"part\" to be {' or '.join(PARTS)}; found {_shown(part)}")
                    continue
                if "answer" in record:
                    start, end = record.get("start"), record.get("end")
                    if not _is_id(record["answer"]):
                        problem(path, number, f"expected \"answer\" to be an answer id; found {_shown(record['answer'])}")
                        continue
                    if type(start) is not int or type(end) is not int or not 0 <= start < end:
                        problem(path, number, f"expected 0 <= \"start\" < \"end\", both whole numbers; found {_shown(start)} and {_shown(end)}")
                        continue
                    spans.setdefault(str(record["answer"]), []).append((start, end, code, str(path), number, str(part)))
                    continue
                reply = record.get("reply")
                if not isinstance(reply, str) or not reply.strip():
                    problem(path, number, "expected \"reply\" with the coded text (or \"answer\", \"start\", \"end\" for a corpus span); found "
                                          f"{_shown(reply)}")
                    continue
                client = record.get("client")
                if client is not None and not isinstance(client, str):
                    problem(path, number, f"expected \"client\" to be text; found {_shown(client)}")
                    continue
                if "id" in record and not _is_id(record["id"]):
                    problem(path, number, f"expected \"id\" to be text or a whole number; found {_shown(record['id'])}")
                    continue
                rid = str(record.get("id", f"{path.name}:{number}"))
                if rid in seen_ids:
                    problem(path, number, f"duplicate id {_shown(rid)} (first at {seen_ids[rid]})")
                    continue
                seen_ids[rid] = f"{path}:{number}"
                replies.append(CodedReply(rid, client, reply, code, client or rid, str(part), str(record.get("source", ""))))
    answers: list[CodedAnswer] = []
    if corpus is not None and not spans and not problems:
        read_corpus(corpus)  # a corpus given is read, so a wrong path is not passed over in silence
    if spans:
        if corpus is None:
            where, number = spans[next(iter(spans))][0][3:5]
            problems.append(Problem(str(where), number, 1, "expected --corpus THREADS.jsonl to read the text of corpus spans; found none given", "coded"))
        else:
            corpus_answers = read_corpus(corpus)
            for answer_id, items in spans.items():
                known = corpus_answers.get(answer_id)
                if known is None:
                    problem(Path(items[0][3]), items[0][4], f"expected an answer id of {corpus}; found {_shown(answer_id)}")
                    continue
                thread, client, text = known
                good = []
                for start, end, code, where, number, _part in items:
                    if end > len(text):
                        problem(Path(where), number, f"expected a span inside the answer's {len(text)} characters; found {start}-{end}")
                        continue
                    good.append((start, end, code))
                last: tuple[int, str, int] | None = None  # end, file and line of the span before, in text order
                inside = sorted((i for i in items if i[1] <= len(text)), key=lambda item: (item[0], item[1], item[3], item[4]))
                for start, end, _code, where, number, _part in inside:
                    if last is not None and start < last[0]:
                        problem(Path(where), number,
                                f"expected spans of one answer not to overlap; found {start}-{end}, which overlaps the span at {last[1]}:{last[2]}")
                    last = (end, where, number) if last is None or end > last[0] else last
                answers.append(CodedAnswer(answer_id, thread, client, text, good, items[0][5]))
    if problems:
        raise InputError(problems)
    if not replies and not answers:
        raise InputError.single(", ".join(str(p) for p in paths) or "<none>", "expected coded records; found none", "coded")
    return CodedSet(replies, answers)


def _same(a: Path, b: Path) -> bool:
    try:
        return a == b or a.samefile(b)
    except OSError:
        return False


def _shown(value: object) -> str:
    """A value of a record as found: text quoted, anything else as JSON would write it (none when missing)."""
    import msgspec

    from empathy_coach.literal import printable

    if value is None:
        return "none"
    if isinstance(value, str):
        return repr(value[:80])  # repr shows control and format characters as escapes
    try:
        text = msgspec.json.encode(value).decode()
    except (TypeError, ValueError, RecursionError, msgspec.EncodeError):
        text = repr(value)
    return printable(text[:80] + ("..." if len(text) > 80 else ""))


def bank_replies(paths: Iterable[Path]) -> list[CodedReply]:
    """The labelled examples and exemplars of scenario banks (files or folders) as coded replies.

    An example or exemplar with a `behaviour` is a reply a person coded; its group is the turn's
    client statement, so a fold never splits the replies to one statement.
    """
    from empathy_coach.banks.loader import detect_kind, load_parsed
    from empathy_coach.banks.yamlsource import load_document
    from empathy_coach.paths import yaml_files

    out: list[CodedReply] = []
    docs = []
    for path in paths:
        if path.is_dir():  # a folder's rubrics and lexicons are passed over, as other commands' --bank does
            found = [doc for file in yaml_files(path) if detect_kind(doc := load_document(file), file) == "bank"]
            if not found:
                raise InputError.single(str(path), "expected a bank file or a folder with bank .yaml files, found a folder without any", "no-banks")
            docs.extend(found)
        else:
            docs.append(load_document(path))
    for doc in docs:
        bank = load_parsed(doc, "bank").value
        for scenario in bank.scenarios:
            for turn in scenario.turns:
                labelled = [(e.reply, e.behaviour) for e in turn.examples if e.behaviour] + [(e.reply, e.behaviour) for e in turn.exemplar_list()]
                for n, (reply, code) in enumerate(labelled):
                    out.append(CodedReply(f"{bank.id}/{scenario.id}/{turn.id}/{n}", turn.client, reply, code, turn.client, "develop", "bank"))
    return out
