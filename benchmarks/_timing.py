"""What the benchmark scripts share: wall time of a command, run as an installed tool would be.

Children run without PYTHONDONTWRITEBYTECODE (set on some development machines): an installed
wheel has compiled bytecode, and the floor (`import typer`) is measured with its own bytecode too.
One warm-up run writes the bytecode and the content caches before anything is timed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def wall(cmd: list[str], runs: int = 21, env: dict[str, str] | None = None, stdin: bytes | None = None) -> float:
    """Median wall time of `cmd`, after one untimed warm-up run."""
    env = env or child_env()
    times = []
    for index in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        if index:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def walls(cmds: list[list[str]], runs: int = 15, env: dict[str, str] | None = None) -> list[float]:
    """Median wall time of each of `cmds`, run in turn (one of each, `runs` times), after one untimed
    warm-up round: a ratio between them is not skewed by a machine that gets busier or quieter."""
    env = env or child_env()
    times: list[list[float]] = [[] for _ in cmds]
    for index in range(runs + 1):
        for cmd, spent in zip(cmds, times, strict=True):
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
            if index:
                spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


def floor(runs: int = 21) -> float:
    """The start-up floor of any Typer CLI: `python -c "import typer"`."""
    return wall([sys.executable, "-c", "import typer"], runs)


def tool() -> list[str]:
    """The console script beside this interpreter (not a version-manager shim), else `python -m`."""
    script = os.path.join(os.path.dirname(sys.executable), "empathy-coach")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "empathy_coach"]
