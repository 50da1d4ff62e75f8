"""What every `glokal` command shares: the Typer app, common options, consoles, the store."""

from __future__ import annotations

import asyncio
import getpass
import os
import re
import sys
from collections.abc import Coroutine, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from glokal import __version__
from glokal.errors import GlokalError, InputError, NotFound
from glokal.i18n import LANGUAGES, N_
from glokal.publish import (
    Listing,
)
from glokal.register import install_builtin_programmes
from glokal.settings import DEFAULT_LANGUAGE, Settings, load_settings
from glokal.store import (
    ReferenceCounts,
    Store,
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
# Shared command groups: each area adds its subcommands (`glokal export opensdg`, `glokal
# export site`, `glokal import opensdg`, ...) from its own module.
T = TypeVar("T")

export_app = typer.Typer(help="Write data out of the store to files.", no_args_is_help=True)
app.add_typer(export_app, name="export")
import_app = typer.Typer(help="Read data from files into the store.", no_args_is_help=True)
app.add_typer(import_app, name="import")


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
# The --lang of the command being run, for its error line (cli/__init__.py's main): kept
# as the option is parsed, so that an error raised before the command reads it still has it.
chosen_language: ContextVar[str | None] = ContextVar("chosen_language", default=None)


def _remember_language(value: Lang | None) -> Lang | None:
    if value is not None:
        chosen_language.set(value.value)
    return value


LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        case_sensitive=False,
        callback=_remember_language,
        help="Language: sv (default, or GLOKAL_LANGUAGE) or en.",
    ),
]
GoalOption = Annotated[
    str | None, typer.Option("--goal", "-g", help="Only this goal (1–17).", show_default=False)
]

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)


def current_settings() -> Settings:
    return load_settings()


def language_of(settings: Settings, lang: Lang | None) -> str:
    return lang.value if lang is not None else settings.language


def interface_language() -> str:
    """The language of the command's messages: its --lang, else settings.language (Swedish
    when the settings themselves are wrong, which is what the message will then say)."""
    chosen = chosen_language.get()
    if chosen is not None:
        return chosen
    try:
        return load_settings().language
    except GlokalError:  # another setting is wrong: GLOKAL_LANGUAGE may still be right
        lang = os.environ.get("GLOKAL_LANGUAGE", "").strip()
        return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def open_store(settings: Settings) -> Store:
    return Store(settings.database(), setting=settings.database_setting)


@contextmanager
def ready_store(settings: Settings) -> Iterator[Store]:
    """A store at the current schema with reference data, or a clear StoreError.

    The default SQLite file is created and initialised on first use; a database the user
    configured is never changed by a read: it asks for `glokal init` instead.
    """
    store = open_store(settings)
    try:
        if settings.database_url is None:
            database = Path(store.url.database or "")
            if not database.exists() or store.current_revision() is None:
                initialise(store)
        store.check_ready()
        with store.errors():
            yield store
    finally:
        store.close()


@contextmanager
def reading(settings: Settings) -> Iterator[Session]:
    """One read transaction on a ready store."""
    with ready_store(settings) as store, store.session() as session, session.begin():
        yield session


def show_listing(listing: Listing, output: OutputFormat, lang: str) -> None:
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


def parse_date(text: str, *, where: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            N_("{text!r} is not a date like 2025-01-31"), text=text, where=where
        ) from None


def parse_year(text: str) -> int:
    raw = text.strip()
    if not re.fullmatch(r"[0-9]{4}", raw):
        raise InputError(N_("{text!r} is not a year like 2024"), text=text, where="--year")
    return int(raw)


def user_name() -> str:
    """Who is at the keyboard, for who-did-what records; ``--by`` when it cannot be told."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment (e.g. a bare container)
        raise InputError(N_("cannot tell who you are; give --by NAME"), where="--by") from None


def initialise(store: Store) -> ReferenceCounts:
    """Schema, reference data and the ready-made programme definitions (each only if missing)."""
    counts = store.init()
    with store.errors(), store.session() as session, session.begin():
        install_builtin_programmes(session)
    return counts


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end: in this thread, or, when this thread already runs an event
    loop (Glokal called from a notebook, or beside Playwright's loop in the tests), in a thread
    of its own, since asyncio.run refuses a thread whose loop is running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def check_stored(
    session: Session,
    *,
    units: Sequence[str] | None = None,
    kpis: Sequence[str] | None = None,
    unit_option: str = "--unit",
    kpi_option: str = "--kpi",
) -> None:
    """Refuse ids the store does not know: a mistyped unit or KPI would otherwise list or
    export nothing (and overwrite a file with an empty one) as if all were well."""
    from glokal.store.kolada import known_kpi_ids, known_place_ids

    if units:
        places = known_place_ids(session)
        unknown = [u for u in units if u not in places]
        if unknown:
            raise NotFound(N_("no unit has the id {ids}"), ids=unknown, where=unit_option)
    if kpis:
        known = known_kpi_ids(session)
        unknown = [k for k in kpis if k not in known]
        if unknown:
            raise NotFound(
                N_(
                    "no KPI {ids} in the store (`glokal kpis` lists them; "
                    "`glokal sync kolada --kpi …` fetches one)"
                ),
                ids=unknown,
                where=kpi_option,
            )
