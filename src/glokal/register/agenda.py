"""The local goal template: rows of a CSV or Excel file ↔ a unit's own goals, documented in
docs/register.md. Columns: unit, code, title, and optionally parent (the code of the goal
above), description and targets ("5.5;10.2"). One bad row means nothing is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO

from glokal.errors import InputError
from glokal.framework import Framework
from glokal.places import Places
from glokal.register.fields import parse_code, parse_targets, parse_unit
from glokal.register.tables import RowProblems, RowReader, read_table, write_table
from glokal.store.agenda import LocalGoal

LOCAL_GOAL_REQUIRED = ("unit", "code", "title")
LOCAL_GOAL_OPTIONAL = ("parent", "description", "targets")
LOCAL_GOAL_COLUMNS = (*LOCAL_GOAL_REQUIRED, *LOCAL_GOAL_OPTIONAL)


def read_local_goals(
    path: Path,
    places: Places,
    framework: Framework,
    stored_codes: dict[str, set[str]],
    file_format: str | None = None,
) -> list[LocalGoal]:
    """The local goals of a file; ``stored_codes`` (unit → codes) lets a row name a parent
    that is already stored instead of in the file."""
    table = read_table(
        path, required=LOCAL_GOAL_REQUIRED, optional=LOCAL_GOAL_OPTIONAL, file_format=file_format
    )
    problems = RowProblems(table.source)
    goals: list[LocalGoal] = []
    row_of: dict[tuple[str, str], int] = {}
    for row in table.rows:
        read = RowReader(row, problems)
        for column in LOCAL_GOAL_REQUIRED:
            if not row.get(column):
                read.problem(column, "must not be empty")
        unit = read.field("unit", lambda t: parse_unit(t, places), "")
        code = read.field("code", parse_code, "")
        parent = read.field("parent", parse_code, None)
        targets = read.many("targets", lambda t: parse_targets(t, framework))
        if code and (unit, code) in row_of:
            read.problem("code", f"{code!r} of {unit} is already on row {row_of[(unit, code)]}")
        if parent is not None and parent == code:
            read.problem("parent", "a goal cannot be its own parent")
        if not read.ok:
            continue
        row_of[(unit, code)] = row.number
        goals.append(
            LocalGoal(
                unit=unit, code=code, title=row.get("title"), description=row.get("description"),
                parent=parent, targets=tuple(targets),
            )
        )  # fmt: skip
    for goal in goals:
        if goal.parent is None or (goal.unit, goal.parent) in row_of:
            continue
        if goal.parent not in stored_codes.get(goal.unit, set()):
            problems.add(
                row_of[(goal.unit, goal.code)], "parent",
                f"{goal.parent!r} is not a local goal of {goal.unit}, in the file or stored",
            )  # fmt: skip
    problems.check("local goals")
    if not goals:
        raise InputError("the file has a header but no local goals", where=table.source)
    return goals


def local_goal_to_row(goal: LocalGoal) -> dict[str, str]:
    return {
        "unit": goal.unit, "code": goal.code, "title": goal.title, "parent": goal.parent or "",
        "description": goal.description, "targets": ";".join(goal.targets),
    }  # fmt: skip


def write_local_goals(out: IO[bytes], goals: Sequence[LocalGoal], file_format: str) -> None:
    write_table(out, LOCAL_GOAL_COLUMNS, (local_goal_to_row(g) for g in goals), file_format)
