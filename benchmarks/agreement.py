"""Agreement of the behaviour coder with the hand-labelled set: accuracy and Cohen's kappa.

Usage: python benchmarks/agreement.py [--errors] [--split dev|holdout|all]
The set is split by client statement (a stable hash), so the held-out half measures what
tuning on the development half did not see.
"""

from __future__ import annotations

import argparse
import json
import zlib
from collections import Counter
from pathlib import Path

from empathy_coach.scoring.agreement import FOUR_CLASS, cohen_kappa, code_labelled

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "behaviour_labelled.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--split", default="all", choices=["dev", "holdout", "all"])
    args = parser.parse_args()
    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.split != "all":
        want = 0 if args.split == "dev" else 1
        records = [r for r in records if (zlib.crc32(r["client"].encode()) % 5 < 3) == (want == 0)]
    gold = [r["code"] for r in records]
    predicted = code_labelled(records)
    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold)
    four_gold = [FOUR_CLASS[g] for g in gold]
    four_pred = [FOUR_CLASS[p] for p in predicted]
    pairs = [(g, p) for g, p in zip(gold, predicted) if g in ("simple_reflection", "complex_reflection") and p in ("simple_reflection", "complex_reflection")]
    print(f"records: {len(records)} ({args.split})")
    print(f"12-code accuracy: {accuracy:.3f}  kappa: {cohen_kappa(gold, predicted):.3f}")
    print(f"4-class accuracy: {sum(a == b for a, b in zip(four_gold, four_pred)) / len(gold):.3f}  kappa: {cohen_kappa(four_gold, four_pred):.3f}")
    if pairs:
        print(f"simple vs complex (both coded reflection, n={len(pairs)}): kappa {cohen_kappa([g for g, _ in pairs], [p for _, p in pairs]):.3f}")
    confusion = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    print("most frequent confusions (gold -> predicted):")
    for (g, p), n in confusion.most_common(12):
        print(f"  {n:3d}  {g} -> {p}")
    if args.errors:
        for r, p in zip(records, predicted):
            if r["code"] != p:
                print(f"{r['id']} gold={r['code']} got={p} | {r['reply']}")


if __name__ == "__main__":
    main()
