"""Shared tools for the adversarial suite: the CLI in a subprocess, with limits and faults."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")
BANKS = Path(__file__).resolve().parents[2] / "prompts" / "banks"


def env_for(home: Path, **extra: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["EMPATHY_COACH_HOME"] = str(home)
    env.pop("NO_COLOR", None)
    env.update(extra)
    return env


def run_cli(args, home: Path, *, stdin=None, input: bytes | None = None, stdout=subprocess.PIPE, fsize: int | None = None,
            cwd: Path | None = None, timeout: float = 60, **extra_env: str) -> subprocess.CompletedProcess:
    """`empathy-coach ARGS` in a fresh interpreter; `fsize` sets RLIMIT_FSIZE (`ulimit -f`) in bytes."""

    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-m", "empathy_coach", *map(str, args)],
        stdin=stdin,
        input=input,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env_for(home, **extra_env),
        cwd=cwd,
        timeout=timeout,
        preexec_fn=limit,
    )


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")[-2000:]


def leftovers(folder: Path) -> list[str]:
    """Temporary files the atomic writer would leave behind."""
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


@pytest.fixture
def home(isolated_home: Path) -> Path:
    """The user folder EMPATHY_COACH_HOME points at (in this process and in subprocesses)."""
    return isolated_home
