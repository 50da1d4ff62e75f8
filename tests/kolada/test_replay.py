"""The Kolada replay server itself: dataset, envelope, paging, limits, from_date, edits, faults."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.kolada.replay import (
    AGENDA_GOALS,
    REQUIRED_KPIS,
    Faults,
    ReplayDataset,
    ReplayServer,
)

KOLADA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "kolada"
YEARS_2015_2020 = "2015,2016,2017,2018,2019,2020"


@pytest.fixture(scope="module")
def dataset() -> ReplayDataset:
    if not (KOLADA_DIR / "kpi.json").exists():
        pytest.fail(f"{KOLADA_DIR} is missing: the tests read real Kolada data from ../shared")
    return ReplayDataset(KOLADA_DIR)


@pytest.fixture(scope="module")
def server(dataset: ReplayDataset) -> Iterator[ReplayServer]:
    with ReplayServer(dataset) as replay:
        yield replay


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


@pytest.fixture
def small() -> ReplayDataset:
    """A fresh dataset to edit: only the ten required KPIs."""
    return ReplayDataset(KOLADA_DIR, kpi_count=10)


def _pages(client: httpx.Client, url: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every page of a request, following next_url (relative or absolute) to the end."""
    response = client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        yield body
        if not body["next_url"]:
            return
        response = client.get(response.url.join(body["next_url"]))


def _all_values(client: httpx.Client, url: str, **params: Any) -> list[dict[str, Any]]:
    return [item for page in _pages(client, url, **params) for item in page["values"]]


def _live_of(items: list[dict[str, Any]]) -> set[tuple[str, str, int, str, float | None]]:
    return {
        (item["kpi"], item["municipality"], item["period"], cell["gender"], cell["value"])
        for item in items
        for cell in item["values"]
        if cell["count"] > 0 and not cell["isdeleted"]
    }


# The dataset ---------------------------------------------------------------------------------


def test_dataset_sizes_and_selection(dataset: ReplayDataset) -> None:
    assert len(dataset.kpis) == 100
    assert len(dataset.municipalities) == 312
    ids = {k["id"] for k in dataset.kpis}
    assert set(REQUIRED_KPIS) <= ids
    types = [k["municipality_type"] for k in dataset.kpis]
    assert sum(t in ("K", "A") for t in types) >= 50
    assert sum(t in ("L", "A") for t in types) >= 50
    # Real records, straight from kpi.json.
    real = {k["id"]: k for k in json.loads((KOLADA_DIR / "kpi.json").read_text())["values"]}
    assert all(k == real[k["id"]] for k in dataset.kpis)
    assert len(dataset.municipality_groups) == 3630


def test_dataset_is_deterministic(dataset: ReplayDataset) -> None:
    again = ReplayDataset(KOLADA_DIR)
    assert [k["id"] for k in again.kpis] == [k["id"] for k in dataset.kpis]
    assert again.kpi_groups == dataset.kpi_groups
    for kpi in ("N00945", "U01411", "N02902"):
        for unit in ("0180", "0000"):
            for gender in dataset.genders_of(kpi):
                assert again.cell(kpi, unit, 2020, gender) == dataset.cell(kpi, unit, 2020, gender)
    other = ReplayDataset(KOLADA_DIR, seed=1)
    assert [k["id"] for k in other.kpis] != [k["id"] for k in dataset.kpis]
    assert other.cell("N00945", "0180", 2020, "T") != dataset.cell("N00945", "0180", 2020, "T")


def test_units_per_kpi_type(dataset: ReplayDataset) -> None:
    by_type = {k["municipality_type"]: k["id"] for k in dataset.kpis}
    assert len(dataset.units_of(by_type["K"])) == 291  # 290 kommuner + Riket
    assert len(dataset.units_of(by_type["L"])) == 22  # 21 regioner + Riket
    assert len(dataset.units_of(by_type["A"])) == 312
    assert "0000" in dataset.units_of(by_type["K"])
    assert dataset.genders_of("U01411") == ("K", "M", "T")
    assert dataset.genders_of("N00401") == ("T",)


def test_agenda_groups(dataset: ReplayDataset) -> None:
    groups = {g["id"]: g for g in dataset.kpi_groups}
    assert len(groups) == 37
    assert sorted(dataset.agenda_groups) == list(range(1, 18))
    types = {k["id"]: k["municipality_type"] for k in dataset.kpis}
    for goal, (kommun, region) in dataset.agenda_groups.items():
        assert kommun.startswith("G2KPI") and len(kommun) == 11
        name = AGENDA_GOALS[goal]
        assert groups[kommun]["title"] == f"Agenda 2030 kommun – Mål {goal} {name}"
        assert groups[region]["title"] == f"Agenda 2030 region – Mål {goal} {name}"
        for group_id, allowed in ((kommun, {"K", "A"}), (region, {"L", "A"})):
            members = groups[group_id]["members"]
            if goal == 17:
                assert members == []
            else:
                assert len(members) >= 2
                assert {types[m["member_id"]] for m in members} <= allowed
                assert all(set(m) == {"member_id", "member_title"} for m in members)
    others = [g for g in dataset.kpi_groups if "agenda" not in g["title"].lower()]
    assert len(others) == 3 and all(g["members"] for g in others)
    filed = {m["member_id"] for g in dataset.kpi_groups if "Agenda" in g["title"]
             for m in g["members"]}  # fmt: skip
    assert filed == {k["id"] for k in dataset.kpis}


def test_cell_mix(dataset: ReplayDataset) -> None:
    """About 10 % empty, 1 % genuine missing, 0.5 % deleted, over one KPI of all units."""
    cells = [
        dataset.cell("U01411", unit, year, gender)
        for unit in dataset.units_of("U01411")
        for year in dataset.years
        for gender in ("K", "M", "T")
    ]
    n = len(cells)
    empty = sum(c is not None and c["count"] == 0 for c in cells)
    missing = sum(c is not None and c["count"] == 1 and c["value"] is None for c in cells)
    deleted = sum(c is not None and c["isdeleted"] for c in cells)
    assert 0.08 < empty / n < 0.12
    assert 0.005 < missing / n < 0.02
    assert 0.002 < deleted / n < 0.01
    values = [c["value"] for c in cells if c is not None and c["value"] is not None]
    assert all(0 <= v <= 100 and round(v, 1) == v for v in values)  # a share in per cent


# Envelope, paging, metadata --------------------------------------------------------------------


def test_paging_reaches_the_rows_of_one_big_page(
    server: ReplayServer, client: httpx.Client
) -> None:
    url = f"{server.start()}/data/kpi/N00945/year/{YEARS_2015_2020}"
    big = client.get(url).json()
    assert set(big) == {"count", "values", "next_url", "previous_url"}
    assert big["count"] == len(big["values"]) == 312 * 6
    assert big["next_url"] is None and big["previous_url"] is None
    pages = list(_pages(client, url, per_page=100))
    assert len(pages) == 19
    assert [p["count"] for p in pages] == [100] * 18 + [72]
    assert pages[0]["next_url"] == (
        f"/v3/data/kpi/N00945/year/{YEARS_2015_2020}?page=2&per_page=100"
    )
    assert pages[0]["previous_url"] is None
    assert pages[1]["previous_url"].endswith("page=1&per_page=100")
    assert [item for p in pages for item in p["values"]] == big["values"]
    keys = [(i["kpi"], i["municipality"], i["period"]) for i in big["values"]]
    assert keys == sorted(keys)
    item = big["values"][0]
    assert set(item) == {"kpi", "municipality", "period", "values"}
    assert set(item["values"][0]) == {"gender", "count", "status", "value", "isdeleted"}
    beyond = client.get(url, params={"page": 30, "per_page": 100}).json()
    assert beyond["values"] == [] and beyond["next_url"] is None


def test_absolute_next_url(dataset: ReplayDataset, client: httpx.Client) -> None:
    with ReplayServer(dataset, absolute_next_url=True) as replay:
        url = f"{replay.base_url}/kpi"
        first = client.get(url, params={"per_page": 40, "title": "andel"}).json()
        assert first["next_url"].startswith(f"http://127.0.0.1:{replay.port}/v3/kpi?page=2")
        assert "title=andel" in first["next_url"]
        everything = _all_values(client, url, per_page=40, title="ANDEL")
    assert len(everything) > 40
    assert everything == [k for k in dataset.kpis if "andel" in k["title"].lower()]


def test_metadata_endpoints(server: ReplayServer, client: httpx.Client) -> None:
    base = server.base_url
    kpis = client.get(f"{base}/kpi").json()
    assert kpis["count"] == 100 and kpis["next_url"] is None
    two = client.get(f"{base}/kpi/N00945,U01411").json()["values"]
    assert {k["id"] for k in two} == {"N00945", "U01411"}
    assert two[0]["is_divided_by_gender"] in (True, False)
    titled = client.get(f"{base}/kpi", params={"title": "VÄXTHUSGASER"}).json()["values"]
    assert "N00401" in {k["id"] for k in titled}
    assert all("växthusgaser" in k["title"].lower() for k in titled)

    agenda = client.get(f"{base}/kpi_groups", params={"title": "agenda 2030"}).json()
    assert agenda["count"] == 34
    assert client.get(f"{base}/kpi_groups").json()["count"] == 37
    kommun_13 = server.dataset.agenda_groups[13][0]
    group = client.get(f"{base}/kpi_groups/{kommun_13}").json()["values"][0]
    assert "N00401" in {m["member_id"] for m in group["members"]}

    assert client.get(f"{base}/municipality").json()["count"] == 312
    assert client.get(f"{base}/municipality", params={"region_type": "K"}).json()["count"] == 290
    assert client.get(f"{base}/municipality", params={"region_type": "L"}).json()["count"] == 22
    malmo = client.get(f"{base}/municipality/1280").json()["values"]
    assert malmo == [{"id": "1280", "title": "Malmö", "type": "K"}]
    assert client.get(f"{base}/municipality", params={"title": "malm"}).json()["count"] >= 1

    all_kommuner = client.get(f"{base}/municipality_groups/G2328").json()["values"][0]
    assert len(all_kommuner["members"]) == 290
    skr = client.get(f"{base}/municipality_groups", params={"title": "storstäder"}).json()
    assert "G92787" in {g["id"] for g in skr["values"]}


def test_data_routes(server: ReplayServer, client: httpx.Client) -> None:
    base = server.base_url
    one = client.get(f"{base}/data/kpi/U01411,N00945/municipality/0180,1280/year/2019,2020")
    items = one.json()["values"]
    assert [(i["kpi"], i["municipality"], i["period"]) for i in items] == [
        (k, m, p) for k in ("N00945", "U01411") for m in ("0180", "1280") for p in (2019, 2020)
    ]
    assert [c["gender"] for c in items[-1]["values"]] == ["K", "M", "T"]
    assert [c["gender"] for c in items[0]["values"]] == ["T"]
    all_years = client.get(f"{base}/data/kpi/N00945/municipality/0180").json()["values"]
    assert [i["period"] for i in all_years] == list(range(2000, 2026))
    by_unit = client.get(f"{base}/data/municipality/0180/year/2020").json()["values"]
    expected = {k["id"] for k in server.dataset.kpis if k["municipality_type"] in ("K", "A")}
    assert {i["kpi"] for i in by_unit} == expected
    # A municipality group gives the unweighted mean of its members' live values.
    group = client.get(f"{base}/data/kpi/N00945/municipality/G92787/year/2020").json()
    members = [m["member_id"] for g in server.dataset.municipality_groups
               if g["id"] == "G92787" for m in g["members"]]  # fmt: skip
    cells = [server.dataset.cell("N00945", m, 2020, "T") for m in members]
    live = [c["value"] for c in cells if c and c["count"] and not c["isdeleted"] and c["value"]]
    mean_cell = group["values"][0]["values"][0]
    assert mean_cell["count"] == len(live)
    assert mean_cell["value"] == pytest.approx(sum(live) / len(live))
    assert client.get(f"{base}/data/kpi/X99999/year/2020").json()["values"] == []


def test_limits_and_errors(server: ReplayServer, client: httpx.Client) -> None:
    base = server.base_url
    units = [m["id"] for m in server.dataset.municipalities if m["type"] == "K"]
    ok = client.get(f"{base}/data/kpi/N00945/municipality/{','.join(units[:25])}/year/2020")
    assert ok.status_code == 200 and ok.json()["count"] == 25
    for url in (
        f"{base}/data/kpi/N00945/municipality/{','.join(units[:26])}/year/2020",
        f"{base}/data/kpi/N00945/year/{','.join(str(y) for y in range(1999, 2025))}",
        f"{base}/data/kpi/{','.join(k['id'] for k in server.dataset.kpis[:26])}/year/2020",
        f"{base}/kpi/{','.join(k['id'] for k in server.dataset.kpis[:26])}",
    ):
        response = client.get(url)
        assert response.status_code == 400
        assert "25" in response.json()["detail"]
    assert client.get(f"{base}/data/kpi/N00945/year/2020?per_page=5001").status_code == 400
    assert client.get(f"{base}/data/kpi/N00945/year/2020?from_date=2020-13-01").status_code == 400
    assert client.get(f"{base}/nothing").status_code == 404
    assert client.get(f"{base}/data/kpi/N00945").status_code == 404
    assert client.get(f"{server.base_url[:-3]}/v2/kpi").status_code == 404


def test_from_date_filters(server: ReplayServer, client: httpx.Client) -> None:
    url = f"{server.base_url}/data/kpi/U01411/year/{YEARS_2015_2020}"
    everything = client.get(url).json()["values"]
    recent = _all_values(client, url, from_date="2025-01-01", per_page=500)
    assert 0 < len(recent) < len(everything)
    full = {(i["municipality"], i["period"]): i["values"] for i in everything}
    cells = 0
    for item in recent:
        for cell in item["values"]:
            assert cell in full[(item["municipality"], item["period"])]
            cells += 1
    total = sum(len(v) for v in full.values())
    assert 0.1 < cells / total < 0.25  # one year of six spread evenly
    assert client.get(url, params={"from_date": "2026-01-01"}).json()["values"] == []
    first = client.get(url, params={"from_date": "2025-01-01", "per_page": 500}).json()
    assert "from_date=2025-01-01" in first["next_url"]


# Edits ---------------------------------------------------------------------------------------


def test_edits_show_in_responses_and_live_values(small: ReplayDataset) -> None:
    assert len(small.kpis) == 10
    live = small.live_values()
    empty = next(
        (u, y)
        for u in small.units_of("N00945")
        for y in small.years
        if small.cell("N00945", u, y, "T") == {
            "gender": "T", "count": 0, "status": "", "value": None, "isdeleted": False
        }
    )  # fmt: skip
    old = small.cell("N00945", "0180", 2020, "T")
    assert old is not None
    day = date(2026, 2, 3)
    small.change_value("N00945", "0180", 2020, "T", 12.5, on=day)
    small.delete_value("U01411", "1280", 2019, "K", on=day)
    small.add_value("N00945", empty[0], empty[1], "T", 7.0, on=day)
    small.add_value("N00945", "0180", 2026, "T", 99.9, on=day)  # a newly published year
    with pytest.raises(ValueError):
        small.add_value("N00945", "0180", 2020, "T", 1.0, on=day)
    with pytest.raises(KeyError):
        small.change_value("N00401", "0180", 2020, "K", 1.0, on=day)

    after = small.live_values()
    assert ("N00945", "0180", 2020, "T", 12.5) in after
    assert ("N00945", empty[0], empty[1], "T", 7.0) in after
    assert ("N00945", "0180", 2026, "T", 99.9) in after
    assert not any(v[:4] == ("U01411", "1280", 2019, "K") for v in after)
    if old["count"] and not old["isdeleted"]:
        assert ("N00945", "0180", 2020, "T", old["value"]) in live - after

    with ReplayServer(small) as replay, httpx.Client() as client:
        base = replay.base_url
        changed = client.get(f"{base}/data/municipality/0180,1280/year/2019,2020,2026",
                             params={"from_date": "2026-01-01"}).json()["values"]  # fmt: skip
        assert [(i["kpi"], i["municipality"], i["period"], i["values"]) for i in changed] == [
            ("N00945", "0180", 2020, [
                {"gender": "T", "count": 1, "status": "", "value": 12.5, "isdeleted": False}]),
            ("N00945", "0180", 2026, [
                {"gender": "T", "count": 1, "status": "", "value": 99.9, "isdeleted": False}]),
            ("U01411", "1280", 2019, [
                {"gender": "K", "count": 1, "status": "", "value": changed[2]["values"][0]["value"],
                 "isdeleted": True}]),
        ]  # fmt: skip
        new_year = client.get(f"{base}/data/kpi/N00945/municipality/0180").json()["values"]
        assert [i["period"] for i in new_year] == list(range(2000, 2027))
        # Everything served, read back as Kolada clients do, is exactly live_values().
        served: list[dict[str, Any]] = []
        for kpi in small.kpi_by_id:
            served += _all_values(client, f"{base}/data/kpi/{kpi}/year/2000,2010,2020,2026")
        wanted = {v for v in after if v[2] in (2000, 2010, 2020, 2026)}
        assert _live_of(served) == wanted


def test_data_answers_are_cached_until_the_dataset_changes(small: ReplayDataset) -> None:
    with ReplayServer(small) as replay, httpx.Client() as client:
        url = f"{replay.base_url}/data/kpi/N00945/year/2019,2020"
        first = client.get(url)
        assert client.get(url).content == first.content
        assert replay.pages_encoded == 1  # the second answer came from the cache
        client.get(f"{replay.base_url}/kpi")  # metadata: never cached
        assert replay.pages_encoded == 1
        cell = {"gender": "T", "count": 1, "status": "", "value": 12.5, "isdeleted": False}
        small.change_value("N00945", "0180", 2020, "T", 12.5, on=date(2026, 2, 3))
        after = client.get(url).json()["values"]
        assert cell in next(i["values"] for i in after
                            if (i["municipality"], i["period"]) == ("0180", 2020))  # fmt: skip
        assert replay.pages_encoded == 2
        small.delete_value("N00945", "0180", 2020, "T", on=date(2026, 2, 4))
        deleted = client.get(url).json()["values"]
        assert {**cell, "isdeleted": True} in next(
            i["values"] for i in deleted if (i["municipality"], i["period"]) == ("0180", 2020)
        )
    with ReplayServer(small, cache=False) as replay, httpx.Client() as client:
        url = f"{replay.base_url}/data/kpi/N00945/year/2019,2020"
        assert client.get(url).content == client.get(url).content
        assert replay.pages_encoded == 0


def test_faults_apply_to_cached_answers(small: ReplayDataset) -> None:
    with ReplayServer(small) as replay, httpx.Client() as client:
        url = f"{replay.base_url}/data/kpi/N00945/year/2020"
        whole = client.get(url).content
        replay.faults = Faults(rate_truncate=1)
        truncated = client.get(url)
        assert truncated.status_code == 200 and truncated.content == whole[: len(whole) // 2]
        replay.faults = Faults(rate_503=1)
        assert client.get(url).status_code == 503
        replay.faults = Faults()
        assert client.get(url).content == whole
        assert replay.pages_encoded == 1


# Faults ---------------------------------------------------------------------------------------


def _statuses(dataset: ReplayDataset, faults: Faults, n: int) -> list[int]:
    with ReplayServer(dataset, faults) as replay, httpx.Client() as client:
        return [client.get(f"{replay.base_url}/kpi/N00945").status_code for _ in range(n)]


def test_status_faults(dataset: ReplayDataset) -> None:
    with ReplayServer(dataset, Faults(rate_429=1, retry_after="3")) as replay:
        with httpx.Client() as client:
            response = client.get(f"{replay.base_url}/kpi")
            assert response.status_code == 429
            assert response.headers["retry-after"] == "3"
            assert response.json()["detail"]
            replay.faults = Faults(rate_500=1)
            assert client.get(f"{replay.base_url}/kpi").status_code == 500
            replay.faults = Faults(rate_503=1, first_requests_clean=2)
            codes = [client.get(f"{replay.base_url}/kpi").status_code for _ in range(4)]
            assert codes == [200, 200, 503, 503]
        assert replay.request_count == 6
        assert replay.request_log == ["/v3/kpi"] * 6
        assert replay.connections_opened == 1  # keep-alive, even across error answers
    mixed = Faults(rate_429=0.2, rate_500=0.2, rate_503=0.2, seed=11)
    first = _statuses(dataset, mixed, 30)
    assert {200, 429, 500, 503} <= set(first)
    assert _statuses(dataset, mixed, 30) == first  # deterministic given the seed


def test_dropped_connection(dataset: ReplayDataset) -> None:
    faults = Faults(rate_drop=1, first_requests_clean=1)
    with ReplayServer(dataset, faults) as replay, httpx.Client() as client:
        assert client.get(f"{replay.base_url}/kpi").status_code == 200
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.get(f"{replay.base_url}/kpi")  # on the kept-alive connection
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.get(f"{replay.base_url}/kpi")  # on a new one


def test_truncated_body(dataset: ReplayDataset) -> None:
    with ReplayServer(dataset, Faults(rate_truncate=1)) as replay, httpx.Client() as client:
        response = client.get(f"{replay.base_url}/kpi")
        assert response.status_code == 200
        assert int(response.headers["content-length"]) == len(response.content)
        with pytest.raises(json.JSONDecodeError):
            response.json()


def test_slow_answer(dataset: ReplayDataset) -> None:
    with ReplayServer(dataset, Faults(rate_slow=1, slow_seconds=0.5)) as replay:
        with httpx.Client(timeout=0.1) as client, pytest.raises(httpx.ReadTimeout):
            client.get(f"{replay.base_url}/kpi")
        with httpx.Client(timeout=5) as client:
            started = time.perf_counter()
            assert client.get(f"{replay.base_url}/kpi").status_code == 200
            assert time.perf_counter() - started >= 0.5


# Speed ----------------------------------------------------------------------------------------


def test_a_page_of_5000_rows_is_fast(server: ReplayServer, client: httpx.Client) -> None:
    years = ",".join(str(y) for y in range(2001, 2026))
    url = f"{server.base_url}/data/kpi/U01411/year/{years}"  # 3 genders: 15 000 cells a page
    client.get(url)  # generate the KPI
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
    body = response.json()
    assert body["count"] == 5000 and body["next_url"]
    assert response.headers["content-length"] == str(len(response.content))
    assert min(timings) < 0.25  # typically 40-60 ms; generous for shared machines
