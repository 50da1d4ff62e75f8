"""`glokal serve` as a user starts it: one process, or several workers that each keep pages in
memory and still show a change on the very next request."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from glokal.framework import GoalStatus
from glokal.store import Store
from tests.web.browser import serving
from tests.web.opendata import decide


def test_several_workers_show_a_change_on_the_next_request(tmp_path: Path) -> None:
    with serving(tmp_path, "--workers", "2", "--no-access-log") as base:
        page = f"{base}/1781/mal/13"
        # Fresh connections, so that both workers answer (and keep) the page.
        before = [httpx.get(page, timeout=30) for _ in range(8)]
        assert {r.status_code for r in before} == {200}
        assert not any("Bedömning av mål 13." in r.text for r in before)
        store = Store(make_url(f"sqlite:///{tmp_path / 'glokal.sqlite3'}"))
        try:
            decide(store, "1781", 13, GoalStatus.GOD, published=True)
        finally:
            store.close()
        after = [httpx.get(page, timeout=30) for _ in range(8)]
        assert all("Bedömning av mål 13." in r.text for r in after)
