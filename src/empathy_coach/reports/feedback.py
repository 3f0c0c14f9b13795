"""Feedback on one scored reply, for a terminal (rich) or for plain, linear text.

The reply is always shown literally: it becomes a `rich.text.Text` with styles added by span,
never markup, so `[bold]` or an escape code in a reply is printed as typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from empathy_coach.literal import printable  # noqa: F401  (re-exported: reports use it from here)
from empathy_coach.scoring.result import ScoreResult

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

PASSED_STYLE = "bold green"
FAILED_STYLE = "bold red underline"


def highlighted_reply(reply: str, result: ScoreResult) -> Text:
    """The reply with each rule's evidence coloured: green where it earned, red where it lost."""
    from rich.text import Text

    text = Text(printable(reply)) if printable(reply) == reply else None
    if text is None:
        # Escaping changed lengths: highlight nothing rather than at the wrong place.
        return Text(printable(reply))
    for rule in result.rules:
        style = PASSED_STYLE if rule.passed else FAILED_STYLE
        for span in rule.spans:
            text.stylize(style, span.start, span.end)
    for finding in result.roadblocks:
        text.stylize(FAILED_STYLE, finding.start, finding.end)
    return text


def score_bar(score: float, width: int = 20) -> str:
    filled = int(round(score / 100 * width))
    return "█" * filled + "░" * (width - filled)


def render_feedback(reply: str, result: ScoreResult) -> RenderableType:
    """A rich renderable: score bar, behaviour, the highlighted reply, rule by rule, tips."""
    from rich.console import Group
    from rich.text import Text

    verdict_style = "green" if result.passed else "red"
    verdict = "PASS" if result.passed else "NOT YET"
    parts: list = [
        Text.assemble(
            (f"{score_bar(result.score)} ", verdict_style),
            (f"{result.score:.0f}/100 ", "bold"),
            (verdict, f"bold {verdict_style}"),
            (f"  (pass at {result.pass_score:.0f})", "dim"),
        ),
        Text.assemble(("Behaviour: ", "bold"), result.behaviour_label, (f"  ({'; '.join(result.features[:2])})" if result.features else "", "dim")),
        Text.assemble(("Your reply: ", "bold"), highlighted_reply(reply, result)),
    ]
    for rule in result.rules:
        mark, style = ("✓", "green") if rule.passed else ("✗", "red")
        parts.append(Text.assemble((f" {mark} ", style), (rule.id, "bold"), " ", printable(rule.message)))
    if result.roadblocks:
        names = ", ".join(dict.fromkeys(f.kind for f in result.roadblocks))
        parts.append(Text.assemble(("Roadblocks: ", "bold red"), names))
    if result.tips:
        parts.append(Text("Tips:", style="bold yellow"))
        for number, tip in enumerate(result.tips, 1):
            parts.append(Text(f" {number}. {printable(tip)}"))
    return Group(*parts)


def plain_feedback(reply: str, result: ScoreResult) -> str:
    """Linear, screen-reader-friendly feedback: no colour, no bars, one idea per line."""
    lines = [
        f"Score: {result.score:.0f} out of 100, {'passed' if result.passed else 'not passed yet'} (pass at {result.pass_score:.0f}).",
        f"Behaviour: {result.behaviour_label}.",
        f"Your reply: {printable(reply)}",
    ]
    for rule in result.rules:
        evidence = "; ".join(f'"{printable(s.text)}"' for s in rule.spans[:3])
        line = f"{'Passed' if rule.passed else 'Missed'}: {rule.id}: {printable(rule.message)}"
        if evidence:
            line += f" Words: {evidence}."
        lines.append(line)
    if result.roadblocks:
        lines.append("Roadblocks: " + ", ".join(f'{f.kind} ("{printable(f.text)}")' for f in result.roadblocks) + ".")
    for number, tip in enumerate(result.tips, 1):
        lines.append(f"Tip {number}: {printable(tip)}")
    return "\n".join(lines)
