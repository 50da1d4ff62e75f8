"""Kolada value writes (driver-level statements, JSON read by PostgreSQL) on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from glokal.errors import InputError
from glokal.kolada.plan import parse_cells
from glokal.kolada.wire import read_data
from glokal.store import Store, kolada
from glokal.store.kolada import (
    count_values,
    driver_timestamp,
    iter_values,
    reads_json_pages,
    replace_kpi_cells,
    replace_kpi_pages,
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


def test_replace_cells_stores_what_replace_values_stores(
    initialised_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kolada, "MAX_ROWS_PER_INSERT", 2)  # 5 cells: statements of 2, 2, 1
    store = initialised_store
    cells = [
        ("0180", 2020, "T", 40.8, 1),
        ("0180", 2021, "T", None, 1),
        ("1280", 2020, "K", 3.5, 1),
        ("1280", 2021, "M", 0.0, 2),
        ("1280", 2022, "T", -1.25, 1),
    ]
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, FIRST)
        replace_kpi_values(session, "N2", [("N2", *cell, stamp) for cell in cells])
        replace_kpi_values(session, "N1", [("N1", "0180", 1999, "T", 9.0, 1, stamp),
                                           ("N1", "0180", 2020, "K", 9.0, 1, stamp)])  # fmt: skip
    with store.session() as session, session.begin():
        assert replace_kpi_cells(session, "N1", cells, FIRST, years=range(2020, 2026)) == 5
    found = _fetched_at(store)
    for cell in cells:  # the same stored text or timestamp as the 7-column path
        assert found[("N1", *cell[:3])] == found[("N2", *cell[:3])]
    with store.session() as session:
        stored = list(iter_values(session, kpis=["N1"]))
        count = session.scalar(select(KoladaValueRow.count).where(KoladaValueRow.value == 0.0))
    # 1999 lies outside the years replaced and is kept; 2020 K is replaced away.
    assert stored == [("N1", "0180", 1999, "T", 9.0), *[("N1", *c[:4]) for c in cells]]
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
            {"gender": "T", "count": 1, "status": "", "value": 1e-3, "isdeleted": false}]},
        {"kpi": "N9", "municipality": "1280", "period": 2021, "values": [
            {"gender": "T", "count": 1, "status": "", "value": 1.0, "isdeleted": false}]},
        {"kpi": "N1", "municipality": "0180", "period": 2021, "values": []},
        {"kpi": "N1", "municipality": "0180", "period": 2022}],
     "next_url": null, "previous_url": "/v3/data/kpi/N1/year/2020?page=1&per_page=3"}""",
]


def test_the_database_reads_json_pages_as_the_cells_parser_does(initialised_store: Store) -> None:
    store = initialised_store
    if not reads_json_pages(store.engine.dialect):
        with store.session() as session, pytest.raises(NotImplementedError):
            replace_kpi_pages(session, "N1", _PAGES, FIRST)
        return
    units = {"0180", "1280"}
    expected = [
        cell for page in _PAGES for cell in parse_cells(read_data(page).values, "N1", units).rows
    ]
    assert len(expected) == 4
    with store.session() as session, session.begin():
        written, unknown = replace_kpi_pages(session, "N1", _PAGES, FIRST, years=[2020, 2021])
    assert (written, unknown) == (4, {"G2328"})
    with store.session() as session:
        assert list(iter_values(session)) == sorted(("N1", *c[:4]) for c in expected)
        query = select(KoladaValueRow.period, KoladaValueRow.count).where(
            KoladaValueRow.municipality == "1280"
        )
        counts = dict(session.execute(query).all())
    assert counts == {2020: 2, 2021: 1}
    assert {v[0] for v in _fetched_at(store).values()} == {FIRST}


def test_a_page_the_database_cannot_read_names_the_kpi_and_writes_nothing(
    initialised_store: Store,
) -> None:
    store = initialised_store
    if not reads_json_pages(store.engine.dialect):
        pytest.skip("SQLite takes cells, not JSON pages")
    # Valid JSON that PostgreSQL's jsonb refuses (a NUL character in a string).
    bad = _PAGES[1].replace(b'"status": ""', b'"status": "\\u0000"', 1)
    with (
        pytest.raises(InputError, match="page 2") as caught,
        store.session() as session,
        session.begin(),
    ):
        replace_kpi_pages(session, "N1", [_PAGES[0], bad], FIRST)
    assert "N1" in str(caught.value.where)
    with store.session() as session:
        assert count_values(session) == 0
