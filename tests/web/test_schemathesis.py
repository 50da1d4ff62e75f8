"""Schemathesis against /api/v1/openapi.json: generated requests to every read endpoint of the
JSON API (over a real store with data) never get a server error (5xx).

Bounded: a few examples per operation and no stateful phase, so the whole run takes seconds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.openapi import from_asgi

from glokal.settings import Settings
from glokal.store import Store
from glokal.web import create_app
from tests.web.opendata import build_store

EXAMPLES = 10


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    store: Store = build_store(tmp_path_factory.mktemp("schemathesis"), kpi_count=4)
    app = create_app(Settings(database_url=str(store.url)), store)
    try:
        yield from_asgi("/api/v1/openapi.json", app).include(method="GET")
    finally:
        store.close()


def test_no_server_error_on_the_read_endpoints(api_schema: schemathesis.BaseSchema) -> None:
    tested = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        tested.append(operation.path)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call()
            where = f"{case.method} {case.formatted_path} {case.query}"
            assert response.status_code < 500, f"{where}: {response.text[:500]}"
            if response.status_code >= 400:
                assert response.json()["error"], f"{where}: an error says what is wrong"

        check()
    assert "/api/v1/values" in tested and "/api/v1/activities" in tested and len(tested) >= 15
