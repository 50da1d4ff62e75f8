"""Commands for the schema and the bundled reference data: init, db, goals, targets,
indicators, mdgs, places; and serve.
"""

from __future__ import annotations

import socket
from typing import Annotated

import typer
from rich.table import Table

from glokal import __version__
from glokal.cli.base import (
    FormatOption,
    GoalOption,
    LangOption,
    OutputFormat,
    app,
    current_settings,
    initialise,
    language_of,
    open_store,
    reading,
    ready_store,
    show_listing,
    stderr,
    stdout,
)
from glokal.errors import InputError
from glokal.framework import parse_goal_number
from glokal.i18n import N_, translator
from glokal.places import parse_unit_type
from glokal.publish import (
    goals_listing,
    indicators_listing,
    mdgs_listing,
    places_listing,
    targets_listing,
)
from glokal.store import (
    list_goals,
    list_indicators,
    list_kommungrupper,
    list_mdgs,
    list_places,
    list_targets,
)

db_app = typer.Typer(help="Database schema: migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@app.command()
def init(lang: LangOption = None) -> None:
    """Create or upgrade the database schema and load the reference data (safe to repeat)."""
    settings = current_settings()
    gettext = translator(language_of(settings, lang))
    store = open_store(settings)
    try:
        counts = initialise(store)
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
    lang: LangOption = None,
) -> None:
    """Run the schema migrations (up to the newest by default)."""
    settings = current_settings()
    gettext = translator(language_of(settings, lang))
    store = open_store(settings)
    try:
        before, after = store.upgrade(revision)
    finally:
        store.close()
    stdout.print(f"{store.display_url}: {before or gettext(N_('(empty)'))} → {after}")


@db_app.command("current")
def db_current(lang: LangOption = None) -> None:
    """Show the schema revision of the database and the newest one this version knows."""
    settings = current_settings()
    gettext = translator(language_of(settings, lang))
    store = open_store(settings)
    try:
        current, head = store.current_revision(), store.head_revision()
    finally:
        store.close()
    stdout.print(f"{store.display_url}: {current or gettext(N_('(empty)'))} (head {head})")


@app.command()
def goals(output: FormatOption = OutputFormat.table, lang: LangOption = None) -> None:
    """List the 17 global goals."""
    settings = current_settings()
    with reading(settings) as session:
        listing = goals_listing(list_goals(session))
    show_listing(listing, output, language_of(settings, lang))


@app.command()
def targets(
    goal: GoalOption = None, output: FormatOption = OutputFormat.table, lang: LangOption = None
) -> None:
    """List the 169 targets, or those of one goal."""
    settings = current_settings()
    number = None if goal is None else parse_goal_number(goal, where="--goal")
    with reading(settings) as session:
        listing = targets_listing(list_targets(session, number))
    show_listing(listing, output, language_of(settings, lang))


@app.command()
def indicators(
    goal: GoalOption = None, output: FormatOption = OutputFormat.table, lang: LangOption = None
) -> None:
    """List the indicators of the UN global indicator framework, or those of one goal."""
    settings = current_settings()
    number = None if goal is None else parse_goal_number(goal, where="--goal")
    with reading(settings) as session:
        listing = indicators_listing(list_indicators(session, number))
    show_listing(listing, output, language_of(settings, lang))


@app.command()
def mdgs(output: FormatOption = OutputFormat.table, lang: LangOption = None) -> None:
    """List the 8 Millennium Development Goals (2000–2015), the historical framework."""
    settings = current_settings()
    with reading(settings) as session:
        listing = mdgs_listing(list_mdgs(session))
    show_listing(listing, output, language_of(settings, lang))


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
    settings = current_settings()
    wanted = None if unit_type is None else parse_unit_type(unit_type, where="--type")
    with reading(settings) as session:
        listing = places_listing(list_places(session, wanted), list_kommungrupper(session))
    show_listing(listing, output, language_of(settings, lang))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes, each with its own cache of pages: one per core on a server.",
        ),
    ] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
) -> None:
    """Serve the web interface (initialising the default database on first use)."""
    import uvicorn

    from glokal.web import create_app

    settings = current_settings()
    _check_can_listen(host, port)
    with ready_store(settings) as store:
        stderr.print(f"Glokal {__version__}: http://{host}:{port}/  ({store.display_url})")
        if workers == 1:
            uvicorn.run(create_app(settings, store), host=host, port=port, log_level="info",
                        access_log=access_log)  # fmt: skip
            return
    # Several processes: each worker builds its own app from the same GLOKAL_* settings.
    uvicorn.run(
        "glokal.web.app:app_from_environment", factory=True, workers=workers, host=host,
        port=port, log_level="info", access_log=access_log,
    )  # fmt: skip


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
            N_("cannot listen on {host}:{port}: {error}"),
            host=host,
            port=port,
            error=str(exc.strerror or exc),
            where="--host/--port",
        ) from None
