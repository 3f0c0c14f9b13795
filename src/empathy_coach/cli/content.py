"""Commands that browse and author content: banks, list, show, schema, new."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from empathy_coach.cli.common import ListFormat, UsageError, bank_paths, catalog, console, guarded, write_json
from empathy_coach.literal import printable

BANK_OPTION = typer.Option(None, "--bank", "-b", help="A bank file or folder to load as well (repeatable).")
QUIET_OPTION = typer.Option(False, "--quiet", "-q", help="Ids only, one a line (for scripts and shell completion).")




class SchemaKind(StrEnum):
    bank = "bank"
    rubric = "rubric"
    lexicon = "lexicon"
    answers = "answers"
    result = "result"
    report = "report"


def register(app: typer.Typer) -> None:
    app.command("banks")(banks_command)
    app.command("list")(list_command)
    app.command("show")(show_command)
    app.command("schema")(schema_command)
    app.command("new")(new_command)


@guarded
def banks_command(
    paths: list[str] | None = typer.Argument(None, help="Extra bank files or folders."),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="text or json."),
    quiet: bool = QUIET_OPTION,
) -> None:
    """List the scenario banks that are available (explicit, user, built-in)."""
    cat = catalog(bank_paths(paths, "banks"))
    rows = [
        {
            "id": b.value.id,
            "title": b.value.title,
            "scenarios": len(b.value.scenarios),
            "version": str(b.value.version),
            "source": b.source,
            "path": b.path,
        }
        for b in cat.banks
    ]
    if fmt is ListFormat.json:
        write_json({"banks": rows})
        return
    if quiet:
        print("\n".join(printable(row["id"]) for row in rows))
        return
    from empathy_coach.reports.listing import banks_table

    out = console()
    out.print(banks_table(rows, out.width))


MAX_TABLE_ROWS = 300  # past this, rich's table layout costs seconds: aligned plain lines instead


def _plain_rows(rows: list[dict]) -> None:
    """One aligned line per scenario, written as it goes (linear in the rows, no table layout)."""
    columns = ("id", "title", "bank", "difficulty", "turns", "tags")
    cells = [[printable(str(row[c] if c != "tags" else ", ".join(row["tags"]))) for c in columns] for row in rows]
    widths = [min(40, max([len(c)] + [len(line[i]) for line in cells])) for i, c in enumerate(columns)]
    write = sys.stdout.write
    write(f"{len(rows)} scenarios\n")
    write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=False)).rstrip() + "\n")
    for line in cells:
        write("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=False)).rstrip() + "\n")


@guarded
def list_command(
    tag: list[str] | None = typer.Option(None, "--tag", "-t", help="Only scenarios with this tag (repeatable: all must match)."),
    difficulty: str | None = typer.Option(None, "--difficulty", "-d", help="beginner, intermediate or advanced."),
    skill: str | None = typer.Option(None, "--skill", "-s", help="Only scenarios with a turn that trains this skill."),
    bank: list[str] | None = BANK_OPTION,
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="text or json."),
    quiet: bool = QUIET_OPTION,
) -> None:
    """List scenarios, optionally filtered by tag, difficulty or skill."""
    from empathy_coach.banks.models import DIFFICULTIES, SKILLS

    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise UsageError(f"--difficulty: expected one of {', '.join(DIFFICULTIES)}, found '{difficulty}'")
    if skill is not None and skill not in SKILLS:
        raise UsageError(f"--skill: expected one of {', '.join(SKILLS)}, found '{skill}'")
    cat = catalog(bank_paths(bank))
    refs = select_scenarios(cat, tags=tag or [], difficulty=difficulty, skill=skill)
    rows = [
        {
            "id": r.scenario.id,
            "title": r.scenario.title,
            "bank": r.bank.id,
            "difficulty": r.scenario.difficulty,
            "tags": list(r.scenario.tags),
            "turns": len(r.scenario.turns),
            "skills": sorted({t.skill for t in r.scenario.turns}),
            "source": r.source,
        }
        for r in refs
    ]
    if fmt is ListFormat.json:
        write_json({"scenarios": rows})
        return
    if quiet:
        print("\n".join(printable(row["id"]) for row in rows))
        return
    if len(rows) > MAX_TABLE_ROWS:
        _plain_rows(rows)
        return
    from empathy_coach.reports.listing import scenarios_table

    out = console()
    out.print(scenarios_table(rows, out.width))


def select_scenarios(cat, *, tags: list[str], difficulty: str | None, skill: str | None):
    refs = cat.scenarios()
    return [
        r
        for r in refs
        if all(t in r.scenario.tags for t in tags)
        and (difficulty is None or r.scenario.difficulty == difficulty)
        and (skill is None or any(t.skill == skill for t in r.scenario.turns))
    ]


@guarded
def show_command(
    scenario_id: str = typer.Argument(..., metavar="SCENARIO", help="The scenario id (see `empathy-coach list`)."),
    bank: list[str] | None = BANK_OPTION,
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Print one scenario: setting, every turn, cues, targets, exemplars and branching."""
    import msgspec

    cat = catalog(bank_paths(bank), examples=True)
    try:
        ref = cat.find_scenario(scenario_id)
    except KeyError:
        import difflib

        close = difflib.get_close_matches(scenario_id, cat.scenario_ids(), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UsageError(f"no scenario '{scenario_id}' in the loaded banks{hint}") from None
    if fmt is ListFormat.json:
        write_json({"bank": ref.bank.id, "source": ref.source, "scenario": msgspec.to_builtins(ref.scenario)})
        return
    from rich.text import Text

    out = console()
    s = ref.scenario
    out.print(Text.assemble((printable(s.title), "bold"), f"  ({s.id}, bank {ref.bank.id}, {s.difficulty})"))
    if s.tags:
        out.print(Text(printable("tags: " + ", ".join(s.tags)), style="dim"))
    if s.setting:
        out.print(Text(printable(s.setting.strip()), style="italic"))
    for turn in s.turns:
        out.print()
        out.print(Text.assemble((f"[{turn.id}] ", "bold cyan"), ("target: ", "dim"), turn.skill.replace("_", " ")))
        out.print(Text.assemble(("Client: ", "bold"), printable(turn.client.strip())))
        if turn.nonverbal:
            out.print(Text(printable(f"({turn.nonverbal.strip()})"), style="italic"))
        if turn.emotions:
            out.print(Text(printable("feelings: " + ", ".join(turn.emotions)), style="dim"))
        if turn.content:
            out.print(Text(printable("content: " + "; ".join(c.text for c in turn.content_points())), style="dim"))
        if turn.sides:
            out.print(Text(printable("sides: " + " / ".join(c.text for c in turn.side_points())), style="dim"))
        for exemplar in turn.exemplar_list():
            out.print(Text.assemble(("  exemplar ", "green"), (f"({exemplar.behaviour.replace('_', ' ')}): ", "dim"), printable(exemplar.reply.strip())))
        for hint in turn.hints:
            out.print(Text.assemble(("  hint: ", "yellow"), printable(hint.strip())))
        branches = turn.branches()
        if branches:
            out.print(Text("  next: " + "; ".join(f"{b.when} -> {b.goto}" for b in branches), style="dim"))
        if turn.examples:
            out.print(Text(f"  {len(turn.examples)} calibration examples", style="dim"))


@guarded
def schema_command(
    kind: SchemaKind = typer.Argument(SchemaKind.bank, help="bank, rubric, lexicon, answers, result or report (the class report's JSON)."),
) -> None:
    """Print the JSON Schema of a file kind, for editors (yaml-language-server) and CI."""
    if kind is SchemaKind.result:
        from empathy_coach.scoring.result import result_schema

        write_json(result_schema())
        return
    if kind is SchemaKind.report:
        from empathy_coach.reports.class_report import report_schema

        write_json(report_schema())
        return
    from empathy_coach.banks.models import json_schema

    write_json(json_schema(kind.value))


SKELETON = """\
# yaml-language-server: $schema={schema}
# A scenario bank for empathy-coach. Replace every TODO, then run:
#   empathy-coach check {file}
id: {bank_id}
title: TODO a title for this bank
version: "1"
authors: [TODO your name]
license: CC-BY-4.0
rubric: default            # a built-in rubric id, or a path to your own rubric file
scenarios:
{scenario}"""

SCENARIO_SKELETON = """\
  - id: {scenario_id}
    title: TODO a short title
    setting: >-
      TODO who the client is and why they came (one or two sentences).
    tags: [TODO-tag]
    difficulty: beginner    # beginner | intermediate | advanced
    turns:
      - id: t1
        client: >-
          TODO what the client says first, in their own words.
        nonverbal: TODO what the client shows without words (or delete this line)
        skill: reflect_feeling   # reflect_feeling | reflect_content | complex_reflection | double_sided_reflection | summary | validation | notice_nonverbal
        emotions: [TODO-feeling]     # feelings present, e.g. worried, exhausted
        content:                     # key points a reflection should carry
          - text: TODO a key point
            synonyms: []
        exemplars:
          - reply: TODO a simple reflection
            behaviour: simple_reflection
          - reply: TODO a complex reflection that adds the feeling underneath
            behaviour: complex_reflection
        hints:
          - TODO a hint that points at the feeling without giving the answer
        examples:                    # `check` scores these as tests of the rubric
          - reply: TODO a strong reflection
            passed: true
          - reply: TODO a reply with advice
            passed: false
            roadblocks: [advising]
"""


@guarded
def new_command(
    what: str = typer.Argument(..., metavar="scenario", help="What to create (only 'scenario' for now)."),
    scenario_id: str = typer.Argument(..., metavar="ID", help="The new scenario's id, e.g. job-loss-1."),
    bank: Path | None = typer.Option(None, "--bank", "-b", help="Add to this bank file (created if missing). Default: ID.yaml here."),
) -> None:
    """Write a commented scenario skeleton that passes `check` once its TODOs are filled."""
    import re

    from empathy_coach.atomic import WriteError

    if what != "scenario":
        raise UsageError(f"new: expected 'scenario', found '{what}'")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", scenario_id):
        raise UsageError(f"new: expected an id of lower-case letters, digits, '-', '_' or '.', found '{scenario_id}'")
    try:
        _write_skeleton(bank or Path(f"{scenario_id}.yaml"), scenario_id)
    except WriteError as exc:
        raise UsageError(f"new: {exc}") from None
    except OSError as exc:
        raise UsageError(f"new: cannot write {exc.filename or bank}: {exc.strerror or exc}") from None


def _write_skeleton(target: Path, scenario_id: str) -> None:
    import re

    from empathy_coach.atomic import atomic_write

    scenario_text = SCENARIO_SKELETON.format(scenario_id=scenario_id)
    schema_file = target.parent / "bank.schema.json"
    if target.exists():
        text = _append_scenario(target, scenario_id, scenario_text)
    else:
        bank_id = re.sub(r"[^a-z0-9_.-]", "-", target.stem.lower()).strip("-.") or "my-bank"
        text = SKELETON.format(schema=schema_file.name, file=target, bank_id=bank_id, scenario=scenario_text)
    if not schema_file.exists():
        import msgspec

        from empathy_coach.banks.models import json_schema

        atomic_write(schema_file, msgspec.json.format(msgspec.json.encode(json_schema("bank")), indent=2) + b"\n")
    atomic_write(target, text)
    print(f"wrote {target}: fill in the TODOs, then run `empathy-coach check {target}`")


def _append_scenario(target: Path, scenario_id: str, scenario_text: str) -> str:
    from empathy_coach.banks.loader import load_file, load_text
    from empathy_coach.problems import InputError

    existing = load_file(target, "bank").value
    if any(s.id == scenario_id for s in existing.scenarios):
        raise UsageError(f"{target}: a scenario '{scenario_id}' is already there")
    original = target.read_text(encoding="utf-8")
    if "scenarios: []" in original:
        text = original.replace("scenarios: []", "scenarios:\n" + scenario_text.rstrip("\n"), 1) + "\n"
    else:
        text = original.rstrip("\n") + "\n" + scenario_text
    try:
        appended = load_text(text.replace("TODO-", "todo-"), str(target), "bank").value
    except InputError:
        appended = None
    if appended is None or not any(s.id == scenario_id for s in appended.scenarios):
        raise UsageError(f"{target}: cannot append safely (is 'scenarios:' the last key?); nothing was written")
    return text
