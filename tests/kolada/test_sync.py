"""The sync against the Kolada replay server: exact results, faults, kills, increments."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from glokal.errors import InputError
from glokal.kolada import RetryPolicy, SyncOptions
from glokal.store import Store
from glokal.store.kolada import list_kpis
from glokal.store.models import KoladaSyncRunRow, KpiGoalRow
from tests.kolada.conftest import YEARS, run_sync, stored_values
from tests.kolada.replay import Faults, ReplayDataset, ReplayServer


def test_full_sync_stores_exactly_the_live_values(
    initialised_store: Store, replay: ReplayServer, dataset: ReplayDataset, reader: str
) -> None:
    report = run_sync(initialised_store, replay.base_url)
    truth = dataset.live_values()
    assert report.mode == "full" and not report.resumed
    assert report.values_written == len(truth)
    assert stored_values(initialised_store) == truth


def test_the_agenda_selection_is_stored_with_goals_and_fetch_date(
    initialised_store: Store, replay: ReplayServer, dataset: ReplayDataset
) -> None:
    run_sync(initialised_store, replay.base_url)
    with initialised_store.session() as session:
        mapping = list(session.scalars(select(KpiGoalRow)))
        kpis = list_kpis(session)
    assert mapping and all(m.last_seen == datetime.now(UTC).date() for m in mapping)
    selected = {k["id"] for k in dataset.kpis}
    assert {k.id for k in kpis} == selected
    assert all(k.goals for k in kpis)
    assert 17 not in {m.goal for m in mapping}  # the goal 17 groups are empty
    with initialised_store.session() as session:
        by_goal = list_kpis(session, goal=kpis[0].goals[0])
    assert kpis[0].id in {k.id for k in by_goal}


def test_every_fault_switched_on_gives_the_same_result(
    initialised_store: Store, dataset: ReplayDataset, reader: str
) -> None:
    # Every kind of fault at once, 35 % of requests in all, and slow answers past the timeout:
    # a request fails twenty times in a row with odds of about 4e-9 (ten gave a failed run in
    # about one of fifty on a busy machine, where a clean answer can miss 0.5 s too), so the
    # retries must carry the sync through.
    faults = Faults(
        rate_429=0.06, retry_after="0", rate_500=0.06, rate_503=0.06, rate_slow=0.05,
        slow_seconds=1.5, rate_drop=0.06, rate_truncate=0.06, seed=11,
    )  # fmt: skip
    retry = RetryPolicy(attempts=20, backoff_base=0.01, backoff_max=0.05)
    with ReplayServer(dataset, faults, absolute_next_url=True) as server:
        report = run_sync(initialised_store, server.base_url, timeout=1.0, retry=retry)
        log = list(server.request_log)
    truth = dataset.live_values()
    assert stored_values(initialised_store) == truth
    assert report.values_written == len(truth)
    assert report.requests > len(set(log)) / 2  # retries happened and were counted


def test_incremental_sync_updates_exactly_what_changed(
    initialised_store: Store, replay: ReplayServer, dataset: ReplayDataset
) -> None:
    run_sync(initialised_store, replay.base_url)
    before = stored_values(initialised_store)
    today = datetime.now(UTC).date()
    live = sorted(v for v in before if v[4] is not None)
    rng = random.Random(5)
    changed = rng.sample(live, 3)
    for kpi, unit, period, gender, value in changed:
        dataset.change_value(kpi, unit, period, gender, round((value or 0) + 1.5, 1), on=today)
    removed = rng.choice([v for v in live if v not in changed])
    dataset.delete_value(*removed[:4], on=today)
    report = run_sync(initialised_store, replay.base_url)
    assert report.mode == "incremental" and report.from_date == today
    assert report.values_deleted == 1
    assert set(report.changed_kpis) == {c[0] for c in changed} | {removed[0]}
    after = stored_values(initialised_store)
    assert after == dataset.live_values()
    assert len(before - after) == 4 and len(after - before) == 3


def test_a_no_change_incremental_sync_writes_nothing(
    initialised_store: Store, replay: ReplayServer
) -> None:
    first = run_sync(initialised_store, replay.base_url)
    again = run_sync(initialised_store, replay.base_url)
    assert again.mode == "incremental"
    assert (again.values_written, again.values_deleted, again.changed_kpis) == (0, 0, [])
    assert again.requests < first.requests / 5


def test_since_option_and_explicit_kpis(
    initialised_store: Store, replay: ReplayServer, dataset: ReplayDataset
) -> None:
    some = tuple(sorted(k["id"] for k in dataset.kpis)[:2])
    report = run_sync(initialised_store, replay.base_url, SyncOptions(kpis=some, years=YEARS))
    assert report.kpis_total == 2
    assert {v[0] for v in stored_values(initialised_store)} == set(some)
    with pytest.raises(InputError, match="N99999"):
        run_sync(initialised_store, replay.base_url, SyncOptions(kpis=("N99999",), years=YEARS))
    since = run_sync(
        initialised_store, replay.base_url,
        SyncOptions(kpis=some, years=YEARS, since=date(2100, 1, 1)),
    )  # fmt: skip
    assert since.mode == "incremental" and since.values_written == 0


def test_sigkill_at_random_moments_then_rerun_reaches_the_truth(
    tmp_path: Path, dataset: ReplayDataset
) -> None:
    database = tmp_path / "killed.sqlite3"
    env = {**os.environ, "GLOKAL_DATABASE_URL": f"sqlite:///{database}"}
    rng = random.Random(2030)
    with ReplayServer(dataset, Faults(rate_slow=0.05, slow_seconds=0.3, seed=3)) as server:
        command = [
            sys.executable, "-m", "glokal", "sync", "kolada", "--base-url", server.base_url,
            "--rate", "0", "--concurrency", "2", "--from-year", "2000",
        ]  # fmt: skip
        init = [sys.executable, "-m", "glokal", "init"]
        assert subprocess.run(init, env=env, capture_output=True, timeout=60).returncode == 0
        kills = 0
        for _attempt in range(12):
            process = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
            try:
                process.wait(timeout=rng.uniform(0.5, 3.0))
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                process.wait()
                kills += 1
                continue
            assert process.returncode == 0, process.stderr.read() if process.stderr else ""
            break
        else:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
    assert kills >= 1
    store = Store(make_url(f"sqlite:///{database}"))
    try:
        assert stored_values(store) == dataset.live_values()
        with store.session() as session:
            runs = list(session.scalars(select(KoladaSyncRunRow)))
        assert runs and runs[-1].status == "done"
    finally:
        store.close()


def test_a_resumed_run_skips_what_was_committed(
    initialised_store: Store, replay: ReplayServer, dataset: ReplayDataset
) -> None:
    run_sync(initialised_store, replay.base_url)
    with initialised_store.session() as session, session.begin():
        run = session.scalars(select(KoladaSyncRunRow)).one()
        run.status, run.finished_at = "running", None  # as if killed after its last KPI
    started = time.perf_counter()
    report = run_sync(initialised_store, replay.base_url)
    assert report.resumed and report.kpis_skipped == report.kpis_total
    assert report.kpis_done == 0 and time.perf_counter() - started < 30
    assert stored_values(initialised_store) == dataset.live_values()


def test_full_starts_over_instead_of_resuming_a_stopped_run(
    initialised_store: Store, replay: ReplayServer, dataset: ReplayDataset
) -> None:
    run_sync(initialised_store, replay.base_url)
    with initialised_store.session() as session, session.begin():
        run = session.scalars(select(KoladaSyncRunRow)).one()
        run.status, run.finished_at = "running", None  # as if stopped after its last KPI
    report = run_sync(initialised_store, replay.base_url, SyncOptions(years=YEARS, full=True))
    assert report.mode == "full" and not report.resumed
    assert report.kpis_skipped == 0 and report.kpis_done == report.kpis_total
    with initialised_store.session() as session:
        statuses = [r.status for r in session.scalars(select(KoladaSyncRunRow).order_by("id"))]
    assert statuses == ["abandoned", "done"]
    assert stored_values(initialised_store) == dataset.live_values()


def test_a_full_sync_of_later_years_keeps_the_earlier_ones(
    initialised_store: Store, replay: ReplayServer, dataset: ReplayDataset
) -> None:
    run_sync(initialised_store, replay.base_url)
    later = tuple(y for y in YEARS if y >= 2015)
    report = run_sync(initialised_store, replay.base_url, SyncOptions(years=later, full=True))
    assert report.mode == "full"
    assert stored_values(initialised_store) == dataset.live_values()


def test_a_failed_metadata_write_stops_the_sync_before_any_value(
    initialised_store: Store, replay: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The values are fetched while the metadata is written, but written only after it: if
    the metadata's write fails, no value, run or checkpoint is written, and the next run is
    a full one."""
    import glokal.kolada.sync as sync_module

    def fails(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the metadata's write failed")

    monkeypatch.setattr(sync_module, "load_bundled_polarity", fails)
    with pytest.raises(RuntimeError, match="metadata's write failed"):
        run_sync(initialised_store, replay.base_url)
    with initialised_store.session() as session:
        assert session.scalars(select(KoladaSyncRunRow)).all() == []
    assert stored_values(initialised_store) == set()
    monkeypatch.undo()
    report = run_sync(initialised_store, replay.base_url)
    assert report.mode == "full" and report.values_written > 0


def test_a_failed_write_of_values_stops_the_sync_and_keeps_what_was_committed(
    initialised_store: Store, replay: ReplayServer, dataset: ReplayDataset,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The one writer fails on the fifth KPI: the sync raises its error (the fetching stops
    rather than waits for a writer that is gone), the KPIs of earlier transactions stay, and
    the next run resumes and reaches the truth."""
    import glokal.kolada.sync as sync_module

    real = sync_module.replace_kpi_series
    calls = 0

    def fails_on_the_fifth(*args: object, **kwargs: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 5:
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sync_module, "replace_kpi_series", fails_on_the_fifth)
    monkeypatch.setattr(sync_module, "WRITE_BATCH", 1)
    with pytest.raises(RuntimeError, match="disk is full"):
        run_sync(initialised_store, replay.base_url)
    monkeypatch.undo()
    with initialised_store.session() as session:
        (run,) = session.scalars(select(KoladaSyncRunRow)).all()
    assert run.status != "done"
    assert 1 <= len({kpi for kpi, *_ in stored_values(initialised_store)}) <= 4
    report = run_sync(initialised_store, replay.base_url)
    assert report.resumed and report.kpis_skipped >= 1
    assert stored_values(initialised_store) == dataset.live_values()
