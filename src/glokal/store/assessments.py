"""SQL for the goal statuses people decide (goal_assessment) and the suggestions beside them.

goal_assessment is append-only: recording a decision adds a row, and the newest row of a unit
and goal (the highest id) is its current decision; the older rows are its history. Every
function takes a Session; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from glokal.errors import InputError, NotFound
from glokal.framework import GOAL_COUNT, GoalStatus
from glokal.i18n import N_
from glokal.store.models import GoalAssessmentRow, GoalRow, GoalSuggestionRow, PlaceRow

DEFAULT_METHOD = "default"


@dataclass(frozen=True, slots=True)
class GoalAssessment:
    """One recorded decision on a unit's goal, with the suggestion that stood when it was made."""

    id: int
    unit: str
    goal: int
    status: GoalStatus
    text: str
    assessor: str
    method_note: str
    cutoff: date
    justification: str | None
    suggested_status: GoalStatus | None
    suggestion_method: str | None
    recorded_by: str
    recorded_at: datetime
    published_at: datetime | None = None  # None: a draft


@dataclass(frozen=True, slots=True)
class StoredSuggestion:
    """The status a method suggested for a unit and goal, as `glokal assess` stored it."""

    method: str
    unit: str
    goal: int
    status: GoalStatus
    reference_year: int
    computed_at: datetime


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything Glokal stores is UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _assessment(row: GoalAssessmentRow) -> GoalAssessment:
    return GoalAssessment(
        id=row.id, unit=row.unit, goal=row.goal, status=GoalStatus(row.status), text=row.text,
        assessor=row.assessor, method_note=row.method_note, cutoff=row.cutoff,
        justification=row.justification,
        suggested_status=GoalStatus(row.suggested_status) if row.suggested_status else None,
        suggestion_method=row.suggestion_method, recorded_by=row.recorded_by,
        recorded_at=_utc(row.recorded_at),
        published_at=_utc(row.published_at) if row.published_at is not None else None,
    )  # fmt: skip


def unit_name(session: Session, unit: str) -> str:
    """The name of a stored unit; NotFound naming the unit otherwise."""
    name = session.scalar(select(PlaceRow.name).where(PlaceRow.id == unit))
    if name is None:
        raise NotFound(
            N_("there is no unit {unit!r}"),
            unit=unit,
            where="unit",
            hint=N_("`glokal places` lists them"),
        )
    return name


def _check_goal(session: Session, goal: int) -> None:
    if not 1 <= goal <= GOAL_COUNT:
        raise InputError(
            N_("there is no goal {number}; goals are numbered 1–{count}"),
            number=goal,
            count=GOAL_COUNT,
            where="goal",
        )
    if session.get(GoalRow, goal) is None:
        raise NotFound(
            N_("goal {goal} is not in the store"),
            goal=goal,
            where="goal",
            hint=N_("run `glokal init`"),
        )


def record_assessment(
    session: Session,
    unit: str,
    goal: int,
    *,
    status: GoalStatus,
    text: str,
    assessor: str,
    method_note: str,
    cutoff: date,
    justification: str | None,
    suggested_status: GoalStatus | None,
    suggestion_method: str | None,
    recorded_by: str,
    recorded_at: datetime,
    published: bool = True,
) -> GoalAssessment:
    """Add a decision as the new current one of ``unit`` and ``goal``; earlier ones are kept.
    Unless ``published``, it is a draft: the public pages go on showing the newest published one.

    Checks that the unit and goal exist before writing anything.
    """
    unit_name(session, unit)
    _check_goal(session, goal)
    row = GoalAssessmentRow(
        unit=unit, goal=goal, status=GoalStatus(status).value, text=text, assessor=assessor,
        method_note=method_note, cutoff=cutoff, justification=justification,
        suggested_status=GoalStatus(suggested_status).value if suggested_status else None,
        suggestion_method=suggestion_method if suggested_status else None,
        recorded_by=recorded_by, recorded_at=_utc(recorded_at),
        published_at=_utc(recorded_at) if published else None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return _assessment(row)


def current_assessment(session: Session, unit: str, goal: int) -> GoalAssessment | None:
    """The current decision on a unit's goal (the newest recorded), or None if there is none."""
    row = session.scalars(
        select(GoalAssessmentRow)
        .where(GoalAssessmentRow.unit == unit, GoalAssessmentRow.goal == goal)
        .order_by(GoalAssessmentRow.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _assessment(row)


def current_assessments(session: Session, unit: str) -> list[GoalAssessment]:
    """The current decision on each goal of ``unit`` that has one, by goal number."""
    newest = (
        select(func.max(GoalAssessmentRow.id))
        .where(GoalAssessmentRow.unit == unit)
        .group_by(GoalAssessmentRow.goal)
    )
    rows = session.scalars(
        select(GoalAssessmentRow)
        .where(GoalAssessmentRow.id.in_(newest))
        .order_by(GoalAssessmentRow.goal)
    )
    return [_assessment(row) for row in rows]


def published_assessments(session: Session, unit: str) -> list[GoalAssessment]:
    """The newest published decision on each goal of ``unit`` (what the public pages show)."""
    newest = (
        select(func.max(GoalAssessmentRow.id))
        .where(GoalAssessmentRow.unit == unit, GoalAssessmentRow.published_at.is_not(None))
        .group_by(GoalAssessmentRow.goal)
    )
    rows = session.scalars(
        select(GoalAssessmentRow)
        .where(GoalAssessmentRow.id.in_(newest))
        .order_by(GoalAssessmentRow.goal)
    )
    return [_assessment(row) for row in rows]


def publish_assessment(session: Session, assessment_id: int, at: datetime) -> GoalAssessment:
    """Publish a draft decision (the public pages show it from now on)."""
    row = session.get(GoalAssessmentRow, assessment_id)
    if row is None:
        raise NotFound(
            N_("there is no assessment {assessment}"), assessment=assessment_id, where="assessment"
        )
    if row.published_at is None:
        row.published_at = _utc(at)
        session.flush()
    return _assessment(row)


def assessment_history(
    session: Session, unit: str, goal: int | None = None
) -> list[GoalAssessment]:
    """Every decision recorded for ``unit`` (one goal, or all), by goal, oldest first."""
    query = select(GoalAssessmentRow).where(GoalAssessmentRow.unit == unit)
    if goal is not None:
        query = query.where(GoalAssessmentRow.goal == goal)
    rows = session.scalars(query.order_by(GoalAssessmentRow.goal, GoalAssessmentRow.id))
    return [_assessment(row) for row in rows]


def suggestion_count(session: Session, method: str = DEFAULT_METHOD) -> int:
    """How many goal suggestions of ``method`` are stored."""
    count = session.scalar(
        select(func.count())
        .select_from(GoalSuggestionRow)
        .where(GoalSuggestionRow.method == method)
    )
    return int(count or 0)


def stored_suggestion(
    session: Session, unit: str, goal: int, method: str = DEFAULT_METHOD
) -> StoredSuggestion | None:
    """The suggestion `glokal assess` stored for a unit and goal by ``method``, if any."""
    row = session.get(GoalSuggestionRow, (method, unit, goal))
    if row is None:
        return None
    return StoredSuggestion(
        method=row.method, unit=row.unit, goal=row.goal, status=GoalStatus(row.status),
        reference_year=row.reference_year, computed_at=_utc(row.computed_at),
    )  # fmt: skip


__all__ = [
    "DEFAULT_METHOD",
    "GoalAssessment",
    "StoredSuggestion",
    "assessment_history",
    "current_assessment",
    "current_assessments",
    "publish_assessment",
    "published_assessments",
    "record_assessment",
    "stored_suggestion",
    "suggestion_count",
    "unit_name",
]
