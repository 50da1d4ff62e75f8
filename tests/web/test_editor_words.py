"""The editor's and the comment form's messages in the page's language: Swedish on Swedish
pages, English under /en, over a real SQLite file with users of every role."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.editing import app_client, login, send, store, template_db, tokens

__all__ = ["app_client", "store", "template_db", "tokens"]  # fixtures

BAD_ACTIVITY = {"kind": "nope", "title": "", "start": "i våras", "partner_country": "Atlantis",
                "partner": "Kisumu County", "action": "publish"}  # fmt: skip


def errors_of(html: str) -> dict[str, str]:
    """The error summary's lines: field label → message."""
    summary = html[html.index('class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    lines = re.findall(r'<a href="#f-[^"]+">([^<]*)</a>', summary)
    return dict(line.split(": ", 1) for line in lines)


def test_activity_form_errors_are_swedish_on_the_swedish_form(app_client: TestClient) -> None:
    login(app_client, "kristinehamn@glokal.se")
    bad = send(app_client, "/redigera/1781/aktiviteter/ny", BAD_ACTIVITY)
    assert bad.status_code == 400
    errors = errors_of(bad.text.replace("&#39;", "'"))
    assert errors["Titel"] == "får inte vara tomt"
    assert errors["Typ"].startswith("'nope' är inte en sorts aktivitet; välj en av: project")
    assert errors["Startdatum"] == "'i våras' är inte ett datum som 2025-01-31"
    assert errors["Partnernas länder"].startswith("'Atlantis' är inte ett land")
    for english in ("must not be empty", "is not a kind of activity", "is not a date",
                    "is not a country"):  # fmt: skip
        assert english not in bad.text


def test_activity_form_errors_are_english_under_en(app_client: TestClient) -> None:
    login(app_client, "kristinehamn@glokal.se")
    bad = send(app_client, "/en/redigera/1781/aktiviteter/ny", BAD_ACTIVITY)
    assert bad.status_code == 400
    errors = errors_of(bad.text.replace("&#39;", "'"))
    assert errors["Title"] == "must not be empty"
    assert errors["Kind"].startswith("'nope' is not a kind of activity; use one of: project")
    assert errors["Start"] == "'i våras' is not a date like 2025-01-31"
    assert "får inte" not in bad.text and "sorts aktivitet" not in bad.text


def test_local_goal_errors_in_the_pages_language(app_client: TestClient) -> None:
    login(app_client, "kristinehamn@glokal.se")
    data = {"code": "K;5", "title": "", "targets": "5.z", "action": "draft"}
    swedish = send(app_client, "/redigera/1781/lokala-mal", data)
    assert swedish.status_code == 400
    errors = errors_of(swedish.text.replace("&#39;", "'"))
    assert errors["Titel"] == "får inte vara tomt"
    assert errors["Kod"] == "'K;5' är inte en kod: 1–32 tecken, inget ';'"
    assert errors["Globala delmål"] == "det finns inget delmål '5.z'"
    english = send(app_client, "/en/redigera/1781/lokala-mal", data)
    assert "'K;5' is not a code" in english.text.replace("&#39;", "'")


def test_the_status_list_names_each_status_once(app_client: TestClient) -> None:
    login(app_client, "kristinehamn@glokal.se")
    swedish = app_client.get("/redigera/1781/mal/5").text
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', swedish)
    assert options == [("god", "god"), ("neutral", "neutral"), ("utmaning", "utmaning"),
                       ("betydande utmaning", "betydande utmaning"),
                       ("ej bedömd", "ej bedömd")]  # fmt: skip
    english = app_client.get("/en/redigera/1781/mal/5").text
    labels = [label for _, label in re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)<', english)]
    assert labels == ["good", "neutral", "challenge", "significant challenge", "not assessed"]
    bad = send(app_client, "/redigera/1781/mal/5", {"status": "", "cutoff": "x",
                                                    "action": "draft"})  # fmt: skip
    assert errors_of(bad.text)["Status"] == "Välj en status."


def test_a_comment_on_a_unit_that_is_not_there(app_client: TestClient) -> None:
    swedish = send(app_client, "/1781/mal/17", {"body": "Hej"}, action="/9999/mal/13/kommentar")
    assert swedish.status_code == 404
    assert "det finns ingen enhet &#39;9999&#39;" in swedish.text
    assert "there is no unit" not in swedish.text
    english = send(app_client, "/en/1781/mal/17", {"body": "Hi"},
                   action="/en/9999/mal/13/kommentar")  # fmt: skip
    assert english.status_code == 404 and "there is no unit &#39;9999&#39;" in english.text


def test_comments_waiting_are_counted_in_the_singular_and_the_plural(
    app_client: TestClient,
) -> None:
    reviewer = TestClient(app_client.app, follow_redirects=False)
    login(reviewer, "granskare@glokal.se")
    for count, swedish, english in ((1, "1 kommentar väntar", "1 comment waits"),
                                    (2, "2 kommentarer väntar", "2 comments wait")):  # fmt: skip
        done = send(app_client, "/1781/mal/17", {"body": f"Kommentar {count}"},
                    action="/1781/mal/17/kommentar")  # fmt: skip
        assert done.status_code == 303
        assert f"{swedish} på granskning" in reviewer.get("/redigera").text
        assert f"{english} for moderation" in reviewer.get("/en/redigera").text
