"""The schema of the progress database, as an ordered list of migrations.

`PRAGMA user_version` holds the number of migrations applied. Append, never edit: a migration
that has shipped stays as it is, and a change of schema is a new entry at the end.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, str]] = [
    (
        "sessions, attempts and the schedule",
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            mode TEXT NOT NULL,
            banks TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            created_at TEXT NOT NULL,
            scenario_id TEXT NOT NULL,
            turn_id TEXT NOT NULL,
            skill TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            client TEXT NOT NULL,
            reply TEXT NOT NULL,
            score REAL NOT NULL,
            passed INTEGER NOT NULL,
            behaviour TEXT NOT NULL,
            hints_used INTEGER NOT NULL DEFAULT 0,
            result TEXT NOT NULL
        );
        CREATE INDEX attempts_by_session ON attempts(session_id);
        CREATE TABLE schedule (
            scenario_id TEXT NOT NULL,
            turn_id TEXT NOT NULL,
            box INTEGER NOT NULL,
            due_at TEXT NOT NULL,
            reviews INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (scenario_id, turn_id)
        ) WITHOUT ROWID;
        """,
    ),
    (
        "indexes for due turns and per-skill progress; skips counted",
        """
        CREATE INDEX schedule_by_due ON schedule(due_at);
        CREATE INDEX attempts_by_turn ON attempts(scenario_id, turn_id);
        ALTER TABLE schedule ADD COLUMN skips INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    (
        "a student's flag on a score they disagree with (/flag [note]), NULL when not flagged; "
        "each skip kept with its session, so a transcript can show the turns skipped",
        """
        ALTER TABLE attempts ADD COLUMN flag TEXT;
        CREATE TABLE skips (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            created_at TEXT NOT NULL,
            scenario_id TEXT NOT NULL,
            turn_id TEXT NOT NULL
        );
        CREATE INDEX skips_by_session ON skips(session_id);
        """,
    ),
]

SCHEMA_VERSION = len(MIGRATIONS)
