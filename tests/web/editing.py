"""Shared by the editor's tests: an app over a real SQLite file with users of every role, and
a browser-like client that logs in and sends forms with their CSRF token."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from glokal.settings import Settings
from glokal.store import Store
from glokal.store.users import add_api_token, add_user
from glokal.web import create_app

PASSWORD = "ett långt lösenord"
T0 = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)
USERS = {
    "admin@glokal.se": ("admin", []),
    "kristinehamn@glokal.se": ("editor", ["1781"]),
    "stockholm@glokal.se": ("editor", ["0180"]),
    "granskare@glokal.se": ("reviewer", []),
}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """An initialised SQLite file with the users and one API token each, made once."""
    path = tmp_path_factory.mktemp("editor") / "template.sqlite3"
    store = Store(make_url(f"sqlite:///{path}"))
    store.init()
    tokens = {}
    with store.session() as session, session.begin():
        for email, (role, units) in USERS.items():
            add_user(session, email, PASSWORD, role, units, now=T0)
            tokens[email] = add_api_token(session, email, "test", now=T0)
    store.close()
    return path, tokens


@pytest.fixture
def store(template_db: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "glokal.sqlite3"
    shutil.copy(template_db[0], path)
    store = Store(make_url(f"sqlite:///{path}"))
    yield store
    store.close()


@pytest.fixture
def tokens(template_db: tuple[Path, dict[str, str]]) -> dict[str, str]:
    return template_db[1]


@pytest.fixture
def app_client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=str(store.url))
    with TestClient(create_app(settings, store), follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found[1]


def login(client: TestClient, email: str, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/logga-in")
    return client.post(
        "/logga-in", data={"email": email, "password": password, "csrf": csrf_of(page.text)}
    )


def send(client: TestClient, page_path: str, data: dict[str, Any], action: str | None = None,
         **kwargs: Any) -> httpx.Response:  # fmt: skip
    """Open the page, take its form's CSRF token, and post ``data`` to ``action`` (the page)."""
    page = client.get(page_path)
    assert page.status_code == 200, page.text
    return client.post(action or page_path, data={**data, "csrf": csrf_of(page.text)}, **kwargs)
