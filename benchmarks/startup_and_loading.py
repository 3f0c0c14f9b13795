"""Start-up and loading costs of the foundation, against their floors.

- `empathy-coach --version` and `--help` against `python -c "import typer"` (target <= 1.25x).
- A one-shot `empathy-coach score --client ... REPLY` against the same floor (target <= 1.3x, issue 10):
  the median of 15 runs each, the two taken in turn, caches warm (as after the first run of an install).
- Loading and validating a generated bank of 1,000 scenarios x 5 turns against
  `yaml.load(..., Loader=CSafeLoader)` on the same file (target <= 1.3x).
- A "billion laughs" alias bomb: time and peak memory until it is refused.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from _timing import floor, tool, wall, walls

from empathy_coach.banks.loader import load_file


def best_of(func, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def generated_bank(scenarios: int = 1000, turns: int = 5) -> str:
    lines = ["id: generated", "title: Generated bank", "version: 1", "rubric: default", "scenarios:"]
    for s in range(scenarios):
        lines += [
            f"  - id: gen-{s:04d}",
            f"    title: Generated scenario {s}",
            "    setting: A client in their forties who works nights and cares for a parent.",
            "    tags: [stress, work]",
            "    difficulty: intermediate",
            "    turns:",
        ]
        for t in range(turns):
            lines += [
                f"      - id: t{t + 1}",
                "        client: I've been on nights all month and I'm exhausted. Nobody else ever says yes.",
                "        nonverbal: rubs eyes, slumps",
                "        skill: reflect_feeling",
                "        emotions: [exhausted, resentful]",
                "        content:",
                "          - text: nights all month",
                "            synonyms: [night shifts, every night]",
                "          - nobody else says yes",
                "        exemplars:",
                "          - reply: You're running on empty.",
                "            behaviour: simple_reflection",
                "          - You're exhausted, and it feels like it always lands on you.",
                "        hints: [Name the feeling under the words.]",
                "        examples:",
                "          - reply: You're worn out and it always lands on you.",
                "            passed: true",
                "          - reply: You should just say no.",
                "            passed: false",
                "            roadblocks: [advising]",
            ]
    return "\n".join(lines) + "\n"


def alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


def main() -> None:
    python = sys.executable
    typer_floor = floor()
    version = wall(tool() + ["--version"])
    help_ = wall(tool() + ["--help"])
    print(f"python -c 'import typer':   {typer_floor * 1000:6.1f} ms (the floor)")
    print(f"empathy-coach --version:    {version * 1000:6.1f} ms = {version / typer_floor:.2f}x (target <= 1.25x)")
    print(f"empathy-coach --help:       {help_ * 1000:6.1f} ms = {help_ / typer_floor:.2f}x (target <= 1.25x)")
    one_shot_floor, one_shot = walls([[python, "-c", "import typer"], tool() + ["score", "--client", "I am so tired of my job.", "You feel worn out by work."]])
    print(f"python -c 'import typer':   {one_shot_floor * 1000:6.1f} ms (the floor, in turn with score)")
    print(f"empathy-coach score (once): {one_shot * 1000:6.1f} ms = {one_shot / one_shot_floor:.2f}x (target <= 1.3x)")

    # The alias bomb first: ru_maxrss is inherited by a child forked from a big parent.
    with tempfile.TemporaryDirectory() as folder:
        bomb = Path(folder) / "bomb.yaml"
        bomb.write_text(alias_bomb(), encoding="utf-8")
        probe = (
            "import resource,time,sys\n"
            "from empathy_coach.banks.loader import load_file\n"
            "from empathy_coach.problems import InputError\n"
            "t=time.perf_counter()\n"
            "try:\n    load_file(__import__('pathlib').Path(sys.argv[1]), kind='bank')\nexcept InputError as e:\n    pass\n"
            "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        )
        baseline_rss = subprocess.run([python, "-c", "import resource; import empathy_coach.banks.loader; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                                      capture_output=True, text=True, check=True).stdout.strip()
        seconds, rss = subprocess.run([python, "-c", probe, str(bomb)], capture_output=True, text=True, check=True).stdout.split()
        print(f"alias bomb refused in:      {float(seconds) * 1000:6.1f} ms, peak RSS {int(rss) / 1024:.0f} MB "
              f"(importing the loader alone: {int(baseline_rss) / 1024:.0f} MB)")

    with tempfile.TemporaryDirectory() as folder:
        bank = Path(folder) / "generated.yaml"
        bank.write_text(generated_bank(), encoding="utf-8")
        raw = bank.read_text(encoding="utf-8")
        plain = best_of(lambda: yaml.load(raw, Loader=yaml.CSafeLoader))
        loaded = best_of(lambda: load_file(bank, kind="bank"))
        print(f"generated bank:             1000 scenarios x 5 turns, {bank.stat().st_size / 1e6:.1f} MB")
        print(f"yaml.load(CSafeLoader):     {plain * 1000:6.0f} ms")
        print(f"load_file (validated):      {loaded * 1000:6.0f} ms = {loaded / plain:.2f}x (target <= 1.3x)")


if __name__ == "__main__":
    main()
