"""End to end in a real headless Chromium (Debian's, driven by Playwright): navigating the public
pages, axe-core at WCAG 2.1 AA on every page type, keyboard-only use, and script payloads in
every text field a user can set coming back escaped.

One real `glokal serve` over a store filled through the CLI (tests/web/browser.py, fixtures in
tests/web/conftest.py); the browser tests run in one xdist worker (the `browser` group), so the
store is seeded once.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.web.browser import (
    ATTRIBUTE,
    PAYLOADS,
    SCRIPT,
    WCAG_TAGS,
    Site,
    Tab,
    escaped,
)

pytestmark = pytest.mark.xdist_group("browser")


# -- navigation ---------------------------------------------------------------------------------


def test_a_citizen_finds_a_municipality_and_reads_a_goal_page(tab: Tab) -> None:
    page = tab.page
    assert tab.open("/") == 200
    page.get_by_label("Hitta en kommun eller region").fill("Kristinehamn")
    page.get_by_role("button", name="Sök", exact=True).click()
    page.wait_for_url("**/1781")
    assert page.locator("h1").inner_text() == "Kristinehamn och Agenda 2030"
    assert page.locator(".tile").count() == 17
    tile = page.locator(".tile").filter(has_text="Bekämpa klimatförändringen")
    assert "utmaning" in tile.inner_text()
    assert "Prioriterat mål" in tile.inner_text()

    tile.get_by_role("link").click()
    page.wait_for_url("**/1781/mal/13")
    assert "Så ligger Kristinehamn till i korthet" in page.content()
    assert "Utsläppen minskar, men inte tillräckligt snabbt." in page.inner_text("main")
    sentence = page.locator("#summary ~ p strong").first.inner_text()
    assert sentence.startswith("Sammantaget kan Kristinehamns status")
    assert "bedömas vara utmaning" in sentence
    figures = page.get_by_role("table", name="Nyckeltal för mål 13, Kristinehamn")
    assert figures.locator("tbody tr").count() >= 2
    charts = page.locator("figure .chart svg")
    assert charts.count() >= 2
    # Each chart's data is there as a table too, behind a disclosure that opens.
    first = page.locator("figure details").first
    first.locator("summary").click()
    assert first.get_by_role("table").locator("tbody tr").count() >= 5
    assert "Fossilfri kommun 2030" in page.inner_text("#local ~ ul")

    page.get_by_role("link", name="Jämför Kristinehamn").click()
    page.wait_for_url("**/1781/jamfor")
    assert page.get_by_role("table", name="Status per mål").is_visible()

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/1781/jamfor")
    assert page.locator("html").get_attribute("lang") == "en"
    assert tab.dialogs == [] and tab.errors == []


def test_goal_across_units_filters_and_the_activity_search(tab: Tab) -> None:
    page = tab.page
    tab.open("/mal/5")
    rows = page.locator("table tbody tr")
    everyone = rows.count()
    page.get_by_label("Typ").select_option("L")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**/mal/5?*type=L*")
    assert 0 < rows.count() < everyone and rows.count() == 21

    tab.open("/aktiviteter")
    page.get_by_label("Mål").select_option("5")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_url("**/aktiviteter?*goal=5*")
    titles = page.locator("tbody th").all_inner_texts()
    assert "Actions for Gender Equality" in titles
    assert "Match2Job" not in titles


def test_the_error_page_is_a_page(tab: Tab) -> None:
    assert tab.open("/9999") == 404
    assert tab.page.locator("h1").inner_text() == "Sidan finns inte"
    assert tab.page.get_by_role("link", name="Till översikten").is_visible()


# -- accessibility --------------------------------------------------------------------------------

AXE = Axe()

# Every page type, in Swedish and English; the axe run opens every <details> first so that
# the charts' data tables and the targets are checked too. The overview (its 290 rows) in
# Swedish only, one goal across all units filtered (a row is a row): axe's contrast check
# costs seconds a thousand cells.
AXE_PAGES = [
    "/",
    "/1781",
    "/1781/mal/13",
    "/1781/mal/5",
    "/1781/mal/14",
    "/1781/jamfor",
    "/mal/13?type=L",
    "/aktiviteter",
    "/aktiviteter?goal=5",
    "/9999",
    "/aktiviteter?country=Atlantis",
    "/en/1781",
    "/en/1781/mal/13",
    "/en/1781/jamfor?med=0180,1780",
    "/en/mal/5?type=K&kommungrupp=C9",
    "/en/aktiviteter?kind=partnership",
    "/en/9999",
]


def axe_violations(page: Page) -> list[str]:
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = AXE.run(page, options=options)
    found = []
    for violation in results.response["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
        found.append(f"{violation['id']} ({violation['help']}): {targets}")
    return found


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_wcag_21_aa_violation(tab: Tab, path: str) -> None:
    tab.open(path)
    assert axe_violations(tab.page) == []


@pytest.mark.parametrize("path", ["/1781/mal/13", "/en/1781", "/aktiviteter"])
def test_axe_on_a_phone_sized_screen(tab: Tab, path: str) -> None:
    tab.page.set_viewport_size({"width": 360, "height": 740})
    tab.open(path)
    assert axe_violations(tab.page) == []


FOCUS_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    key: el.dataset.focusKey ?? null,
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
             && style.outlineColor !== 'rgba(0, 0, 0, 0)',
    inView: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.top < innerHeight && box.left < innerWidth,
    skip: el.classList.contains('skip'),
  };
}
"""

MARK_FOCUSABLE_JS = """
() => {
  const all = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]');
  const shown = [...all].filter(el => el.tabIndex >= 0 && !el.disabled
    && el.checkVisibility({visibilityProperty: true}));
  shown.forEach((el, i) => { el.dataset.focusKey = String(i); });
  return shown.length;
}
"""


def tab_through(page: Page, limit: int = 400) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until focus leaves the page; what got focus."""
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_JS)
        if focused is None or (seen and focused["key"] == seen[0]["key"]):
            break
        if seen and focused["key"] == seen[-1]["key"]:
            continue  # a date field's year, month and day are Tab stops of one control
        seen.append(focused)
    return seen


@pytest.mark.parametrize(
    "path", ["/1781/mal/13", "/1781/mal/5", "/en/aktiviteter", "/mal/5?type=L"]
)
def test_keyboard_reaches_every_link_and_control_with_a_visible_focus(tab: Tab, path: str) -> None:
    page = tab.page
    tab.open(path)
    focusable = page.evaluate(MARK_FOCUSABLE_JS)
    seen = tab_through(page)
    assert seen, "Tab focuses nothing"
    assert seen[0]["skip"] and seen[0]["inView"], f"first Tab stop is {seen[0]}, not the skip link"
    assert [s["key"] for s in seen] == [str(i) for i in range(focusable)]
    assert [s for s in seen if not s["outline"]] == [], "focus not visible on these"
    assert [s for s in seen if not s["inView"]] == [], "focused but out of sight"


def test_the_skip_link_moves_keyboard_focus_to_the_content(tab: Tab) -> None:
    page = tab.page
    tab.open("/1781/mal/13")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.closest('main') !== null, document.activeElement.innerText]"
    )
    assert focused == [True, "Översikt"]


def test_the_activity_search_works_from_the_keyboard_alone(tab: Tab) -> None:
    page = tab.page
    tab.open("/aktiviteter")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "a-text":
            break
    else:
        pytest.fail("Tab never reached the search field")
    page.keyboard.type("Machakos")
    page.keyboard.press("Enter")
    page.wait_for_url("**/aktiviteter?*text=Machakos*")
    titles = page.locator("tbody th").all_inner_texts()
    assert sorted(titles) == ["Actions for Gender Equality", "Climate action"]


# -- security: script payloads come back escaped ------------------------------------------------

# Pages showing what the store holds with payloads in it, and which payloads each must show.
STORED_PAYLOAD_PAGES = [
    "/",
    "/1781",
    "/1781/mal/5",
    "/1781/mal/13",
    "/en/1781/mal/5",
    "/1781/jamfor",
    "/mal/5",
    "/aktiviteter",
    "/aktiviteter?goal=5",
    "/aktiviteter?text=Partner",
    "/en/aktiviteter?unit=1781",
]


def _q(text: str) -> str:
    return quote(text, safe="")


# Pages echoing a payload sent in the address: search fields, filters, paths.
# Pages echoing a payload sent in the address: search fields, filters, paths. Both payloads in
# one value where the field takes that many characters (the goal filters take 40).
BOTH = ATTRIBUTE + SCRIPT
ECHO_PAGES = [
    f"/?q={_q(BOTH)}",
    f"/en/?q={_q(BOTH)}",
    *(
        f"/aktiviteter?{field}={_q(BOTH)}"
        for field in ("text", "country", "unit", "goal", "kind", "funding")
    ),
    *(
        f"/mal/5?{field}={_q(p)}"
        for field in ("kommungrupp", "county", "status", "type", "sort")
        for p in PAYLOADS
    ),
    f"/1781/jamfor?med={_q(BOTH)}",
    f"/{_q(BOTH)}",
    f"/1781/mal/{_q(BOTH)}",
    f"/en/{_q(BOTH)}/jamfor",
]


def assert_inert(tab: Tab, path: str) -> None:
    """The page ran no script of a payload: no dialog, no script or injected element."""
    tab.open(path)
    injected = tab.page.evaluate(
        "() => [document.scripts.length, document.querySelectorAll('[onerror]').length,"
        " document.querySelectorAll('img[src=\"x\"]').length]"
    )
    assert injected == [0, 0, 0], f"{path}: scripts, onerror attributes, injected images"
    assert tab.dialogs == [], f"{path} opened a dialog"
    assert tab.errors == []
    assert not [u for u in tab.requests if urlsplit(u).path.endswith("/x")], "an <img> loaded"


@pytest.mark.parametrize("path", STORED_PAYLOAD_PAGES)
def test_stored_payloads_come_back_escaped(site: Site, tab: Tab, path: str) -> None:
    html = httpx.get(site.base + path).text
    for payload in PAYLOADS:
        assert payload not in html
    assert_inert(tab, path)


def test_every_stored_field_is_shown_escaped_on_the_goal_page(site: Site) -> None:
    html = httpx.get(f"{site.base}/1781/mal/5").text
    for shown in [
        f"Vänort {SCRIPT}",  # activity title
        f"Beskrivning {ATTRIBUTE}",  # description
        f"Partner {SCRIPT}",  # partner
        f"Förening {ATTRIBUTE}",
        f"Jämställd kommun {SCRIPT} {ATTRIBUTE}",  # local goal title
        f"Så ligger vi till {SCRIPT}.",  # narrative
        f"Andra stycket {ATTRIBUTE}",
        f"Gruppen {ATTRIBUTE}",  # assessor
        f"Metod {SCRIPT}",  # method note
    ]:
        assert escaped(shown) in html, shown


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/1781", [f"Vänort {SCRIPT}", f"Projekt {ATTRIBUTE}", f"Jämställd kommun {SCRIPT}"]),
        ("/", [f"Vänort {SCRIPT}", f"Projekt {ATTRIBUTE}"]),
        (
            "/aktiviteter?unit=1781",
            [f"Vänort {SCRIPT}", f"Partner {SCRIPT}", f"Förening {ATTRIBUTE}"],
        ),
    ],
)
def test_stored_fields_on_the_other_pages(site: Site, path: str, shown: list[str]) -> None:
    html = httpx.get(site.base + path).text
    for text in shown:
        assert escaped(text) in html, text


@pytest.mark.parametrize("path", ECHO_PAGES)
def test_payloads_in_the_address_come_back_escaped(site: Site, tab: Tab, path: str) -> None:
    response = httpx.get(site.base + path)
    assert response.status_code < 500
    assert response.headers["content-type"].startswith("text/html")
    for payload in PAYLOADS:
        assert payload not in response.text
    assert_inert(tab, path)


@pytest.mark.parametrize("field", ["q", "text"])
def test_a_searched_payload_is_shown_back_as_text(tab: Tab, field: str) -> None:
    path = "/" if field == "q" else "/aktiviteter"
    tab.open(f"{path}?{field}={_q(ATTRIBUTE)}")
    box = tab.page.locator(f"input[name={field}]")
    assert box.input_value() == ATTRIBUTE


def test_json_twins_carry_payloads_as_json_not_html(site: Site) -> None:
    for path in ["/1781/mal/5.json", "/1781.json", "/aktiviteter.json?unit=1781"]:
        response = httpx.get(site.base + path)
        assert response.headers["content-type"] == "application/json"
        assert SCRIPT in response.text or "\\u003c" in response.text
