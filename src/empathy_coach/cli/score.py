"""`empathy-coach score`: one reply, scored and explained."""

# No `from __future__ import annotations` here: Typer reads the command's annotations, and as strings
# it would compile and evaluate each of them at every run (about 1 ms of a one-shot `score`).

import sys
from pathlib import Path

import typer

from empathy_coach.cli.common import EXIT_BELOW, EXIT_OK, ListFormat, UsageError, color_allowed, guarded, import_msgspec, tolerant_stdin, write_json
from empathy_coach.literal import writable


def register(app: typer.Typer) -> None:
    app.command("score")(score_command)


@guarded
def score_command(
    reply: str = typer.Argument(..., metavar="REPLY", help="The reply to score ('-' reads it from standard input)."),
    client: str | None = typer.Option(None, "--client", "-c", help="The client's statement (generic rubric, no scenario)."),
    scenario: str | None = typer.Option(None, "--scenario", "-s", help="Score against this scenario's turn instead."),
    turn: str | None = typer.Option(None, "--turn", "-t", help="The turn id within --scenario (default: its first turn)."),
    bank: list[Path] | None = typer.Option(None, "--bank", "-b", help="A bank file or folder to load as well (repeatable)."),
    rubric: str | None = typer.Option(None, "--rubric", "-r", metavar="ID|FILE", help="Score with this rubric (a rubric id, e.g. 'safety', or a "
                                                                                      "rubric YAML file) instead of the generic or the scenario's."),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Score one reply and explain the score with the words that earned or lost points.

    Exit 0 when it passes, 1 when it scores below the pass mark, 2 on bad input.
    """
    import_msgspec()  # before anything below imports it
    if reply == "-":
        tolerant_stdin()
        reply = _read_reply()
    reply = writable(reply)
    client = writable(client) if client is not None else None
    if (client is None) == (scenario is None):
        raise UsageError("score: give either --client TEXT or --scenario ID (with --turn ID)")
    if client is not None:
        if turn is not None:
            raise UsageError("score: --turn needs --scenario")
        if bank:
            from empathy_coach.cli.common import catalog

            catalog(bank)  # a missing or broken bank is an error even though --client uses the generic rubric
        if rubric is not None:
            result = _rubric_scorer(rubric, bank)[0].score(reply, client=client)
        else:
            from empathy_coach.scoring.engine import default_scorer

            result = default_scorer("generic").score(reply, client=client)
    else:
        assert scenario is not None  # one of the two, checked above
        result = _score_on_turn(reply, scenario, turn, bank, rubric)
    if fmt is ListFormat.json:
        import msgspec

        write_json(msgspec.to_builtins(result))
    else:
        _print_text(reply, result)
    raise typer.Exit(EXIT_OK if result.passed else EXIT_BELOW)


def _read_reply() -> str:
    """The reply from standard input, read with a bound: only its first characters are scored."""
    from empathy_coach.scoring.text import MAX_ANALYSED_CHARS

    limit = MAX_ANALYSED_CHARS * 4  # what is kept and echoed; scoring reads the first part of it
    text = sys.stdin.read(limit)
    if len(text) == limit and sys.stdin.read(1):
        print(f"empathy-coach: note: the reply on standard input is longer than {limit:,} characters; only the first {limit:,} were read, and the "
              f"first {MAX_ANALYSED_CHARS:,} are scored", file=sys.stderr)
    return text.rstrip("\n")


def _rubric_scorer(ref: str, bank: list[Path] | None, cat=None):
    """The scorer of a rubric named by id (built-in, the user's or a --bank's) or by a YAML file."""
    from empathy_coach.cli.common import catalog
    from empathy_coach.scoring.engine import rubric_scorer

    cat = cat if cat is not None else catalog(bank)
    try:
        loaded = cat.rubric(ref)
    except LookupError:
        import difflib

        close = difflib.get_close_matches(ref, sorted(cat.rubrics), n=1)
        known = ", ".join(sorted(cat.rubrics))
        raise UsageError(
            f"score: no rubric '{ref}'" + (f" (did you mean '{close[0]}'?)" if close else f" (known: {known}; or give a .yaml file)")
        ) from None
    return rubric_scorer(cat, loaded.value, loaded.path, loaded.document), cat


def _score_on_turn(reply: str, scenario_id: str, turn_id: str | None, bank: list[Path] | None, rubric: str | None = None):
    from empathy_coach.cli.common import catalog
    from empathy_coach.scoring.engine import scorer_for

    cat = catalog(bank)
    try:
        ref = cat.find_scenario(scenario_id)
    except KeyError:
        import difflib

        close = difflib.get_close_matches(scenario_id, cat.scenario_ids(), n=1)
        raise UsageError(f"score: no scenario '{scenario_id}'" + (f" (did you mean '{close[0]}'?)" if close else "")) from None
    turn = ref.scenario.turns[0] if turn_id is None else ref.scenario.turn(turn_id)
    if turn is None:
        ids = ", ".join(t.id for t in ref.scenario.turns)
        raise UsageError(f"score: scenario '{scenario_id}' has no turn '{turn_id}' (its turns: {ids})")
    scorer = _rubric_scorer(rubric, bank, cat)[0] if rubric is not None else scorer_for(cat, ref)
    return scorer.score(reply, turn=turn, tags=tuple(ref.scenario.tags))


def _print_text(reply: str, result) -> None:
    from empathy_coach.reports.feedback import plain_feedback
    from empathy_coach.scoring.text import MAX_ANALYSED_CHARS

    if len(reply) > MAX_ANALYSED_CHARS:
        print(f"empathy-coach: note: the reply has {len(reply):,} characters; only the first {MAX_ANALYSED_CHARS:,} were scored", file=sys.stderr)

    if color_allowed() and sys.stdout.isatty():
        from empathy_coach.cli.common import console
        from empathy_coach.reports.feedback import render_feedback

        console().print(render_feedback(reply, result))
    else:
        print(plain_feedback(reply, result))
