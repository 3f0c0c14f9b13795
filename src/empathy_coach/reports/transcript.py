"""A practice session as a transcript: Markdown, self-contained HTML, or JSON.

Everything a person typed (the client's words, the reply, and any scenario text) is escaped for
the format: HTML by the Jinja2 templates' autoescaping, Markdown by quoting it as a blockquote and backslash-escaping
the characters that would otherwise become markup. Nothing typed can add a heading, a link, a
table or a script to the transcript.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec
from msgspec import Struct

from empathy_coach.literal import json_safe, visible_bidi
from empathy_coach.practice.summary import SessionSummary, session_summary
from empathy_coach.scoring.result import BEHAVIOUR_LABELS, ScoreResult
from empathy_coach.store.models import AttemptRow, SessionRow, SkipRow


class Transcript(Struct, kw_only=True):
    """The JSON transcript: the session's summary, then every attempt with its full result."""

    session: SessionSummary
    attempts: list[AttemptRow]
    skipped: list[SkipRow] = []


class TranscriptContext(Struct, kw_only=True):
    """What the store and the catalog add to a session's rows so the transcript reads back:
    the scenarios' titles and the turns skipped."""

    titles: dict[str, str] = {}
    skipped: list[SkipRow] = []


def attempt_labels(attempts: Sequence[AttemptRow]) -> list[str]:
    """'' for a turn's first reply in the session, 'retry N' for the next ones."""
    seen: dict[tuple[str, str], int] = {}
    labels = []
    for attempt in attempts:
        key = (attempt.scenario_id, attempt.turn_id)
        seen[key] = seen.get(key, 0) + 1
        labels.append("" if seen[key] == 1 else f"retry {seen[key] - 1}")
    return labels


def flag_text(attempt: AttemptRow) -> str:
    """The student's dispute of the score, in words ('' when not flagged)."""
    if attempt.flag is None:
        return ""
    return f"flagged by the student: {attempt.flag}" if attempt.flag else "flagged by the student (no note)"


def _heading(attempt: AttemptRow, titles: dict[str, str], label: str) -> str:
    title = titles.get(attempt.scenario_id)
    scenario = f"{title} ({attempt.scenario_id})" if title else attempt.scenario_id
    return f"{scenario} / {attempt.turn_id} ({attempt.skill.replace('_', ' ')})" + (f", {label}" if label else "")


def behaviour_label(result: ScoreResult) -> str:
    return BEHAVIOUR_LABELS.get(result.behaviour, result.behaviour_label or result.behaviour)


def _verdict(result: ScoreResult) -> str:
    return f"{result.score:.0f}/100, {'passed' if result.passed else 'not passed yet'} (pass at {result.pass_score:.0f})"


def _ratio(summary: SessionSummary) -> str:
    m = summary.metrics
    if m.rq_ratio is None:
        return ("reflections only" if m.reflections else "n/a") + f" ({m.rq_band})"
    return f"{m.rq_ratio:.1f} ({m.rq_band})"


def _percent(summary: SessionSummary) -> str:
    m = summary.metrics
    return ("n/a" if m.percent_complex is None else f"{m.percent_complex:.0f}%") + f" ({m.percent_complex_band})"


def _summary_lines(summary: SessionSummary) -> list[tuple[str, str]]:
    mean = "-" if summary.mean_score is None else f"{summary.mean_score:.0f}"
    return [
        ("Started", summary.started_at),
        ("Ended", summary.ended_at or "not finished"),
        ("Mode", summary.mode),
        ("Banks", ", ".join(summary.banks) or "-"),
        ("Replies", f"{summary.replies}, {summary.passed} passed, mean score {mean}"),
        ("Reflection-to-question ratio", _ratio(summary)),
        ("Complex reflections", _percent(summary)),
    ]


# -- JSON ----------------------------------------------------------------------------------------


def transcript_json(session: SessionRow, attempts: Sequence[AttemptRow], context: TranscriptContext | None = None) -> str:
    doc = Transcript(session=session_summary(session, attempts), attempts=list(attempts), skipped=list(context.skipped) if context else [])
    return json_safe(msgspec.json.format(msgspec.json.encode(doc), indent=2)).decode() + "\n"


# -- Markdown ------------------------------------------------------------------------------------

# Characters that can start markup anywhere in a line (emphasis, code, links, HTML, entities,
# GFM tables and strikethrough); `(`, `)` and `!` are harmless once `[` and `]` are escaped.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>#|~&])")
# What can start a block at the beginning of a line once the above is escaped.
_MD_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def md_inline(text: str) -> str:
    """One line of Markdown that shows `text` literally (newlines become spaces)."""
    text = visible_bidi(_CONTROL.sub(" ", text).replace("\r", " ").replace("\n", " "))
    return _MD_INLINE.sub(r"\\\1", text)


def md_quote(text: str) -> str:
    """`text` as a Markdown blockquote, every line literal: no heading, list, rule or code block."""
    lines = []
    for raw in visible_bidi(_CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))).split("\n"):
        line = _MD_INLINE.sub(r"\\\1", raw.strip())
        line = _MD_LINE_START.sub(lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit() else "\\" + m.group(1), line, count=1)
        lines.append(f"> {line}".rstrip())
    return "\n".join(lines)


def transcript_markdown(session: SessionRow, attempts: Sequence[AttemptRow], context: TranscriptContext | None = None) -> str:
    context = context or TranscriptContext()
    labels = attempt_labels(attempts)
    summary = session_summary(session, attempts)
    out = [f"# Practice session {session.id}", ""]
    out += [f"- **{label}:** {md_inline(value)}" for label, value in _summary_lines(summary)]
    out.append("")
    if not attempts:
        out += ["No replies were recorded in this session.", ""]
    for number, attempt in enumerate(attempts, 1):
        result = attempt.result
        out += [
            f"## {number}. {md_inline(_heading(attempt, context.titles, labels[number - 1]))}",
            "",
            "**Client:**",
            "",
            md_quote(attempt.client),
            "",
            "**Reply:**",
            "",
            md_quote(attempt.reply),
            "",
            f"**Score:** {_verdict(result)}. **Behaviour:** {md_inline(behaviour_label(result))}."
            + (f" **Hints used:** {attempt.hints_used}." if attempt.hints_used else ""),
            "",
        ]
        if attempt.flag is not None:
            out += [f"**Disputed:** {md_inline(flag_text(attempt))}", ""]
        if result.roadblocks:
            found = ", ".join(f"{md_inline(f.kind)} (“{md_inline(f.text)}”)" for f in result.roadblocks)
            out += [f"**Roadblocks:** {found}", ""]
        for rule in result.rules:
            mark = "✓ passed" if rule.passed else "✗ missed"
            out.append(f"- {mark} **{md_inline(rule.id)}**: {md_inline(rule.message)}")
        if result.rules:
            out.append("")
        if result.tips:
            out += ["**Tips:**", ""]
            out += [f"{n}. {md_inline(tip)}" for n, tip in enumerate(result.tips, 1)]
            out.append("")
    if context.skipped:
        out += ["## Skipped", ""]
        out += [f"- {md_inline(_skip_name(skip, context.titles))}" for skip in context.skipped]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _skip_name(skip: SkipRow, titles: dict[str, str]) -> str:
    title = titles.get(skip.scenario_id)
    return (f"{title} ({skip.scenario_id})" if title else skip.scenario_id) + f" / {skip.turn_id}"


# -- HTML ----------------------------------------------------------------------------------------
# Built with the Jinja2 templates in reports/templates (autoescaping: see reports.templating).


def highlighted_html(reply: str, result: ScoreResult) -> str:
    """The reply, escaped, with each rule's evidence marked by what it did for the score:
    `ok` where the words earned points, `miss` where they cost points, `both` where they did both
    (see reports.evidence)."""
    from empathy_coach.reports.evidence import segments
    from empathy_coach.reports.templating import environment

    macros = environment().get_template("_macros.html.j2").module
    return str(macros.evidence(segments(reply, result.rules, result.roadblocks), reasons=False))


def transcript_html(session: SessionRow, attempts: Sequence[AttemptRow], context: TranscriptContext | None = None) -> str:
    from empathy_coach.reports.evidence import segments
    from empathy_coach.reports.templating import asset, render

    context = context or TranscriptContext()
    labels = attempt_labels(attempts)
    summary = session_summary(session, attempts)
    items = [
        {
            "heading": _heading(attempt, context.titles, label),
            "flag": flag_text(attempt),
            "attempt": attempt,
            "result": attempt.result,
            "segments": segments(attempt.reply, attempt.result.rules, attempt.result.roadblocks),
            "verdict": _verdict(attempt.result),
            "behaviour": behaviour_label(attempt.result),
        }
        for attempt, label in zip(attempts, labels, strict=False)
    ]
    return render(
        "transcript.html.j2",
        title=f"Practice session {session.id}",
        css=asset("transcript.css").strip(),
        summary_lines=_summary_lines(summary),
        attempts=items,
        skipped=[_skip_name(skip, context.titles) for skip in context.skipped],
    )


RENDERERS = {"md": transcript_markdown, "html": transcript_html, "json": transcript_json}
