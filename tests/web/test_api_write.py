"""The JSON API's writes: bearer tokens scoped like editors, the same checks and audit."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from glokal.store import Store
from glokal.store.models import AuditRow
from tests.web.editing import app_client, store, template_db, tokens

__all__ = ["app_client", "store", "template_db", "tokens"]  # fixtures

BODY = {
    "status": "god", "text": "Så ligger Kristinehamn till i korthet.",
    "assessor": "Hållbarhetsgruppen", "method_note": "", "cutoff": "2025-03-31",
    "justification": None, "publish": True,
}  # fmt: skip
URL = "/api/v1/units/1781/goals/17/assessment"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_put_assessment_needs_a_token_of_the_unit(
    app_client: TestClient, tokens: dict[str, str], store: Store
) -> None:
    assert app_client.put(URL, json=BODY).status_code == 401
    assert app_client.put(URL, json=BODY, headers=auth("nonsense")).status_code == 401
    other = app_client.put(URL, json=BODY, headers=auth(tokens["stockholm@glokal.se"]))
    assert other.status_code == 403
    reviewer = app_client.put(URL, json=BODY, headers=auth(tokens["granskare@glokal.se"]))
    assert reviewer.status_code == 403
    done = app_client.put(URL, json=BODY, headers=auth(tokens["kristinehamn@glokal.se"]))
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "god" and done.json()["published_at"] is not None
    assert "Så ligger Kristinehamn till i korthet." in app_client.get("/1781/mal/17").text
    with store.session() as s:
        entry = s.scalars(select(AuditRow).where(AuditRow.entity == "assessment")).one()
    assert entry.actor == "kristinehamn@glokal.se" and entry.after["status"] == "god"


def test_put_assessment_checks_the_body(app_client: TestClient, tokens: dict[str, str]) -> None:
    headers = auth(tokens["admin@glokal.se"])
    assert app_client.put(URL, json={**BODY, "status": "bra"}, headers=headers).status_code == 422
    future = app_client.put(URL, json={**BODY, "cutoff": "2999-01-01"}, headers=headers)
    assert future.status_code == 400 and future.json()["where"] == "cutoff"
    assert app_client.put("/api/v1/units/9999/goals/17/assessment", json=BODY,
                          headers=headers).status_code == 404  # fmt: skip
    draft = app_client.put(URL, json={**BODY, "publish": False, "text": "Utkasttext"},
                           headers=headers)  # fmt: skip
    assert draft.status_code == 200 and draft.json()["published_at"] is None
    assert "Utkasttext" not in app_client.get("/1781/mal/17").text


def test_post_activity(app_client: TestClient, tokens: dict[str, str]) -> None:
    body = {"kind": "partnership", "title": "<script>x</script> Kisumu", "goals": [5, 17],
            "partners": [{"name": "Kisumu County", "country": "KE"}]}  # fmt: skip
    url = "/api/v1/units/1781/activities"
    assert app_client.post(url, json=body).status_code == 401
    stockholm = auth(tokens["stockholm@glokal.se"])
    assert app_client.post(url, json=body, headers=stockholm).status_code == 403
    created = app_client.post(url, json=body, headers=auth(tokens["kristinehamn@glokal.se"]))
    assert created.status_code == 201, created.text
    assert created.json()["goals"] == [5, 17] and created.json()["published"] is True
    # What GET says of an activity can be sent back: partners as GET writes them.
    read = app_client.get(f"/api/v1/activities/{created.json()['id']}",
                          headers=auth(tokens["kristinehamn@glokal.se"]))  # fmt: skip
    partners = read.json()["partners"]
    assert partners[0]["organisation"] == "Kisumu County"
    again = app_client.put(f"{url}/{created.json()['id']}", json={**body, "partners": partners},
                           headers=auth(tokens["kristinehamn@glokal.se"]))  # fmt: skip
    assert again.status_code == 200, again.text
    stored = app_client.get(f"/api/v1/activities/{created.json()['id']}").json()
    assert stored["partners"] == partners
    page = app_client.get("/1781/mal/17").text
    assert "&lt;script&gt;x&lt;/script&gt; Kisumu" in page and "<script>x" not in page
    bad = app_client.post(url, json={**body, "goals": [18]},
                          headers=auth(tokens["kristinehamn@glokal.se"]))  # fmt: skip
    assert bad.status_code == 400 and bad.json()["where"] == "goals"
    changed = app_client.put(f"{url}/{created.json()['id']}", json={**body, "publish": False},
                             headers=auth(tokens["kristinehamn@glokal.se"]))  # fmt: skip
    assert changed.status_code == 200 and changed.json()["published"] is False


def test_the_writes_are_in_the_openapi_spec(app_client: TestClient) -> None:
    spec = app_client.get("/api/v1/openapi.json").json()
    assert "put" in spec["paths"]["/api/v1/units/{unit}/goals/{goal}/assessment"]
    assert "post" in spec["paths"]["/api/v1/units/{unit}/activities"]
