"""Kolada values stored a series a row (KPI, unit, gender), read through a kolada_value view

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

A full sync wrote a million rows into kolada_value, and SQLite's B-tree inserts of them were
most of its time; a series a row is some 47,000. The view gives every reader the table it
had: (kpi, municipality, period, gender, value, count, fetched_at).

The values are moved in Python, not SQL: Python writes each double as the shortest text that
reads back as the same double, which SQLite's own JSON functions do not promise.
"""

import json
from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_VIEW = """
CREATE VIEW kolada_value AS
SELECT s.kpi AS kpi, s.municipality AS municipality,
       json_extract(c.value, '$[0]') AS period, s.gender AS gender,
       json_extract(c.value, '$[1]') AS value, json_extract(c.value, '$[2]') AS count,
       s.fetched_at AS fetched_at
FROM kolada_series AS s, json_each(s.cells) AS c
"""
POSTGRES_VIEW = """
CREATE VIEW kolada_value AS
SELECT s.kpi AS kpi, s.municipality AS municipality,
       (c.cell ->> 0)::integer AS period, s.gender AS gender,
       (c.cell ->> 1)::double precision AS value, (c.cell ->> 2)::integer AS count,
       s.fetched_at AS fetched_at
FROM kolada_series AS s CROSS JOIN LATERAL json_array_elements(s.cells::json) AS c(cell)
"""
BATCH = 2000
STREAMED = {"stream_results": True, "yield_per": BATCH}  # this statement only


def _batches(rows: Iterator[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def upgrade() -> None:
    op.create_table(
        "kolada_series",
        sa.Column("kpi", sa.String(length=16), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("cells", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality"], ["place.id"], name=op.f("fk_kolada_series_municipality_place")
        ),
        sa.PrimaryKeyConstraint("kpi", "municipality", "gender", name=op.f("pk_kolada_series")),
    )
    connection = op.get_bind()
    # Streamed (a server-side cursor on PostgreSQL): a store of millions of values is moved
    # without holding them all in memory.
    stored = connection.exec_driver_sql(
        "SELECT kpi, municipality, gender, period, value, count, fetched_at FROM kolada_value "
        "ORDER BY kpi, municipality, gender, period",
        execution_options=STREAMED,
    )

    def series() -> Iterator[dict[str, Any]]:
        for (kpi, unit, gender), rows in groupby(stored, key=lambda r: (r[0], r[1], r[2])):
            cells, newest = [], None
            for row in rows:
                value = None if row[4] is None else float(row[4])
                cells.append([row[3], value, row[5]])
                newest = row[6] if newest is None or row[6] > newest else newest
            text = json.dumps(cells, separators=(",", ":"))
            yield {"kpi": kpi, "municipality": unit, "gender": gender, "cells": text,
                   "fetched_at": newest}  # fmt: skip

    insert = sa.text(
        "INSERT INTO kolada_series (kpi, municipality, gender, cells, fetched_at) "
        "VALUES (:kpi, :municipality, :gender, :cells, :fetched_at)"
    )
    for batch in _batches(series()):
        connection.execute(insert, batch)
    op.drop_table("kolada_value")
    postgres = op.get_context().dialect.name == "postgresql"
    op.execute(POSTGRES_VIEW if postgres else SQLITE_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW kolada_value")
    op.create_table(
        "kolada_value",
        sa.Column("kpi", sa.String(length=16), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality"], ["place.id"], name=op.f("fk_kolada_value_municipality_place")
        ),
        sa.PrimaryKeyConstraint(
            "kpi", "municipality", "period", "gender", name=op.f("pk_kolada_value")
        ),
    )
    connection = op.get_bind()
    stored = connection.exec_driver_sql(
        "SELECT kpi, municipality, gender, cells, fetched_at FROM kolada_series",
        execution_options=STREAMED,
    )
    rows = (
        {"kpi": kpi, "municipality": unit, "period": period, "gender": gender,
         "value": value, "count": count, "fetched_at": fetched_at}
        for kpi, unit, gender, cells, fetched_at in stored
        for period, value, count in json.loads(cells)
    )  # fmt: skip
    insert = sa.text(
        "INSERT INTO kolada_value (kpi, municipality, period, gender, value, count, fetched_at) "
        "VALUES (:kpi, :municipality, :period, :gender, :value, :count, :fetched_at)"
    )
    for batch in _batches(rows):
        connection.execute(insert, batch)
    op.drop_table("kolada_series")
