"""What the analysis reads from the store, as data frames, and where it writes its results.

Reads are bulk (one query per frame, in the session's transaction, straight from the driver)
because the analysis looks at every unit at once. Writes replace a method's results for the
units computed, in the caller's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, repeat
from typing import Any

import polars as pl
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from glokal.store.models import (
    GoalSuggestionRow,
    KoladaGroupMemberRow,
    KoladaGroupRow,
    KoladaKpiRow,
    KpiGoalRow,
    KpiPolarityRow,
    KpiResultRow,
    PlaceRow,
)

SIMILAR_PREFIX = "Liknande kommuner, övergripande, "
SIMILAR_TITLE = re.compile(r"^Liknande kommuner, övergripande, (?P<name>.+), (?P<year>\d{4})$")


@dataclass(frozen=True)
class AnalysisFrames:
    """The frames ``glokal.analysis.AnalysisData`` is built from (see its columns)."""

    values: pl.DataFrame
    units: pl.DataFrame
    kpis: pl.DataFrame
    goal_kpis: pl.DataFrame
    similar: pl.DataFrame


def _frame(rows: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row")


VALUES_SCHEMA = {"unit": pl.String, "kpi": pl.String, "period": pl.Int64, "value": pl.Float64}
# The totals' series; each one's cells are parsed by Polars (in Rust, every double exactly as
# written: tests/store check it), not one Python object per value.
SERIES_SQL = "SELECT municipality, kpi, cells FROM kolada_series WHERE gender = 'T'"
_CELLS = pl.List(pl.List(pl.Float64))


def read_values(
    session: Session, unit_ids: Sequence[str] = (), kpi_ids: Sequence[str] = ()
) -> pl.DataFrame:
    """unit, kpi, period, value: every stored total (gender T) value, null cells left out.

    Given every unit's and every KPI's id, those columns are made enums of them, in sorted
    order, the codes the analysis works with (a cast of a million texts afterwards took the
    analysis a sixth of its time); the foreign keys guarantee every id.
    """
    schema: dict[str, Any] = dict(VALUES_SCHEMA)
    if unit_ids:
        schema["unit"] = pl.Enum(sorted(set(unit_ids)))
    if kpi_ids:
        schema["kpi"] = pl.Enum(sorted(set(kpi_ids)))
    rows = session.connection().exec_driver_sql(SERIES_SQL).all()
    series = pl.DataFrame(
        rows, schema={"unit": pl.String, "kpi": pl.String, "cells": pl.String}, orient="row"
    )
    return (
        series.with_columns(pl.col("cells").str.json_decode(_CELLS))
        .explode("cells")
        .select(
            pl.col("unit").cast(schema["unit"]),
            pl.col("kpi").cast(schema["kpi"]),
            pl.col("cells").list.get(0).cast(pl.Int64).alias("period"),
            pl.col("cells").list.get(1).alias("value"),
        )
        .filter(pl.col("value").is_not_null())
    )


def read_analysis_frames(session: Session) -> AnalysisFrames:
    """Everything the analysis needs, for every unit and the current Agenda 2030 selection."""
    places = session.execute(
        select(PlaceRow.id, PlaceRow.type, PlaceRow.kommungrupp, PlaceRow.name)
    ).all()
    units = _frame(
        [(p.id, p.type, p.kommungrupp) for p in places],
        {"unit": pl.String, "type": pl.String, "kommungrupp": pl.String},
    )
    kpis = _frame(
        session.execute(
            select(KoladaKpiRow.id, KoladaKpiRow.title, KpiPolarityRow.polarity).outerjoin(
                KpiPolarityRow, KpiPolarityRow.kpi == KoladaKpiRow.id
            )
        ).all(),
        {"kpi": pl.String, "title": pl.String, "polarity": pl.String},
    )
    goal_kpis = _frame(
        session.execute(
            select(KpiGoalRow.goal, KpiGoalRow.kpi, KpiGoalRow.unit_type).where(
                KpiGoalRow.removed_on.is_(None)
            )
        ).all(),
        {"goal": pl.Int64, "kpi": pl.String, "unit_type": pl.String},
    )
    kpi_ids = kpis.get_column("kpi").to_list() + goal_kpis.get_column("kpi").to_list()
    return AnalysisFrames(
        values=read_values(session, [p.id for p in places], kpi_ids),
        units=units,
        kpis=kpis,
        goal_kpis=goal_kpis,
        similar=_similar(session, {p.name: p.id for p in places if p.type == "K"}),
    )


def _similar(session: Session, kommun_ids: dict[str, str]) -> pl.DataFrame:
    """unit, member: each kommun's newest "Liknande kommuner, övergripande" group."""
    groups = session.execute(
        select(KoladaGroupRow.id, KoladaGroupRow.title).where(
            KoladaGroupRow.kind == "municipality",
            KoladaGroupRow.title.startswith(SIMILAR_PREFIX),
        )
    ).all()
    newest: dict[str, tuple[int, str]] = {}
    for group_id, title in groups:
        match = SIMILAR_TITLE.match(title)
        unit = kommun_ids.get(match["name"]) if match else None
        if match is None or unit is None:
            continue
        year = int(match["year"])
        if unit not in newest or newest[unit] < (year, group_id):
            newest[unit] = (year, group_id)
    group_unit = {group_id: unit for unit, (_year, group_id) in newest.items()}
    members = session.execute(
        select(KoladaGroupMemberRow.group_id, KoladaGroupMemberRow.member_id).where(
            KoladaGroupMemberRow.group_id.in_(group_unit)
        )
    ).all()
    return _frame(
        [(group_unit[g], m) for g, m in members], {"unit": pl.String, "member": pl.String}
    )


KPI_RESULT_COLUMNS = [
    c.name for c in KpiResultRow.__table__.columns if c.name not in ("method", "computed_at")
]
GOAL_COLUMNS = [
    "unit",
    "goal",
    "reference_year",
    "status",
    "score",
    "kpis_total",
    "kpis_used",
    "details",
]


# Rows per INSERT statement: far fewer statements than rows, and well under the databases'
# limits on parameters in one statement (SQLite 32,766, PostgreSQL 65,535).
ROWS_PER_INSERT = 500


def _insert(
    session: Session, table: Any, rows: pl.DataFrame, method: str, computed_at: datetime
) -> None:
    """INSERT the rows (plus method and computed_at) straight through the driver.

    Thousands of rows a run: SQLAlchemy's per-row parameter processing would cost more than
    the database does, so the one value that needs it (the timestamp) is processed once, and
    the rows go in multi-row INSERTs, each row's values taken from the frame's columns.
    """
    if rows.is_empty():
        return
    connection = session.connection()
    dialect = connection.dialect
    processor = table.c.computed_at.type.dialect_impl(dialect).bind_processor(dialect)
    stamp = processor(computed_at) if processor is not None else computed_at
    names = ["method", "computed_at", *rows.columns]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    one = f"({', '.join([marker] * len(names))})"
    columns = [rows.get_column(c).to_list() for c in rows.columns]
    values = list(zip(repeat(method), repeat(stamp), *columns, strict=False))
    insert = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
    full = insert + ", ".join([one] * ROWS_PER_INSERT)
    for start in range(0, len(values), ROWS_PER_INSERT):
        chunk = values[start : start + ROWS_PER_INSERT]
        sql = full if len(chunk) == ROWS_PER_INSERT else insert + ", ".join([one] * len(chunk))
        connection.exec_driver_sql(sql, tuple(chain.from_iterable(chunk)))


def replace_results(
    session: Session,
    *,
    method: str,
    units: Sequence[str],
    kpi_results: pl.DataFrame,
    goal_results: pl.DataFrame,
    contributions: pl.DataFrame,
    computed_at: datetime,
) -> tuple[int, int]:
    """Store a method's results for ``units``, replacing what the method stored for them.

    ``kpi_results`` has the columns of the kpi_result table (those a method does not compute
    are stored empty); ``contributions`` says per unit, goal and KPI its score or why unused.
    """
    for table in (KpiResultRow, GoalSuggestionRow):
        session.execute(delete(table).where(table.method == method, table.unit.in_(units)))
    flat = kpi_results.with_columns(pl.col("flags").list.join(","))
    missing = [c for c in KPI_RESULT_COLUMNS if c not in flat.columns]
    flat = flat.with_columns(pl.lit(None).alias(c) for c in missing).select(KPI_RESULT_COLUMNS)
    # Each goal's details as JSON, written by Polars: per KPI its score or why it is unused.
    kpis = contributions.group_by("unit", "goal", maintain_order=True).agg(
        pl.struct("kpi", "score", "unused").alias("kpis")
    )
    goals = goal_results.join(kpis, on=["unit", "goal"], how="left", maintain_order="left")
    details = pl.struct(
        "reason", pl.when(pl.col("kpis").is_not_null()).then("kpis").otherwise(pl.lit([]))
    )
    goals = goals.select(*GOAL_COLUMNS[:-1], details.struct.json_encode().alias("details"))
    _insert(session, KpiResultRow.__table__, flat, method, computed_at)
    _insert(session, GoalSuggestionRow.__table__, goals, method, computed_at)
    return flat.height, goals.height


__all__ = ["AnalysisFrames", "read_analysis_frames", "read_values", "replace_results"]
