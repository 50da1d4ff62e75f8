"""``Store``: the one object that owns the database (engine, sessions, schema, reference data)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from glokal.errors import DatabaseUnavailable, SchemaNotReady
from glokal.framework import Framework, load_framework
from glokal.places import Places, load_places
from glokal.store.reference import ReferenceCounts, load_reference

DATABASE_SETTING = "GLOKAL_DATABASE_URL"
POSTGRES_CONNECT_TIMEOUT_S = 5


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the web app read while a sync writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig).strip() if exc.orig is not None else str(exc)
    return text.splitlines()[0] if text else type(exc.orig).__name__


class Store:
    """Owns one database: connects, migrates, loads reference data and hands out sessions.

    The caller owns each transaction: ``with store.session() as s, s.begin(): ...``.
    """

    def __init__(self, url: URL) -> None:
        self.url = url
        self.is_sqlite = url.get_backend_name() == "sqlite"
        connect_args: dict[str, Any] = {}
        if self.is_sqlite:
            if url.database and url.database != ":memory:":
                Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        else:
            connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
        self.engine: Engine = create_engine(url, connect_args=connect_args)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return self.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    # -- connections -----------------------------------------------------------------------

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection in a transaction; connection failures become DatabaseUnavailable."""
        try:
            connection = self.engine.connect()
        except OperationalError as exc:
            raise DatabaseUnavailable(
                f"cannot connect to the database {self.display_url}: {_first_line(exc)}",
                where=DATABASE_SETTING,
            ) from None
        with connection, connection.begin():
            yield connection

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
        config = self._alembic_config()
        with self.connect() as connection:
            before = MigrationContext.configure(connection).get_current_revision()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            after = MigrationContext.configure(connection).get_current_revision()
        return before, after

    def check_ready(self) -> None:
        """Raise SchemaNotReady unless the schema is at this version's head."""
        current, head = self.current_revision(), self.head_revision()
        if current is None:
            raise SchemaNotReady(
                f"the database {self.display_url} has no Glokal schema yet; run `glokal init`",
                where=DATABASE_SETTING,
            )
        if current != head:
            raise SchemaNotReady(
                f"the database {self.display_url} is at schema revision {current}, this version "
                f"of Glokal needs {head}; run `glokal db upgrade`",
                where=DATABASE_SETTING,
            )

    def is_ready(self) -> bool:
        try:
            self.check_ready()
        except SchemaNotReady:
            return False
        return True

    # -- reference data --------------------------------------------------------------------

    def init(
        self, framework: Framework | None = None, places: Places | None = None
    ) -> ReferenceCounts:
        """Create or upgrade the schema, then load the bundled reference data (idempotent)."""
        self.upgrade()
        with self.session() as session, session.begin():
            return load_reference(session, framework or load_framework(), places or load_places())


__all__ = ["DATABASE_SETTING", "Store"]
