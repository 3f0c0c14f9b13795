"""Renderers for `empathy-coach grade`: one writer per `--format`, fed record by record.

Every writer gets each graded record as it is scored (`record()`), then the summaries
(`finish()`). `jsonl`, `json`, `github` and `csv` hold nothing per record, so they stream in
constant memory; `junit` and `text` keep a small row per record (not the scored record).
Machine formats carry no timestamp or duration: two runs over the same input give the same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO, Literal, Protocol

from empathy_coach.literal import json_safe

if TYPE_CHECKING:
    from rich.console import Console

    from empathy_coach.grading.grader import GradedRecord
    from empathy_coach.grading.summary import GradeSummary, GroupSummary


class Writer(Protocol):
    def record(self, graded: GradedRecord) -> None: ...

    def finish(self, summary: GradeSummary) -> None: ...


def _number(value: float | None, suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:g}{suffix}"


def _label(behaviour: str | None) -> str:
    from empathy_coach.scoring.result import BEHAVIOUR_LABELS

    return BEHAVIOUR_LABELS.get(behaviour or "", behaviour or "")


def verdict_line(graded: GradedRecord) -> str:
    """One line on why a record did not pass: its error, or its score and the first tip."""
    light = graded.light
    if light.error is not None:
        return light.error
    record = graded.record()
    text = f"scored {_number(record.score)}, pass at {_number(record.pass_score)} ({_label(record.behaviour)})"
    if record.roadblocks:
        text += "; roadblocks: " + ", ".join(dict.fromkeys(r.kind for r in record.roadblocks))
    if record.tips:
        text += f". Tip: {record.tips[0]}"
    return text


# ---------------------------------------------------------------- jsonl, json


class JsonlWriter:
    """One ScoredRecord per line, in input order, written as soon as it is scored."""

    def __init__(self, sink: BinaryIO) -> None:
        self.sink = sink

    def record(self, graded: GradedRecord) -> None:
        self.sink.write(json_safe(graded.data) + b"\n")

    def finish(self, summary: GradeSummary) -> None:
        self.sink.flush()


class JsonWriter:
    """One document: `records` (one per line), then `pass_score`, `min_pass_rate`, `groups`, `overall`."""

    def __init__(self, sink: BinaryIO) -> None:
        self.sink = sink
        self.count = 0
        sink.write(b'{"records": [')

    def record(self, graded: GradedRecord) -> None:
        self.sink.write((b"\n" if self.count == 0 else b",\n") + json_safe(graded.data))
        self.count += 1

    def finish(self, summary: GradeSummary) -> None:
        import msgspec

        body = msgspec.json.format(msgspec.json.encode(summary), indent=2)
        self.sink.write((b"\n]," if self.count else b"],") + json_safe(body[1:]) + b"\n")
        self.sink.flush()


# ---------------------------------------------------------------- github


class GithubWriter:
    """A workflow-command annotation per answer that did not pass, at its line in the input."""

    def __init__(self, sink: BinaryIO) -> None:
        self.sink = sink

    def record(self, graded: GradedRecord) -> None:
        if graded.light.passed:
            return
        light = graded.light
        name = light.id or f"line {light.line}"
        message = f"{name}: {verdict_line(graded)}"
        see = explain_name(graded)
        if see:
            message += f" (see: empathy-coach explain {see})"
        self._write(graded.file, light.line, message, f"empathy-coach: {name}")

    def finish(self, summary: GradeSummary) -> None:
        for group in summary.groups:
            if not group.met_threshold:
                message = f"{group.name}: {group_sentence(group, summary.min_pass_rate)}"
                self._write(group.file, 0, message, "empathy-coach: below the pass rate")
        self.sink.flush()

    def _write(self, file: str, line: int, message: str, title: str) -> None:
        """Control characters made visible first (an ESC or BEL from a name must not reach the log),
        then the workflow-command escaping of %, CR, LF (and : , in properties) on what remains."""
        from empathy_coach.literal import printable
        from empathy_coach.reports.github import annotation

        text = annotation("error", printable(file), line, 0, printable(message), title=printable(title))
        self.sink.write(text.encode("utf-8", "replace") + b"\n")


def group_sentence(group: GroupSummary, min_pass_rate: float) -> str:
    if not group.records:
        return "no answers to grade"
    text = f"{group.passed} of {group.records} answers passed ({_number(group.pass_rate, '%')}, needs {min_pass_rate:g}%)"
    if group.errors:
        text += f", {group.errors} could not be graded"
    return text


# ---------------------------------------------------------------- csv


class CsvWriter:
    """The gradebook: one row per student (or file)."""

    def __init__(self, sink: BinaryIO) -> None:
        self.sink = sink

    def record(self, graded: GradedRecord) -> None:
        return None

    def finish(self, summary: GradeSummary) -> None:
        from empathy_coach.reports.gradebook import render

        self.sink.write(render(summary.groups).encode("utf-8", "replace"))
        self.sink.flush()


# ---------------------------------------------------------------- junit


class JunitWriter:
    """Cases are written to a spooled temporary file as they come (JUnit needs each suite's
    counts before its cases), so memory stays flat: 200,000 records no longer sit in memory."""

    def __init__(self, sink: BinaryIO) -> None:
        import tempfile

        from empathy_coach.reports.junit import Suite

        self.sink = sink
        self.suites: dict[tuple[str, str | None], Suite] = {}
        self._suite = Suite
        self.spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        self.counts: dict[tuple[str, str | None], list[int]] = {}  # tests, failures, errors
        self.ranges: dict[tuple[str, str | None], list[list[int]]] = {}  # [start, end) in the spool

    def record(self, graded: GradedRecord) -> None:
        from empathy_coach.reports.junit import Case, reply_excerpt

        light = graded.light
        key = (graded.file, light.student)
        suite = self.suites.get(key)
        if suite is None:
            suite = self.suites[key] = self._suite(light.student or graded.file, graded.file)
        name = light.id or f"line {light.line}"
        case = Case(name, f"empathy-coach.{suite.name}", graded.file, light.line, "passed")
        if light.error is not None:
            case.status, case.message, case.body = "error", light.error, f"{graded.file}:{light.line}: {light.error}"
        elif not light.passed:
            record = graded.record()
            case.status = "failure"
            case.message = verdict_line(graded)
            lines = [f"{graded.file}:{light.line}: {name}"]
            if record.scenario:
                lines.append(f"scenario {record.scenario}, turn {record.turn}")
            lines.append(f"score {_number(record.score)}, pass at {_number(record.pass_score)}; behaviour: {_label(record.behaviour)}")
            # the reply as written (the acts' texts leave out what lies between sentences)
            lines.append("reply: " + reply_excerpt([light.excerpt] if light.excerpt else [a.text for a in record.acts]))
            missed = [r for r in record.rules if not r.passed]
            if missed:
                lines.append("missed:")
                lines.extend(f"  - {r.id}: {r.message}" for r in missed)
            if record.roadblocks:
                lines.append("roadblocks: " + ", ".join(f'{r.kind} ("{r.text}")' for r in record.roadblocks))
            if record.tips:
                lines.append("tips:")
                lines.extend(f"  {n}. {tip}" for n, tip in enumerate(record.tips, 1))
            case.body = "\n".join(lines)
        from empathy_coach.reports.junit import case_xml

        data = case_xml(case).encode("utf-8", "replace")
        start = self.spool.tell()
        self.spool.write(data)
        counts = self.counts.setdefault(key, [0, 0, 0])
        counts[0] += 1
        counts[1] += case.status == "failure"
        counts[2] += case.status == "error"
        ranges = self.ranges.setdefault(key, [])
        if ranges and ranges[-1][1] == start:
            ranges[-1][1] = start + len(data)
        else:
            ranges.append([start, start + len(data)])

    def finish(self, summary: GradeSummary) -> None:
        from empathy_coach.reports.junit import FOOTER, SUITE_CLOSE, header, suite_open

        suites = []
        for group in summary.groups:
            suite = self.suites.get((group.file, group.student)) or self._suite(group.name, group.file)
            suite.properties = [
                ("records", str(group.records)),
                ("passed", str(group.passed)),
                ("mean_score", _number(group.mean_score)),
                ("pass_rate", _number(group.pass_rate)),
                ("met_threshold", str(group.met_threshold).lower()),
                ("rq_ratio", _number(group.metrics.rq_ratio)),
                ("percent_complex", _number(group.metrics.percent_complex)),
            ]
            suites.append(((group.file, group.student), suite))
        tests, failures, errors = (sum(c[i] for c in self.counts.values()) for i in range(3))
        self.sink.write(header(tests, failures, errors).encode("utf-8"))
        for key, suite in suites:
            tests, failures, errors = self.counts.get(key, (0, 0, 0))
            self.sink.write(suite_open(suite, tests, failures, errors).encode("utf-8", "replace"))
            for start, end in self.ranges.get(key, ()):
                self.spool.seek(start)
                left = end - start
                while left:
                    chunk = self.spool.read(min(left, 1024 * 1024))
                    self.sink.write(chunk)
                    left -= len(chunk)
            self.sink.write(SUITE_CLOSE.encode())
        self.sink.write(FOOTER.encode())
        self.sink.flush()
        self.spool.close()


# ---------------------------------------------------------------- text: one line per answer


def explain_name(graded: GradedRecord) -> str | None:
    """What `empathy-coach explain` should be asked about for an answer that did not pass."""
    if graded.light.error is not None or graded.light.passed:
        return None
    record = graded.record()
    if record.roadblocks:
        return record.roadblocks[0].kind
    lost = sorted((r for r in record.rules if not r.passed), key=lambda r: -(r.max_points - r.points))
    return lost[0].id if lost else None


def answer_reason(graded: GradedRecord) -> str:
    """Why an answer passed or not, in a few words: the rules it missed, biggest loss first, and
    its roadblocks with the command that explains the first (as ruff names a rule's docs)."""
    light = graded.light
    if light.error is not None:
        return light.error
    record = graded.record()
    if light.passed:
        return _label(record.behaviour)
    lost = sorted((r for r in record.rules if not r.passed), key=lambda r: -(r.max_points - r.points))
    parts = []
    if lost:
        parts.append("missed " + ", ".join(r.id for r in lost))
    if record.roadblocks:
        parts.append("roadblock " + ", ".join(dict.fromkeys(r.kind for r in record.roadblocks)))
    see = explain_name(graded)
    text = "; ".join(parts) or _label(record.behaviour)
    return text + (f" (see: empathy-coach explain {see})" if see else "")


class LinesWriter:
    """`file:line: id score PASS|FAIL reason`, one line per answer as it is graded, then a short
    summary: what reads in an 80-column CI log and greps well."""

    def __init__(self, sink: BinaryIO) -> None:
        self.sink = sink

    def _line(self, text: str) -> None:
        self.sink.write(text.encode("utf-8", "replace") + b"\n")

    def record(self, graded: GradedRecord) -> None:
        from empathy_coach.literal import printable

        light = graded.light
        verdict = "ERROR" if light.error is not None else ("PASS" if light.passed else "FAIL")
        score = "-" if light.score is None else f"{light.score:.0f}"
        ident = light.id or f"line-{light.line}"
        self._line(printable(f"{graded.file}:{light.line}: {ident} {score} {verdict} {answer_reason(graded)}"))

    def finish(self, summary: GradeSummary) -> None:
        from empathy_coach.literal import printable

        self._line("")
        self._line("Summary")
        for g in summary.groups:
            verdict = "meets" if g.met_threshold else "BELOW"
            mean = "" if g.mean_score is None else f", mean {_number(g.mean_score)}"
            self._line(printable(f"{g.name}: {group_sentence(g, summary.min_pass_rate)}{mean}: {verdict}"))
        self._line(overall_sentence(summary))
        self.sink.flush()


# ---------------------------------------------------------------- table


MAX_TEXT_ROWS = 500


class TextWriter:
    """A rich table of the answers (all of them when few, else those that did not pass) and a summary."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.rows: list[tuple[str, ...]] = []
        self.all_rows: list[tuple[str, ...]] | None = []
        self.omitted = 0

    def record(self, graded: GradedRecord) -> None:
        from empathy_coach.literal import printable

        light = graded.light
        failing = not light.passed
        if not failing and self.all_rows is None:
            return
        status = "error" if light.error is not None else ("pass" if light.passed else "FAIL")
        note = verdict_line(graded) if failing else ""
        row = (
            printable(light.student or graded.file),
            printable(light.id or f"line {light.line}"),
            _number(light.score),
            status,
            _label(light.behaviour),
            printable(note),
        )
        if self.all_rows is not None:
            self.all_rows.append(row)
            if len(self.all_rows) > MAX_TEXT_ROWS:
                self.all_rows = None  # too many to show all: keep only those that did not pass
        if failing:
            if len(self.rows) < MAX_TEXT_ROWS:
                self.rows.append(row)
            else:
                self.omitted += 1

    def finish(self, summary: GradeSummary) -> None:
        from rich.table import Table
        from rich.text import Text

        from empathy_coach.literal import printable

        shown = self.all_rows if self.all_rows is not None else self.rows
        if shown:
            title = "Answers" if self.all_rows is not None else "Answers that did not pass"
            table = Table(title=title, title_justify="left")
            columns: tuple[tuple[str, Literal["left", "right"]], ...] = (
                ("student / file", "left"), ("id", "left"), ("score", "right"), ("result", "left"), ("behaviour", "left"), ("why", "left"))
            for column, justify in columns:
                table.add_column(column, justify=justify, overflow="fold")
            for row in shown:
                style = {"pass": "green", "FAIL": "red", "error": "magenta"}[row[3]]
                table.add_row(*(Text(c) for c in row[:3]), Text(row[3], style=style), *(Text(c) for c in row[4:]))
            self.console.print(table)
            if self.omitted:
                self.console.print(Text(f"... and {self.omitted} more (use --format json for all of them)", style="dim"))
        table = Table(title="Summary", title_justify="left")
        # n answers, pass(ed), err(ors): short headers so the table fits 80 columns
        for column in ("student / file", "n", "pass", "err", "mean", "pass %", "R:Q", "% CR", "verdict"):
            if column == "student / file":
                table.add_column(column, overflow="fold", min_width=14)
            else:
                table.add_column(column, justify="left" if column == "verdict" else "right", no_wrap=True)
        for g in summary.groups + [summary.overall]:
            verdict = Text("meets", style="green") if g.met_threshold else Text("below", style="red")
            table.add_row(
                Text(printable(g.name), style="bold" if g is summary.overall else ""),
                str(g.records),
                str(g.passed),
                str(g.errors),
                _number(g.mean_score),
                _number(g.pass_rate, "%"),
                _rq(g.metrics),
                _number(g.metrics.percent_complex, "%"),
                verdict,
            )
        self.console.print(table)
        self.console.print(Text(overall_sentence(summary)))


def _rq(metrics) -> str:
    if metrics.rq_ratio is None:
        return "no Q" if metrics.reflections else "n/a"
    return f"{metrics.rq_ratio:g}"


def overall_sentence(summary: GradeSummary) -> str:
    o = summary.overall
    parts = [f"{o.records} answers from {len(summary.groups)} {'group' if len(summary.groups) == 1 else 'groups'}: {o.passed} passed, {o.failed} "
             "below the pass mark"]
    if o.errors:
        parts.append(f"{o.errors} could not be graded")
    below = [g for g in summary.groups if not g.met_threshold]
    verdict = f"{len(below)} below the {summary.min_pass_rate:g}% pass rate" if below else f"all at or above the {summary.min_pass_rate:g}% pass rate"
    return ", ".join(parts) + f"; {verdict}."


def make_writer(fmt: str, sink: BinaryIO, console: Console | None = None) -> Writer:
    """The writer for a `--format` name; `text` writes through a rich console."""
    if fmt == "table":
        assert console is not None, "the table format writes through a rich console"
        return TextWriter(console)
    return WRITERS[fmt](sink)


#: Every `--format` of `grade` and its writer (the CLI's GradeFormat lists the same names).
WRITERS: dict[str, type] = {
    "text": LinesWriter,
    "table": TextWriter,
    "json": JsonWriter,
    "jsonl": JsonlWriter,
    "junit": JunitWriter,
    "github": GithubWriter,
    "csv": CsvWriter,
}
