"""End-to-end grading speed: `empathy-coach grade FILE --format jsonl --output /dev/null`.

Generates a JSON Lines file of client/reply pairs in a temporary folder (100,000 by default),
built from the hand-labelled replies in tests/data/behaviour_labelled.jsonl and varied (two
replies joined, a short opener added) so that most replies are distinct. Then it runs the CLI
with --jobs 1 and --jobs 2 and prints, for each: records per second end to end, the peak RSS of
the largest process (os.wait4 on the command, the per-run form of getrusage(RUSAGE_CHILDREN)),
the peak of the summed RSS of the whole process tree (sampled from /proc every 20 ms), and the
ratio to scoring alone (the generic scorer called in a loop in this process, no I/O).

    python benchmarks/grading_throughput.py [--records N] [--jobs 1 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "behaviour_labelled.jsonl"
OPENERS = ("So ", "Mm. ", "Right, ", "I hear you. ", "Okay. ")
TARGET_RATE = 5_000
TARGET_MB = 150


def generate(path: Path, n: int, seed: int = 11) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_client: dict[str, list[str]] = {}
    for row in rows:
        by_client.setdefault(row["client"], []).append(row["reply"])
    rng = random.Random(seed)
    pairs = []
    with path.open("w", encoding="utf-8") as out:
        for index in range(n):
            row = rng.choice(rows)
            reply = row["reply"]
            roll = rng.random()
            if roll < 0.25:
                reply = f"{reply} {rng.choice(by_client[row['client']])}"
            elif roll < 0.40:
                opener = rng.choice(OPENERS)
                reply = opener + reply[:1].lower() + reply[1:] if opener.endswith(", ") else opener + reply
            out.write(json.dumps({"id": f"r{index:06d}", "client": row["client"], "reply": reply}) + "\n")
            if index < 20_000:
                pairs.append((row["client"], reply))
    return pairs


def scoring_only(pairs: list[tuple[str, str]]) -> float:
    from empathy_coach.scoring.engine import default_scorer

    scorer = default_scorer("generic")
    scorer.score("warm up", client="warm up")
    start = time.perf_counter()
    for client, reply in pairs:
        scorer.score(reply, client=client)
    return len(pairs) / (time.perf_counter() - start)


def _tree_rss(root: int) -> int:
    """Summed RSS in bytes of `root` and every descendant, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run(file: Path, jobs: int) -> tuple[float, int, int, int]:
    """(seconds, exit code, peak RSS of the largest process, peak summed RSS of the tree)."""
    cmd = [sys.executable, "-m", "empathy_coach", "grade", str(file), "--format", "jsonl", "--output", os.devnull, "--jobs", str(jobs)]
    peak_tree = 0
    done = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_rss(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, proc.returncode, usage.ru_maxrss * 1024, peak_tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "replies.jsonl"
        pairs = generate(file, args.records)
        distinct = len({reply for _, reply in pairs})
        print(f"input:                      {args.records:,} records, {file.stat().st_size / 1e6:.1f} MB ({distinct:,} distinct replies in the first {len(pairs):,})")
        base = scoring_only(pairs)
        print(f"scoring only (1 core):      {base:,.0f} records/s (generic scorer in a loop, no I/O)")
        print(f"cores available:            {len(os.sched_getaffinity(0))}")
        for jobs in args.jobs:
            elapsed, code, largest, tree = run(file, jobs)
            rate = args.records / elapsed
            verdict = "meets" if rate >= TARGET_RATE and tree < TARGET_MB * 1e6 else "below target"
            print(
                f"grade --jobs {jobs}:             {rate:,.0f} records/s end to end ({elapsed:.1f} s, exit {code}); "
                f"peak RSS {largest / 1e6:.0f} MB largest process, {tree / 1e6:.0f} MB whole tree; "
                f"{rate / base:.2f}x scoring-only; {verdict} (>= {TARGET_RATE:,}/s, < {TARGET_MB} MB)"
            )
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(f"getrusage(RUSAGE_CHILDREN).ru_maxrss over all runs: {children / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
