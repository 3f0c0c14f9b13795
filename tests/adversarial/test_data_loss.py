"""Faults that could lose data: a full disk, `ulimit -f`, a kill mid-write, output over an input,
a locked database. Each test fails on the code before the fix it guards."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from empathy_coach.atomic import WriteError, atomic_output, atomic_write, same_file

from .conftest import BANKS, env_for, leftovers, no_traceback, run_cli

DATA = Path(__file__).resolve().parents[1] / "data" / "grading"
BIG_BANK = BANKS / "anxiety-and-worry.yaml"


# ---------------------------------------------------------------- the atomic writer itself


def test_atomic_write_replaces_and_keeps_permissions(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_an_exception_while_writing_keeps_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as handle:
            handle.write(b"half")
            raise RuntimeError("producer failed")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["f.txt"]


def test_a_device_is_written_in_place_not_replaced(tmp_path):
    with atomic_output("/dev/null") as handle:
        handle.write(b"x")
    assert Path("/dev/null").is_char_device()
    with pytest.raises(WriteError) as caught:
        atomic_write("/dev/full", b"x" * 100_000)
    assert "No space" in str(caught.value)


def test_same_file_sees_symlinks_and_hard_links(tmp_path):
    a = tmp_path / "a"
    a.write_text("x")
    (tmp_path / "soft").symlink_to(a)
    os.link(a, tmp_path / "hard")
    assert same_file(a, tmp_path / "soft") and same_file(a, tmp_path / "hard")
    assert same_file(a, tmp_path / "." / "a")
    assert not same_file(a, tmp_path / "other")


# ---------------------------------------------------------------- `ulimit -f` and a full disk


def test_new_bank_past_ulimit_keeps_the_bank_whole(tmp_path, home):
    bank = tmp_path / "b.yaml"
    original = BIG_BANK.read_bytes()
    bank.write_bytes(original)
    proc = run_cli(["new", "scenario", "x-new", "--bank", bank], home, fsize=40 * 1024, cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2, proc.stderr
    assert b"cannot write" in proc.stderr and len(proc.stderr.decode().strip().splitlines()) == 1
    assert bank.read_bytes() == original
    assert leftovers(tmp_path) == []


def test_grade_output_past_ulimit_keeps_the_old_report(tmp_path, home):
    out = tmp_path / "out.json"
    out.write_text("old report")
    rows = [{"id": f"r{i}", "client": "I am tired of it all.", "reply": "You sound worn out " * 20} for i in range(200)]
    answers = tmp_path / "a.jsonl"
    answers.write_text("".join(json.dumps(r) + "\n" for r in rows))
    proc = run_cli(["grade", answers, "-f", "json", "-o", out], home, fsize=64 * 1024, cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert out.read_text() == "old report"
    assert leftovers(tmp_path) == []


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (RLIMIT_FSIZE tests cover the same path)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_keeps_the_bank_and_leaves_no_temporary(small_disk, home):
    bank = small_disk / "b.yaml"
    text = BIG_BANK.read_bytes()[:60_000]
    text = text[: text.rindex(b"\n  - id:")] + b"\n"  # whole scenarios only
    bank.write_bytes(text)
    proc = run_cli(["new", "scenario", "x-new", "--bank", bank], home, cwd=small_disk)
    no_traceback(proc)
    assert proc.returncode == 2, proc.stderr
    assert bank.read_bytes() == text
    assert leftovers(small_disk) == []


def test_a_full_cache_folder_leaves_no_temporary(small_disk):
    from empathy_coach.paths import write_cache

    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * 60_000)
    write_cache(small_disk / "cache" / "big.msgpack", b"x" * 200_000, "big-*.msgpack")
    assert leftovers(small_disk) == []
    assert not (small_disk / "cache" / "big.msgpack").exists()


# ---------------------------------------------------------------- kill at random points


def test_grade_output_killed_at_random_points_is_old_or_complete(tmp_path, home):
    out = tmp_path / "out.jsonl"
    old = b'{"old": true}\n'
    rows = [{"id": f"r{i}", "client": "Nobody listens to me at work.", "reply": f"It feels like you go unheard, {i}."} for i in range(400)]
    answers = tmp_path / "a.jsonl"
    answers.write_text("".join(json.dumps(r) + "\n" for r in rows))
    rng = random.Random(12)
    for _ in range(3):
        out.write_bytes(old)
        proc = subprocess.Popen([sys.executable, "-m", "empathy_coach", "grade", str(answers), "-f", "jsonl", "-o", str(out)],
                                env=env_for(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = out.read_bytes()
        assert data == old or len(data.splitlines()) == 400


# ---------------------------------------------------------------- output over an input


@pytest.mark.parametrize("spelling", ["same", "relative", "symlink", "hardlink"])
def test_grade_output_over_a_bank_is_refused_whatever_the_spelling(tmp_path, spelling, monkeypatch):
    from typer.testing import CliRunner

    from empathy_coach.cli import app

    bank = tmp_path / "course.yaml"
    bank.write_bytes((DATA / "bank.yaml").read_bytes())
    before = bank.read_bytes()
    monkeypatch.chdir(tmp_path)
    target = {"same": str(bank), "relative": "./sub/../course.yaml", "symlink": "link.yaml", "hardlink": "hard.yaml"}[spelling]
    (tmp_path / "sub").mkdir()
    if spelling == "symlink":
        (tmp_path / "link.yaml").symlink_to(bank)
    if spelling == "hardlink":
        os.link(bank, tmp_path / "hard.yaml")
    answers = tmp_path / "a.jsonl"
    answers.write_text(json.dumps({"id": "1", "client": "I am tired.", "reply": "You are worn out."}) + "\n")
    result = CliRunner().invoke(app, ["grade", str(answers), "--bank", str(bank), "-f", "junit", "-o", target])
    assert result.exit_code == 2, result.output
    assert "input" in result.output
    assert bank.read_bytes() == before


def test_export_over_the_progress_database_is_refused(home, monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from empathy_coach.cli import app
    from empathy_coach.practice.progress import open_store

    with open_store() as store:
        store.start_session()
    db = home / "progress.sqlite3"
    before = db.read_bytes()
    monkeypatch.chdir(home)
    for spelling in (str(db), "progress.sqlite3", "./x/../progress.sqlite3"):
        result = CliRunner().invoke(app, ["export", "last", "-f", "json", "-o", spelling])
        assert result.exit_code == 2
    assert db.read_bytes() == before


def test_grade_output_over_the_progress_database_is_refused(home, tmp_path):
    from typer.testing import CliRunner

    from empathy_coach.cli import app
    from empathy_coach.practice.progress import open_store

    with open_store() as store:
        store.start_session()
    db = home / "progress.sqlite3"
    before = db.read_bytes()
    answers = tmp_path / "a.jsonl"
    answers.write_text(json.dumps({"id": "1", "client": "I am tired.", "reply": "You are worn out."}) + "\n")
    result = CliRunner().invoke(app, ["grade", str(answers), "-f", "json", "-o", str(db)])
    assert result.exit_code == 2
    assert db.read_bytes() == before


def test_strict_stop_leaves_the_old_output(tmp_path):
    from typer.testing import CliRunner

    from empathy_coach.cli import app

    out = tmp_path / "out.json"
    out.write_text("old")
    answers = tmp_path / "a.jsonl"
    answers.write_text(json.dumps({"id": "1", "client": "I am tired.", "reply": "You are worn out."}) + "\n{bad\n")
    result = CliRunner().invoke(app, ["grade", str(answers), "--strict", "-f", "json", "-o", str(out)])
    assert result.exit_code == 2
    assert out.read_text() == "old"
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- a locked database and unsaved replies


def _lock(db: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(str(db), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


@pytest.fixture
def quick_busy(monkeypatch):
    from empathy_coach.store import db

    monkeypatch.setattr(db, "BUSY_TIMEOUT_SECONDS", 0.05)


def _drill(store, journal):
    from empathy_coach.content.catalog import drill_catalog
    from empathy_coach.practice import plan
    from empathy_coach.practice import session as s
    from empathy_coach.scoring.engine import scorer_for

    catalog = drill_catalog([])
    items = plan.named(catalog, [catalog.scenarios()[0].scenario.id])
    return s.Drill(items, scorer=lambda ref: scorer_for(catalog, ref), store=store, journal=journal)


def test_replies_kept_while_the_database_is_locked_are_stored_at_the_next_reply(home, quick_busy):
    from empathy_coach.practice.progress import open_store
    from empathy_coach.store.journal import Journal, journal_path

    store = open_store()
    journal = Journal(journal_path(home))
    drill = _drill(store, journal)
    drill.start()
    holder = _lock(home / "progress.sqlite3")
    events = drill.handle("It sounds like you're worn out and scared.")
    assert any(type(e).__name__ == "SaveFailed" for e in events)
    assert len(drill.unsaved) == 1 and journal.path.exists()
    holder.execute("ROLLBACK")
    holder.close()
    drill.handle("You feel stuck between wanting help and fearing it.")
    summary = drill.finish("quit")[0].summary
    assert summary.replies == 2 and summary.saved == 2 and summary.unsaved == 0
    assert len(store.attempts()) == 2
    assert not journal.path.exists()
    store.close()


def test_replies_unsaved_at_the_end_are_told_and_stored_at_the_next_start(home, quick_busy):
    from empathy_coach.practice.progress import open_store
    from empathy_coach.reports.drill_view import summary_lines
    from empathy_coach.store.journal import Journal, journal_path, replay

    store = open_store()
    journal = Journal(journal_path(home, pid=999_999))  # as if an earlier process wrote it
    drill = _drill(store, journal)
    drill.start()
    holder = _lock(home / "progress.sqlite3")
    drill.handle("It sounds like you're worn out.")
    drill.handle("You wonder whether anyone notices.")
    summary = drill.finish("quit")[0].summary
    assert summary.replies == 2 and summary.saved == 0 and summary.unsaved == 2
    assert any("0 of 2" in line and "next start" in line for line in summary_lines(summary))
    holder.execute("ROLLBACK")
    holder.close()
    store.close()
    assert len(journal.path.read_bytes().splitlines()) == 2
    with open_store() as again:
        assert replay(again, home) == (2, 0)
        assert [a.reply for a in again.attempts()] == ["It sounds like you're worn out.", "You wonder whether anyone notices."]
        assert replay(again, home) == (0, 0)  # stored once only
    assert not journal.path.exists()


def test_a_journal_that_cannot_be_written_is_told_in_the_summary(home, quick_busy):
    from empathy_coach.practice.progress import open_store
    from empathy_coach.reports.drill_view import summary_lines
    from empathy_coach.store.journal import Journal

    store = open_store()
    journal = Journal(Path("/dev/full/journal.jsonl"))
    drill = _drill(store, journal)
    drill.start()
    holder = _lock(home / "progress.sqlite3")
    drill.handle("It sounds like you're worn out.")
    summary = drill.finish("quit")[0].summary
    holder.execute("ROLLBACK")
    holder.close()
    store.close()
    assert summary.unsaved == 1 and summary.journal_error
    assert any("NOT kept" in line for line in summary_lines(summary))


# ---------------------------------------------------------------- a read-only home


def test_a_read_only_home_still_shows_progress_history_and_export(tmp_path):
    from empathy_coach import score_reply
    from empathy_coach.practice.progress import open_store

    home = tmp_path / "ro-home"
    home.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(home)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (and root ignores file permissions)")
    try:
        with open_store(home / "progress.sqlite3") as store:
            sid = store.start_session()
            store.record_attempt(sid, scenario_id="a", turn_id="t", skill="reflect_feeling", tags=[], client="c", reply="r",
                                 result=score_reply("You feel tired.", client="I am tired."))
            store.finish_session(sid)
        assert subprocess.run(["mount", "-o", "remount,ro", str(home)], capture_output=True).returncode == 0
        for args in (["progress"], ["history"], ["export", "last"]):
            proc = run_cli(args, home)
            no_traceback(proc)
            assert proc.returncode == 0, (args, proc.stderr)
            assert proc.stdout
    finally:
        subprocess.run(["umount", "-l", str(home)], capture_output=True)


def test_writing_through_a_symlink_keeps_the_link(tmp_path):
    real = tmp_path / "real.yaml"
    real.write_text("old")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_journal_left_by_a_drill_killed_while_storing_it_is_taken_over(home):
    from empathy_coach import score_reply
    from empathy_coach.practice.progress import open_store
    from empathy_coach.store.journal import replay
    from empathy_coach.store.unsaved import UnsavedReply

    entry = UnsavedReply(session_id=None, scenario_id="a", turn_id="t1", skill="reflect_feeling", tags=[], client="c",
                         reply="You sound worn out.", result=score_reply("You sound worn out.", client="I am tired."))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = home / f"unsaved-replies-1-2.replaying-{int(dead.stdout)}.jsonl"
    import msgspec

    orphan.write_bytes(msgspec.json.encode(entry) + b"\n")
    with open_store() as store:
        assert replay(store, home) == (1, 0)
        assert [a.reply for a in store.attempts()] == ["You sound worn out."]
    assert not list(home.glob("unsaved-replies*"))


def test_a_drill_killed_at_random_points_has_stored_every_score_it_showed(tmp_path, home):
    """kill -9 while replies stream in: every "Score:" line on screen is a row in the database."""
    from empathy_coach.practice.progress import open_store

    rng = random.Random(7)
    shown_total = 0
    for run in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "empathy_coach", "drill", "--plain", "change-rugby-club-pints"],
                                env=env_for(home), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            for k in range(40):
                proc.stdin.write(f"It sounds like you feel stuck, reply {run}-{k}.\n".encode())
            proc.stdin.flush()
        except BrokenPipeError:
            pass
        seen = b""
        while b"Score: " not in seen:  # the drill is running: now kill it at a random point
            line = proc.stdout.readline()
            if not line:
                break
            seen += line
        time.sleep(rng.uniform(0.0, 0.6))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        shown_total += (seen + out).count(b"Score: ")
    with open_store() as store:
        assert len(store.attempts()) >= shown_total > 0
