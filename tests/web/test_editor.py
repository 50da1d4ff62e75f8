"""The editor's pages: role scoping, drafts invisible until published, the decision rule,
activities and local goals checked like the templates, escaping, and the audit log."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from glokal.store import Store
from glokal.store.models import ActivityRow, AuditRow, GoalAssessmentRow, LocalGoalRow
from tests.web.editing import app_client, login, send, store, template_db, tokens

__all__ = ["app_client", "store", "template_db", "tokens"]  # fixtures

SCRIPT = "<script>alert('x')</script>"
ASSESSMENT = {
    "status": "utmaning", "text": "Så ligger Kristinehamn till i korthet.",
    "assessor": "Hållbarhetsgruppen", "method_note": "Kolada och workshop",
    "cutoff": "2025-03-31", "justification": "",
}  # fmt: skip


def test_an_editor_sees_and_changes_only_its_units(app_client: TestClient) -> None:
    login(app_client, "stockholm@glokal.se")
    assert app_client.get("/redigera/0180").status_code == 200
    for path in ("/redigera/1781", "/redigera/1781/mal/5", "/redigera/1781/aktiviteter/ny",
                 "/redigera/1781/lokala-mal", "/moderera", "/admin/logg"):  # fmt: skip
        assert app_client.get(path).status_code == 403, path
    csrf = send(app_client, "/redigera/0180/mal/5", {**ASSESSMENT, "action": "draft"})
    assert csrf.status_code == 303
    own = app_client.get("/redigera/0180/mal/5").text
    token = own.split('name="csrf" value="')[1].split('"')[0]
    for path, data in (
        ("/redigera/1781/mal/5", {**ASSESSMENT, "action": "publish"}),
        ("/redigera/1781/aktiviteter/ny", {"kind": "project", "title": "X", "action": "publish"}),
        ("/redigera/1781/lokala-mal", {"code": "A", "title": "X", "action": "publish"}),
    ):
        response = app_client.post(path, data={**data, "csrf": token})
        assert response.status_code == 403 and "redaktör" in response.text, path


def test_a_draft_is_invisible_until_published(app_client: TestClient, store: Store) -> None:
    login(app_client, "kristinehamn@glokal.se")
    text = "Kristinehamn arbetar med jämställdhet."
    draft = send(app_client, "/redigera/1781/mal/5", {**ASSESSMENT, "text": text,
                                                      "action": "draft"})  # fmt: skip
    assert draft.status_code == 303 and draft.headers["location"] == "/redigera/1781?sparat=utkast"
    assert "utkast" in app_client.get(draft.headers["location"]).text
    assert text not in app_client.get("/1781/mal/5").text
    published = send(app_client, "/redigera/1781/mal/5", {**ASSESSMENT, "text": text,
                                                          "action": "publish"})  # fmt: skip
    assert published.status_code == 303
    page = app_client.get("/1781/mal/5").text
    assert text in page and "Hållbarhetsgruppen" in page
    with store.session() as s:
        rows = s.scalars(select(GoalAssessmentRow).order_by(GoalAssessmentRow.id)).all()
        assert [r.published_at is None for r in rows] == [True, False]
        entries = s.scalars(select(AuditRow).where(AuditRow.entity == "assessment")).all()
    assert [e.action for e in entries] == ["draft", "publish"]
    assert entries[0].before is None and entries[0].after["text"] == text
    assert (
        entries[1].before["published_at"] is None and entries[1].actor == "kristinehamn@glokal.se"
    )


def test_bad_assessments_are_shown_beside_their_fields(
    app_client: TestClient, store: Store
) -> None:
    login(app_client, "admin@glokal.se")
    response = send(app_client, "/redigera/1781/mal/5", {**ASSESSMENT, "text": " ", "status": "",
                                                         "cutoff": "2999-01-01",
                                                         "action": "publish"})  # fmt: skip
    assert response.status_code == 400 and 'aria-invalid="true"' in response.text
    assert "Välj en status" in response.text
    future = send(app_client, "/redigera/1781/mal/5", {**ASSESSMENT, "cutoff": "2999-01-01",
                                                       "action": "publish"})  # fmt: skip
    assert future.status_code == 400 and "framtiden" in future.text
    with store.session() as s:
        assert s.scalars(select(GoalAssessmentRow)).all() == []


def test_script_payloads_come_back_escaped(app_client: TestClient) -> None:
    login(app_client, "admin@glokal.se")
    send(app_client, "/redigera/1781/mal/5", {
        "status": "god", "text": SCRIPT, "assessor": SCRIPT, "method_note": SCRIPT,
        "cutoff": "2025-03-31", "justification": SCRIPT, "action": "publish"})  # fmt: skip
    send(app_client, "/redigera/1781/aktiviteter/ny", {
        "kind": "project", "title": SCRIPT, "description": SCRIPT, "goals": "5",
        "partner": SCRIPT, "action": "publish"})  # fmt: skip
    send(app_client, "/redigera/1781/lokala-mal", {
        "code": "K.1", "title": SCRIPT, "description": SCRIPT, "targets": "5.5",
        "action": "publish"})  # fmt: skip
    invalid = send(app_client, "/redigera/1781/aktiviteter/ny", {
        "kind": "project", "title": SCRIPT, "start": SCRIPT, "action": "publish"})  # fmt: skip
    for html in (app_client.get("/1781/mal/5").text, app_client.get("/1781").text,
                 app_client.get("/redigera/1781/mal/5").text, app_client.get("/admin/logg").text,
                 app_client.get("/redigera/1781/lokala-mal").text, invalid.text):  # fmt: skip
        assert SCRIPT not in html
    assert "&lt;script&gt;" in app_client.get("/1781/mal/5").text


def test_activities_are_checked_like_the_import_template(
    app_client: TestClient, store: Store
) -> None:
    login(app_client, "kristinehamn@glokal.se")
    bad = send(app_client, "/redigera/1781/aktiviteter/ny", {
        "kind": "project", "title": "", "goals": "18", "start": "2025-05-01",
        "end": "2024-01-01", "action": "publish"})  # fmt: skip
    assert bad.status_code == 400
    for field in ("f-title", "f-goals", "f-end"):
        assert f'id="{field}"' in bad.text and f'href="#{field}"' in bad.text
    with store.session() as s:
        assert s.scalars(select(ActivityRow)).all() == []
    draft = send(app_client, "/redigera/1781/aktiviteter/ny", {
        "kind": "partnership", "title": "Kristinehamn–Kisumu", "goals": "5;17",
        "partner": "Kisumu County", "partner_country": "KE", "action": "draft"})  # fmt: skip
    assert draft.status_code == 303
    assert "Kristinehamn–Kisumu" not in app_client.get("/1781/mal/5").text
    with store.session() as s:
        activity_id = s.scalars(select(ActivityRow.id)).one()
    path = f"/redigera/1781/aktiviteter/{activity_id}"
    form = app_client.get(path).text
    assert 'value="Kisumu County"' in form and 'value="5;17"' in form
    done = send(app_client, path, {"kind": "partnership", "title": "Kristinehamn–Kisumu",
                                   "goals": "5;17", "partner": "Kisumu County",
                                   "partner_country": "KE", "action": "publish"})  # fmt: skip
    assert done.status_code == 303
    assert "Kristinehamn–Kisumu" in app_client.get("/1781/mal/5").text
    with store.session() as s:
        entries = s.scalars(select(AuditRow).where(AuditRow.entity == "activity")).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].before["published"] == "no" and entries[1].after["published"] == ""
    assert app_client.get("/redigera/1781/aktiviteter/999").status_code == 404
    other = TestClient(app_client.app, follow_redirects=False)
    login(other, "stockholm@glokal.se")
    assert other.get(path).status_code == 403
    assert other.get(f"/redigera/0180/aktiviteter/{activity_id}").status_code == 403


def test_local_goals_draft_and_publish(app_client: TestClient) -> None:
    login(app_client, "kristinehamn@glokal.se")
    data = {"code": "K.5", "title": "Jämställd kommun", "targets": "5.5"}
    bad = send(app_client, "/redigera/1781/lokala-mal", {**data, "parent": "NOPE",
                                                          "action": "draft"})  # fmt: skip
    assert bad.status_code == 400 and "det finns inget lokalt mål" in bad.text
    assert (
        send(app_client, "/redigera/1781/lokala-mal", {**data, "action": "draft"}).status_code
        == 303
    )
    assert "Jämställd kommun" not in app_client.get("/1781/mal/5").text
    assert "Jämställd kommun" in app_client.get("/redigera/1781/lokala-mal?kod=K.5").text
    send(app_client, "/redigera/1781/lokala-mal", {**data, "action": "publish"})
    assert "Jämställd kommun" in app_client.get("/1781/mal/5").text


def test_a_local_goal_may_not_be_put_under_itself(app_client: TestClient, store: Store) -> None:
    login(app_client, "kristinehamn@glokal.se")
    path = "/redigera/1781/lokala-mal"
    top = {"code": "L.1", "title": "Övergripande", "action": "publish"}
    assert send(app_client, path, top).status_code == 303
    assert send(app_client, path, {"code": "L.1.1", "title": "Under", "parent": "L.1",
                                   "action": "publish"}).status_code == 303  # fmt: skip
    bad = send(app_client, path, {**top, "parent": "L.1.1"})
    assert bad.status_code == 400
    assert "L.1.1 ligger under L.1: ett mål kan inte ligga under sig självt" in bad.text
    assert "(L.1 → L.1.1 → L.1)" in bad.text
    page = app_client.get(path).text
    assert "Övergripande" in page and "Under" in page
    with store.session() as s:
        rows = s.execute(select(LocalGoalRow.code, LocalGoalRow.parent_id)).all()
    assert [code for code, parent in rows if parent is None] == ["L.1"]


def test_the_audit_log_is_for_admins(app_client: TestClient) -> None:
    login(app_client, "kristinehamn@glokal.se")
    send(app_client, "/redigera/1781/mal/5", {**ASSESSMENT, "action": "publish"})
    assert app_client.get("/admin/logg").status_code == 403
    admin = TestClient(app_client.app, follow_redirects=False)
    login(admin, "admin@glokal.se")
    page = admin.get("/admin/logg")
    assert page.status_code == 200 and "kristinehamn@glokal.se" in page.text
    assert "assessment 1781/5" in page.text and "Så ligger Kristinehamn" in page.text
    assert admin.get("/admin/logg?enhet=0180").text.count("<tr>") == 1  # the header row only
    assert "Stockholm" in admin.get("/redigera").text  # admins edit every unit
    assert date.today().isoformat()[:4] in page.text
