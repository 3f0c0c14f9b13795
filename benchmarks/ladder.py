"""The ladder over the built-in library's rankings: the mean score and pass rate of each kind of reply.

Each reply of a turn's `rank:` is given its kind from the LABELS it was seeded from
(tools/seed_rankings.py), then scored with the turn's rubric. In-sample figures: the rubric and
the library were shaped together, so this is a consistency check, not validity.
Usage: PYTHONPATH=src python benchmarks/ladder.py
"""

import sys, statistics, collections, msgspec
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "tools"))
import seed_rankings as S
from empathy_coach.banks.catalog import Catalog
from empathy_coach.scoring.engine import scorer_for
cat = Catalog.discover([], user=False, builtin=True, strict=False)
kinds = collections.defaultdict(list); passed = collections.defaultdict(int); turns = 0; allok = 0
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
        for reply in t.rank:
            k = by_text.get(" ".join(reply.split()))
            res = sc.score(reply, turn=t, tags=tuple(ref.scenario.tags))
            kinds[k].append(res.score); passed[k] += res.passed
print(f"turns with a ranking: {turns}")
print("| kind | replies | mean score | share that passes |")
print("|---|---|---|---|")
for k in S.RUNGS + [None]:
    if kinds.get(k):
        v = kinds[k]; print(f"| {k} | {len(v)} | {statistics.mean(v):.1f} | {100*passed[k]/len(v):.0f} % |")
