"""Progress database throughput: committed attempts per second, and the cost of `progress`.

    python benchmarks/store_throughput.py [--attempts 500]

Every attempt is its own durable transaction (WAL, synchronous=FULL), as in a drill; the second
figure is how long summarising the whole database takes once it holds that many replies.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from empathy_coach import score_reply
from empathy_coach.practice.progress import open_store
from empathy_coach.practice.summary import summarize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=500)
    args = parser.parse_args()
    result = score_reply("You sound worn out, and it feels like nobody notices.", client="I'm exhausted and nobody cares.")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        store = open_store(Path(folder) / "progress.sqlite3")
        opened = time.perf_counter() - started
        session = store.start_session(banks=["core"])
        started = time.perf_counter()
        for i in range(args.attempts):
            store.record_attempt(
                session, scenario_id=f"s{i % 40}", turn_id=f"t{i % 3}", skill=("reflect_feeling", "reflect_content")[i % 2],
                tags=["work"], client="I'm exhausted and nobody cares.", reply="You sound worn out.", result=result,
            )
        written = time.perf_counter() - started
        started = time.perf_counter()
        summary = summarize(store)
        summarised = time.perf_counter() - started
        store.close()
    print(f"open + migrate a new database: {opened * 1000:.1f} ms")
    print(f"record_attempt: {args.attempts / written:.0f} committed attempts/s ({written / args.attempts * 1000:.2f} ms each)")
    print(f"progress summary of {summary.attempts} attempts: {summarised * 1000:.1f} ms")


if __name__ == "__main__":
    main()
