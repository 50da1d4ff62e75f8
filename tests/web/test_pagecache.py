"""The cache of rendered public pages: a page comes from memory while the data is unchanged,
a change shows on the next request, and nothing personal is shared between visitors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from starlette.types import Receive, Scope, Send

from glokal.framework import GoalStatus
from glokal.settings import Settings
from glokal.store import Store
from glokal.web import create_app
from glokal.web.pagecache import PageCache
from tests.web.opendata import decide


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store(make_url(f"sqlite:///{tmp_path_factory.mktemp('cache') / 'g.sqlite3'}"))
    store.init()
    try:
        yield store
    finally:
        store.close()


def find_cache(app: Any) -> PageCache:
    layer = app.middleware_stack
    while not isinstance(layer, PageCache):
        layer = layer.app
    return layer


def test_a_page_comes_from_memory_until_the_data_changes(store: Store) -> None:
    client = TestClient(create_app(Settings(database_url=str(store.url)), store))
    first = client.get("/1781/mal/13")
    cache = find_cache(client.app)
    hits = cache.hits
    again = client.get("/1781/mal/13")
    assert again.status_code == 200 and cache.hits == hits + 1
    assert again.headers["content-length"] == str(len(again.content))
    assert "Kristinehamn" in again.text and len(again.text) > 1000
    assert first.headers["content-type"] == again.headers["content-type"]
    decide(store, "1781", 13, GoalStatus.GOD, published=True)
    changed = client.get("/1781/mal/13")
    assert "Bedömning av mål 13." in changed.text and cache.hits == hits + 1
    assert "Bedömning av mål 13." not in first.text
    decide(store, "1781", 13, GoalStatus.UTMANING, published=False)  # a draft changes the data
    assert client.get("/1781/mal/13").status_code == 200  # … and is rendered anew, not shown
    english = client.get("/en/1781/mal/13")
    assert '<html lang="en">' in english.text  # its own entry


def test_api_json_and_downloads_are_not_kept(store: Store) -> None:
    client = TestClient(create_app(Settings(database_url=str(store.url)), store))
    client.get("/api/v1/goals")
    client.get("/mal/13.csv")
    client.get("/1781/mal/13.json")
    paths = [path for _lang, path, _query in find_cache(client.app).entries]
    assert not [p for p in paths if p.startswith("/api") or p.endswith((".csv", ".json"))]


# The middleware alone, around a page that shows the visitor's token and user.


async def page(scope: Scope, receive: Receive, send: Send) -> None:
    state = scope.get("state", {})
    body = f"<p>user={state.get('user')} token={state.get('csrf')}</p>".encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def as_visitor(cache: PageCache, user: str | None, token: str) -> ASGIState:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        scope["state"] = {"user": user, "csrf": token}
        await cache(scope, receive, send)

    return ASGIState(app)


class ASGIState:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def test_each_visitor_gets_their_own_token_and_users_are_not_cached(store: Store) -> None:
    cache = PageCache(page, store)
    alice, bob = "a" * 40, "b" * 40
    first = TestClient(as_visitor(cache, None, alice)).get("/1781/mal/13")
    assert first.text == f"<p>user=None token={alice}</p>"
    second = TestClient(as_visitor(cache, None, bob)).get("/1781/mal/13")
    assert second.text == f"<p>user=None token={bob}</p>" and cache.hits == 1
    assert second.headers["content-length"] == str(len(second.content))
    logged_in = TestClient(as_visitor(cache, "editor@example.se", "c" * 40))
    assert "user=editor@example.se" in logged_in.get("/1781/mal/13").text
    assert cache.hits == 1 and len(cache.entries) == 1
    assert "user=None" in TestClient(as_visitor(cache, None, bob)).get("/1781/mal/13").text


def test_without_auth_a_request_with_a_cookie_is_left_alone(store: Store) -> None:
    cache = PageCache(page, store)
    client = TestClient(cache)
    client.get("/1781/mal/13", headers={"cookie": "glokal_session=x"})
    assert cache.entries == {}
    client.get("/1781/mal/13")
    client.get("/1781/mal/13")
    assert cache.hits == 1
