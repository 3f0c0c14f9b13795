"""Replies whose save failed (a locked database, a full disk), kept until the database takes them.

A drill keeps each unsaved reply in memory and in a small JSON Lines journal beside the database
(one file per drill process, written atomically), and retries at the next reply, at the end of the
session, and at the next start (`replay`). A reply leaves the journal only once it is committed.
"""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from empathy_coach.paths import JOURNAL_GLOB
from empathy_coach.store.unsaved import UnsavedReply

_DECODER = msgspec.json.Decoder(UnsavedReply)


_OWN: dict[Path, Path] = {}


def journal_path(folder: Path, pid: int | None = None) -> Path:
    """This process's journal in `folder` (or, with `pid`, a name as another process would use).

    The name carries the process id and its start time, so a later process that happens to get
    the same id never takes over (and rewrites) a journal it did not write.
    """
    if pid is not None:
        return folder / f"unsaved-replies-{pid}.jsonl"
    own = _OWN.get(folder)
    if own is None:
        import time

        own = _OWN[folder] = folder / f"unsaved-replies-{os.getpid()}-{time.time_ns()}.jsonl"
    return own


class Journal:
    """This process's journal file; `save` rewrites it with what is still unsaved (or removes it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.error: str | None = None  # why the last save failed, if it did

    def save(self, pending: list[UnsavedReply]) -> bool:
        from empathy_coach.atomic import atomic_write

        try:
            if not pending:
                self.path.unlink(missing_ok=True)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(self.path, b"".join(msgspec.json.encode(p) + b"\n" for p in pending))
        except OSError as exc:
            self.error = exc.strerror or str(exc)
            return False
        self.error = None
        return True


def store_reply(store, entry: UnsavedReply, session_id: int | None) -> int:
    """Record one kept reply; returns the session it went into (a new one when `session_id` is gone)."""
    from empathy_coach.store.models import StoreError

    if session_id is None:
        session_id = store.start_session(banks=entry.banks, mode=entry.mode)
    try:
        _record(store, entry, session_id)
    except StoreError as exc:
        if "no session" not in exc.message:
            raise
        session_id = store.start_session(banks=entry.banks, mode=entry.mode)
        _record(store, entry, session_id)
    return session_id


def _record(store, entry: UnsavedReply, session_id: int) -> None:
    store.record_attempt(session_id, scenario_id=entry.scenario_id, turn_id=entry.turn_id, skill=entry.skill,
                         tags=entry.tags, client=entry.client, reply=entry.reply, result=entry.result,
                         hints_used=entry.hints_used)


_CLAIM = ".replaying-"


def _claimed_as(file: Path, pid: int) -> Path:
    """The name a journal has while process `pid` stores it (still matching JOURNAL_GLOB, so a
    drill killed while storing leaves it for the next one)."""
    return file.with_name(f"{file.stem}{_CLAIM}{pid}.jsonl")


def _replaying_owner(file: Path) -> int | None:
    if _CLAIM not in file.name:
        return None
    try:
        return int(file.stem.rsplit(_CLAIM, 1)[1])
    except ValueError:
        return None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def replay(store, folder: Path) -> tuple[int, int]:
    """Store the replies left in journals by earlier drills: (stored, still unsaved).

    Each journal is claimed by renaming it first, so two drills starting at once never store a
    reply twice. A line that cannot be read is kept in the journal, never dropped.
    """
    stored = left = 0
    try:
        files = sorted(folder.glob(JOURNAL_GLOB))
    except OSError:
        return 0, 0
    for file in files:
        if file == journal_path(folder):
            continue  # this process's own journal
        owner = _replaying_owner(file)
        if owner is not None:
            if _alive(owner):
                continue  # another drill is storing it right now
            orphan = file  # its drill died while storing it: take it over under its first name
            file = file.with_name(file.name.split(_CLAIM)[0] + ".jsonl")
            try:
                os.replace(orphan, file)
            except OSError:
                continue
        claim = _claimed_as(file, os.getpid())
        try:
            os.rename(file, claim)
            raw_lines = claim.read_bytes().splitlines()
        except OSError:
            continue
        keep: list[bytes] = []
        sessions: dict[int | None, int] = {}
        for raw in raw_lines:
            if not raw.strip():
                continue
            try:
                entry = _DECODER.decode(raw)
            except msgspec.DecodeError:
                keep.append(raw)
                continue
            try:
                sessions[entry.session_id] = store_reply(store, entry, sessions.get(entry.session_id, entry.session_id))
                stored += 1
            except Exception:  # still locked or full: keep it for next time
                keep.append(raw)
        left += len(keep)
        for old, new in sessions.items():
            if new != old:
                try:
                    store.finish_session(new)
                except Exception:
                    pass
        from empathy_coach.atomic import atomic_write

        try:
            if keep:
                atomic_write(file, b"\n".join(keep) + b"\n")
            claim.unlink(missing_ok=True)
        except OSError:
            try:
                os.rename(claim, file)  # everything stays for next time (some may be stored twice)
            except OSError:
                pass
    return stored, left
