"""SQL for what the Kolada sync writes and what its readers ask: KPIs, groups, the Agenda 2030
selection, values, polarity and the sync runs with their per-KPI checkpoints.

Every function takes a Session; the caller owns the transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from operator import itemgetter
from typing import Any

import msgspec
from sqlalchemy import (
    Dialect,
    Select,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from glokal.store.models import (
    KoladaGroupMemberRow,
    KoladaGroupRow,
    KoladaKpiRow,
    KoladaSeriesRow,
    KoladaSyncCheckpointRow,
    KoladaSyncRunRow,
    KoladaValueRow,
    KpiGoalRow,
    KpiPolarityRow,
    PlaceRow,
)

POLARITIES = ("higher", "lower", "neither", "unknown")


# One Kolada value as the database driver takes it: (kpi, municipality, period, gender, value,
# count, fetched_at), with fetched_at already in the driver's form (see `driver_timestamp`).
ValueRow = tuple[str, str, int, str, float | None, int, Any]
# One year of a stored series: (period, value, count).
Cell = tuple[int, float | None, int]
# One series of a full fetch of one KPI, ready to store: (municipality, gender, cells as the
# JSON text ``encode_cells`` writes, number of cells). The KPI and fetched_at are the same for
# all of a KPI's series and are given once.
SeriesRow = tuple[str, str, str, int]
_encode = msgspec.json.Encoder().encode
_decode_cells = msgspec.json.Decoder(list[tuple[int, float | None, int]]).decode


@dataclass(frozen=True, slots=True)
class StoredKpi:
    id: str
    title: str
    municipality_type: str
    is_divided_by_gender: bool
    goals: tuple[int, ...]
    polarity: str
    polarity_note: str
    polarity_by: str | None  # "glokal" (the bundled table), "user", or None (nobody: unknown)
    discontinued_after: int | None
    missing: bool


@dataclass(frozen=True, slots=True)
class SyncRun:
    id: int
    mode: str
    selection: str
    base_url: str
    from_date: date | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    requests: int
    values_written: int
    values_deleted: int


def _upsert(session: Session, table: Any, rows: Sequence[dict[str, Any]], keys: list[str]) -> None:
    """INSERT … ON CONFLICT DO UPDATE, in the dialect of the session's database."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    make_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    columns = [c for c in rows[0] if c not in keys]
    statement = make_insert(table)
    if columns:
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={c: statement.excluded[c] for c in columns}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    # executemany: the driver batches it (insertmanyvalues); far faster than one huge VALUES.
    session.connection().execute(statement, list(rows))


# -- metadata -------------------------------------------------------------------------------


def upsert_kpis(session: Session, kpis: Sequence[dict[str, Any]]) -> None:
    """Store KPI metadata (rows shaped like KoladaKpiRow's columns)."""
    _upsert(session, KoladaKpiRow.__table__, kpis, ["id"])


def flag_missing_kpis(session: Session, ids: Sequence[str], now: datetime) -> int:
    """Flag stored KPIs that Kolada no longer lists; their values are kept."""
    if not ids:
        return 0
    result = session.execute(
        update(KoladaKpiRow)
        .where(KoladaKpiRow.id.in_(ids), KoladaKpiRow.missing_since.is_(None))
        .values(missing_since=now)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def known_kpi_ids(session: Session) -> set[str]:
    return set(session.scalars(select(KoladaKpiRow.id)))


def kpi_metadata_age(session: Session) -> datetime | None:
    """When KPI metadata was last fetched (the oldest fetch among stored KPIs)."""
    return session.scalar(select(func.min(KoladaKpiRow.fetched_at)))


def replace_groups(
    session: Session, kind: str, groups: Sequence[dict[str, Any]], now: datetime
) -> int:
    """Store groups with their members, replacing the members each group had before.

    A group stored with the same title and members is left as it is (its ``fetched_at`` is
    when that version was fetched): a sync fetches some 3,600 municipality groups with 27,000
    members, nearly always unchanged, and rewriting them cost a third of a second of triggers
    and inserts. Returns the number of groups written.
    """
    if not groups:
        return 0
    incoming = {
        g["id"]: (
            g["title"],
            {m["member_id"]: m.get("member_title") or "" for m in g.get("members") or []},
        )
        for g in groups
    }
    # The stored groups of this kind with their members, in two statements (nearly all of
    # them come again); an id stored under the other kind is replaced too.
    stored: dict[str, tuple[str, dict[str, str]]] = {
        group_id: (title, {})
        for group_id, title in session.execute(
            select(KoladaGroupRow.id, KoladaGroupRow.title).where(KoladaGroupRow.kind == kind)
        )
    }
    for group_id, member, member_title in session.execute(
        select(
            KoladaGroupMemberRow.group_id, KoladaGroupMemberRow.member_id,
            KoladaGroupMemberRow.member_title,
        )
        .join(KoladaGroupRow, KoladaGroupRow.id == KoladaGroupMemberRow.group_id)
        .where(KoladaGroupRow.kind == kind)
    ):  # fmt: skip
        stored[group_id][1][member] = member_title
    new = [group_id for group_id in incoming if group_id not in stored]
    other_kind = (
        set(
            session.scalars(select(KoladaGroupRow.id).where(KoladaGroupRow.kind != kind))
        ).intersection(new)
        if new
        else set()
    )
    changed = [group_id for group_id, group in incoming.items() if stored.get(group_id) != group]
    if not changed:
        return 0
    stamp = driver_timestamp(session.get_bind().dialect, now)
    _insert_rows(
        session, KoladaGroupRow.__tablename__, ("id", "kind", "title", "fetched_at"),
        [(i, kind, incoming[i][0], stamp) for i in changed],
        " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, "
        "fetched_at = excluded.fetched_at",
    )  # fmt: skip
    replaced = [i for i in changed if i in stored or i in other_kind]
    for start in range(0, len(replaced), 500):
        session.execute(
            delete(KoladaGroupMemberRow).where(
                KoladaGroupMemberRow.group_id.in_(replaced[start : start + 500])
            )
        )
    members = [
        (group_id, member, title)
        for group_id in changed
        for member, title in incoming[group_id][1].items()
    ]
    _insert_text_rows(
        session, KoladaGroupMemberRow.__tablename__, ("group_id", "member_id", "member_title"),
        members,
    )  # fmt: skip
    return len(changed)


def group_members(session: Session, group_ids: Sequence[str]) -> dict[str, list[str]]:
    rows = session.execute(
        select(KoladaGroupMemberRow.group_id, KoladaGroupMemberRow.member_id)
        .where(KoladaGroupMemberRow.group_id.in_(group_ids))
        .order_by(KoladaGroupMemberRow.group_id, KoladaGroupMemberRow.member_id)
    )
    found: dict[str, list[str]] = {g: [] for g in group_ids}
    for group_id, member_id in rows:
        found[group_id].append(member_id)
    return found


def stored_group_ids(session: Session, kind: str) -> set[str]:
    return set(session.scalars(select(KoladaGroupRow.id).where(KoladaGroupRow.kind == kind)))


def record_agenda_selection(
    session: Session, mapping: Sequence[tuple[str, str, int, str | None]], today: date
) -> tuple[int, int]:
    """Store the KPI→goal mapping fetched today as (kpi, group id, goal, unit type) tuples.

    Pairs seen before get ``last_seen`` today; new pairs are added; pairs that have left the
    selection get ``removed_on`` today. Returns (added, removed).
    """
    current = {(kpi, group): (goal, unit_type) for kpi, group, goal, unit_type in mapping}
    table: Any = KpiGoalRow.__table__  # a Table (typed FromClause by SQLAlchemy)
    connection = session.connection()  # Core: every sync records it, nearly always unchanged
    stored = {
        (kpi, group): (goal, unit_type, last_seen, removed_on)
        for kpi, group, goal, unit_type, last_seen, removed_on in connection.execute(
            select(table.c.kpi, table.c.group_id, table.c.goal, table.c.unit_type,
                   table.c.last_seen, table.c.removed_on)
        )
    }  # fmt: skip
    new = [
        {"kpi": kpi, "group_id": group, "goal": goal, "unit_type": unit_type,
         "first_seen": today, "last_seen": today, "removed_on": None}
        for (kpi, group), (goal, unit_type) in current.items()
        if (kpi, group) not in stored
    ]  # fmt: skip
    seen = [
        {"key_kpi": kpi, "key_group": group, "goal": goal, "unit_type": unit_type,
         "last_seen": today, "removed_on": None}
        for (kpi, group), (goal, unit_type) in current.items()
        if (kpi, group) in stored and stored[(kpi, group)] != (goal, unit_type, today, None)
    ]  # fmt: skip
    gone = [
        {"key_kpi": kpi, "key_group": group, "removed_on": today}
        for (kpi, group), (*_rest, removed_on) in stored.items()
        if (kpi, group) not in current and removed_on is None
    ]
    where = (table.c.kpi == bindparam("key_kpi"), table.c.group_id == bindparam("key_group"))
    if new:
        connection.execute(insert(table), new)
    if seen:
        connection.execute(update(table).where(*where), seen)
    if gone:
        connection.execute(update(table).where(*where), gone)
    added, removed = len(new), len(gone)
    return added, removed


# -- values ---------------------------------------------------------------------------------


def known_place_ids(session: Session) -> set[str]:
    return set(session.scalars(select(PlaceRow.id)))


def driver_timestamp(dialect: Dialect, when: datetime) -> Any:
    """``when`` as KoladaValueRow.fetched_at's column type hands it to this dialect's driver.

    Rendered once per batch instead of once per row; the same value the ORM would bind (for
    SQLite the text '2026-11-22 08:00:00.000000'; PostgreSQL's driver takes the datetime), so
    reads through the ORM see what they always saw.
    """
    column_type = KoladaValueRow.__table__.c.fetched_at.type
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    return when if process is None else process(when)


def _placeholder(dialect: Dialect) -> str:
    if dialect.paramstyle == "qmark":
        return "?"
    if dialect.paramstyle in ("format", "pyformat"):
        return "%s"
    # Not a driver Glokal supports; say so rather than send SQL it cannot read.
    raise NotImplementedError(f"series writes need ? or %s placeholders, not {dialect.paramstyle}")


_SERIES, _SERIES_KEY = KoladaSeriesRow.__tablename__, ("kpi", "municipality", "gender")
_SERIES_COLUMNS = (*_SERIES_KEY, "cells", "fetched_at")
# A stored series with a cell before the first year or after the last (two bound years).
_OUTSIDE_YEARS = {
    "sqlite": "json_extract(cells, '$[0][0]') < ? OR json_extract(cells, '$[#-1][0]') > ?",
    "postgresql": "(cells::json -> 0 ->> 0)::integer < %s "
    "OR (cells::json -> -1 ->> 0)::integer > %s",
}


def _write_series(
    session: Session, rows: Sequence[tuple[str, str, str, str, Any]], *, upsert: bool = False
) -> None:
    """INSERT (kpi, municipality, gender, cells, fetched_at) tuples, already in the driver's
    form; with ``upsert``, a stored series of the same key is replaced."""
    conflict = (  # the same ON CONFLICT syntax in SQLite (3.24+) and PostgreSQL
        f" ON CONFLICT ({', '.join(_SERIES_KEY)}) DO UPDATE SET "
        "cells = excluded.cells, fetched_at = excluded.fetched_at"
        if upsert
        else ""
    )
    _insert_rows(session, _SERIES, _SERIES_COLUMNS, rows, conflict)


# 5,000 bound values a statement: within SQLite's limit since 3.32 (32,766; 999 before) and
# PostgreSQL's (65,535).
_VALUES_PER_STATEMENT = 5000 if sqlite3.sqlite_version_info >= (3, 32) else 999


def _insert_rows(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    suffix: str = "",
) -> None:
    """INSERT tuples (already in the driver's form) into ``columns`` of ``table``, many rows a
    statement; ``suffix`` ends each statement (an ON CONFLICT clause).

    Not executemany: the driver binds a statement's values at once and runs it without the
    GIL, while executemany gives the GIL up and takes it back for every row; in the sync,
    with the event loop's HTTP wanting it, each taking back can wait out the other thread's
    switch interval (bench/README.md).
    """
    if not rows:
        return
    connection = session.connection()
    mark = _placeholder(connection.dialect)
    row = f"({', '.join([mark] * len(columns))})"
    per_statement = max(1, _VALUES_PER_STATEMENT // len(columns))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        connection.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * len(chunk))}"
            f"{suffix}",
            tuple(chain.from_iterable(chunk)),
        )


def _insert_text_rows(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[tuple[str, ...]]
) -> None:
    """INSERT tuples of text into ``columns`` of ``table``: tens of thousands of rows (the
    municipality groups' members).

    PostgreSQL gets them as one JSON array bound once, which it takes apart: psycopg's binding
    of each value cost far more than the server's parse. SQLite gets them bound, many rows a
    statement (``_insert_rows``): its ``json_each`` and ``json_extract`` re-parse each row's
    JSON, and 27,000 members cost 0.06 s that way against 0.04 s bound (bench/README.md).
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        _insert_rows(session, table, columns, rows)
        return
    fields = ", ".join(f"r ->> {i}" for i in range(len(columns)))
    connection.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {fields} "
        "FROM json_array_elements(%s::json) AS r",
        (_encode(list(rows)).decode(),),
    )


# PostgreSQL: the key of the transaction lock every write of values takes first ("glkl").
_VALUES_LOCK = 0x676C6B6C


def _lock_values(session: Session) -> None:
    """Serialise writes of values across connections, for the rest of the transaction.

    A write reads a series, merges the change in Python and writes the series back; under
    PostgreSQL's READ COMMITTED another writer's commit in between would be lost (two syncs
    at once, say). SQLite needs nothing: its one writer refuses a transaction whose reads
    another writer has overtaken ("database is locked") rather than lose a change.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _VALUES_LOCK})


def _stored_series(
    session: Session, keys: Sequence[tuple[str, str, str]]
) -> dict[tuple[str, str, str], list[Cell]]:
    """The stored cells of the series with these (kpi, municipality, gender) keys."""
    found: dict[tuple[str, str, str], list[Cell]] = {}
    columns = tuple_(KoladaSeriesRow.kpi, KoladaSeriesRow.municipality, KoladaSeriesRow.gender)
    unique = sorted(set(keys))
    for start in range(0, len(unique), 500):
        rows = session.execute(
            select(
                KoladaSeriesRow.kpi, KoladaSeriesRow.municipality, KoladaSeriesRow.gender,
                KoladaSeriesRow.cells,
            ).where(columns.in_(unique[start : start + 500]))
        )  # fmt: skip
        for kpi, unit, gender, cells in rows:
            found[(kpi, unit, gender)] = decode_cells(cells)
    return found


def replace_kpi_series(
    session: Session,
    kpi: str,
    series: Sequence[SeriesRow],
    fetched_at: datetime,
    years: Sequence[int] | None = None,
) -> int:
    """Make the stored values of ``kpi`` exactly ``series`` (a full fetch of the KPI); with
    ``years``, only within those years' span: stored cells of other years are kept.

    Returns the number of values written (the series' cells).
    """
    stamp = driver_timestamp(session.get_bind().dialect, fetched_at)
    rows = [(kpi, unit, gender, cells, stamp) for unit, gender, cells, _size in series]
    _replace(session, kpi, rows, years)
    return sum(map(itemgetter(3), series))


def replace_kpi_values(
    session: Session, kpi: str, rows: Sequence[ValueRow], years: Sequence[int] | None = None
) -> int:
    """Like ``replace_kpi_series``, from value rows of ``kpi`` (their ``fetched_at`` in the
    driver's form, see ``driver_timestamp``)."""
    stamps = {(k, u, g): stamp for k, u, _p, g, _v, _c, stamp in rows}
    grouped = _group(rows)
    _replace(
        session, kpi,
        [(*key, encode_cells(cells), stamps[key]) for key, cells in grouped.items()],
        years,
    )  # fmt: skip
    return sum(len(cells) for cells in grouped.values())


def _replace(
    session: Session,
    kpi: str,
    rows: list[tuple[str, str, str, str, Any]],
    years: Sequence[int] | None,
) -> None:
    _lock_values(session)
    # The driver's own SQL: a hundred KPIs a sync, each a statement or two, and SQLAlchemy's
    # statement handling was most of the writer's time holding the GIL (bench/README.md).
    connection = session.connection()
    dialect = connection.dialect
    mark = _placeholder(dialect)
    # Only the series with cells outside the years fetched are read back (a series keeps its
    # cells in year order, so its first and last cell tell): those cells are kept.
    stored = (
        connection.exec_driver_sql(
            f"SELECT municipality, gender, cells, fetched_at FROM {_SERIES} "
            f"WHERE kpi = {mark} AND ({_OUTSIDE_YEARS[dialect.name]})",
            (kpi, min(years), max(years)),
        ).all()
        if years
        else []
    )
    connection.exec_driver_sql(f"DELETE FROM {_SERIES} WHERE kpi = {mark}", (kpi,))
    if stored and years:
        low, high = min(years), max(years)
        kept = {
            (unit, gender): outside
            for unit, gender, cells, _fetched in stored
            if (outside := [c for c in decode_cells(cells) if not low <= c[0] <= high])
        }
        merged = []
        for key, unit, gender, cells, stamp in rows:
            old = kept.pop((unit, gender), None)
            if old:
                cells = encode_cells(sorted(old + decode_cells(cells)))
            merged.append((key, unit, gender, cells, stamp))
        # fetched_at as the driver gave it is the driver's form again
        fetched = {(unit, gender): at for unit, gender, _cells, at in stored}
        merged += [
            (kpi, unit, gender, encode_cells(old), fetched[(unit, gender)])
            for (unit, gender), old in kept.items()
        ]
        rows = merged
    _write_series(session, rows)


def _group(rows: Sequence[ValueRow]) -> dict[tuple[str, str, str], list[Cell]]:
    """Value rows as cells by series key, in year order; a key that came twice keeps the last."""
    by_key: dict[tuple[str, str, str], dict[int, Cell]] = {}
    for kpi, unit, period, gender, value, count, _stamp in rows:
        by_key.setdefault((kpi, unit, gender), {})[period] = (period, value, count)
    return {key: sorted(cells.values()) for key, cells in by_key.items()}


def encode_cells(cells: Sequence[Cell]) -> str:
    """A series' cells as stored: ``[[period, value, count], …]``, each double written as
    the shortest text that reads back as the same double."""
    return _encode([[p, None if v is None else float(v), c] for p, v, c in cells]).decode()


def decode_cells(text: str) -> list[Cell]:
    return [(p, v, c) for p, v, c in _decode_cells(text)]


def upsert_values(session: Session, rows: Sequence[ValueRow]) -> int:
    """Insert values, or update the stored ones with the same key (their series' fetched_at
    becomes the newest row's)."""
    if not rows:
        return 0
    _lock_values(session)
    new = _group(rows)
    stamps = {(k, u, g): stamp for k, u, _p, g, _v, _c, stamp in rows}
    stored = _stored_series(session, list(new))
    merged = []
    for key, cells in new.items():
        by_period = {c[0]: c for c in stored.get(key, [])}
        by_period.update((c[0], c) for c in cells)
        merged.append((*key, encode_cells(sorted(by_period.values())), stamps[key]))
    _write_series(session, merged, upsert=True)
    return len(rows)


def delete_values(session: Session, keys: Sequence[tuple[str, str, int, str]]) -> int:
    """Remove values by (kpi, municipality, period, gender); returns how many were stored."""
    if not keys:
        return 0
    _lock_values(session)
    periods: dict[tuple[str, str, str], set[int]] = {}
    for kpi, unit, period, gender in keys:
        periods.setdefault((kpi, unit, gender), set()).add(period)
    stored = _stored_series(session, list(periods))
    deleted = 0
    changed, emptied = [], []
    for key, cells in stored.items():
        kept = [c for c in cells if c[0] not in periods[key]]
        if len(kept) == len(cells):
            continue
        deleted += len(cells) - len(kept)
        if kept:
            changed.append((key, encode_cells(kept)))
        else:
            emptied.append(key)
    columns = tuple_(KoladaSeriesRow.kpi, KoladaSeriesRow.municipality, KoladaSeriesRow.gender)
    for start in range(0, len(emptied), 500):
        session.execute(delete(KoladaSeriesRow).where(columns.in_(emptied[start : start + 500])))
    for (kpi, unit, gender), stored_cells in changed:
        session.execute(
            update(KoladaSeriesRow)
            .where(KoladaSeriesRow.kpi == kpi, KoladaSeriesRow.municipality == unit,
                   KoladaSeriesRow.gender == gender)
            .values(cells=stored_cells)
        )  # fmt: skip
    return deleted


def count_values(
    session: Session,
    kpis: Sequence[str] = (),
    units: Sequence[str] = (),
    gender: str | None = None,
) -> int:
    """How many values are stored, of these KPIs, units and gender if given: the series'
    cells, counted without expanding them into the kolada_value view's rows."""
    cells: Any = KoladaSeriesRow.cells
    if session.get_bind().dialect.name == "postgresql":
        cells = cast(cells, postgresql.JSON)
    query = select(func.coalesce(func.sum(func.json_array_length(cells)), 0))
    if kpis:
        query = query.where(KoladaSeriesRow.kpi.in_(kpis))
    if units:
        query = query.where(KoladaSeriesRow.municipality.in_(units))
    if gender:
        query = query.where(KoladaSeriesRow.gender == gender)
    return int(session.scalar(query) or 0)


def _values_query(
    kpis: Sequence[str] | None, units: Sequence[str] | None, years: Sequence[int] | None
) -> Select[str, str, int, str, float | None]:
    query = select(
        KoladaValueRow.kpi,
        KoladaValueRow.municipality,
        KoladaValueRow.period,
        KoladaValueRow.gender,
        KoladaValueRow.value,
    ).order_by(
        KoladaValueRow.kpi, KoladaValueRow.municipality, KoladaValueRow.period,
        KoladaValueRow.gender,
    )  # fmt: skip
    conditions = []
    if kpis:
        conditions.append(KoladaValueRow.kpi.in_(kpis))
    if units:
        conditions.append(KoladaValueRow.municipality.in_(units))
    if years:
        conditions.append(KoladaValueRow.period.in_(years))
    return query.where(and_(*conditions)) if conditions else query


def iter_values(
    session: Session,
    kpis: Sequence[str] | None = None,
    units: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
) -> Iterator[tuple[str, str, int, str, float | None]]:
    """Stored values as (kpi, municipality, period, gender, value), streamed in key order."""
    result = session.execute(_values_query(kpis, units, years).execution_options(yield_per=5000))
    rows: Iterator[tuple[str, str, int, str, float | None]] = map(tuple, result)  # type: ignore[arg-type]
    yield from rows


# -- KPIs with goals and polarity -----------------------------------------------------------


def list_kpis(session: Session, goal: int | None = None) -> list[StoredKpi]:
    """Stored KPIs with the goals the current Agenda 2030 selection files them under."""
    goals: dict[str, set[int]] = {}
    for kpi, goal_number in session.execute(
        select(KpiGoalRow.kpi, KpiGoalRow.goal).where(KpiGoalRow.removed_on.is_(None))
    ):
        goals.setdefault(kpi, set()).add(goal_number)
    polarity = polarity_of(session)
    query = select(KoladaKpiRow).order_by(KoladaKpiRow.id)
    if goal is not None:
        query = query.where(KoladaKpiRow.id.in_([k for k, g in goals.items() if goal in g]))
    return [
        StoredKpi(
            id=row.id,
            title=row.title,
            municipality_type=row.municipality_type,
            is_divided_by_gender=row.is_divided_by_gender,
            goals=tuple(sorted(goals.get(row.id, ()))),
            polarity=polarity.get(row.id, ("unknown", "", None))[0],
            polarity_note=polarity.get(row.id, ("unknown", "", None))[1],
            polarity_by=polarity.get(row.id, ("unknown", "", None))[2],
            discontinued_after=row.discontinued_after,
            missing=row.missing_since is not None,
        )
        for row in session.scalars(query)
    ]


def set_polarity(
    session: Session, kpi: str, polarity: str, note: str, decided_by: str, now: datetime
) -> None:
    _upsert(
        session,
        KpiPolarityRow.__table__,
        [{"kpi": kpi, "polarity": polarity, "note": note, "decided_by": decided_by,
          "updated_at": now}],
        ["kpi"],
    )  # fmt: skip


def load_bundled_polarity(
    session: Session, bundled: Sequence[tuple[str, str, str]], now: datetime
) -> int:
    """Add the project's polarity for KPIs the user has not decided on, and bring the ones
    it decided up to date; returns rows written (each sync loads it: nearly always none)."""
    stored = {
        kpi: (polarity, note, by)
        for kpi, polarity, note, by in session.execute(
            select(KpiPolarityRow.kpi, KpiPolarityRow.polarity, KpiPolarityRow.note,
                   KpiPolarityRow.decided_by)
        )
    }  # fmt: skip
    rows = [
        {"kpi": kpi, "polarity": polarity, "note": note, "decided_by": "glokal", "updated_at": now}
        for kpi, polarity, note in bundled
        if stored.get(kpi, (None, None, "glokal"))[2] != "user"
        and stored.get(kpi) != (polarity, note, "glokal")
    ]
    _upsert(session, KpiPolarityRow.__table__, rows, ["kpi"])
    return len(rows)


def reset_polarity(
    session: Session, kpi: str, bundled: tuple[str, str] | None, now: datetime
) -> None:
    """Forget the user's polarity for ``kpi``: back to the bundled (polarity, note), or none."""
    session.execute(delete(KpiPolarityRow).where(KpiPolarityRow.kpi == kpi))
    if bundled is not None:
        set_polarity(session, kpi, bundled[0], bundled[1], "glokal", now)


def polarity_of(session: Session) -> dict[str, tuple[str, str, str]]:
    """kpi → (polarity, note, decided_by)."""
    return {
        r.kpi: (r.polarity, r.note, r.decided_by) for r in session.scalars(select(KpiPolarityRow))
    }


# -- sync runs ------------------------------------------------------------------------------


def _run(row: KoladaSyncRunRow) -> SyncRun:
    return SyncRun(
        id=row.id, mode=row.mode, selection=row.selection, base_url=row.base_url,
        from_date=row.from_date, started_at=row.started_at, finished_at=row.finished_at,
        status=row.status, requests=row.requests, values_written=row.values_written,
        values_deleted=row.values_deleted,
    )  # fmt: skip


def start_run(
    session: Session, mode: str, selection: str, base_url: str, from_date: date | None,
    now: datetime,
) -> SyncRun:  # fmt: skip
    row = KoladaSyncRunRow(
        mode=mode, selection=selection, base_url=base_url, from_date=from_date, started_at=now,
        status="running", requests=0, values_written=0, values_deleted=0, changed_kpis=[],
    )  # fmt: skip
    session.add(row)
    session.flush()
    return _run(row)


def unfinished_run(session: Session, selection: str) -> SyncRun | None:
    """The newest run of this selection that never finished (stopped or killed), if any."""
    row = session.scalars(
        select(KoladaSyncRunRow)
        .where(KoladaSyncRunRow.selection == selection, KoladaSyncRunRow.status == "running")
        .order_by(KoladaSyncRunRow.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _run(row)


def abandon_unfinished_runs(session: Session, selection: str) -> int:
    """Mark this selection's unfinished runs abandoned: a new full run starts over."""
    result = session.execute(
        update(KoladaSyncRunRow)
        .where(KoladaSyncRunRow.selection == selection, KoladaSyncRunRow.status == "running")
        .values(status="abandoned")
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def last_finished_run(session: Session, selection: str | None = None) -> SyncRun | None:
    query = select(KoladaSyncRunRow).where(KoladaSyncRunRow.status == "done")
    if selection is not None:
        query = query.where(KoladaSyncRunRow.selection == selection)
    row = session.scalars(query.order_by(KoladaSyncRunRow.id.desc()).limit(1)).first()
    return None if row is None else _run(row)


def checkpointed_kpis(session: Session, run_id: int) -> set[str]:
    return set(
        session.scalars(
            select(KoladaSyncCheckpointRow.kpi).where(KoladaSyncCheckpointRow.run_id == run_id)
        )
    )


def ever_checkpointed_kpis(session: Session) -> set[str]:
    """KPIs some run has fetched in full."""
    return set(session.scalars(select(KoladaSyncCheckpointRow.kpi).distinct()))


def checkpoint_kpi(
    session: Session, run_id: int, kpi: str, values_written: int, requests: int, now: datetime
) -> None:
    """Record that ``kpi`` is done in this run (same transaction as its values)."""
    # The driver's own SQL, as for the series (a full sync writes a hundred of these).
    connection = session.connection()
    mark = _placeholder(connection.dialect)
    connection.exec_driver_sql(
        f"INSERT INTO {KoladaSyncCheckpointRow.__tablename__} "
        f"(run_id, kpi, values_written, done_at) VALUES ({mark}, {mark}, {mark}, {mark})",
        (run_id, kpi, values_written, driver_timestamp(connection.dialect, now)),
    )
    connection.exec_driver_sql(
        f"UPDATE {KoladaSyncRunRow.__tablename__} SET values_written = values_written + "
        f"{mark}, requests = requests + {mark} WHERE id = {mark}",
        (values_written, requests, run_id),
    )


def finish_run(
    session: Session, run_id: int, now: datetime, *, requests: int = 0, values_written: int = 0,
    values_deleted: int = 0, changed_kpis: Sequence[str] = (),
) -> None:  # fmt: skip
    session.execute(
        update(KoladaSyncRunRow)
        .where(KoladaSyncRunRow.id == run_id)
        .values(
            status="done",
            finished_at=now,
            requests=KoladaSyncRunRow.requests + requests,
            values_written=KoladaSyncRunRow.values_written + values_written,
            values_deleted=KoladaSyncRunRow.values_deleted + values_deleted,
            changed_kpis=sorted(changed_kpis),
        )
    )
