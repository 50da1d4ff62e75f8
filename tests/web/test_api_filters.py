"""The JSON API's filters (/api/v1) refuse a value that names nothing stored, on SQLite and on
PostgreSQL: an unknown KPI, unit, goal, target, programme, kommungrupp, county, type or status
is a 400 whose JSON names the parameter (``where``) and the value (in ``error``), as the public
pages refuse theirs; a value that is stored but matches nothing is a 200 with no items."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import URL

from glokal.settings import Settings
from glokal.store import Store
from glokal.web import create_app
from tests.conftest import new_postgres_database
from tests.web.opendata import build_store, get

KPI = "N00401"  # in the replay dataset, with values for every unit


@pytest.fixture(scope="module")
def postgres_database(postgres_server: URL) -> Iterator[URL]:
    """A new PostgreSQL database for this module's store, dropped afterwards."""
    with new_postgres_database(postgres_server) as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    url = request.getfixturevalue("postgres_database") if request.param == "postgresql" else None
    store = build_store(tmp_path_factory.mktemp("filters"), url=url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    return TestClient(create_app(Settings(database_url=str(store.url)), store))


# (path, filters, the parameter named, the value named)
UNKNOWN = [
    ("/api/v1/values", {"kpi": "N99999"}, "kpi", "N99999"),
    ("/api/v1/values", {"kpi": f"{KPI},N99999"}, "kpi", "N99999"),  # rows found for the other
    ("/api/v1/values", {"kpi": KPI, "unit": "9999"}, "unit", "9999"),
    ("/api/v1/values", {"unit": "1781,9999"}, "unit", "9999"),
    ("/api/v1/values", {"kpi": "N99999", "format": "csv"}, "kpi", "N99999"),
    ("/api/v1/units", {"type": "X"}, "type", "X"),
    ("/api/v1/units", {"kommungrupp": "Z9"}, "kommungrupp", "Z9"),
    ("/api/v1/units", {"county": "99"}, "county", "99"),
    ("/api/v1/kpis", {"type": "X"}, "type", "X"),
    ("/api/v1/kpis", {"goal": "18"}, "goal", "18"),
    ("/api/v1/targets", {"goal": "18"}, "goal", "18"),
    ("/api/v1/assessments", {"unit": "9999"}, "unit", "9999"),
    ("/api/v1/assessments", {"goal": "18"}, "goal", "18"),
    ("/api/v1/assessments", {"status": "bogus"}, "status", "bogus"),
    ("/api/v1/activities", {"unit": "9999"}, "unit", "9999"),
    ("/api/v1/activities", {"unit": "1781,9999"}, "unit", "9999"),
    ("/api/v1/activities", {"target": "5.z"}, "target", "5.z"),
    ("/api/v1/activities", {"programme": "nope"}, "programme", "nope"),
    ("/api/v1/activities", {"goal": "18"}, "goal", "18"),
    ("/api/v1/activities", {"kind": "nope"}, "kind", "nope"),
    ("/api/v1/activities", {"funding": "lottery"}, "funding", "lottery"),
    ("/api/v1/activities", {"country": "XX"}, "country", "XX"),
    ("/api/v1/activities", {"unit": "9999", "format": "xlsx"}, "unit", "9999"),
    ("/api/v1/goals/13/units", {"county": "99"}, "county", "99"),
    ("/api/v1/goals/13/units", {"kommungrupp": "Z9"}, "kommungrupp", "Z9"),
    ("/api/v1/goals/13/units", {"type": "X"}, "type", "X"),
    ("/api/v1/goals/13/units", {"status": "bogus"}, "status", "bogus"),
]


@pytest.mark.parametrize(
    ("path", "params", "where", "value"), UNKNOWN, ids=[f"{p}?{q}" for p, q, _, _ in UNKNOWN]
)
def test_a_filter_value_that_names_nothing_is_a_400_naming_it(
    client: TestClient, path: str, params: dict[str, str], where: str, value: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400, response.text[:500]
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "where"} and body["where"] == where
    assert value in body["error"], body


def test_the_messages_say_what_is_not_there(client: TestClient) -> None:
    assert get(client, "/api/v1/values", 400, kpi="n99999") == {
        "error": "there is no KPI 'N99999'", "where": "kpi"
    }  # fmt: skip
    assert get(client, "/api/v1/activities", 400, unit="9999") == {
        "error": "there is no unit '9999'", "where": "unit"
    }  # fmt: skip
    programme = get(client, "/api/v1/activities", 400, programme="nope")["error"]
    assert programme == "there is no programme 'nope' (stored: glokala-sverige, millenniekommun)"
    group = get(client, "/api/v1/units", 400, kommungrupp="Z9")["error"]
    assert group.startswith("'Z9' is not a municipality group; use one of: A1, A2,")


def test_a_missing_path_id_stays_a_404(client: TestClient) -> None:
    for path in ("/api/v1/goals/18/units", "/api/v1/units/9999/goals/13/figures",
                 "/api/v1/units/1781/goals/18/figures", "/api/v1/kpis/N99999",
                 "/api/v1/targets/5.z", "/api/v1/programmes/nope"):  # fmt: skip
        assert get(client, path, 404)["where"], path


# (path, filters naming only stored things that no row matches)
EMPTY = [
    ("/api/v1/values", {"kpi": KPI, "year": "1950"}),
    ("/api/v1/values", {"kpi": f"{KPI},N00403", "unit": "1781,0000", "year": "1950"}),
    ("/api/v1/values", {"unit": "1781", "year": "1950", "gender": "K"}),
    ("/api/v1/units", {"kommungrupp": "A1", "q": "zzz"}),
    ("/api/v1/units", {"type": "L", "county": "17", "kommungrupp": "A1"}),
    ("/api/v1/kpis", {"type": "L"}),  # the replay's KPIs are typed A or K
    ("/api/v1/kpis", {"goal": "4"}),
    ("/api/v1/assessments", {"unit": "2409", "basis": "decision"}),  # a draft only
    ("/api/v1/activities", {"unit": "0180"}),
    ("/api/v1/activities", {"unit": "0180,0114"}),
    ("/api/v1/activities", {"target": "1.1"}),
    ("/api/v1/activities", {"programme": "glokala-sverige"}),
    ("/api/v1/activities", {"unit": "1781", "goal": "17"}),
    ("/api/v1/activities", {"period": "1950"}),
    ("/api/v1/goals/13/units", {"county": "01", "kommungrupp": "A1", "type": "L"}),
]


@pytest.mark.parametrize(("path", "params"), EMPTY, ids=[f"{p}?{q}" for p, q in EMPTY])
def test_a_stored_value_that_matches_nothing_is_an_empty_list(
    client: TestClient, path: str, params: dict[str, str]
) -> None:
    page = get(client, path, **params)
    assert page["items"] == [] and page["total"] == 0


def test_stored_values_that_match_give_their_rows(client: TestClient) -> None:
    values = get(client, "/api/v1/values", kpi=f"{KPI},n00403", unit="1781,0000", limit="1000")
    assert {(v["kpi"], v["unit"]) for v in values["items"]} == {
        (k, u) for k in (KPI, "N00403") for u in ("1781", "0000")
    }
    assert get(client, "/api/v1/values", unit="180", limit="1")["total"] > 0  # Stockholm
    assert get(client, "/api/v1/activities", unit="1781,2409")["total"] == 5
    assert get(client, "/api/v1/activities", target="5.C")["total"] == 1
    assert get(client, "/api/v1/units", type="K", county="17")["total"] == 16
    assert get(client, "/api/v1/kpis", type="A")["total"] == 9


def statements(store: Store, client: TestClient, path: str, **params: str) -> int:
    """How many SQL statements answering ``path`` runs."""
    count = 0

    def counted(*_: object) -> None:
        nonlocal count
        count += 1

    event.listen(store.engine, "before_cursor_execute", counted)
    try:
        get(client, path, **params)
    finally:
        event.remove(store.engine, "before_cursor_execute", counted)
    return count


def test_the_check_costs_no_query_when_rows_are_found_for_single_values(
    store: Store, client: TestClient
) -> None:
    plain = statements(store, client, "/api/v1/values", limit="5")
    assert statements(store, client, "/api/v1/values", kpi=KPI, unit="1781", limit="5") == plain
    # Several values, or none found: one lookup of them all.
    several = statements(store, client, "/api/v1/values", kpi=f"{KPI},N00403", unit="1781,0000")
    assert several == plain + 1
    assert statements(store, client, "/api/v1/values", kpi=KPI, unit="1781", year="1950") == (
        plain + 1
    )
    activities = statements(store, client, "/api/v1/activities")
    assert statements(store, client, "/api/v1/activities", unit="1781") == activities


def test_openapi_documents_the_400_of_an_unstored_filter_value(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    for path, item in spec["paths"].items():
        operation = item.get("get")
        if operation is None or not any(
            p["in"] == "query" for p in operation.get("parameters", [])
        ):
            continue
        described = operation["responses"]["400"]
        assert "names nothing that is stored" in described["description"], path
        schema = described["content"]["application/json"]["schema"]["$ref"]
        assert schema.endswith("/ErrorOut"), path
