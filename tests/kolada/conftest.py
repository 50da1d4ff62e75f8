"""Fixtures for the Kolada tests: a replay dataset and a replay server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from glokal.cli.base import run_coroutine
from glokal.kolada import KoladaClient, RetryPolicy, SyncOptions, SyncReport, sync_kolada, wire
from glokal.store import Store
from glokal.store.kolada import iter_values
from tests.conftest import KOLADA_DATA
from tests.kolada.replay import Faults, ReplayDataset, ReplayServer

YEARS = tuple(range(2000, 2026))
TEST_KPI_COUNT = 12
FAST_RETRY = RetryPolicy(attempts=8, backoff_base=0.01, backoff_max=0.05)


@pytest.fixture(params=["c", "general"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Data pages read by the C reader (glokal.kolada._pages), or by the general readers
    only, as where it is not built (Polars, msgspec)."""
    if request.param == "general":
        monkeypatch.setattr(wire, "_pages", None)
    return str(request.param)


@pytest.fixture
def dataset() -> ReplayDataset:
    """A small replay dataset of real KPIs; each test gets its own, so it may change it."""
    return ReplayDataset(KOLADA_DATA, kpi_count=TEST_KPI_COUNT)


@pytest.fixture
def replay(dataset: ReplayDataset) -> Iterator[ReplayServer]:
    server = ReplayServer(dataset)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def run_sync(
    store: Store, base_url: str, options: SyncOptions | None = None, **client_options: object
) -> SyncReport:
    """One sync against ``base_url`` with fast retries and no rate limit."""
    settings: dict[str, object] = {"rate": 0, "retry": FAST_RETRY, **client_options}

    async def go() -> SyncReport:
        async with KoladaClient(base_url, **settings) as client:  # type: ignore[arg-type]
            return await sync_kolada(store, client, options or SyncOptions(years=YEARS))

    return run_coroutine(go())


def stored_values(store: Store) -> set[tuple[str, str, int, str, float | None]]:
    with store.session() as session:
        rows = list(iter_values(session))
    found = set(rows)
    assert len(found) == len(rows), "duplicate values in the store"
    return found


__all__ = ["FAST_RETRY", "YEARS", "Faults", "run_sync", "stored_values"]
