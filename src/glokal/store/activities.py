"""SQL for the register of activities: projects, partnerships, EU projects, IOP, twin towns,
programmes and policies, with the goals and targets they serve, partners, funding, the
evaluation at the end and the reports an ICLD partnership owes.

An activity is written whole (the row and its goals, targets, partners, funding and reports)
and read whole. Every function takes a Session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from glokal.errors import NotFound
from glokal.i18n import N_
from glokal.store.models import (
    ActivityFundingRow,
    ActivityGoalRow,
    ActivityPartnerRow,
    ActivityRow,
    ActivityTargetRow,
    IcldReportRow,
    PlaceRow,
)


@dataclass(frozen=True, slots=True)
class GoalLink:
    """A goal (or, with ``target``, a target) an activity serves."""

    goal: int
    primary: bool = True
    origin: str = "person"  # "person", or "classifier" for a suggestion
    confirmed: bool = True  # False: a suggestion nobody has confirmed yet
    score: float | None = None


@dataclass(frozen=True, slots=True)
class TargetLink:
    target: str
    primary: bool = True
    origin: str = "person"
    confirmed: bool = True
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Partner:
    organisation: str
    country: str | None = None  # ISO 3166-1 alpha-2
    type: str = "other"


@dataclass(frozen=True, slots=True)
class Funding:
    source: str
    amount_sek: float | None = None
    year: int | None = None  # None: for the whole period


@dataclass(frozen=True, slots=True)
class IcldReport:
    accounting_year: int
    kind: str  # "partial" or "final"
    due: date
    submitted: date | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity as a person enters it and as the store hands it out (with ``id``)."""

    unit: str
    kind: str
    title: str
    description: str = ""
    department: str = ""
    start: date | None = None
    end: date | None = None
    status: str = ""
    programme: str | None = None
    goals: tuple[GoalLink, ...] = ()
    targets: tuple[TargetLink, ...] = ()
    partners: tuple[Partner, ...] = ()
    funding: tuple[Funding, ...] = ()
    results: str = ""
    evaluated: bool | None = None
    lessons: str = ""
    knowledge_transfer: str = ""
    icld_phase: str | None = None
    icld_variant: str | None = None
    icld_round: str | None = None
    reports: tuple[IcldReport, ...] = ()
    published: bool = True  # False: a draft, not on the public pages
    id: int | None = None
    unit_name: str = ""
    created_by: str = ""
    created_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)

    @property
    def confirmed_goals(self) -> tuple[int, ...]:
        return tuple(link.goal for link in self.goals if link.confirmed)

    @property
    def budget_sek(self) -> float | None:
        amounts = [f.amount_sek for f in self.funding if f.amount_sek is not None]
        return sum(amounts) if amounts else None


@dataclass(frozen=True, slots=True)
class ActivityQuery:
    """What to look for; every given field narrows the result (confirmed goals and targets)."""

    unit: Sequence[str] = ()
    kind: Sequence[str] = ()
    goal: int | None = None
    target: str | None = None
    country: str | None = None
    funding_source: str | None = None
    programme: str | None = None
    active_from: date | None = None  # the activity's period overlaps [active_from, active_to]
    active_to: date | None = None
    text: str | None = None
    published_only: bool = False  # the public pages: drafts left out


@dataclass(frozen=True, slots=True)
class ReportDue:
    activity: Activity
    report: IcldReport


def search_text(activity: Activity) -> str:
    """What text search looks in, casefolded in Python: SQL's lower() does not know å, ä, ö."""
    parts = [activity.title, activity.description, *(p.organisation for p in activity.partners)]
    return "\n".join(parts).casefold()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _row_values(activity: Activity) -> dict[str, Any]:
    return {
        "unit": activity.unit, "department": activity.department, "kind": activity.kind,
        "title": activity.title, "description": activity.description, "start": activity.start,
        "end": activity.end, "status": activity.status, "programme_id": activity.programme,
        "results": activity.results, "evaluated": activity.evaluated,
        "lessons": activity.lessons, "knowledge_transfer": activity.knowledge_transfer,
        "icld_phase": activity.icld_phase, "icld_variant": activity.icld_variant,
        "icld_round": activity.icld_round, "search_text": search_text(activity),
        "published": activity.published,
    }  # fmt: skip


def _write_children(session: Session, activity_id: int, activity: Activity) -> None:
    tables: list[tuple[Any, list[dict[str, Any]]]] = [
        (ActivityGoalRow, [
            {"activity_id": activity_id, "goal": g.goal, "primary": g.primary,
             "origin": g.origin, "confirmed": g.confirmed, "score": g.score}
            for g in activity.goals
        ]),
        (ActivityTargetRow, [
            {"activity_id": activity_id, "target": t.target, "primary": t.primary,
             "origin": t.origin, "confirmed": t.confirmed, "score": t.score}
            for t in activity.targets
        ]),
        (ActivityPartnerRow, [
            {"activity_id": activity_id, "position": i, "organisation": p.organisation,
             "country": p.country, "type": p.type}
            for i, p in enumerate(activity.partners)
        ]),
        (ActivityFundingRow, [
            {"activity_id": activity_id, "position": i, "year": f.year, "source": f.source,
             "amount_sek": f.amount_sek}
            for i, f in enumerate(activity.funding)
        ]),
        (IcldReportRow, [
            {"activity_id": activity_id, "accounting_year": r.accounting_year, "kind": r.kind,
             "due": r.due, "submitted": r.submitted}
            for r in activity.reports
        ]),
    ]  # fmt: skip
    for table, rows in tables:
        if rows:
            session.execute(insert(table), rows)


# What an activity owns besides its row: written whole with it, and deleted with it.
_CHILD_TABLES = (ActivityGoalRow, ActivityTargetRow, ActivityPartnerRow, ActivityFundingRow,
                 IcldReportRow)  # fmt: skip


def _delete_children(session: Session, activity_id: int) -> None:
    for table in _CHILD_TABLES:
        session.execute(delete(table).where(table.activity_id == activity_id))


def add_activities(
    session: Session, activities: Sequence[Activity], *, by: str, now: datetime
) -> list[int]:
    """Store new activities; returns their ids in order."""
    ids: list[int] = []
    for activity in activities:
        values = _row_values(activity) | {"created_by": by, "created_at": now, "updated_at": now}
        new_id = session.execute(insert(ActivityRow).returning(ActivityRow.id), values).scalar_one()
        _write_children(session, new_id, activity)
        ids.append(new_id)
    return ids


def replace_activity(
    session: Session, activity_id: int, activity: Activity, *, now: datetime
) -> None:
    """Write ``activity`` over the stored one with this id (its children replaced whole)."""
    _check_exists(session, activity_id)
    session.execute(
        update(ActivityRow)
        .where(ActivityRow.id == activity_id)
        .values(_row_values(activity) | {"updated_at": now})
    )
    _delete_children(session, activity_id)
    _write_children(session, activity_id, activity)


def delete_activity(session: Session, activity_id: int) -> None:
    _check_exists(session, activity_id)
    _delete_children(session, activity_id)
    session.execute(delete(ActivityRow).where(ActivityRow.id == activity_id))


def _check_exists(session: Session, activity_id: int) -> None:
    if session.get(ActivityRow, activity_id) is None:
        raise NotFound(
            N_("there is no activity {activity}"), activity=activity_id, where="activity"
        )


def _filtered(query: ActivityQuery) -> Select[Any]:
    """The ids of the activities ``query`` asks for."""
    ids = select(ActivityRow.id)
    if query.published_only:
        ids = ids.where(ActivityRow.published.is_(True))
    if query.unit:
        ids = ids.where(ActivityRow.unit.in_(query.unit))
    if query.kind:
        ids = ids.where(ActivityRow.kind.in_(query.kind))
    if query.programme is not None:
        ids = ids.where(ActivityRow.programme_id == query.programme)
    if query.goal is not None:
        ids = ids.where(
            exists().where(
                ActivityGoalRow.activity_id == ActivityRow.id,
                ActivityGoalRow.goal == query.goal,
                ActivityGoalRow.confirmed.is_(True),
            )
        )
    if query.target is not None:
        ids = ids.where(
            exists().where(
                ActivityTargetRow.activity_id == ActivityRow.id,
                ActivityTargetRow.target == query.target,
                ActivityTargetRow.confirmed.is_(True),
            )
        )
    if query.country is not None:
        ids = ids.where(
            exists().where(
                ActivityPartnerRow.activity_id == ActivityRow.id,
                ActivityPartnerRow.country == query.country,
            )
        )
    if query.funding_source is not None:
        ids = ids.where(
            exists().where(
                ActivityFundingRow.activity_id == ActivityRow.id,
                ActivityFundingRow.source == query.funding_source,
            )
        )
    if query.active_to is not None:
        ids = ids.where(or_(ActivityRow.start.is_(None), ActivityRow.start <= query.active_to))
    if query.active_from is not None:
        ids = ids.where(or_(ActivityRow.end.is_(None), ActivityRow.end >= query.active_from))
    if query.text:
        pattern = query.text.casefold().replace("\\", "\\\\").replace("%", "\\%")
        pattern = pattern.replace("_", "\\_")
        ids = ids.where(ActivityRow.search_text.like(f"%{pattern}%", escape="\\"))
    return ids


def find_activities(session: Session, query: ActivityQuery | None = None) -> list[Activity]:
    """The activities ``query`` asks for (all without one), by unit, then start, then id."""
    return _load(session, _filtered(query or ActivityQuery()))


def get_activity(session: Session, activity_id: int) -> Activity:
    found = _load(session, select(ActivityRow.id).where(ActivityRow.id == activity_id))
    if not found:
        raise NotFound(
            N_("there is no activity {activity}"), activity=activity_id, where="activity"
        )
    return found[0]


def _children(session: Session, table: Any, ids: Select[Any], *order: Any) -> dict[int, list[Any]]:
    by_activity: dict[int, list[Any]] = {}
    for row in session.scalars(select(table).where(table.activity_id.in_(ids)).order_by(*order)):
        by_activity.setdefault(row.activity_id, []).append(row)
    return by_activity


def _load(session: Session, ids: Select[Any]) -> list[Activity]:
    rows = session.execute(
        select(ActivityRow, PlaceRow.name)
        .join(PlaceRow, PlaceRow.id == ActivityRow.unit)
        .where(ActivityRow.id.in_(ids))
        .order_by(ActivityRow.unit, ActivityRow.start.is_(None), ActivityRow.start, ActivityRow.id)
    ).all()
    if not rows:
        return []
    goals = _children(session, ActivityGoalRow, ids, ActivityGoalRow.goal)
    targets = _children(session, ActivityTargetRow, ids, ActivityTargetRow.target)
    partners = _children(session, ActivityPartnerRow, ids, ActivityPartnerRow.position)
    funding = _children(session, ActivityFundingRow, ids, ActivityFundingRow.position)
    reports = _children(
        session, IcldReportRow, ids, IcldReportRow.accounting_year, IcldReportRow.due
    )
    return [
        Activity(
            id=row.id, unit=row.unit, unit_name=name, kind=row.kind, title=row.title,
            description=row.description, department=row.department, start=row.start,
            end=row.end, status=row.status, programme=row.programme_id,
            goals=tuple(
                GoalLink(g.goal, g.primary, g.origin, g.confirmed, g.score)
                for g in sorted(goals.get(row.id, []), key=lambda g: (not g.primary, g.goal))
            ),
            targets=tuple(
                TargetLink(t.target, t.primary, t.origin, t.confirmed, t.score)
                for t in targets.get(row.id, [])
            ),
            partners=tuple(
                Partner(p.organisation, p.country, p.type) for p in partners.get(row.id, [])
            ),
            funding=tuple(
                Funding(f.source, f.amount_sek, f.year) for f in funding.get(row.id, [])
            ),
            results=row.results, evaluated=row.evaluated, lessons=row.lessons,
            knowledge_transfer=row.knowledge_transfer, icld_phase=row.icld_phase,
            icld_variant=row.icld_variant, icld_round=row.icld_round,
            reports=tuple(
                IcldReport(r.accounting_year, r.kind, r.due, r.submitted)
                for r in reports.get(row.id, [])
            ),
            published=row.published, created_by=row.created_by,
            created_at=_utc(row.created_at),
            updated_at=_utc(row.updated_at),
        )
        for row, name in rows
    ]  # fmt: skip


def activities_lacking_evaluation(
    session: Session, today: date, unit: Sequence[str] = ()
) -> list[Activity]:
    """Activities that have ended (end before ``today``) and nobody has said were evaluated."""
    ids = select(ActivityRow.id).where(
        ActivityRow.end < today,
        or_(ActivityRow.evaluated.is_(None), ActivityRow.evaluated.is_(False)),
    )
    if unit:
        ids = ids.where(ActivityRow.unit.in_(unit))
    return _load(session, ids)


def reports_due(
    session: Session, today: date, until: date, unit: Sequence[str] = ()
) -> list[ReportDue]:
    """ICLD reports not yet submitted that are due by ``until`` (overdue ones included)."""
    ids = select(IcldReportRow.activity_id).where(
        IcldReportRow.submitted.is_(None), IcldReportRow.due <= until
    )
    if unit:
        ids = ids.where(
            IcldReportRow.activity_id.in_(select(ActivityRow.id).where(ActivityRow.unit.in_(unit)))
        )
    due = [
        ReportDue(activity, report)
        for activity in _load(session, ids)
        for report in activity.reports
        if report.submitted is None and report.due <= until
    ]
    return sorted(due, key=lambda d: (d.report.due, d.activity.unit, d.activity.id or 0))


def count_activities(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ActivityRow)) or 0


def with_links(
    activity: Activity,
    goals: Iterable[GoalLink] | None = None,
    targets: Iterable[TargetLink] | None = None,
) -> Activity:
    """The activity with these goal and target links in place of its own."""
    return replace(
        activity,
        goals=tuple(goals) if goals is not None else activity.goals,
        targets=tuple(targets) if targets is not None else activity.targets,
    )
