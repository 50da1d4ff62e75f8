"""Comments on goal pages: CSRF (double-submit cookie), honeypot, rate limit, moderation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from glokal.store import Store
from glokal.store.models import AuditRow, CommentRow
from glokal.web.comments import RATE_LIMIT
from tests.web.editing import app_client, csrf_of, login, send, store, template_db, tokens

__all__ = ["app_client", "store", "template_db", "tokens"]  # fixtures

PAGE = "/1781/mal/17"


def comment(client: TestClient, **data: str) -> tuple[int, str]:
    response = send(client, PAGE, {"name": "Eva", "body": "Mer cykelvägar!", **data},
                    action=f"{PAGE}/kommentar")  # fmt: skip
    return response.status_code, response.headers.get("location", response.text)


def test_a_comment_shows_once_a_reviewer_approves_it(app_client: TestClient, store: Store) -> None:
    page = app_client.get(PAGE).text
    assert 'name="website"' in page and 'aria-hidden="true"' in page and "Om du vill skriva" in page
    status, location = comment(app_client, body="<b>Mer</b> cykelvägar!")
    assert (status, location) == (303, f"{PAGE}/tack")
    assert "Tack!" in app_client.get(location).text
    assert "cykelvägar" not in app_client.get(PAGE).text
    reviewer = TestClient(app_client.app, follow_redirects=False)
    login(reviewer, "granskare@glokal.se")
    queue = reviewer.get("/moderera")
    assert queue.status_code == 200 and "&lt;b&gt;Mer&lt;/b&gt; cykelvägar!" in queue.text
    with store.session() as s:
        comment_id = s.scalars(select(CommentRow.id)).one()
    editor = TestClient(app_client.app, follow_redirects=False)
    login(editor, "kristinehamn@glokal.se")
    assert editor.get("/moderera").status_code == 403
    assert send(editor, "/redigera", {"action": "approve"},
                action=f"/moderera/{comment_id}").status_code == 403  # fmt: skip
    done = send(reviewer, "/moderera", {"action": "approve"}, action=f"/moderera/{comment_id}")
    assert done.status_code == 303
    shown = app_client.get(PAGE).text
    assert "&lt;b&gt;Mer&lt;/b&gt; cykelvägar!" in shown and "<b>Mer</b>" not in shown
    with store.session() as s:
        entry = s.scalars(select(AuditRow).where(AuditRow.entity == "comment")).one()
    assert entry.before["status"] == "pending" and entry.after["status"] == "approved"
    assert entry.actor == "granskare@glokal.se"


def test_a_filled_honeypot_is_dropped_silently(app_client: TestClient, store: Store) -> None:
    status, location = comment(app_client, website="http://spam.example")
    assert (status, location) == (303, f"{PAGE}/tack")
    with store.session() as s:
        assert s.scalars(select(CommentRow)).all() == []


def test_comments_without_a_csrf_token_are_refused(app_client: TestClient, store: Store) -> None:
    response = app_client.post(f"{PAGE}/kommentar", data={"body": "Hej"})
    assert response.status_code == 403
    other = TestClient(app_client.app, follow_redirects=False)
    token = csrf_of(other.get(PAGE).text)
    fresh = TestClient(app_client.app, follow_redirects=False)  # another visitor's cookie
    fresh.get(PAGE)
    assert fresh.post(f"{PAGE}/kommentar", data={"body": "Hej", "csrf": token}).status_code == 403
    with store.session() as s:
        assert s.scalars(select(CommentRow)).all() == []


def test_the_rate_limit_holds_per_address(app_client: TestClient, store: Store) -> None:
    for _ in range(RATE_LIMIT):
        assert comment(app_client)[0] == 303
    status, text = comment(app_client)
    assert status == 429 and "Vänta tio minuter" in text
    with store.session() as s:
        assert len(s.scalars(select(CommentRow)).all()) == RATE_LIMIT


def test_an_empty_comment_is_refused(app_client: TestClient) -> None:
    status, text = comment(app_client, body="   ")
    assert status == 400 and "Skriv din kommentar" in text
