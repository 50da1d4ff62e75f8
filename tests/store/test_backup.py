"""Backups and restores on SQLite and PostgreSQL: same rows back, a consistent snapshot while a
writer commits, another revision refused, a failed restore changes nothing, bad files named."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL, make_url

from glokal.errors import InputError, StoreError
from glokal.store import Store
from glokal.store.backup import read_backup_revision, restore_backup, take_backup
from glokal.store.models import ActivityGoalRow, ActivityPartnerRow, ActivityRow
from tests.conftest import new_postgres_database
from tests.store.sample import add_activity, dump, fill, non_empty


@pytest.fixture
def other_store(
    database_url: URL, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Store]:
    """A second, empty database of the same kind as ``store``'s."""
    if database_url.get_backend_name() == "sqlite":
        yield from _stored(make_url(f"sqlite:///{tmp_path / 'other.sqlite3'}"))
        return
    server: URL = request.getfixturevalue("postgres_server")
    yield from _new_postgres(server)


def _stored(url: URL) -> Iterator[Store]:
    store = Store(url)
    try:
        yield store
    finally:
        store.close()


def _new_postgres(server: URL) -> Iterator[Store]:
    with new_postgres_database(server) as url:
        yield from _stored(url)


def test_backup_then_restore_into_an_empty_database_gives_the_same_rows(
    store: Store, other_store: Store, tmp_path: Path
) -> None:
    fill(store)
    before = dump(store)
    assert set(non_empty(before)) >= {"kolada_series", "activity", "goal_assessment", "web_user"}
    file = tmp_path / "glokal.backup"
    summary = take_backup(store, file)
    assert file.is_file() and not (tmp_path / "glokal.backup.partial").exists()
    assert summary.revision == store.head_revision()
    assert summary.rows == {name: len(rows) for name, rows in before.items()}
    assert read_backup_revision(file) == store.head_revision()

    restored = restore_backup(other_store, file)
    assert restored.rows == summary.rows
    assert dump(other_store) == before
    # The ids go on after the restored ones (PostgreSQL's sequences were reset).
    with other_store.session() as s, s.begin():
        new_id = add_activity(s, "1781", "Nytt efter återställningen")
    assert new_id == max(row[0] for row in before["activity"]) + 1


def test_a_backup_moves_between_sqlite_and_postgresql(
    sqlite_url: URL, postgres_url: URL, tmp_path: Path
) -> None:
    source, target = Store(sqlite_url), Store(postgres_url)
    back = Store(make_url(f"sqlite:///{tmp_path / 'back.sqlite3'}"))
    try:
        fill(source)
        restore_backup(target, take_backup(source, tmp_path / "a.backup").path)
        restore_backup(back, take_backup(target, tmp_path / "b.backup").path)
        assert dump(target) == dump(source) == dump(back)
    finally:
        for s in (source, target, back):
            s.close()


class Writer(threading.Thread):
    """Commits activities, each with its goals and partners in the same transaction."""

    def __init__(self, store: Store) -> None:
        super().__init__(daemon=True)
        self.store = store
        self.commits = 0
        self.stop = threading.Event()
        self.progressed = threading.Condition()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with self.store.session() as s, s.begin():
                    add_activity(s, "0180", f"Aktivitet {self.commits}")
                with self.progressed:
                    self.commits += 1
                    self.progressed.notify_all()
        except BaseException as exc:  # reported by the test
            self.error = exc

    def wait_for(self, commits: int) -> None:
        with self.progressed:
            assert self.progressed.wait_for(lambda: self.commits >= commits, timeout=20)


def _activities_are_whole(store: Store) -> int:
    with store.session() as s, s.begin():
        activities = s.scalar(select(func.count()).select_from(ActivityRow)) or 0
        goals = dict(
            s.execute(
                select(ActivityGoalRow.activity_id, func.count()).group_by(
                    ActivityGoalRow.activity_id
                )
            ).all()
        )
        partners = dict(
            s.execute(
                select(ActivityPartnerRow.activity_id, func.count()).group_by(
                    ActivityPartnerRow.activity_id
                )
            ).all()
        )
        ids = set(s.scalars(select(ActivityRow.id)))
    assert set(goals) == set(partners) == ids
    assert set(goals.values()) == {3} and set(partners.values()) == {2}
    return activities


def test_a_backup_during_a_stream_of_writes_restores_to_a_consistent_state(
    store: Store, other_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(store)
    monkeypatch.setattr("glokal.store.backup.BACKUP_PAGES_PER_STEP", 8)  # many SQLite steps
    writer = Writer(store)
    writer.start()
    writer.wait_for(3)
    paused: list[int] = []

    def progress(step: str, done: int, total: int) -> None:
        # Midway (SQLite: after some pages; PostgreSQL: activities read, their goals not yet),
        # let the writer commit more transactions before the backup goes on.
        midway = (step == "pages" and 0 < done < total) or (step == "activity_goal" and not done)
        if midway and not paused:
            paused.append(writer.commits)
            writer.wait_for(writer.commits + 5)

    try:
        take_backup(store, tmp_path / "busy.backup", progress)
    finally:
        writer.stop.set()
        writer.join(timeout=20)
    assert writer.error is None
    assert paused, "the backup never reported progress midway"
    restore_backup(other_store, tmp_path / "busy.backup")
    restored = _activities_are_whole(other_store)
    # The snapshot was taken before the pause: what the writer committed during it is absent.
    assert 1 + 3 <= restored <= 1 + paused[0] < 1 + writer.commits


def test_a_backup_of_another_schema_revision_is_refused(store: Store, tmp_path: Path) -> None:
    old = Store(make_url(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    try:
        old.upgrade("0004")
        take_backup(old, tmp_path / "old.backup")
    finally:
        old.close()
    with pytest.raises(InputError) as caught:
        restore_backup(store, tmp_path / "old.backup")
    assert "revision 0004" in caught.value.message
    assert f"revision {store.head_revision()}" in caught.value.message
    assert store.current_revision() is None  # nothing was done to the target


def test_a_database_with_data_is_kept_unless_replace(
    store: Store, other_store: Store, tmp_path: Path
) -> None:
    fill(store)
    file = take_backup(store, tmp_path / "a.backup").path
    fill(other_store)
    with other_store.session() as s, s.begin():
        add_activity(s, "0180", "Bara i målet")
    before = dump(other_store)
    with pytest.raises(InputError) as caught:
        restore_backup(other_store, file)
    assert "--replace" in caught.value.message and "activity (2)" in caught.value.message
    assert dump(other_store) == before
    restore_backup(other_store, file, replace=True)
    assert dump(other_store) == dump(store)


def test_a_restore_that_fails_midway_changes_nothing(
    store: Store, other_store: Store, tmp_path: Path
) -> None:
    fill(store)
    file = take_backup(store, tmp_path / "a.backup").path
    # A series of a unit that does not exist: the insert of kolada_series fails, late in the run.
    with closing(sqlite3.connect(file)) as db, db:
        db.execute(
            "INSERT INTO kolada_series "
            "VALUES ('N00401', '9999', 'T', '[[2024,1.0,1]]', '2026-01-01')"
        )
    fill(other_store)
    with other_store.session() as s, s.begin():
        add_activity(s, "0180", "Bara i målet")
    before = dump(other_store)
    with pytest.raises(StoreError) as caught:
        restore_backup(other_store, file, replace=True)
    assert "nothing was changed" in caught.value.message
    assert "kolada_series" in caught.value.message
    assert dump(other_store) == before


def test_a_stopped_backup_leaves_no_file(store: Store, tmp_path: Path) -> None:
    fill(store)

    def stop(_step: str, _done: int, _total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        take_backup(store, tmp_path / "stopped.backup", stop)
    assert list(tmp_path.glob("stopped.backup*")) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"unit,goal\n0180,5\n", "not a Glokal backup (not an SQLite file"),
        (b"SQLite format 3\x00" + b"\x17" * 5000, "damaged"),
        ("empty-sqlite", "not a Glokal backup (an SQLite file without Glokal's schema)"),
        ("truncated", "damaged"),
    ],
)
def test_bad_backup_files_are_named(
    sqlite_url: URL, tmp_path: Path, content: bytes | str | None, message: str
) -> None:
    file = tmp_path / "bad.backup"
    if content == "empty-sqlite":
        with closing(sqlite3.connect(file)) as db:
            db.execute("CREATE TABLE t (x)")
    elif content == "truncated":
        source = Store(make_url(f"sqlite:///{tmp_path / 'src.sqlite3'}"))
        fill(source)
        take_backup(source, tmp_path / "whole.backup")
        source.close()
        data = (tmp_path / "whole.backup").read_bytes()
        file.write_bytes(data[: len(data) // 2])
    elif isinstance(content, bytes):
        file.write_bytes(content)
    target = Store(sqlite_url)
    try:
        with pytest.raises(InputError) as caught:
            restore_backup(target, file)
    finally:
        target.close()
    assert message in caught.value.message
    assert caught.value.where == str(file)
    assert not Path(sqlite_url.database or "").exists()
