"""The class report's figures against values computed by hand on the fixture class, and the command.

The fixture class (tests/data/class): week1.jsonl and week2.jsonl are `grade --format jsonl`
output for ana, ben and cai; dana.json is dana's drill export (session of 2026-03-09); bank.yaml
gives each turn's skill. The numbers in the comments are the hand computation.

    week1: ana 90 70 50 · ben 40 30 60 · cai 80 85      (8 replies, 5 passed)
    week2: ana 95 88    · ben 55 45                      (4 replies, 2 passed) + 3 bad lines
    dana : 75 65                                         (2 replies, 2 passed)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathy_coach.cli import app
from empathy_coach.reports.class_report import BEHAVIOUR_GROUPS, BankLookup, build

DATA = Path(__file__).parent / "data" / "class"
INPUTS = [str(DATA / "week1.jsonl"), str(DATA / "week2.jsonl"), str(DATA / "dana.json")]
HOSTILE_PIECES = ("</textarea>", "<script>window.__pwned=1</script>", 'onerror="window.__pwned=2"')

runner = CliRunner()


@pytest.fixture(scope="module")
def report():
    banks = BankLookup([str(DATA / "bank.yaml")])
    built = build(INPUTS, skill_of=banks.skill, title_of=banks.title)
    assert not banks.problems
    return built


def by_name(rows, attr, value):
    return next(r for r in rows if getattr(r, attr) == value)


# -- overview ------------------------------------------------------------------------------------


def test_overview_figures(report):
    o = report.overview
    assert o.students.value == 4
    assert o.replies.value == 14
    assert o.mean_score.value == 66.3  # 928 / 14 = 66.29
    assert o.pass_rate.value == 64.3  # 9 / 14
    # acts: complex 3+2+1 = 6, simple 3+1+1 = 5, questions 2 open + 2 closed = 4
    assert (o.miti.reflections, o.miti.questions, o.miti.complex_reflections) == (11, 4, 6)
    assert o.rq_ratio.value == 2.75 and o.miti.rq_band == "good"
    assert o.percent_complex.value == 54.5 and o.miti.percent_complex_band == "good"
    assert o.miti.band == "good"
    assert o.bands == {"good": 1, "fair": 0, "below fair": 1, "too few replies": 2}  # ana; ben; cai, dana (< 5 replies)
    assert o.good_band_share.value == 50.0


def test_trends_follow_the_assignments_in_input_order(report):
    assert [a.name for a in report.assignments] == ["week1", "week2", "2026-03-09"]  # dana's: the day of her session
    o = report.overview
    assert o.mean_score.trend.values == [63.1, 70.8, 70.0]  # 505/8, 283/4, 140/2
    assert o.mean_score.trend.change == 6.9
    assert o.pass_rate.trend.values == [62.5, 50.0, 100.0]
    assert o.rq_ratio.trend.values == [3.0, 1.5, None]  # week1 6 refl / 2 q; week2 3 / 2; dana no question
    assert o.students.trend.values == [3.0, 2.0, 1.0]
    mixes = {a.name: a.behaviour_mix for a in report.assignments}
    assert mixes["week1"]["complex"] == 3 and mixes["week1"]["info"] == 1 and mixes["week1"]["nonadherent"] == 1
    assert mixes["week2"]["closed"] == 2 and sum(mixes["week2"].values()) == 4
    assert list(mixes["week1"]) == [key for key, _, _ in BEHAVIOUR_GROUPS]


# -- students ------------------------------------------------------------------------------------


def test_students_struggling_first_with_their_figures(report):
    assert [s.name for s in report.students] == ["ben", "dana", "ana", "cai"]  # means 46, 70, 78.6, 82.5
    ben = by_name(report.students, "name", "ben")
    assert (ben.replies, ben.mean_score, ben.pass_rate) == (5, 46.0, 20.0)
    assert (ben.miti.rq_ratio, ben.miti.percent_complex, ben.miti.band) == (1.0, 0.0, "below fair")
    assert (ben.top_roadblock, ben.top_roadblock_count) == ("advising", 3)
    assert ben.trend.values == [43.3, 50.0, None] and ben.trend.change == 6.7
    assert ben.disputed == 1
    ana = by_name(report.students, "name", "ana")
    assert (ana.mean_score, ana.pass_rate, ana.miti.rq_ratio, ana.miti.percent_complex, ana.miti.band) == (78.6, 80.0, 2.0, 75.0, "good")
    assert ana.trend.values == [70.0, 91.5, None] and ana.trend.change == 21.5
    assert ana.mastered == ["reflect_feeling"]  # 90 and 95; complex reflection 70 and 88 is a mean of 79
    assert by_name(report.students, "name", "cai").miti.band == "too few replies"


def test_worst_replies_are_the_lowest_three_with_feedback(report):
    ana = by_name(report.students, "name", "ana")
    assert [w.score for w in ana.worst] == [50.0, 70.0, 88.0]
    first = ana.worst[0]
    assert first.where.endswith("week1.jsonl:3")
    assert first.text == "Why haven't you opened the book yet?"
    assert first.feedback.tips == ["Turn the question into a statement."]
    assert any(m.startswith("is-a-reflection:") for m in first.feedback.missed)
    assert any(m.startswith("gives-back-content:") for m in first.feedback.missed)  # 1.5 of 3 points
    # The content point earned credit although its rule did not pass: "book" is credit; "Why"
    # cost (the question rule and the roadblock), and the rest of the roadblock's words cost.
    effects = [(e.text, e.effect) for e in first.evidence if e.effect]
    assert effects == [("Why", "cost"), (" haven'", "cost"), ("book", "credit")]
    assert first.evidence[0].reasons == ["is-a-reflection: 0 of 2 points", "roadblock: questioning"]


def test_a_student_without_a_flag_has_no_dispute_and_flags_are_read_with_notes(report):
    assert report.disputes_total == 2
    notes = {(d.student, d.note) for d in report.disputes}
    assert notes == {("ben", "I did reflect first"), ("dana", "The client never said tired")}
    assert by_name(report.students, "name", "ana").disputed == 0


# -- scenarios, turns, skills, roadblocks --------------------------------------------------------


def test_turns_and_scenarios_hardest_first(report):
    assert [(t.scenario, t.turn) for t in report.turns] == [("cls-exam", "t1"), ("cls-job", "t1"), ("cls-job", "t2")]
    exam = report.turns[0]
    assert (exam.replies, exam.students, exam.mean_score, exam.pass_rate) == (4, 3, 57.5, 50.0)
    assert exam.skill == "reflect_content"
    assert exam.title == "Exam worry" and report.scenarios[0].title == "Exam worry"  # from the bank
    assert exam.behaviour_mix == {"closed_question": 1, "open_question": 1, "simple_reflection": 2}
    assert (exam.top_roadblock, exam.top_roadblock_count) == ("advising", 1)  # a tie with questioning: by name
    assert exam.example.text == "Shouldn't you start studying tonight?" and exam.example.student == "ben"
    job1 = report.turns[1]
    assert (job1.mean_score, job1.pass_rate) == (70.8, 66.7)  # 425/6, 4/6
    job2 = report.turns[2]
    assert (job2.mean_score, job2.pass_rate) == (68.2, 75.0)  # 273/4 = 68.25, 3/4
    assert [s.scenario for s in report.scenarios] == ["cls-exam", "cls-job"]
    assert (report.scenarios[1].mean_score, report.scenarios[1].pass_rate, report.scenarios[1].hardest_turn) == (69.8, 70.0, "t1")


def test_skill_mastery(report):
    skills = {k.skill: k for k in report.skills}
    assert list(skills) == ["reflect_feeling", "reflect_content", "complex_reflection"]
    feel = skills["reflect_feeling"]
    # ana 90 95 (mastered), ben 40 55 (not), cai 80 and dana 65 (one reply each: not counted)
    assert (feel.replies, feel.students, feel.mean_score, feel.pass_rate) == (6, 4, 70.8, 66.7)
    assert (feel.mastered_students, feel.mastery_rate) == (1, 50.0)
    assert (skills["complex_reflection"].mastered_students, skills["complex_reflection"].mastery_rate) == (0, 0.0)
    ben = by_name(report.students, "name", "ben")
    assert ben.skills == {"reflect_feeling": 47.5, "reflect_content": 52.5, "complex_reflection": 30.0}


def test_roadblocks_and_histogram(report):
    rows = {r.kind: r for r in report.roadblocks}
    assert [r.kind for r in report.roadblocks] == ["advising", "questioning", "reassuring"]
    assert (rows["advising"].replies, rows["advising"].share, rows["advising"].students) == (3, 21.4, 1)
    assert rows["advising"].trend.values == [25.0, 25.0, 0.0]  # 2/8, 1/4, 0/2
    assert [b.replies for b in report.histogram] == [0, 0, 0, 1, 2, 2, 2, 2, 3, 2]
    assert report.histogram[-1].low == 90 and report.histogram[-1].high == 100


def test_bad_records_are_counted_and_located(report):
    p = report.problems
    assert (p.unreadable, p.ungraded) == (2, 1)
    where = [(Path(loc.where.rsplit(":", 1)[0]).name, loc.where.rsplit(":", 1)[1], loc.kind) for loc in p.shown]
    assert where == [("week2.jsonl", "5", "unreadable"), ("week2.jsonl", "6", "ungraded"), ("week2.jsonl", "7", "unreadable")]
    assert "unknown scenario 'cls-nope'" in p.shown[1].message
    assert "$.score" in p.shown[2].message


def test_without_banks_the_skill_is_unknown_not_an_error():
    built = build(INPUTS[:2])
    assert {k.skill for k in built.skills} == {"unknown"}


# -- the command ---------------------------------------------------------------------------------


def invoke(*args, **kwargs):
    return runner.invoke(app, ["report", *args], **kwargs)


def test_report_html_to_a_file(tmp_path):
    target = tmp_path / "class.html"
    result = invoke(*INPUTS, "-b", str(DATA / "bank.yaml"), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "3 records left out" in result.stderr and "week2.jsonl:5" in result.stderr
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for piece in HOSTILE_PIECES:
        assert piece not in page
    assert "&lt;/textarea&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert page.count("<script") == 1  # ours, allowed by hash only
    assert "<link" not in page and "src=\"http" not in page and "url(http" not in page and "@import" not in page
    assert "script-src 'sha256-" in page
    assert page.count('<tbody class="student"') == 4
    assert "I did reflect first" in page
    assert not list(tmp_path.glob(".class.html.*"))  # no temporary file left behind


def test_report_markdown_and_json_to_stdout():
    md = invoke(*INPUTS, "-b", str(DATA / "bank.yaml"), "--format", "md")
    assert md.exit_code == 0, md.output
    assert md.stdout.startswith("# Class report\n")
    assert "| ben | 5 | 46.0 | 20.0 % | 1.00 | 0.0 % | below fair | advising (3) | ▲ +6.7 |" in md.stdout
    assert "\\<script\\>" in md.stdout and "<script>" not in md.stdout
    out = invoke(*INPUTS, "-f", "json")
    data = json.loads(out.stdout)
    assert data["overview"]["mean_score"]["value"] == 66.3
    assert data["problems"] == {"unreadable": 2, "ungraded": 1, "shown": data["problems"]["shown"]}
    assert len(data["students"]) == 4


def test_format_follows_the_output_suffix(tmp_path):
    target = tmp_path / "class.json"
    result = invoke(INPUTS[0], "-o", str(target))
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["overview"]["replies"]["value"] == 8


def test_nothing_usable_is_exit_2_with_the_reasons(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"score": "x"}\nnot json\n', encoding="utf-8")
    result = invoke(str(bad))
    assert result.exit_code == 2
    assert "no usable record" in result.stderr and "bad.jsonl:1" in result.stderr and "bad.jsonl:2" in result.stderr
    assert "Traceback" not in result.output


def test_missing_input_is_exit_2(tmp_path):
    result = invoke(str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert "nope.jsonl: cannot read" in result.stderr


def test_output_over_an_input_is_refused(tmp_path):
    copy = tmp_path / "week1.jsonl"
    copy.write_bytes((DATA / "week1.jsonl").read_bytes())
    result = invoke(str(copy), "-o", str(copy))
    assert result.exit_code == 2
    assert "is also an input" in result.stderr
    assert copy.read_bytes() == (DATA / "week1.jsonl").read_bytes()


def test_a_folder_and_standard_input(tmp_path):
    folder = invoke(str(DATA), "-f", "json")
    assert folder.exit_code == 0
    assert json.loads(folder.stdout)["overview"]["replies"]["value"] == 14
    piped = invoke("-", "-f", "json", input=(DATA / "week1.jsonl").read_text(encoding="utf-8"))
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.stdout)["assignments"][0]["name"] == "stdin"


def test_every_format_has_a_renderer():
    from empathy_coach.cli.report import ReportFormat
    from empathy_coach.reports.class_render import RENDERERS

    assert set(RENDERERS) == {f.value for f in ReportFormat}
    assert all(callable(render) for render in RENDERERS.values())


def test_reports_layer_imports_neither_typer_nor_rich():
    import subprocess
    import sys

    code = (
        "import sys; import empathy_coach.reports.class_report, empathy_coach.reports.class_render, empathy_coach.reports.class_input; "
        "from empathy_coach.reports.class_render import to_html; "
        "print(sorted(m for m in ('typer', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- real drill exports, control characters, an output among the inputs ---------------------------


def test_a_real_drill_export_reads_back(isolated_home, tmp_path):
    from empathy_coach import score_reply
    from empathy_coach.practice.progress import open_store

    client = "I'm exhausted and nobody cares."
    good = score_reply("You sound worn out, and it feels like nobody notices.", client=client)
    bad = score_reply("You should just go to bed earlier.", client=client)
    with open_store() as store:
        session = store.start_session(banks=["core"])
        answers = ((good, "You sound worn out, and it feels like nobody notices.", "reflect_feeling"),
                   (bad, "You should just go to bed earlier.", "reflect_content"))
        for result, reply, skill in answers:
            store.record_attempt(session, scenario_id="work", turn_id="t1", skill=skill, tags=[], client=client, reply=reply, result=result)
        store.finish_session(session)
    export = tmp_path / "erin.json"
    made = runner.invoke(app, ["export", "last", "--format", "json", "-o", str(export)])
    assert made.exit_code == 0, made.output
    out = invoke(str(export), "-f", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert [s["name"] for s in data["students"]] == ["erin"]  # the file's name
    assert data["overview"]["replies"]["value"] == 2
    assert data["overview"]["mean_score"]["value"] == round((good.score + bad.score) / 2, 1)
    assert {k["skill"] for k in data["skills"]} == {"reflect_feeling", "reflect_content"}  # carried by the export
    worst = data["students"][0]["worst"][0]
    assert worst["text"] == "You should just go to bed earlier." and worst["text_complete"] is True
    assert any("advising" in r for r in worst["feedback"]["roadblocks"])


def test_control_and_bidi_characters_never_reach_the_page(tmp_path):
    record = json.loads((DATA / "week1.jsonl").read_text(encoding="utf-8").splitlines()[0])
    record["student"] = "eve\u202egnp.exe\x1b[31m"
    record["reply"] = "You sound\x07 tired\r\nand alone."
    source = tmp_path / "odd.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = invoke(str(source))
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert "\u202e" not in page and "\x1b" not in page and "\x07" not in page and "\r" not in page
    assert "eve\ufffdgnp.exe\ufffd[31m" in page
    assert "You sound\ufffd tired\nand alone." in page


def test_a_json_output_inside_an_input_folder_is_refused(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "week1.jsonl").write_bytes((DATA / "week1.jsonl").read_bytes())
    result = invoke(str(folder), "-o", str(folder / "class.json"))
    assert result.exit_code == 2
    assert "inside the input folder" in result.stderr
    assert not (folder / "class.json").exists()
    fine = invoke(str(folder), "-o", str(folder / "class.html"))  # not an input kind: allowed
    assert fine.exit_code == 0, fine.output


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, None),
        ({"flag": None}, None),
        ({"flag": ""}, ""),  # the drill's /flag without a note
        ({"flag": "  I named it  "}, "I named it"),
        ({"flag": True, "note": "see turn 2"}, "see turn 2"),
        ({"flagged": True, "flag_note": "x"}, "x"),
        ({"flagged": False}, None),
        ({"flags": [{"note": "a"}, "b"]}, "a / b"),
        ({"flags": []}, None),
        ({"note": "a note alone is not a dispute"}, None),
    ],
)
def test_what_counts_as_a_dispute(fields, expected):
    import msgspec

    from empathy_coach.reports.class_input import _dispute, _Light

    assert _dispute(msgspec.convert(fields, _Light)) == expected


def test_markdown_keeps_names_in_their_cells_and_a_hostile_title_stays_text(tmp_path):
    from markdown_it import MarkdownIt

    record = json.loads((DATA / "week1.jsonl").read_text(encoding="utf-8").splitlines()[0])
    record["student"] = "a | b <i>c</i> [x](http://e.test)"
    source = tmp_path / "names.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    md = invoke(str(source), "-f", "md", "--title", "# <script>x</script>")
    assert md.exit_code == 0, md.output
    html = MarkdownIt("commonmark").enable("table").render(md.stdout)
    assert "<script>" not in html and "<i>" not in html and "<a " not in html
    students = html.split("<h2>Students</h2>", 1)[1].split("</table>", 1)[0]
    first_row = students.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert first_row.count("<td") == 9  # the pipe in the name did not split its cell
    assert "a | b &lt;i&gt;c&lt;/i&gt; [x](http://e.test)" in first_row
    page = invoke(str(source), "--title", "</title><script>x</script>")
    assert "<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>" in page.stdout


def test_the_report_schema_in_docs_matches_and_validates_the_json():
    shipped = json.loads((Path(__file__).resolve().parents[1] / "docs" / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    printed = runner.invoke(app, ["schema", "report"])
    assert printed.exit_code == 0
    assert shipped == json.loads(printed.stdout), "docs/schemas/report.schema.json is stale: empathy-coach schema report"
    assert set(shipped["$defs"]["ClassReport"]["required"]) >= {"overview", "students", "turns", "skills", "disputes", "problems"}
