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
BOTH_STYLE = "bold yellow underline"


def highlighted_reply(reply: str, result: ScoreResult) -> Text:
    """The reply with each rule's evidence coloured by what it did for the score (reports.evidence):
    green where the words earned points, red where they cost points, yellow where they did both."""
    from rich.text import Text

    text = Text(printable(reply)) if printable(reply) == reply else None
    if text is None:
        # Escaping changed lengths: highlight nothing rather than at the wrong place.
        return Text(printable(reply))
    from empathy_coach.reports.evidence import segments

    styles = {"credit": PASSED_STYLE, "cost": FAILED_STYLE, "both": BOTH_STYLE}
    position = 0
    for segment in segments(reply, result.rules, result.roadblocks):
        if segment.effect is not None:
            text.stylize(styles[segment.effect], position, position + len(segment.text))
        position += len(segment.text)
    return text


def score_bar(score: float, width: int = 20) -> str:
    filled = int(round(score / 100 * width))
    return "█" * filled + "░" * (width - filled)


def missed(result: ScoreResult) -> list:
    """The rules that cost points, biggest loss first: what compact feedback is about."""
    lost = [r for r in result.rules if not r.passed]
    return sorted(lost, key=lambda r: -(r.max_points - r.points))


def next_tip(result: ScoreResult, seen: set[str] | None = None) -> str | None:
    """The most valuable tip not shown already (tips come ordered by how much they would raise the score)."""
    for tip in result.tips:
        if seen is None or tip not in seen:
            return tip
    return None


def points(rule) -> str:
    """The rule's weighted points as stored in the result (and in JSON), never a count of its own."""
    return f"{rule.points:g} of {rule.max_points:g} points"


def evidence(spans, limit: int = 3) -> str:
    return "; ".join(f'"{printable(s.text)}"' for s in spans[:limit])


def render_feedback(reply: str, result: ScoreResult, *, verbose: bool = True, seen_tips: set[str] | None = None) -> RenderableType:
    """A rich renderable. Verbose: the highlighted reply, every rule, every tip. Compact: the score,
    the behaviour, the rules missed with their words, and the one most valuable tip not yet shown."""
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
    ]
    if result.rung_label:
        parts.insert(2, Text.assemble(("On the ladder: ", "bold"), result.rung_label))
    if verbose:
        parts.append(Text.assemble(("Your reply: ", "bold"), highlighted_reply(reply, result)))
        for rule in result.rules:
            mark, style = ("✓", "green") if rule.passed else ("✗", "red")
            words = evidence(rule.spans)
            parts.append(Text.assemble((f" {mark} ", style), (rule.id, "bold"), (f" ({points(rule)}) ", "dim"), printable(rule.message), (f"  {words}" if words else "", "dim")))
    else:
        lost = missed(result)
        for rule in lost:
            words = evidence(rule.spans)
            parts.append(Text.assemble((" ✗ ", "red"), (rule.id, "bold"), (f" ({points(rule)}) ", "dim"), printable(rule.message), (f"  {words}" if words else "", "dim")))
        if not lost:
            parts.append(Text(f" Every rule passed ({len(result.rules)}).", style="green"))
    if result.roadblocks:
        names = ", ".join(f'{f.kind} ("{printable(f.text)}")' for f in result.roadblocks)
        parts.append(Text.assemble(("Roadblocks: ", "bold red"), names))
        parts.append(Text(f"  see: empathy-coach explain {result.roadblocks[0].kind}", style="dim"))
    if verbose:
        if result.tips:
            parts.append(Text("Tips:", style="bold yellow"))
            for number, tip in enumerate(result.tips, 1):
                parts.append(Text(f" {number}. {printable(tip)}"))
    else:
        tip = next_tip(result, seen_tips)
        if tip is not None:
            parts.append(Text.assemble(("Tip: ", "bold yellow"), printable(tip)))
            if seen_tips is not None:
                seen_tips.add(tip)
    return Group(*parts)


def plain_feedback(reply: str, result: ScoreResult, *, verbose: bool = True, seen_tips: set[str] | None = None) -> str:
    """Linear, screen-reader-friendly feedback: no colour, no bars, one idea per line (compact or verbose)."""
    lines = [
        f"Score: {result.score:.0f} out of 100, {'passed' if result.passed else 'not passed yet'} (pass at {result.pass_score:.0f}).",
        f"Behaviour: {result.behaviour_label}.",
    ]
    if result.rung_label:
        lines.insert(2, f"On the ladder: {result.rung_label}.")
    rules = result.rules if verbose else missed(result)
    if verbose:
        lines.append(f"Your reply: {printable(reply)}")
    for rule in rules:
        words = evidence(rule.spans)
        line = f"{'Passed' if rule.passed else 'Missed'}: {rule.id} ({points(rule)}): {printable(rule.message)}"
        if words:
            line += f" Words: {words}."
        lines.append(line)
    if not verbose and not rules:
        lines.append(f"Every rule passed ({len(result.rules)}).")
    if result.roadblocks:
        lines.append("Roadblocks: " + ", ".join(f'{f.kind} ("{printable(f.text)}")' for f in result.roadblocks)
                     + f". See: empathy-coach explain {result.roadblocks[0].kind}")
    if verbose:
        for number, tip in enumerate(result.tips, 1):
            lines.append(f"Tip {number}: {printable(tip)}")
    else:
        tip = next_tip(result, seen_tips)
        if tip is not None:
            lines.append(f"Tip: {printable(tip)}")
            if seen_tips is not None:
                seen_tips.add(tip)
    return "\n".join(lines)
