"""`glokal export values|assessments|activities [FILE] --format csv|xlsx|json [--unit …]`:
the store's data as files, each row saying where it comes from (Källa: Kolada, Glokal's own
analysis, or the unit's decision)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from glokal.cli.base import (
    LangOption,
    check_stored,
    current_settings,
    export_app,
    language_of,
    reading,
    stderr,
)
from glokal.cli.files import UnitsOption, output_file, stored_unit_ids, unit_ids
from glokal.errors import InputError
from glokal.i18n import N_, translator
from glokal.publish.exports import (
    Section,
    assessments_export,
    values_export,
    write_activities_export,
    write_export,
)
from glokal.publish.format import number
from glokal.store.activities import ActivityQuery, find_activities
from glokal.store.exports import (
    all_decisions,
    all_kpi_analyses,
    all_suggestions,
    kpi_titles,
    unit_names,
)
from glokal.store.kolada import iter_values


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


FileArgument = Annotated[
    Path | None, typer.Argument(help="Where to write (default: standard output).")
]
ExportFormatOption = Annotated[
    ExportFormat | None,
    typer.Option(
        "--format",
        case_sensitive=False,
        help="csv, xlsx or json (default: from the name, else csv).",
    ),
]


def _format_of(file: Path | None, given: ExportFormat | None) -> str:
    to_stdout = file is None or str(file) == "-"
    if given is not None:
        kind = given.value
    elif to_stdout:
        kind = "csv"
    else:
        assert file is not None
        kind = file.suffix.lstrip(".").lower()
        if kind not in {f.value for f in ExportFormat}:
            raise InputError(
                N_(
                    "cannot tell the format of {name!r}: name it .csv, .xlsx or .json, "
                    "or give --format"
                ),
                name=file.name,
                where=str(file),
            )
    if kind == "xlsx" and to_stdout and sys.stdout.isatty():
        raise InputError(N_("an .xlsx file is not for the terminal; give a FILE"), where="FILE")
    return kind


@contextmanager
def _counter() -> Iterator[Callable[[int], None]]:
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    ) as progress:
        task = progress.add_task("0", total=None)
        yield lambda rows: progress.update(task, description=f"{rows:,}")


def _write(
    file: Path | None,
    kind: str,
    lang: str,
    sections: Callable[[Session], Sequence[Section]],
) -> None:
    """Build the sections in one read transaction and write them, whole or not at all."""
    with reading(current_settings()) as session, output_file(file) as out, _counter() as tick:
        rows = write_export(out, sections(session), kind, tick)
    _summary(file, rows, lang)


def _summary(file: Path | None, rows: int, lang: str) -> None:
    if file is not None and str(file) != "-":
        stderr.print(
            translator(lang)(N_("{file}: {rows} rows")).format(file=file, rows=number(rows, lang)),
            soft_wrap=True,
        )


@export_app.command("values")
def export_values(
    file: FileArgument = None,
    file_format: ExportFormatOption = None,
    unit: UnitsOption = None,
    kpi: Annotated[
        str | None, typer.Option("--kpi", help="Only these KPIs, e.g. N00401,N00945.")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Export the stored Kolada values; every row says "Källa: Kolada"."""
    kind = _format_of(file, file_format)
    language = language_of(current_settings(), lang)
    units = unit_ids(unit)
    kpis = [k.strip().upper() for k in kpi.split(",") if k.strip()] if kpi else None

    def sections(session: Session) -> Sequence[Section]:
        check_stored(session, units=units, kpis=kpis)
        values = iter_values(session, kpis=kpis, units=units or None)
        return values_export(values, kpi_titles(session), unit_names(session), language)

    _write(file, kind, language, sections)


@export_app.command("assessments")
def export_assessments(
    file: FileArgument = None,
    file_format: ExportFormatOption = None,
    unit: UnitsOption = None,
    lang: LangOption = None,
) -> None:
    """Export decided statuses (the units' decisions) and Glokal's analysis: suggested
    statuses per goal and trends and positions per KPI."""
    kind = _format_of(file, file_format)
    language = language_of(current_settings(), lang)
    units = unit_ids(unit)

    def sections(session: Session) -> Sequence[Section]:
        check_stored(session, units=units)
        return assessments_export(
            all_decisions(session, units),
            all_suggestions(session, units),
            all_kpi_analyses(session, units),
            kpi_titles(session),
            unit_names(session),
            language,
        )

    _write(file, kind, language, sections)


@export_app.command("activities")
def export_activities(
    file: FileArgument = None,
    file_format: ExportFormatOption = None,
    unit: UnitsOption = None,
    lang: LangOption = None,
) -> None:
    """Export activities: CSV and XLSX in the import template, JSON with every field."""
    kind = _format_of(file, file_format)
    language = language_of(current_settings(), lang)
    with reading(current_settings()) as session:
        found = find_activities(session, ActivityQuery(unit=stored_unit_ids(session, unit)))
    out: IO[bytes]
    with output_file(file) as out:
        rows = write_activities_export(out, found, kind, language)
    _summary(file, rows, language)
