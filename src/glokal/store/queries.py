"""Named read queries. Each takes a Session and returns typed records, never ORM rows."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from glokal.framework import Goal, Indicator, MillenniumGoal, Target
from glokal.places import Kommungrupp, Place
from glokal.store.models import (
    CountyRow,
    GoalRow,
    IndicatorRow,
    KommungruppRow,
    MillenniumGoalRow,
    PlaceRow,
    TargetRow,
)


def _goal(row: GoalRow) -> Goal:
    return Goal(
        number=row.number,
        short_sv=row.short_sv,
        short_en=row.short_en,
        title_sv=row.title_sv,
        title_en=row.title_en,
        colour=row.colour,
        aliases_sv=tuple(row.aliases_sv),
        source=row.source,
    )


def list_goals(session: Session) -> list[Goal]:
    return [_goal(r) for r in session.scalars(select(GoalRow).order_by(GoalRow.number))]


def list_targets(session: Session, goal: int | None = None) -> list[Target]:
    query = select(TargetRow).order_by(TargetRow.position)
    if goal is not None:
        query = query.where(TargetRow.goal == goal)
    return [
        Target(
            id=r.id,
            goal=r.goal,
            text_en=r.text_en,
            text_sv=r.text_sv,
            short_sv=r.short_sv,
            short_en=r.short_en,
            source=r.source,
        )
        for r in session.scalars(query)
    ]


def list_indicators(session: Session, goal: int | None = None) -> list[Indicator]:
    query = select(IndicatorRow).order_by(IndicatorRow.position)
    if goal is not None:
        query = query.join(TargetRow, IndicatorRow.target == TargetRow.id).where(
            TargetRow.goal == goal
        )
    return [
        Indicator(
            id=r.id,
            target=r.target,
            text_en=r.text_en,
            text_sv=r.text_sv,
            same_as=r.same_as,
            source=r.source,
        )
        for r in session.scalars(query)
    ]


def list_mdgs(session: Session) -> list[MillenniumGoal]:
    return [
        MillenniumGoal(number=r.number, title_sv=r.title_sv, title_en=r.title_en, source=r.source)
        for r in session.scalars(select(MillenniumGoalRow).order_by(MillenniumGoalRow.number))
    ]


def list_places(session: Session, unit_type: str | None = None) -> list[Place]:
    query = select(PlaceRow).order_by(PlaceRow.id)
    if unit_type is not None:
        query = query.where(PlaceRow.type == unit_type)
    return [
        Place(
            id=r.id,
            name=r.name,
            type="K" if r.type == "K" else "L",
            county=r.county,
            region=r.region,
            kommungrupp=r.kommungrupp,
            source=r.source,
        )
        for r in session.scalars(query)
    ]


def list_kommungrupper(session: Session) -> list[Kommungrupp]:
    return [
        Kommungrupp(
            code=r.code,
            main_group=r.main_group,
            name_sv=r.name_sv,
            name_en=r.name_en,
            kolada_group=r.kolada_group,
            source=r.source,
        )
        for r in session.scalars(select(KommungruppRow).order_by(KommungruppRow.code))
    ]


def row_counts(session: Session) -> dict[str, int]:
    """Rows per reference table, e.g. to show what `glokal init` left behind."""
    models = (
        GoalRow,
        TargetRow,
        IndicatorRow,
        MillenniumGoalRow,
        CountyRow,
        KommungruppRow,
        PlaceRow,
    )
    return {
        m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0 for m in models
    }
