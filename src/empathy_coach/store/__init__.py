"""The SQLite progress database: sessions, scored replies, and when each turn comes back.

    from empathy_coach.practice.progress import open_store  # the store with the drill's schedule

    with open_store() as store:
        session = store.start_session(banks=["core"])
        store.record_attempt(session, scenario_id=..., turn_id=..., skill=..., tags=[...],
                             client=..., reply=..., result=score_result)
        store.finish_session(session)
"""

from empathy_coach.store.db import ProgressStore, open_store
from empathy_coach.store.models import AttemptRow, DueTurn, SessionRow, StoreError

__all__ = ["AttemptRow", "DueTurn", "ProgressStore", "SessionRow", "StoreError", "open_store"]
