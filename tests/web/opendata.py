"""A real store (an SQLite file unless given a URL) with data for the API tests: reference
data, a small Kolada replay dataset synced through the real sync and assessed, the register's
example activities (one of them a draft), published and draft decisions, and a programme with
members."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import URL, make_url

from glokal.analysis import AnalysisData, suggest
from glokal.framework import GoalStatus
from glokal.register import import_activities, install_builtin_programmes
from glokal.store import Store
from glokal.store.analysis import read_analysis_frames, replace_results
from glokal.store.assessments import record_assessment
from glokal.store.models import ActivityRow
from glokal.store.programmes import Membership, save_membership
from tests.conftest import KOLADA_DATA
from tests.kolada.conftest import run_sync
from tests.kolada.replay import ReplayDataset, ReplayServer
from tests.register.examples import write_examples

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DRAFT_TITLE = "Brottsofferjouren"  # the example activity the fixture turns into a draft


def assess(store: Store) -> None:
    """What `glokal assess` does for every unit with the default method."""
    with store.session() as session, session.begin():
        frames = read_analysis_frames(session)
        data = AnalysisData.of(
            values=frames.values, units=frames.units, kpis=frames.kpis,
            goal_kpis=frames.goal_kpis, similar=frames.similar,
        )  # fmt: skip
        kpi_results, goal_results, parts = suggest(data, method="default")
        replace_results(
            session, method="default", units=frames.units.get_column("unit").to_list(),
            kpi_results=kpi_results, goal_results=goal_results, contributions=parts,
            computed_at=NOW,
        )  # fmt: skip


def decide(store: Store, unit: str, goal: int, status: GoalStatus, *, published: bool) -> None:
    with store.session() as session, session.begin():
        record_assessment(
            session, unit, goal, status=status, text=f"Bedömning av mål {goal}.",
            assessor="Hållbarhetsstrategen", method_note="", cutoff=date(2026, 11, 1),
            justification=None, suggested_status=None, suggestion_method=None,
            recorded_by="strateg@example.se", recorded_at=NOW, published=published,
        )  # fmt: skip


def build_store(directory: Path, kpi_count: int = 8, url: URL | None = None) -> Store:
    store = Store(url or make_url(f"sqlite:///{directory / 'glokal.sqlite3'}"))
    store.init()
    server = ReplayServer(ReplayDataset(KOLADA_DATA, kpi_count=kpi_count))
    url = server.start()
    try:
        # In a thread of its own: a browser test (Playwright's sync API) may have left an event
        # loop running in this one, and the sync calls asyncio.run.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(run_sync, store, url).result()
    finally:
        server.stop()
    assess(store)
    with store.session() as session, session.begin():
        import_activities(session, write_examples(directory / "a.csv"), by="test", now=NOW)
        session.execute(
            update(ActivityRow).where(ActivityRow.title == DRAFT_TITLE).values(published=False)
        )
        install_builtin_programmes(session)
        save_membership(session, "glokala-sverige", Membership("1781", date(2019, 1, 1)))
        save_membership(session, "glokala-sverige", Membership("2409", date(2020, 1, 1)))
    decide(store, "1781", 13, GoalStatus.UTMANING, published=True)
    decide(store, "1781", 5, GoalStatus.GOD, published=True)
    decide(store, "1781", 5, GoalStatus.BETYDANDE_UTMANING, published=False)  # a draft
    decide(store, "2409", 5, GoalStatus.NEUTRAL, published=False)  # only a draft
    return store


def get(client: TestClient, path: str, expect: int = 200, **params: Any) -> Any:
    """The JSON answer of ``path``, after checking its status."""
    response = client.get(path, params=params)
    assert response.status_code == expect, response.text[:500]
    return response.json()
