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
from typing import Any

from sqlalchemy import Dialect, Select, and_, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from glokal.errors import InputError
from glokal.store.models import (
    KoladaGroupMemberRow,
    KoladaGroupRow,
    KoladaKpiRow,
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
# Plain tuples, not objects: a full sync writes a million of them, and building, converting
# and binding per-row objects was most of its CPU (bench/README.md).
ValueRow = tuple[str, str, int, str, float | None, int, Any]
_VALUE_KEY = ("kpi", "municipality", "period", "gender")
_VALUE_COLUMNS = (*_VALUE_KEY, "value", "count", "fetched_at")
MAX_ROWS_PER_INSERT = 2000  # more gains little (bench/README.md)
# One cell of a full fetch of one KPI: (municipality, period, gender, value, count). The KPI
# and fetched_at are the same for all of them and are bound once per statement.
CellRow = tuple[str, int, str, float | None, int]
_CELL_COLUMNS = ("municipality", "period", "gender", "value", "count")


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
) -> None:
    """Store groups with their members, replacing the members each group had before."""
    if not groups:
        return
    ids = [g["id"] for g in groups]
    _upsert(
        session,
        KoladaGroupRow.__table__,
        [{"id": g["id"], "kind": kind, "title": g["title"], "fetched_at": now} for g in groups],
        ["id"],
    )
    for start in range(0, len(ids), 500):
        session.execute(
            delete(KoladaGroupMemberRow).where(
                KoladaGroupMemberRow.group_id.in_(ids[start : start + 500])
            )
        )
    members = {
        (g["id"], m["member_id"]): {
            "group_id": g["id"],
            "member_id": m["member_id"],
            "member_title": m.get("member_title") or "",
        }
        for g in groups
        for m in g.get("members") or []
    }
    if members:
        session.connection().execute(insert(KoladaGroupMemberRow), list(members.values()))


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
    stored = {(r.kpi, r.group_id): r for r in session.scalars(select(KpiGoalRow))}
    added = removed = 0
    for key, (goal, unit_type) in current.items():
        row = stored.get(key)
        if row is None:
            session.add(
                KpiGoalRow(
                    kpi=key[0], group_id=key[1], goal=goal, unit_type=unit_type,
                    first_seen=today, last_seen=today, removed_on=None,
                )
            )  # fmt: skip
            added += 1
        else:
            row.goal, row.unit_type, row.last_seen, row.removed_on = goal, unit_type, today, None
    for key, row in stored.items():
        if key not in current and row.removed_on is None:
            row.removed_on = today
            removed += 1
    session.flush()
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


def _value_insert(dialect: Dialect, *, rows: int = 1, upsert: bool = False) -> str:
    """INSERT of ``rows`` ValueRow tuples in the dialect's SQL and placeholder style."""
    if dialect.paramstyle == "qmark":
        mark = "?"
    elif dialect.paramstyle in ("format", "pyformat"):
        mark = "%s"
    else:  # not a driver Glokal supports; say so rather than send SQL it cannot read
        raise NotImplementedError(
            f"value writes need ? or %s placeholders, not {dialect.paramstyle}"
        )
    quote = dialect.identifier_preparer.quote
    table = quote(KoladaValueRow.__tablename__)
    columns = ", ".join(quote(c) for c in _VALUE_COLUMNS)
    one = f"({', '.join([mark] * len(_VALUE_COLUMNS))})"
    sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * rows)}"
    if upsert:  # the same ON CONFLICT syntax in SQLite (3.24+) and PostgreSQL
        key = ", ".join(quote(c) for c in _VALUE_KEY)
        changes = ", ".join(
            f"{quote(c)} = excluded.{quote(c)}" for c in _VALUE_COLUMNS if c not in _VALUE_KEY
        )
        sql += f" ON CONFLICT ({key}) DO UPDATE SET {changes}"
    return sql


def _rows_per_insert(
    connection: Connection, columns: int = len(_VALUE_COLUMNS), shared: int = 0
) -> int:
    """Rows per multi-row INSERT of ``columns`` parameters a row (plus ``shared`` for the
    statement): up to MAX_ROWS_PER_INSERT, within the driver's limit on parameters (sqlite3
    reports SQLite's: 32,766 since 3.32, 999 before; PostgreSQL: 65,535)."""
    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite3.Connection):
        limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = 65_535
    return max(1, min(MAX_ROWS_PER_INSERT, (limit - shared) // columns))


def _insert_values(session: Session, rows: Sequence[ValueRow]) -> None:
    """Plain INSERT of many rows, in multi-row statements.

    Not executemany: sqlite3 releases the GIL around each row's step and must win it back
    for the next, so while the event loop decodes pages the writer waits for the GIL once
    per row (measured: 170,000 rows/s alone, 31,000 beside a busy thread). One statement of
    a few thousand rows releases it once for all of them (120,000-130,000 beside a busy
    thread, 240,000-340,000 alone).
    """
    if not rows:
        return
    connection = session.connection()
    size = _rows_per_insert(connection)
    full = _value_insert(connection.dialect, rows=size)
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        sql = full if len(chunk) == size else _value_insert(connection.dialect, rows=len(chunk))
        connection.exec_driver_sql(sql, tuple(chain.from_iterable(chunk)))


def _upsert_values(session: Session, rows: Sequence[ValueRow]) -> None:
    if not rows:
        return
    connection = session.connection()
    # executemany: one row per execution, so a key that came twice is simply updated twice
    # (PostgreSQL refuses a multi-row ON CONFLICT DO UPDATE that touches a row twice).
    # The tuples are already in the driver's form: no per-row SQLAlchemy processing.
    connection.exec_driver_sql(
        _value_insert(connection.dialect, upsert=True),
        rows if isinstance(rows, list) else list(rows),
    )


def replace_kpi_values(
    session: Session, kpi: str, rows: Sequence[ValueRow], years: Sequence[int] | None = None
) -> int:
    """Make the stored values of ``kpi`` exactly ``rows`` (a full fetch of the KPI); with
    ``years``, only within those years' span: values of other years are kept."""
    _delete_kpi_values(session, kpi, years)
    _insert_values(session, rows)
    return len(rows)


def _delete_kpi_values(session: Session, kpi: str, years: Sequence[int] | None) -> None:
    wanted = [KoladaValueRow.kpi == kpi]
    if years:
        wanted += [KoladaValueRow.period >= min(years), KoladaValueRow.period <= max(years)]
    session.execute(delete(KoladaValueRow).where(*wanted))


def _cell_insert(rows: int) -> str:
    """SQLite: INSERT of ``rows`` CellRow tuples, the KPI as ?1 and fetched_at as ?2."""
    columns = ", ".join(("kpi", "fetched_at", *_CELL_COLUMNS))
    one = f"({', '.join(['?'] * len(_CELL_COLUMNS))})"
    return (
        f"INSERT INTO {KoladaValueRow.__tablename__} ({columns}) "
        f"SELECT ?1, ?2, * FROM (VALUES {', '.join([one] * rows)})"
    )


def replace_kpi_cells(
    session: Session,
    kpi: str,
    cells: Sequence[CellRow],
    fetched_at: datetime,
    years: Sequence[int] | None = None,
) -> int:
    """Like ``replace_kpi_values``, from the cells of a full fetch of ``kpi``.

    On SQLite the KPI and the timestamp are bound once per statement of up to
    MAX_ROWS_PER_INSERT cells, not once per cell: five parameters a value instead of seven,
    which is what the writer spends its time holding the GIL for (bench/README.md).
    """
    _delete_kpi_values(session, kpi, years)
    if not cells:
        return 0
    connection = session.connection()
    dialect = connection.dialect
    stamp = driver_timestamp(dialect, fetched_at)
    if dialect.name != "sqlite":
        _insert_values(session, [(kpi, *cell, stamp) for cell in cells])
        return len(cells)
    size = _rows_per_insert(connection, len(_CELL_COLUMNS), shared=2)
    full = _cell_insert(size)
    for start in range(0, len(cells), size):
        chunk = cells[start : start + size]
        sql = full if len(chunk) == size else _cell_insert(len(chunk))
        connection.exec_driver_sql(sql, (kpi, stamp, *chain.from_iterable(chunk)))
    return len(cells)


def reads_json_pages(dialect: Dialect) -> bool:
    """Whether ``replace_kpi_pages`` can take Kolada's pages as they came (PostgreSQL).

    PostgreSQL parses the JSON and writes the rows in its own process, on another core,
    several times faster than binding a million parameters from Python (bench/README.md).
    SQLite 3.40's JSON functions re-render and re-parse every nested object they are asked
    about, which made the same INSERT … SELECT slower than binding tuples, so SQLite takes
    cells (``replace_kpi_cells``).
    """
    return dialect.name == "postgresql"


_VALUES, _PLACES = KoladaValueRow.__tablename__, PlaceRow.__tablename__
_PAGE_INSERT = f"""
WITH item AS (
    SELECT v ->> 'kpi' AS kpi, v ->> 'municipality' AS municipality,
           (v ->> 'period')::integer AS period,
           CASE WHEN jsonb_typeof(v -> 'values') = 'array' THEN v -> 'values' END AS cells
    FROM jsonb_array_elements((%(page)s::jsonb) -> 'values') AS v
),
stored AS (
    INSERT INTO {_VALUES} (kpi, municipality, period, gender, value, count, fetched_at)
    SELECT item.kpi, item.municipality, item.period, coalesce(cell.gender, 'T'), cell.value,
           coalesce(cell.count, 0)::integer, %(fetched_at)s
    FROM item
    JOIN {_PLACES} AS place ON place.id = item.municipality
    CROSS JOIN LATERAL jsonb_to_recordset(item.cells)
        AS cell(gender text, count numeric, value double precision, isdeleted boolean)
    WHERE item.kpi = %(kpi)s
      AND coalesce(cell.gender, 'T') IN ('T', 'K', 'M')
      AND NOT coalesce(cell.isdeleted, false)
      AND (cell.value IS NOT NULL OR coalesce(cell.count, 0) <> 0)
    RETURNING 1
)
SELECT (SELECT count(*) FROM stored),
       ARRAY(SELECT DISTINCT item.municipality FROM item
             WHERE NOT EXISTS (SELECT 1 FROM {_PLACES} AS place
                               WHERE place.id = item.municipality))
"""


def replace_kpi_pages(
    session: Session,
    kpi: str,
    pages: Sequence[bytes],
    fetched_at: datetime,
    years: Sequence[int] | None = None,
) -> tuple[int, set[str]]:
    """Like ``replace_kpi_cells``, from the whole answers of a full fetch of ``kpi`` (JSON
    envelopes of data items), read by the database itself: PostgreSQL only (see
    ``reads_json_pages``). Keeps what ``parse_cells`` keeps; returns (values written, units
    skipped because the store does not know them)."""
    if not reads_json_pages(session.get_bind().dialect):
        raise NotImplementedError("replace_kpi_pages needs PostgreSQL; use replace_kpi_cells")
    _delete_kpi_values(session, kpi, years)
    connection = session.connection()
    written, unknown = 0, set()
    for number, page in enumerate(pages, start=1):
        try:
            count, skipped = connection.exec_driver_sql(
                _PAGE_INSERT,
                {"page": page.decode("utf-8"), "kpi": kpi, "fetched_at": fetched_at},
            ).one()
        except (DataError, UnicodeDecodeError) as exc:
            problem = getattr(exc, "orig", None) or exc
            raise InputError(
                f"the database could not read page {number} of Kolada's answer: {problem}",
                where=f"KPI {kpi}",
            ) from exc
        written += count
        unknown.update(skipped)
    return written, unknown


def upsert_values(session: Session, rows: Sequence[ValueRow]) -> int:
    """Insert values, or update the stored ones with the same key."""
    _upsert_values(session, rows)
    return len(rows)


def delete_values(session: Session, keys: Sequence[tuple[str, str, int, str]]) -> int:
    """Remove values by (kpi, municipality, period, gender); returns how many were stored."""
    deleted = 0
    columns = tuple_(
        KoladaValueRow.kpi, KoladaValueRow.municipality, KoladaValueRow.period,
        KoladaValueRow.gender,
    )  # fmt: skip
    for start in range(0, len(keys), 500):
        result = session.execute(
            delete(KoladaValueRow).where(columns.in_(keys[start : start + 500]))
        )
        deleted += result.rowcount or 0  # type: ignore[attr-defined]
    return deleted


def count_values(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(KoladaValueRow)) or 0


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
    """Add the project's polarity for KPIs the user has not decided on; returns rows written."""
    decided = {
        kpi: by
        for kpi, by in session.execute(select(KpiPolarityRow.kpi, KpiPolarityRow.decided_by))
    }
    written = 0
    for kpi, polarity, note in bundled:
        if decided.get(kpi) == "user":
            continue
        set_polarity(session, kpi, polarity, note, "glokal", now)
        written += 1
    return written


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
    session.add(
        KoladaSyncCheckpointRow(run_id=run_id, kpi=kpi, values_written=values_written, done_at=now)
    )
    session.execute(
        update(KoladaSyncRunRow)
        .where(KoladaSyncRunRow.id == run_id)
        .values(
            values_written=KoladaSyncRunRow.values_written + values_written,
            requests=KoladaSyncRunRow.requests + requests,
        )
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
