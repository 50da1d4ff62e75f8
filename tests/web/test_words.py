"""The public pages' words, over a real SQLite store with synced Kolada values, the analysis,
activities and decisions: English pages say everything in English, Swedish ones read as
Swedish (plurals, a goal not assessed, punctuation), the comparison shows the whole
kommungrupp, and the error page speaks the page's language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from glokal.i18n import translations
from glokal.settings import Settings
from glokal.store import Store
from glokal.store.agenda import set_priority_goals
from glokal.web import create_app
from tests.web.opendata import build_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = build_store(tmp_path_factory.mktemp("words"))
    with store.session() as session, session.begin():
        set_priority_goals(session, "1781", [5, 13])
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    return TestClient(create_app(Settings(database_url=str(store.url)), store))


class _Text(HTMLParser):
    """The text nodes of a page's <main>, without scripts, styles and charts."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self.inside = 0
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.inside += 1
        if tag in ("script", "style", "svg"):
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.inside -= 1
        if tag in ("script", "style", "svg"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if self.inside and not self.hidden:
            self.nodes.append(data)


def _nodes(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


def text(html: str) -> str:
    """The page's text as a browser shows it: the text nodes run together, spaces collapsed."""
    return " ".join("".join(_nodes(html)).split())


def read_by_element(html: str) -> str:
    """The text as a reader that takes each element on its own gives it (a space at every
    tag): "Kristinehamn</a>: status" would read "Kristinehamn : status"."""
    return " ".join(" ".join(_nodes(html)).split())


def page(client: TestClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.text[:300]
    return response.text


def test_the_comparison_shows_the_whole_kommungrupp_and_says_so(client: TestClient) -> None:
    group = client.get("/api/v1/units", params={"kommungrupp": "B5", "limit": 1000}).json()
    peers = group["total"] - 1
    assert peers > 11  # more than the 11 the page used to show without a word
    twin = client.get("/1781/jamfor.json").json()
    assert twin["basis"] == "kommungrupp" and twin["peers"] == peers
    assert len(twin["columns"]) == 1 + peers
    assert {c["unit"]["id"] for c in twin["columns"]} == {u["id"] for u in group["items"]}
    html = page(client, "/1781/jamfor")
    assert f"Kristinehamn och de {peers} andra kommunerna i kommungruppen B5" in text(html)
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert head.count('<th scope="col">') == 1 + 1 + peers  # the goal column, then the units
    english = text(page(client, "/en/1781/jamfor"))
    assert f"Kristinehamn and the {peers} other municipalities of kommungrupp B5" in english
    figures = client.get("/1781/jamfor.csv").text.splitlines()[0].split(",")
    assert len([c for c in figures if c.endswith("_value")]) == 1 + peers
    # A region belongs to no kommungrupp: the page says how to choose units instead.
    assert "hör inte till någon kommungrupp" in text(page(client, "/0017/jamfor"))


def test_goal_across_units_in_english_has_english_statuses(client: TestClient) -> None:
    english = page(client, "/en/mal/3")
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', english)
    statuses = dict(o for o in options if o[0] in ("god", "utmaning", "betydande utmaning"))
    assert statuses == {
        "god": "good", "utmaning": "challenge", "betydande utmaning": "significant challenge"
    }  # fmt: skip
    shown = text(english)
    assert re.search(r"good: \d+ · neutral: \d+ · challenge: \d+", shown), shown[:2000]
    assert "betydande utmaning" not in shown and "utmaning:" not in shown
    swedish = text(page(client, "/mal/3"))
    assert re.search(r"god: \d+ · neutral: \d+ · utmaning: \d+ · betydande utmaning: \d+", swedish)


def test_recent_updates_name_the_status_in_the_pages_language(client: TestClient) -> None:
    assert "Kristinehamn – status of goal 13: challenge" in text(page(client, "/en/"))
    assert "utmaning" not in text(page(client, "/en/"))
    assert "Kristinehamn – status för mål 13: utmaning" in text(page(client, "/"))


def test_activity_counts_are_singular_or_plural(client: TestClient) -> None:
    swedish = text(page(client, "/1781"))
    assert "1 aktivitet " in swedish and "1 aktiviteter" not in swedish
    english = text(page(client, "/en/1781"))
    assert "1 activity " in english and "1 activities" not in english
    sv = translations("sv")
    assert sv.ngettext("%(n)s activity", "%(n)s activities", 2) % {"n": 2} == "2 aktiviteter"
    assert sv.ngettext("%(n)s activity", "%(n)s activities", 1) % {"n": 1} == "1 aktivitet"


def test_a_goal_not_assessed_says_so_in_a_sentence(client: TestClient) -> None:
    swedish = text(page(client, "/1781/mal/4"))
    assert "Mål 4 har ännu inte bedömts för Kristinehamn." in swedish
    assert "bedömas vara ej bedömd" not in swedish
    english = text(page(client, "/en/1781/mal/4"))
    assert "Goal 4 has not been assessed for Kristinehamn yet." in english
    assert "assessed as not assessed" not in english
    assessed = text(page(client, "/1781/mal/13"))
    assert (
        "Sammantaget kan Kristinehamns status i förhållande till Agenda 2030 och mål 13 "
        "bedömas vara utmaning." in assessed
    )


@pytest.mark.parametrize("path", ["/", "/1781", "/en/", "/en/1781"])
def test_no_space_before_a_comma_or_colon(client: TestClient, path: str) -> None:
    html = page(client, path)
    for shown in (text(html), read_by_element(html)):
        assert not re.search(r"\w \s*[,:]", shown), re.findall(r".{20}\w \s*[,:].{20}", shown)
    if path.endswith("1781"):
        goal = "Mål" if path == "/1781" else "Goal"
        assert f"{goal} 5: " in text(html) and f"{goal} 13: " in text(html)  # priority goals


def test_swedish_pages_have_swedish_errors_and_english_ones_english(client: TestClient) -> None:
    assert "det finns ingen enhet '9999'" in text(page(client, "/9999", 404))
    assert "there is no unit '9999'" in text(page(client, "/en/9999", 404))
    goal = text(page(client, "/1781/mal/18", 404))
    assert "det finns inget mål 18; målen är numrerade 1–17" in goal
    assert "Det finns ingen sida på den här adressen." in text(page(client, "/1781/mal/5/x", 404))
    assert "Det finns ingen sida" in text(page(client, "/1781/mal/5/x/y", 404))
    country = text(page(client, "/aktiviteter?country=Atlantis", 400))
    assert "'Atlantis' är inte ett land" in country
    # The JSON twins and the API keep the messages as they are.
    assert client.get("/9999.json").json()["error"] == "there is no unit '9999'"
