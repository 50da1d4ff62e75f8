"""SQL for the data exports: every recorded decision, and Glokal's stored analysis (suggested
statuses per goal, trends and positions per KPI), across units or for some.

Raw Kolada values leave through ``kolada.iter_values``. Every function takes a Session; the
caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from glokal.framework import GoalStatus
from glokal.store.assessments import GoalAssessment, _assessment
from glokal.store.models import (
    GoalAssessmentRow,
    GoalSuggestionRow,
    KoladaKpiRow,
    KpiResultRow,
    PlaceRow,
)


@dataclass(frozen=True, slots=True)
class SuggestionRecord:
    """The status a method suggested for a unit's goal, and how much it rests on."""

    method: str
    unit: str
    goal: int
    status: GoalStatus
    score: float | None
    kpis_used: int
    kpis_total: int
    reference_year: int
    computed_at: datetime


@dataclass(frozen=True, slots=True)
class KpiAnalysis:
    """Glokal's analysis of one unit's KPI: trend, comparison with Riket, positions, score.

    The raw values it rests on are Kolada's and leave through the values export.
    """

    method: str
    unit: str
    kpi: str
    reference_year: int
    period: int
    polarity: str
    vs_riket: str | None
    trend: str | None
    change_per_year: float | None
    trend_first: int | None
    trend_last: int | None
    position: str | None
    rank: int | None
    compared: int | None
    position_kommungrupp: str | None
    rank_kommungrupp: int | None
    compared_kommungrupp: int | None
    position_similar: str | None
    rank_similar: int | None
    compared_similar: int | None
    score: float | None
    flags: str
    unused: str | None
    computed_at: datetime


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _rank(better: int | None) -> int | None:
    return better + 1 if better is not None else None


def unit_names(session: Session) -> dict[str, str]:
    """Unit id → name, for every stored unit."""
    return {id_: name for id_, name in session.execute(select(PlaceRow.id, PlaceRow.name))}


def kpi_titles(session: Session) -> dict[str, str]:
    """KPI id → title, for every stored Kolada KPI."""
    return {k: title for k, title in session.execute(select(KoladaKpiRow.id, KoladaKpiRow.title))}


def all_decisions(session: Session, units: Sequence[str] = ()) -> list[GoalAssessment]:
    """Every recorded decision (drafts too), by unit, goal and then oldest first."""
    query = select(GoalAssessmentRow).order_by(
        GoalAssessmentRow.unit, GoalAssessmentRow.goal, GoalAssessmentRow.id
    )
    if units:
        query = query.where(GoalAssessmentRow.unit.in_(units))
    return [_assessment(row) for row in session.scalars(query)]


def all_suggestions(session: Session, units: Sequence[str] = ()) -> list[SuggestionRecord]:
    """Every stored suggestion, by method, unit and goal."""
    query = select(GoalSuggestionRow).order_by(
        GoalSuggestionRow.method, GoalSuggestionRow.unit, GoalSuggestionRow.goal
    )
    if units:
        query = query.where(GoalSuggestionRow.unit.in_(units))
    return [
        SuggestionRecord(
            method=r.method, unit=r.unit, goal=r.goal, status=GoalStatus(r.status),
            score=r.score, kpis_used=r.kpis_used, kpis_total=r.kpis_total,
            reference_year=r.reference_year, computed_at=_utc(r.computed_at),
        )
        for r in session.scalars(query)
    ]  # fmt: skip


def all_kpi_analyses(session: Session, units: Sequence[str] = ()) -> list[KpiAnalysis]:
    """Every stored KPI analysis, by method, unit and KPI."""
    query = select(KpiResultRow).order_by(KpiResultRow.method, KpiResultRow.unit, KpiResultRow.kpi)
    if units:
        query = query.where(KpiResultRow.unit.in_(units))
    return [
        KpiAnalysis(
            method=r.method, unit=r.unit, kpi=r.kpi, reference_year=r.reference_year,
            period=r.period, polarity=r.polarity, vs_riket=r.vs_riket, trend=r.trend,
            change_per_year=r.change_per_year, trend_first=r.trend_first,
            trend_last=r.trend_last, position=r.position, rank=_rank(r.better),
            compared=r.compared, position_kommungrupp=r.position_kommungrupp,
            rank_kommungrupp=_rank(r.better_kommungrupp),
            compared_kommungrupp=r.compared_kommungrupp, position_similar=r.position_similar,
            rank_similar=_rank(r.better_similar), compared_similar=r.compared_similar,
            score=r.score, flags=r.flags, unused=r.unused, computed_at=_utc(r.computed_at),
        )
        for r in session.scalars(query.execution_options(yield_per=5000))
    ]  # fmt: skip


__all__ = [
    "KpiAnalysis",
    "SuggestionRecord",
    "all_decisions",
    "all_kpi_analyses",
    "all_suggestions",
    "kpi_titles",
    "unit_names",
]
