"""The `glokal` command. Thin: parse options, load settings, call one package function, print.

Errors from the packages below (GlokalError) and usage errors become one line on stderr and
exit code 2 here, at the edge; nothing below prints.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import re
import socket
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import click
import polars as pl
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from sqlalchemy.orm import Session

from glokal import __version__
from glokal.analysis import AnalysisData, explain, parse_targets, suggest
from glokal.analysis.decisions import check_decision
from glokal.errors import GlokalError, InputError, KoladaError, NotFound
from glokal.framework import STATUS_STYLES, GoalStatus, parse_goal_number, parse_status
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
from glokal.places import parse_place_id, parse_unit_type
from glokal.publish import (
    KOLADA_SOURCE,
    Listing,
    goals_listing,
    indicators_listing,
    kpis_listing,
    mdgs_listing,
    places_listing,
    targets_listing,
    write_values_csv,
    write_values_json,
)
from glokal.publish.assessments import AssessmentsListing, status_label
from glokal.settings import Settings, load_settings
from glokal.store import (
    Store,
    list_goals,
    list_indicators,
    list_kommungrupper,
    list_mdgs,
    list_places,
    list_targets,
)
from glokal.store.analysis import read_analysis_frames, replace_results
from glokal.store.assessments import (
    GoalAssessment,
    StoredSuggestion,
    assessment_history,
    current_assessments,
    record_assessment,
    stored_suggestion,
    unit_name,
)
from glokal.store.kolada import (
    count_values,
    iter_values,
    list_kpis,
    reset_polarity,
    set_polarity,
)

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="glokal",
    help="Glokal: follow up and report on Agenda 2030 in Swedish municipalities and regions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
sync_app = typer.Typer(help="Bring data from sources into the store.", no_args_is_help=True)
app.add_typer(sync_app, name="sync")
polarity_app = typer.Typer(help="KPI polarity: is a higher value better?", no_args_is_help=True)
app.add_typer(polarity_app, name="polarity")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class ValuesFormat(StrEnum):
    csv = "csv"
    json = "json"


class Lang(StrEnum):
    sv = "sv"
    en = "en"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", case_sensitive=False, help="Output: a table or JSON."),
]
LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang", case_sensitive=False, help="Language: sv (default, or GLOKAL_LANGUAGE) or en."
    ),
]
GoalOption = Annotated[
    str | None, typer.Option("--goal", "-g", help="Only this goal (1–17).", show_default=False)
]

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)


def _settings() -> Settings:
    return load_settings()


def _language(settings: Settings, lang: Lang | None) -> str:
    return lang.value if lang is not None else settings.language


def _store(settings: Settings) -> Store:
    return Store(settings.database(), setting=settings.database_setting)


@contextmanager
def _ready_store(settings: Settings) -> Iterator[Store]:
    """A store at the current schema with reference data, or a clear StoreError.

    The default SQLite file is created and initialised on first use; a database the user
    configured is never changed by a read: it asks for `glokal init` instead.
    """
    store = _store(settings)
    try:
        if settings.database_url is None:
            database = Path(store.url.database or "")
            if not database.exists() or store.current_revision() is None:
                store.init()
        store.check_ready()
        with store.errors():
            yield store
    finally:
        store.close()


@contextmanager
def _reading(settings: Settings) -> Iterator[Session]:
    """One read transaction on a ready store."""
    with _ready_store(settings) as store, store.session() as session, session.begin():
        yield session


def _show(listing: Listing, output: OutputFormat, lang: str) -> None:
    if output is OutputFormat.json:
        sys.stdout.write(listing.to_json() + "\n")
    else:
        stdout.print(listing.to_table(lang))


def _version(value: bool) -> None:
    if value:
        stdout.print(f"glokal {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Glokal: follow up and report on Agenda 2030 in Swedish municipalities and regions."""


@app.command()
def init() -> None:
    """Create or upgrade the database schema and load the reference data (safe to repeat)."""
    settings = _settings()
    gettext = translator(settings.language)
    store = _store(settings)
    try:
        counts = store.init()
    finally:
        store.close()
    table = Table(
        title=f"{gettext(N_('Reference data'))}: {store.display_url}", title_justify="left"
    )
    for header in (N_("Table"), N_("Inserted"), N_("Updated"), N_("Unchanged")):
        table.add_column(gettext(header), justify="left" if header == "Table" else "right")
    for name, c in counts.items():
        table.add_row(name, str(c.inserted), str(c.updated), str(c.unchanged))
    stdout.print(table)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Run the schema migrations (up to the newest by default)."""
    store = _store(_settings())
    try:
        before, after = store.upgrade(revision)
    finally:
        store.close()
    stdout.print(f"{store.display_url}: {before or '(empty)'} → {after}")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database and the newest one this version knows."""
    store = _store(_settings())
    try:
        current, head = store.current_revision(), store.head_revision()
    finally:
        store.close()
    stdout.print(f"{store.display_url}: {current or '(empty)'} (head {head})")


@app.command()
def goals(output: FormatOption = OutputFormat.table, lang: LangOption = None) -> None:
    """List the 17 global goals."""
    settings = _settings()
    with _reading(settings) as session:
        listing = goals_listing(list_goals(session))
    _show(listing, output, _language(settings, lang))


@app.command()
def targets(
    goal: GoalOption = None, output: FormatOption = OutputFormat.table, lang: LangOption = None
) -> None:
    """List the 169 targets, or those of one goal."""
    settings = _settings()
    number = None if goal is None else parse_goal_number(goal, where="--goal")
    with _reading(settings) as session:
        listing = targets_listing(list_targets(session, number))
    _show(listing, output, _language(settings, lang))


@app.command()
def indicators(
    goal: GoalOption = None, output: FormatOption = OutputFormat.table, lang: LangOption = None
) -> None:
    """List the indicators of the UN global indicator framework, or those of one goal."""
    settings = _settings()
    number = None if goal is None else parse_goal_number(goal, where="--goal")
    with _reading(settings) as session:
        listing = indicators_listing(list_indicators(session, number))
    _show(listing, output, _language(settings, lang))


@app.command()
def mdgs(output: FormatOption = OutputFormat.table, lang: LangOption = None) -> None:
    """List the 8 Millennium Development Goals (2000–2015), the historical framework."""
    settings = _settings()
    with _reading(settings) as session:
        listing = mdgs_listing(list_mdgs(session))
    _show(listing, output, _language(settings, lang))


@app.command()
def places(
    unit_type: Annotated[
        str | None,
        typer.Option(
            "--type", "-t", help="K (kommuner) or L (regioner and Riket).", show_default=False
        ),
    ] = None,
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """List the units: 290 kommuner, 21 regioner and Riket, with county and kommungrupp."""
    settings = _settings()
    wanted = None if unit_type is None else parse_unit_type(unit_type, where="--type")
    with _reading(settings) as session:
        listing = places_listing(list_places(session, wanted), list_kommungrupper(session))
    _show(listing, output, _language(settings, lang))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web interface (initialising the default database on first use)."""
    import uvicorn

    from glokal.web import create_app

    settings = _settings()
    _check_can_listen(host, port)
    with _ready_store(settings) as store:
        stderr.print(f"Glokal {__version__}: http://{host}:{port}/  ({store.display_url})")
        uvicorn.run(create_app(settings, store), host=host, port=port, log_level="info")


def _check_can_listen(host: str, port: int) -> None:
    """Fail with one clear line, before starting, if the address cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        raise InputError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}", where="--host/--port"
        ) from None


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
) -> None:
    """Sync key figures from Kolada: by default the Agenda 2030 selection, every unit and year."""
    settings = _settings()
    if kpi is not None and kpi_group is not None:
        raise InputError("give --kpi or --kpi-group, not both", where="--kpi")
    if since is not None and full:
        raise InputError("give --since or --full, not both", where="--since")
    options = SyncOptions(
        kpis=parse_kpi_ids(kpi, where="--kpi") if kpi is not None else (),
        kpi_groups=parse_group_ids(kpi_group, where="--kpi-group") if kpi_group else (),
        since=_parse_date(since, where="--since") if since is not None else None,
        full=full,
        years=tuple(range(from_year, datetime.now(UTC).year + 1)),
    )
    url = (base_url or settings.kolada_base_url).rstrip("/")
    with _ready_store(settings) as store:
        if if_empty:
            with store.session() as session:
                if count_values(session):
                    stdout.print("Kolada: the store already has values; nothing to do.")
                    return
        report = asyncio.run(_run_sync(store, url, options, concurrency, rate, offline_ok))
    if report is None:
        return
    gettext = translator(settings.language)
    what = gettext(N_("incremental")) if report.mode == "incremental" else gettext(N_("full"))
    stdout.print(
        f"Kolada ({what}{', ' + gettext(N_('resumed')) if report.resumed else ''}): "
        f"{report.kpis_done} KPI, {report.values_written:,} {gettext(N_('values written'))}, "
        f"{report.values_deleted:,} {gettext(N_('removed'))}, {report.requests} "
        f"{gettext(N_('requests'))}, {report.seconds:.1f} s. Källa: Kolada"
    )
    if report.unknown_units:
        stderr.print(
            f"Skipped values of units not in the store: {', '.join(sorted(report.unknown_units))}"
        )


async def _run_sync(
    store: Store, url: str, options: SyncOptions, concurrency: int, rate: float, offline_ok: bool
) -> SyncReport | None:
    if offline_ok:
        async with KoladaClient(url, retry=RetryPolicy(attempts=1), timeout=5.0) as probe:
            try:
                await probe.get_json(probe.url("municipality", {"per_page": 1}))
            except KoladaError as exc:
                stderr.print(
                    f"Kolada is not reachable ({exc.message}); serving what the store has.",
                    markup=False, soft_wrap=True,
                )  # fmt: skip
                return None
    async with KoladaClient(url, concurrency=concurrency, rate=rate) as client:
        with _sync_progress() as progress:
            return await sync_kolada(store, client, options, _RichSyncProgress(progress))


def _parse_date(text: str, *, where: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{text!r} is not a date like 2025-01-31", where=where) from None


@app.command()
def values(
    kpi: Annotated[str | None, typer.Option(help="KPI ids, e.g. N00401,N00945.")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit ids, e.g. 0180,1280.")] = None,
    year: Annotated[str | None, typer.Option(help="Years, e.g. 2023,2024.")] = None,
    output: Annotated[
        ValuesFormat,
        typer.Option("--format", "-f", case_sensitive=False, help="Output: CSV or JSON."),
    ] = ValuesFormat.csv,
) -> None:
    """List stored Kolada values (CSV columns: kpi,municipality,period,gender,value)."""
    settings = _settings()
    kpis = parse_kpi_ids(kpi, where="--kpi") if kpi is not None else None
    units = (
        [parse_place_id(u, where="--unit") for u in unit.split(",") if u.strip()]
        if unit is not None
        else None
    )
    years = [_parse_year(y) for y in year.split(",") if y.strip()] if year is not None else None
    with _reading(settings) as session:
        rows = iter_values(session, kpis, units, years)
        if output is ValuesFormat.json:
            write_values_json(rows, sys.stdout)
        else:
            write_values_csv(rows, sys.stdout)
            stderr.print(KOLADA_SOURCE, style="dim")


def _parse_year(text: str) -> int:
    raw = text.strip()
    if not re.fullmatch(r"[0-9]{4}", raw):
        raise InputError(f"{text!r} is not a year like 2024", where="--year")
    return int(raw)


@app.command()
def kpis(
    goal: GoalOption = None, output: FormatOption = OutputFormat.table, lang: LangOption = None
) -> None:
    """List the stored Kolada KPIs with the goals the Agenda 2030 selection files them under."""
    settings = _settings()
    number = None if goal is None else parse_goal_number(goal, where="--goal")
    with _reading(settings) as session:
        listing = kpis_listing(list_kpis(session, number))
    _show(listing, output, _language(settings, lang))


# -- assess: suggested goal statuses (begin) -------------------------------------------------


class Method(StrEnum):
    default = "default"
    opensdg = "opensdg"


@app.command()
def assess(
    unit: Annotated[
        str | None, typer.Option(help="Only this unit, e.g. 0764 (default: every unit).")
    ] = None,
    goal: GoalOption = None,
    year: Annotated[
        str | None,
        typer.Option(help="Reference year: use values up to it (default: the newest)."),
    ] = None,
    method: Annotated[
        Method, typer.Option(case_sensitive=False, help="default (Glokal's) or opensdg.")
    ] = Method.default,
    targets: Annotated[
        Path | None,
        typer.Option(help="opensdg: a CSV file of target values (kpi,target,target_year)."),
    ] = None,
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Suggest a status per goal from the stored key figures, store it and explain it."""
    settings = _settings()
    if targets is not None and method is not Method.opensdg:
        raise InputError("target values are used by --method opensdg only", where="--targets")
    target_values = (
        None if targets is None else parse_targets(_read_text(targets), source=str(targets))
    )
    language = _language(settings, lang)
    unit_id = None if unit is None else parse_place_id(unit, where="--unit")
    number = None if goal is None else parse_goal_number(goal, where="--goal")
    reference_year = None if year is None else _parse_year(year)
    with (
        _ready_store(settings) as store,
        store.session() as session,
        session.begin(),
        store.errors(),
    ):
        places = {p.id: p for p in list_places(session)}
        goals = {g.number: g for g in list_goals(session)}
        if unit_id is not None and unit_id not in places:
            raise NotFound(f"no unit has the id {unit_id}", where="--unit")
        computed = _suggest_into_store(
            store, session, method.value, unit_id, reference_year, target_values
        )
        if computed is None:
            raise InputError(
                "the store has no key figures yet; run `glokal sync kolada` first",
                where=store.display_url,
            )
        goal_results, parts = computed
    if number is not None:
        goal_results = goal_results.filter(goal=number)
    by_goal: dict[tuple[str, int], list[dict[str, object]]] = {}
    for part in parts.to_dicts():
        by_goal.setdefault((str(part["unit"]), int(part["goal"])), []).append(part)
    suggestions = []
    for row in goal_results.to_dicts():
        place, goal_record = places[row["unit"]], goals[row["goal"]]
        name = goal_record.short_sv if language == "sv" else goal_record.short_en
        suggestions.append(
            {
                "unit": row["unit"],
                "unit_name": place.name,
                "goal": row["goal"],
                "status": row["status"],
                "score": row["score"],
                "coverage": row["coverage"],
                "kpis_used": row["kpis_used"],
                "kpis_total": row["kpis_total"],
                "method": method.value,
                "reference_year": row["reference_year"],
                "explanation": explain(
                    row,
                    by_goal.get((row["unit"], row["goal"]), []),
                    method=method.value,
                    unit_name=place.name,
                    unit_type=place.type,
                    goal_name=name,
                    lang=language,
                ),
            }
        )
    _show_suggestions(suggestions, output, language, explain_all=unit_id is not None)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text", where=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", where=str(path)) from None


def _suggest_into_store(
    store: Store,
    session: Session,
    method: str,
    unit: str | None,
    reference_year: int | None,
    targets: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """Compute suggestions (for every unit, or one) and store them; None without any values.

    Returns the goals' rows and, per goal, its KPIs' rows (what the explanation names).
    """
    frames = read_analysis_frames(session)
    if frames.values.is_empty():
        return None
    data = AnalysisData.of(
        values=frames.values,
        units=frames.units,
        kpis=frames.kpis,
        goal_kpis=frames.goal_kpis,
        similar=frames.similar,
        targets=targets,
    )
    units = None if unit is None else [unit]
    kpi_results, goal_results, parts = suggest(
        data, method=method, reference_year=reference_year, units=units
    )
    replace_results(
        session,
        method=method,
        units=units if units is not None else frames.units.get_column("unit").to_list(),
        kpi_results=kpi_results,
        goal_results=goal_results,
        contributions=parts,
        computed_at=datetime.now(UTC),
    )
    return goal_results, parts


def _show_suggestions(
    suggestions: list[dict[str, object]], output: OutputFormat, lang: str, *, explain_all: bool
) -> None:
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps(suggestions, ensure_ascii=False, indent=2) + "\n")
        return
    _ = translator(lang)
    table = Table(title=_("Suggested statuses (Glokal's analysis of values from Kolada)"))
    for header in (_("Unit"), _("Goal"), _("Status"), _("Score"), _("Coverage")):
        table.add_column(header)
    for s in suggestions:
        score = s["score"]
        table.add_row(
            f"{s['unit']} {s['unit_name']}",
            str(s["goal"]),
            str(s["status"])
            if lang == "sv"
            else _(STATUS_STYLES[GoalStatus(str(s["status"]))].label),
            "–" if score is None else f"{score:+.2f}",
            f"{s['kpis_used']}/{s['kpis_total']}",
        )
    stdout.print(table)
    if explain_all:
        for s in suggestions:
            stdout.print()
            stdout.print(str(s["explanation"]), markup=False)


# -- assess (end) ------------------------------------------------------------------------------


@polarity_app.command("set")
def polarity_set(
    kpi: Annotated[str, typer.Argument(help="KPI id, e.g. N00401.")],
    polarity: Annotated[str, typer.Argument(help="higher, lower, neither or unknown.")],
    note: Annotated[str, typer.Option(help="Why (shown by `glokal kpis --format json`).")] = "",
) -> None:
    """Say whether a higher value of a KPI is better; your choice outranks Glokal's table."""
    settings = _settings()
    kpi_id = _one_kpi(kpi)
    value = parse_polarity(polarity, where="POLARITY")
    with _ready_store(settings) as store, store.session() as session, session.begin():
        set_polarity(session, kpi_id, value, note, "user", datetime.now(UTC))
    stdout.print(f"{kpi_id}: {value}")


@polarity_app.command("reset")
def polarity_reset(kpi: Annotated[str, typer.Argument(help="KPI id, e.g. N00401.")]) -> None:
    """Forget your polarity for a KPI: back to Glokal's table (or unknown if it has none)."""
    settings = _settings()
    kpi_id = _one_kpi(kpi)
    bundled = {k: (p, n) for k, p, n in bundled_polarity()}.get(kpi_id)
    with _ready_store(settings) as store, store.session() as session, session.begin():
        reset_polarity(session, kpi_id, bundled, datetime.now(UTC))
    stdout.print(f"{kpi_id}: {bundled[0] if bundled else 'unknown'}")


def _one_kpi(text: str) -> str:
    ids = parse_kpi_ids(text, where="KPI")
    if len(ids) != 1:
        raise InputError(f"give one KPI id, not {len(ids)}", where="KPI")
    return ids[0]


# -- assessment: the goal statuses people decide (begin) ----------------------------------------

assessment_app = typer.Typer(
    help="Goal statuses your municipality decides, beside Glokal's suggestions.",
    no_args_is_help=True,
)
app.add_typer(assessment_app, name="assessment")


def _current_suggestion(
    store: Store, session: Session, unit: str, goal: int, *, compute: bool = False
) -> StoredSuggestion | None:
    """The suggestion that stands for a unit's goal: the one `glokal assess` stored; with
    ``compute``, one computed (default method) and stored now if none is, and there are data."""
    stored = stored_suggestion(session, unit, goal)
    if stored is None and compute and _suggest_into_store(store, session, "default", unit, None):
        stored = stored_suggestion(session, unit, goal)
    return stored


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment (e.g. a bare container)
        raise InputError("cannot tell who you are; give --by NAME", where="--by") from None


@assessment_app.command("set")
def assessment_set(
    unit: Annotated[str, typer.Argument(help="Unit id, e.g. 0180.")],
    goal: Annotated[str, typer.Argument(help="Goal number, 1–17.")],
    status: Annotated[
        str,
        typer.Option(help="god, neutral, utmaning, 'betydande utmaning' or 'ej bedömd'."),
    ],
    text: Annotated[str, typer.Option(help="The narrative: Så ligger … till i korthet.")],
    assessor: Annotated[
        str, typer.Option(help="Who assessed: the municipality's group or a consultant.")
    ],
    cutoff: Annotated[str, typer.Option(help="The data cut-off date (YYYY-MM-DD).")],
    method_note: Annotated[str, typer.Option(help="How the status was arrived at.")] = "",
    justification: Annotated[
        str | None,
        typer.Option(help="Why the decision differs from the suggestion (then required)."),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who records it (default: your user name).")
    ] = None,
) -> None:
    """Record the status decided for a goal; earlier decisions are kept as its history."""
    settings = _settings()
    unit_id = parse_place_id(unit, where="UNIT")
    number = parse_goal_number(goal, where="GOAL")
    decided = parse_status(status, where="--status")
    cutoff_date = _parse_date(cutoff, where="--cutoff")
    recorded_by = by if by is not None else _user_name()
    now = datetime.now(UTC)
    with _ready_store(settings) as store, store.session() as session, session.begin():
        name = unit_name(session, unit_id)
        suggestion = _current_suggestion(store, session, unit_id, number, compute=True)
        decision = check_decision(
            status=decided, text=text, assessor=assessor, cutoff=cutoff_date,
            recorded_by=recorded_by, suggested=suggestion.status if suggestion else None,
            today=now.astimezone().date(), method_note=method_note, justification=justification,
        )  # fmt: skip
        recorded = record_assessment(
            session, unit_id, number, status=decision.status, text=decision.text,
            assessor=decision.assessor, method_note=decision.method_note, cutoff=decision.cutoff,
            justification=decision.justification,
            suggested_status=suggestion.status if suggestion else None,
            suggestion_method=suggestion.method if suggestion else None,
            recorded_by=decision.recorded_by, recorded_at=now,
        )  # fmt: skip
        version = len(assessment_history(session, unit_id, number))
    _print_recorded(recorded, name, version, suggestion, settings.language)


def _print_recorded(
    recorded: GoalAssessment, name: str, version: int, suggestion: StoredSuggestion | None,
    lang: str,
) -> None:  # fmt: skip
    gettext = translator(lang)
    line = N_("{unit} {name}, goal {goal}: decided {status} (version {version}, {by}).")
    stdout.print(
        gettext(line).format(
            unit=recorded.unit, name=escape(name), goal=recorded.goal,
            status=status_label(recorded.status, lang), version=version,
            by=escape(recorded.recorded_by),
        )
    )  # fmt: skip
    if suggestion is None:
        stdout.print(
            gettext(N_("No suggestion is stored for this goal (`glokal assess` makes one); "
                       "the decision is recorded without one.")),
            markup=False,
        )  # fmt: skip
    else:
        stdout.print(
            gettext(N_("Glokal's suggestion ({method}, {year}): {status}.")).format(
                method=suggestion.method, year=suggestion.reference_year,
                status=status_label(suggestion.status, lang),
            )
        )  # fmt: skip


@assessment_app.command("show")
def assessment_show(
    unit: Annotated[str, typer.Argument(help="Unit id, e.g. 0180.")],
    goal: GoalOption = None,
    history: Annotated[
        bool, typer.Option("--history", help="Every recorded version, oldest first.")
    ] = False,
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Show the decided goal statuses of a unit beside Glokal's suggestions."""
    settings = _settings()
    unit_id = parse_place_id(unit, where="UNIT")
    number = None if goal is None else parse_goal_number(goal, where="--goal")
    with _reading(settings) as session:
        name = unit_name(session, unit_id)
        if history:
            records = assessment_history(session, unit_id, number)
        else:
            records = [a for a in current_assessments(session, unit_id) if number in (None, a.goal)]
        suggestions = {g: stored_suggestion(session, unit_id, g) for g in {a.goal for a in records}}
    listing = AssessmentsListing(unit_id, name, records, suggestions, history=history)
    language = _language(settings, lang)
    if output is OutputFormat.json:
        sys.stdout.write(listing.to_json() + "\n")
    elif records:
        stdout.print(listing.to_table(language))
    else:
        stdout.print(
            translator(language)(N_("No decisions recorded for {unit} {name}.")).format(
                unit=unit_id, name=name
            ),
            markup=False,
        )


# -- assessment (end) ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    try:
        result = app(
            args=list(argv) if argv is not None else None, prog_name="glokal", standalone_mode=False
        )
    except typer.TyperException as exc:  # usage errors: unknown command, bad option value
        format_message = getattr(exc, "format_message", None)
        message = format_message() if callable(format_message) else str(exc)
        if message:  # empty after `glokal` alone, which has printed the help
            stderr.print(f"glokal: error: {message}", markup=False, soft_wrap=True)
        return int(getattr(exc, "exit_code", EXIT_USER_ERROR))
    except GlokalError as exc:
        stderr.print(f"glokal: error: {exc}", markup=False, soft_wrap=True)
        return EXIT_USER_ERROR
    except (typer.Abort, click.exceptions.Abort, KeyboardInterrupt):
        result = EXIT_INTERRUPTED
    if result == EXIT_INTERRUPTED:  # Ctrl-C: Typer turns it into exit code 130
        stderr.print("glokal: interrupted; run the command again to go on", markup=False)
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script wrapper: exit with main()'s code."""
    sys.exit(main())
