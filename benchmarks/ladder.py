"""The ladder over the built-in library's rankings: the mean score and pass rate of each kind of reply.

Each reply of a turn's `rank:` is given its kind from the LABELS it was seeded from
(benchmarks/seed_rankings.py), then scored with the turn's rubric. In-sample figures: the rubric and
the library were shaped together, so this is a consistency check, not validity.
Usage: PYTHONPATH=src python benchmarks/ladder.py
"""

import sys, statistics, collections, msgspec
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "tools"))
import seed_rankings as S
from empathy_coach.banks.catalog import Catalog
from empathy_coach.scoring.engine import scorer_for
cat = Catalog.discover([], user=False, builtin=True, strict=False)
import json
from pathlib import Path
LEFT = {(r["scenario"], r["turn"]): r["left_out"] for r in (json.loads(x) for x in (Path(__file__).resolve().parents[1] / "tests/data/rank_left_out.jsonl").read_text(encoding="utf-8").splitlines())}
kinds = collections.defaultdict(list); passed = collections.defaultdict(int); turns = 0; allok = 0
good_scores, bad_scores = [], []
for ref in cat.scenarios():
    sc = scorer_for(cat, ref)
    for t in ref.scenario.turns:
        if not t.rank: continue
        turns += 1
        raw = msgspec.to_builtins(t)
        ch = {}
        for ex in raw.get("examples") or []:
            r = S.rung_of(ex.get("behaviour"), ex.get("roadblocks") or [], ex.get("passed"))
            if r and r not in ch: ch[r] = " ".join(ex["reply"].split())
        for ex in raw.get("exemplars") or []:
            rep, b = (ex, "complex_reflection") if isinstance(ex, str) else (ex["reply"], ex.get("behaviour", "complex_reflection"))
            r = S.BY_BEHAVIOUR.get(b) if b in ("complex_reflection", "simple_reflection") else None
            if r and r not in ch: ch[r] = " ".join(rep.split())
        if S.plain_statement(raw["client"]): ch.setdefault("parroting", S.parrot(raw["client"]))
        for r, rep in S.WRITTEN.items(): ch.setdefault(r, rep)
        by_text = {v: k for k, v in ch.items()}
        good, bad = [], []
        for reply in list(t.rank) + LEFT.get((ref.scenario.id, t.id), []):
            k = by_text.get(" ".join(reply.split()))
            res = sc.score(reply, turn=t, tags=tuple(ref.scenario.tags))
            kinds[k].append(res.score); passed[k] += res.passed
            (good if k in ("complex", "simple") else bad).append(res)
        allok += bool(good and bad) and min(g.score for g in good) > max(b.score for b in bad)
        good_scores += [g.score for g in good]; bad_scores += [b.score for b in bad]
        passed["good-failed"] += sum(not g.passed for g in good); passed["bad-passed"] += sum(b.passed for b in bad)
print(f"turns with a ranking: {turns} (the replies left out of the banks, tests/data/rank_left_out.jsonl, counted too)")
pairs = sum((g > b) + 0.5 * (g == b) for g in good_scores for b in bad_scores)
print(f"good (reflection) replies that fail: {passed['good-failed']} of {len(good_scores)}; rejected replies that pass: {passed['bad-passed']} of {len(bad_scores)}")
print(f"AUC good against rejected: {pairs / (len(good_scores) * len(bad_scores)):.4f}; turns where every good reply outscores every rejected one: {allok} of {turns}")
print("| kind | replies | mean score | share that passes |")
print("|---|---|---|---|")
for k in S.RUNGS + [None]:
    if kinds.get(k):
        v = kinds[k]; print(f"| {k} | {len(v)} | {statistics.mean(v):.1f} | {100*passed[k]/len(v):.0f} % |")
