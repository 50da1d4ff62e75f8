"""Commands for Kolada key figures: sync kolada, values, kpis, polarity."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlsplit

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from glokal.cli.base import (
    FormatOption,
    GoalOption,
    LangOption,
    OutputFormat,
    ValuesFormat,
    app,
    check_stored,
    current_settings,
    language_of,
    parse_date,
    parse_year,
    reading,
    ready_store,
    run_coroutine,
    show_listing,
    stderr,
    stdout,
)
from glokal.errors import InputError, KoladaError
from glokal.framework import parse_goal_number
from glokal.i18n import N_, translator
from glokal.kolada import (
    DEFAULT_CONCURRENCY,
    DEFAULT_RATE,
    KoladaClient,
    RetryPolicy,
    SyncOptions,
    SyncReport,
    bundled_polarity,
    parse_group_ids,
    parse_kpi_ids,
    parse_polarity,
    sync_kolada,
)
from glokal.kolada.sync import FIRST_YEAR
from glokal.places import parse_place_id
from glokal.publish import (
    KOLADA_SOURCE,
    kpis_listing,
    write_values_csv,
    write_values_json,
)
from glokal.publish.format import number
from glokal.store import (
    Store,
)
from glokal.store.kolada import (
    count_values,
    iter_values,
    list_kpis,
    reset_polarity,
    set_polarity,
)

EARLIEST_YEAR = 1970  # --from-year: no Kolada series begins earlier

sync_app = typer.Typer(help="Bring data from sources into the store.", no_args_is_help=True)
app.add_typer(sync_app, name="sync")
polarity_app = typer.Typer(help="KPI polarity: is a higher value better?", no_args_is_help=True)
app.add_typer(polarity_app, name="polarity")


class _RichSyncProgress:
    """Shows a sync's progress: KPIs done, values stored, rate and time left."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None
        self.values = 0
        self.started = time.monotonic()

    def phase(self, description: str, total: int | None = None) -> None:
        if self.task is not None:
            self.progress.stop_task(self.task)
        self.task = self.progress.add_task(description, total=total, values=self.values, rate=0.0)

    def advance(self, kpis: int, values: int) -> None:
        self.values += values
        rate = self.values / max(time.monotonic() - self.started, 1e-3)
        if self.task is not None:
            self.progress.update(self.task, advance=kpis, values=self.values, rate=rate)


def _sync_progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("KPI · {task.fields[values]:,} values · {task.fields[rate]:,.0f} values/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,  # the summary line replaces it
        disable=not stderr.is_terminal,  # no bar in logs and pipes
    )


@sync_app.command("kolada")
def sync_kolada_command(
    base_url: Annotated[
        str | None, typer.Option(help="Kolada v3 API (default GLOKAL_KOLADA_BASE_URL).")
    ] = None,
    kpi: Annotated[
        str | None, typer.Option("--kpi", help="Only these KPIs, e.g. N00401,N00945.")
    ] = None,
    kpi_group: Annotated[
        str | None, typer.Option("--kpi-group", help="Only the KPIs of these KPI groups.")
    ] = None,
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Requests in flight at once.")
    ] = DEFAULT_CONCURRENCY,
    rate: Annotated[
        float, typer.Option(min=0, help="Requests per second at most (0: no limit).")
    ] = DEFAULT_RATE,
    since: Annotated[
        str | None, typer.Option(help="Only values changed since this date (YYYY-MM-DD).")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Fetch everything again.")] = False,
    from_year: Annotated[int, typer.Option(help="First year to fetch.")] = FIRST_YEAR,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing if the store already has values.")
    ] = False,
    offline_ok: Annotated[
        bool,
        typer.Option("--offline-ok", help="If Kolada cannot be reached, say so and exit 0."),
    ] = False,
    lang: LangOption = None,
) -> None:
    """Sync key figures from Kolada: by default the Agenda 2030 selection, every unit and year."""
    settings = current_settings()
    if kpi is not None and kpi_group is not None:
        raise InputError(N_("give --kpi or --kpi-group, not both"), where="--kpi")
    if since is not None and full:
        raise InputError(N_("give --since or --full, not both"), where="--since")
    today = datetime.now(UTC).date()
    if not EARLIEST_YEAR <= from_year <= today.year:
        # Kolada's series begin in the 1970s at the earliest; a later year than this one
        # would give an empty span, which the sync would read as "every year".
        raise InputError(
            N_("{year} is not a year to fetch from: {earliest}–{latest}"),
            year=from_year,
            earliest=EARLIEST_YEAR,
            latest=today.year,
            where="--from-year",
        )
    since_date = parse_date(since, where="--since") if since is not None else None
    if since_date is not None and since_date > today:
        raise InputError(
            N_("{date} is after today: nothing can have changed since"),
            date=since_date,
            where="--since",
        )
    options = SyncOptions(
        kpis=parse_kpi_ids(kpi, where="--kpi") if kpi is not None else (),
        kpi_groups=parse_group_ids(kpi_group, where="--kpi-group") if kpi_group else (),
        since=since_date,
        full=full,
        years=tuple(range(from_year, today.year + 1)),
    )
    language = language_of(settings, lang)
    url = (base_url or settings.kolada_base_url).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        # Retrying cannot fix a URL that names no server: say so at once.
        raise InputError(
            N_("{url!r} is not an http(s) URL like https://api.kolada.se/v3"),
            url=url,
            where="--base-url" if base_url else "GLOKAL_KOLADA_BASE_URL",
        )
    with ready_store(settings) as store:
        if if_empty:
            with store.session() as session:
                if count_values(session):
                    gettext = translator(language)
                    stdout.print(
                        gettext(N_("Kolada: the store already has values; nothing to do."))
                    )
                    return
        report = run_coroutine(
            _run_sync(store, url, options, concurrency, rate, offline_ok, language)
        )
    if report is None:
        return
    gettext = translator(language)
    what = gettext(N_("incremental")) if report.mode == "incremental" else gettext(N_("full"))
    stdout.print(
        f"Kolada ({what}{', ' + gettext(N_('resumed')) if report.resumed else ''}): "
        f"{report.kpis_done} KPI, {number(report.values_written, language)} "
        f"{gettext(N_('values written'))}, {number(report.values_deleted, language)} "
        f"{gettext(N_('removed'))}, {number(report.requests, language)} "
        f"{gettext(N_('requests'))}, {number(report.seconds, language)} s. Källa: Kolada"
    )
    if report.unknown_units:
        stderr.print(
            gettext(N_("Skipped values of units not in the store: {units}")).format(
                units=", ".join(sorted(report.unknown_units))
            )
        )


async def _run_sync(
    store: Store,
    url: str,
    options: SyncOptions,
    concurrency: int,
    rate: float,
    offline_ok: bool,
    language: str,
) -> SyncReport | None:
    if offline_ok:
        async with KoladaClient(url, retry=RetryPolicy(attempts=1), timeout=5.0) as probe:
            try:
                await probe.get_json(probe.url("municipality", {"per_page": 1}))
            except KoladaError as exc:
                said = N_("Kolada is not reachable ({reason}); serving what the store has.")
                gettext = translator(language)
                stderr.print(
                    gettext(said).format(reason=exc.translated(gettext)),
                    markup=False, soft_wrap=True,
                )  # fmt: skip
                return None
    async with KoladaClient(url, concurrency=concurrency, rate=rate) as client:
        with _sync_progress() as progress:
            return await sync_kolada(store, client, options, _RichSyncProgress(progress))


@app.command()
def values(
    kpi: Annotated[str | None, typer.Option(help="KPI ids, e.g. N00401,N00945.")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit ids, e.g. 0180,1280.")] = None,
    year: Annotated[str | None, typer.Option(help="Years, e.g. 2023,2024.")] = None,
    output: Annotated[
        ValuesFormat,
        typer.Option("--format", "-f", case_sensitive=False, help="Output: CSV or JSON."),
    ] = ValuesFormat.csv,
    lang: LangOption = None,
) -> None:
    """List stored Kolada values (CSV columns: kpi,municipality,period,gender,value)."""
    settings = current_settings()
    kpis = parse_kpi_ids(kpi, where="--kpi") if kpi is not None else None
    units = (
        [parse_place_id(u, where="--unit") for u in unit.split(",") if u.strip()]
        if unit is not None
        else None
    )
    years = [parse_year(y) for y in year.split(",") if y.strip()] if year is not None else None
    with reading(settings) as session:
        check_stored(session, units=units, kpis=kpis)
        rows = iter_values(session, kpis, units, years)
        if output is ValuesFormat.json:
            write_values_json(rows, sys.stdout)
        else:
            write_values_csv(rows, sys.stdout)
            stderr.print(KOLADA_SOURCE, style="dim")


@app.command()
def kpis(
    goal: GoalOption = None, output: FormatOption = OutputFormat.table, lang: LangOption = None
) -> None:
    """List the stored Kolada KPIs with the goals the Agenda 2030 selection files them under."""
    settings = current_settings()
    number = None if goal is None else parse_goal_number(goal, where="--goal")
    with reading(settings) as session:
        listing = kpis_listing(list_kpis(session, number))
    show_listing(listing, output, language_of(settings, lang))


@polarity_app.command("set")
def polarity_set(
    kpi: Annotated[str, typer.Argument(help="KPI id, e.g. N00401.")],
    polarity: Annotated[str, typer.Argument(help="higher, lower, neither or unknown.")],
    note: Annotated[str, typer.Option(help="Why (shown by `glokal kpis --format json`).")] = "",
    lang: LangOption = None,
) -> None:
    """Say whether a higher value of a KPI is better; your choice outranks Glokal's table."""
    settings = current_settings()
    kpi_id = _one_kpi(kpi)
    value = parse_polarity(polarity, where="POLARITY")
    with ready_store(settings) as store, store.session() as session, session.begin():
        check_stored(session, kpis=[kpi_id], kpi_option="KPI")
        set_polarity(session, kpi_id, value, note, "user", datetime.now(UTC))
    stdout.print(f"{kpi_id}: {value}")


@polarity_app.command("reset")
def polarity_reset(
    kpi: Annotated[str, typer.Argument(help="KPI id, e.g. N00401.")], lang: LangOption = None
) -> None:
    """Forget your polarity for a KPI: back to Glokal's table (or unknown if it has none)."""
    settings = current_settings()
    kpi_id = _one_kpi(kpi)
    bundled = {k: (p, n) for k, p, n in bundled_polarity()}.get(kpi_id)
    with ready_store(settings) as store, store.session() as session, session.begin():
        reset_polarity(session, kpi_id, bundled, datetime.now(UTC))
    stdout.print(f"{kpi_id}: {bundled[0] if bundled else 'unknown'}")


def _one_kpi(text: str) -> str:
    ids = parse_kpi_ids(text, where="KPI")
    if len(ids) != 1:
        raise InputError(N_("give one KPI id, not {count}"), count=len(ids), where="KPI")
    return ids[0]
