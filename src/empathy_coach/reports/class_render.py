"""The class report laid out: self-contained HTML (Jinja2 template), Markdown, JSON.

The figures come from `class_report.ClassReport`; nothing here computes one. The HTML page is
one file: its CSS and its small script are inlined, charts are inline SVG (`charts`), and its
Content-Security-Policy allows no network request and no script but ours (by hash).
"""

from __future__ import annotations

from collections.abc import Iterator

from empathy_coach.reports.class_report import BEHAVIOUR_GROUPS, ClassReport
from empathy_coach.reports.transcript import md_inline, md_quote

MD_TURNS = 10  # hardest turns in the Markdown


def to_json(report: ClassReport) -> str:
    import msgspec

    return msgspec.json.format(msgspec.json.encode(report), indent=2).decode() + "\n"  # 2 copies at most alive


def stream_json(report: ClassReport) -> Iterator[str]:
    """The JSON in 1 MB pieces: the formatted bytes are held once, never also as one string."""
    import codecs

    import msgspec

    data = msgspec.json.format(msgspec.json.encode(report), indent=2)
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 20
    for start in range(0, len(data), step):
        yield decoder.decode(data[start : start + step])
    yield decoder.decode(b"", final=True) + "\n"


def to_html(report: ClassReport) -> str:
    return "".join(stream_html(report))


def stream_html(report: ClassReport) -> Iterator[str]:
    from markupsafe import Markup

    from empathy_coach._version import __version__
    from empathy_coach.reports import charts
    from empathy_coach.reports.templating import asset, csp_hash, stream

    script = asset("class_report.js")
    names = [a.name for a in report.assignments]
    groups = [(key, label) for key, label, _ in BEHAVIOUR_GROUPS]
    skills = [k.skill for k in report.skills]
    return stream(
        "class_report.html.j2",
        r=report,
        names=names,
        groups=groups,
        version=__version__,
        css=Markup(asset("class_report.css").strip()),
        script=Markup(script),
        script_hash=csp_hash(script),
        pattern_styles=charts.GROUP_STYLES,
        sparkline=charts.sparkline,
        charts={
            "histogram": charts.histogram(report.histogram),
            "mix": charts.stacked([(a.name, a.behaviour_mix) for a in report.assignments], groups),
            "heatmap": charts.heatmap([(s.name, [s.skills.get(k) for k in skills]) for s in report.students], skills),
        },
    )


def _n(value, digits: int = 1, suffix: str = "") -> str:
    from empathy_coach.reports.templating import number

    return number(value, digits, suffix)


def _change(trend, digits: int = 1) -> str:
    from empathy_coach.reports.templating import signed

    return signed(trend.change, digits)


def rq(miti) -> str:
    from empathy_coach.reports.templating import rq as shown

    return shown(miti)


def count(n, one: str, many: str | None = None) -> str:
    return f"{n:.0f} {one if n == 1 else (many or one + 's')}"


def _cell(text: str) -> str:
    return md_inline(text) or " "


def to_markdown(report: ClassReport) -> str:
    """The overview, the students table and the hardest turns, for an LMS post or a pull request."""
    o = report.overview
    names = [a.name for a in report.assignments]
    out = [f"# {md_inline(report.title)}", ""]
    out.append(f"{count(o.students.value, 'student')}, {count(o.replies.value, 'reply', 'replies')}, assignments: {md_inline(', '.join(names))}.")
    left = report.problems.unreadable + report.problems.ungraded
    if left:
        out[-1] += f" {left} records left out ({report.problems.unreadable} unreadable, {report.problems.ungraded} not graded)."
    out += ["", "## Overview", "", "| figure | class | change | " + " | ".join(_cell(n) for n in names) + " |", "|---|---:|---:|" + "---:|" * len(names)]
    for label, fig, digits, suffix in (
        ("students", o.students, 0, ""),
        ("replies", o.replies, 0, ""),
        ("mean score", o.mean_score, 1, ""),
        ("pass rate", o.pass_rate, 1, " %"),
        ("R:Q", o.rq_ratio, 2, ""),
        ("% complex reflections", o.percent_complex, 1, " %"),
        ("students in the good band", o.good_band_share, 1, " %"),
    ):
        per = " | ".join(_n(v, digits, suffix) for v in fig.trend.values)
        out.append(f"| {label} | {_n(fig.value, digits, suffix)} | {_change(fig.trend, digits)} | {per} |")
    bands = ", ".join(f"{b} {n}" for b, n in o.bands.items())
    out += ["", f"MITI band of the class: **{o.miti.band}** (R:Q {o.miti.rq_band}, %CR {o.miti.percent_complex_band}). Students by band: {bands}.", ""]
    out += ["## Students", "", "Struggling first.", ""]
    out += ["| student | replies | mean | pass rate | R:Q | %CR | band | top roadblock | trend |", "|---|---:|---:|---:|---:|---:|---|---|---:|"]
    for s in report.students:
        top = f"{md_inline(s.top_roadblock)} ({s.top_roadblock_count})" if s.top_roadblock else "none"
        out.append(
            f"| {_cell(s.name)} | {s.replies} | {_n(s.mean_score)} | {_n(s.pass_rate, 1, ' %')} | {rq(s.miti)} | "
            f"{_n(s.miti.percent_complex, 1, ' %')} | {s.miti.band} | {top} | {_change(s.trend)} |"
        )
    out += ["", "## Hardest turns", "", "| scenario / turn | skill | replies | mean | pass rate | top roadblock |", "|---|---|---:|---:|---:|---|"]
    for t in report.turns[:MD_TURNS]:
        top = f"{md_inline(t.top_roadblock)} ({t.top_roadblock_count} of {t.replies})" if t.top_roadblock else "none"
        named = f" ({md_inline(t.title)})" if t.title else ""
        out.append(f"| {_cell(t.scenario)} / {_cell(t.turn)}{named} | {md_inline(t.skill.replace('_', ' '))} | {t.replies} | {_n(t.mean_score)} | "
                   f"{_n(t.pass_rate, 1, ' %')} | {top} |")
    examples = [(t, t.example) for t in report.turns[:MD_TURNS] if t.example]
    if examples:
        out += ["", "Example replies with the top roadblock:", ""]
        for t, example in examples[:3]:
            out += [f"**{md_inline(t.scenario)} / {md_inline(t.turn)}** ({md_inline(t.top_roadblock or '')}):", "", md_quote(example.text), ""]
    if report.disputes_total:
        out += ["", f"{report.disputes_total} disputed score{'s' if report.disputes_total != 1 else ''}: see the HTML report."]
    return "\n".join(out).rstrip("\n") + "\n"


#: Each format as pieces of text to write in order.
RENDERERS = {"html": stream_html, "md": lambda report: iter([to_markdown(report)]), "json": stream_json}
