"""The editor end to end in Chromium: logging in and out, editing an assessment and seeing it
on the public page, a citizen's comment moderated until it shows, role scoping, keyboard-only
use, axe-core at WCAG 2.1 AA on the editor's pages, and payloads through the editor's forms.

Same server, store and browser as tests/web/test_browser.py (tests/web/conftest.py), whose
checks (axe, Tab order, inert payloads) it reuses.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page

from tests.web.browser import (
    ADMIN,
    ATTRIBUTE,
    EDITOR,
    PASSWORD,
    REVIEWER,
    SCRIPT,
    Site,
    Tab,
    escaped,
)
from tests.web.test_browser import MARK_FOCUSABLE_JS, assert_inert, axe_violations, tab_through

pytestmark = pytest.mark.xdist_group("browser")


def log_in(tab: Tab, email: str, password: str = PASSWORD, lang: str = "") -> None:
    tab.open(f"{lang}/logga-in")
    page = tab.page
    page.locator("#f-email").fill(email)
    page.locator("#f-password").fill(password)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/redigera$"))


def log_out(tab: Tab) -> None:
    tab.open("/redigera")
    tab.page.get_by_role("button", name=re.compile("Logga ut|Log out")).click()
    tab.page.wait_for_url(re.compile(r".*/$"))


def fill_assessment(page: Page, status: str, text: str, assessor: str = "Hållbarhetsrådet",
                    method: str = "", justification: str = "") -> None:  # fmt: skip
    page.locator("#f-status").select_option(status)
    page.locator("#f-text").fill(text)
    page.locator("#f-assessor").fill(assessor)
    page.locator("#f-method_note").fill(method)
    page.locator("#f-cutoff").fill("2026-02-28")
    page.locator("#f-justification").fill(justification or "Vår egen bedömning.")


# -- flows ---------------------------------------------------------------------------------------


def test_an_editor_logs_in_drafts_and_publishes_an_assessment(site: Site, tab: Tab) -> None:
    page = tab.page
    log_in(tab, EDITOR)
    assert page.locator("h1").inner_text() == "Redigera"
    page.get_by_role("link", name="Kristinehamn").click()
    page.wait_for_url("**/redigera/1781")
    page.get_by_role("link", name=re.compile(r"^7\. ")).click()
    page.wait_for_url("**/redigera/1781/mal/7")

    fill_assessment(page, "god", "Utkast som ingen ska se än.")
    page.get_by_role("button", name="Spara som utkast").click()
    page.wait_for_url("**/redigera/1781*")
    assert "Sparat som utkast" in page.inner_text("main")
    public = httpx.get(f"{site.base}/1781/mal/7").text
    assert "Utkast som ingen ska se än." not in public

    page.goto(f"{site.base}/redigera/1781/mal/7")
    fill_assessment(page, "god", "Vindkraften byggs ut.\n\nSolceller på skolorna.")
    page.get_by_role("button", name="Publicera").click()
    page.wait_for_url("**/redigera/1781*")
    assert "Publicerat" in page.inner_text("main")

    page.goto(f"{site.base}/1781/mal/7")
    summary = page.locator("section[aria-labelledby=summary]").inner_text()
    assert "Vindkraften byggs ut." in summary and "Solceller på skolorna." in summary
    assert "Hållbarhetsrådet" in summary
    assert "bedömas vara god" in summary
    assert "(Glokals förslag)" not in summary  # decided, not suggested
    log_out(tab)
    assert tab.open("/redigera") == 200 and "/logga-in" in page.url


def test_a_wrong_password_is_refused_with_a_message(tab: Tab) -> None:
    tab.open("/logga-in")
    tab.page.locator("#f-email").fill(EDITOR)
    tab.page.locator("#f-password").fill("fel lösenord här")
    tab.page.locator("form.stack button[type=submit]").click()
    assert tab.page.get_by_role("alert").inner_text() == "Fel e-postadress eller lösenord."
    assert axe_violations(tab.page) == []


def test_a_comment_shows_once_a_reviewer_approves_it(site: Site, tab: Tab, browser: object) -> None:
    page = tab.page
    tab.open("/1781/mal/13")
    page.locator("#c-name").fill(f"Anna {ATTRIBUTE}")
    page.locator("#c-body").fill(f"Bra jobbat med cykelvägarna! {SCRIPT}")
    page.get_by_role("button", name="Skicka kommentar").click()
    page.wait_for_url("**/1781/mal/13/tack")
    assert "Tack" in page.locator("h1").inner_text()
    assert "cykelvägarna" not in httpx.get(f"{site.base}/1781/mal/13").text

    log_in(tab, REVIEWER)
    tab.open("/moderera")
    item = page.locator("article").filter(has_text="cykelvägarna")
    raw = page.request.get(f"{site.base}/moderera").text()  # the server's HTML, with cookies
    assert escaped(f"Anna {ATTRIBUTE}") in raw and escaped(SCRIPT) in raw
    assert ATTRIBUTE not in raw and SCRIPT not in raw
    assert_inert(tab, "/moderera")
    item.get_by_role("button", name="Godkänn").click()
    page.wait_for_url("**/moderera*")

    html = httpx.get(f"{site.base}/1781/mal/13").text
    assert escaped(f"Bra jobbat med cykelvägarna! {SCRIPT}") in html
    assert escaped(f"Anna {ATTRIBUTE}") in html
    assert_inert(tab, "/1781/mal/13")


def test_an_editor_of_one_unit_gets_403_on_another(site: Site, tab: Tab) -> None:
    page = tab.page
    log_in(tab, EDITOR)
    assert tab.open("/redigera/1781/mal/5") == 200
    csrf = page.locator("input[name=csrf]").first.input_value()
    assert tab.open("/redigera/0180") == 403
    assert tab.open("/redigera/0180/mal/5") == 403
    form = {"status": "god", "text": "Intrång", "assessor": "X", "method_note": "",
            "cutoff": "2026-01-01", "justification": "X", "action": "publish",
            "csrf": csrf}  # fmt: skip
    answer = page.request.post(f"{site.base}/redigera/0180/mal/5", form=form, max_redirects=0)
    assert answer.status == 403
    assert "Intrång" not in httpx.get(f"{site.base}/0180/mal/5").text
    assert tab.open("/moderera") == 403


# -- keyboard -------------------------------------------------------------------------------------


def test_the_editor_works_from_the_keyboard_alone(site: Site, tab: Tab) -> None:
    page = tab.page
    tab.open("/logga-in")
    focus = lambda: page.evaluate("document.activeElement.id")  # noqa: E731
    for _ in range(20):
        page.keyboard.press("Tab")
        if focus() == "f-email":
            break
    page.keyboard.type(EDITOR)
    page.keyboard.press("Tab")
    assert focus() == "f-password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/redigera$"))

    tab.open("/redigera/1781/mal/9")
    focusable = page.evaluate(MARK_FOCUSABLE_JS)
    seen = tab_through(page)
    assert seen[0]["skip"]
    assert [s["key"] for s in seen] == [str(i) for i in range(focusable)]
    assert [s for s in seen if not s["outline"]] == []

    # Fill in and publish the assessment with the keyboard alone.
    tab.open("/redigera/1781/mal/9")

    def tab_to(name: str) -> None:
        for _ in range(40):
            page.keyboard.press("Tab")
            if focus() == name:
                return
        pytest.fail(f"Tab never reached #{name}")

    tab_to("f-status")
    page.keyboard.type("god")  # type-ahead picks "god"
    tab_to("f-text")
    page.keyboard.type("Bredbandet når nästan alla hushåll.")
    tab_to("f-assessor")
    page.keyboard.type("Tangentbordsgruppen")
    tab_to("f-cutoff")
    # Chromium's date field follows its own interface language (en-US here, whatever the page's
    # locale): month, day, year, each segment moving on to the next when full.
    page.keyboard.type("02282026")
    assert page.locator("#f-cutoff").input_value() == "2026-02-28"
    tab_to("f-justification")
    page.keyboard.type("Utbyggnaden är klar.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past "Spara som utkast" to "Publicera"
    assert page.evaluate("document.activeElement.value") == "publish"
    assert page.locator("#f-status").input_value() == "god"
    assert page.locator("#f-cutoff").input_value() == "2026-02-28"
    page.keyboard.press("Enter")
    page.wait_for_url("**/redigera/1781*")
    assert "Publicerat" in page.inner_text("main")
    summary = httpx.get(f"{site.base}/1781/mal/9").text
    assert "Bredbandet når nästan alla hushåll." in summary and "Tangentbordsgruppen" in summary


# -- accessibility ------------------------------------------------------------------------------

EDITOR_PAGES = [
    "/redigera",
    "/redigera/1781",
    "/redigera/1781/mal/5",
    "/redigera/1781/aktiviteter/ny",
    "/redigera/1781/lokala-mal",
    "/konto/losenord",
    "/en/redigera/1781/mal/13",
]


def test_axe_on_the_login_page(tab: Tab) -> None:
    for path in ["/logga-in", "/en/logga-in"]:
        assert tab.open(path) == 200
        assert axe_violations(tab.page) == [], path


def open_logged_in(tab: Tab, email: str, path: str) -> None:
    log_in(tab, email)
    assert tab.open(path) == 200
    assert "/logga-in" not in tab.page.url


@pytest.mark.parametrize("path", EDITOR_PAGES)
def test_axe_on_the_editor_pages(tab: Tab, path: str) -> None:
    open_logged_in(tab, EDITOR, path)
    assert axe_violations(tab.page) == []


def test_axe_on_a_form_with_errors(tab: Tab) -> None:
    open_logged_in(tab, EDITOR, "/redigera/1781/mal/5")
    tab.page.locator("#f-text").fill("")
    # Past the browser's own check of required fields, to the server's error summary.
    tab.page.evaluate("document.querySelectorAll('[required]').forEach(e => e.required = false)")
    tab.page.get_by_role("button", name="Publicera").click()
    assert tab.page.locator(".error-summary").is_visible()
    assert axe_violations(tab.page) == []


def send_comment(tab: Tab, path: str, name: str, body: str) -> None:
    tab.open(path)
    tab.page.locator("#c-name").fill(name)
    tab.page.locator("#c-body").fill(body)
    tab.page.get_by_role("button", name="Skicka kommentar").click()
    tab.page.wait_for_url(f"**{path}/tack")


@pytest.mark.parametrize("path", ["/moderera", "/admin/logg", "/1781/mal/13/tack"])
def test_axe_on_the_moderation_and_admin_pages(tab: Tab, path: str) -> None:
    if path == "/moderera":  # with a comment waiting
        send_comment(tab, "/1781/mal/3", "Per", "Fler cykelställ vid stationen, tack.")
        assert "Fler cykelställ" not in httpx.get(f"{tab.base}/1781/mal/3").text  # not yet
    open_logged_in(tab, ADMIN, path)
    if path == "/moderera":
        assert tab.page.locator("article").count() >= 1
    assert axe_violations(tab.page) == []


# -- security -------------------------------------------------------------------------------------


def test_payloads_through_the_editor_come_back_escaped(site: Site, tab: Tab) -> None:
    page = tab.page
    open_logged_in(tab, EDITOR, "/redigera/1781/mal/11")
    fill_assessment(page, "neutral", f"Text {SCRIPT}\n\nMer {ATTRIBUTE}", f"Rådet {ATTRIBUTE}",
                    method=f"Metod {SCRIPT}", justification=f"Skäl {ATTRIBUTE}")  # fmt: skip
    page.get_by_role("button", name="Publicera").click()
    page.wait_for_url("**/redigera/1781*")
    html = httpx.get(f"{site.base}/1781/mal/11").text
    for shown in [f"Text {SCRIPT}", f"Mer {ATTRIBUTE}", f"Rådet {ATTRIBUTE}", f"Metod {SCRIPT}"]:
        assert escaped(shown) in html, shown
    assert SCRIPT not in html and ATTRIBUTE not in html
    assert_inert(tab, "/1781/mal/11")
    # The editor's form shows them back as text in its fields.
    raw = page.request.get(f"{site.base}/redigera/1781/mal/11").text()
    assert SCRIPT not in raw and ATTRIBUTE not in raw
    assert_inert(tab, "/redigera/1781/mal/11")
    assert page.locator("#f-assessor").input_value() == f"Rådet {ATTRIBUTE}"


def test_forms_without_a_csrf_token_are_refused(site: Site) -> None:
    with httpx.Client(base_url=site.base) as client:
        client.get("/logga-in")  # a CSRF cookie, but no token in the form
        for path, form in [
            ("/logga-in", {"email": EDITOR, "password": PASSWORD}),
            ("/1781/mal/13/kommentar", {"name": "A", "body": "Utan token"}),
            ("/logga-ut", {}),
        ]:
            assert client.post(path, data=form).status_code == 403, path
    assert "Utan token" not in httpx.get(f"{site.base}/1781/mal/13").text
