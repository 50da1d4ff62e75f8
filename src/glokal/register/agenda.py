"""The local goal template: rows of a CSV or Excel file ↔ a unit's own goals, documented in
docs/register.md. Columns: unit, code, title, and optionally parent (the code of the goal
above), description and targets ("5.5;10.2"). One bad row means nothing is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, ClassVar

from glokal.errors import InputError
from glokal.framework import Framework
from glokal.i18n import N_, Message
from glokal.places import Places
from glokal.register.fields import MUST_NOT_BE_EMPTY, parse_code, parse_targets, parse_unit
from glokal.register.tables import Row, RowProblems, RowReader, read_table, write_table
from glokal.store.agenda import LocalGoal, loop_message, parent_loop

LOCAL_GOAL_REQUIRED = ("unit", "code", "title")
LOCAL_GOAL_OPTIONAL = ("parent", "description", "targets")
LOCAL_GOAL_COLUMNS = (*LOCAL_GOAL_REQUIRED, *LOCAL_GOAL_OPTIONAL)
# The Swedish template's headers: what export writes in Swedish, and import reads beside the ids.
LOCAL_GOAL_SWEDISH_HEADERS = {
    "unit": "enhet", "code": "kod", "title": "titel", "parent": "överordnat",
    "description": "beskrivning", "targets": "delmål",
}  # fmt: skip


def read_local_goals(
    path: Path,
    places: Places,
    framework: Framework,
    stored: Mapping[str, Mapping[str, str | None]],
    file_format: str | None = None,
) -> list[LocalGoal]:
    """The local goals of a file; ``stored`` (unit → code → its parent's code, from
    ``local_goal_parents``) lets a row name a parent that is already stored instead of in the
    file, and refuses a parent that would put a goal under itself."""
    table = read_table(
        path, required=LOCAL_GOAL_REQUIRED, optional=LOCAL_GOAL_OPTIONAL, file_format=file_format,
        aliases={swedish: column for column, swedish in LOCAL_GOAL_SWEDISH_HEADERS.items()},
    )  # fmt: skip
    problems = RowProblems(table.source, headers=table.headers)
    goals: list[LocalGoal] = []
    row_of: dict[tuple[str, str], int] = {}
    for row in table.rows:
        read = RowReader(row, problems)
        goal = _goal_from_row(read, lambda t: parse_unit(t, places), framework)
        unit, code = (goal.unit, goal.code) if goal else ("", row.get("code"))
        if code and (unit, code) in row_of:
            read.problem("code", Message(
                N_("{code!r} of {unit} is already on row {row}"),
                code=code, unit=unit, row=row_of[(unit, code)],
            ))  # fmt: skip
        if goal is None or not read.ok:
            continue
        row_of[(unit, goal.code)] = row.number
        goals.append(goal)
    missing = N_("{parent!r} is not a local goal of {unit}, in the file or stored")
    for goal, message in _parent_problems(goals, stored, missing):
        problems.add(row_of[(goal.unit, goal.code)], "parent", message)
    problems.check(N_("the local goals"))
    if not goals:
        raise InputError(N_("the file has a header but no local goals"), where=table.source)
    return goals


def local_goal_from_options(
    cells: Mapping[str, str],
    framework: Framework,
    stored: Mapping[str, str | None],
    *,
    published: bool = True,
) -> LocalGoal:
    """One local goal given as command-line options, as the template's columns (unit, code,
    title, parent, description, targets), checked by the template's rules against the unit's
    stored goals (code → its parent's code); an InputError names each option that is wrong."""
    problems = _OptionProblems("options", options=True)
    read = RowReader(Row(1, {k: v.strip() for k, v in cells.items()}), problems)
    goal = _goal_from_row(read, lambda unit: unit, framework, published=published)
    if goal is not None:
        missing = N_("{unit} has no local goal {parent!r}; add it first")
        for _goal, message in _parent_problems([goal], {goal.unit: stored}, missing):
            problems.add(1, "parent", message)
    problems.check()
    assert goal is not None
    return goal


class _OptionProblems(RowProblems):
    """Problems of one goal given on the command line: the unit and code are arguments."""

    ARGUMENTS: ClassVar[dict[str, str]] = {"unit": "UNIT", "code": "CODE"}

    def add(self, row: int, column: str | None, message: str | Message) -> None:
        if column in self.ARGUMENTS:
            problem = message if isinstance(message, Message) else Message(message)
            self.problems.append(
                Message(N_("{where}: {problem}"), where=self.ARGUMENTS[column], problem=problem)
            )
        else:
            super().add(row, column, message)


def _goal_from_row(
    read: RowReader, parse_unit: Callable[[str], str], framework: Framework, *,
    published: bool = True,
) -> LocalGoal | None:  # fmt: skip
    """The row's local goal, or None when it has problems (each noted)."""
    row = read.row
    for column in LOCAL_GOAL_REQUIRED:
        if not row.get(column):
            read.problem(column, Message(MUST_NOT_BE_EMPTY))
    unit = read.field("unit", parse_unit, "")
    code = read.field("code", parse_code, "")
    parent = read.field("parent", parse_code, None)
    targets = read.many("targets", lambda t: parse_targets(t, framework))
    if parent is not None and parent == code:
        read.problem("parent", Message(N_("{code!r} cannot be its own parent"), code=code))
    if not read.ok:
        return None
    return LocalGoal(
        unit=unit, code=code, title=row.get("title"), description=row.get("description"),
        parent=parent, targets=tuple(targets), published=published,
    )  # fmt: skip


def _parent_problems(
    goals: Sequence[LocalGoal], stored: Mapping[str, Mapping[str, str | None]], missing: str
) -> list[tuple[LocalGoal, Message]]:
    """Goals whose parent is neither among ``goals`` nor stored (``missing``, formatted with
    the parent and unit, says so), or that would end up under themselves, with what is wrong:
    the rule ``save_local_goals`` keeps, checked before anything is written."""
    parents: dict[str, dict[str, str | None]] = {}
    for goal in goals:
        parents.setdefault(goal.unit, dict(stored.get(goal.unit, {})))[goal.code] = goal.parent
    problems: list[tuple[LocalGoal, Message]] = []
    for goal in goals:
        if goal.parent is None:
            continue
        if goal.parent not in parents[goal.unit]:
            problems.append((goal, Message(missing, parent=goal.parent, unit=goal.unit)))
        elif chain := parent_loop(goal.code, goal.parent, parents[goal.unit]):
            problems.append((goal, loop_message(chain)))
    return problems


def local_goal_to_row(goal: LocalGoal) -> dict[str, str]:
    return {
        "unit": goal.unit, "code": goal.code, "title": goal.title, "parent": goal.parent or "",
        "description": goal.description, "targets": ";".join(goal.targets),
    }  # fmt: skip


def write_local_goals(
    out: IO[bytes], goals: Sequence[LocalGoal], file_format: str, lang: str = "en"
) -> None:
    """The local goals in the import template, its headers in ``lang`` (sv or en)."""
    headers = LOCAL_GOAL_SWEDISH_HEADERS if lang == "sv" else None
    rows = (local_goal_to_row(g) for g in goals)
    write_table(out, LOCAL_GOAL_COLUMNS, rows, file_format, headers)
