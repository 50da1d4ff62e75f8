"""The Kolada sync engine: metadata and values from the API into the store.

A full sync fetches each KPI of the selection for every unit and year and commits it together
with a checkpoint, so a stop at any moment loses only the KPIs in flight; the next run picks the
unfinished run up and fetches only the KPIs it lacks. Once a full sync has finished, later runs
are incremental: Kolada's ``from_date`` returns only what changed since the last run started.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import re
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol, TypeVar

from glokal.errors import InputError
from glokal.i18n import N_
from glokal.kolada.client import KoladaClient
from glokal.kolada.plan import (
    agenda_groups,
    kpi_row,
    parse_data,
    selection_kpis,
    series_of_pages,
)
from glokal.kolada.polarity import bundled_polarity
from glokal.kolada.wire import FastPage
from glokal.store import Store
from glokal.store.kolada import (
    abandon_unfinished_runs,
    checkpoint_kpi,
    checkpointed_kpis,
    delete_values,
    driver_timestamp,
    ever_checkpointed_kpis,
    finish_run,
    flag_missing_kpis,
    known_place_ids,
    kpi_metadata_age,
    last_finished_run,
    load_bundled_polarity,
    record_agenda_selection,
    replace_groups,
    replace_kpi_series,
    start_run,
    unfinished_run,
    upsert_kpis,
    upsert_values,
)
from glokal.store.models import PlaceRow

T = TypeVar("T")
U = TypeVar("U")
AGENDA_SELECTION = "agenda2030"
FIRST_YEAR = 1990
METADATA_MAX_AGE = timedelta(days=1)


# At most this many fetched KPIs are written in one transaction.
WRITE_BATCH = 16


@dataclass(frozen=True)
class _Fetched:
    """A KPI's pages as fetched, waiting to be written."""

    kpi: str
    pages: list[FastPage]
    at: datetime
    requests: int


@dataclass(frozen=True)
class SyncOptions:
    """What to sync. Without ``kpis`` or ``kpi_groups``: the Agenda 2030 selection."""

    kpis: tuple[str, ...] = ()
    kpi_groups: tuple[str, ...] = ()
    since: date | None = None
    full: bool = False
    years: tuple[int, ...] = ()  # default: FIRST_YEAR up to this year

    @property
    def selection(self) -> str:
        if self.kpis:
            return "kpi:" + ",".join(sorted(self.kpis))
        if self.kpi_groups:
            return "kpi_group:" + ",".join(sorted(self.kpi_groups))
        return AGENDA_SELECTION


@dataclass
class SyncReport:
    mode: str = "full"
    run_id: int = 0
    resumed: bool = False
    from_date: date | None = None
    kpis_total: int = 0
    kpis_skipped: int = 0
    kpis_done: int = 0
    values_written: int = 0
    values_deleted: int = 0
    requests: int = 0
    changed_kpis: list[str] = field(default_factory=list)
    unknown_units: set[str] = field(default_factory=set)
    seconds: float = 0.0


class SyncProgress(Protocol):
    """What the sync tells whoever shows progress (the CLI draws it with Rich)."""

    def phase(self, description: str, total: int | None = None) -> None: ...

    def advance(self, kpis: int, values: int) -> None: ...


class _Silent:
    def phase(self, description: str, total: int | None = None) -> None:
        pass

    def advance(self, kpis: int, values: int) -> None:
        pass


def _utcnow() -> datetime:
    return datetime.now(UTC)


def parse_kpi_ids(text: str, *, where: str) -> tuple[str, ...]:
    """ "N00401,N00945" → ("N00401", "N00945"); rejects anything that is not a Kolada KPI id."""
    ids = tuple(part.strip().upper() for part in text.split(",") if part.strip())
    bad = [i for i in ids if not re.fullmatch(r"[NU][0-9]{5}", i)]
    if not ids or bad:
        raise InputError(
            N_("{ids} is not a Kolada KPI id like N00401 or U01411"),
            ids=", ".join(bad) or repr(text),
            where=where,
        )
    return ids


def parse_group_ids(text: str, *, where: str) -> tuple[str, ...]:
    ids = tuple(part.strip() for part in text.split(",") if part.strip())
    bad = [i for i in ids if not (i[:1] == "G" and len(i) > 1)]
    if not ids or bad:
        raise InputError(
            N_("{ids} is not a Kolada group id like G2KPI150159"),
            ids=", ".join(bad) or repr(text),
            where=where,
        )
    return ids


class KoladaSync:
    """Runs one sync of a selection: metadata first, then values (full, resumed or incremental)."""

    def __init__(
        self,
        store: Store,
        client: KoladaClient,
        options: SyncOptions,
        progress: SyncProgress | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.store = store
        self.client = client
        self.options = options
        self.progress: SyncProgress = progress or _Silent()
        self.clock = clock
        self.report = SyncReport()
        self._write_lock = asyncio.Lock()
        self._kolada_units: set[str] = set()
        self._metadata_written: asyncio.Future[None] | None = None

    async def run(self) -> SyncReport:
        with _older_objects_frozen():
            return await self._run()

    async def _run(self) -> SyncReport:
        started = time.perf_counter()
        now = self.clock()
        years = self.options.years or tuple(range(FIRST_YEAR, now.year + 1))
        selection = self.options.selection
        with self.store.session() as session:
            # --full starts over even where a stopped run could be resumed.
            resumable = None if self.options.full else unfinished_run(session, selection)
            previous = last_finished_run(session, selection)
            metadata_fetched = kpi_metadata_age(session)
        fresh_metadata = (
            metadata_fetched is not None
            and now - metadata_fetched.replace(tzinfo=metadata_fetched.tzinfo or UTC)
            < METADATA_MAX_AGE
        )
        incremental = not self.options.full and (
            self.options.since is not None or (resumable is None and previous is not None)
        )
        self.progress.phase("Kolada: metadata")
        kpis = await self._metadata(now, refresh_all=not (incremental and fresh_metadata))
        try:
            await self._values(kpis, years, incremental, resumable, previous, now)
        finally:
            # The metadata's write runs beside the first values' fetching; it is always
            # waited for (its error, if any, is the sync's), never left running.
            if self._metadata_written is not None:
                await self._metadata_written
        self.report.requests = self.client.requests
        self.report.seconds = time.perf_counter() - started
        return self.report

    async def _values(
        self,
        kpis: list[str],
        years: Sequence[int],
        incremental: bool,
        resumable: Any,
        previous: Any,
        now: datetime,
    ) -> None:
        self.report.kpis_total = len(kpis)
        if incremental:
            from_date = self.options.since or (
                previous.started_at.date() if previous is not None else None
            )
            with self.store.session() as session:
                fetched_before = ever_checkpointed_kpis(session)
            new = [k for k in kpis if k not in fetched_before]
            if new and self.options.since is None:
                # KPIs that joined the selection since the last run: fetch them whole first.
                await self._full(new, years, None, now)
                kpis = [k for k in kpis if k in fetched_before]
            await self._incremental(kpis, years, from_date, now)
        else:
            await self._full(kpis, years, resumable, now)

    # -- metadata -------------------------------------------------------------------------

    async def _metadata_done(self) -> None:
        """Wait for the metadata's write; raises its error if it failed."""
        if self._metadata_written is not None:
            await asyncio.shield(self._metadata_written)

    async def _metadata(self, now: datetime, *, refresh_all: bool) -> list[str]:
        """Fetch what the selection needs; returns the selected KPI ids."""
        client = self.client

        async def places() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            if not refresh_all:
                return [], []
            units, groups = await asyncio.gather(
                client.municipalities(), client.municipality_groups()
            )
            return units, groups

        async def selection() -> tuple[list[dict[str, Any]], list[str], list[dict[str, Any]]]:
            """The selection's KPI groups, the KPI ids it names, and their /kpi items."""
            if self.options.kpis:
                kpi_groups: list[dict[str, Any]] = []
                wanted = list(self.options.kpis)
            elif self.options.kpi_groups:
                kpi_groups = await client.kpi_groups(list(self.options.kpi_groups))
                found = {g["id"] for g in kpi_groups}
                missing = [g for g in self.options.kpi_groups if g not in found]
                if missing:
                    raise InputError(
                        N_("Kolada has no KPI group {groups}"), groups=missing, where="--kpi-group"
                    )
                wanted = sorted(
                    {m["member_id"] for g in kpi_groups for m in g.get("members") or []}
                )
            else:
                kpi_groups = await client.kpi_groups(title="agenda")
                agenda = agenda_groups(kpi_groups)
                if not agenda:
                    raise InputError(
                        N_("Kolada at {url} has no KPI groups titled 'Agenda 2030 … Mål N'"),
                        url=client.base_url,
                        where="--base-url",
                    )
                kpi_groups = [g for g in kpi_groups if g["id"] in {a.id for a in agenda}]
                wanted = selection_kpis(agenda)
            return kpi_groups, wanted, await client.kpis(wanted) if wanted else []

        # The units and the KPIs at once; the values' fetching waits for the KPIs only, their
        # writes for the metadata's write, which waits for the units.
        places_fetched = asyncio.ensure_future(places())
        try:
            kpi_groups, wanted, kpi_items = await selection()
            returned = {item["id"] for item in kpi_items}
            unknown = [k for k in wanted if k not in returned]
            if self.options.kpis and unknown:
                raise InputError(N_("Kolada has no KPI {kpis}"), kpis=unknown, where="--kpi")
        except BaseException:
            places_fetched.cancel()
            with contextlib.suppress(BaseException):
                await places_fetched
            raise

        def write(units: list[dict[str, Any]], municipality_groups: list[dict[str, Any]]) -> None:
            with self.store.session() as session, session.begin():
                if units:
                    self._add_unknown_units(session, units, now)
                if municipality_groups:
                    replace_groups(session, "municipality", municipality_groups, now)
                replace_groups(session, "kpi", kpi_groups, now)
                upsert_kpis(session, [{**kpi_row(item), "fetched_at": now} for item in kpi_items])
                flag_missing_kpis(session, unknown, now)
                if not self.options.kpis and not self.options.kpi_groups:
                    agenda = agenda_groups(kpi_groups)
                    record_agenda_selection(
                        session,
                        [(k, g.id, g.goal, g.unit_type) for g in agenda for k in g.kpis],
                        now.date(),
                    )
                load_bundled_polarity(session, bundled_polarity(), now)

        async def write_first() -> None:
            units, municipality_groups = await places_fetched
            # The units the store knows once this is written (see _add_unknown_units).
            self._kolada_units = {unit["id"] for unit in units if unit.get("type") in ("K", "L")}
            async with self._write_lock:  # before any value: values need these units
                await asyncio.to_thread(write, units, municipality_groups)

        # Fetching values need not wait for the metadata's write (the municipality groups
        # are a quarter of a second of it); every write of values waits for it.
        self._metadata_written = asyncio.ensure_future(write_first())
        return sorted(returned)

    def _add_unknown_units(
        self, session: Any, units: Sequence[dict[str, Any]], now: datetime
    ) -> None:
        """Kolada units the bundled places lack (a new kommun, say) are added from Kolada."""
        known = known_place_ids(session)
        for unit in units:
            if unit["id"] not in known and unit.get("type") in ("K", "L"):
                session.add(
                    PlaceRow(
                        id=unit["id"], name=unit["title"], type=unit["type"], county=None,
                        region=None, kommungrupp=None,
                        source=f"Kolada /municipality, fetched {now.date().isoformat()}",
                    )
                )  # fmt: skip

    # -- values ---------------------------------------------------------------------------

    async def _full(
        self, kpis: list[str], years: Sequence[int], resumable: Any, now: datetime
    ) -> None:
        def read_done() -> tuple[set[str], set[str]]:
            with self.store.session() as session:
                done = set() if resumable is None else checkpointed_kpis(session, resumable.id)
                return done, known_place_ids(session)

        def begin() -> int:
            with self.store.session() as session, session.begin():
                abandon_unfinished_runs(session, self.options.selection)
                run = start_run(
                    session, "full", self.options.selection, self.client.base_url, None, now
                )
                return run.id

        async def begin_after_metadata() -> int:
            # Nothing of the values is written unless the metadata was: its error is the
            # sync's, raised here for every value write (they all wait for this).
            await self._metadata_done()
            if resumable is not None:
                return int(resumable.id)
            async with self._write_lock:  # a write: after the metadata's, before any value
                return await asyncio.to_thread(begin)

        done, units = await asyncio.to_thread(read_done)
        started = asyncio.ensure_future(begin_after_metadata())
        await asyncio.sleep(0)  # let it queue for the write lock first
        self.report.mode = "full"
        self.report.resumed = resumable is not None
        todo = [k for k in kpis if k not in done]
        self.report.kpis_skipped = len(kpis) - len(todo)
        self.progress.phase("Kolada: values", total=len(kpis))
        self.progress.advance(self.report.kpis_skipped, 0)

        # Fetched KPIs wait here for the one writer, which takes all that are waiting (up to
        # WRITE_BATCH) into one transaction: fewer sessions, commits and thread hops, each of
        # which wants the GIL that the event loop's HTTP is waiting for (bench/README.md).
        fetched: asyncio.Queue[_Fetched | None] = asyncio.Queue()
        # A bounded set of KPIs fetched and not yet written: the client bounds requests, this
        # bounds memory (a KPI's pages are a megabyte or two).
        in_flight = asyncio.Semaphore(self.client.concurrency * 4)

        async def fetch(kpi: str) -> None:
            await in_flight.acquire()  # released once the KPI is written
            requests_before = self.client.requests
            fetched_at = self.clock()
            pages = await self.client.data_fast([kpi], years)
            fetched.put_nowait(
                _Fetched(kpi, pages, fetched_at, self.client.requests - requests_before)
            )

        def write(run_id: int, batch: list[_Fetched]) -> list[tuple[int, set[str]]]:
            written = []
            with self.store.session() as session, session.begin():
                for one in batch:
                    # The C reader or Polars, both mostly without the GIL.
                    found = series_of_pages(one.pages, one.kpi, units)
                    count = replace_kpi_series(session, one.kpi, found.rows, one.at, years)
                    checkpoint_kpi(session, run_id, one.kpi, count, one.requests, one.at)
                    written.append((count, found.unknown_units))
            return written

        async def writer() -> None:
            run_id = await started
            units.update(self._kolada_units)  # those the metadata's write added
            while True:
                batch = [await fetched.get()]
                while len(batch) < WRITE_BATCH and not fetched.empty():
                    batch.append(fetched.get_nowait())
                last = batch[-1] is None
                kpis = [one for one in batch if one is not None]
                if kpis:
                    async with self._write_lock:  # one writer at a time (SQLite has one)
                        written = await asyncio.to_thread(write, run_id, kpis)
                    for count, unknown in written:
                        in_flight.release()
                        self.report.unknown_units |= unknown
                        self.report.kpis_done += 1
                        self.report.values_written += count
                        self.progress.advance(1, count)
                if last:
                    return

        async def fetch_all() -> None:
            await asyncio.gather(*(fetch(k) for k in todo))
            fetched.put_nowait(None)  # the writer's end

        try:
            await _all(writer(), fetch_all())  # a failed write stops the fetching
        finally:
            run_id = await started  # never left running, whatever stopped the values
        self.report.run_id = run_id

        def finish() -> None:
            with self.store.session() as session, session.begin():
                finish_run(session, run_id, self.clock())

        await asyncio.to_thread(finish)

    async def _incremental(
        self, kpis: list[str], years: Sequence[int], from_date: date | None, now: datetime
    ) -> None:
        self.report.mode = "incremental"
        self.report.from_date = from_date
        self.progress.phase("Kolada: changes", total=len(kpis))
        items = await self.client.data(kpis, years, from_date=from_date)
        fetched_at = self.clock()

        def write() -> tuple[int, list[str], int, int]:
            with self.store.session() as session, session.begin():
                stamp = driver_timestamp(session.get_bind().dialect, fetched_at)
                parsed = parse_data(items, known_place_ids(session), stamp)
                self.report.unknown_units |= parsed.unknown_units
                run = start_run(
                    session, "incremental", self.options.selection, self.client.base_url,
                    from_date, now,
                )  # fmt: skip
                written = upsert_values(session, parsed.rows)
                deleted = delete_values(session, parsed.deleted + parsed.empty)
                changed = sorted(
                    {r[0] for r in parsed.rows} | {k[0] for k in parsed.deleted + parsed.empty}
                )
                finish_run(
                    session, run.id, self.clock(), requests=self.client.requests,
                    values_written=written, values_deleted=deleted, changed_kpis=changed,
                )  # fmt: skip
                return run.id, changed, written, deleted

        await self._metadata_done()  # its error is the sync's: no values without it
        async with self._write_lock:
            run_id, changed, written, deleted = await asyncio.to_thread(write)
        self.report.run_id = run_id
        self.report.changed_kpis = changed
        self.report.values_written = written
        self.report.values_deleted = deleted
        self.report.kpis_done = len(kpis)
        self.progress.advance(len(kpis), written)


@contextlib.contextmanager
def _older_objects_frozen() -> Iterator[None]:
    """Leave the objects that exist before the sync out of the cyclic collector's passes.

    A full sync makes some hundred thousand objects (series, pages, rows) that set off a
    collection of the oldest generation now and then, and that pass went through every
    object of the process (SQLAlchemy's, Polars', the CLI's): 0.1 to 0.2 s with the GIL
    held, in one sync of three, while the event loop waited (bench/README.md). Frozen, they
    are skipped; the sync's own objects are collected as before. Left alone if something
    else has frozen objects (it manages the permanent generation, not the sync).
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def _all(first: Coroutine[Any, Any, T], second: Coroutine[Any, Any, U]) -> tuple[T, U]:
    """Both results; if either fails, the other is cancelled and its error is raised."""
    try:
        async with asyncio.TaskGroup() as tasks:
            one, two = tasks.create_task(first), tasks.create_task(second)
    except BaseExceptionGroup as group:
        raise group.exceptions[0] from None
    return one.result(), two.result()


async def sync_kolada(
    store: Store,
    client: KoladaClient,
    options: SyncOptions,
    progress: SyncProgress | None = None,
) -> SyncReport:
    """Run one sync; see KoladaSync."""
    return await KoladaSync(store, client, options, progress).run()
