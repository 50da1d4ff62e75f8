"""Kolada value writes (a series a row, read through the kolada_value view) on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, text

from glokal.kolada.plan import parse_data, series_of
from glokal.kolada.wire import DataCell, DataItem, items_frame, read_data, read_items
from glokal.store import Store
from glokal.store.kolada import (
    count_values,
    delete_values,
    driver_timestamp,
    iter_values,
    replace_kpi_series,
    replace_kpi_values,
    upsert_values,
)
from glokal.store.models import KoladaSeriesRow, KoladaValueRow

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


def test_values_read_through_the_view_as_they_were_written(initialised_store: Store) -> None:
    store = initialised_store
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, FIRST)
        rows = [
            ("N1", "0180", 2020, "T", 40.8, 1, stamp),
            ("N1", "0180", 2021, "T", None, 1, stamp),
            ("N1", "1280", 2020, "K", 3.5, 1, stamp),
        ]
        assert replace_kpi_values(session, "N1", rows) == 3
    found = _fetched_at(store)
    assert {orm.replace(tzinfo=UTC) for orm, _raw in found.values()} == {FIRST}
    with store.session() as session:
        assert list(iter_values(session, kpis=["N1"])) == [
            ("N1", "0180", 2020, "T", 40.8),
            ("N1", "0180", 2021, "T", None),
            ("N1", "1280", 2020, "K", 3.5),
        ]
        typed = session.execute(
            select(KoladaValueRow.period, KoladaValueRow.value, KoladaValueRow.count)
            .where(KoladaValueRow.municipality == "1280")
        ).one()  # fmt: skip
        assert [type(v) for v in typed] == [int, float, int]
        assert count_values(session) == 3
        # A series a row: (N1, 0180, T) holds two years.
        assert session.scalar(select(func.count()).select_from(KoladaSeriesRow)) == 2


def test_replace_and_upsert_keep_one_row_per_key(initialised_store: Store) -> None:
    store = initialised_store
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, FIRST)
        replace_kpi_values(session, "N1", [("N1", "0180", 2020, "T", 1.0, 1, stamp),
                                           ("N1", "0180", 2021, "T", 2.0, 1, stamp),
                                           ("N1", "0180", 2021, "K", 2.0, 1, stamp)])  # fmt: skip
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, LATER)
        assert upsert_values(session, [("N1", "0180", 2021, "T", 2.5, 2, stamp),
                                       ("N1", "0180", 2022, "T", None, 1, stamp)]) == 2  # fmt: skip
    found = _fetched_at(store)
    # fetched_at belongs to the series: the one updated was fetched later, the other not.
    assert found[("N1", "0180", 2020, "T")][0].replace(tzinfo=UTC) == LATER
    assert found[("N1", "0180", 2021, "K")][0].replace(tzinfo=UTC) == FIRST
    with store.session() as session:
        assert list(iter_values(session)) == [
            ("N1", "0180", 2020, "T", 1.0),
            ("N1", "0180", 2021, "K", 2.0),
            ("N1", "0180", 2021, "T", 2.5),
            ("N1", "0180", 2022, "T", None),
        ]
        count = session.scalar(
            select(KoladaValueRow.count).where(
                KoladaValueRow.period == 2021, KoladaValueRow.gender == "T"
            )
        )
    assert count == 2
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, LATER)
        replace_kpi_values(session, "N1", [("N1", "1280", 2020, "T", 9.0, 1, stamp)])
        assert replace_kpi_values(session, "N3", []) == 0
    with store.session() as session:
        assert list(iter_values(session)) == [("N1", "1280", 2020, "T", 9.0)]


def test_deletes_remove_cells_and_series_left_empty(initialised_store: Store) -> None:
    store = initialised_store
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, FIRST)
        replace_kpi_values(session, "N1", [("N1", "0180", 2020, "T", 1.0, 1, stamp),
                                           ("N1", "0180", 2021, "T", 2.0, 1, stamp),
                                           ("N1", "1280", 2021, "T", 3.0, 1, stamp)])  # fmt: skip
    with store.session() as session, session.begin():
        removed = delete_values(
            session,
            [("N1", "0180", 2021, "T"), ("N1", "1280", 2021, "T"), ("N1", "1280", 2019, "T"),
             ("N9", "0180", 2020, "T")],
        )  # fmt: skip
    assert removed == 2  # two were stored; the others never were
    with store.session() as session:
        assert list(iter_values(session)) == [("N1", "0180", 2020, "T", 1.0)]
        assert session.scalar(select(func.count()).select_from(KoladaSeriesRow)) == 1


_CELLS = [
    ("0180", 2020, "T", 40.8, 1),
    ("0180", 2021, "T", None, 1),
    ("1280", 2020, "K", 3.5, 1),
    ("1280", 2021, "M", 0.0, 2),
    ("1280", 2022, "T", -1.25, 1),
]


def _frame(kpi: str, cells: list[tuple[str, int, str, float | None, int]]) -> pl.DataFrame:
    return items_frame(
        [DataItem(kpi, unit, period, [DataCell(gender, count, value, False)])
         for unit, period, gender, value, count in cells]
    )  # fmt: skip


def test_replace_series_stores_what_replace_values_stores(initialised_store: Store) -> None:
    store = initialised_store
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, FIRST)
        replace_kpi_values(session, "N2", [("N2", *cell, stamp) for cell in _CELLS])
        replace_kpi_values(session, "N1", [("N1", "0180", 1999, "T", 9.0, 1, stamp),
                                           ("N1", "0180", 2020, "K", 9.0, 1, stamp)])  # fmt: skip
    series = series_of(_frame("N1", _CELLS), "N1", {"0180", "1280"})
    with store.session() as session, session.begin():
        assert replace_kpi_series(session, "N1", series.rows, FIRST, years=range(2020, 2026)) == 5
    found = _fetched_at(store)
    for cell in _CELLS:  # the same stored text or timestamp as the value rows' path
        assert found[("N1", *cell[:3])] == found[("N2", *cell[:3])]
    with store.session() as session:
        stored = list(iter_values(session, kpis=["N1"]))
        count = session.scalar(select(KoladaValueRow.count).where(KoladaValueRow.value == 0.0))
    # 1999 lies outside the years replaced and is kept; 2020 K is replaced away.
    assert stored == [("N1", "0180", 1999, "T", 9.0), *[("N1", *c[:4]) for c in _CELLS]]
    assert count == 2


_PAGES = [
    b"""{"count": 3, "values": [
        {"kpi": "N1", "municipality": "0180", "period": 2020, "values": [
            {"gender": "K", "count": 1, "status": "", "value": 40.8, "isdeleted": false},
            {"gender": "M", "count": 0, "status": "", "value": null, "isdeleted": false},
            {"gender": "T", "count": 1, "status": "", "value": null, "isdeleted": false}]},
        {"kpi": "N1", "municipality": "1280", "period": 2020, "values": [
            {"gender": "T", "count": 1, "status": "", "value": 3.0, "isdeleted": true},
            {"gender": "X", "count": 1, "status": "", "value": 3.0, "isdeleted": false},
            {"count": 2, "value": 7}]},
        {"kpi": "N1", "municipality": "G2328", "period": 2020, "values": [
            {"gender": "T", "count": 290, "status": "", "value": 5.5, "isdeleted": false}]}],
     "next_url": "/v3/data/kpi/N1/year/2020?page=2&per_page=3", "previous_url": null}""",
    b"""{"count": 2, "values": [
        {"kpi": "N1", "municipality": "1280", "period": 2021, "values": [
            {"gender": "T", "count": 1, "status": "\\u0000", "value": 1e-3, "isdeleted": false}]},
        {"kpi": "N9", "municipality": "1280", "period": 2021, "values": [
            {"gender": "T", "count": 1, "status": "", "value": 1.0, "isdeleted": false}]},
        {"kpi": "N1", "municipality": "0180", "period": 2021, "values": []},
        {"kpi": "N1", "municipality": "0180", "period": 2022}],
     "next_url": null, "previous_url": "/v3/data/kpi/N1/year/2020?page=1&per_page=3"}""",
]


def test_pages_are_stored_as_parse_data_keeps_them(initialised_store: Store) -> None:
    store = initialised_store
    units = {"0180", "1280"}
    expected = [
        row[:5]
        for page in _PAGES
        for row in parse_data(read_data(page).values, units).rows
        if row[0] == "N1"
    ]
    assert len(expected) == 4
    series = series_of(pl.concat([read_items(page).values for page in _PAGES]), "N1", units)
    assert series.unknown_units == {"G2328"}
    with store.session() as session, session.begin():
        assert replace_kpi_series(session, "N1", series.rows, FIRST, years=[2020, 2021]) == 4
    with store.session() as session:
        assert list(iter_values(session)) == sorted(expected)
        query = select(KoladaValueRow.period, KoladaValueRow.count).where(
            KoladaValueRow.municipality == "1280"
        )
        counts = dict(session.execute(query).all())
    assert counts == {2020: 2, 2021: 1}
    assert {v[0].replace(tzinfo=UTC) for v in _fetched_at(store).values()} == {FIRST}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=40))
def test_every_double_reads_back_exactly_through_the_view(
    initialised_store: Store, values: list[float]
) -> None:
    store = initialised_store
    cells = [("0180", 1990 + i, "T", v, 1) for i, v in enumerate(values)]
    with store.session() as session, session.begin():
        session.execute(delete(KoladaSeriesRow))
        series = series_of(_frame("N1", cells), "N1", {"0180"})
        replace_kpi_series(session, "N1", series.rows, FIRST)
    with store.session() as session:
        assert [v for *_key, v in iter_values(session)] == values


def test_two_writers_of_one_series_lose_nothing(initialised_store: Store) -> None:
    """PostgreSQL: a write of values waits for another's transaction instead of merging into
    what it read before that one committed (SQLite refuses such a write outright)."""
    import threading
    import time

    store = initialised_store
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer")
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, FIRST)
        replace_kpi_values(session, "N1", [("N1", "0180", 2020, "T", 1.0, 1, stamp)])
    first_wrote = threading.Event()

    def first() -> None:
        with store.session() as session, session.begin():
            upsert_values(session, [("N1", "0180", 2021, "T", 21.0, 1, stamp)])
            first_wrote.set()
            time.sleep(0.5)  # the other writer reads and waits meanwhile

    thread = threading.Thread(target=first)
    thread.start()
    first_wrote.wait(10)
    with store.session() as session, session.begin():
        upsert_values(session, [("N1", "0180", 2022, "T", 22.0, 1, stamp)])
    thread.join(10)
    with store.session() as session:
        assert [v[2:] for v in iter_values(session)] == [
            (2020, "T", 1.0), (2021, "T", 21.0), (2022, "T", 22.0),
        ]  # fmt: skip


def test_a_full_fetch_of_fewer_years_keeps_the_stored_cells_outside_them(
    initialised_store: Store,
) -> None:
    """replace_kpi_series with years: within their span the fetch replaces what is stored;
    a stored series' cells before or after it stay, with the fetched_at they had."""
    store = initialised_store
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, FIRST)
        replace_kpi_values(
            session, "N1",
            [("N1", "0180", year, "T", float(year), 1, stamp) for year in (2018, 2019, 2020)]
            + [("N1", "1280", 2020, "T", 1.0, 1, stamp), ("N1", "1280", 2023, "K", 2.0, 1, stamp)],
        )  # fmt: skip
    with store.session() as session, session.begin():
        # 2019–2021 again: 0180 T keeps 2018; 1280 T (only 2020) is replaced, and 1280 K,
        # stored only for 2023, is kept whole though the fetch has nothing of it.
        written = replace_kpi_series(
            session, "N1",
            [("0180", "T", "[[2019,19.5,1],[2021,21.5,1]]", 2),
             ("1280", "T", "[[2021,3.0,1]]", 1)],
            LATER, years=(2019, 2020, 2021),
        )  # fmt: skip
        assert written == 3
    with store.session() as session:
        assert list(iter_values(session, kpis=["N1"])) == [
            ("N1", "0180", 2018, "T", 2018.0),
            ("N1", "0180", 2019, "T", 19.5),
            ("N1", "0180", 2021, "T", 21.5),
            ("N1", "1280", 2021, "T", 3.0),
            ("N1", "1280", 2023, "K", 2.0),
        ]
    stamps = {key: orm.replace(tzinfo=UTC) for key, (orm, _raw) in _fetched_at(store).items()}
    assert stamps[("N1", "1280", 2023, "K")] == FIRST
    assert stamps[("N1", "0180", 2018, "T")] == LATER  # its series was written anew
