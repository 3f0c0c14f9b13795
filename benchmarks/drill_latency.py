"""Drill latency: feedback after a reply, and how soon the client's first line appears.

1. Feedback: scoring + recording in the store + rendering (rich layout and plain text), per reply,
   over 200 replies (the hand-labelled set), in one process as the drill runs them. Target: p95
   under 50 ms.
2. Start-up: wall time from spawning `python -m empathy_coach drill SCENARIO` to the client's
   first line on screen, in a pseudo-terminal (rich layout) and through pipes (plain text),
   against the wall time of `python -c "import typer"`. Target: at most 1.5 times that floor.

    python benchmarks/drill_latency.py [--replies 200] [--runs 15]

Runs in a temporary EMPATHY_COACH_HOME (the first, untimed start builds the caches there).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import child_env

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "behaviour_labelled.jsonl"
SCENARIO = "stress-double-shifts"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def replies(n: int) -> list[str]:
    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(11)
    return [rng.choice(records)["reply"] for _ in range(n)]


def feedback_latency(n: int, rich: bool) -> tuple[list[float], float]:
    """Per-reply seconds for Drill.handle + view.show, and the first reply's (scorer built lazily)."""
    from rich.console import Console

    from empathy_coach.content.catalog import drill_catalog
    from empathy_coach.practice.session import Drill, PlanItem
    from empathy_coach.reports.drill_view import PlainView, RichView
    from empathy_coach.scoring.engine import scorer_for
    from empathy_coach.practice.progress import open_store

    catalog = drill_catalog()
    items = [PlanItem(ref) for ref in catalog.scenarios()]
    sink = io.StringIO()
    view = RichView(Console(file=sink, force_terminal=True, width=120, color_system="truecolor", markup=False, highlight=False)) if rich else PlainView(sink, prompts=False)
    times: list[float] = []
    first = 0.0
    with open_store() as store:
        drill = Drill(items, scorer=lambda ref: scorer_for(catalog, ref), store=store)
        view.show(drill.start())
        for index, reply in enumerate(replies(n + 1)):
            if drill.finished:
                drill = Drill(items, scorer=lambda ref: scorer_for(catalog, ref), store=store)
                view.show(drill.start())
            start = time.perf_counter()
            view.show(drill.handle(reply))
            elapsed = time.perf_counter() - start
            if index == 0:
                first = elapsed
            else:
                times.append(elapsed)
            sink.seek(0)
            sink.truncate()
        assert len(store.attempts()) >= n, "every reply should be in the store"
    return times, first


def floor_once() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import typer"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=child_env())
    return time.perf_counter() - start


def pipe_once(env: dict) -> float:
    """Seconds until the first client line arrives through a pipe (plain text)."""
    marker = b"put me on nights"
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "empathy_coach", "drill", SCENARIO], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    seen = b""
    while marker not in seen:
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            raise SystemExit(f"drill ended before its first line:\n{seen.decode(errors='replace')}")
        seen += chunk
    elapsed = time.perf_counter() - start
    proc.stdin.close()  # end of input: the drill ends with its summary
    proc.stdout.read()
    proc.wait(timeout=20)
    return elapsed


def pty_once(env: dict) -> float:
    """Seconds until the first client line appears in a pseudo-terminal (rich layout)."""
    import pexpect

    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-m", "empathy_coach", "drill", SCENARIO], env=env, dimensions=(40, 120), timeout=20)
    child.expect("put me on nights")
    elapsed = time.perf_counter() - start
    child.sendline("/quit")
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="coach-bench-")
    os.environ["EMPATHY_COACH_HOME"] = home
    env = child_env(TERM="xterm-256color")  # with bytecode, as an installed drill has it
    env.pop("NO_COLOR", None)

    for rich in (True, False):
        times, first = feedback_latency(args.replies, rich)
        ms = [t * 1000 for t in times]
        label = "rich " if rich else "plain"
        print(f"feedback ({label}): {len(ms)} replies, median {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
              f"max {max(ms):.1f} ms; first reply (builds the scorer) {first * 1000:.1f} ms; target p95 < 50 ms")

    subprocess.run([sys.executable, "-m", "empathy_coach", "drill", SCENARIO], input=b"", env=env, stdout=subprocess.DEVNULL, check=True)  # builds caches
    # Interleaved, so that a busy machine slows the floor and the drill alike.
    floor, pty, pipe = [], [], []
    for _ in range(args.runs):
        floor.append(floor_once())
        pty.append(pty_once(env))
        pipe.append(pipe_once(env))
    base = statistics.median(floor)
    print(f"python -c 'import typer': median {base * 1000:.0f} ms, min {min(floor) * 1000:.0f} ms")
    for name, times in (("pty, rich", pty), ("pipes, plain", pipe)):
        median = statistics.median(times)
        print(f"drill first client line ({name}): median {median * 1000:.0f} ms, min {min(times) * 1000:.0f} ms; "
              f"ratio {median / base:.2f} (medians), {min(times) / min(floor):.2f} (minima) x import typer (target <= 1.5)")


if __name__ == "__main__":
    main()
