"""`progress`, `history` and `export`: what the progress database says, for a student or a script."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from empathy_coach.cli.common import ListFormat, UsageError, console, guarded, write_json
from empathy_coach.literal import writable

if TYPE_CHECKING:
    from empathy_coach.store import ProgressStore


class TranscriptFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"


def register(app: typer.Typer) -> None:
    app.command("progress")(progress_command)
    app.command("history")(history_command)
    app.command("export")(export_command)


def _open() -> ProgressStore | None:
    """The user's progress database, or None when there is none yet (nothing is created)."""
    from empathy_coach.practice.progress import open_store
    from empathy_coach.store.db import default_path

    if not default_path().exists():
        return None
    store = open_store(read_only=True)
    if store.notice:
        print(f"empathy-coach: {store.notice}", file=sys.stderr)
    return store


def _empty_message() -> None:
    from empathy_coach.reports.progress import EMPTY_MESSAGE

    print(EMPTY_MESSAGE)


@guarded
def progress_command(
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="text or json."),
    flags: bool = typer.Option(False, "--flags", help="List the replies whose score the student flagged (/flag), for an instructor."),
) -> None:
    """Mastery per skill and tag, score trend, streaks, MITI metrics, and what to practise next."""
    import msgspec

    from empathy_coach.practice.summary import summarize, summarize_rows

    store = _open()
    if flags:
        rows = []
        if store is not None:
            with store:
                rows = store.flagged()
        if fmt is ListFormat.json:
            write_json({"flags": [msgspec.to_builtins(r) for r in rows]})
        elif not rows:
            print("No flagged replies: a student flags a score with /flag [note] in the drill.")
        else:
            from empathy_coach.reports.progress import render_flags

            console().print(render_flags(rows))
        return
    if store is None:
        from datetime import date

        summary = summarize_rows([], [], {}, due=0, today=date.today())
    else:
        with store:
            summary = summarize(store)
    if fmt is ListFormat.json:
        write_json(msgspec.to_builtins(summary))
        return
    if summary.attempts == 0:
        _empty_message()
        return
    from empathy_coach.reports.progress import render_progress

    console().print(render_progress(summary))


@guarded
def history_command(
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="text or json."),
    limit: int | None = typer.Option(None, "--limit", "-n", help="Show only the N newest sessions."),
) -> None:
    """Practice sessions, newest first: date, replies, mean score, R:Q and % complex reflections."""
    import msgspec

    from empathy_coach.practice.summary import session_summary

    if limit is not None and not 1 <= limit < 2**63:
        raise UsageError("history: --limit must be a whole number from 1")
    store = _open()
    rows = []
    if store is not None:
        with store:
            rows = [session_summary(s, store.attempts(s.id)) for s in store.sessions(limit=limit)]
    if fmt is ListFormat.json:
        write_json({"sessions": msgspec.to_builtins(rows)})
        return
    if not rows:
        _empty_message()
        return
    from empathy_coach.reports.progress import render_history

    console().print(render_history(rows))


@guarded
def export_command(
    session: str = typer.Argument(..., metavar="SESSION", help="A session id (see `empathy-coach history`), or 'last'."),
    fmt: TranscriptFormat = typer.Option(TranscriptFormat.md, "--format", "-f", help="md, html or json."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
) -> None:
    """A session's transcript: the client's words, each reply, its score, behaviour, rules and tips."""
    from empathy_coach.reports.transcript import RENDERERS

    if output is not None:
        from empathy_coach.atomic import same_file
        from empathy_coach.paths import database_files

        for kept in database_files():
            if same_file(output, kept) or os.path.realpath(output) == os.path.realpath(kept):
                raise UsageError(f"export: --output {writable(str(output))}: is the progress database (or a file kept beside it); write the "
                                 "transcript elsewhere")
    store = _open()
    if store is None:
        raise UsageError("export: no practice sessions yet; start one with: empathy-coach drill")
    with store:
        if session == "last":
            row = store.last_session()
            if row is None:
                raise UsageError("export: no session with replies yet; start one with: empathy-coach drill")
        else:
            try:
                session_id = int(session)
                if not 0 < session_id < 2**63:
                    raise ValueError(session)
            except ValueError:
                raise UsageError(f"export: SESSION must be a session id or 'last', not '{session}'") from None
            row = store.session(session_id)
            if row is None:
                raise UsageError(f"export: no session {session_id} (see: empathy-coach history)")
        attempts = store.attempts(row.id)
        text = RENDERERS[fmt.value](row, attempts, _transcript_context(store, row.id, attempts))
    if output is None:
        sys.stdout.write(text)
        return
    from empathy_coach.atomic import WriteError, atomic_write

    try:
        atomic_write(output, text)
    except WriteError as exc:
        raise UsageError(f"export: {exc}") from None
    print(f"Wrote session {row.id} to {output}", file=sys.stderr)


def _transcript_context(store, session_id: int, attempts):
    """Scenario titles (from the banks that can be found) and the session's skipped turns."""
    from empathy_coach.reports.transcript import TranscriptContext

    skipped = store.skipped(session_id)
    titles: dict[str, str] = {}
    wanted = {a.scenario_id for a in attempts} | {s.scenario_id for s in skipped}
    if wanted:
        try:
            from empathy_coach.cli.common import catalog

            cat = catalog(None, strict=False)
            titles = {r.scenario.id: r.scenario.title for r in cat.scenarios() if r.scenario.id in wanted}
        except Exception:  # a broken bank must not stop an export: ids stand in for titles
            titles = {}
    return TranscriptContext(titles=titles, skipped=skipped)
