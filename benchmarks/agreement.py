"""Agreement of the behaviour coder with people's codes, measured where it was not fitted.

    python benchmarks/agreement.py [--folds 5] [--final] [--json]

- Grouped cross-validation on the coded corpus and the in-house replies (folds by CounselChat
  thread or by client statement, so the same context never sits on both sides), with the banks'
  labelled examples in training only; figures per source and the corpus confusion matrix.
- The in-house labelled set (tests/data/behaviour_labelled.jsonl) as a separate test of the
  shipped coder: none of it is used in fitting.
- The inter-coder kappa of the double-coded sample (prompts/coder/double-coded.jsonl).
- With --final only: the held-out part (records marked "part": "holdout"), never used while
  building the coder, scored by the shipped coder. Run it at the end of a piece of work, not while tuning.

Needs ../shared/corpora/counselchat/threads.jsonl beside the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from empathy_coach.grading.coded import CodedSet, bank_replies, read_coded  # noqa: E402
from empathy_coach.scoring.agreement import cohen_kappa, FOUR_CLASS  # noqa: E402
from empathy_coach.scoring.coder.evaluate import agreement, confusion_lines  # noqa: E402
from empathy_coach.scoring.coder.fit import fit  # noqa: E402
from empathy_coach.scoring.coder.train import code_units, examples, grouped_split, with_weights  # noqa: E402
from empathy_coach.scoring.assets import builtin_coder, unfitted_coder  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "counselchat" / "threads.jsonl"
CODER = ROOT / "prompts" / "coder"
TARGET_KAPPA4, TARGET_SIMPLE_COMPLEX = 0.70, 0.45
SPAN_WEIGHT = 0.4  # as `coder fit`'s default: a corpus sentence against a coded reply


def develop_sets() -> tuple[CodedSet, CodedSet]:
    coded = read_coded(sorted(CODER.glob("*-codes.jsonl")), CORPUS)
    develop = CodedSet([r for r in coded.replies if r.part == "develop"], [a for a in coded.answers if a.part == "develop"])
    holdout = CodedSet([r for r in coded.replies if r.part == "holdout"], [a for a in coded.answers if a.part == "holdout"])
    return develop, holdout


def cross_validate(develop: CodedSet, folds: int) -> dict:
    base = unfitted_coder()
    banks = bank_replies([ROOT / "prompts" / "banks"])
    by_source: dict[str, tuple[list[str], list[str]]] = {"corpus": ([], []), "in-house": ([], [])}
    for train, test in grouped_split(develop, folds):
        train.replies.extend(banks)
        weights = fit(examples(base, train, part=None, span_weight=SPAN_WEIGHT))
        model = with_weights(base, weights)
        gold, got, _ = code_units(model, CodedSet([], test.answers))
        by_source["corpus"][0].extend(gold)
        by_source["corpus"][1].extend(got)
        gold, got, _ = code_units(model, CodedSet(test.replies, []))
        by_source["in-house"][0].extend(gold)
        by_source["in-house"][1].extend(got)
    all_gold = by_source["corpus"][0] + by_source["in-house"][0]
    all_got = by_source["corpus"][1] + by_source["in-house"][1]
    out = {name: agreement(g, c) for name, (g, c) in by_source.items()}
    out["all"] = agreement(all_gold, all_got)
    return out


def double_coded() -> dict:
    rows = [json.loads(line) for line in (CODER / "double-coded.jsonl").read_text().splitlines() if line.strip()]
    first, second = [r["first"] for r in rows], [r["second"] for r in rows]
    return {"n": len(rows), "kappa_12": round(cohen_kappa(first, second), 4),
            "kappa_4": round(cohen_kappa([FOUR_CLASS[c] for c in first], [FOUR_CLASS[c] for c in second]), 4),
            "disagreements": sum(a != b for a, b in zip(first, second))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--final", action="store_true", help="also score the held-out part (once, at the end)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    develop, holdout = develop_sets()
    cv = cross_validate(develop, args.folds)
    report: dict = {"cross_validation": {k: v.to_builtins() for k, v in cv.items()}}
    labelled = read_coded([ROOT / "tests" / "data" / "behaviour_labelled.jsonl"])
    gold, got, _ = code_units(builtin_coder(), labelled)
    report["labelled_set"] = agreement(gold, got).to_builtins()
    report["inter_coder"] = double_coded()
    if args.final:
        report["holdout"] = {}
        for name, part in (("corpus", CodedSet([], holdout.answers)), ("in-house", CodedSet(holdout.replies, []))):
            gold, got, _ = code_units(builtin_coder(), part)
            if gold:
                report["holdout"][name] = agreement(gold, got).to_builtins()
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    corpus = cv["corpus"]
    print(f"Grouped {args.folds}-fold cross-validation (folds by thread / client statement):")
    for name, result in cv.items():
        sc = "n/a" if result.simple_complex_kappa is None else f"{result.simple_complex_kappa:.3f}"
        print(f"  {name:<9} n={result.n:<5} 12-code kappa {result.kappa:.3f}  4-class kappa {result.kappa4:.3f}"
              f" (target {TARGET_KAPPA4}, ratio {result.kappa4 / TARGET_KAPPA4:.2f})  simple/complex kappa {sc}")
    print("  corpus confusion (rows: people; columns: coder):")
    for line in confusion_lines(corpus):
        print("    " + line)
    lab = report["labelled_set"]
    print(f"In-house labelled set (separate test, shipped coder): n={lab['n']} 12-code kappa {lab['kappa_12']:.3f} 4-class kappa {lab['kappa_4']:.3f}")
    ic = report["inter_coder"]
    print(f"Inter-coder (double-coded sample): n={ic['n']} 12-code kappa {ic['kappa_12']:.3f} 4-class kappa {ic['kappa_4']:.3f}")
    for name, result in report.get("holdout", {}).items():
        print(f"Held-out part, {name}: n={result['n']} 12-code kappa {result['kappa_12']:.3f} 4-class kappa {result['kappa_4']:.3f}")
    print(f"({report['seconds']} s)")


if __name__ == "__main__":
    main()
