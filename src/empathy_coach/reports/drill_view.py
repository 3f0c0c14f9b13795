"""How a drill looks: a rich layout for a terminal, or linear plain text for screen readers and pipes.

Both views take the events of practice/session.py and print them; neither reads input. Anything
a person wrote (the client's words, the setting, replies, hints, exemplars) is shown literally:
`printable()` makes control characters visible and rich `Text` keeps `[bold]` as typed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from empathy_coach.literal import printable
from empathy_coach.practice import session as s

if TYPE_CHECKING:
    from rich.console import Console

    from empathy_coach.scoring.metrics import BehaviourMetrics

SUBMIT_HELP = "Type your reply and press Enter to submit it. To write more than one line, end a line with \\ and go on."
PROMPT = "you> "
CONTINUE_PROMPT = "...> "
ENDINGS = {
    "done": "That is all for today's practice.",
    "quit": "Drill ended.",
    "eof": "End of input.",
    "interrupt": "Interrupted.",
}
REASONS = {"due": "due for review", "new": "new", "review": "review", "chosen": ""}


def clean(text: str) -> str:
    """Scenario or user text for display: literal, folded YAML whitespace trimmed."""
    return printable(text.strip())


def commands_line() -> str:
    return "Commands: " + ", ".join(f"/{name}" for name in s.COMMANDS) + " (/help says what each does)."


def commands_bar() -> str:
    """The key bar shown again above every prompt, as rustlings redraws its own."""
    return "  ".join(f"/{name}" for name in s.COMMANDS)


def client_title(e: s.ClientTurn) -> str:
    label = "Client"
    if e.returning:
        label += " (a turn you skipped, back again)"
    elif e.again:
        label += " (again)"
    return f"{label} · {s.where_label(e)}"


# A MITI band from fewer replies than this says more about chance than about the student.
MIN_REPLIES_FOR_BAND = 5


def _signed(value: float, unit: str = "") -> str:
    if value == 0:
        return "no change"
    return f"{'up' if value > 0 else 'down'} {abs(value):g}{unit}"


def _label(code: str) -> str:
    from empathy_coach.scoring.result import BEHAVIOUR_LABELS

    return BEHAVIOUR_LABELS.get(code, code.replace("_", " "))


def summary_title(summary: s.Summary) -> str:
    return f"Session summary. {ENDINGS.get(summary.reason, '')}".rstrip()


def summary_rows(summary: s.Summary) -> list[tuple[str, str]]:
    """The session summary as (label, sentence) rows; the plain view prints "label: sentence"."""
    metrics = summary.metrics
    scenarios = f"Scenarios finished: {summary.scenarios_finished} of {summary.scenarios_planned}."
    if summary.replies == 0:
        rows = [("Replies scored", f"none in this session. {scenarios}")]
        if summary.skipped:
            rows.append(("Turns skipped", f"{summary.skipped}."))
        return rows
    mean = f"{summary.mean_score:g} out of 100"
    change = summary.mean_change
    if change is not None:
        mean += f" ({_signed(change, ' points')} on the previous session's {summary.previous.mean_score:g})"
    elif summary.previous is None:
        mean += " (your first session)"
    behaviours = ", ".join(f"{_label(code)}: {n}" for code, n in sorted(metrics.behaviours.items(), key=lambda kv: -kv[1]))
    enough = summary.replies >= MIN_REPLIES_FOR_BAND
    return [
        ("Replies scored", f"{summary.replies} ({summary.passed} passed). Turns skipped: {summary.skipped}. {scenarios}"),
        *_saved_rows(summary),
        ("Mean score", mean + "."),
        ("Replies by what they did", behaviours + " (each reply counted once, by the act the client answers)."),
        ("Reflection-to-question ratio", rq_line(metrics, summary.rq_change, enough=enough)),
        ("Complex reflections", complex_line(metrics, summary.percent_complex_change, enough=enough)),
    ]


def _saved_rows(summary: s.Summary) -> list[tuple[str, str]]:
    """What is in the progress database, told truthfully when a save failed."""
    if summary.saved is None or not summary.unsaved:
        return []
    if summary.journal_error:
        where = f"they are NOT kept: the journal could not be written either ({summary.journal_error})"
    else:
        where = "they are kept in the journal beside the database and will be saved at the next start"
    return [("Replies saved", f"{summary.saved} of {summary.replies}; {summary.unsaved} could not be saved yet: {where}.")]


def summary_lines(summary: s.Summary) -> list[str]:
    return [summary_title(summary)] + [f"{label}: {text}" for label, text in summary_rows(summary)]


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _band_text(band: str, replies: int, enough: bool) -> str:
    if enough:
        return f"MITI band: {band}"
    return f"MITI band given from {MIN_REPLIES_FOR_BAND} replies (this session: {replies})"


def rq_line(metrics: BehaviourMetrics, change: float | None, *, enough: bool = True) -> str:
    if metrics.rq_ratio is None:
        figure = f"{_count(metrics.reflections, 'reflection act')} and no questions" if metrics.reflections else "no reflections or questions yet"
    else:
        figure = f"{metrics.rq_ratio:g} to 1 ({_count(metrics.reflections, 'reflection act')}, {_count(metrics.questions, 'question act')})"
    text = f"{figure}; {_band_text(metrics.rq_band, metrics.replies, enough)} (fair at 1 to 1, good at 2 to 1)"
    if change is not None:
        text += f"; {_signed(change)} on the previous session"
    return text + "."


def complex_line(metrics: BehaviourMetrics, change: float | None, *, enough: bool = True) -> str:
    if metrics.percent_complex is None:
        figure = "no reflections yet"
    else:
        counted = _count(metrics.reflections, "reflection act")
        figure = f"{metrics.percent_complex:g}% ({metrics.complex_reflections} of {counted}, counted over acts as MITI does)"
    text = f"{figure}; {_band_text(metrics.percent_complex_band, metrics.replies, enough)} (fair at 40%, good at 50%)"
    if change is not None:
        text += f"; {_signed(change, ' points')} on the previous session"
    return text + "."


# ---------------------------------------------------------------- plain


class PlainView:
    """Linear text, one idea per line: no boxes, no bars, labels in words. For NO_COLOR, pipes, screen readers."""

    def __init__(self, out: IO[str] | None = None, *, prompts: bool = True, verbose: bool = False) -> None:
        self.out = out or sys.stdout
        self.prompts = prompts  # False when replies are piped in: no prompt noise in the transcript
        self.verbose = verbose
        self.seen_tips: set[str] = set()  # a tip is given once, not turn after turn
        self.told_commands = False
        self.told_after_reply = False

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def notice(self, text: str) -> None:
        self.line(f"Note: {printable(text)}")

    def prompt(self, continuing: bool = False) -> str:
        if not self.prompts:
            return ""
        if continuing:
            return CONTINUE_PROMPT
        self.bar()
        return PROMPT

    def bar(self) -> None:
        self.line(commands_bar())

    def interrupted(self) -> None:
        self.line()

    def show(self, events: Iterable[Any]) -> None:
        for event in events:
            self.event(event)

    def event(self, e: Any) -> None:
        if isinstance(e, s.ScenarioStarted):
            scenario = e.ref.scenario
            why = REASONS.get(e.reason, "")
            self.line()
            self.line(f"Scenario {e.number} of {e.total}: {clean(scenario.title)} ({scenario.difficulty}{', ' + why if why else ''}).")
            if e.ref.bank.notice:
                self.line(f"Please note: {clean(e.ref.bank.notice)}")
            if scenario.setting:
                self.line(f"Setting: {clean(scenario.setting)}")
        elif isinstance(e, s.ClientTurn):
            self.line()
            self.line(f"{s.where_label(e)}.")
            suffix = " (a turn you skipped, back again)" if e.returning else " (again)" if e.again else ""
            self.line(f"Client{suffix}: {clean(e.turn.client)}")
            if e.turn.nonverbal:
                self.line(f"Non-verbal cue: {clean(e.turn.nonverbal)}.")
            if not self.told_commands:
                self.told_commands = True
                self.line(SUBMIT_HELP)
                self.line(commands_line())
        elif isinstance(e, s.Scored):
            from empathy_coach.reports.feedback import plain_feedback

            self.line()
            if e.attempt > 1:
                self.line(f"Attempt {e.attempt} on this turn.")
            self.line(plain_feedback(e.reply, e.result, verbose=self.verbose, seen_tips=self.seen_tips))
            if not self.told_after_reply:
                self.told_after_reply = True
                self.line("Now /example shows a model reply for that turn, and /retry lets you answer it again.")
        elif isinstance(e, s.WhyShown):
            from empathy_coach.reports.feedback import plain_feedback

            self.line("Every rule of your last reply:")
            self.line(plain_feedback(e.reply, e.result, verbose=True))
        elif isinstance(e, s.NothingToExplain):
            self.line("Nothing to explain yet: reply first, then /why shows every rule of that reply.")
        elif isinstance(e, s.Flagged):
            note = f" with your note: {clean(e.note)}" if e.note else ""
            if e.saved:
                self.line(f"Flagged: the score of {e.score:.0f} is saved as disputed{note}. Your instructor sees it in `empathy-coach progress --flags`.")
            else:
                self.line(f"Flagged for this session only{note}: there is no progress database to keep it in.")
        elif isinstance(e, s.NothingToFlag):
            self.line("Nothing to flag yet: reply first, then /flag [note] marks that score as one you disagree with.")
        elif isinstance(e, s.NoMoreHints):
            many = "its only hint" if e.total == 1 else f"all {e.total} of its hints"
            self.line(f"No hints left: this turn has shown {many}. Reply, then /example shows a model reply.")
        elif isinstance(e, s.SaveFailed):
            self.line(f"Warning: {printable(e.message)}")
        elif isinstance(e, s.HintShown):
            label = "Hint" if e.generic else f"Hint {e.number} of {e.total}"
            self.line(f"{label}: {clean(e.text)}")
        elif isinstance(e, s.ExampleShown):
            whose = " for the turn you just answered" if e.previous_turn else ""
            self.line(f"Model reply {e.number} of {e.total}{whose} ({_label(e.exemplar.behaviour)}): {clean(e.exemplar.reply)}")
            if e.exemplar.note:
                self.line(f"Why: {clean(e.exemplar.note)}")
        elif isinstance(e, s.ExampleLocked):
            self.line("Try the turn first: /example shows a model reply once you have replied. /hint can help now.")
        elif isinstance(e, s.NoExample):
            self.line("This turn has no model reply.")
        elif isinstance(e, s.Retrying):
            where = f" in '{clean(e.ref.scenario.title)}'" if e.other_scenario else ""
            self.line(f"Again: answer this turn{where} once more.")
        elif isinstance(e, s.NothingToRetry):
            self.line("Nothing to retry yet: reply first, then /retry answers that turn again.")
        elif isinstance(e, s.Skipped):
            self.line("Skipped: it comes back before this drill ends." if e.comes_back else "Skipped again: it stays skipped for now.")
        elif isinstance(e, s.HelpShown):
            self.line(SUBMIT_HELP)
            for name, what in e.commands.items():
                self.line(f"/{name}: {what}")
        elif isinstance(e, s.UnknownCommand):
            maybe = f" Did you mean /{e.suggestion}?" if e.suggestion else ""
            self.line(f"There is no /{printable(e.word)} command.{maybe} Type /help for the list; nothing was lost.")
        elif isinstance(e, s.EmptyReply):
            self.line("Nothing to submit yet: type your reply, then press Enter.")
        elif isinstance(e, s.ScenarioFinished):
            mean = f", mean score {e.mean_score:g}" if e.mean_score is not None else ""
            self.line()
            self.line(f"End of scenario '{clean(e.ref.scenario.title)}': {e.replies} replies scored{mean}.")
        elif isinstance(e, s.Finished):
            self.line()
            for text in summary_lines(e.summary):
                self.line(text)


# ---------------------------------------------------------------- rich


class RichView(PlainView):
    """The terminal layout: scenario header, the client in a panel (non-verbal cue apart, in italics),
    feedback with a score bar and highlighted words, a summary table."""

    def __init__(self, console: Console, *, verbose: bool = False) -> None:
        super().__init__(console.file, verbose=verbose)
        self.console = console

    def bar(self) -> None:
        from rich.text import Text

        self.console.print(Text(commands_bar(), style="dim"))

    def notice(self, text: str) -> None:
        from rich.text import Text

        self.console.print(Text(f"Note: {printable(text)}", style="yellow"))

    def interrupted(self) -> None:
        self.console.print()

    def event(self, e: Any) -> None:
        from rich.text import Text

        print_ = self.console.print
        if isinstance(e, s.ScenarioStarted):
            from rich.rule import Rule

            scenario = e.ref.scenario
            why = REASONS.get(e.reason, "")
            print_()
            print_(Rule(Text(f"Scenario {e.number} of {e.total}: {clean(scenario.title)}", style="bold"), align="left"))
            meta = ", ".join(x for x in (scenario.difficulty, why, ", ".join(scenario.tags)) if x)
            print_(Text(meta, style="dim"))
            if e.ref.bank.notice:
                from rich.panel import Panel

                print_(Panel(Text(clean(e.ref.bank.notice)), title="Please note", title_align="left", border_style="yellow"))
            if scenario.setting:
                print_(Text(clean(scenario.setting), style="italic"))
        elif isinstance(e, s.ClientTurn):
            from rich.console import Group
            from rich.panel import Panel

            parts: list = [Text(clean(e.turn.client))]
            if e.turn.nonverbal:
                parts.append(Text(f"({clean(e.turn.nonverbal)})", style="italic dim"))
            title = Text(client_title(e), style="bold cyan")
            print_()
            print_(Panel(Group(*parts), title=title, title_align="left", border_style="cyan", expand=False))
            if not self.told_commands:
                self.told_commands = True
                print_(Text(SUBMIT_HELP + " The commands below come back above every prompt; /help says what each does.", style="dim"))
        elif isinstance(e, s.Scored):
            from rich.panel import Panel

            from empathy_coach.reports.feedback import render_feedback

            heading = f"Feedback, attempt {e.attempt}" if e.attempt > 1 else "Feedback"
            style = "green" if e.result.passed else "red"
            print_(Panel(render_feedback(e.reply, e.result, verbose=self.verbose, seen_tips=self.seen_tips), title=heading, title_align="left",
                         border_style=style))
            if not self.told_after_reply:
                self.told_after_reply = True
                print_(Text("Now /example shows a model reply for that turn, and /retry lets you answer it again.", style="dim"))
        elif isinstance(e, s.WhyShown):
            from rich.panel import Panel

            from empathy_coach.reports.feedback import render_feedback

            print_(Panel(render_feedback(e.reply, e.result, verbose=True), title="Every rule of your last reply", title_align="left", border_style="blue"))
        elif isinstance(e, s.HintShown):
            label = "Hint: " if e.generic else f"Hint {e.number} of {e.total}: "
            print_(Text.assemble((label, "bold yellow"), clean(e.text)))
        elif isinstance(e, s.ExampleShown):
            whose = " for the turn you just answered" if e.previous_turn else ""
            print_(Text.assemble((f"Model reply {e.number} of {e.total}{whose} ", "bold green"), (f"({_label(e.exemplar.behaviour)}): ", "dim"),
                                 clean(e.exemplar.reply)))
            if e.exemplar.note:
                print_(Text(clean(e.exemplar.note), style="dim italic"))
        elif isinstance(e, (s.SaveFailed, s.UnknownCommand, s.EmptyReply, s.ExampleLocked, s.NothingToRetry, s.NoExample,
                            s.NoMoreHints, s.NothingToExplain, s.NothingToFlag)):
            self._as_plain(e, "yellow")
        elif isinstance(e, s.ScenarioFinished):
            mean = f", mean score {e.mean_score:g}" if e.mean_score is not None else ""
            print_(Text(f"End of scenario '{clean(e.ref.scenario.title)}': {e.replies} replies scored{mean}.", style="bold"))
        elif isinstance(e, s.Finished):
            self._summary(e.summary)
        else:
            self._as_plain(e, "")

    def _as_plain(self, e: Any, style: str) -> None:
        import io

        from rich.text import Text

        buffer = io.StringIO()
        PlainView(buffer).event(e)
        for text in buffer.getvalue().splitlines():
            self.console.print(Text(text, style=style))

    def _summary(self, summary: s.Summary) -> None:
        from rich.panel import Panel
        from rich.table import Table
        from rich.text import Text

        from empathy_coach.reports.feedback import score_bar

        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        band_style = {"good": "green", "fair": "yellow", "below fair": "red"}
        metrics = summary.metrics
        for label, text in summary_rows(summary):
            cell = Text(text)
            if label == "Mean score":
                cell = Text.assemble((score_bar(summary.mean_score or 0) + " ", "cyan"), text)
            elif label == "Reflection-to-question ratio":
                cell.stylize(band_style.get(metrics.rq_band, ""))
            elif label == "Complex reflections":
                cell.stylize(band_style.get(metrics.percent_complex_band, ""))
            table.add_row(label, cell)
        self.console.print()
        self.console.print(Panel(table, title=Text(summary_title(summary), style="bold"), title_align="left", border_style="blue"))
