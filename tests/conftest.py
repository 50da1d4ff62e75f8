"""Shared fixtures: real databases (SQLite files and fresh PostgreSQL databases) and paths."""

from __future__ import annotations

import faulthandler
import json
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from glokal.store import Store

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
KOLADA_DATA = SHARED / "data" / "kolada"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REQUIRE_POSTGRES = os.environ.get("GLOKAL_TEST_REQUIRE_POSTGRES") == "1"


# After the last test a process has this long to exit. pytest-timeout (pyproject.toml) ends a
# test that hangs; this covers what comes after, in each xdist worker and the main process: a
# thread that never ends would otherwise hold CI until its limit with nothing said.
EXIT_SECONDS = 120


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    faulthandler.dump_traceback_later(EXIT_SECONDS, exit=True, file=sys.__stderr__)


def clean_environ() -> dict[str, str]:
    """os.environ without the user's GLOKAL_* settings (test settings kept)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GLOKAL_") or k.startswith("GLOKAL_TEST_")
    }


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's GLOKAL_* variables; each sets what it needs."""
    for key in os.environ.keys() - clean_environ().keys():
        monkeypatch.delenv(key)


def kolada_file(name: str) -> dict[str, Any]:
    """A real Kolada metadata file from ../shared/data/kolada (never copied into the repo)."""
    path = KOLADA_DATA / name
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests read real Kolada data from ../shared")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _postgres_admin_url() -> URL:
    return make_url(os.environ.get("GLOKAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))


@pytest.fixture(scope="session")
def postgres_server() -> URL:
    """The PostgreSQL server's admin URL; skip (or fail in CI) when it does not answer."""
    url = _postgres_admin_url()
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        message = (
            f"PostgreSQL not reachable at {url.render_as_string(hide_password=True)}: {exc.orig}"
        )
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    finally:
        engine.dispose()
    return url


@contextmanager
def new_postgres_database(server: URL) -> Iterator[URL]:
    """A new, empty PostgreSQL database on ``server``, dropped when the block ends."""
    name = f"glokal_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_server: URL) -> Iterator[URL]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    with new_postgres_database(postgres_server) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> URL:
    return make_url(f"sqlite:///{tmp_path / 'glokal.sqlite3'}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> URL:
    """Each store test runs twice: on an SQLite file and on a PostgreSQL database."""
    if request.param == "sqlite":
        url: URL = request.getfixturevalue("sqlite_url")
    else:
        url = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(database_url: URL) -> Iterator[Store]:
    store = Store(database_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def initialised_store(store: Store) -> Store:
    store.init()
    return store
