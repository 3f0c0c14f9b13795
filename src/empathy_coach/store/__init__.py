"""The SQLite progress database: sessions, scored replies, and when each turn comes back.

Open it with the drill's schedule through `empathy_coach.practice.progress.open_store` (the store
itself never imports `practice`):

    with open_store() as store:
        session = store.start_session(banks=["core"])
        store.record_attempt(session, scenario_id=..., turn_id=..., skill=..., tags=[...],
                             client=..., reply=..., result=score_result)
        store.finish_session(session)
"""

from empathy_coach.store.db import ProgressStore, open_store
from empathy_coach.store.models import AttemptRow, DueTurn, SessionRow, StoreError

__all__ = ["AttemptRow", "DueTurn", "ProgressStore", "SessionRow", "StoreError", "open_store"]
