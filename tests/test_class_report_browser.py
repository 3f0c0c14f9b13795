"""The class report in a real browser: Debian's headless Chromium.

The page is loaded from disk with a small harness script placed before the page's own
Content-Security-Policy (a CSP in a meta element governs only what follows it), so the page's
policy is tested as shipped. The harness records every error, CSP violation and console.error
into the DOM, then sorts and filters the students table, opens a student's replies, and checks
that hostile text stayed text. `chromium --dump-dom` returns the DOM with the harness's result.
A second run takes a screenshot, kept as a test artefact in $TEST_ARTIFACTS (default:
test-artifacts/ at the repository root).

Without Chromium the test is skipped locally, and fails in CI (`CI` or EMPATHY_COACH_REQUIRE_BROWSER
set): `.ci/run` installs it.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from empathy_coach.reports.class_render import to_html
from empathy_coach.reports.class_report import build, skill_resolver

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "class"
HOSTILE_NAME = '<img src=x onerror="window.__pwned=3">zed'
HOSTILE_REPLY = 'ok</textarea><script>window.__pwned=4</script><svg onload="window.__pwned=5"></svg> <b onmouseover="x">bold</b>'


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = _chromium()
if CHROMIUM is None:
    if os.environ.get("EMPATHY_COACH_REQUIRE_BROWSER") or os.environ.get("CI"):
        pytest.fail("chromium is not installed (.ci/run installs it)", pytrace=False)
    pytestmark = pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)")

HARNESS = r"""
<script>
(function () {
  var errors = [];
  window.addEventListener("error", function (e) { errors.push("error: " + (e.message || (e.target && e.target.outerHTML) || "?")); }, true);
  window.addEventListener("securitypolicyviolation", function (e) { errors.push("csp: " + e.violatedDirective + " " + e.blockedURI); });
  var original = console.error;
  console.error = function () { errors.push("console.error: " + Array.prototype.join.call(arguments, " ")); return original.apply(console, arguments); };
  function names() { return Array.prototype.map.call(document.getElementById("students").tBodies, function (b) { return b.getAttribute("data-name"); }); }
  function header(table, text) {
    return Array.prototype.filter.call(document.getElementById(table).tHead.rows[0].cells, function (th) { return th.textContent.trim() === text; })[0];
  }
  function run() {
    var out = {};
    try {
      out.js = document.documentElement.classList.contains("js");
      out.initial = names();
      var mean = header("students", "Mean").querySelector("button.sort");
      mean.click(); out.mean_ascending = names(); out.aria = header("students", "Mean").getAttribute("aria-sort");
      mean.click(); out.mean_descending = names();
      header("students", "Student").querySelector("button.sort").click(); out.by_name = names();
      var filter = document.getElementById("student-filter");
      filter.value = "an"; filter.dispatchEvent(new Event("input"));
      out.filtered = Array.prototype.filter.call(document.getElementById("students").tBodies, function (b) { return !b.hidden; })
        .map(function (b) { return b.getAttribute("data-name"); });
      filter.value = ""; filter.dispatchEvent(new Event("input"));
      var group = document.getElementById("students").tBodies[0];
      var detail = group.querySelector("tr.detail");
      out.detail_hidden_before = detail.offsetParent === null;
      group.querySelector("button.open-detail").click();
      out.detail_shown_after = detail.offsetParent !== null;
      out.pwned = window.__pwned || null;
      out.scripts = document.scripts.length;
      out.injected = document.querySelectorAll("img, [onerror], [onload], [onmouseover], textarea, b").length;
      out.text = document.body.textContent;
    } catch (e) { errors.push("harness: " + e); }
    out.errors = errors;
    var pre = document.createElement("pre");
    pre.id = "harness-result";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  window.addEventListener("load", function () { setTimeout(run, 0); });
})();
</script>
"""


def _browser(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
        "--disable-background-networking", "--disable-sync", "--hide-scrollbars", "--mute-audio",
        f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    hostile = folder / "hostile.jsonl"
    record = {
        "id": "h/1", "score": 12.0, "passed": False, "behaviour": "other",
        "acts": [{"code": "other", "start": 0, "end": len(HOSTILE_REPLY), "text": HOSTILE_REPLY}],
        "roadblocks": [], "rules": [], "tips": ["<i>tip</i>"], "scenario": "cls-job", "turn": "t1",
        "student": HOSTILE_NAME, "reply": HOSTILE_REPLY, "flag": "</td><script>window.__pwned=6</script>",
    }  # fmt: skip
    hostile.write_text(json.dumps(record) + "\n", encoding="utf-8")
    skill_of, _ = skill_resolver([str(DATA / "bank.yaml")])
    report = build([str(DATA / "week1.jsonl"), str(DATA / "week2.jsonl"), str(DATA / "dana.json"), str(hostile)], skill_of=skill_of)
    target = folder / "class.html"
    target.write_text(to_html(report), encoding="utf-8")
    return target


def test_the_page_loads_sorts_filters_and_keeps_hostile_text_inert(page, tmp_path):
    text = page.read_text(encoding="utf-8")
    assert text.count("<head>") == 1
    harnessed = tmp_path / "harnessed.html"
    harnessed.write_text(text.replace("<head>", "<head>" + HARNESS, 1), encoding="utf-8")
    run = _browser("--virtual-time-budget=5000", "--dump-dom", harnessed.as_uri(), tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    start = run.stdout.find('<pre id="harness-result">')
    assert start >= 0, "the harness did not run:\n" + run.stdout[:2000] + run.stderr[-2000:]
    body = run.stdout[start + len('<pre id="harness-result">') : run.stdout.index("</pre>", start)]
    out = json.loads(html.unescape(body))

    assert out["errors"] == []
    assert "Uncaught" not in run.stderr
    assert out["js"] is True
    students = {"ben", "dana", "ana", "cai", HOSTILE_NAME}
    assert set(out["initial"]) == students
    assert out["initial"][0] == HOSTILE_NAME  # lowest mean first (12)
    assert out["mean_ascending"] == out["initial"] and out["aria"] == "ascending"
    assert out["mean_descending"] == list(reversed(out["initial"]))
    assert out["by_name"] == sorted(students, key=str.lower)
    assert sorted(out["filtered"]) == ["ana", "dana"]  # "an" in the name
    assert out["detail_hidden_before"] is True and out["detail_shown_after"] is True
    # Hostile text stayed text: nothing ran, nothing was injected, and it reads as typed.
    assert out["pwned"] is None
    assert out["scripts"] == 2  # the harness and the page's own
    assert out["injected"] == 0
    assert HOSTILE_NAME in out["text"] and "</textarea><script>window.__pwned=4</script>" in out["text"]
    assert "</td><script>window.__pwned=6</script>" in out["text"]


def test_a_screenshot_is_kept_as_an_artefact(page, tmp_path):
    folder = Path(os.environ.get("TEST_ARTIFACTS") or ROOT / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "class-report.png"
    if shot.exists():
        shot.unlink()
    run = _browser("--window-size=1280,2000", f"--screenshot={shot}", page.as_uri(), tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    assert len(data) > 20_000  # a page with content, not a blank image


def test_it_prints_on_a4(page, tmp_path):
    import re

    pdf = tmp_path / "class.pdf"
    run = _browser("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(), tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    data = pdf.read_bytes()
    boxes = {tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert boxes == {(0, 0, 595, 842)}  # A4 in points, every page
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 2
