"""SQL for the open data of the JSON API and the downloads: Kolada values by page, published
decisions and stored suggestions across units, which of the ids a filter names are stored, and
a cheap version of everything the public pages show (for caching rendered pages).

Only published data leaves through here. Every function takes a Session; the caller owns the
transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from glokal.framework import GoalStatus
from glokal.store import kolada
from glokal.store.models import (
    DataChangeRow,
    GoalAssessmentRow,
    GoalSuggestionRow,
    KoladaKpiRow,
    KoladaSyncRunRow,
    KoladaValueRow,
    PlaceRow,
    ProgrammeRow,
    TargetRow,
)

DEFAULT_METHOD = "default"

# (kpi, municipality, period, gender, value): one raw Kolada value.
ValueTuple = tuple[str, str, int, str, float | None]


@dataclass(frozen=True, slots=True)
class ValueFilter:
    """Which Kolada values: every given field narrows the result."""

    kpis: Sequence[str] = ()
    units: Sequence[str] = ()
    years: Sequence[int] = ()
    gender: str | None = None  # "T", "K" or "M"


@dataclass(frozen=True, slots=True)
class PublishedDecision:
    """The newest published decision on a unit's goal."""

    id: int
    unit: str
    goal: int
    status: GoalStatus
    text: str
    assessor: str
    method_note: str
    cutoff: str
    published_at: datetime


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The status Glokal's method suggested for a unit's goal (Glokal's analysis)."""

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
class StoredIds:
    """Which of the ids asked about the store holds, by kind."""

    kpis: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()
    programmes: frozenset[str] = frozenset()


def stored_ids(
    session: Session, *, kpis: Sequence[str] = (), units: Sequence[str] = (),
    targets: Sequence[str] = (), programmes: Sequence[str] = (),
) -> StoredIds:  # fmt: skip
    """Which of these KPI, unit, target and programme ids are stored (the rest name nothing):
    one round trip of primary-key lookups for all of them, none when none is asked about."""
    kinds = (
        ("kpis", KoladaKpiRow.id, kpis), ("units", PlaceRow.id, units),
        ("targets", TargetRow.id, targets), ("programmes", ProgrammeRow.id, programmes),
    )  # fmt: skip
    lookups = [
        select(literal(kind).label("kind"), column.label("id")).where(column.in_(set(ids)))
        for kind, column, ids in kinds
        if ids
    ]
    if not lookups:
        return StoredIds()
    found: dict[str, set[str]] = {}
    for kind, stored in session.execute(union_all(*lookups) if len(lookups) > 1 else lookups[0]):
        found.setdefault(kind, set()).add(stored)
    return StoredIds(**{kind: frozenset(ids) for kind, ids in found.items()})


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _value_conditions(wanted: ValueFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.kpis:
        conditions.append(KoladaValueRow.kpi.in_(wanted.kpis))
    if wanted.units:
        conditions.append(KoladaValueRow.municipality.in_(wanted.units))
    if wanted.years:
        conditions.append(KoladaValueRow.period.in_(wanted.years))
    if wanted.gender:
        conditions.append(KoladaValueRow.gender == wanted.gender)
    return conditions


def _values_select(wanted: ValueFilter) -> Select[str, str, int, str, float | None]:
    return (
        select(KoladaValueRow.kpi, KoladaValueRow.municipality, KoladaValueRow.period,
               KoladaValueRow.gender, KoladaValueRow.value)
        .where(and_(True, *_value_conditions(wanted)))
        .order_by(KoladaValueRow.kpi, KoladaValueRow.municipality, KoladaValueRow.period,
                  KoladaValueRow.gender)
    )  # fmt: skip


def count_values(session: Session, wanted: ValueFilter) -> int:
    if not wanted.years:
        # Counted from the series' lengths, without expanding them into the view's rows: the
        # count every page of /api/v1/values asks (0.9 s through the view for a million).
        return kolada.count_values(session, wanted.kpis, wanted.units, wanted.gender)
    query = select(func.count()).select_from(KoladaValueRow)
    conditions = _value_conditions(wanted)
    if conditions:
        query = query.where(and_(*conditions))
    return session.scalar(query) or 0


def value_page(
    session: Session, wanted: ValueFilter, *, limit: int, offset: int
) -> list[ValueTuple]:
    """One page of values in key order (kpi, unit, year, gender). Källa: Kolada."""
    rows = session.execute(_values_select(wanted).limit(limit).offset(offset))
    return [(k, m, p, g, v) for k, m, p, g, v in rows]


def iter_values(session: Session, wanted: ValueFilter) -> Iterator[ValueTuple]:
    """Every value ``wanted`` asks for, streamed in key order (for the downloads)."""
    result = session.execute(_values_select(wanted).execution_options(yield_per=5000))
    yield from ((k, m, p, g, v) for k, m, p, g, v in result)


def published_decisions(
    session: Session, unit: str | None = None, goal: int | None = None
) -> list[PublishedDecision]:
    """The newest published decision of each unit and goal, by unit and goal."""
    newest = select(func.max(GoalAssessmentRow.id)).where(
        GoalAssessmentRow.published_at.is_not(None)
    )
    if unit is not None:
        newest = newest.where(GoalAssessmentRow.unit == unit)
    if goal is not None:
        newest = newest.where(GoalAssessmentRow.goal == goal)
    rows = session.scalars(
        select(GoalAssessmentRow)
        .where(GoalAssessmentRow.id.in_(newest.group_by(GoalAssessmentRow.unit,
                                                        GoalAssessmentRow.goal)))
        .order_by(GoalAssessmentRow.unit, GoalAssessmentRow.goal)
    )  # fmt: skip
    return [
        PublishedDecision(
            id=r.id, unit=r.unit, goal=r.goal, status=GoalStatus(r.status), text=r.text,
            assessor=r.assessor, method_note=r.method_note, cutoff=r.cutoff.isoformat(),
            published_at=_utc(r.published_at),
        )
        for r in rows
        if r.published_at is not None
    ]  # fmt: skip


def suggestions(
    session: Session, unit: str | None = None, goal: int | None = None,
    method: str = DEFAULT_METHOD,
) -> list[Suggestion]:  # fmt: skip
    """The stored suggestions of ``method`` (Glokal's analysis), by unit and goal."""
    query = select(GoalSuggestionRow).where(GoalSuggestionRow.method == method)
    if unit is not None:
        query = query.where(GoalSuggestionRow.unit == unit)
    if goal is not None:
        query = query.where(GoalSuggestionRow.goal == goal)
    rows = session.scalars(query.order_by(GoalSuggestionRow.unit, GoalSuggestionRow.goal))
    return [
        Suggestion(
            method=r.method, unit=r.unit, goal=r.goal, status=GoalStatus(r.status),
            score=r.score, kpis_used=r.kpis_used, kpis_total=r.kpis_total,
            reference_year=r.reference_year, computed_at=_utc(r.computed_at),
        )
        for r in rows
    ]  # fmt: skip


def _analysis_version(dialect: str) -> Any:
    """Changes whenever `glokal assess` rewrites suggestions (it deletes and inserts them, with
    the KPI results, in one transaction). On SQLite the newest rowid says so from the table's
    b-tree alone; scanning computed_at reads every row's details (milliseconds)."""
    if dialect == "sqlite":
        newest = func.max(literal_column("rowid", Integer))
        return select(newest).select_from(GoalSuggestionRow).scalar_subquery()
    return select(func.max(GoalSuggestionRow.computed_at)).scalar_subquery()


@cache
def _version_statement(dialect: str) -> Select[Any]:
    """Built once per dialect: building the statement costs more than running it."""
    parts: list[Any] = [
        # Raised by triggers on every write to what the pages show, by any path (migration
        # 0006): decisions, activities, local goals and indicators, priorities, comments, …
        select(DataChangeRow.counter).where(DataChangeRow.id == 1).scalar_subquery(),
        # What the triggers leave out, as too many rows to count one by one: Kolada's values
        # (a sync run's end) and the analysis (its newest row).
        select(func.max(KoladaSyncRunRow.finished_at)).scalar_subquery(),
        _analysis_version(dialect),
    ]
    return select(*parts)


def data_version(connection: Connection | Session) -> tuple[Any, ...]:
    """A cheap fingerprint of everything the public pages show: it changes whenever any of
    it is written, by any path (the editor, the CLI, an import, a restore: the change counter
    that triggers raise, migration 0006), a sync finishes or the analysis is rerun.

    One round trip of aggregates over indexed or small tables (about 10 µs in SQLite); equal
    fingerprints mean the pages would render the same.
    """
    dialect = connection.get_bind().dialect.name if isinstance(connection, Session) else (
        connection.dialect.name
    )  # fmt: skip
    row = connection.execute(_version_statement(dialect)).one()
    return tuple(row)
