"""Kolada value writes (driver-level executemany) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from glokal.store import Store, kolada
from glokal.store.kolada import (
    driver_timestamp,
    iter_values,
    replace_kpi_values,
    upsert_values,
)
from glokal.store.models import KoladaValueRow

FIRST = datetime(2026, 11, 22, 8, 0, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=UTC)


def _fetched_at(store: Store) -> dict[tuple[str, str, int, str], tuple[object, object]]:
    """(ORM value, stored value as the driver reads it back) of fetched_at, by key."""
    with store.session() as session:
        orm = {
            (r.kpi, r.municipality, r.period, r.gender): r.fetched_at
            for r in session.scalars(select(KoladaValueRow))
        }
        raw = session.execute(
            text("SELECT kpi, municipality, period, gender, fetched_at FROM kolada_value")
        )
        return {(k, m, p, g): (orm[(k, m, p, g)], stored) for k, m, p, g, stored in raw}


def test_values_are_stored_as_the_orm_stores_them(initialised_store: Store) -> None:
    store = initialised_store
    with store.session() as session, session.begin():
        # The reference: one row written through the ORM.
        session.add(
            KoladaValueRow(
                kpi="N2", municipality="0180", period=2020, gender="T", value=1.0, count=1,
                fetched_at=FIRST,
            )
        )  # fmt: skip
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, FIRST)
        rows = [
            ("N1", "0180", 2020, "T", 40.8, 1, stamp),
            ("N1", "0180", 2021, "T", None, 1, stamp),
            ("N1", "1280", 2020, "K", 3.5, 1, stamp),
        ]
        assert replace_kpi_values(session, "N1", rows) == 3
    found = _fetched_at(store)
    reference = found[("N2", "0180", 2020, "T")]
    assert found[("N1", "0180", 2020, "T")] == reference  # ORM and driver-level: the same
    assert reference[0].replace(tzinfo=UTC) == FIRST
    with store.session() as session:
        assert list(iter_values(session, kpis=["N1"])) == [
            ("N1", "0180", 2020, "T", 40.8),
            ("N1", "0180", 2021, "T", None),
            ("N1", "1280", 2020, "K", 3.5),
        ]


def test_replace_and_upsert_keep_one_row_per_key(initialised_store: Store) -> None:
    store = initialised_store
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, FIRST)
        replace_kpi_values(session, "N1", [("N1", "0180", 2020, "T", 1.0, 1, stamp),
                                           ("N1", "0180", 2021, "T", 2.0, 1, stamp)])  # fmt: skip
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, LATER)
        assert upsert_values(session, [("N1", "0180", 2021, "T", 2.5, 2, stamp),
                                       ("N1", "0180", 2022, "T", None, 1, stamp)]) == 2  # fmt: skip
    found = _fetched_at(store)
    assert found[("N1", "0180", 2020, "T")][0].replace(tzinfo=UTC) == FIRST
    assert found[("N1", "0180", 2021, "T")][0].replace(tzinfo=UTC) == LATER
    with store.session() as session:
        assert list(iter_values(session)) == [
            ("N1", "0180", 2020, "T", 1.0),
            ("N1", "0180", 2021, "T", 2.5),
            ("N1", "0180", 2022, "T", None),
        ]
        count = session.scalar(select(KoladaValueRow.count).where(KoladaValueRow.period == 2021))
    assert count == 2
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, LATER)
        replace_kpi_values(session, "N1", [("N1", "1280", 2020, "T", 9.0, 1, stamp)])
        assert replace_kpi_values(session, "N3", []) == 0
    with store.session() as session:
        assert list(iter_values(session)) == [("N1", "1280", 2020, "T", 9.0)]


def test_replace_writes_in_statements_of_a_few_rows(
    initialised_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kolada, "MAX_ROWS_PER_INSERT", 2)  # 5 rows: statements of 2, 2, 1
    store = initialised_store
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, FIRST)
        rows = [("N1", "0180", year, "T", float(year), 1, stamp) for year in range(2020, 2025)]
        assert replace_kpi_values(session, "N1", rows) == 5
    with store.session() as session:
        assert list(iter_values(session)) == [r[:5] for r in rows]
