"""Tables of content for `list` and `banks`: the ids a student types are never cut."""

from __future__ import annotations


def id_table(title: str, columns: list[tuple[str, str]], ids: list[str]):
    """A table whose first column holds ids a student must type: never cut, never wrapped; the
    other columns wrap (titles first) to make room."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    width = max((len(i) for i in ids), default=2)
    table.add_column(columns[0][0], no_wrap=True, min_width=width, overflow="fold")
    for name, justify in columns[1:]:
        short = name in ("difficulty", "turns", "scenarios", "source")  # short words: never broken
        table.add_column(name, justify=justify, overflow="fold", no_wrap=short)  # type: ignore[arg-type]
    return table


# Below this width the columns a student does not type (bank, tags, path) give way to the title.
WIDE = 110


def scenarios_table(rows: list[dict], width: int):
    from empathy_coach.literal import printable

    wide = width >= WIDE
    columns = [("id", "left"), ("title", "left")] + ([("bank", "left")] if wide else []) + [("difficulty", "left"), ("turns", "right")]
    columns += [("tags", "left")] if wide else []
    title = f"{len(rows)} scenarios" + ("" if wide else " (bank and tags: a wider terminal, or --format json)")
    table = id_table(title, columns, [printable(r["id"]) for r in rows])
    for row in rows:
        cells = [printable(row["id"]), printable(row["title"])] + ([printable(row["bank"])] if wide else [])
        cells += [row["difficulty"], str(row["turns"])] + ([printable(", ".join(row["tags"]))] if wide else [])
        table.add_row(*cells)
    return table


def banks_table(rows: list[dict], width: int):
    from empathy_coach.literal import printable

    wide = width >= WIDE
    columns = [("id", "left"), ("title", "left"), ("scenarios", "right"), ("source", "left")] + ([("path", "left")] if wide else [])
    table = id_table("Scenario banks" + ("" if wide else " (paths: a wider terminal, or --format json)"), columns, [printable(r["id"]) for r in rows])
    for row in rows:
        cells = [printable(row["id"]), printable(row["title"]), str(row["scenarios"]), row["source"]]
        table.add_row(*(cells + ([printable(row["path"])] if wide else [])))
    return table
