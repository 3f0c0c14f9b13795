"""`empathy-coach explain NAME`: why a behaviour code, rubric rule or roadblock matters, with examples."""

from __future__ import annotations

import typer

from empathy_coach.cli.common import ListFormat, UsageError, guarded, write_json


def register(app: typer.Typer) -> None:
    app.command("explain")(explain_command)


@guarded
def explain_command(
    name: str | None = typer.Argument(None, metavar="CODE|RULE|ROADBLOCK", help="e.g. advising, complex_reflection, names-feeling."),
    list_all: bool = typer.Option(False, "--list", "-l", help="Every name that can be explained, by kind."),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """The motivational-interviewing reasoning behind a code, rule or roadblock, with a good and a poor reply."""
    import msgspec

    from empathy_coach.banks import explain
    from empathy_coach.reports.explain_text import explain_lines, names_lines

    if list_all or name is None:
        found = explain.names()
        if fmt is ListFormat.json:
            write_json(found)
        else:
            print("\n".join(names_lines(found)))
        return
    try:
        item = explain.lookup(name)
    except explain.UnknownName as exc:
        raise UsageError(f"explain: {exc}") from None
    if fmt is ListFormat.json:
        write_json({"name": item.name, **msgspec.to_builtins(item.entry)})
        return
    print("\n".join(explain_lines(item)))
