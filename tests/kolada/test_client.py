"""KoladaClient against the replay server: pages turned into rows as they arrive, or read
into frames of items in a reader thread; either way a damaged page is fetched again."""

from __future__ import annotations

import asyncio
import gc

import polars as pl
import pytest

from glokal.errors import KoladaResponseError, KoladaUnavailable
from glokal.kolada import KoladaClient
from glokal.kolada.client import RetryPolicy
from glokal.kolada.wire import (
    DataItem,
    FastPage,
    Malformed,
    as_items,
    items_frame,
    read_data,
    read_items,
)
from tests.conftest import KOLADA_DATA
from tests.kolada.conftest import FAST_RETRY, YEARS
from tests.kolada.replay import Faults, ReplayServer


def test_data_pages_transforms_each_page_in_request_order(replay: ReplayServer) -> None:
    kpi = sorted(replay.dataset.kpi_by_id)[0]
    seen: list[int] = []

    def count(items: list[DataItem]) -> list[tuple[str, int]]:
        assert not gc.isenabled()  # decoded and transformed with the collector paused
        seen.append(len(items))
        return [(item.municipality, item.period) for item in items]

    async def go() -> tuple[list[DataItem], list[list[tuple[str, int]]]]:
        async with KoladaClient(replay.base_url, rate=0, retry=FAST_RETRY) as client:
            items = await client.data([kpi], YEARS)
            # Two requests (25 years + 1), the first of two pages; truncated pages are retried.
            replay.faults = Faults(rate_truncate=0.3, seed=5)
            pages = await client.data_pages([kpi], YEARS, count)
            return items, pages

    assert gc.isenabled()
    items, pages = asyncio.run(go())
    assert gc.isenabled()
    assert [p for page in pages for p in page] == [(i.municipality, i.period) for i in items]
    assert sorted(seen) == sorted(len(page) for page in pages) and len(pages) >= 3  # arrival order


def test_fast_pages_hold_every_item_fetched_again_when_truncated(replay: ReplayServer) -> None:
    kpi = sorted(replay.dataset.kpi_by_id)[0]

    async def go() -> tuple[list[DataItem], list[FastPage], int]:
        async with KoladaClient(replay.base_url, rate=0, retry=FAST_RETRY) as client:
            items = await client.data([kpi], YEARS)
            replay.faults = Faults(rate_truncate=0.5, seed=7)
            before = client.requests
            pages = await client.data_fast([kpi], YEARS)
            return items, pages, client.requests - before

    items, pages, requests = asyncio.run(go())
    assert requests > len(pages) >= 3  # some pages came truncated and were fetched again
    assert pl.concat([as_items(page) for page in pages]).equals(items_frame(items))


def test_items_are_read_the_same_by_polars_and_by_the_lax_decoder() -> None:
    body = (
        b'{"count": 3, "values": ['
        b'{"kpi": "N1", "municipality": "0180", "period": 2020, "status": "x", "values": ['
        b'{"gender": "T", "count": 1, "status": "", "value": 1.5, "isdeleted": false, "ou": 1},'
        b'{"gender": "K", "count": 0, "value": null, "isdeleted": true},'
        b' {"count": 2, "value": 7}]},'
        b'{"kpi": "N1", "municipality": "1280", "period": 2021, "values": []},'
        b'{"kpi": "N1", "municipality": "1280", "period": 2022}], "next_url": "/v3/x?page=2"}'
    )
    page = read_items(body)
    assert page.next_url == "/v3/x?page=2"
    cell = ("gender", "count", "value", "isdeleted")
    assert page.values.rows() == [
        ("N1", "0180", 2020, [dict(zip(cell, ("T", 1, 1.5, False), strict=True)),
                              dict(zip(cell, ("K", 0, None, True), strict=True)),
                              dict(zip(cell, (None, 2, 7.0, None), strict=True))]),
        ("N1", "1280", 2021, []),
        ("N1", "1280", 2022, []),
    ]  # fmt: skip
    assert page.values.equals(read_data(body).map(items_frame).values)
    # What Polars will not read as Kolada's shape, the lax decoder reads: the same items.
    lax = body.replace(b'"count": 2,', b'"count": "2",').replace(
        b'"isdeleted": true', b'"isdeleted": 1'
    )
    assert read_items(lax).values.equals(page.values)
    assert read_items(b'{"values": [], "next_url": null}').values.height == 0


def test_a_page_damaged_anywhere_is_malformed() -> None:
    body = (
        b'{"count": 1, "values": [{"kpi": "N1", "municipality": "0180", "period": 2020,'
        b' "values": [{"gender": "T", "count": 1, "value": 1.5}]}], "next_url": "/v3/x?page=2",'
        b' "previous_url": null}'
    )
    assert read_items(body).next_url == "/v3/x?page=2"
    assert read_data(body).values[0].values[0].value == 1.5
    damaged = [
        body[: len(body) // 2],  # truncated
        body[:-1],  # the last brace missing
        body.replace(b'"period": 2020', b'"period": 20x20'),  # broken in the middle
        body.replace(b'"values": [{"kpi"', b'"values": {"a": [{"kpi"').replace(b"}]}],", b"}]}]},"),
    ]
    for bad in damaged:
        with pytest.raises(Malformed):
            read_items(bad)
        with pytest.raises(Malformed):
            read_data(bad)
    for read in (read_data, read_items):
        with pytest.raises(Malformed, match="shaped"):
            read(body.replace(b'"municipality": "0180", ', b""))  # an item without a unit


def test_a_real_kolada_page_is_read_by_polars_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    body = (KOLADA_DATA / "data-sample.json").read_bytes()
    lax = read_data(body).map(items_frame).values

    def not_used(_body: bytes) -> None:
        raise AssertionError("the lax decoder was used for Kolada's own shape")

    monkeypatch.setattr("glokal.kolada.wire.read_data", not_used)
    page = read_items(body)
    assert page.values.height == 303 and page.values.equals(lax)


def test_kolada_errors_name_the_url_in_the_interface_language(replay: ReplayServer) -> None:
    """A 4xx and a server that never answers: English for logs, Swedish and English at the edge."""

    async def missing() -> None:
        async with KoladaClient(replay.base_url + "/nope", rate=0, retry=FAST_RETRY) as client:
            await client.kpis()

    with pytest.raises(KoladaResponseError) as answered:
        asyncio.run(missing())
    url = answered.value.url
    assert answered.value.status == 404 and "/v3/nope/kpi" in url
    assert str(answered.value).startswith(f"Kolada answered HTTP 404 for {url}: ")
    assert answered.value.in_language("sv").startswith(f"Kolada svarade HTTP 404 på {url}: ")

    async def unreachable() -> None:
        retry = RetryPolicy(attempts=2, backoff_base=0.01, backoff_max=0.01)
        async with KoladaClient("http://127.0.0.1:9/v3", rate=0, retry=retry) as client:
            await client.kpis()

    with pytest.raises(KoladaUnavailable) as failed:
        asyncio.run(unreachable())
    url = failed.value.url
    assert str(failed.value).startswith(f"Kolada did not answer {url} after 2 attempts (last: ")
    assert failed.value.in_language("sv").startswith(
        f"Kolada svarade inte på {url} efter 2 försök (senast: "
    )
