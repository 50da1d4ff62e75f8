"""SQL for a unit's local agenda: its priority goals, its own goals in a hierarchy (each linked
to global targets) and the local indicators that follow them, with their own series.

Every function takes a Session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from glokal.errors import InputError, NotFound
from glokal.i18n import N_, Message
from glokal.store.models import (
    LocalGoalRow,
    LocalGoalTargetRow,
    LocalIndicatorRow,
    LocalIndicatorValueRow,
    PriorityGoalRow,
)


@dataclass(frozen=True, slots=True)
class LocalGoal:
    """A unit's own goal; ``parent`` is the code of the goal above it, if any."""

    unit: str
    code: str
    title: str
    description: str = ""
    parent: str | None = None
    targets: tuple[str, ...] = ()
    published: bool = True  # False: a draft, not on the public pages


@dataclass(frozen=True, slots=True)
class LocalIndicator:
    """How a unit follows a local goal: a Kolada KPI (``kpi``) or its own series (``values``)."""

    unit: str
    code: str
    title: str
    goal: str | None = None  # the local goal's code
    kpi: str | None = None
    measure: str = ""
    baseline_value: float | None = None
    baseline_year: int | None = None
    target_value: float | None = None
    target_year: int | None = None
    values: tuple[tuple[int, float], ...] = ()  # (year, value), own series only


@dataclass(frozen=True, slots=True)
class LocalAgenda:
    unit: str
    priority_goals: tuple[int, ...]
    goals: tuple[LocalGoal, ...]
    indicators: tuple[LocalIndicator, ...]


def set_priority_goals(session: Session, unit: str, goals: Sequence[int]) -> None:
    """Make ``goals`` the unit's priority goals (replacing the ones it had)."""
    session.execute(delete(PriorityGoalRow).where(PriorityGoalRow.unit == unit))
    if goals:
        session.execute(
            insert(PriorityGoalRow),
            [{"unit": unit, "goal": g, "note": ""} for g in sorted(set(goals))],
        )


def _goal_ids(session: Session, unit: str) -> dict[str, int]:
    rows = session.execute(
        select(LocalGoalRow.code, LocalGoalRow.id).where(LocalGoalRow.unit == unit)
    )
    return {code: id_ for code, id_ in rows}


def parent_loop(
    code: str, parent: str | None, parents: Mapping[str, str | None]
) -> tuple[str, ...]:
    """The loop giving goal ``code`` the parent ``parent`` would make, as the chain of codes
    from ``code`` up through the parents back to it (``("A", "B", "A")``); empty if none.

    ``parents`` maps each of the unit's goal codes to its parent's code, as it would be after
    the change; a goal that is its own parent is the loop ``(code, code)``.
    """
    chain = [code]
    seen = {code}
    above = parent
    while above is not None:
        chain.append(above)
        if above == code:
            return tuple(chain)
        if above in seen:  # a loop stored before loops were refused, not through ``code``
            return ()
        seen.add(above)
        above = parents.get(above)
    return ()


def loop_message(chain: Sequence[str]) -> Message:
    """What is wrong with the loop ``chain`` (from ``parent_loop``), naming the codes."""
    code, parent = chain[0], chain[1]
    if parent == code:
        return Message(N_("local goal {code!r} cannot be its own parent"), code=code)
    return Message(
        N_(
            "local goal {code!r} cannot have the parent {parent!r}: {parent!r} is under "
            "{code!r}, so the parents would form a loop ({chain})"
        ),
        code=code,
        parent=parent,
        chain=" → ".join(chain),
    )


def parent_problems(
    session: Session, goals: Sequence[LocalGoal]
) -> list[tuple[LocalGoal, Message]]:
    """Each of ``goals`` whose parent is neither stored nor among ``goals``, or would put it in
    a loop with what is stored and the other goals given, with what is wrong with it."""
    parents = local_goal_parents(session, sorted({g.unit for g in goals}))
    for goal in goals:
        parents.setdefault(goal.unit, {})[goal.code] = goal.parent
    problems: list[tuple[LocalGoal, Message]] = []
    for goal in goals:
        unit_parents = parents[goal.unit]
        if goal.parent is not None and goal.parent not in unit_parents:
            problems.append((goal, Message(
                N_("local goal {code!r} names the parent {parent!r}, which is neither stored "
                   "nor among the goals given"),
                code=goal.code, parent=goal.parent,
            )))  # fmt: skip
        elif chain := parent_loop(goal.code, goal.parent, unit_parents):
            problems.append((goal, loop_message(chain)))
    return problems


def _target_ids(session: Session, goal_id: int) -> set[str]:
    return set(
        session.scalars(
            select(LocalGoalTargetRow.target).where(LocalGoalTargetRow.local_goal_id == goal_id)
        )
    )


def save_local_goals(session: Session, goals: Sequence[LocalGoal]) -> tuple[int, int]:
    """Insert or update local goals by (unit, code), parents before children; returns
    (inserted, updated): a goal stored just as given is neither. A parent must be among
    ``goals`` or already stored, and no goal may end up under itself; if one would, nothing
    is written."""
    if problems := parent_problems(session, goals):
        if len(problems) == 1:
            raise InputError(problems[0][1], where="parent")
        raise InputError(
            N_("{problem} (and {more} more)"),
            problem=problems[0][1],
            more=len(problems) - 1,
            where="parent",
        )
    inserted = updated = 0
    ids: dict[str, dict[str, int]] = {}
    pending = list(goals)
    while pending:
        progress = False
        for goal in list(pending):
            known = ids.setdefault(goal.unit, _goal_ids(session, goal.unit))
            if goal.parent is not None and goal.parent not in known:
                continue
            parent_id = known[goal.parent] if goal.parent is not None else None
            values = {
                "title": goal.title, "description": goal.description, "parent_id": parent_id,
                "published": goal.published,
            }  # fmt: skip
            if goal.code in known:
                row = session.get(LocalGoalRow, known[goal.code])
                assert row is not None
                before = (row.title, row.description, row.parent_id, row.published,
                          _target_ids(session, row.id))  # fmt: skip
                after = (goal.title, goal.description, parent_id, goal.published,
                         set(goal.targets))  # fmt: skip
                if before == after:  # a row like what is stored: nothing to write
                    pending.remove(goal)
                    progress = True
                    continue
                row.title, row.description, row.parent_id = goal.title, goal.description, parent_id
                row.published = goal.published
                session.execute(
                    delete(LocalGoalTargetRow).where(LocalGoalTargetRow.local_goal_id == row.id)
                )
                goal_id = row.id
                updated += 1
            else:
                goal_id = session.execute(
                    insert(LocalGoalRow).returning(LocalGoalRow.id),
                    values | {"unit": goal.unit, "code": goal.code},
                ).scalar_one()
                known[goal.code] = goal_id
                inserted += 1
            if goal.targets:
                session.execute(
                    insert(LocalGoalTargetRow),
                    [{"local_goal_id": goal_id, "target": t} for t in dict.fromkeys(goal.targets)],
                )
            pending.remove(goal)
            progress = True
        if not progress:  # cannot happen after the check above; never loop for ever
            stuck = pending[0]
            raise InputError(
                N_("local goal {code!r}: its parent {parent!r} could not be stored"),
                code=stuck.code,
                parent=stuck.parent,
                where="parent",
            )
    session.flush()
    return inserted, updated


def save_local_indicator(session: Session, indicator: LocalIndicator) -> None:
    """Insert or update a local indicator by (unit, code), its own series replaced whole."""
    goal_id = None
    if indicator.goal is not None:
        goal_id = _goal_ids(session, indicator.unit).get(indicator.goal)
        if goal_id is None:
            raise NotFound(
                N_("unit {unit} has no local goal {goal!r}"),
                unit=indicator.unit,
                goal=indicator.goal,
                where="--goal",
            )
    values = {
        "local_goal_id": goal_id, "title": indicator.title, "kpi": indicator.kpi,
        "measure": indicator.measure, "baseline_value": indicator.baseline_value,
        "baseline_year": indicator.baseline_year, "target_value": indicator.target_value,
        "target_year": indicator.target_year,
    }  # fmt: skip
    row = session.scalar(
        select(LocalIndicatorRow).where(
            LocalIndicatorRow.unit == indicator.unit, LocalIndicatorRow.code == indicator.code
        )
    )
    if row is None:
        indicator_id = session.execute(
            insert(LocalIndicatorRow).returning(LocalIndicatorRow.id),
            values | {"unit": indicator.unit, "code": indicator.code},
        ).scalar_one()
    else:
        for key, value in values.items():
            setattr(row, key, value)
        indicator_id = row.id
        session.execute(
            delete(LocalIndicatorValueRow).where(LocalIndicatorValueRow.indicator_id == row.id)
        )
    if indicator.values:
        session.execute(
            insert(LocalIndicatorValueRow),
            [{"indicator_id": indicator_id, "year": y, "value": v} for y, v in indicator.values],
        )
    session.flush()


def local_agenda(session: Session, unit: str, *, published_only: bool = False) -> LocalAgenda:
    """The unit's priority goals, local goals (parents before children) and indicators; with
    ``published_only``, draft goals (and the goals and indicators under them) are left out."""
    priority = tuple(
        session.scalars(
            select(PriorityGoalRow.goal).where(PriorityGoalRow.unit == unit).order_by("goal")
        )
    )
    goal_rows = list(
        session.scalars(select(LocalGoalRow).where(LocalGoalRow.unit == unit).order_by("code"))
    )
    code_of = {row.id: row.code for row in goal_rows}
    targets: dict[int, list[str]] = {}
    for goal_id, target in session.execute(
        select(LocalGoalTargetRow.local_goal_id, LocalGoalTargetRow.target)
        .where(LocalGoalTargetRow.local_goal_id.in_(code_of))
        .order_by(LocalGoalTargetRow.target)
    ):
        targets.setdefault(goal_id, []).append(target)
    goals = [
        LocalGoal(
            unit=unit, code=row.code, title=row.title, description=row.description,
            parent=code_of.get(row.parent_id) if row.parent_id is not None else None,
            targets=tuple(targets.get(row.id, ())), published=row.published,
        )
        for row in goal_rows
    ]  # fmt: skip
    indicator_rows = list(
        session.scalars(
            select(LocalIndicatorRow).where(LocalIndicatorRow.unit == unit).order_by("code")
        )
    )
    series: dict[int, list[tuple[int, float]]] = {}
    for row in session.scalars(
        select(LocalIndicatorValueRow)
        .where(LocalIndicatorValueRow.indicator_id.in_([r.id for r in indicator_rows]))
        .order_by(LocalIndicatorValueRow.year)
    ):
        series.setdefault(row.indicator_id, []).append((row.year, row.value))
    indicators = tuple(
        LocalIndicator(
            unit=unit, code=row.code, title=row.title,
            goal=code_of.get(row.local_goal_id) if row.local_goal_id is not None else None,
            kpi=row.kpi, measure=row.measure, baseline_value=row.baseline_value,
            baseline_year=row.baseline_year, target_value=row.target_value,
            target_year=row.target_year, values=tuple(series.get(row.id, ())),
        )
        for row in indicator_rows
    )  # fmt: skip
    ordered = _parents_first(goals)
    if published_only:
        hidden = {g.code for g in ordered if not g.published}
        for goal in ordered:  # parents come first, so a hidden parent hides its subtree
            if goal.parent in hidden:
                hidden.add(goal.code)
        ordered = [g for g in ordered if g.code not in hidden]
        indicators = tuple(i for i in indicators if i.goal not in hidden)
    return LocalAgenda(unit, priority, tuple(ordered), indicators)


def _parents_first(goals: list[LocalGoal]) -> list[LocalGoal]:
    """Depth-first by code: each goal directly followed by the goals under it."""
    children: dict[str | None, list[LocalGoal]] = {}
    for goal in goals:
        children.setdefault(goal.parent, []).append(goal)
    ordered: list[LocalGoal] = []
    seen: set[str] = set()

    def visit(parent: str | None) -> None:
        for goal in children.get(parent, []):
            if goal.code not in seen:
                seen.add(goal.code)
                ordered.append(goal)
                visit(goal.code)

    visit(None)
    # Goals in a loop of parents (stored before loops were refused) are never reached from a
    # goal without a parent: they come last, so they can still be seen and mended.
    for goal in goals:
        if goal.code not in seen:
            seen.add(goal.code)
            ordered.append(goal)
            visit(goal.code)
    return ordered


def local_goals_of(session: Session, units: Sequence[str] = ()) -> list[LocalGoal]:
    """Local goals of these units (all units without any), for export."""
    query = select(LocalGoalRow.unit).distinct().order_by(LocalGoalRow.unit)
    if units:
        query = query.where(LocalGoalRow.unit.in_(units))
    return [goal for unit in session.scalars(query) for goal in local_agenda(session, unit).goals]


def local_goal_parents(
    session: Session, units: Sequence[str] | None = None
) -> dict[str, dict[str, str | None]]:
    """unit → the codes of its stored local goals → the code of each one's parent (every unit
    with local goals, or these ``units``)."""
    query = select(LocalGoalRow.id, LocalGoalRow.unit, LocalGoalRow.code, LocalGoalRow.parent_id)
    if units is not None:
        query = query.where(LocalGoalRow.unit.in_(units))
    rows = session.execute(query).all()
    code_of = {id_: code for id_, _unit, code, _parent in rows}
    parents: dict[str, dict[str, str | None]] = {}
    for _id, unit, code, parent_id in rows:
        parents.setdefault(unit, {})[code] = code_of[parent_id] if parent_id is not None else None
    return parents


def local_goal_codes(session: Session) -> dict[str, set[str]]:
    """unit → the codes of its stored local goals."""
    codes: dict[str, set[str]] = {}
    for unit, code in session.execute(select(LocalGoalRow.unit, LocalGoalRow.code)):
        codes.setdefault(unit, set()).add(code)
    return codes
