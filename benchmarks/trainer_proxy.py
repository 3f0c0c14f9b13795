"""The issue's trainer targets, measured on a stand-in for the trainer's held-out set.

    python benchmarks/trainer_proxy.py [--final] [--list]

`tests/data/trainer_proxy.jsonl`: 60 client statements, each with a good simple reflection, a good
complex reflection and five replies an MI trainer rejects, each of a different kind drawn from
eleven (parroting, a polite directive, a judgement as a statement, a sympathy formula, a platitude,
reassurance, information, a question, a reflection then a question, self-disclosure, changing the
subject).
It was written for this purpose by a writer who had not seen the scorer, the rubrics or the
library, in an MI trainer's style. Every reply is scored with the generic rubric, as
`empathy-coach score --client` does.

Half the statements are `develop` (looked at while working); the other half, `holdout`, is scored
only with --final, at the end of a piece of work. Printed: the share of good replies that fail and
of rejected replies that pass, the AUC of good against rejected, the statements where every good
reply outscores every rejected one, the mean score and pass rate of each kind, and the 4-class
agreement of the coder with the kinds (reflection, question, information or advice, other).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from empathy_coach.scoring.agreement import FOUR_CLASS, cohen_kappa  # noqa: E402
from empathy_coach.scoring.engine import default_scorer  # noqa: E402

DATA = ROOT / "tests" / "data" / "trainer_proxy.jsonl"
GOOD = ("complex", "simple")
# The 4-class code each kind of reply is (MITI 4.2.1 as docs/coding-guide.md reads it).
KIND_CLASS = {"simple": "reflection", "complex": "reflection", "parroting": "reflection", "polite_directive": "information_advice",
              "information": "information_advice", "question": "question", "reflection_question": "question", "judgement": "other",
              "sympathy": "other", "platitude": "other", "reassurance": "other", "off_topic": "other", "self_disclosure": "other"}
# The targets on the trainer's set.
TARGETS = "good failing < 10 %, rejected passing < 10 %, AUC >= 0.97, separated in >= 89 % of statements (40 of 45), complex >= simple > parroting"


def measure(records: list[dict]) -> dict:
    scorer = default_scorer("generic")
    scores: dict[str, list[float]] = defaultdict(list)
    passes: dict[str, int] = defaultdict(int)
    good: list[float] = []
    rejected: list[float] = []
    separated = 0
    gold: list[str] = []
    coded: list[str] = []
    rows = []
    for record in records:
        mine_good, mine_bad = [], []
        for item in record["replies"]:
            result = scorer.score(item["reply"], client=record["client"])
            kind = item["kind"]
            scores[kind].append(result.score)
            passes[kind] += result.passed
            (mine_good if kind in GOOD else mine_bad).append(result.score)
            gold.append(KIND_CLASS[kind])
            coded.append(FOUR_CLASS[result.behaviour])
            rows.append((record["id"], kind, result.score, result.passed, result.behaviour, item["reply"]))
        separated += min(mine_good) > max(mine_bad)
        good += mine_good
        rejected += mine_bad
    auc = sum((g > b) + 0.5 * (g == b) for g in good for b in rejected) / (len(good) * len(rejected))
    return {
        "statements": len(records),
        "good_failing": (len(good) - sum(passes[k] for k in GOOD), len(good)),
        "rejected_passing": (sum(v for k, v in passes.items() if k not in GOOD), len(rejected)),
        "auc": auc,
        "separated": separated,
        "kinds": {k: (len(v), statistics.mean(v), passes[k] / len(v)) for k, v in scores.items()},
        "kappa_4": cohen_kappa(gold, coded),
        "rows": rows,
    }


def report(name: str, m: dict) -> None:
    gf, g = m["good_failing"]
    rp, r = m["rejected_passing"]
    n = m["statements"]
    print(f"{name}: {n} statements, {g} good and {r} rejected replies")
    print(f"  good replies that fail: {gf} of {g} ({gf / g:.0%}); rejected replies that pass: {rp} of {r} ({rp / r:.0%})")
    print(f"  AUC good against rejected: {m['auc']:.3f}; every good above every rejected: {m['separated']} of {n} ({m['separated'] / n:.0%})")
    print(f"  coder against the kinds, 4-class kappa: {m['kappa_4']:.3f}")
    print("  | kind | replies | mean score | passes |")
    print("  |---|---|---|---|")
    for kind, (count, mean, share) in sorted(m["kinds"].items(), key=lambda kv: -kv[1][1]):
        print(f"  | {kind} | {count} | {mean:.1f} | {share:.0%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--final", action="store_true", help="also score the held-out half (once, at the end)")
    parser.add_argument("--list", action="store_true", help="list every develop reply with its score and code")
    args = parser.parse_args()
    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(f"targets on the trainer's set: {TARGETS}")
    develop = measure([r for r in records if r["part"] == "develop"])
    report("develop", develop)
    if args.list:
        for row in develop["rows"]:
            print(" | ".join(str(x) if not isinstance(x, float) else f"{x:.1f}" for x in row))
    if args.final:
        report("holdout", measure([r for r in records if r["part"] == "holdout"]))


if __name__ == "__main__":
    main()
