"""The class report's cost: `empathy-coach report FILES -o class.html` on a generated class.

Two classes, each as four assignment files of `grade --format jsonl` records:

- 300 students x 40 replies (12,000 records), the size the issue names;
- 100,000 records (2,500 students x 40 replies).

Records are real `grade` output (the sample class in tests/data/sample_class, made by
make_sample_class.py) re-labelled with a generated student and assignment and a jittered score,
so each keeps its full size (acts, roadblocks, every rule with its spans). For each class and
format (html, json) the script prints the wall time, the CPU time (user + system: what the run
costs when other work shares the machine) and the peak RSS of the command (os.wait4),
with their ratios to the targets: <= 10 s and < 200 MB for 100,000 records.

    python benchmarks/class_report.py [--formats html json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "sample_class"
TARGET_SECONDS = 10.0
TARGET_MB = 200.0
ASSIGNMENTS = ("week1", "week2", "week3", "week4")


def generate(folder: Path, students: int, per_student: int, seed: int = 5) -> tuple[list[Path], int]:
    templates = [json.loads(line) for path in sorted(SAMPLE.glob("*.jsonl")) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    per_assignment = per_student // len(ASSIGNMENTS)
    files = []
    size = 0
    for assignment in ASSIGNMENTS:
        path = folder / f"{assignment}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for s in range(students):
                for r in range(per_assignment):
                    record = dict(rng.choice(templates))
                    record["student"] = f"student-{s:04d}"
                    record["id"] = f"{assignment}-{s}-{r}"
                    score = min(100.0, max(0.0, record["score"] + rng.uniform(-8, 8)))
                    record["score"] = round(score, 1)
                    record["passed"] = score >= 60
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
        files.append(path)
        size += path.stat().st_size
    return files, size


def run(files: list[Path], target: Path) -> tuple[float, float, float, int]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT / "src")
    command = [sys.executable, "-m", "empathy_coach", "report", *map(str, files), "-o", str(target), "-b", str(SAMPLE)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"report failed ({process.returncode}): {process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, target.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", nargs="+", default=["html", "json"])
    args = parser.parse_args()
    print(f"targets: <= {TARGET_SECONDS:g} s and < {TARGET_MB:g} MB peak RSS for 100,000 records")
    with tempfile.TemporaryDirectory() as tmp:
        for label, students, per_student in (("300 students x 40 replies", 300, 40), ("100,000 records (2,500 x 40)", 2500, 40)):
            folder = Path(tmp) / f"class-{students}"
            folder.mkdir()
            files, size = generate(folder, students, per_student)
            records = students * per_student
            print(f"\n{label}: {records:,} records, {size / 1e6:.0f} MB of grade output in {len(files)} files")
            for fmt in args.formats:
                target = Path(tmp) / f"class-{students}.{fmt}"
                run(files[:1], target)  # warm: bytecode and the bank cache
                elapsed, cpu, peak, out_size = run(files, target)
                print(
                    f"  {fmt:4}  {elapsed:6.2f} s ({elapsed / TARGET_SECONDS:.2f} of the target; CPU {cpu:.2f} s)  "
                    f"peak {peak:6.1f} MB ({peak / TARGET_MB:.2f} of the target)  "
                    f"{records / elapsed:,.0f} records/s  output {out_size / 1e6:.1f} MB"
                )


if __name__ == "__main__":
    main()
