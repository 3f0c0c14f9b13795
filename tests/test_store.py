"""The SQLite progress database: schema, durability, concurrency, damage, scheduling."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from empathy_coach import score_reply
from empathy_coach.practice.progress import open_store
from empathy_coach.store import AttemptRow, DueTurn, ProgressStore, SessionRow, StoreError
from empathy_coach.store.db import connect, migrate
from empathy_coach.store.migrations import SCHEMA_VERSION

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="module")
def good():
    return score_reply("You sound worn out, and it feels like nobody notices.", client="I'm exhausted and nobody cares.")


@pytest.fixture(scope="module")
def bad():
    return score_reply("You should just go to bed earlier.", client="I'm exhausted and nobody cares.")


def record(store: ProgressStore, session: int, result, *, scenario="work", turn="t1", skill="reflect_feeling", reply="You sound worn out."):
    return store.record_attempt(
        session, scenario_id=scenario, turn_id=turn, skill=skill, tags=["work", "stress"],
        client="I'm exhausted.", reply=reply, result=result,
    )


def test_default_path_is_in_the_user_folder(isolated_home):
    with open_store() as store:
        assert store.path == isolated_home / "progress.sqlite3"
        assert store.path.is_file()
        assert store.notice is None


def test_default_folder_is_created(tmp_path, monkeypatch):
    monkeypatch.setenv("EMPATHY_COACH_HOME", str(tmp_path / "a" / "b"))
    with open_store() as store:
        assert store.path.parent.is_dir()


def test_new_database_has_the_latest_schema_and_wal(tmp_path):
    path = tmp_path / "p.sqlite3"
    open_store(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 2
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"sessions", "attempts", "schedule"} <= tables
    conn.close()


def test_reopening_is_idempotent(tmp_path, good):
    path = tmp_path / "p.sqlite3"
    with open_store(path) as store:
        record(store, store.start_session(), good)
    for _ in range(2):
        with open_store(path) as store:
            assert len(store.attempts()) == 1
            assert store.notice is None
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_migrates_a_version_one_database_keeping_its_data(tmp_path, good):
    path = tmp_path / "v1.sqlite3"
    conn = connect(path)
    assert migrate(conn, target=1) == 1
    conn.execute("INSERT INTO sessions (id, started_at, mode, banks) VALUES (1, '2024-04-01T10:00:00Z', 'drill', '[\"core\"]')")
    conn.execute(
        "INSERT INTO attempts (session_id, created_at, scenario_id, turn_id, skill, tags, client, reply, score, passed, behaviour, result)"
        " VALUES (1, '2024-04-01T10:01:00Z', 'work', 't1', 'reflect_feeling', '[]', 'c', 'r', ?, 1, ?, ?)",
        (good.score, good.behaviour, msgspec.json.encode(good).decode()),
    )
    conn.execute("INSERT INTO schedule VALUES ('work', 't1', 2, '2024-04-02T10:01:00Z', 1, 0, '2024-04-01T10:01:00Z')")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()

    with open_store(path, clock=FakeClock()) as store:
        assert store.notice is None
        assert [s.banks for s in store.sessions()] == [["core"]]
        assert store.attempts()[0].result == good
        assert store.due_turns() == [DueTurn(scenario_id="work", turn_id="t1", box=2, due_at="2024-04-02T10:01:00Z")]
        store.record_skip(1, scenario_id="work", turn_id="t1")  # uses the column migration 2 added
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT skips FROM schedule").fetchone()[0] == 1
    conn.close()


def test_a_database_from_a_newer_version_is_refused_in_one_line(tmp_path):
    path = tmp_path / "new.sqlite3"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert "newer" in str(info.value) and "\n" not in str(info.value)
    assert path.exists()  # not moved aside: it is not damaged


def test_attempt_round_trip_and_rows(tmp_path, good):
    clock = FakeClock()
    with open_store(tmp_path / "p.sqlite3", clock=clock) as store:
        session = store.start_session(banks=["core", "extra"], mode="drill")
        clock.advance(minutes=1)
        attempt_id = store.record_attempt(
            session, scenario_id="work", turn_id="t1", skill="reflect_feeling", tags=["work"],
            client="I'm exhausted.", reply="You sound <b>worn</b> out.", result=good, hints_used=2,
        )
        clock.advance(minutes=1)
        store.finish_session(session)
        [row] = store.attempts(session)
        assert isinstance(row, AttemptRow)
        assert row.id == attempt_id
        assert row.created_at == "2024-05-01T09:01:00Z"
        assert (row.scenario_id, row.turn_id, row.skill, row.tags) == ("work", "t1", "reflect_feeling", ["work"])
        assert row.reply == "You sound <b>worn</b> out."
        assert (row.score, row.passed, row.behaviour, row.hints_used) == (good.score, good.passed, good.behaviour, 2)
        assert row.result == good
        assert store.session(session) == SessionRow(
            id=session, started_at="2024-05-01T09:00:00Z", ended_at="2024-05-01T09:02:00Z", mode="drill",
            banks=["core", "extra"], attempts=1, mean_score=round(good.score, 1),
        )
        assert store.session(999) is None
        assert store.practised_scenarios() == {"work"}


def test_attempt_is_committed_when_the_call_returns(tmp_path, good):
    path = tmp_path / "p.sqlite3"
    store = open_store(path)
    session = store.start_session()
    record(store, session, good)
    other = sqlite3.connect(path)  # a second connection sees it at once: it was committed
    assert other.execute("SELECT count(*), max(reply) FROM attempts").fetchone() == (1, "You sound worn out.")
    assert other.execute("SELECT box FROM schedule WHERE scenario_id = 'work'").fetchone() is not None
    other.close()
    store.close()


def test_recording_for_an_unknown_session_fails_cleanly(tmp_path, good):
    with open_store(tmp_path / "p.sqlite3") as store:
        with pytest.raises(StoreError, match="no session 42"):
            record(store, 42, good)
        assert store.attempts() == []
        assert store.due_turns() == []  # the schedule was rolled back too


def test_two_stores_on_one_file_interleave(tmp_path, good, bad):
    path = tmp_path / "p.sqlite3"
    with open_store(path) as first, open_store(path) as second:
        a, b = first.start_session(), second.start_session()
        for i in range(5):
            record(first, a, good, turn=f"a{i}")
            record(second, b, bad, turn=f"b{i}")
        assert len(first.attempts(b)) == 5  # each sees the other's writes
        assert len(second.attempts(a)) == 5
        assert [s.attempts for s in first.sessions()] == [5, 5]


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import msgspec
    from empathy_coach.scoring.result import ScoreResult
    from empathy_coach.practice.progress import open_store
    db, name, count, then, result_file = sys.argv[1:6]
    result = msgspec.json.decode(Path(result_file).read_bytes(), type=ScoreResult)
    store = open_store(db)
    session = store.start_session(mode=name)
    for i in range(int(count)):
        store.record_attempt(session, scenario_id=name, turn_id=f"t{i}", skill="reflect_feeling",
                             tags=[], client="c", reply=f"r{i}", result=result)
    print("recorded", flush=True)
    if then == "sleep":
        import time
        time.sleep(60)
    store.close()
    """
)


@pytest.fixture
def result_file(tmp_path, good):
    path = tmp_path / "result.json"
    path.write_bytes(msgspec.json.encode(good))  # the writers need not load the scorer
    return str(path)


def test_two_processes_writing_at_once_both_succeed(tmp_path, result_file):
    path = tmp_path / "p.sqlite3"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, "30", "exit", result_file],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for name in ("one", "two", "three")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "recorded" in out
    with open_store(path) as store:
        assert sorted(s.mode for s in store.sessions()) == ["one", "three", "two"]
        assert len(store.attempts()) == 90
        assert len(store.due_turns(datetime(2200, 1, 1, tzinfo=UTC))) == 90


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_writer_keeps_what_it_recorded(tmp_path, result_file):
    path = tmp_path / "p.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), "killed", "3", "sleep", result_file],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline().strip()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert line == "recorded", err
    assert proc.returncode == -signal.SIGKILL
    with open_store(path) as store:
        assert store.notice is None
        assert [a.reply for a in store.attempts()] == ["r0", "r1", "r2"]


@pytest.mark.parametrize("content", [b"not a database, just some text\n" * 40, os.urandom(8192)], ids=["text", "random"])
def test_a_damaged_file_is_moved_aside_and_a_fresh_database_started(tmp_path, content, good):
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(content)
    (tmp_path / "progress.sqlite3-wal").write_bytes(b"junk")
    with open_store(path) as store:
        assert store.notice is not None and "\n" not in store.notice
        assert "moved" in store.notice
        moved = [p for p in tmp_path.iterdir() if p.name.startswith("progress.sqlite3.corrupt-") and not p.name.endswith(("-wal", "-shm"))]
        assert len(moved) == 1
        assert moved[0].read_bytes() == content  # kept, never deleted
        assert moved[0].name in store.notice
        assert (tmp_path / (moved[0].name + "-wal")).read_bytes() == b"junk"
        record(store, store.start_session(), good)
        assert len(store.attempts()) == 1
    with open_store(path) as store:
        assert store.notice is None
        assert len(store.attempts()) == 1


def test_an_unopenable_path_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError) as info:
        open_store(blocker / "progress.sqlite3")
    assert "\n" not in str(info.value)


def test_due_turns_most_overdue_first(tmp_path, good, bad):
    clock = FakeClock()
    with open_store(tmp_path / "p.sqlite3", clock=clock) as store:
        session = store.start_session()
        assert good.passed and good.score >= 80, good.score  # promotes: due in 1 day
        assert not bad.passed
        record(store, session, good, scenario="s", turn="promoted")
        clock.advance(hours=1)
        record(store, session, bad, scenario="s", turn="failed")  # box 1: due now
        clock.advance(hours=1)
        store.record_skip(session, scenario_id="s", turn_id="skipped")  # due now
        due = store.due_turns()
        assert [(d.turn_id, d.box) for d in due] == [("failed", 1), ("skipped", 1)]
        assert due[0].due_at == "2024-05-01T10:00:00Z"
        clock.advance(days=2)
        assert [d.turn_id for d in store.due_turns()] == ["failed", "skipped", "promoted"]
        # `now` can be given explicitly: before the promoted turn falls due, it is not listed.
        assert [d.turn_id for d in store.due_turns(T0 + timedelta(hours=23))] == ["failed", "skipped"]
        # Answering the failed turn well moves it up and out of today's list.
        record(store, session, good, scenario="s", turn="failed")
        assert [(d.turn_id, d.box) for d in store.due_turns()] == [("skipped", 1), ("promoted", 2)]


def test_previous_session_skips_sessions_without_attempts(tmp_path, good):
    with open_store(tmp_path / "p.sqlite3") as store:
        first = store.start_session()
        record(store, first, good)
        empty = store.start_session()
        third = store.start_session()
        record(store, third, good)
        assert store.previous_session(third).id == first
        assert store.previous_session(empty).id == first
        assert store.previous_session(first) is None
        assert [s.id for s in store.sessions()] == [third, empty, first]  # newest first
        assert store.session(empty).mean_score is None
        assert store.last_session().id == third


def test_damaged_pages_behind_a_valid_header_are_moved_aside_too(tmp_path, good):
    path = tmp_path / "progress.sqlite3"
    with open_store(path) as store:
        record(store, store.start_session(), good)
    data = bytearray(path.read_bytes())
    data[100:4096] = bytes(range(256)) * 15 + bytes(range(156))  # page 1 (the schema) overwritten
    path.write_bytes(bytes(data))
    with open_store(path) as store:
        assert store.notice is not None
        assert store.attempts() == []
        assert store.start_session() == 1
    assert any(p.name.startswith("progress.sqlite3.corrupt-") for p in tmp_path.iterdir())


def test_damaged_data_pages_are_found_at_open_not_at_the_next_reply(tmp_path, good):
    path = tmp_path / "progress.sqlite3"
    with open_store(path) as store:
        session = store.start_session()
        for _ in range(3):
            record(store, session, good)
    data = bytearray(path.read_bytes())
    data[4096:] = b"A" * (len(data) - 4096)  # the header and schema page intact, every other page garbage
    path.write_bytes(bytes(data))
    with open_store(path) as store:
        assert store.notice is not None and "moved to" in store.notice
        record(store, store.start_session(), good)  # the next reply is saved
        assert len(store.attempts()) == 1


def test_a_flag_is_saved_with_its_attempt_and_listed_after_migrating_from_version_two(tmp_path, good, bad):
    # Issue 14: /flag [note] is kept with the attempt (migration 3); an older database gains the column.
    path = tmp_path / "v2.sqlite3"
    conn = connect(path)
    assert migrate(conn, target=2) == 2
    conn.close()
    with open_store(path, clock=FakeClock()) as store:
        session = store.start_session()
        first = record(store, session, good)
        second = record(store, session, bad, turn="t2")
        assert store.flagged() == [] and store.attempts()[0].flag is None
        store.flag_attempt(second, "advice was asked for")
        store.flag_attempt(first, "")
        assert [(a.id, a.flag) for a in store.flagged()] == [(first, ""), (second, "advice was asked for")]
        assert store.last_attempt().id == second
        with pytest.raises(StoreError):
            store.flag_attempt(999, "x")
        store.record_skip(session, scenario_id="work", turn_id="t3")
        assert [(k.scenario_id, k.turn_id) for k in store.skipped(session)] == [("work", "t3")]
