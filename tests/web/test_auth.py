"""Login, logout, password change and CSRF, through the pages over a real SQLite file."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from glokal.store import Store
from glokal.store.models import AuditRow, SessionRow
from glokal.web.auth import CSRF_COOKIE, SESSION_COOKIE
from tests.web.editing import (
    PASSWORD,
    app_client,
    csrf_of,
    login,
    send,
    store,
    template_db,
    tokens,
)

__all__ = ["app_client", "store", "template_db", "tokens"]  # fixtures


def test_login_sets_a_secure_session_cookie_and_goes_to_the_editor(
    app_client: TestClient, store: Store
) -> None:
    page = app_client.get("/logga-in")
    assert (
        page.status_code == 200 and 'name="email"' in page.text and 'name="password"' in page.text
    )
    assert "HttpOnly" in page.headers["set-cookie"] and CSRF_COOKIE in page.headers["set-cookie"]
    response = login(app_client, "Kristinehamn@glokal.se")
    assert response.status_code == 303 and response.headers["location"] == "/redigera"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Secure" not in cookie  # plain http here
    value = cookie.split(";")[0].split("=", 1)[1]
    with store.session() as s:
        assert value not in set(s.scalars(select(SessionRow.token_hash)))
    editor = app_client.get("/redigera")
    assert editor.status_code == 200 and "Kristinehamn" in editor.text
    assert "kristinehamn@glokal.se" in editor.text and "Stockholm</a>" not in editor.text
    assert 'href="/redigera"' in app_client.get("/").text  # the nav knows the user


def test_login_over_https_marks_the_cookie_secure(store: Store, app_client: TestClient) -> None:
    client = TestClient(app_client.app, base_url="https://testserver", follow_redirects=False)
    response = login(client, "admin@glokal.se")
    assert response.status_code == 303 and "Secure" in response.headers["set-cookie"]


def test_wrong_password_and_unknown_email_are_refused_alike(app_client: TestClient) -> None:
    wrong = login(app_client, "admin@glokal.se", "fel lösenord här")
    unknown = login(app_client, "nobody@glokal.se", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 400 and "Fel e-postadress eller lösenord" in response.text
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert app_client.get("/redigera").status_code == 303  # still not logged in


def test_editor_pages_send_visitors_to_the_login_and_back(app_client: TestClient) -> None:
    response = app_client.get("/redigera/1781/mal/5")
    assert response.status_code == 303
    assert response.headers["location"] == "/logga-in?next=/redigera/1781/mal/5"
    page = app_client.get(response.headers["location"])
    back = app_client.post("/logga-in", data={
        "email": "admin@glokal.se", "password": PASSWORD, "csrf": csrf_of(page.text),
        "next": "/redigera/1781/mal/5",
    })  # fmt: skip
    assert back.headers["location"] == "/redigera/1781/mal/5"
    page = app_client.get("/logga-in")  # logged in now: the form carries the login's token
    evil = app_client.post("/logga-in", data={
        "email": "admin@glokal.se", "password": PASSWORD, "csrf": csrf_of(page.text),
        "next": "//evil.example/",
    })  # fmt: skip
    assert evil.headers["location"] == "/redigera"


def test_english_login(app_client: TestClient) -> None:
    page = app_client.get("/en/logga-in")
    assert '<html lang="en">' in page.text and "Log in" in page.text
    response = app_client.post("/en/logga-in", data={
        "email": "admin@glokal.se", "password": PASSWORD, "csrf": csrf_of(page.text)})  # fmt: skip
    assert response.headers["location"] == "/en/redigera"


def test_logout_ends_the_session(app_client: TestClient, store: Store) -> None:
    login(app_client, "admin@glokal.se")
    response = send(app_client, "/redigera", {}, action="/logga-ut")
    assert response.status_code == 303
    with store.session() as s:
        assert s.scalars(select(SessionRow)).all() == []
    assert app_client.get("/redigera").status_code == 303


def test_forms_without_a_valid_csrf_token_are_refused(app_client: TestClient) -> None:
    app_client.get("/logga-in")
    for data in ({}, {"csrf": "forged-token-forged-token-forged-token"}):
        response = app_client.post(
            "/logga-in", data={"email": "admin@glokal.se", "password": PASSWORD, **data}
        )
        assert response.status_code == 403 and "säkerhetskod" in response.text
    login(app_client, "admin@glokal.se")
    assert app_client.post("/logga-ut").status_code == 403
    assert app_client.get("/redigera").status_code == 200  # still logged in
    response = app_client.post("/redigera/1781/mal/5", data={"status": "god", "action": "publish"})
    assert response.status_code == 403


def test_password_change(app_client: TestClient, store: Store) -> None:
    login(app_client, "granskare@glokal.se")
    other = TestClient(app_client.app, follow_redirects=False)
    login(other, "granskare@glokal.se")
    wrong = send(app_client, "/konto/losenord", {"current": "fel", "new": "ett nytt lösenord"})
    assert wrong.status_code == 400 and "Det nuvarande lösenordet är fel" in wrong.text
    short = send(app_client, "/konto/losenord", {"current": PASSWORD, "new": "kort"})
    assert short.status_code == 400
    done = send(app_client, "/konto/losenord", {"current": PASSWORD, "new": "ett nytt lösenord"})
    assert done.status_code == 200 and "Ditt lösenord är ändrat" in done.text
    assert other.get("/redigera").status_code == 303  # the other login has ended
    fresh = TestClient(app_client.app, follow_redirects=False)
    assert login(fresh, "granskare@glokal.se").status_code == 400
    assert login(fresh, "granskare@glokal.se", "ett nytt lösenord").status_code == 303
    with store.session() as s:
        actions = list(s.scalars(select(AuditRow.action)))
    assert "password_change" in actions and PASSWORD not in str(actions)
