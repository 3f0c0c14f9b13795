"""The progress database: one SQLite file in the user's folder, safe for two drills at once.

- WAL journal and a busy timeout: readers never block the writer, and two writers wait for each
  other instead of failing.
- Every write is one `BEGIN IMMEDIATE ... COMMIT` transaction, committed before the call returns,
  with `synchronous=FULL`: a reply recorded is a reply kept, even if the process is killed next.
- The schema is versioned with `PRAGMA user_version` and the ordered `MIGRATIONS`.
- A file that is not a database (or is damaged) is moved aside, never deleted, and a fresh one
  started; `ProgressStore.notice` then tells the user in one line.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import msgspec

from empathy_coach.paths import DATABASE_NAME as DB_NAME
from empathy_coach.scoring.result import ScoreResult
from empathy_coach.store.migrations import MIGRATIONS, SCHEMA_VERSION
from empathy_coach.store.models import AttemptRow, Card, DueTurn, SessionRow, SkipRow, StoreError

BUSY_TIMEOUT_SECONDS = 10.0
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26
_MAGIC = b"SQLite format 3\x00"

Clock = Callable[[], datetime]


class Scheduler(Protocol):
    """When a turn comes back: the store keeps the cards, the caller (practice) decides them."""

    def review(self, card: Card | None, *, passed: bool, score: float, now: datetime) -> Card: ...

    def skip(self, card: Card | None, *, now: datetime) -> Card: ...


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """The one timestamp format of the database: ISO 8601 in UTC, to the second ('...Z').

    Fixed width, so that text order is time order in SQL.
    """
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def _row_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just made (sqlite always sets it after one)."""
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def default_path() -> Path:
    from empathy_coach.paths import user_home

    return user_home() / DB_NAME


def open_store(path: Path | str | None = None, *, clock: Clock | None = None, read_only: bool = False,
               scheduler: Scheduler | None = None) -> ProgressStore:
    """Open (creating and migrating as needed) the progress database; default in the user's folder.

    `read_only` (for progress, history and export): nothing is created or changed, so a home
    folder the user cannot write still shows its progress. Without a scheduler the store reads and
    flags but does not record replies (`empathy_coach.practice.progress.open_store` opens it with
    the drill's schedule).
    """
    return ProgressStore(Path(path) if path is not None else default_path(), clock=clock, read_only=read_only, scheduler=scheduler)


def _is_damaged(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def _looks_like_sqlite(path: Path) -> bool:
    """False for a file that is surely not a database (checked before SQLite opens it and, on
    closing, deletes its -wal and -shm companions, which we want to keep with the damaged file)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_MAGIC))
    except FileNotFoundError:
        return True
    except OSError:
        return True  # let SQLite report what is wrong
    return head == b"" or head == _MAGIC


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply the migrations after the database's version up to `target`, in one transaction.

    Safe when two processes open a new database at once: the version is read again under the
    write lock. Returns the version reached.
    """
    if schema_version(conn) >= target:
        return schema_version(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)
        for number in range(version + 1, target + 1):
            for statement in _statements(MIGRATIONS[number - 1][1]):
                conn.execute(statement)
        if version < target:
            conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return max(version, target)


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the database's pragmas set (WAL, busy timeout, durability, foreign keys)."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads page 1: a damaged file fails here
    except BaseException:
        conn.close()
        raise
    return conn


_ATTEMPT_COLUMNS = (
    "id, session_id, created_at, scenario_id, turn_id, skill, tags, client, reply, score, passed, behaviour, hints_used, result"
)
_READ_COLUMNS = _ATTEMPT_COLUMNS + ", flag"
_SESSION_SELECT = """
    SELECT s.id, s.started_at, s.ended_at, s.mode, s.banks, count(a.id), avg(a.score)
    FROM sessions AS s LEFT JOIN attempts AS a ON a.session_id = s.id
"""


class ProgressStore:
    """Sessions, every scored reply, and the spaced-repetition schedule of each turn.

    Use as a context manager, or call `close()`. `clock` returns the current time (aware UTC);
    tests replace it to move time without sleeping.
    """

    def __init__(self, path: Path, *, clock: Clock | None = None, read_only: bool = False, scheduler: Scheduler | None = None) -> None:
        self.path = Path(path)
        self.scheduler = scheduler
        self.notice: str | None = None
        self.clock: Clock = clock or utc_now
        self._conn: sqlite3.Connection | None = self._open_read_only() if read_only else self._open()

    def _open_read_only(self) -> sqlite3.Connection:
        """A connection that never writes. A database that needs an upgrade or repair is opened the
        usual way instead (which needs a writable folder)."""
        uri = Path(os.path.realpath(self.path)).as_uri()
        for mode in ("?mode=ro", "?mode=ro&immutable=1"):  # immutable: a WAL file in a read-only folder
            try:
                conn = sqlite3.connect(uri + mode, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            except sqlite3.Error:
                continue
            try:
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
                if _looks_like_sqlite(self.path) and schema_version(conn) == SCHEMA_VERSION:
                    conn.execute("SELECT count(*) FROM sessions").fetchone()
                    return conn
            except sqlite3.Error:
                pass
            conn.close()
        return self._open()

    # -- opening -----------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for the progress database: {exc.strerror or exc}", self.path) from None
        try:
            if not _looks_like_sqlite(self.path):
                raise sqlite3.DatabaseError("file is not a database")
            return self._connect_and_migrate()
        except sqlite3.DatabaseError as exc:
            if not _is_damaged(exc):
                raise StoreError(f"cannot open the progress database: {exc}", self.path) from None
        moved = self._move_aside()
        self.notice = f"The progress database could not be read; it was moved to {moved} and a new one started."
        try:
            return self._connect_and_migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the progress database: {exc}", self.path) from None

    def _connect_and_migrate(self) -> sqlite3.Connection:
        conn = connect(self.path)
        try:
            # A valid header can hide damaged pages that would fail every later write: find out now,
            # while the file can still be moved aside, not after a student's reply.
            verdict = conn.execute("PRAGMA quick_check").fetchone()
            if verdict is None or verdict[0] != "ok":
                raise sqlite3.DatabaseError(f"database disk image is malformed ({verdict[0] if verdict else 'no answer'})")
            version = schema_version(conn)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the progress database was written by a newer empathy-coach (schema {version}, this one knows "
                    f"{SCHEMA_VERSION}); upgrade empathy-coach to use it",
                    self.path,
                )
            migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _move_aside(self) -> Path:
        stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while target.exists():
            counter += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
        try:
            for suffix in ("-wal", "-shm"):
                companion = self.path.with_name(self.path.name + suffix)
                if companion.exists():
                    companion.replace(target.with_name(target.name + suffix))
            self.path.replace(target)
        except OSError as exc:
            raise StoreError(f"the progress database is damaged and could not be moved aside: {exc.strerror or exc}", self.path) from None
        return target

    # -- plumbing ----------------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("the progress database is closed", self.path)
        return self._conn

    def _scheduler(self) -> Scheduler:
        if self.scheduler is None:
            raise StoreError("the progress database was opened without a schedule: it cannot record replies", self.path)
        return self.scheduler

    def _now(self) -> datetime:
        return as_utc(self.clock())

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed on leaving; sqlite errors become one-line StoreErrors."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the progress database: {exc}", self.path) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"cannot write to the progress database: {exc}", self.path) from None
            raise

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the progress database: {exc}", self.path) from None

    # -- writing -----------------------------------------------------------------------------

    def start_session(self, *, banks: Sequence[str] = (), mode: str = "drill") -> int:
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (started_at, mode, banks) VALUES (?, ?, ?)",
                (iso(self._now()), mode, msgspec.json.encode(list(banks)).decode()),
            )
        return _row_id(cursor)

    def record_attempt(
        self,
        session_id: int,
        *,
        scenario_id: str,
        turn_id: str,
        skill: str,
        tags: Sequence[str],
        client: str,
        reply: str,
        result: ScoreResult,
        hints_used: int = 0,
    ) -> int:
        """Store one scored reply and reschedule its turn, in one committed transaction."""
        now = self._now()
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
                raise StoreError(f"no session {session_id} in the progress database", self.path)
            cursor = conn.execute(
                f"INSERT INTO attempts ({_ATTEMPT_COLUMNS.split(', ', 1)[1]}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    iso(now),
                    scenario_id,
                    turn_id,
                    skill,
                    msgspec.json.encode(list(tags)).decode(),
                    client,
                    reply,
                    float(result.score),
                    int(bool(result.passed)),
                    result.behaviour,
                    int(hints_used),
                    msgspec.json.encode(result).decode(),
                ),
            )
            card = self._card(conn, scenario_id, turn_id)
            updated = self._scheduler().review(card, passed=result.passed, score=result.score, now=now)
            self._save_card(conn, scenario_id, turn_id, updated, now, skipped=False)
        return _row_id(cursor)

    def record_skip(self, session_id: int, *, scenario_id: str, turn_id: str) -> None:
        """The student skipped this turn: it keeps its box and is due again at once."""
        now = self._now()
        with self._write() as conn:
            conn.execute("INSERT INTO skips (session_id, created_at, scenario_id, turn_id) VALUES (?, ?, ?, ?)",
                         (session_id, iso(now), scenario_id, turn_id))
            card = self._card(conn, scenario_id, turn_id)
            self._save_card(conn, scenario_id, turn_id, self._scheduler().skip(card, now=now), now, skipped=True)

    def skipped(self, session_id: int) -> list[SkipRow]:
        """The turns skipped in a session, in order (for transcripts)."""
        rows = self._read("SELECT session_id, created_at, scenario_id, turn_id FROM skips WHERE session_id = ? ORDER BY id", (session_id,))
        return [SkipRow(session_id=r[0], created_at=r[1], scenario_id=r[2], turn_id=r[3]) for r in rows]

    def flag_attempt(self, attempt_id: int, note: str = "") -> None:
        """The student disagrees with this score: keep their note with the attempt (a later flag replaces it)."""
        with self._write() as conn:
            cursor = conn.execute("UPDATE attempts SET flag = ? WHERE id = ?", (note, attempt_id))
            if cursor.rowcount == 0:
                raise StoreError(f"no attempt {attempt_id} in the progress database", self.path)

    def flagged(self) -> list[AttemptRow]:
        """Every flagged attempt, oldest first: what an instructor reviews."""
        return [self._attempt_row(r) for r in self._read(f"SELECT {_READ_COLUMNS} FROM attempts WHERE flag IS NOT NULL ORDER BY id")]

    def finish_session(self, session_id: int) -> None:
        with self._write() as conn:
            conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (iso(self._now()), session_id))

    def _card(self, conn: sqlite3.Connection, scenario_id: str, turn_id: str) -> Card | None:
        row = conn.execute(
            "SELECT box, due_at, reviews, lapses FROM schedule WHERE scenario_id = ? AND turn_id = ?", (scenario_id, turn_id)
        ).fetchone()
        if row is None:
            return None
        try:
            due = parse_iso(row[1])
        except (TypeError, ValueError):
            return None  # a damaged schedule entry: the turn starts afresh
        return Card(box=row[0], due_at=due, reviews=row[2], lapses=row[3])

    def _save_card(
        self, conn: sqlite3.Connection, scenario_id: str, turn_id: str, card: Card, now: datetime, *, skipped: bool
    ) -> None:
        conn.execute(
            """
            INSERT INTO schedule (scenario_id, turn_id, box, due_at, reviews, lapses, updated_at, skips)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (scenario_id, turn_id) DO UPDATE SET
                box = excluded.box, due_at = excluded.due_at, reviews = excluded.reviews,
                lapses = excluded.lapses, updated_at = excluded.updated_at, skips = skips + excluded.skips
            """,
            (scenario_id, turn_id, card.box, iso(card.due_at), card.reviews, card.lapses, iso(now), int(skipped)),
        )

    # -- reading -----------------------------------------------------------------------------

    def due_turns(self, now: datetime | None = None) -> list[DueTurn]:
        """Turns due at `now` (default: the clock), most overdue first."""
        moment = iso(as_utc(now) if now is not None else self._now())
        rows = self._read(
            "SELECT scenario_id, turn_id, box, due_at FROM schedule WHERE due_at <= ? "
            "ORDER BY due_at, box, scenario_id, turn_id",
            (moment,),
        )
        return [DueTurn(scenario_id=r[0], turn_id=r[1], box=r[2], due_at=r[3]) for r in rows]

    def schedule(self) -> dict[tuple[str, str], int]:
        """The box of every turn ever scheduled: {(scenario_id, turn_id): box}."""
        return {(r[0], r[1]): r[2] for r in self._read("SELECT scenario_id, turn_id, box FROM schedule")}

    def practised_scenarios(self) -> set[str]:
        return {r[0] for r in self._read("SELECT DISTINCT scenario_id FROM attempts")}

    def sessions(self, limit: int | None = None) -> list[SessionRow]:
        """Sessions, newest first."""
        sql = _SESSION_SELECT + " GROUP BY s.id ORDER BY s.id DESC"
        params: tuple = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (int(limit),)
        return [self._session_row(r) for r in self._read(sql, params)]

    def session(self, session_id: int) -> SessionRow | None:
        rows = self._read(_SESSION_SELECT + " WHERE s.id = ? GROUP BY s.id", (session_id,))
        return self._session_row(rows[0]) if rows else None

    def last_session(self) -> SessionRow | None:
        """The newest session that has at least one attempt."""
        rows = self._read(
            _SESSION_SELECT + " WHERE EXISTS (SELECT 1 FROM attempts WHERE session_id = s.id) GROUP BY s.id ORDER BY s.id DESC LIMIT 1"
        )
        return self._session_row(rows[0]) if rows else None

    def previous_session(self, session_id: int) -> SessionRow | None:
        """The last session before `session_id` that has at least one attempt."""
        rows = self._read(
            _SESSION_SELECT
            + " WHERE s.id < ? AND EXISTS (SELECT 1 FROM attempts WHERE session_id = s.id) GROUP BY s.id ORDER BY s.id DESC LIMIT 1",
            (session_id,),
        )
        return self._session_row(rows[0]) if rows else None

    def attempts(self, session_id: int | None = None) -> list[AttemptRow]:
        """Scored replies, oldest first (of one session, or all)."""
        if session_id is None:
            rows = self._read(f"SELECT {_READ_COLUMNS} FROM attempts ORDER BY id")
        else:
            rows = self._read(f"SELECT {_READ_COLUMNS} FROM attempts WHERE session_id = ? ORDER BY id", (session_id,))
        return [self._attempt_row(r) for r in rows]

    def last_attempt(self) -> AttemptRow | None:
        """The newest scored reply: where `drill --resume` picks up."""
        rows = self._read(f"SELECT {_READ_COLUMNS} FROM attempts ORDER BY id DESC LIMIT 1")
        return self._attempt_row(rows[0]) if rows else None

    def attempt_count(self) -> int:
        return int(self._read("SELECT count(*) FROM attempts")[0][0])

    def _session_row(self, row: tuple) -> SessionRow:
        try:
            for stamp in (row[1], row[2]):
                if stamp is not None:
                    parse_iso(stamp)
            return self._session_row_unchecked(row)
        except (msgspec.DecodeError, msgspec.ValidationError, TypeError, ValueError) as exc:
            raise StoreError(f"session {row[0]} in the progress database is damaged ({_first_line(exc)}); move the file aside to start afresh",
                             self.path) from None

    @staticmethod
    def _session_row_unchecked(row: tuple) -> SessionRow:
        return SessionRow(
            id=row[0],
            started_at=row[1],
            ended_at=row[2],
            mode=row[3],
            banks=msgspec.json.decode(row[4], type=list[str]),
            attempts=row[5],
            mean_score=None if row[6] is None else round(float(row[6]), 1),
        )

    def _attempt_row(self, row: tuple) -> AttemptRow:
        try:
            parse_iso(row[2])
            return self._attempt_row_unchecked(row)
        except (msgspec.DecodeError, msgspec.ValidationError, TypeError, ValueError) as exc:
            raise StoreError(f"reply {row[0]} in the progress database is damaged ({_first_line(exc)}); move the file aside to start afresh",
                             self.path) from None

    @staticmethod
    def _attempt_row_unchecked(row: tuple) -> AttemptRow:
        return AttemptRow(
            id=row[0],
            session_id=row[1],
            created_at=row[2],
            scenario_id=row[3],
            turn_id=row[4],
            skill=row[5],
            tags=msgspec.json.decode(row[6], type=list[str]),
            client=row[7],
            reply=row[8],
            score=float(row[9]),
            passed=bool(row[10]),
            behaviour=row[11],
            hints_used=row[12],
            result=msgspec.json.decode(row[13], type=ScoreResult),
            flag=row[14],
        )

    # -- closing -----------------------------------------------------------------------------

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
