"""Loading under hostile sizes: a generated file of each kind, just under the 8 MB limit, loaded
(or refused) by the project's loader, against a bare `yaml.load(..., Loader=CSafeLoader)` of the
same file. Target (issue 12): every ratio <= 3x. Also `check` of a 40,000-turn scenario and a
200,000-key answers file (both were quadratic: 173 s and > 60 s).

    PYTHONPATH=src python benchmarks/hostile_loading.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from empathy_coach.banks.loader import load_file
from empathy_coach.banks.yamlsource import MAX_FILE_BYTES
from empathy_coach.problems import InputError

TARGET = 3.0
LIMIT = MAX_FILE_BYTES - 64 * 1024  # stay under the loader's size limit


def fill(head: str, unit, limit: int = LIMIT) -> str:
    """`head` then `unit(i)` for i = 0, 1, ... while the text stays under `limit` bytes."""
    parts = [head]
    size = len(head.encode())
    i = 0
    while True:
        piece = unit(i)
        size += len(piece.encode())
        if size > limit:
            break
        parts.append(piece)
        i += 1
    return "".join(parts)


def kinds() -> dict[str, tuple[str, str]]:
    """name -> (kind, text)."""
    bank_head = "id: big\ntitle: Big\nversion: '1'\nrubric: default\nscenarios:\n"
    scenario = (
        "  - id: s{i}\n    title: Scenario {i}\n    tags: [work]\n    difficulty: beginner\n    turns:\n"
        "      - id: t1\n        client: I have been on nights all month and I am exhausted, number {i}.\n"
        "        skill: reflect_feeling\n        emotions: [exhausted]\n"
        "        content:\n          - text: nights all month\n            synonyms: [night shifts]\n"
        "        hints: [Name the tiredness.]\n"
    )
    long_turns = "  - id: long\n    title: Long\n    turns:\n"
    turn = "      - id: t{i}\n        client: Words of turn {i}, said slowly.\n        skill: reflect_content\n"
    rubric_head = "id: big\npass_score: 60\nrules:\n"
    rule = "  - id: r{i}\n    kind: pattern\n    weight: 1\n    phrases: [it sounds like {i}, you feel {i}]\n    message: Missing {i}.\n    tip: Try {i}.\n"
    lexicon_head = "id: big\nemotions:\n  family:\n"
    entry = '    "feeling word {i}": 2\n'
    answers_head = "student: s\nanswers:\n"
    answer = "  - scenario: s{i}\n    turn: t1\n    reply: You sound worn out by all those nights, {i}.\n"
    unknown_head = "student: s\nanswers: []\n"
    unknown = "k{i}: {i}\n"
    dupes_head = "student: s\nanswers: []\n"
    dupe = "x: {i}\n"
    return {
        "bank (many scenarios)": ("bank", fill(bank_head, lambda i: scenario.format(i=i))),
        "bank (one scenario, many turns)": ("bank", fill(bank_head + long_turns, lambda i: turn.format(i=i))),
        "bank (many turns, last loops: cycle)": ("bank", fill(bank_head + long_turns, lambda i: turn.format(i=i), LIMIT - 100) + "        next: t0\n"),
        "rubric (many rules)": ("rubric", fill(rubric_head, lambda i: rule.format(i=i))),
        "lexicon (many entries)": ("lexicon", fill(lexicon_head, lambda i: entry.format(i=i))),
        "answers (many answers)": ("answers", fill(answers_head, lambda i: answer.format(i=i))),
        "answers (many unknown keys)": ("answers", fill(unknown_head, lambda i: unknown.format(i=i))),
        "answers (duplicate keys)": ("answers", fill(dupes_head, lambda i: dupe.format(i=i))),
    }


def best_of(func, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'file':40} {'MB':>5} {'yaml.load':>10} {'loader':>9} {'ratio':>6}  outcome")
        for name, (kind, text) in kinds().items():
            path = Path(folder) / f"{kind}.yaml"
            path.write_text(text, encoding="utf-8")
            bare = best_of(lambda: yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))
            outcome = ["loaded"]

            def ours() -> None:
                try:
                    load_file(path, kind)
                    outcome[0] = "loaded"
                except InputError as exc:
                    outcome[0] = f"refused, {len(exc.problems)} problems shown"

            took = best_of(ours)
            ratio = took / bare
            worst = max(worst, ratio)
            print(f"{name:40} {len(text) / 1e6:5.1f} {bare:9.2f}s {took:8.2f}s {ratio:5.2f}x  {outcome[0]}")
        print()
        print("the reported cases, whole commands (start-up included) against a bare yaml.load:")
        cases = {
            "grade: answers with 200,000 unknown keys": (["grade"], "student: s\nanswers: []\n" + "".join(f"k{i}: {i}\n" for i in range(200_000))),
            "check: a 40,000-turn scenario": (["check"], "id: b\ntitle: B\nversion: '1'\nscenarios:\n  - id: s\n    title: S\n    turns:\n"
                                                + "".join(f"      - id: t{i}\n        client: Words of turn {i}.\n        skill: reflect_content\n" for i in range(40_000))),
        }
        for name, (command, text) in cases.items():
            path = Path(folder) / "case.yaml"
            path.write_text(text, encoding="utf-8")
            bare = best_of(lambda: yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader), runs=1)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "empathy_coach", *command, str(path)], capture_output=True, check=False)
            took = time.perf_counter() - start
            worst = max(worst, took / bare)
            print(f"{name:45} {len(text) / 1e6:4.1f} MB  yaml.load {bare:5.2f}s  command {took:5.2f}s  {took / bare:4.2f}x")
    print(f"worst ratio: {worst:.2f}x (target <= {TARGET:g}x): {'ok' if worst <= TARGET else 'ABOVE TARGET'}")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
