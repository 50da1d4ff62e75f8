"""The read side of the JSON API (/api/v1) and the CSV and Excel downloads, over a real SQLite
store with synced Kolada values, the analysis, activities, decisions and a programme."""

from __future__ import annotations

import csv
import html
import io
import math
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from glokal.settings import Settings
from glokal.store import Store
from glokal.web import create_app
from tests.web.opendata import DRAFT_TITLE, build_store, get


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = build_store(tmp_path_factory.mktemp("api"))
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    return TestClient(create_app(Settings(database_url=str(store.url)), store))


def rows_of_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def rows_of_xlsx(content: bytes) -> list[dict[str, str]]:
    """The sheet's rows as text, numbers as CSV writes them (to 16 digits, as Excel keeps
    them: compare with same_rows)."""
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    header, *body = [[("" if v is None else str(v)) for v in row] for row in sheet.values]
    return [dict(zip(header, row, strict=True)) for row in body]


def cells_of_xlsx(content: bytes) -> list[dict[str, Any]]:
    """The sheet's rows as the cells hold them: numbers as int or float, text as str."""
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    header, *body = list(sheet.values)
    return [dict(zip(header, row, strict=True)) for row in body]


def same_rows(sheet: list[dict[str, str]], text: list[dict[str, str]]) -> bool:
    """The same rows, a number in the sheet equal to the CSV's to Excel's precision."""

    def same(a: str, b: str) -> bool:
        try:
            return a == b or math.isclose(float(a), float(b), rel_tol=1e-15)
        except ValueError:
            return False

    return len(sheet) == len(text) and all(
        s.keys() == t.keys() and all(same(s[k], t[k]) for k in s)
        for s, t in zip(sheet, text, strict=True)
    )


# -- reference ---------------------------------------------------------------------------------


def test_goals_page_through_with_total_and_links(client: TestClient) -> None:
    first = get(client, "/api/v1/goals", limit=5)
    assert first["total"] == 17 and first["limit"] == 5 and first["offset"] == 0
    assert [g["number"] for g in first["items"]] == [1, 2, 3, 4, 5]
    assert first["previous"] is None and "offset=5" in first["next"]
    numbers = []
    link: str | None = "/api/v1/goals?limit=5"
    while link:
        page = client.get(link).json()
        numbers += [g["number"] for g in page["items"]]
        link = page["next"]
    assert numbers == list(range(1, 18))
    last = get(client, "/api/v1/goals", limit=5, offset=15)
    assert last["next"] is None and "offset=10" in last["previous"]
    assert get(client, "/api/v1/goals/13")["short_sv"] == "Bekämpa klimatförändringen"


def test_targets_units_and_kpis_filter(client: TestClient) -> None:
    targets = get(client, "/api/v1/targets", goal="5", limit=1000)
    assert targets["total"] == 9 and {t["goal"] for t in targets["items"]} == {5}
    assert get(client, "/api/v1/targets/5.c")["short_sv"]
    large = get(client, "/api/v1/units", kommungrupp="A1")
    assert {u["name"] for u in large["items"]} >= {"Stockholm", "Göteborg", "Malmö"}
    assert all(u["kommungrupp"]["name_sv"] == "Storstäder" for u in large["items"])
    kristinehamn = get(client, "/api/v1/units/1781")
    assert kristinehamn["county"] == "17" and kristinehamn["kommungrupp"]["code"]
    assert get(client, "/api/v1/units", type="L")["total"] == 22  # 21 regions and Riket
    kpis = get(client, "/api/v1/kpis", limit=1000)
    assert kpis["total"] >= 8
    first = kpis["items"][0]
    assert first["goals"] and first["polarity"] in ("higher", "lower", "neither", "unknown")
    goal = first["goals"][0]
    assert all(goal in k["goals"] for k in get(client, "/api/v1/kpis", goal=goal)["items"])
    assert get(client, f"/api/v1/kpis/{first['id']}")["title"] == first["title"]


def test_unknown_ids_are_404_and_bad_filters_400_in_json(client: TestClient) -> None:
    for path in ("/api/v1/goals/18", "/api/v1/units/9999", "/api/v1/kpis/X99999",
                 "/api/v1/targets/5.z", "/api/v1/activities/999999",
                 "/api/v1/programmes/nope", "/api/v1/units/1781/goals/0/figures"):  # fmt: skip
        body = get(client, path, 404)
        assert body["error"] and "where" in body
    assert get(client, "/api/v1/values", 400, year="abc") == {
        "error": "'abc' is not a year (1900–2100)", "where": "year"
    }  # fmt: skip
    assert get(client, "/api/v1/activities", 400, goal="18")["where"] == "goal"
    assert get(client, "/api/v1/activities", 400, period="2020-2019")["where"] == "period"
    assert get(client, "/api/v1/activities", 400, funding="lottery")["where"] == "funding"
    assert get(client, "/api/v1/assessments", 400, status="excellent")["where"] == "status"
    assert get(client, "/api/v1/values", 400, unit="12")["where"] == "unit"
    assert get(client, "/api/v1/goals", 422, limit="0")["where"] == "query.limit"


# -- values --------------------------------------------------------------------------------------


def test_values_filter_and_page(client: TestClient) -> None:
    kpi = get(client, "/api/v1/kpis")["items"][0]["id"]
    page = get(client, "/api/v1/values", kpi=kpi, unit="1781,0000", gender="T", limit=10)
    assert page["source"] == "Källa: Kolada"
    assert page["total"] > 10 and len(page["items"]) == 10
    assert {v["unit"] for v in page["items"]} <= {"1781", "0000"}
    assert all(v["kpi"] == kpi and v["gender"] == "T" for v in page["items"])
    first = get(client, "/api/v1/values", kpi=kpi, unit="1781,0000", gender="T", limit=7)
    everything = list(first["items"])
    link: str | None = first["next"]
    while link:
        following = client.get(link).json()
        everything += following["items"]
        link = following["next"]
    assert len(everything) == page["total"]
    keys = [(v["unit"], v["year"]) for v in everything]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    years = get(client, "/api/v1/values", kpi=kpi, year="2020,2021", limit=1000)["items"]
    assert {v["year"] for v in years} == {2020, 2021}


def test_values_download_as_csv_and_xlsx(client: TestClient) -> None:
    kpi = get(client, "/api/v1/kpis")["items"][0]["id"]
    wanted = get(client, "/api/v1/values", kpi=kpi, unit="1781", limit=1000)
    response = client.get("/api/v1/values", params={"kpi": kpi, "unit": "1781", "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = rows_of_csv(response.content)
    assert len(rows) == wanted["total"] and {r["source"] for r in rows} == {"Källa: Kolada"}
    first = wanted["items"][0]
    assert rows[0]["period"] == str(first["year"]) and rows[0]["municipality"] == "1781"
    assert rows[0]["value"] == ("" if first["value"] is None else _number(first["value"]))
    by_accept = client.get(
        "/api/v1/values",
        params={"kpi": kpi, "unit": "1781"},
        headers={"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
    assert rows_of_xlsx(by_accept.content) == rows


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


# -- assessments -----------------------------------------------------------------------------


def test_assessments_show_published_decisions_and_suggestions_marked(client: TestClient) -> None:
    found = get(client, "/api/v1/assessments", unit="1781", limit=1000)["items"]
    decisions = {a["goal"]: a for a in found if a["basis"] == "decision"}
    assert set(decisions) == {5, 13}
    assert decisions[5]["status"] == "god"  # the newer draft is not shown
    assert decisions[13]["status"] == "utmaning"
    assert decisions[13]["source"] == "decided by the unit" and decisions[13]["published_at"]
    suggested = [a for a in found if a["basis"] == "suggestion"]
    assert len(suggested) == 17
    assert all(a["source"] == "Glokal's analysis" and a["method"] == "default" for a in suggested)
    draft_only = get(client, "/api/v1/assessments", unit="2409", basis="decision")
    assert draft_only["total"] == 0
    by_goal = get(client, "/api/v1/assessments", goal="5", basis="decision")["items"]
    assert [(a["unit"], a["status"]) for a in by_goal] == [("1781", "god")]
    statuses = get(client, "/api/v1/assessments", status="utmaning", limit=1000)["items"]
    assert statuses and {a["status"] for a in statuses} == {"utmaning"}


def test_goal_across_units_and_a_units_figures(client: TestClient) -> None:
    across = get(client, "/api/v1/goals/13/units", county="17", limit=1000)
    kristinehamn = next(r for r in across["items"] if r["unit"] == "1781")
    assert kristinehamn["decided"] and kristinehamn["status"] == "utmaning"
    assert kristinehamn["source"] == "decided by the unit"
    others = [r for r in across["items"] if r["unit"] != "1781"]
    assert others and all(r["source"] == "Glokal's analysis" for r in others)
    assert all(r["county"] == "17" for r in across["items"])
    figures = get(client, "/api/v1/units/1781/goals/13/figures")
    for figure in figures["items"]:
        assert figure["value_source"] == "Källa: Kolada"
        assert figure["analysis_source"] == "Glokal's analysis"


# -- activities and programmes ----------------------------------------------------------------


def test_activities_only_published_with_the_registers_filters(client: TestClient) -> None:
    everything = get(client, "/api/v1/activities", limit=1000)
    titles = {a["title"] for a in everything["items"]}
    assert DRAFT_TITLE not in titles and "Match2Job" in titles and everything["total"] == 8

    def search(**params: str) -> set[str]:
        return {a["title"] for a in get(client, "/api/v1/activities", **params)["items"]}

    assert search(goal="5") == {"Actions for Gender Equality", "Vänort Stellenbosch"}
    assert search(target="5.c") == {"Actions for Gender Equality"}
    assert search(country="Kenya") == {"Actions for Gender Equality", "Climate action"}
    assert search(funding="esf") == {"Match2Job"}
    assert search(kind="iop") == {"Värme och vila"}
    assert search(unit="1781") == {"Match2Job", "Innovation Vattenkraft 2.0", "Värme och vila"}
    assert search(period="2017") == {"Actions for Gender Equality", "Vänort Stellenbosch"}
    assert search(period="2018-01-01..2018-06-30") >= {"No Dropouts"}
    assert search(text="jämställdhet") == {"Actions for Gender Equality", "Vänort Stellenbosch"}
    assert search(goal="5", country="KE") == {"Actions for Gender Equality"}
    page = get(client, "/api/v1/activities", limit=3, offset=3)
    assert page["total"] == 8 and len(page["items"]) == 3 and page["next"] and page["previous"]
    one = page["items"][0]
    assert get(client, f"/api/v1/activities/{one['id']}") == one
    hidden = client.get("/api/v1/activities", params={"limit": 1000}).json()["items"]
    ids = {a["id"] for a in hidden}
    draft = next(i for i in range(1, 20) if i not in ids)
    assert get(client, f"/api/v1/activities/{draft}", 404)["where"] == "activity"


def test_activities_download_imports_again(client: TestClient) -> None:
    response = client.get("/api/v1/activities", params={"goal": "5", "format": "csv"})
    rows = rows_of_csv(response.content)
    assert {r["title"] for r in rows} == {"Actions for Gender Equality", "Vänort Stellenbosch"}
    assert rows[0]["published"] in ("", "yes", "ja", "true", "1")
    xlsx = client.get("/api/v1/activities", params={"goal": "5", "format": "xlsx"})
    assert rows_of_xlsx(xlsx.content) == rows


def test_programmes_with_members_and_progress(client: TestClient) -> None:
    page = get(client, "/api/v1/programmes")
    ids = [p["id"] for p in page["items"]]
    assert "glokala-sverige" in ids and "millenniekommun" in ids
    glokala = get(client, "/api/v1/programmes/glokala-sverige")
    assert [m["unit"] for m in glokala["members"]] == ["1781", "2409"]
    assert glokala["steps"] and glokala["start"] == "2018-01-01"
    millennium = get(client, "/api/v1/programmes/millenniekommun")
    assert millennium["targets"] and millennium["members"] == []
    for target in [*glokala["targets"], *millennium["targets"]]:
        assert set(target["units"]) <= {"1781", "2409"} and target["achieved"] == len(
            target["units"]
        )


# -- the pages' downloads -----------------------------------------------------------------------


def test_goal_across_download_beside_the_page(client: TestClient) -> None:
    csv_response = client.get("/mal/13.csv", params={"county": "17"})
    assert csv_response.status_code == 200
    rows = rows_of_csv(csv_response.content)
    assert rows and all(r["county"] == "17" for r in rows)
    kristinehamn = next(r for r in rows if r["unit"] == "1781")
    assert kristinehamn["status"] == "utmaning" and kristinehamn["decided"] == "yes"
    assert kristinehamn["source"] == "beslutad av enheten"
    assert {r["source"] for r in rows if r["unit"] != "1781"} == {"Glokals analys"}
    assert rows_of_xlsx(client.get("/mal/13.xlsx", params={"county": "17"}).content) == rows
    english = rows_of_csv(client.get("/en/mal/13.csv", params={"county": "17"}).content)
    assert {r["source"] for r in english if r["unit"] != "1781"} == {"Glokal's analysis"}
    assert client.get("/mal/18.csv").status_code == 404


def test_a_filter_value_no_unit_has_is_refused_in_the_pages_language(client: TestClient) -> None:
    page = client.get("/mal/13", params={"status": "bogus"})
    assert page.status_code == 400
    text = html.unescape(page.text)
    assert "'bogus' är inte en status; välj en av:" in text and "utmaning" in text
    assert client.get("/mal/13", params={"county": "99"}).status_code == 400
    english = client.get("/en/mal/13", params={"type": "X"})
    assert english.status_code == 400
    assert "'X' is not a unit type; use one of: K, L" in html.unescape(english.text)
    assert client.get("/mal/13.csv", params={"kommungrupp": "Z9"}).status_code == 400
    assert get(client, "/api/v1/goals/13/units", 400, county="99")["where"] == "county"
    assert client.get("/mal/13", params={"county": "17", "status": "utmaning"}).status_code == 200


def test_unit_goal_figures_download(client: TestClient) -> None:
    api = get(client, "/api/v1/units/1781/goals/13/figures")["items"]
    rows = rows_of_csv(client.get("/1781/mal/13.csv").content)
    assert [r["kpi"] for r in rows] == [f["kpi"] for f in api]
    assert {r["value_source"] for r in rows} <= {"Källa: Kolada"}
    assert {r["analysis_source"] for r in rows} <= {"Glokals analys"}
    assert same_rows(rows_of_xlsx(client.get("/1781/mal/13.xlsx").content), rows)
    assert client.get("/1781/mal/13.pdf").status_code == 404


def test_activities_and_compare_downloads(client: TestClient) -> None:
    rows = rows_of_csv(client.get("/aktiviteter.csv", params={"goal": "5"}).content)
    assert {r["title"] for r in rows} == {"Actions for Gender Equality", "Vänort Stellenbosch"}
    every = rows_of_xlsx(client.get("/aktiviteter.xlsx").content)
    assert DRAFT_TITLE not in {r["title"] for r in every} and len(every) == 8
    figures = rows_of_csv(client.get("/1781/jamfor.csv", params={"med": "2409"}).content)
    assert figures and {r["source"] for r in figures} == {"Källa: Kolada"}
    assert "1781_value" in figures[0] and "2409_value" in figures[0]
    status = rows_of_csv(
        client.get("/1781/jamfor.csv", params={"med": "2409", "table": "status"}).content
    )
    assert [r["goal"] for r in status] == [str(n) for n in range(1, 18)]
    assert status[12]["1781"] == "utmaning"  # decided; suggestions end in *
    assert client.get("/1781/jamfor.csv", params={"table": "x"}).status_code == 400


def test_a_download_error_is_said_in_the_pages_language_and_the_api_stays_english(
    client: TestClient,
) -> None:
    swedish = client.get("/1781/jamfor.csv", params={"table": "x"})
    assert swedish.status_code == 400
    assert "okänd tabell 'x'; välj figures eller status" in html.unescape(swedish.text)
    english = client.get("/1781/jamfor.csv", params={"table": "x", "lang": "en"})
    assert english.status_code == 400
    assert "unknown table 'x'; use figures or status" in html.unescape(english.text)
    # The JSON API answers machine clients in English, in the same {"error", "where"} body.
    assert get(client, "/api/v1/units", 400, type="X") == {
        "error": "'X' is not a unit type; use one of: K, L", "where": "type"
    }  # fmt: skip
    assert get(client, "/api/v1/kpis", 400, type="Q", lang="sv")["error"] == (
        "'Q' is not a municipality type; use one of: K, L, A"
    )


def test_excel_downloads_hold_numbers_as_numbers(client: TestClient) -> None:
    """Values, years, ranks and counts are numeric cells (they sum and sort in Excel); ids with
    leading zeros stay text; the CSV twin writes the same numbers as text, as before."""
    figures = cells_of_xlsx(client.get("/1781/mal/13.xlsx").content)
    text = rows_of_csv(client.get("/1781/mal/13.csv").content)
    assert figures and len(figures) == len(text)
    for row, line in zip(figures, text, strict=True):
        assert row["unit"] == "1781" and row["goal"] == 13
        for column in ("value", "year", "riket_value", "rank", "compared", "change_per_year"):
            assert row[column] is None or type(row[column]) in (int, float), (column, row)
            assert (row[column] is None) == (line[column] == "")
        assert type(row["year"]) is int and str(row["year"]) == line["year"]
        if row["value"] is not None:
            assert math.isclose(row["value"], float(line["value"]), rel_tol=1e-15)
        assert isinstance(row["trend"], str) and isinstance(row["kpi"], str)
    assert any(type(r["value"]) is float for r in figures)
    assert all("," not in r["value"] for r in text)  # CSV: 102.7, a point, as before

    across = cells_of_xlsx(client.get("/mal/3.xlsx").content)
    assert {type(r["goal"]) for r in across} == {int} and {r["goal"] for r in across} == {3}
    assert {type(r["activities"]) for r in across} == {int}
    assert next(r for r in across if r["name"] == "Alvesta")["county"] == "07"  # text

    compare = cells_of_xlsx(client.get("/1781/jamfor.xlsx").content)
    assert {type(r["goal"]) for r in compare} == {int}
    years = [r["1781_year"] for r in compare if r["1781_year"] is not None]
    assert years and {type(y) for y in years} == {int}
    values = [r["1781_value"] for r in compare if r["1781_value"] is not None]
    assert values and {type(v) for v in values} <= {int, float}
    status = cells_of_xlsx(client.get("/1781/jamfor.xlsx", params={"table": "status"}).content)
    assert [r["goal"] for r in status] == list(range(1, 18))

    activities = cells_of_xlsx(client.get("/aktiviteter.xlsx").content)
    budgets = [r["budget_sek"] for r in activities if r["budget_sek"] not in (None, "")]
    assert budgets and {type(b) for b in budgets} <= {int, float}
    assert {type(r["goals"]) for r in activities} <= {str, type(None)}  # lists like "5;17"
    assert next(r for r in activities if r["title"] == "Vänort Stellenbosch")["unit"] == "0680"
    text_activities = rows_of_csv(client.get("/aktiviteter.csv").content)
    assert sorted(r["budget_sek"] for r in text_activities if r["budget_sek"]) == sorted(
        str(b) for b in budgets
    )


def test_english_downloads_have_english_words(client: TestClient) -> None:
    english = rows_of_csv(client.get("/en/1781/mal/13.csv").content)
    swedish = rows_of_csv(client.get("/1781/mal/13.csv").content)
    trends = {"improving", "unchanged", "deteriorating", "no data", ""}
    positions = {"best quartile", "middle half", "worst quartile", ""}
    assert {r["trend"] for r in english} <= trends
    assert {r["position"] for r in english} | {r["position_kommungrupp"] for r in english} <= (
        positions
    )
    assert {r["trend"] for r in swedish} <= {"förbättring", "oförändrad", "försämring",
                                              "data saknas", ""}  # fmt: skip
    assert [r["value"] for r in english] == [r["value"] for r in swedish]
    across = rows_of_csv(client.get("/en/mal/13.csv", params={"county": "17"}).content)
    assert next(r for r in across if r["unit"] == "1781")["status"] == "challenge"
    assert {r["status"] for r in across} <= {
        "good", "neutral", "challenge", "significant challenge", "not assessed"
    }  # fmt: skip
    status = rows_of_csv(
        client.get("/en/1781/jamfor.csv", params={"med": "2409", "table": "status"}).content
    )
    assert status[12]["1781"] == "challenge"


def test_pages_link_their_downloads(client: TestClient) -> None:
    assert 'href="/mal/13.csv' in client.get("/mal/13").text
    assert 'href="/1781/mal/13.xlsx' in client.get("/1781/mal/13").text
    assert 'href="/aktiviteter.csv?goal=5' in client.get("/aktiviteter?goal=5").text
    assert 'href="/1781/jamfor.csv' in client.get("/1781/jamfor").text


def test_openapi_documents_every_read_endpoint(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    read = {path: item["get"] for path, item in paths.items() if "get" in item}
    for path in ("/api/v1/goals", "/api/v1/targets", "/api/v1/units", "/api/v1/kpis",
                 "/api/v1/values", "/api/v1/assessments", "/api/v1/activities",
                 "/api/v1/programmes", "/api/v1/programmes/{programme_id}"):  # fmt: skip
        assert path in read
    for path, operation in read.items():
        assert operation["summary"] and operation["tags"] and operation["description"], path
        assert "404" in operation["responses"] and "400" in operation["responses"], path
    assert "ValuesPage" in spec["components"]["schemas"]


def test_the_api_index_lists_every_path_and_the_openapi_document(client: TestClient) -> None:
    index = get(client, "/api/v1")
    assert get(client, "/api/v1/") == index
    assert index["openapi"] == "/api/v1/openapi.json" and index["docs"] == "/api/docs"
    assert get(client, index["openapi"])["info"]["title"] == "Glokal"
    listed = {(r["path"], r["method"]) for r in index["resources"]}
    for name in ("goals", "targets", "units", "kpis", "values", "assessments", "activities",
                 "programmes"):  # fmt: skip
        assert (f"/api/v1/{name}", "GET") in listed
    assert ("/api/v1/goals/{number}", "GET") in listed
    assert ("/api/v1/units/{unit}/activities", "POST") in listed  # the writes too
    # Read off the app's own routes: exactly the documented operations, the index aside.
    spec = client.get("/api/v1/openapi.json").json()
    documented = {
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if path != "/api/v1"
    }
    assert listed == documented and len(index["resources"]) == len(documented)
    first = index["resources"][0]
    assert first == {"path": "/api/v1/goals", "method": "GET", "summary": "The 17 goals",
                     "tags": ["reference"]}  # fmt: skip
    # Documented like the other read endpoints.
    operation = spec["paths"]["/api/v1"]["get"]
    assert operation["summary"] == "What the API serves" and operation["tags"] == ["index"]
    assert "ApiIndexOut" in spec["components"]["schemas"]
