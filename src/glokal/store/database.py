"""``Store``: the one object that owns the database (engine, sessions, schema, reference data)."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from glokal.errors import DatabaseUnavailable, InputError, SchemaNotReady, StoreError
from glokal.framework import Framework, load_framework
from glokal.i18n import N_
from glokal.places import Places, load_places
from glokal.store.models import GoalRow
from glokal.store.reference import ReferenceCounts, load_reference

DATABASE_SETTING = "GLOKAL_DATABASE_URL"
POSTGRES_CONNECT_TIMEOUT_S = 5
SQLITE_PAGE_SIZE = 16384  # bytes, for a new SQLite file
# Serialises schema changes and reference loading between processes sharing a PostgreSQL
# database (several app workers starting at once); any constant shared by them will do.
POSTGRES_INIT_LOCK = 0x676C6F6B616C  # "glokal"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite. (WAL is set once, by upgrade: it is stored in
    # the file, and setting it here would write to a file that a read should leave alone.)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig).strip() if exc.orig is not None else str(exc)
    return text.splitlines()[0] if text else type(exc.orig).__name__


class Store:
    """Owns one database: connects, migrates, loads reference data and hands out sessions.

    The caller owns each transaction: ``with store.session() as s, s.begin(): ...``.
    """

    def __init__(self, url: URL, *, setting: str = DATABASE_SETTING) -> None:
        self.url = url
        self.setting = setting
        self.is_sqlite = url.get_backend_name() == "sqlite"
        connect_args: dict[str, Any] = {}
        if not self.is_sqlite:
            connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
        self.engine: Engine = create_engine(url, connect_args=connect_args)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._marker_connection: sqlite3.Connection | None = None
        self._marker_identity: tuple[int, int] = (0, 0)
        self._closed = False
        self._marker_lock = threading.Lock()

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return self.url.render_as_string(hide_password=True)

    def close(self) -> None:
        with self._marker_lock:
            self._close_marker()
            self._closed = True
        self.engine.dispose()

    # -- errors ----------------------------------------------------------------------------

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn database and file-system failures inside the block into StoreError."""
        try:
            yield
        except OperationalError as exc:
            raise DatabaseUnavailable(
                N_("cannot use the database {url}: {error}"),
                url=self.display_url,
                error=_first_line(exc),
                where=self.setting,
            ) from None
        except DBAPIError as exc:
            raise StoreError(
                N_("the database {url} refused: {error}"),
                url=self.display_url,
                error=_first_line(exc),
                where=self.setting,
            ) from None
        except BrokenPipeError:
            raise  # the reader of our output went away (`| head`): not the database's doing
        except OSError as exc:
            raise StoreError(
                N_("cannot use the database {url}: {error}"),
                url=self.display_url,
                error=str(exc.strerror or exc),
                where=self.setting,
            ) from None

    def _create_sqlite_directory(self) -> None:
        database = self.url.database
        if self.is_sqlite and database and database != ":memory:" and "mode=ro" not in database:
            with self.errors():
                Path(database).parent.mkdir(parents=True, exist_ok=True)

    # -- connections -----------------------------------------------------------------------

    def commit_marker(self) -> tuple[int, int, int] | None:
        """A value that changes whenever any other connection commits to the database, read
        in microseconds: SQLite's ``PRAGMA data_version`` on a connection kept for it (it never
        writes, so every change it sees is someone else's), with the file's identity (device
        and inode), so that a file replaced under the same name (copied over, or made anew)
        counts as a change too and gets a new connection. None where there is no such marker
        (PostgreSQL, an in-memory SQLite database) or it cannot be read: then ask
        ``opendata.data_version``. Callers use it as a gate in front of that fuller query."""
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        if "mode=memory" in self.url.database or self.url.database.startswith("file:"):
            return None  # in memory, or a URI the caller wrote: ask the fuller query
        path = self.url.database
        with self._marker_lock:
            if self._closed:
                return None
            try:
                found = os.stat(path)
                identity = (found.st_dev, found.st_ino)
                if self._marker_connection is not None and identity != self._marker_identity:
                    # Another file under the same name: the pool's connections still read the
                    # old one, so they go too.
                    self._close_marker()
                    self.engine.dispose()
                if self._marker_connection is None:
                    # timeout=0: never wait for a lock on the event loop; busy gives None.
                    self._marker_connection = sqlite3.connect(
                        f"file:{quote(path)}?mode=ro", uri=True, check_same_thread=False,
                        timeout=0,
                    )  # fmt: skip
                    self._marker_identity = identity
                row = self._marker_connection.execute("PRAGMA data_version").fetchone()
            except (OSError, sqlite3.Error):
                self._close_marker()
                return None
        return identity[0], identity[1], int(row[0])

    def _close_marker(self) -> None:
        if self._marker_connection is not None:
            self._marker_connection.close()
            self._marker_connection = None

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection in a transaction; failures become StoreError (DatabaseUnavailable)."""
        with self.errors():
            connection = self.engine.connect()
            with connection, connection.begin():
                yield connection

    def _lock_for_init(self, connection: Connection) -> None:
        if not self.is_sqlite:
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_INIT_LOCK}
            )

    def session(self) -> Session:
        """A new session; use ``with store.session() as s, s.begin():`` for one transaction."""
        return self._sessions()

    # -- schema ----------------------------------------------------------------------------

    def _alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", "glokal.store:migrations")
        return config

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def current_revision(self) -> str | None:
        """The schema revision the database is at; None for an empty database."""
        with self.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def upgrade(self, revision: str = "head") -> tuple[str | None, str | None]:
        """Run the migrations up to ``revision``; returns (revision before, revision after)."""
        self._create_sqlite_directory()
        if self.is_sqlite:
            # WAL lets the web app read while a sync writes; it must be set outside a transaction.
            with self.errors(), self.engine.connect() as connection:
                # A new file gets pages of 16 KiB, not 4: a commit writes a quarter of the WAL
                # frames, each a system call or two (a full Kolada sync's commits: 0.12 s of
                # CPU with 4 KiB, 0.04 s with 16; bench/README.md). It takes effect only before
                # the file's first page is written: an existing store keeps its page size.
                connection.exec_driver_sql(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        config = self._alembic_config()
        with self.connect() as connection:
            self._lock_for_init(connection)
            before = MigrationContext.configure(connection).get_current_revision()
            config.attributes["connection"] = connection
            try:
                command.upgrade(config, revision)
            except CommandError as exc:
                raise InputError(
                    N_("cannot upgrade to this revision: {error}"),
                    error=str(exc),
                    where="--revision",
                ) from None
            after = MigrationContext.configure(connection).get_current_revision()
        return before, after

    def check_ready(self) -> None:
        """Raise SchemaNotReady unless the schema is at head and the reference data loaded.

        An SQLite file that does not exist is not created by asking (a read command, `glokal
        serve`): connecting would leave an empty file behind.
        """
        database = self.url.database
        if (
            self.is_sqlite
            and database
            and database != ":memory:"
            and not database.startswith("file:")
            and not Path(database).exists()
        ):
            raise SchemaNotReady(
                N_("the database {url} does not exist yet"),
                url=self.display_url,
                where=self.setting,
                hint=N_("run `glokal init`"),
            )
        current, head = self.current_revision(), self.head_revision()
        if current is None:
            raise SchemaNotReady(
                N_("the database {url} has no Glokal schema yet"),
                url=self.display_url,
                where=self.setting,
                hint=N_("run `glokal init`"),
            )
        if current != head:
            raise SchemaNotReady(
                N_(
                    "the database {url} is at schema revision {current}, this version of "
                    "Glokal needs {head}"
                ),
                url=self.display_url,
                current=current,
                head=head,
                where=self.setting,
                hint=N_("run `glokal db upgrade`"),
            )
        with self.connect() as connection:
            goals = connection.scalar(select(func.count()).select_from(GoalRow))
        if not goals:
            raise SchemaNotReady(
                N_("the database {url} has no reference data yet"),
                url=self.display_url,
                where=self.setting,
                hint=N_("run `glokal init`"),
            )

    # -- reference data --------------------------------------------------------------------

    def init(
        self, framework: Framework | None = None, places: Places | None = None
    ) -> ReferenceCounts:
        """Create or upgrade the schema, then load the bundled reference data (idempotent)."""
        self.upgrade()
        with self.session() as session, session.begin():
            return load_reference(session, framework or load_framework(), places or load_places())


__all__ = ["DATABASE_SETTING", "Store"]
