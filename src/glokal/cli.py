"""The `glokal` command. Thin: parse options, load settings, call one package function, print.

Errors from the packages below (GlokalError) and usage errors become one line on stderr and
exit code 2 here, at the edge; nothing below prints.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from glokal import __version__
from glokal.errors import GlokalError
from glokal.framework import parse_goal_number
from glokal.i18n import N_, translator
from glokal.places import parse_unit_type
from glokal.publish import (
    Listing,
    goals_listing,
    indicators_listing,
    mdgs_listing,
    places_listing,
    targets_listing,
)
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

EXIT_USER_ERROR = 2

app = typer.Typer(
    name="glokal",
    help="Glokal: follow up and report on Agenda 2030 in Swedish municipalities and regions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class Lang(StrEnum):
    sv = "sv"
    en = "en"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output: a table or JSON.")
]
LangOption = Annotated[
    Lang | None,
    typer.Option("--lang", help="Language: sv (default, or GLOKAL_LANGUAGE) or en."),
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


@contextmanager
def _reading(settings: Settings) -> Iterator[Session]:
    """A read transaction on a ready store; an empty database is initialised on first use."""
    store = Store(settings.database())
    try:
        if store.current_revision() is None:
            store.init()
            stderr.print(f"Initialised the database {store.display_url}", style="dim")
        store.check_ready()
        with store.session() as session, session.begin():
            yield session
    finally:
        store.close()


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
    store = Store(settings.database())
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
    store = Store(_settings().database())
    try:
        before, after = store.upgrade(revision)
    finally:
        store.close()
    stdout.print(f"{store.display_url}: {before or '(empty)'} → {after}")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database and the newest one this version knows."""
    store = Store(_settings().database())
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
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web interface (initialising an empty database first)."""
    import uvicorn

    from glokal.web import create_app

    settings = _settings()
    store = Store(settings.database())
    if store.current_revision() is None:
        store.init()
    store.check_ready()
    stderr.print(f"Glokal {__version__}: http://{host}:{port}/  ({store.display_url})")
    uvicorn.run(create_app(settings, store), host=host, port=port, log_level="info")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    try:
        result = app(
            args=list(argv) if argv is not None else None, prog_name="glokal", standalone_mode=False
        )
    except typer.TyperException as exc:  # usage errors: unknown command, bad option value
        format_message = getattr(exc, "format_message", None)
        message = format_message() if callable(format_message) else str(exc)
        stderr.print(f"glokal: error: {message}", markup=False, soft_wrap=True)
        return int(getattr(exc, "exit_code", EXIT_USER_ERROR))
    except GlokalError as exc:
        stderr.print(f"glokal: error: {exc}", markup=False, soft_wrap=True)
        return EXIT_USER_ERROR
    except typer.Abort:
        stderr.print("glokal: interrupted", markup=False)
        return 130
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script wrapper: exit with main()'s code."""
    sys.exit(main())
