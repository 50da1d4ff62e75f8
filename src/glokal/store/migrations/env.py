"""Alembic environment: runs migrations on the connection Glokal hands in (Store.upgrade)."""

from alembic import context
from sqlalchemy import create_engine

from glokal.store.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # invoked by the alembic CLI: use the URL from the environment
        from glokal.settings import load_settings

        engine = create_engine(load_settings().database())
        with engine.begin() as conn:
            _migrate(conn)
        return
    _migrate(connection)


def _migrate(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
