"""SQL for what the public pages show: a unit's key figures per goal (Glokal's stored analysis
beside the raw Kolada series), every unit's status on a goal, and the latest changes.

Only published decisions and activities; every function takes a Session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from glokal.framework import GoalStatus
from glokal.store.models import (
    ActivityGoalRow,
    ActivityRow,
    GoalAssessmentRow,
    GoalSuggestionRow,
    KoladaKpiRow,
    KoladaValueRow,
    KpiGoalRow,
    KpiResultRow,
    PlaceRow,
)

DEFAULT_METHOD = "default"


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """One KPI of a goal for one unit: Glokal's analysis of it (None fields: not computed)."""

    kpi: str
    title: str
    value: float | None
    period: int | None
    riket_value: float | None
    trend: str | None
    change_per_year: float | None
    position: str | None
    rank: int | None  # 1 + the number of units with a better value
    compared: int | None
    position_kommungrupp: str | None
    rank_kommungrupp: int | None
    compared_kommungrupp: int | None
    polarity: str | None
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GoalState:
    """What stands for a unit's goal: the published decision, else the stored suggestion."""

    unit: str
    goal: int
    status: GoalStatus
    decided: bool  # True: people decided it; False: Glokal's suggestion
    text: str = ""
    assessor: str = ""
    method_note: str = ""
    cutoff: str | None = None
    published_at: datetime | None = None
    coverage: tuple[int, int] | None = None  # (KPIs used, KPIs of the goal), suggestions only


@dataclass(frozen=True, slots=True)
class Change:
    """A recent public change, for the start page."""

    at: datetime
    unit: str
    unit_name: str
    kind: str  # "assessment" or "activity"
    goal: int | None
    title: str


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def goal_kpis(session: Session, goal: int, unit_type: str | None = None) -> list[tuple[str, str]]:
    """(KPI id, title) of the goal's KPIs in the Agenda 2030 selection, for a unit type."""
    query = (
        select(KpiGoalRow.kpi, KoladaKpiRow.title)
        .join(KoladaKpiRow, KoladaKpiRow.id == KpiGoalRow.kpi)
        .where(KpiGoalRow.goal == goal, KpiGoalRow.removed_on.is_(None))
        .distinct()
        .order_by(KpiGoalRow.kpi)
    )
    if unit_type is not None:
        query = query.where((KpiGoalRow.unit_type == unit_type) | KpiGoalRow.unit_type.is_(None))
    return [(kpi, title) for kpi, title in session.execute(query)]


def _figure(kpi: str, title: str, r: KpiResultRow | None) -> KeyFigure:
    if r is None:
        return KeyFigure(kpi, title, None, None, None, None, None, None, None, None, None, None,
                         None, None, ())  # fmt: skip
    return KeyFigure(
        kpi=kpi, title=title, value=r.value, period=r.period, riket_value=r.riket_value,
        trend=r.trend, change_per_year=r.change_per_year, position=r.position,
        rank=r.better + 1 if r.better is not None else None, compared=r.compared,
        position_kommungrupp=r.position_kommungrupp,
        rank_kommungrupp=r.better_kommungrupp + 1 if r.better_kommungrupp is not None else None,
        compared_kommungrupp=r.compared_kommungrupp, polarity=r.polarity,
        flags=tuple(f for f in r.flags.split(",") if f),
    )  # fmt: skip


def key_figures(
    session: Session, unit: str, goal: int, unit_type: str, method: str = DEFAULT_METHOD
) -> list[KeyFigure]:
    """Each KPI of the goal with the stored analysis for the unit (from `glokal assess`)."""
    kpis = goal_kpis(session, goal, unit_type)
    results = {
        row.kpi: row
        for row in session.scalars(
            select(KpiResultRow).where(
                KpiResultRow.unit == unit,
                KpiResultRow.method == method,
                KpiResultRow.kpi.in_([k for k, _ in kpis]),
            )
        )
    }
    return [_figure(kpi, title, results.get(kpi)) for kpi, title in kpis]


def unit_key_figures(
    session: Session, units: Sequence[str], method: str = DEFAULT_METHOD
) -> dict[str, dict[str, KeyFigure]]:
    """unit → KPI → the stored analysis, for every KPI analysed for these units (one query)."""
    titles = dict(session.execute(select(KoladaKpiRow.id, KoladaKpiRow.title)).all())
    found: dict[str, dict[str, KeyFigure]] = {unit: {} for unit in units}
    for row in session.scalars(
        select(KpiResultRow).where(KpiResultRow.unit.in_(units), KpiResultRow.method == method)
    ):
        found[row.unit][row.kpi] = _figure(row.kpi, titles.get(row.kpi, row.kpi), row)
    return found


def series(
    session: Session, kpis: Sequence[str], units: Sequence[str]
) -> dict[tuple[str, str], list[tuple[int, float]]]:
    """(kpi, unit) → [(year, value)] of the totals (gender T), oldest first. Källa: Kolada."""
    found: dict[tuple[str, str], list[tuple[int, float]]] = {}
    if not kpis or not units:
        return found
    rows = session.execute(
        select(KoladaValueRow.kpi, KoladaValueRow.municipality, KoladaValueRow.period,
               KoladaValueRow.value)
        .where(
            KoladaValueRow.kpi.in_(kpis), KoladaValueRow.municipality.in_(units),
            KoladaValueRow.gender == "T", KoladaValueRow.value.is_not(None),
        )
        .order_by(KoladaValueRow.kpi, KoladaValueRow.municipality, KoladaValueRow.period)
    )  # fmt: skip
    for kpi, unit, period, value in rows:
        if value is not None:  # filtered in SQL; the check is for the type
            found.setdefault((kpi, unit), []).append((period, value))
    return found


def goal_states(
    session: Session, goal: int | None = None, unit: str | None = None
) -> list[GoalState]:
    """What stands for each unit's goal (one goal, one unit, or all): the newest published
    decision, else the default method's stored suggestion; pairs with neither are left out."""
    newest = select(func.max(GoalAssessmentRow.id)).where(
        GoalAssessmentRow.published_at.is_not(None)
    )
    if goal is not None:
        newest = newest.where(GoalAssessmentRow.goal == goal)
    if unit is not None:
        newest = newest.where(GoalAssessmentRow.unit == unit)
    decided = {
        (r.unit, r.goal): GoalState(
            unit=r.unit, goal=r.goal, status=GoalStatus(r.status), decided=True, text=r.text,
            assessor=r.assessor, method_note=r.method_note, cutoff=r.cutoff.isoformat(),
            published_at=_utc(r.published_at) if r.published_at else None,
        )
        for r in session.scalars(
            select(GoalAssessmentRow).where(
                GoalAssessmentRow.id.in_(
                    newest.group_by(GoalAssessmentRow.unit, GoalAssessmentRow.goal)
                )
            )
        )
    }  # fmt: skip
    # The columns a state needs, not the rows: each row's details (its contributions, a JSON
    # text) would be parsed for nothing, and a page of all units reads 5,000 of them.
    suggested = select(
        GoalSuggestionRow.unit, GoalSuggestionRow.goal, GoalSuggestionRow.status,
        GoalSuggestionRow.kpis_used, GoalSuggestionRow.kpis_total,
    ).where(GoalSuggestionRow.method == DEFAULT_METHOD)  # fmt: skip
    if goal is not None:
        suggested = suggested.where(GoalSuggestionRow.goal == goal)
    if unit is not None:
        suggested = suggested.where(GoalSuggestionRow.unit == unit)
    states = dict(decided)
    for unit_id, number, status, used, total in session.execute(suggested):
        if (unit_id, number) not in states:
            states[unit_id, number] = GoalState(
                unit=unit_id, goal=number, status=GoalStatus(status), decided=False,
                coverage=(used, total),
            )  # fmt: skip
    return [states[key] for key in sorted(states)]


def recent_changes(session: Session, limit: int = 10) -> list[Change]:
    """The newest published decisions and activities across all units."""
    assessments = session.execute(
        select(GoalAssessmentRow.published_at, GoalAssessmentRow.unit, PlaceRow.name,
               GoalAssessmentRow.goal, GoalAssessmentRow.status)
        .join(PlaceRow, PlaceRow.id == GoalAssessmentRow.unit)
        .where(GoalAssessmentRow.published_at.is_not(None))
        .order_by(GoalAssessmentRow.published_at.desc()).limit(limit)
    )  # fmt: skip
    activities = session.execute(
        select(ActivityRow.updated_at, ActivityRow.unit, PlaceRow.name, ActivityRow.title)
        .join(PlaceRow, PlaceRow.id == ActivityRow.unit)
        .where(ActivityRow.published.is_(True))
        .order_by(ActivityRow.updated_at.desc()).limit(limit)
    )  # fmt: skip
    changes = [Change(_utc(at), u, n, "assessment", g, s) for at, u, n, g, s in assessments if at]
    changes += [Change(_utc(at), u, n, "activity", None, t) for at, u, n, t in activities]
    return sorted(changes, key=lambda c: c.at, reverse=True)[:limit]


def activity_counts(session: Session, unit: str | None = None) -> dict[tuple[str, int], int]:
    """(unit, goal) → the number of published activities serving it (confirmed goals)."""
    query = (
        select(ActivityRow.unit, ActivityGoalRow.goal, func.count())
        .join(ActivityGoalRow, and_(ActivityGoalRow.activity_id == ActivityRow.id,
                                    ActivityGoalRow.confirmed.is_(True)))
        .where(ActivityRow.published.is_(True))
        .group_by(ActivityRow.unit, ActivityGoalRow.goal)
    )  # fmt: skip
    if unit is not None:
        query = query.where(ActivityRow.unit == unit)
    return {(u, g): n for u, g, n in session.execute(query)}
