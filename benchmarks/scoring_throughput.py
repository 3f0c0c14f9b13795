"""Scoring speed with the generic rubric, against a plain regex word count over the same replies.

Prints replies per second on one core, the ratio to `re.findall(r"\\w+", reply.lower())`, the
worst single reply, and the end-to-end time of `empathy-coach score` against `import typer`.
"""

from __future__ import annotations

import json
import random
import re
import time
import tracemalloc
from pathlib import Path

from _timing import floor, tool, wall

from empathy_coach.scoring.engine import default_scorer

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "behaviour_labelled.jsonl"


def replies(n: int) -> list[tuple[str, str]]:
    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(7)
    return [(r["client"], r["reply"]) for r in (rng.choice(records) for _ in range(n))]


def main() -> None:
    pairs = replies(20_000)
    scorer = default_scorer("generic")
    scorer.score("warm up", client="warm up")

    start = time.perf_counter()
    for _, reply in pairs:
        re.findall(r"\w+", reply.lower())
    baseline = time.perf_counter() - start

    worst = 0.0
    start = time.perf_counter()
    for client, reply in pairs:
        t0 = time.perf_counter()
        scorer.score(reply, client=client)
        worst = max(worst, time.perf_counter() - t0)
    elapsed = time.perf_counter() - start

    # The same replies, each against a client statement never seen before (no client analysis reused).
    unique = [(f"{client} ({index})", reply) for index, (client, reply) in enumerate(pairs[:5000])]
    start = time.perf_counter()
    for client, reply in unique:
        scorer.score(reply, client=client)
    unique_rate = len(unique) / (time.perf_counter() - start)

    # Memory in a second pass: tracing slows Python down several times, so it is not timed.
    tracemalloc.start()
    for index, (client, reply) in enumerate(pairs):
        scorer.score(reply, client=client)
        if index == 1000:
            after_1k = tracemalloc.get_traced_memory()[0]
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    rate = len(pairs) / elapsed
    print(f"replies scored:            {len(pairs)}")
    print(f"scoring (generic rubric):  {rate:,.0f} replies/s on one core (target >= 5,000)")
    print(f"  every client statement new: {unique_rate:,.0f} replies/s (a class answering the same turns reuses them)")
    print(f"re.findall baseline:       {len(pairs) / baseline:,.0f} replies/s")
    print(f"ratio scoring / baseline:  {elapsed / baseline:.0f}x slower")
    print(f"slowest single reply:      {worst * 1000:.2f} ms (bound: 100 ms)")
    print(f"traced memory after 1k / after {len(pairs)}: {after_1k / 1e6:.1f} MB / {current / 1e6:.1f} MB (flat = no growth)")

    hostile = "You feel worried and tired. " * 4000
    t0 = time.perf_counter()
    scorer.score(hostile, client="I am worried.")
    print(f"100 KB reply:              {(time.perf_counter() - t0) * 1000:.1f} ms")

    typer_floor = floor()
    one = wall([*tool(), "score", "--client", "I'm so tired of the night shifts.", "You're running on empty."])
    print(f"python -c 'import typer':  {typer_floor * 1000:.0f} ms")
    print(f"empathy-coach score (1 reply, end to end): {one * 1000:.0f} ms = {one / typer_floor:.2f}x the floor (target <= 1.3x)")


if __name__ == "__main__":
    main()
