"""`progress` and `history` for a terminal: rich tables, user text always literal (`Text`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from empathy_coach.literal import printable
from empathy_coach.scoring.result import BEHAVIOUR_LABELS

if TYPE_CHECKING:
    from rich.console import RenderableType

    from empathy_coach.practice.summary import Mastery, ProgressSummary, SessionSummary
    from empathy_coach.scoring.metrics import BehaviourMetrics

EMPTY_MESSAGE = "No practice recorded yet. Start your first session with: empathy-coach drill"


def local_time(stamp: str | None) -> str:
    if not stamp:
        return "-"
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")


def fmt_score(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def fmt_ratio(value: float | None, reflections: int) -> str:
    if value is None:
        return "∞" if reflections else "-"
    return f"{value:.1f}"


def fmt_percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def metrics_line(metrics: BehaviourMetrics) -> str:
    """MITI summary in one sentence."""
    ratio = fmt_ratio(metrics.rq_ratio, metrics.reflections)
    parts = [
        f"{metrics.reflections} reflections, {metrics.questions} questions",
        f"R:Q {ratio} ({metrics.rq_band})",
        f"complex reflections {fmt_percent(metrics.percent_complex)} ({metrics.percent_complex_band})",
    ]
    line = "; ".join(parts) + "."
    if metrics.behaviours:
        top = sorted(metrics.behaviours.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        line += " Most often: " + ", ".join(f"{BEHAVIOUR_LABELS.get(code, code)} ({n})" for code, n in top) + "."
    return line


def _table(columns: Sequence[tuple[str, str]], title: str | None = None):
    """A borderless table with these (name, justify) columns."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for name, justify in columns:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    return table


def _mastery_table(title: str, first: str, rows: Sequence[Mastery]) -> RenderableType:
    from rich.text import Text

    table = _table(((first, "left"), ("replies", "right"), ("mean", "right"), ("recent", "right"), ("turns", "right"), ("mastered", "right")), title)
    for row in rows:
        table.add_row(
            Text(printable(row.name)),
            Text(str(row.attempts)),
            Text(fmt_score(row.mean_score)),
            Text(fmt_score(row.recent_mean_score)),
            Text(str(row.turns)),
            Text(f"{row.mastered} ({row.mastered_share * 100:.0f}%)"),
        )
    return table


def render_progress(summary: ProgressSummary) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    parts: list = [
        Text.assemble(
            ("Progress: ", "bold"),
            f"{summary.attempts} replies in {summary.sessions} sessions over {summary.days_practised} days; "
            f"mean score {fmt_score(summary.mean_score)}; {summary.passed} passed.",
        ),
    ]
    trend = summary.trend
    if trend.scores:
        label = "session means" if trend.basis == "sessions" else "recent replies"
        parts.append(
            Text.assemble(
                ("Trend ", "bold"),
                (f"({label}, oldest to newest): ", "dim"),
                (trend.sparkline, "cyan"),
                f"  {trend.scores[0]:.0f} → {trend.scores[-1]:.0f}",
            )
        )
    streak = summary.streak
    parts.append(
        Text.assemble(
            ("Streak: ", "bold"),
            f"{streak.current} day{'s' if streak.current != 1 else ''} in a row (longest {streak.longest}).",
        )
    )
    parts.append(
        Text.assemble(
            ("Turns: ", "bold"),
            f"{summary.turns} practised, {summary.mastered_turns} mastered; ",
            (f"{summary.due} due now.", "yellow" if summary.due else ""),
        )
    )
    parts.append(Text(""))
    parts.append(_mastery_table("By skill", "skill", summary.skills))
    if summary.tags:
        parts.append(Text(""))
        parts.append(_mastery_table("By tag", "tag", summary.tags))
    parts.append(Text(""))
    parts.append(Text.assemble(("Behaviour (MITI): ", "bold"), metrics_line(summary.metrics)))
    if summary.weakest is not None:
        weakest = summary.weakest
        parts.append(
            Text.assemble(
                ("Work on next: ", "bold"),
                Text(printable(weakest.skill)),
                f" (recent mean {weakest.recent_mean_score:.0f}). Try:",
            )
        )
        parts.append(Text.assemble("  ", Text(printable(weakest.command), style="bold cyan", no_wrap=True)))
    return Group(*parts)


def render_history(rows: Sequence[SessionSummary]) -> RenderableType:
    from rich.text import Text

    table = _table((("session", "right"), ("date", "left"), ("scenarios", "left"), ("replies", "right"), ("passed", "right"), ("mean", "right"),
                    ("R:Q", "right"), ("%CR", "right"), ("flags", "right")))
    for row in rows:
        table.add_row(
            Text(str(row.id)),
            Text(local_time(row.started_at), no_wrap=True),
            Text(printable(", ".join(row.scenarios)) or "-", overflow="fold"),
            Text(str(row.replies)),
            Text(str(row.passed)),
            Text(fmt_score(row.mean_score)),
            Text(fmt_ratio(row.rq_ratio, row.metrics.reflections)),
            Text(fmt_percent(row.percent_complex)),
            Text(str(row.flags) if row.flags else "-"),
        )
    return table


def render_flags(rows: Sequence) -> RenderableType:
    """Flagged attempts for an instructor: where, the score, the reply and the student's note."""
    from rich.console import Group
    from rich.text import Text

    parts: list = [Text(f"{len(rows)} flagged {'reply' if len(rows) == 1 else 'replies'} (scores the student disputes):", style="bold")]
    for row in rows:
        parts.append(Text(""))
        parts.append(Text.assemble((f"session {row.session_id}, {local_time(row.created_at)}: ", "dim"),
                                   (printable(f"{row.scenario_id} / {row.turn_id}"), "bold"),
                                   f"  score {row.score:.0f} ({'passed' if row.passed else 'not passed'})"))
        parts.append(Text(printable(f"  reply: {row.reply}")))
        parts.append(Text(printable(f"  note: {row.flag}") if row.flag else "  note: (none)", style="yellow"))
    return Group(*parts)
