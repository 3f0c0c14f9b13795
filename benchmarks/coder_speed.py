"""Behaviour coder speed: replies coded per second on one core, weights load time, one-shot `score`.

Replies are shaped like real ones: lengths drawn to a mean of about 15 words with a tail to 300,
built from the project's in-house coded replies (prompts/coder/inhouse-codes.jsonl), each with
its client statement. Targets (issue: behaviour coding on real language): >= 5,000 replies/s,
weights loaded in <= 10 ms, `empathy-coach score` <= 1.3x `python -c "import typer"`.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from _timing import floor, tool, wall

from empathy_coach.content.cache import builtin_coder_data, builtin_coder_weights_path
from empathy_coach.scoring.assets import builtin_coder, load_coder_weights, weights_from_data
from empathy_coach.scoring.text import Analysis

DATA = Path(__file__).resolve().parents[1] / "prompts" / "coder" / "inhouse-codes.jsonl"


def shaped_replies(n: int, seed: int = 11) -> list[tuple[str, str]]:
    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        target = min(300, max(2, int(rng.lognormvariate(2.45, 0.75))))  # median ~12, mean ~15 words, tail to 300
        record = rng.choice(records)
        words: list[str] = []
        while len(words) < target:
            words.extend(rng.choice(records)["reply"].split())
        out.append((record["client"], " ".join(words[:target])))
    return out


def main() -> None:
    pairs = shaped_replies(20_000)
    lengths = sorted(len(r.split()) for _, r in pairs)
    model = builtin_coder()
    clients = {c: Analysis(c) for c, _ in pairs}
    model.code(Analysis("warm up"), None)
    start, cpu = time.perf_counter(), time.process_time()
    for client, reply in pairs:
        model.code(Analysis(reply), clients[client])
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    rate = len(pairs) / elapsed
    print(f"CPU time: {cpu:.2f} s, wall: {elapsed:.2f} s (a loaded machine shows in the gap)")
    print(f"replies: {len(pairs)}, mean {sum(lengths) / len(lengths):.1f} words, median {lengths[len(lengths) // 2]}, max {lengths[-1]}")
    print(f"coder: {rate:,.0f} replies/s on one core, {len(pairs) / cpu:,.0f} by CPU time (target >= 5,000; ratio {len(pairs) / cpu / 5000:.2f})")

    path = builtin_coder_weights_path()
    builtin_coder_data()  # as after the first run: the cache is written
    best = min(_timed(lambda: weights_from_data(builtin_coder_data(), validate=False)) for _ in range(15))
    print(f"weights ({path.stat().st_size / 1e6:.1f} MB) loaded in {best * 1000:.1f} ms from the cache, as the tool loads them "
          f"(target <= 10 ms; ratio {best * 1000 / 10:.2f}; rows decoded as they are read)")
    parsed = min(_timed(lambda: load_coder_weights(path, validate=False)) for _ in range(15))
    print(f"  the JSON file parsed whole (the first run, or a changed file): {parsed * 1000:.1f} ms")
    checked = min(_timed(lambda: load_coder_weights(path)) for _ in range(5))
    print(f"  a programme's own coder file, checked row by row: {checked * 1000:.1f} ms")

    typer_floor = floor()
    one = wall([*tool(), "score", "--client", "I'm so tired of the night shifts.", "You're running on empty."])
    print(f"python -c 'import typer': {typer_floor * 1000:.0f} ms")
    print(f"empathy-coach score (1 reply, end to end): {one * 1000:.0f} ms = {one / typer_floor:.2f}x the floor (target <= 1.3x)")


def _timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
