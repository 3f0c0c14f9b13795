"""A practice session as a transcript: Markdown, self-contained HTML, or JSON.

Everything a person typed (the client's words, the reply, and any scenario text) is escaped for
the format: HTML through `html.escape`, Markdown by quoting it as a blockquote and backslash-escaping
the characters that would otherwise become markup. Nothing typed can add a heading, a link, a
table or a script to the transcript.
"""

from __future__ import annotations

import html
import re
from typing import Sequence

import msgspec

from empathy_coach.literal import json_safe, visible_bidi
from msgspec import Struct

from empathy_coach.scoring.result import BEHAVIOUR_LABELS, ScoreResult
from empathy_coach.store.models import AttemptRow, SessionRow
from empathy_coach.store.summary import SessionSummary, session_summary


class Transcript(Struct, kw_only=True):
    """The JSON transcript: the session's summary, then every attempt with its full result."""

    session: SessionSummary
    attempts: list[AttemptRow]


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


def transcript_json(session: SessionRow, attempts: Sequence[AttemptRow]) -> str:
    doc = Transcript(session=session_summary(session, attempts), attempts=list(attempts))
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


def transcript_markdown(session: SessionRow, attempts: Sequence[AttemptRow]) -> str:
    summary = session_summary(session, attempts)
    out = [f"# Practice session {session.id}", ""]
    out += [f"- **{label}:** {md_inline(value)}" for label, value in _summary_lines(summary)]
    out.append("")
    if not attempts:
        out += ["No replies were recorded in this session.", ""]
    for number, attempt in enumerate(attempts, 1):
        result = attempt.result
        out += [
            f"## {number}. {md_inline(attempt.scenario_id)} / {md_inline(attempt.turn_id)} ({md_inline(attempt.skill.replace('_', ' '))})",
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
    return "\n".join(out).rstrip("\n") + "\n"


# -- HTML ----------------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 48rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-top: 1px solid #ddd; padding-top: 1rem; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.summary dt { font-weight: 600; } dl.summary dd { margin: 0; }
.said { white-space: pre-wrap; overflow-wrap: anywhere; margin: .3rem 0 1rem; padding: .5rem .8rem; border-left: 4px solid #ccc; background: #f6f6f6; }
.said.reply { border-left-color: #4a7bd0; background: #eef3fb; }
.who { font-weight: 600; margin: .6rem 0 0; }
.verdict.pass { color: #1a7f37; } .verdict.fail { color: #b42318; }
ul.rules { list-style: none; padding-left: 0; } ul.rules li { margin: .2rem 0; }
.ok { color: #1a7f37; } .miss { color: #b42318; }
mark.ok { background: #d8f5df; color: inherit; } mark.miss { background: #fde2e1; color: inherit; text-decoration: underline; }
@media (prefers-color-scheme: dark) {
  body { background: #161618; color: #e8e8ea; } .said { background: #232326; border-left-color: #555; }
  .said.reply { background: #1d2636; } mark.ok { background: #1d4428; } mark.miss { background: #5a1f1d; }
}
""".strip()


def _e(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return html.escape(visible_bidi(_CONTROL.sub("\ufffd", text)), quote=True)


def highlighted_html(reply: str, result: ScoreResult) -> str:
    """The reply, escaped, with each rule's evidence marked: green where it earned, red where it lost."""
    marks: list[str | None] = [None] * len(reply)
    for rule in result.rules:
        for span in rule.spans:
            for i in range(max(span.start, 0), min(span.end, len(reply))):
                if marks[i] != "miss":
                    marks[i] = "ok" if rule.passed else "miss"
    for finding in result.roadblocks:
        for i in range(max(finding.start, 0), min(finding.end, len(reply))):
            marks[i] = "miss"
    out: list[str] = []
    start = 0
    for i in range(1, len(reply) + 1):
        if i == len(reply) or marks[i] != marks[start]:
            piece = _e(reply[start:i])
            out.append(piece if marks[start] is None else f'<mark class="{marks[start]}">{piece}</mark>')
            start = i
    return "".join(out)


def transcript_html(session: SessionRow, attempts: Sequence[AttemptRow]) -> str:
    summary = session_summary(session, attempts)
    title = f"Practice session {session.id}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        '<dl class="summary">',
    ]
    out += [f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in _summary_lines(summary)]
    out.append("</dl>")
    if not attempts:
        out.append("<p>No replies were recorded in this session.</p>")
    for number, attempt in enumerate(attempts, 1):
        result = attempt.result
        verdict_class = "pass" if result.passed else "fail"
        out += [
            "<section>",
            f"<h2>{number}. {_e(attempt.scenario_id)} / {_e(attempt.turn_id)} ({_e(attempt.skill.replace('_', ' '))})</h2>",
            '<p class="who">Client</p>',
            f'<div class="said client">{_e(attempt.client)}</div>',
            '<p class="who">Reply</p>',
            f'<div class="said reply">{highlighted_html(attempt.reply, result)}</div>',
            f'<p><strong class="verdict {verdict_class}">{_e(_verdict(result))}</strong>. '
            f"Behaviour: {_e(behaviour_label(result))}."
            + (f" Hints used: {attempt.hints_used}." if attempt.hints_used else "")
            + "</p>",
        ]
        if result.roadblocks:
            found = ", ".join(f"{_e(f.kind)} (“{_e(f.text)}”)" for f in result.roadblocks)
            out.append(f'<p class="miss">Roadblocks: {found}</p>')
        if result.rules:
            out.append('<ul class="rules">')
            for rule in result.rules:
                cls, mark = ("ok", "✓") if rule.passed else ("miss", "✗")
                out.append(f'<li><span class="{cls}">{mark}</span> <strong>{_e(rule.id)}</strong>: {_e(rule.message)}</li>')
            out.append("</ul>")
        if result.tips:
            out.append("<p><strong>Tips</strong></p><ol>")
            out += [f"<li>{_e(tip)}</li>" for tip in result.tips]
            out.append("</ol>")
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


RENDERERS = {"md": transcript_markdown, "html": transcript_html, "json": transcript_json}
