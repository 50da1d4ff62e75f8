"""Commands for Open SDG data: `glokal export opensdg` and `glokal import opensdg`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from glokal.cli.base import (
    LangOption,
    current_settings,
    export_app,
    import_app,
    language_of,
    reading,
    stdout,
)
from glokal.cli.files import UnitsOption, unit_ids, writing
from glokal.i18n import N_, translator
from glokal.places import parse_place_id
from glokal.publish.format import number
from glokal.publish.opensdg import export_opensdg
from glokal.register.opensdg import import_opensdg

DirArgument = Annotated[
    Path, typer.Argument(help="The folder with data/ and meta/ (an Open SDG data repository).")
]


@export_app.command("opensdg")
def export_opensdg_command(
    directory: DirArgument,
    unit: UnitsOption = None,
    drafts: Annotated[
        bool, typer.Option("--drafts", help="Also indicators under draft local goals.")
    ] = False,
    lang: LangOption = None,
) -> None:
    """Write Open SDG data: local indicators and the Agenda 2030 KPIs (Källa: Kolada)."""
    settings = current_settings()
    language = language_of(settings, lang)
    with reading(settings) as session:
        report = export_opensdg(
            session, directory, unit_ids(unit), lang=language, drafts=drafts,
            kolada_url=settings.kolada_base_url,
        )  # fmt: skip
    _ = translator(settings.language)
    stdout.print(
        f"Open SDG: {report.local} {_(N_('local indicators'))}, {report.kolada} "
        f"{_(N_('Kolada indicators'))}, {number(report.rows, settings.language)} "
        f"{_(N_('rows'))} → {report.directory}"
        + (f" ({report.removed} {_(N_('old files removed'))})" if report.removed else "")
        + ". Källa: Kolada",
        markup=False,
    )


@import_app.command("opensdg")
def import_opensdg_command(
    directory: DirArgument,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="Only this unit's rows; the unit of files without GeoCode or Glokal's unit.",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Check every file and store nothing.")
    ] = False,
    lang: LangOption = None,
) -> None:
    """Read Open SDG data (data/indicator_*.csv, meta/*.yml) into local indicators."""
    settings = current_settings()
    unit_id = parse_place_id(unit, where="--unit") if unit is not None else None
    with writing() as session:
        report = import_opensdg(session, directory, unit=unit_id, check=check)
    _ = translator(language_of(settings, lang))
    what = _(N_("checked, nothing stored")) if check else _(N_("stored"))
    stdout.print(
        f"Open SDG: {report.indicators} {_(N_('local indicators'))} ({report.inserted} "
        f"{_(N_('new'))}, {report.updated} {_(N_('updated'))}), {report.goals_added} "
        f"{_(N_('local goals added'))}, {len(report.skipped)} {_(N_('skipped'))}: {what}.",
        markup=False,
    )
