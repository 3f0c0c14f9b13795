"""`progress`, `history` and `export` through Typer's CliRunner, and the summary they print."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from empathy_coach import score_reply
from empathy_coach.cli import app
from empathy_coach.practice.progress import open_store
from empathy_coach.practice.summary import sparkline, streaks

runner = CliRunner()
CLIENT = "I'm exhausted and nobody cares."
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def good():
    result = score_reply("You sound worn out, and it feels like nobody notices.", client=CLIENT)
    assert result.passed and result.score >= 80  # promotes a turn one box
    return result


@pytest.fixture(scope="module")
def bad():
    result = score_reply("You should just go to bed earlier.", client=CLIENT)
    assert not result.passed
    return result


@pytest.fixture
def practised(isolated_home, good, bad):
    """Four sessions: two days ago, yesterday, an empty one, and one a minute ago."""
    now = datetime.now(UTC)
    noon = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
    clock = {"now": noon - timedelta(days=2)}
    with open_store(clock=lambda: clock["now"]) as store:

        def add(session, result, scenario, turn, skill, tags, reply="You sound worn out."):
            store.record_attempt(session, scenario_id=scenario, turn_id=turn, skill=skill, tags=tags, client=CLIENT, reply=reply, result=result)

        one = store.start_session(banks=["core"])
        add(one, good, "work", "t1", "reflect_feeling", ["work"])
        add(one, bad, "work", "t2", "reflect_content", ["work"])
        store.finish_session(one)
        clock["now"] = noon - timedelta(days=1)
        two = store.start_session(banks=["core"])
        add(two, good, "work", "t1", "reflect_feeling", ["work"])
        add(two, bad, "home", "t1", "reflect_content", ["home", "[bold]x[/bold]"])
        store.finish_session(two)
        store.start_session()  # three: no replies
        clock["now"] = now - timedelta(minutes=1)
        four = store.start_session(banks=["core"])
        add(four, good, "work", "t1", "reflect_feeling", ["work"])  # third promotion: box 4, mastered
        script_reply = SCRIPT + "\n# not a heading\n- not a list"
        script = score_reply(script_reply, client=CLIENT)
        add(four, script, "home", "t2", "reflect_feeling", ["home"], reply=script_reply)
        store.finish_session(four)
    promoted = script.passed and script.score >= 80
    return {"good": good, "bad": bad, "script": script, "due": 2 + (0 if promoted else 1)}


def invoke(*args, **kwargs):
    return runner.invoke(app, list(args), **kwargs)


# -- empty database ------------------------------------------------------------------------------


def test_progress_on_an_empty_database_says_how_to_start(isolated_home):
    result = invoke("progress")
    assert result.exit_code == 0
    assert "No practice recorded yet" in result.stdout
    assert "empathy-coach drill" in result.stdout
    assert not (isolated_home / "progress.sqlite3").exists()  # looking creates nothing


def test_progress_json_on_an_empty_database(isolated_home):
    result = invoke("progress", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["attempts"] == 0
    assert data["weakest"] is None
    assert data["skills"] == []


def test_history_on_an_empty_database(isolated_home):
    text = invoke("history")
    assert text.exit_code == 0 and "empathy-coach drill" in text.stdout
    data = invoke("history", "-f", "json")
    assert data.exit_code == 0 and json.loads(data.stdout) == {"sessions": []}


def test_export_with_no_database_is_a_usage_error(isolated_home):
    result = invoke("export", "last")
    assert result.exit_code == 2
    assert "empathy-coach drill" in result.stderr
    assert result.stdout == ""


def test_a_damaged_database_is_reported_in_one_line_and_replaced(isolated_home):
    (isolated_home / "progress.sqlite3").write_text("this is not a database\n" * 50)
    result = invoke("progress")
    assert result.exit_code == 0
    assert "moved to" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "No practice recorded yet" in result.stdout
    assert any(p.name.startswith("progress.sqlite3.corrupt-") for p in isolated_home.iterdir())


# -- progress ------------------------------------------------------------------------------------


def test_progress_json_counts_mastery_streaks_and_metrics(practised):
    result = invoke("progress", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data)[:3] == ["attempts", "sessions", "days_practised"]  # fixed key order
    assert data["attempts"] == 6
    assert data["sessions"] == 3  # the empty session does not count
    assert data["days_practised"] == 3
    assert data["streak"]["current"] == 3 and data["streak"]["longest"] == 3
    skills = {s["name"]: s for s in data["skills"]}
    assert skills["reflect_feeling"]["attempts"] == 4
    assert skills["reflect_feeling"]["turns"] == 2
    assert skills["reflect_feeling"]["mastered"] == 1  # work/t1 promoted three times
    assert skills["reflect_feeling"]["mastered_share"] == 0.5
    assert skills["reflect_content"]["mean_score"] == round(practised["bad"].score, 1)
    assert skills["reflect_content"]["mastered"] == 0
    tags = {t["name"]: t for t in data["tags"]}
    assert tags["work"]["attempts"] == 4 and tags["home"]["attempts"] == 2
    assert data["weakest"]["skill"] == "reflect_content"
    assert data["weakest"]["command"] == "empathy-coach drill --skill reflect_content"
    assert data["due"] == practised["due"]  # the two failed turns (and the script reply unless it promoted)
    assert data["mastered_turns"] == 1 and data["turns"] == 4
    assert data["metrics"]["replies"] == 6
    assert data["metrics"]["reflections"] == 3  # the three good replies; markup pasted as a reply is no reflection
    assert data["trend"]["basis"] == "sessions" and len(data["trend"]["scores"]) == 3
    assert len(data["trend"]["sparkline"]) == 3


def test_progress_text(practised):
    result = invoke("progress")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "6 replies in 3 sessions over 3 days" in out
    assert "By skill" in out and "By tag" in out
    assert "reflect_content" in out
    assert "3 days in a row" in out
    assert f"{practised['due']} due now" in out
    assert "empathy-coach drill --skill reflect_content" in out
    assert any(block in out for block in "▁▂▃▄▅▆▇█")
    assert "R:Q" in out
    assert "[bold]x[/bold]" in out  # a tag is shown as typed, never as markup


def test_no_color_flag_removes_colour(practised):
    coloured = invoke("progress", env={"FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert coloured.exit_code == 0
    assert "\x1b[36m" in coloured.stdout  # the cyan sparkline, when colour is forced
    plain = invoke("--no-color", "progress", env={"FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert plain.exit_code == 0
    assert "\x1b[36m" not in plain.stdout
    assert "By skill" in plain.stdout


# -- history -------------------------------------------------------------------------------------


def test_history_json_newest_first(practised):
    result = invoke("history", "--format", "json")
    assert result.exit_code == 0
    sessions = json.loads(result.stdout)["sessions"]
    assert [s["id"] for s in sessions] == [4, 3, 2, 1]
    first = sessions[-1]
    assert first["replies"] == 2 and first["passed"] == 1
    assert first["mean_score"] == round((practised["good"].score + practised["bad"].score) / 2, 1)
    assert sessions[1]["replies"] == 0 and sessions[1]["mean_score"] is None
    assert "rq_ratio" in first and "percent_complex" in first


def test_history_limit(practised):
    result = invoke("history", "-f", "json", "--limit", "2")
    assert [s["id"] for s in json.loads(result.stdout)["sessions"]] == [4, 3]
    bad = invoke("history", "--limit", "0")
    assert bad.exit_code == 2 and "--limit" in bad.stderr


def test_history_text(practised):
    result = invoke("history")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "R:Q" in lines[0] and "%CR" in lines[0]
    rows = [line for line in lines if "│" in line]
    assert [row.split("│")[0].strip() for row in rows] == ["4", "3", "2", "1"]


# -- export --------------------------------------------------------------------------------------


def test_export_markdown_keeps_user_text_literal(practised):
    result = invoke("export", "last")
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert md.startswith("# Practice session 4\n")
    assert "\\<script\\>" in md
    rendered = MarkdownIt("commonmark").render(md)
    assert "<script>" not in rendered and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert rendered.count("<h1>") == 1  # "# not a heading" in the reply stays text
    assert rendered.count("<h2>") == 2  # one per attempt
    assert "<blockquote>" in rendered
    assert "# not a heading" in rendered
    assert "complex reflection" in md or "simple reflection" in md
    assert "✓ passed" in md


def test_export_html_is_self_contained_and_escaped(practised):
    result = invoke("export", "4", "--format", "html")
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page
    assert "<style>" in page and "<link" not in page and "src=" not in page and "http" not in page
    assert page.count("<section>") == 2
    assert "Tips" in page or "✓" in page


def test_export_html_marks_the_evidence(good):
    from empathy_coach.reports.transcript import highlighted_html

    reply = "You sound worn out, and it feels like nobody notices."
    marked = highlighted_html(reply, good)
    assert '<mark class="ok">' in marked
    assert marked.replace('<mark class="ok">', "").replace('<mark class="miss">', "").replace("</mark>", "") == reply


def test_export_json_to_a_file(practised, tmp_path):
    target = tmp_path / "s1.json"
    result = invoke("export", "1", "-f", "json", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "s1.json" in result.stderr
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["session"]["id"] == 1 and data["session"]["replies"] == 2
    assert [a["turn_id"] for a in data["attempts"]] == ["t1", "t2"]
    assert data["attempts"][1]["result"]["score"] == practised["bad"].score
    assert data["attempts"][0]["result"]["rules"]


def test_export_of_an_empty_session(practised):
    result = invoke("export", "3")
    assert result.exit_code == 0
    assert "No replies were recorded" in result.stdout


@pytest.mark.parametrize(("session", "message"), [("99", "no session 99"), ("abc", "session id or 'last'")])
def test_export_of_an_unknown_session_exits_2(practised, session, message):
    result = invoke("export", session)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


# -- summary pieces --------------------------------------------------------------------------------


def test_sparkline_uses_a_fixed_scale():
    assert sparkline([0, 50, 100]) == "▁▅█"
    assert sparkline([90, 90]) == "██"
    assert sparkline([]) == ""


def test_streaks():
    today = date(2024, 5, 10)
    days = [date(2024, 5, d) for d in (1, 2, 3, 4, 7, 8, 9)]
    assert (streaks(days, today).current, streaks(days, today).longest) == (3, 4)  # yesterday keeps it alive
    assert streaks(days + [today], today).current == 4
    assert streaks(days, date(2024, 5, 12)).current == 0  # two days off breaks it
    assert streaks([], today).longest == 0


def test_huge_session_ids_and_limits_are_usage_errors():
    from typer.testing import CliRunner

    from empathy_coach.cli import app

    runner = CliRunner()
    for args in (["export", "9" * 30], ["history", "--limit", "9" * 30]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output


def test_exports_read_back_titles_retries_skips_and_flags(isolated_home, good, bad):
    # Issue 14: an export names the scenario, labels retries, shows skipped turns and the student's flags.
    from empathy_coach.cli.common import catalog

    ref = catalog(None).scenarios()[0]
    sid, title = ref.scenario.id, ref.scenario.title
    turn = ref.scenario.turns[0].id
    with open_store() as store:
        session = store.start_session(banks=[ref.bank.id])
        first = store.record_attempt(session, scenario_id=sid, turn_id=turn, skill="reflect_feeling", tags=[], client=CLIENT, reply="You should sleep.",
                                     result=bad)
        store.record_attempt(session, scenario_id=sid, turn_id=turn, skill="reflect_feeling", tags=[], client=CLIENT, reply="You sound worn out.", result=good)
        store.flag_attempt(first, "advice <b>was</b> asked for")
        store.record_skip(session, scenario_id=sid, turn_id="t9-later")
        store.finish_session(session)
    md = invoke("export", "last", "--format", "md").stdout
    assert f"{title} ({sid}) / {turn}" in md and "retry 1" in md
    assert "**Disputed:** flagged by the student: advice" in md and "## Skipped" in md and "t9-later" in md
    html = invoke("export", "last", "--format", "html").stdout
    assert "retry 1" in html and "Disputed:" in html and "advice &lt;b&gt;was&lt;/b&gt; asked for" in html
    assert "<h2>Skipped</h2>" in html and "t9-later" in html
    data = json.loads(invoke("export", "last", "--format", "json").stdout)
    assert data["skipped"][0]["turn_id"] == "t9-later" and data["attempts"][0]["flag"].startswith("advice")
