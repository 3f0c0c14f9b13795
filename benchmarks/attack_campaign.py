"""An attack campaign by class, outside the test suite (it runs for minutes): counts inputs tried,
tracebacks, hangs, bad exit codes, damaged files and lost replies. Every figure but "inputs"
should be zero.

    PYTHONPATH=src python benchmarks/attack_campaign.py [--scale 1.0]

Classes:
- hostile JSON Lines records (escape codes, bidi controls, wrong types, huge and deep values)
  graded in every format;
- mutated banks and answers files (lines deleted, duplicated, swapped, bytes flipped) through
  `check` and `grade`;
- generated regular expressions through the screen, and the slowest rule time on hostile replies;
- `ulimit -f` at random sizes on `new --bank`, `grade -o` and `export -o`: the old file is intact
  or the new one complete, and no temporary file is left;
- kill -9 at random points of `grade -o`: the old file or a complete one;
- a database locked while a drill saves replies: replies kept, then stored.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))

from typer.testing import CliRunner  # noqa: E402

from empathy_coach.cli import app  # noqa: E402
from empathy_coach.literal import BIDI_CONTROLS  # noqa: E402

DANGEROUS = ["\x1b[2J", "\x1b]0;x\x07", "\x9b31m", "\u202e", "\u2066", "\r", "\x00", "\x08", "[bold]", "%0A", "::error::", "<![CDATA[", "]]>", "&amp;", "\ud800"]
UNSAFE_OUT = set("\x1b\x07\x9b\x08\x00") | set(BIDI_CONTROLS)
HANG_SECONDS = 20.0

tally = {"inputs": 0, "tracebacks": 0, "hangs": 0, "bad exit codes": 0, "raw control characters shown": 0, "damaged files": 0, "temporary files left": 0, "lost replies": 0}
examples: dict[str, str] = {}


def note(kind: str, detail: str) -> None:
    tally[kind] += 1
    examples.setdefault(kind, detail[:300])


def invoke(args: list[str], input: bytes | None = None) -> None:
    tally["inputs"] += 1
    start = time.perf_counter()
    result = CliRunner().invoke(app, args, input=input)
    took = time.perf_counter() - start
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        note("tracebacks", f"{args}: {type(result.exception).__name__}: {result.exception}")
    if took > HANG_SECONDS:
        note("hangs", f"{args}: {took:.1f}s")
    if result.exit_code not in (0, 1, 2):
        note("bad exit codes", f"{args}: {result.exit_code}")
    shown = result.output if args[:1] != ["grade"] or "-f" not in args else result.output
    if set(shown) & UNSAFE_OUT:
        note("raw control characters shown", f"{args}: {shown[:200]!r}")


def hostile(rng: random.Random) -> object:
    kind = rng.randrange(8)
    if kind == 0:
        return "".join(rng.choice(DANGEROUS) + rng.choice(["a", " ", "é", "👍"]) for _ in range(rng.randrange(1, 6)))
    if kind == 1:
        return rng.choice([None, True, 3, -1.5, 10**30, [], {}, [1, [2]], {"a": {"b": 1}}])
    if kind == 2:
        return "x" * rng.choice([0, 1, 4999, 5001, 60_000])
    if kind == 3:
        return "[" * rng.randrange(1, 3000)
    if kind == 4:
        return rng.choice(["You should stop.", "It sounds like you are exhausted.", "Why?", ""])
    return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(0, 40)))


def jsonl_class(rng: random.Random, folder: Path, rounds: int) -> None:
    bank = ROOT / "tests" / "data" / "grading" / "bank.yaml"
    for r in range(rounds):
        lines = []
        for _ in range(rng.randrange(5, 40)):
            odd_key = hostile(rng)
            keys = ["id", "reply", "client", "scenario", "turn", "student", "extra", odd_key if isinstance(odd_key, str) else "k"]
            record = {k: hostile(rng) for k in rng.sample(keys, rng.randrange(1, 6))}
            if rng.random() < 0.5:
                record.update({"reply": hostile(rng), "client": "I am so tired."})
            try:
                lines.append(json.dumps(record, ensure_ascii=rng.random() < 0.5))
            except (TypeError, ValueError):
                continue
            if rng.random() < 0.1:
                lines.append(rng.choice(["{", "[]", "null", "\xff\xfe", '{"id": 1, "reply": "a"'] ))
        path = folder / f"h{r}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
        tally["inputs"] += len(lines) - 1
        for fmt in ("text", "json", "jsonl", "junit", "github", "csv"):
            invoke(["grade", str(path), "--bank", str(bank), "-f", fmt] + (["--strict"] if rng.random() < 0.2 else []))


def mutate(rng: random.Random, text: bytes) -> bytes:
    lines = text.split(b"\n")
    for _ in range(rng.randrange(1, 6)):
        if not lines:
            break
        op = rng.randrange(6)
        i = rng.randrange(len(lines))
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3 and lines[i]:
            k = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:k] + bytes([rng.randrange(256)]) + lines[i][k + 1 :]
        elif op == 4:
            lines[i] = lines[i] + rng.choice([b" &a", b" *a", b" !!python/object:os.system", b" " + b"9" * 5000, b"\x1b[2J", "\u202e".encode(), b": [", b"  - x"])
        else:
            lines[i] = b"  " + lines[i]
    return b"\n".join(lines)


def yaml_class(rng: random.Random, folder: Path, rounds: int) -> None:
    seeds = [ROOT / "tests" / "data" / "grading" / "bank.yaml", ROOT / "prompts" / "rubrics" / "default.yaml", ROOT / "prompts" / "lexicons" / "markers.yaml"]
    answers = sorted((ROOT / "tests" / "data" / "grading").rglob("*.yaml"))
    for r in range(rounds):
        seed = rng.choice(seeds + answers)
        path = folder / f"m{r}{seed.suffix}"
        path.write_bytes(mutate(rng, seed.read_bytes()))
        if seed in answers and "bank" not in seed.name:
            invoke(["grade", str(path), "--bank", str(seeds[0])])
        else:
            invoke(["check", str(path), "--no-examples"] if r % 2 else ["check", str(path)])


def regex_class(rng: random.Random, rounds: int) -> float:
    import msgspec

    from empathy_coach.banks import kinds
    from empathy_coach.banks import models as m
    from empathy_coach.banks.regex import regex_problem
    from empathy_coach.scoring.engine import Scorer
    from empathy_coach.content.cache import builtin_lexicon

    lexicons = {name: builtin_lexicon(name) for name in ("emotions", "roadblocks", "markers")}
    atoms = ["a", "b", r"\w", r"\s", ".", "[ab]", " ", "!", r"\b", "(?:a|ab)", "(?:a|a)", "(?:aa|a)"]
    quants = ["", "", "*", "+", "?", "{1,50}", "{0,40}", "{1,20}", "{2}", "*?"]

    def pattern(depth: int = 3) -> str:
        out = ""
        for _ in range(rng.randrange(1, 4)):
            atom = f"(?:{pattern(depth - 1)})" if depth and rng.random() < 0.4 else rng.choice(atoms)
            out += atom + rng.choice(quants)
        return out

    slowest = 0.0
    original = kinds.REGISTRY["pattern"]
    for _ in range(rounds):
        text = pattern()
        try:
            re.compile(text)
        except re.error:
            continue
        tally["inputs"] += 1
        regex_problem(text)
        rubric = msgspec.convert({"id": "t", "pass_score": 60, "rules": [{"id": "rx", "kind": "pattern", "regex": [text]}]}, m.Rubric)
        took: list[float] = []

        def timed(rule, ctx):
            start = time.thread_time()
            try:
                return original(rule, ctx)
            finally:
                took.append(time.thread_time() - start)

        kinds.REGISTRY["pattern"] = timed
        try:
            reply = "So " + rng.choice(["a", "ab", "a ", "aa!", "word "]) * rng.randrange(10, 1200)
            Scorer(rubric, lexicons).score(reply[:5000], client="I feel so tired.")
        finally:
            kinds.REGISTRY["pattern"] = original
        if took:
            slowest = max(slowest, took[0])
            if took[0] > 0.1:
                note("hangs", f"pattern {text!r}: {took[0] * 1000:.0f} ms")
    return slowest


def cli(args: list[str], home: Path, fsize: int | None = None, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(SRC), EMPATHY_COACH_HOME=str(home))

    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    tally["inputs"] += 1
    proc = subprocess.run([sys.executable, "-m", "empathy_coach", *map(str, args)], env=env, capture_output=True, preexec_fn=limit, timeout=120, **kw)
    if b"Traceback" in proc.stderr:
        note("tracebacks", f"{args}: {proc.stderr[-300:]!r}")
    if proc.returncode not in (0, 1, 2):
        note("bad exit codes", f"{args}: {proc.returncode}")
    return proc


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.tmp")]


def fault_class(rng: random.Random, folder: Path, home: Path, rounds: int) -> None:
    big_bank = ROOT / "prompts" / "banks" / "anxiety-and-worry.yaml"
    answers = folder / "many.jsonl"
    answers.write_text("".join(json.dumps({"id": str(i), "client": "Nobody listens at work.", "reply": f"You feel unheard, {i}."}) + "\n" for i in range(600)))
    for r in range(rounds):
        target = folder / f"bank{r}.yaml"
        target.write_bytes(big_bank.read_bytes())
        before = target.read_bytes()
        cli(["new", "scenario", f"x{r}", "--bank", target], home, fsize=rng.randrange(1000, 70_000), cwd=folder)
        after = target.read_bytes()
        if after != before and not after.startswith(before):
            note("damaged files", f"new --bank under ulimit: {len(before)} -> {len(after)} bytes")
        out = folder / f"out{r}.json"
        out.write_text("old")
        proc = cli(["grade", answers, "-f", rng.choice(["json", "jsonl", "junit", "csv"]), "-o", out], home, fsize=rng.randrange(1000, 400_000))
        if proc.returncode == 2 and out.read_text() != "old":
            note("damaged files", f"grade -o under ulimit changed the old report ({out.stat().st_size} bytes)")
        if leftovers(folder):
            note("temporary files left", str(leftovers(folder)))
            for p in leftovers(folder):
                p.unlink()
    for r in range(rounds):
        out = folder / f"killed{r}.jsonl"
        out.write_bytes(b"old\n")
        env = dict(os.environ, PYTHONPATH=str(SRC), EMPATHY_COACH_HOME=str(home))
        tally["inputs"] += 1
        proc = subprocess.Popen([sys.executable, "-m", "empathy_coach", "grade", str(answers), "-f", "jsonl", "-o", str(out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = out.read_bytes()
        if data != b"old\n" and len(data.splitlines()) != 600:
            note("damaged files", f"grade -o killed: {len(data)} bytes")
        for p in leftovers(folder):  # a kill -9 cannot clean up: counted apart, removed
            p.unlink()


def lost_reply_class(home: Path, rounds: int) -> None:
    from empathy_coach.practice import plan
    from empathy_coach.practice import session as s
    from empathy_coach.content.catalog import drill_catalog
    from empathy_coach.scoring.engine import scorer_for
    from empathy_coach.store import db, open_store
    from empathy_coach.store.journal import Journal, journal_path, replay

    os.environ["EMPATHY_COACH_HOME"] = str(home)
    db.BUSY_TIMEOUT_SECONDS = 0.05
    catalog = drill_catalog([])
    scenario = catalog.scenarios()[0].scenario.id
    typed = 0
    for r in range(rounds):
        store = open_store(home / "progress.sqlite3")
        drill = s.Drill(plan.named(catalog, [scenario]), scorer=lambda ref: scorer_for(catalog, ref), store=store, journal=Journal(journal_path(home, pid=10_000 + r)))
        drill.start()
        holder = None
        for k in range(6):
            if k == 1:
                holder = sqlite3.connect(str(home / "progress.sqlite3"), isolation_level=None)
                holder.execute("BEGIN EXCLUSIVE")
            if k == 4 and r % 2 and holder is not None:
                holder.execute("ROLLBACK")
                holder.close()
                holder = None
            if drill.finished:
                break
            drill.handle(f"It sounds like you are worn out, round {r} reply {k}.")
            typed += 1
            tally["inputs"] += 1
        drill.finish("quit")
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
        store.close()
    with open_store(home / "progress.sqlite3") as store:
        replay(store, home)
        stored = len(store.attempts())
    if stored != typed:
        note("lost replies", f"{typed} replies typed, {stored} stored")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    n = lambda k: max(1, int(k * args.scale))  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        home = folder / "home"
        home.mkdir()
        os.environ["EMPATHY_COACH_HOME"] = str(home)
        started = time.perf_counter()
        jsonl_class(rng, folder, n(40))
        yaml_class(rng, folder, n(400))
        slowest = regex_class(rng, n(1500))
        fault_class(rng, folder, home, n(8))
        lost_reply_class(folder / "drill-home", n(6)) if (folder / "drill-home").mkdir() is None else None
        took = time.perf_counter() - started
    for kind, count in tally.items():
        print(f"{kind:32} {count:7,}" + (f"   e.g. {examples[kind]}" if kind in examples else ""))
    print(f"slowest pattern rule on a reply: {slowest * 1000:.1f} ms (limit 100 ms)")
    print(f"campaign time: {took:.0f} s")
    bad = sum(v for k, v in tally.items() if k != "inputs")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
