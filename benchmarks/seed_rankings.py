"""Seed a `rank:` on every built-in turn that has examples (run once; the lists are then edited by hand).

The order comes from the LABELS people gave, never from the scorer: each reply is placed on the
ladder of docs/scoring.md by its labelled behaviour and roadblocks (an exemplar or an example
expected to pass stands on its behaviour's rung). One reply per rung, best first:

  complex reflection (a passing example or exemplar) > simple reflection (the simple exemplar) >
  parroting (the client's statement given back whole, pronouns turned) > open question or
  affirmation > closed question > information > advice > reassurance / changing the subject >
  judging, confronting or ordering.

A rung the turn's own replies do not fill gets a reply written for that kind (WRITTEN below),
the same for every turn. Usage: PYTHONPATH=src python benchmarks/seed_rankings.py prompts/banks/*.yaml
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

RUNGS = ["complex", "simple", "parroting", "open", "closed", "information", "advice", "soothing", "judging"]
BY_BEHAVIOUR = {
    "complex_reflection": "complex", "simple_reflection": "simple", "open_question": "open", "affirm": "open",
    "seek_collaboration": "open", "emphasize_autonomy": "open", "closed_question": "closed",
    "giving_information": "information", "persuade_with_permission": "advice", "persuade": "advice",
    "other": "soothing", "confront": "judging",
}
BY_ROADBLOCK = {
    "persuading": "information", "interpreting": "information", "advising": "advice",
    "reassuring": "soothing", "withdrawing": "soothing",
    "judging": "judging", "moralizing": "judging", "disagreeing": "judging", "ordering": "judging", "warning": "judging",
}
WRITTEN = {
    "open": "What's that been like for you?",
    "closed": "Has this been going on for long?",
    "information": "Research shows this kind of thing is very common.",
    "advice": "You should talk to someone you trust about it.",
    "soothing": "I'm sure everything will work out fine.",
    "judging": "Honestly, you're overreacting.",
}
_TURN = [(r"\bI'm\b", "you're"), (r"\bI am\b", "you are"), (r"\bI've\b", "you've"), (r"\bI'd\b", "you'd"), (r"\bI'll\b", "you'll"),
         (r"\bI\b", "you"), (r"\bmy\b", "your"), (r"\bMy\b", "Your"), (r"\bme\b", "you"), (r"\bmyself\b", "yourself"), (r"\bmine\b", "yours")]


def parrot(client: str) -> str:
    text = " ".join(client.split())
    for pattern, repl in _TURN:
        text = re.sub(pattern, repl, text)
    text = re.sub(r"([.!?] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    first = text.split()[0].lower()
    return "So " + (text[0].lower() + text[1:] if first in ("you", "your", "you're", "you've", "you'd", "you'll", "it", "it's", "the", "and", "but", "yeah", "honestly", "well", "everyone", "everyone's", "yes", "see", "one", "ha", "lol", "so", "then", "maybe", "that", "that's", "this", "there", "they", "they've", "they're") else text)


def plain_statement(client: str) -> bool:
    """Whether the client's words can be given back whole as a clean echo: a statement (no question,
    no quoted speech) short enough for one reply."""
    words = client.split()
    return len(words) <= 40 and not any(mark in client for mark in ('?', '"', "'s not", "should"))


def rung_of(behaviour: str | None, roadblocks: list[str], passed: bool | None) -> str | None:
    if passed:
        # A passing reply that is not a plain reflection (a safety rubric's reflection and direct
        # question): its label does not say which reflection rung it stands on.
        return BY_BEHAVIOUR.get(behaviour or "complex_reflection") if behaviour in (None, "complex_reflection", "simple_reflection") else None
    found = [BY_ROADBLOCK[r] for r in roadblocks if r in BY_ROADBLOCK]
    own = BY_BEHAVIOUR.get(behaviour) if behaviour else None
    if own in ("complex", "simple"):
        own = None  # a reflection expected to fail: its label does not say where it stands
    candidates = [c for c in found + ([own] if own else [])]
    return max(candidates, key=RUNGS.index) if candidates else None


def ranking(turn: dict) -> list[str]:
    chosen: dict[str, str] = {}
    for ex in turn.get("examples") or []:
        rung = rung_of(ex.get("behaviour"), ex.get("roadblocks") or [], ex.get("passed"))
        if rung and rung not in chosen:
            chosen[rung] = ex["reply"]
    for ex in turn.get("exemplars") or []:
        reply, behaviour = (ex, "complex_reflection") if isinstance(ex, str) else (ex["reply"], ex.get("behaviour", "complex_reflection"))
        # An exemplar is a model that passes: one coded as a question is a reflection then a question
        # the rubric welcomes (the safety bank's), whose rung its label does not say.
        rung = BY_BEHAVIOUR.get(behaviour) if behaviour in ("complex_reflection", "simple_reflection") else None
        if rung and rung not in chosen:
            chosen[rung] = reply
    if plain_statement(turn["client"]):
        chosen.setdefault("parroting", parrot(turn["client"]))
    for rung, reply in WRITTEN.items():
        chosen.setdefault(rung, reply)
    return [" ".join(chosen[r].split()) for r in RUNGS if r in chosen]


def seed(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    root = yaml.compose(text)
    inserts: list[tuple[int, list[str]]] = []
    for key, value in root.value:
        if key.value != "scenarios":
            continue
        for scenario in value.value:
            for skey, svalue in scenario.value:
                if skey.value != "turns":
                    continue
                for turn_node in svalue.value:
                    keys = {k.value: v for k, v in turn_node.value}
                    if "examples" not in keys or "rank" in keys:
                        continue
                    turn = yaml.safe_load(yaml.serialize(turn_node))
                    indent = " " * turn_node.value[0][0].start_mark.column
                    end = keys["examples"].end_mark.line  # the line of the next token: insert before it
                    if keys["examples"].end_mark.column > 0 and end == len(lines) - 1 and lines[end].strip() and not lines[end].lstrip().startswith(("-", "#")):
                        end += 1
                    while end > 0 and (lines[end - 1].strip() == "" or lines[end - 1].lstrip().startswith("#")):
                        end -= 1
                    block = [f"{indent}rank:  # best first (seeded by benchmarks/seed_rankings.py from the labels above)"]
                    for reply in ranking(turn):
                        block.append(f"{indent}  - {yaml.safe_dump(reply, width=10_000, allow_unicode=True).strip().removesuffix('...').strip()}")
                    inserts.append((end, block))
    for line, block in sorted(inserts, reverse=True):
        lines[line:line] = block
    path.write_text("\n".join(lines), encoding="utf-8")
    return len(inserts)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, seed(Path(name)))
