"""Make the sample class for the docs: real `grade` output for twelve students over three weeks.

Each student answers turns of the built-in banks with replies taken from those turns' own
`examples` and `exemplars` (a weaker student picks the failing examples more often, and every
student improves a little each week). The answers are graded with `empathy-coach grade
--format jsonl`, one file per week, into tests/data/sample_class/, and two records carry a
student's flag (a disputed score) as `/flag` will write it. Deterministic (seeded).

    python benchmarks/make_sample_class.py            # rewrites tests/data/sample_class/*.jsonl
    empathy-coach report tests/data/sample_class -o class.html
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "sample_class"
STUDENTS = {  # name: skill, 0 (weak) .. 1 (strong)
    "Amara Okafor": 0.85, "Ben Hughes": 0.25, "Chloé Martin": 0.6, "Dev Patel": 0.45,
    "Elif Yılmaz": 0.75, "Finn O'Brien": 0.35, "Grace Lin": 0.9, "Hamza Ali": 0.55,
    "Isla Brown": 0.65, "Jonas Weber": 0.3, "Kemi Adeyemi": 0.7, "Luca Rossi": 0.5,
}  # fmt: skip
WEEKS = (("week1", ("everyday-stress",)), ("week2", ("anxiety-and-worry", "low-mood")), ("week3", ("ambivalence-and-change", "relationships-and-family")))
TURNS_PER_WEEK = 6
FLAGS = {("Ben Hughes", "week2", 1): "I reflected the worry first; the question came after.", ("Dev Patel", "week3", 0): "The client did say she felt stuck."}


def pools():
    sys.path.insert(0, str(ROOT / "src"))
    from empathy_coach.banks.catalog import Catalog

    catalog = Catalog.discover([], user=False)
    by_bank: dict[str, list] = {}
    for ref in catalog.scenarios():
        for turn in ref.scenario.turns:
            good, poor = [], []
            for example in turn.examples:
                (good if getattr(example, "passed", None) is not False else poor).append(example.reply)
            for exemplar in turn.exemplars:
                good.append(exemplar if isinstance(exemplar, str) else exemplar.reply)
            if good and poor:
                by_bank.setdefault(ref.bank.id, []).append((ref.scenario.id, turn.id, good, poor))
    return by_bank


def main() -> None:
    rng = random.Random(13)
    by_bank = pools()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for week_index, (week, banks) in enumerate(WEEKS):
            candidates = [t for bank in banks for t in by_bank.get(bank, [])]
            chosen = rng.sample(candidates, min(TURNS_PER_WEEK, len(candidates)))
            lines = []
            for student, skill in STUDENTS.items():
                level = min(skill + 0.08 * week_index, 0.97)
                for scenario, turn, good, poor in chosen:
                    reply = rng.choice(good) if rng.random() < level else rng.choice(poor)
                    lines.append({"id": f"{student}: {scenario}/{turn}", "student": student, "scenario": scenario, "turn": turn, "reply": " ".join(reply.split())})
            answers = Path(tmp) / f"{week}.jsonl"
            answers.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
            graded = subprocess.run(
                [sys.executable, "-m", "empathy_coach", "grade", str(answers), "--format", "jsonl"],
                capture_output=True, check=False, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "EMPATHY_COACH_HOME": tmp},
            )  # fmt: skip
            if graded.returncode not in (0, 1):
                raise SystemExit(graded.stderr.decode())
            records = []
            seen: dict[str, int] = {}
            for raw in graded.stdout.decode().splitlines():
                record = json.loads(raw)
                record["file"] = f"{week}/answers.jsonl"
                index = seen.get(record["student"], 0)
                seen[record["student"]] = index + 1
                note = FLAGS.get((record["student"], week, index))
                if note:
                    record["flag"] = note
                records.append(json.dumps(record, ensure_ascii=False))
            (OUT / f"{week}.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
            print(f"{week}: {len(records)} records")


if __name__ == "__main__":
    main()
