"""KoladaClient against the replay server: pages turned into rows as they arrive."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from glokal.kolada import KoladaClient
from tests.kolada.conftest import FAST_RETRY, YEARS
from tests.kolada.replay import Faults, ReplayServer


def test_data_pages_transforms_each_page_in_request_order(replay: ReplayServer) -> None:
    kpi = sorted(replay.dataset.kpi_by_id)[0]
    seen: list[int] = []

    def count(items: list[dict[str, Any]]) -> list[tuple[str, int]]:
        assert not gc.isenabled()  # decoded and transformed with the collector paused
        seen.append(len(items))
        return [(item["municipality"], item["period"]) for item in items]

    async def go() -> tuple[list[dict[str, Any]], list[list[tuple[str, int]]]]:
        async with KoladaClient(replay.base_url, rate=0, retry=FAST_RETRY) as client:
            items = await client.data([kpi], YEARS)
            # Two requests (25 years + 1), the first of two pages; truncated pages are retried.
            replay.faults = Faults(rate_truncate=0.3, seed=5)
            pages = await client.data_pages([kpi], YEARS, count)
            return items, pages

    assert gc.isenabled()
    items, pages = asyncio.run(go())
    assert gc.isenabled()
    assert [p for page in pages for p in page] == [(i["municipality"], i["period"]) for i in items]
    assert sorted(seen) == sorted(len(page) for page in pages) and len(pages) >= 3  # arrival order
