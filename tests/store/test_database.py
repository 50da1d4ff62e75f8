"""Store: migrations, initialisation, idempotence, connection errors, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text, update
from sqlalchemy.engine import make_url

from glokal.errors import DatabaseUnavailable, SchemaNotReady
from glokal.framework import load_framework
from glokal.store import Store, row_counts
from glokal.store.models import Base, GoalRow, PlaceRow

EXPECTED_COUNTS = {
    "goal": 17,
    "target": 169,
    "indicator": len(load_framework().indicators),
    "mdg": 8,
    "county": 21,
    "kommungrupp": 9,
    "place": 312,
}


def test_upgrade_of_an_empty_database_reaches_head_and_matches_the_models(store: Store) -> None:
    assert store.current_revision() is None
    before, after = store.upgrade()
    assert (before, after) == (None, store.head_revision())
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_up_again(store: Store) -> None:
    store.upgrade()
    store.upgrade()  # already at head: nothing to do
    from alembic import command

    config = store._alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert store.current_revision() is None
    store.upgrade()
    assert store.current_revision() == store.head_revision()


def test_init_loads_all_reference_data(store: Store) -> None:
    counts = store.init()
    assert {name: c.inserted for name, c in counts.items()} == EXPECTED_COUNTS
    with store.session() as session:
        assert row_counts(session) == EXPECTED_COUNTS


def test_init_twice_changes_nothing(store: Store) -> None:
    store.init()
    with store.session() as session:
        first = row_counts(session)
    again = store.init()
    assert all(c.inserted == 0 and c.updated == 0 for c in again.values()), again
    with store.session() as session:
        assert row_counts(session) == first


def test_init_repairs_reference_rows_that_differ(initialised_store: Store) -> None:
    store = initialised_store
    with store.session() as session, session.begin():
        session.execute(update(GoalRow).where(GoalRow.number == 5).values(short_sv="Fel"))
        session.execute(update(PlaceRow).where(PlaceRow.id == "0180").values(kommungrupp="C9"))
    counts = store.init()
    assert counts["goal"].updated == 1 and counts["place"].updated == 1
    with store.session() as session:
        assert session.get(GoalRow, 5).short_sv == "Jämställdhet"  # type: ignore[union-attr]
        assert session.get(PlaceRow, "0180").kommungrupp == "A1"  # type: ignore[union-attr]


def test_foreign_keys_are_enforced(initialised_store: Store) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), initialised_store.session() as session, session.begin():
        session.execute(update(PlaceRow).where(PlaceRow.id == "0180").values(county="99"))


def test_check_ready_names_the_command_to_run(store: Store) -> None:
    with pytest.raises(SchemaNotReady, match="glokal init"):
        store.check_ready()
    store.init()
    store.check_ready()


def test_sqlite_file_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    store = Store(make_url(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'g.sqlite3'}"))
    try:
        store.init()
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        store.close()
    assert (tmp_path / "nested" / "dir" / "g.sqlite3").exists()


def test_a_new_sqlite_file_has_16_kib_pages_and_an_old_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(old)) as db:  # a store made before pages of 16 KiB
        db.execute("PRAGMA page_size=4096")
        db.execute("PRAGMA journal_mode=WAL")
    for path, expected in ((tmp_path / "new.sqlite3", 16384), (old, 4096)):
        store = Store(make_url(f"sqlite:///{path}"))
        try:
            store.init()
            store.init()  # again: nothing changes
            with store.engine.connect() as connection:
                assert connection.execute(text("PRAGMA page_size")).scalar() == expected
                assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            with store.session() as session:
                assert row_counts(session)["place"] == 312
        finally:
            store.close()


def test_unreachable_postgres_is_a_clear_error() -> None:
    store = Store(make_url("postgresql+psycopg://glokal:secret@127.0.0.1:1/nowhere"))
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            store.current_revision()
    finally:
        store.close()
    message = str(caught.value)
    assert "cannot use the database" in message and "127.0.0.1:1" in message
    assert "secret" not in message
    assert caught.value.where == "GLOKAL_DATABASE_URL"
    assert "Connection refused" in message


def test_commit_marker_changes_with_every_commit_of_any_connection(store: Store) -> None:
    store.init()
    if not store.is_sqlite:
        assert store.commit_marker() is None  # PostgreSQL: callers ask the fuller query
        return
    first = store.commit_marker()
    assert first is not None and store.commit_marker() == first  # nothing committed: the same
    with store.session() as session, session.begin():
        session.execute(update(PlaceRow).where(PlaceRow.id == "1781").values(name="Kristinehamn!"))
    second = store.commit_marker()
    assert second is not None and second != first
    # A commit by another process (here a connection of its own) is seen at once too. (A
    # statement that changes no value commits nothing, and the marker rightly stays.)
    assert store.url.database is not None
    other = sqlite3.connect(store.url.database)
    with other:
        other.execute("UPDATE place SET name = 'Kristinehamn' WHERE id = '1781'")
    other.close()
    assert store.commit_marker() not in (first, second)


def test_commit_marker_is_none_where_sqlite_has_no_file() -> None:
    store = Store(make_url("sqlite://"))
    try:
        assert store.commit_marker() is None
    finally:
        store.close()


def test_commit_marker_changes_when_the_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    store = Store(make_url(f"sqlite:///{path}"))
    try:
        store.init()
        before = store.commit_marker()
        copy = tmp_path / "copy.sqlite3"
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(copy)) as target:
            source.backup(target)
        copy.replace(path)  # the same name, another file (as a copy over it would be)
        after = store.commit_marker()
        assert before is not None and after is not None and after != before
        assert store.commit_marker() == after
    finally:
        store.close()


def test_a_closed_store_has_no_commit_marker(tmp_path: Path) -> None:
    store = Store(make_url(f"sqlite:///{tmp_path / 'g.sqlite3'}"))
    store.init()
    assert store.commit_marker() is not None
    store.close()
    assert store.commit_marker() is None


def test_values_survive_the_move_to_series_and_back(initialised_store: Store) -> None:
    """Migration 0007 moves kolada_value's rows into series and downgrading moves them back,
    every double and null exactly, on both databases."""
    from alembic import command

    from glokal.store.kolada import driver_timestamp, iter_values, upsert_values

    store = initialised_store
    doubles = [5e-324, 1.7976931348623157e308, 0.1 + 0.2, 1 / 3, -0.0, 1e22, 1052.8, None]
    with store.session() as session, session.begin():
        stamp = driver_timestamp(session.get_bind().dialect, datetime(2026, 12, 1, tzinfo=UTC))
        upsert_values(
            session,
            [("N1", unit, 2000 + i, gender, value, 1, stamp)
             for i, value in enumerate(doubles) for unit in ("0180", "1280") for gender in "TK"],
        )  # fmt: skip
    with store.session() as session:
        before = list(iter_values(session))
    config = store._alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT kpi, municipality, period, gender, value FROM kolada_value "
                 "ORDER BY kpi, municipality, period, gender")
        ).all()  # fmt: skip
    assert [tuple(r) for r in rows] == before and len(before) == 4 * len(doubles)
    store.upgrade()
    with store.session() as session:
        assert list(iter_values(session)) == before
