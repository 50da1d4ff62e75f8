"""Commands that publish: the annual report or VLR (HTML, PDF) and the static site."""

from __future__ import annotations

import os
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from glokal.cli.base import (
    Lang,
    LangOption,
    app,
    current_settings,
    export_app,
    language_of,
    ready_store,
    stderr,
    stdout,
)
from glokal.errors import InputError
from glokal.i18n import N_
from glokal.places import parse_place_id
from glokal.publish.format import number
from glokal.publish.report import build_report, report_html, report_pdf
from glokal.register import split_list


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"


def _write_whole(path: Path, data: bytes) -> None:
    """Write the file whole or not at all (a stopped run leaves no half file)."""
    partial = path.with_name(path.name + ".partial")
    if not path.parent.is_dir():  # a mistyped directory is not made: as export and backup
        raise InputError(
            N_("cannot write the file: there is no directory {directory}"),
            directory=path.parent,
            where=str(path),
        )
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(
            N_("cannot write the file: {error}"), error=str(exc.strerror or exc), where=str(path)
        ) from None


@app.command()
def report(
    unit: Annotated[str, typer.Argument(help="Unit id, e.g. 1781.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to write.")],
    file_format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            case_sensitive=False,
            help="html or pdf (default: from the file's name, .html or .htm → html, else pdf).",
        ),
    ] = None,
    year: Annotated[
        int | None, typer.Option(min=1990, max=2100, help="The report year (default: this year).")
    ] = None,
    lang: LangOption = None,
) -> None:
    """The unit's sustainability report (or VLR): every goal's status, narrative, key figures,
    charts, local goals and activities; partnerships and programmes; method and sources."""
    settings = current_settings()
    unit_id = parse_place_id(unit, where="UNIT")
    language = language_of(settings, lang)
    if file_format is None:
        html = output.suffix.lower() in (".html", ".htm")
        file_format = ReportFormat.html if html else ReportFormat.pdf
    if not output.parent.is_dir():  # before the report is built: it takes seconds
        raise InputError(
            N_("cannot write the file: there is no directory {directory}"),
            directory=output.parent,
            where=str(output),
        )
    with ready_store(settings) as store, store.session() as session, session.begin():
        built = build_report(session, unit_id, language, year, date.today())
    if file_format is ReportFormat.pdf:
        data = report_pdf(built)
    else:
        data = report_html(built).encode("utf-8")
    _write_whole(output, data)
    stdout.print(f"{output}: {built.unit_name}, {number(round(len(data) / 1024), language)} kB")


@export_app.command("site")
def export_site_command(
    directory: Annotated[Path, typer.Argument(help="The directory to write the site into.")],
    unit: Annotated[
        str | None, typer.Option(help="Only these units, e.g. 1781,0180 (default: every unit).")
    ] = None,
    lang: Annotated[
        list[Lang] | None,
        typer.Option("--lang", case_sensitive=False, help="Languages (default: sv and en)."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="Processes rendering pages (default: the cores)."),
    ] = None,
) -> None:
    """The public pages as a static site with relative links, viewable with no server."""
    from glokal.web.site import export_site  # the web package: imported when used

    settings = current_settings()
    units = [parse_place_id(u, where="--unit") for u in split_list(unit)] if unit else []
    languages = [language.value for language in lang] if lang else ["sv", "en"]
    workers = jobs or os.cpu_count() or 1
    with ready_store(settings) as store, Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=stderr, transient=True,
        disable=not stderr.is_terminal,
    ) as progress:  # fmt: skip
        task = progress.add_task("units", total=len(units) or None)
        site = export_site(
            store, directory, units=units, languages=languages, jobs=workers,
            progress=lambda n: progress.advance(task, n),
        )  # fmt: skip
    stdout.print(f"{site.directory}: {site.pages} pages, {site.files} files, {site.units} units")
