"""What the register's commands share: list formats, unit and date options, a write
transaction, JSON on standard output, and output files written whole or not at all."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from sqlalchemy.orm import Session

from glokal.cli.base import (
    check_stored,
    current_settings,
    parse_date,
    ready_store,
)
from glokal.errors import InputError
from glokal.i18n import N_
from glokal.places import parse_place_id
from glokal.register import (
    split_list,
)


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class FileFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


UnitsOption = Annotated[
    str | None, typer.Option("--unit", help="Only these units, e.g. 0780,2409.", show_default=False)
]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who records it (default: your user name).")
]
TodayOption = Annotated[
    str | None, typer.Option("--today", help="Count from this date (default: today).")
]


def unit_ids(text: str | None) -> list[str]:
    return [parse_place_id(u, where="--unit") for u in split_list(text)] if text else []


def stored_unit_ids(session: Session, text: str | None) -> list[str]:
    """The ids of ``--unit``, each one a unit of the store: a mistyped unit would otherwise
    list or export nothing (and overwrite a file with an empty one) as if all were well."""
    units = unit_ids(text)
    check_stored(session, units=units)
    return units


def today_or(text: str | None) -> date:
    return parse_date(text, where="--today") if text else datetime.now().astimezone().date()


def utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def writing() -> Iterator[Session]:
    """One write transaction on a ready store."""
    with ready_store(current_settings()) as store, store.session() as session, session.begin():
        yield session


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def output_file(path: Path | None) -> Iterator[IO[bytes]]:
    """A binary stream for the file (written whole, or not at all), or standard output."""
    if path is None or str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as handle:
            yield handle
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(
            N_("cannot write the file: {error}"), error=str(exc.strerror or exc), where=str(path)
        ) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def checked(parse: Any, text: str | None, where: str) -> Any:
    if text is None:
        return None
    try:
        return parse(text)
    except InputError as exc:
        raise InputError(exc.msg, where=where, hint=exc.hint) from None
