"""KoladaClient against the replay server: pages turned into rows as they arrive, or kept
whole for a database that reads JSON; either way a damaged page is fetched again."""

from __future__ import annotations

import asyncio
import gc

import msgspec
import pytest

from glokal.kolada import KoladaClient
from glokal.kolada.wire import DataItem, Malformed, read_data, read_raw
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


def test_data_bodies_are_whole_answers_fetched_again_when_truncated(replay: ReplayServer) -> None:
    kpi = sorted(replay.dataset.kpi_by_id)[0]

    async def go() -> tuple[list[DataItem], list[bytes], int]:
        async with KoladaClient(replay.base_url, rate=0, retry=FAST_RETRY) as client:
            items = await client.data([kpi], YEARS)
            replay.faults = Faults(rate_truncate=0.5, seed=7)
            before = client.requests
            bodies = await client.data_bodies([kpi], YEARS)
            return items, bodies, client.requests - before

    items, bodies, requests = asyncio.run(go())
    assert requests > len(bodies) >= 3  # some pages came truncated and were fetched again
    decoded = [item for body in bodies for item in read_data(body).values]
    assert msgspec.to_builtins(decoded) == msgspec.to_builtins(items)


def test_a_page_damaged_anywhere_is_malformed() -> None:
    body = (
        b'{"count": 1, "values": [{"kpi": "N1", "municipality": "0180", "period": 2020,'
        b' "values": [{"gender": "T", "count": 1, "value": 1.5}]}], "next_url": "/v3/x?page=2",'
        b' "previous_url": null}'
    )
    assert read_raw(body).values is body and read_raw(body).next_url == "/v3/x?page=2"
    assert read_data(body).values[0].values[0].value == 1.5
    damaged = [
        body[: len(body) // 2],  # truncated
        body[:-1],  # the last brace missing
        body.replace(b'"period": 2020', b'"period": 20x20'),  # broken in the middle
        body.replace(b'"values": [{"kpi"', b'"values": {"a": [{"kpi"').replace(b"}]}],", b"}]}]},"),
    ]
    for bad in damaged:
        with pytest.raises(Malformed):
            read_raw(bad)
        with pytest.raises(Malformed):
            read_data(bad)
    with pytest.raises(Malformed, match="shaped"):
        read_data(body.replace(b'"municipality": "0180", ', b""))  # an item without a unit
