"""The cache of rendered public pages: a page comes from memory while the data is unchanged,
a change shows on the next request, and nothing personal is shared between visitors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from glokal.framework import GoalStatus
from glokal.settings import Settings
from glokal.store import Store
from glokal.store.users import add_user
from glokal.web import create_app
from glokal.web.pagecache import PageCache
from tests.web.editing import PASSWORD, T0, csrf_of, login
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
    cache: PageCache = app.page_cache
    return cache


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
    client.get("/1781/mal/13")  # a page, kept, beside them
    paths = list(find_cache(client.app).entries)
    assert paths == ["/1781/mal/13"]
    assert not [p for p in paths if p.startswith("/api") or p.endswith((".csv", ".json"))]


# Visitors: each their own CSRF token, logins never from memory, and the kept answer whole.


def token_cookie(response: Any) -> str | None:
    cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    found = [c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("glokal_csrf=")]
    assert len(found) <= 1, cookies
    return found[0] if found else None


def test_each_visitor_gets_their_own_token_and_can_send_the_form(store: Store) -> None:
    app = create_app(Settings(database_url=str(store.url)), store)
    alice, bob = TestClient(app, follow_redirects=False), TestClient(app, follow_redirects=False)
    first = alice.get("/1781/mal/17")
    cache = find_cache(app)
    hits = cache.hits
    alice_token = token_cookie(first)
    assert alice_token is not None and csrf_of(first.text) == alice_token
    second = bob.get("/1781/mal/17")  # from memory, with Bob's own new token and cookie
    bob_token = token_cookie(second)
    assert cache.hits == hits + 1 and bob_token not in (None, alice_token)
    assert csrf_of(second.text) == bob_token and alice_token not in second.text
    assert second.headers["content-length"] == str(len(second.content))
    again = alice.get("/1781/mal/17")  # Alice keeps her cookie: no new one
    assert cache.hits == hits + 2 and token_cookie(again) is None
    assert csrf_of(again.text) == alice_token
    # The kept answer carries the security headers of a rendered one.
    for name in ("content-security-policy", "x-content-type-options", "x-frame-options"):
        assert again.headers[name] == first.headers[name]
    # The token of a page from memory is accepted with the visitor's cookie, refused without.
    posted = bob.post("/1781/mal/17/kommentar", data={"body": "Hej", "csrf": bob_token})
    assert posted.status_code == 303
    refused = alice.post("/1781/mal/17/kommentar", data={"body": "Hej", "csrf": bob_token})
    assert refused.status_code == 403
    # A cookie too short to be one of ours is replaced.
    short = TestClient(app, cookies={"glokal_csrf": "abc"}).get("/1781/mal/17")
    assert token_cookie(short) not in (None, "abc")


def test_logins_and_bearer_tokens_are_never_answered_from_memory(store: Store) -> None:
    app = create_app(Settings(database_url=str(store.url)), store)
    client = TestClient(app)
    client.get("/1781/mal/13")
    cache = find_cache(app)
    hits, kept = cache.hits, len(cache.entries)
    client.get("/1781/mal/13", headers={"cookie": "glokal_session=not-a-login"})
    client.get("/1781/mal/13", headers={"authorization": "Bearer x"})
    assert cache.hits == hits and len(cache.entries) == kept
    client.get("/1781/mal/13")
    assert cache.hits == hits + 1


def test_a_logged_in_editor_sees_their_own_page(store: Store, tmp_path: Any) -> None:
    with store.session() as session, session.begin():
        add_user(session, "eva@glokal.se", PASSWORD, "editor", ["1781"], now=T0)
    app = create_app(Settings(database_url=str(store.url)), store)
    anonymous = TestClient(app)
    anonymous.get("/1781/mal/13")
    anonymous.get("/1781/mal/13")
    cache = find_cache(app)
    hits = cache.hits
    editor = TestClient(app, follow_redirects=False)
    assert login(editor, "eva@glokal.se").status_code == 303
    page = editor.get("/1781/mal/13")
    assert 'href="/redigera"' in page.text and cache.hits == hits  # the editor's own menu
    assert 'href="/redigera"' not in anonymous.get("/1781/mal/13").text


def test_a_made_up_csrf_cookie_is_replaced_and_cannot_spoil_the_kept_page(store: Store) -> None:
    app = create_app(Settings(database_url=str(store.url)), store)
    poisons = ["A" * 31 + "&", 'x"><h1>injected</h1><input x="y', "<link rel=" + "a" * 33]
    for poison in poisons:
        spoiler = TestClient(app, cookies={"glokal_csrf": poison})
        answer = spoiler.get("/1781/mal/17")
        assert token_cookie(answer) not in (None, poison) and "<h1>injected" not in answer.text
    # The next visitor gets a page from memory that works for them.
    visitor = TestClient(app, follow_redirects=False)
    page = visitor.get("/1781/mal/17")
    token = token_cookie(page)
    assert token is not None and csrf_of(page.text) == token and "injected" not in page.text
    posted = visitor.post("/1781/mal/17/kommentar", data={"body": "Hej", "csrf": token})
    assert posted.status_code == 303


def test_pages_with_a_query_string_are_rendered_each_time(store: Store) -> None:
    app = create_app(Settings(database_url=str(store.url)), store)
    client = TestClient(app)
    for n in range(3):
        assert client.get(f"/1781?x={n}").status_code == 200
    assert not [key for key in find_cache(app).entries if "?" in key or "x=" in key]


def test_an_edit_in_place_by_another_process_shows_at_once(store: Store) -> None:
    """The CLI writes through its own Store: the same number of priority goals, other goals,
    and a local goal's new title must show on the next request (no count or id changes)."""
    from glokal.store.agenda import set_priority_goals
    from glokal.store.models import LocalGoalRow

    client = TestClient(create_app(Settings(database_url=str(store.url)), store))
    cli = Store(store.url)
    try:
        with cli.session() as session, session.begin():
            set_priority_goals(session, "1784", [5, 13, 16])
            session.add(LocalGoalRow(unit="1784", code="AR.1", title="Ett hållbart Arvika"))
        client.get("/1784")
        before = client.get("/1784").text
        assert "Ett hållbart Arvika" in before
        with cli.session() as session, session.begin():
            set_priority_goals(session, "1784", [1, 2, 3])
        after = client.get("/1784").text
        assert after != before
        with cli.session() as session, session.begin():
            session.query(LocalGoalRow).filter_by(unit="1784", code="AR.1").one().title = "Nytt"
        renamed = client.get("/1784").text
        assert "Ett hållbart Arvika" not in renamed and "Nytt" in renamed
    finally:
        cli.close()
