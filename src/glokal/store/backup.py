"""Backups: a consistent online snapshot of the store in one portable file, and its restore.

A backup is an SQLite file with Glokal's schema at the database's Alembic revision, whichever
database it came from:

- from SQLite, through SQLite's online backup API, with the source held in one read
  transaction: under WAL the copy is of one snapshot while others go on writing;
- from PostgreSQL, by reading every table inside one REPEATABLE READ READ ONLY transaction
  (one snapshot) into a fresh SQLite file created by the migrations.

The file is written to ``FILE.partial`` and renamed when complete, so a stopped backup leaves
no half file. A restore checks the file (an SQLite file, undamaged, a Glokal schema at this
version's revision) and the target (at the same revision, and empty unless ``replace``), then
in one transaction deletes, inserts every table in foreign-key order and resets PostgreSQL's
sequences: a restore that fails changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Table, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from glokal.errors import InputError, SchemaNotReady, StoreError
from glokal.i18n import N_
from glokal.store.database import Store
from glokal.store.models import Base, DataChangeRow

SQLITE_MAGIC = b"SQLite format 3\x00"
BACKUP_PAGES_PER_STEP = 4096  # SQLite pages copied between two progress reports
ROWS_PER_BATCH = 5000
# What `glokal init` loads from the bundled package data.
REFERENCE_TABLES = frozenset(
    {"goal", "target", "indicator", "mdg", "county", "kommungrupp", "place"}
)
# A database holding only these (the reference data and the programme definitions `glokal
# init` installs) holds no data of its own: a restore replaces it without --replace.
INIT_TABLES = REFERENCE_TABLES | {"programme", "programme_step", "programme_target"}

# progress(step, done, total): step is a table name (or "pages" for SQLite's page copy).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class BackupSummary:
    """What a backup or restore did: the revision and the rows of each table."""

    path: Path
    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    """Every table of the schema, in foreign-key order (referenced tables first), but the
    change counter: each database keeps its own, raised by its triggers as a restore writes."""
    return [t for t in Base.metadata.sorted_tables if t.name != DataChangeRow.__tablename__]


def _no_progress(_step: str, _done: int, _total: int) -> None:
    return None


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


def _remove_sqlite_file(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


@contextmanager
def _written_whole(path: Path) -> Iterator[Path]:
    """Yield FILE.partial to write; rename it to FILE when the block ends without error."""
    partial = _partial(path)
    try:
        if path.is_dir():
            raise InputError(N_("this is a directory; give a file name"), where=str(path))
        if not path.parent.is_dir():
            raise InputError(
                N_("cannot write the backup: there is no directory {directory}"),
                directory=str(path.parent),
                where=str(path),
            )
        _remove_sqlite_file(partial)
        yield partial
        partial.replace(path)
    except OSError as exc:
        _remove_sqlite_file(partial)
        raise InputError(
            N_("cannot write the backup: {error}"), error=str(exc.strerror or exc), where=str(path)
        ) from None
    except BaseException:
        _remove_sqlite_file(partial)
        raise


def _counts(connection: Connection) -> dict[str, int]:
    return {t.name: connection.scalar(select(func.count()).select_from(t)) or 0 for t in tables()}


# -- backup ------------------------------------------------------------------------------------


def take_backup(store: Store, path: Path, progress: Progress | None = None) -> BackupSummary:
    """Write a consistent snapshot of ``store`` to ``path`` (an SQLite file)."""
    report = progress or _no_progress
    revision = store.current_revision()
    if revision is None:
        raise SchemaNotReady(
            N_("the database {url} has no Glokal schema; there is nothing to back up"),
            url=store.display_url,
            where=store.setting,
        )
    with _written_whole(path) as partial:
        if store.is_sqlite:
            _backup_sqlite(store, partial, report)
        else:
            _backup_postgresql(store, revision, partial, report)
        with closing(sqlite3.connect(partial, isolation_level=None)) as done:
            done.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            revision = done.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        summary = _summary_of(partial, path, revision)
    return summary


def _summary_of(file: Path, path: Path, revision: str) -> BackupSummary:
    with closing(sqlite3.connect(file)) as db:
        present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        rows = {
            t.name: db.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
            for t in tables()
            if t.name in present
        }
    return BackupSummary(path=path, revision=revision, rows=rows)


def _backup_sqlite(store: Store, partial: Path, report: Progress) -> None:
    database = store.url.database
    if not database or database == ":memory:" or not Path(database).is_file():
        raise StoreError(
            N_("there is no database file at {url}"), url=store.display_url, where=store.setting
        )
    try:
        _copy_sqlite(database, partial, report)
    except sqlite3.Error as exc:
        raise StoreError(
            N_("cannot back up the database {url}: {error}"),
            url=store.display_url,
            error=str(exc),
            where=store.setting,
        ) from None


def _copy_sqlite(database: str, partial: Path, report: Progress) -> None:
    with (
        closing(sqlite3.connect(database, isolation_level=None, timeout=30)) as source,
        closing(sqlite3.connect(partial)) as target,
    ):
        # One read transaction for the whole copy: every step copies pages of the same
        # snapshot, and under WAL writers go on meanwhile without restarting the backup.
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM alembic_version").fetchone()
        try:
            source.backup(
                target,
                pages=BACKUP_PAGES_PER_STEP,
                progress=lambda _status, remaining, total: report(
                    "pages", total - remaining, total
                ),
            )
        finally:
            source.execute("COMMIT")


def _backup_postgresql(store: Store, revision: str, partial: Path, report: Progress) -> None:
    if revision != store.head_revision():
        raise SchemaNotReady(
            N_(
                "the database {url} is at schema revision {revision}, this version of Glokal "
                "backs up {head}"
            ),
            url=store.display_url,
            revision=revision,
            head=store.head_revision(),
            where=store.setting,
            hint=N_("run `glokal db upgrade` first"),
        )
    target = Store(make_url(f"sqlite:///{partial}"))
    try:
        target.upgrade(revision)
    finally:
        target.close()
    with (
        store.errors(),
        store.engine.connect() as source,
        closing(sqlite3.connect(partial, isolation_level=None)) as sink,
    ):
        source = source.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        # A copy of one consistent snapshot: the constraints held in PostgreSQL already.
        sink.execute("PRAGMA foreign_keys=OFF")
        sink.execute("PRAGMA journal_mode=OFF")  # FILE.partial: the rename is the commit
        sink.execute("PRAGMA synchronous=OFF")
        with source.begin():
            # The first query fixes the snapshot every later one reads.
            source.execute(text("SET LOCAL TIME ZONE 'UTC'"))
            totals = _counts(source)
            sink.execute("BEGIN")
            for table in tables():
                _copy_to_sqlite(source, sink, table, totals[table.name], report)
            sink.execute("COMMIT")


def _as_sqlite_stores(table: Table) -> str:
    """A PostgreSQL select list giving each column as SQLAlchemy stores it in SQLite."""
    parts = []
    for column in table.columns:
        name = f'"{column.name}"'
        if isinstance(column.type, DateTime):
            parts.append(f"to_char({name} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')")
        elif isinstance(column.type, Date):
            parts.append(f"to_char({name}, 'YYYY-MM-DD')")
        elif isinstance(column.type, JSON):
            parts.append(f"{name}::text")
        elif isinstance(column.type, Boolean):
            parts.append(f"{name}::int")
        else:
            parts.append(name)
    return ", ".join(parts)


def _column_list(table: Table) -> str:
    return ", ".join(f'"{c.name}"' for c in table.columns)


def _copy_to_sqlite(
    source: Connection, sink: sqlite3.Connection, table: Table, total: int, report: Progress
) -> None:
    report(table.name, 0, total)
    order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
    query = f'SELECT {_as_sqlite_stores(table)} FROM "{table.name}" ORDER BY {order}'
    insert = (
        f'INSERT INTO "{table.name}" ({_column_list(table)}) '
        f"VALUES ({', '.join('?' for _ in table.columns)})"
    )
    result = source.execution_options(yield_per=ROWS_PER_BATCH).exec_driver_sql(query)
    done = 0
    for batch in result.partitions():
        sink.executemany(insert, [tuple(row) for row in batch])
        done += len(batch)
        report(table.name, done, total)


def _copy_from_backup(
    backup: sqlite3.Connection, target: Connection, table: Table, total: int, report: Progress
) -> None:
    """Copy a table's rows as the backup stores them into the target database."""
    report(table.name, 0, total)
    columns = _column_list(table)
    raw = target.connection.driver_connection
    if target.dialect.name == "sqlite":
        # One statement (SQLite checks foreign keys at its end): rows referring to later rows
        # of the same table are fine.
        assert raw is not None
        raw.execute(
            f'INSERT INTO main."{table.name}" ({columns}) '
            f'SELECT {columns} FROM backup."{table.name}"'
        )
        report(table.name, total, total)
        return
    # PostgreSQL: one COPY per table (foreign keys are checked at the end of the statement);
    # the values go as text, parsed by the server: dates, UTC times, JSON, 0/1 for booleans.
    assert raw is not None
    rows = backup.execute(f'SELECT {columns} FROM "{table.name}"')
    done = 0
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            done += 1
            if done % ROWS_PER_BATCH == 0:
                report(table.name, done, total)
    report(table.name, done, total)


# -- restore -----------------------------------------------------------------------------------


def read_backup_revision(path: Path) -> str:
    """Check that ``path`` is an undamaged Glokal backup and return its schema revision."""
    where = str(path)
    if not path.exists():
        raise InputError(N_("no such file"), where=where)
    if not path.is_file():
        raise InputError(N_("this is a directory, not a backup file"), where=where)
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise InputError(
            N_("cannot read the file: {error}"), error=str(exc.strerror or exc), where=where
        ) from None
    if magic != SQLITE_MAGIC:
        raise InputError(
            N_("not a Glokal backup (not an SQLite file; `glokal backup` writes one)"), where=where
        )
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            check = [row[0] for row in db.execute("PRAGMA quick_check")]
            if check != ["ok"]:
                raise InputError(N_("the backup is damaged: {error}"), error=check[0], where=where)
            names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in names or not names >= REFERENCE_TABLES:
                raise InputError(
                    N_("not a Glokal backup (an SQLite file without Glokal's schema)"), where=where
                )
            found = db.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as exc:
        raise InputError(
            N_("the backup is damaged or unreadable: {error}"), error=str(exc), where=where
        ) from None
    if len(found) != 1:
        raise InputError(N_("not a Glokal backup (no schema revision)"), where=where)
    revision: str = found[0][0]
    return revision


def restore_backup(
    store: Store, path: Path, *, replace: bool = False, progress: Progress | None = None
) -> BackupSummary:
    """Replace what ``store`` holds by the backup at ``path``, in one transaction."""
    report = progress or _no_progress
    revision = read_backup_revision(path)
    head = store.head_revision()
    if revision != head:
        raise InputError(
            N_(
                "the backup is at schema revision {revision}, this version of Glokal restores "
                "revision {head}; restore it with the Glokal version that wrote it"
            ),
            revision=revision,
            head=head,
            where=str(path),
        )
    if store.is_sqlite:
        store._create_sqlite_directory()  # the default database's directory, on first use
    current = store.current_revision()
    if current is None:
        store.upgrade()  # an empty database gets the (empty) schema first
    elif current != head:
        raise SchemaNotReady(
            N_("the database {url} is at schema revision {current}, the backup at {revision}"),
            url=store.display_url,
            current=current,
            revision=revision,
            where=store.setting,
            hint=N_("run `glokal db upgrade` first"),
        )
    uri = f"{path.resolve().as_uri()}?mode=ro"
    driver_errors = (DBAPIError, sqlite3.Error, store.engine.dialect.loaded_dbapi.Error)
    step = "the backup"
    try:
        with (
            closing(sqlite3.connect(uri, uri=True)) as source,
            store.engine.connect() as target,
        ):
            raw: Any = target.connection.driver_connection
            if store.is_sqlite:
                raw.execute("ATTACH DATABASE ? AS backup", (str(path.resolve()),))
            try:
                with target.begin():
                    if store.is_sqlite:
                        raw.execute("BEGIN IMMEDIATE")  # the write lock, before anything is read
                    else:
                        target.execute(text("SET LOCAL TIME ZONE 'UTC'"))
                    _check_empty(store, target, replace)
                    totals = {
                        t.name: source.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
                        for t in tables()
                    }
                    for table in reversed(tables()):
                        step = f"deleting {table.name}"
                        target.execute(table.delete())
                    for table in tables():
                        step = f"table {table.name}"
                        _copy_from_backup(source, target, table, totals[table.name], report)
                    if not store.is_sqlite:
                        step = "the sequences"
                        _reset_sequences(target)
            finally:
                if store.is_sqlite:
                    raw.execute("DETACH DATABASE backup")
    except driver_errors as exc:
        raise StoreError(
            N_("the restore failed at {step}, nothing was changed: {error}"),
            step=step,
            error=_first_line(exc),
            where=str(path),
        ) from None
    return BackupSummary(path=path, revision=revision, rows=totals)


def _first_line(exc: Exception) -> str:
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    message = str(original).strip()
    return message.splitlines()[0] if message else type(original).__name__


def _check_empty(store: Store, target: Connection, replace: bool) -> None:
    if replace:
        return
    held = {
        name: count for name, count in _counts(target).items() if count and name not in INIT_TABLES
    }
    if held:
        listed = ", ".join(f"{name} ({count})" for name, count in sorted(held.items()))
        raise InputError(
            N_(
                "the database {url} holds data ({listed}); give --replace to replace everything "
                "in it by the backup"
            ),
            url=store.display_url,
            listed=listed,
            where=store.setting,
        )


def _reset_sequences(target: Connection) -> None:
    """Set each PostgreSQL sequence behind an integer id past the highest restored id."""
    for table in tables():
        column = table.autoincrement_column
        if column is None:
            continue
        target.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE(MAX("{column.name}"), 1), MAX("{column.name}") IS NOT NULL) '
                f'FROM "{table.name}"'
            ),
            {"table": table.name, "column": column.name},
        )


__all__ = [
    "INIT_TABLES",
    "REFERENCE_TABLES",
    "BackupSummary",
    "read_backup_revision",
    "restore_backup",
    "tables",
    "take_backup",
]
