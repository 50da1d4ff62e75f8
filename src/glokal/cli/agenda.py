"""Commands for the local agenda and for programmes and networks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from glokal.cli.base import (
    FormatOption,
    LangOption,
    OutputFormat,
    app,
    current_settings,
    language_of,
    parse_date,
    reading,
    stdout,
)
from glokal.cli.files import (
    FileFormat,
    UnitsOption,
    checked,
    output_file,
    print_json,
    stored_unit_ids,
    unit_ids,
    writing,
)
from glokal.errors import InputError
from glokal.i18n import N_, translator
from glokal.places import load_places, parse_place_id
from glokal.publish.register import (
    agenda_json,
    agenda_view,
    programme_json,
    programme_view,
)
from glokal.register import (
    EVENT_KINDS,
    import_local_goals,
    parse_goals,
    programme_progress,
    read_programmes,
    split_list,
    table_format,
    write_local_goals,
)
from glokal.register.agenda import local_goal_from_options, local_goal_to_row
from glokal.register.fields import parse_code
from glokal.store.agenda import (
    LocalIndicator,
    local_agenda,
    local_goal_parents,
    local_goals_of,
    save_local_goals,
    save_local_indicator,
    set_priority_goals,
)
from glokal.store.assessments import unit_name
from glokal.store.programmes import (
    Membership,
    ProgrammeEvent,
    add_event,
    list_programmes,
    programme_record,
    save_membership,
    save_programme,
)
from glokal.store.queries import list_places

agenda_app = typer.Typer(
    help="The local agenda: priority goals, local goals and indicators.", no_args_is_help=True
)
app.add_typer(agenda_app, name="agenda")
programmes_app = typer.Typer(
    help="Programmes and networks: members, steps, targets, events.", no_args_is_help=True
)

app.add_typer(programmes_app, name="programmes")


# -- agenda ----------------------------------------------------------------------------------


@agenda_app.command("priority")
def agenda_priority(
    unit: Annotated[str, typer.Argument(help="Unit id, e.g. 0180.")],
    goals: Annotated[str, typer.Argument(help="The priority goals, e.g. 5,10,13 (empty: none).")],
    lang: LangOption = None,
) -> None:
    """Set the unit's priority goals (replacing those it had)."""
    unit_id = parse_place_id(unit, where="UNIT")
    chosen = checked(parse_goals, goals, "GOALS") if goals.strip() else []
    with writing() as session:
        name = unit_name(session, unit_id)
        set_priority_goals(session, unit_id, chosen)
    stdout.print(f"{unit_id} {name}: {', '.join(map(str, sorted(chosen))) or '–'}")


@agenda_app.command("goal")
def agenda_goal(
    unit: Annotated[str, typer.Argument(help="Unit id, e.g. 0680.")],
    code: Annotated[str, typer.Argument(help="The unit's own code, e.g. SE.17.")],
    title: Annotated[
        str | None, typer.Option(help="The local goal (needed for a new one).")
    ] = None,
    parent: Annotated[
        str | None, typer.Option(help="The code of the goal above it ('': none).")
    ] = None,
    description: Annotated[str | None, typer.Option(help="More about it.")] = None,
    targets: Annotated[
        str | None, typer.Option(help="Global targets it serves, e.g. 5.5;10.2 ('': none).")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Add or change a local goal. Changing one changes only the options given: the others
    keep what is stored."""
    from glokal.framework import load_framework

    unit_id = parse_place_id(unit, where="UNIT")
    with writing() as session:
        name = unit_name(session, unit_id)
        stored = local_goal_parents(session, [unit_id]).get(unit_id, {})
        goals = {g.code: g for g in local_agenda(session, unit_id).goals}
        before = goals.get(code.strip())
        given = {"title": title, "parent": parent, "description": description, "targets": targets}
        kept = local_goal_to_row(before) if before is not None else {}
        cells = {"unit": unit_id, "code": code} | {
            column: value if value is not None else kept.get(column, "")
            for column, value in given.items()
        }
        goal = local_goal_from_options(
            cells, load_framework(), stored, published=before.published if before else True
        )
        save_local_goals(session, [goal])
    said = N_("{unit} {name}: {code} changed") if before else N_("{unit} {name}: {code} added")
    gettext = translator(language_of(current_settings(), lang))
    stdout.print(gettext(said).format(unit=unit_id, name=name, code=goal.code))


def _series(text: str) -> tuple[tuple[int, float], ...]:
    values = []
    for part in split_list(text):
        year, _, value = part.partition(":")
        try:
            values.append((int(year), float(value.replace(",", "."))))
        except ValueError:
            raise InputError(
                N_("{text!r} is not YEAR:VALUE like 2024:37.5"), text=part, where="--values"
            ) from None
    return tuple(sorted(dict(values).items()))


@agenda_app.command("indicator")
def agenda_indicator(
    unit: Annotated[str, typer.Argument(help="Unit id, e.g. 0680.")],
    code: Annotated[str, typer.Argument(help="The unit's own code, e.g. GM.3.11.")],
    title: Annotated[str, typer.Option(help="What it measures.")],
    goal: Annotated[str | None, typer.Option(help="The local goal it follows (its code).")] = None,
    kpi: Annotated[
        str | None, typer.Option(help="A Kolada KPI, e.g. N00401 (else: your own series).")
    ] = None,
    measure: Annotated[str, typer.Option(help="Unit of measure, e.g. procent.")] = "",
    baseline: Annotated[float | None, typer.Option(help="Baseline value.")] = None,
    baseline_year: Annotated[int | None, typer.Option(help="Baseline year.")] = None,
    target_value: Annotated[float | None, typer.Option(help="Target value.")] = None,
    target_year: Annotated[int | None, typer.Option(help="Target year.")] = None,
    values: Annotated[str, typer.Option(help="Your own series: 2022:31.5;2023:33.")] = "",
    lang: LangOption = None,
) -> None:
    """Add or change a local indicator: a Kolada KPI or your own series, with a target."""
    from glokal.kolada import parse_kpi_ids

    unit_id = parse_place_id(unit, where="UNIT")
    kpi_id = parse_kpi_ids(kpi, where="--kpi")[0] if kpi else None
    if kpi_id and values:
        raise InputError(N_("a Kolada indicator takes its values from Kolada"), where="--values")
    if (target_value is None) != (target_year is None):
        raise InputError(N_("give the target value and its year together"), where="--target-value")
    code = checked(parse_code, code, "CODE")  # the same rules as a local goal's code
    indicator = LocalIndicator(
        unit=unit_id, code=code, title=title, goal=goal, kpi=kpi_id, measure=measure,
        baseline_value=baseline, baseline_year=baseline_year, target_value=target_value,
        target_year=target_year, values=_series(values),
    )  # fmt: skip
    with writing() as session:
        name = unit_name(session, unit_id)
        save_local_indicator(session, indicator)
    stdout.print(f"{unit_id} {name}: {code}")


@agenda_app.command("show")
def agenda_show(
    unit: Annotated[str, typer.Argument(help="Unit id, e.g. 0680.")],
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Show a unit's local agenda: priority goals, local goals and indicators."""
    settings = current_settings()
    unit_id = parse_place_id(unit, where="UNIT")
    with reading(settings) as session:
        name = unit_name(session, unit_id)
        agenda = local_agenda(session, unit_id)
    if output is OutputFormat.json:
        print_json(agenda_json(agenda))
    else:
        stdout.print(agenda_view(agenda, name, language_of(settings, lang)))


@agenda_app.command("import")
def agenda_import(
    file: Annotated[Path, typer.Argument(help="A CSV or .xlsx file in the local goal template.")],
    file_format: Annotated[FileFormat | None, typer.Option("--format", help="csv or xlsx.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Check the file, store nothing.")] = False,
    lang: LangOption = None,
) -> None:
    """Import local goals (added, or changed by unit and code); a bad row stores nothing."""
    with writing() as session:
        report = import_local_goals(
            session, file, check=check, file_format=file_format.value if file_format else None
        )
    said = (
        N_("{file}: {rows} rows ({new} new, {changed} changed) checked, nothing stored")
        if check
        else N_("{file}: {rows} rows ({new} new, {changed} changed) stored")
    )
    gettext = translator(language_of(current_settings(), lang))
    stdout.print(
        gettext(said).format(
            file=file, rows=report.rows, new=report.inserted, changed=report.updated
        )
    )


@agenda_app.command("export")
def agenda_export(
    file: Annotated[
        Path | None, typer.Argument(help="Where to write (default: standard output).")
    ] = None,
    file_format: Annotated[FileFormat | None, typer.Option("--format", help="csv or xlsx.")] = None,
    unit: UnitsOption = None,
    lang: LangOption = None,
) -> None:
    """Export local goals in the import template, its headers in the interface language."""
    kind = file_format.value if file_format else (
        table_format(file) if file is not None and str(file) != "-" else "csv"
    )  # fmt: skip
    with reading(current_settings()) as session:
        goals = local_goals_of(session, stored_unit_ids(session, unit))
    with output_file(file) as out:
        write_local_goals(out, goals, kind, language_of(current_settings(), lang))


# -- programmes ------------------------------------------------------------------------------


@programmes_app.command("list")
def programmes_list(output: FormatOption = OutputFormat.table, lang: LangOption = None) -> None:
    """List the programmes and networks (Millenniekommun and Glokala Sverige come with Glokal)."""
    settings = current_settings()
    with reading(settings) as session:
        records = [programme_record(session, p.id) for p in list_programmes(session)]
    if output is OutputFormat.json:
        print_json([
            {"id": r.programme.id, "name": r.programme.name, "start": str(r.programme.start or ""),
             "end": str(r.programme.end or ""), "members": len(r.members)}
            for r in records
        ])  # fmt: skip
        return
    from rich.table import Table

    gettext = translator(language_of(settings, lang))
    table = Table(title=gettext(N_("Programmes and networks")), title_justify="left")
    for header in (N_("Id"), N_("Name"), N_("Period"), N_("Members")):
        table.add_column(gettext(header))
    for r in records:
        p = r.programme
        table.add_row(p.id, p.name, f"{p.start or '…'} – {p.end or '…'}", str(len(r.members)))
    stdout.print(table)


@programmes_app.command("show")
def programmes_show(
    programme: Annotated[str, typer.Argument(help="The programme's id, e.g. millenniekommun.")],
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Show a programme: its steps, its own targets with progress, members and events."""
    settings = current_settings()
    with reading(settings) as session:
        record = programme_record(session, programme)
        names = {p.id: p.name for p in list_places(session)}
    types: dict[str, str] = {p.id: p.type for p in load_places().places}
    progress = programme_progress(record, types)
    if output is OutputFormat.json:
        print_json(programme_json(record, progress))
    else:
        stdout.print(programme_view(record, progress, names, language_of(settings, lang)))


@programmes_app.command("define")
def programmes_define(
    file: Annotated[Path, typer.Argument(help="A JSON file of programme definitions.")],
    lang: LangOption = None,
) -> None:
    """Add or change programmes from a JSON file (the shape of docs/register.md)."""
    definitions = read_programmes(file)
    with writing() as session:
        for definition in definitions:
            save_programme(session, definition)
    stdout.print(f"{file}: {', '.join(d.id for d in definitions)}")


@programmes_app.command("join")
def programmes_join(
    programme: Annotated[str, typer.Argument(help="The programme's id.")],
    unit: Annotated[str, typer.Argument(help="Unit id, e.g. 1781.")],
    joined: Annotated[str | None, typer.Option(help="Joined on, YYYY-MM-DD.")] = None,
    left: Annotated[str | None, typer.Option(help="Left on, YYYY-MM-DD.")] = None,
    intake: Annotated[str, typer.Option(help="Intake round, e.g. 2020.")] = "",
    lang: LangOption = None,
) -> None:
    """Record (or change) a unit's membership of a programme."""
    unit_id = parse_place_id(unit, where="UNIT")
    member = Membership(
        unit=unit_id, joined=parse_date(joined, where="--joined") if joined else None,
        left=parse_date(left, where="--left") if left else None, intake=intake,
    )  # fmt: skip
    with writing() as session:
        name = unit_name(session, unit_id)
        save_membership(session, programme, member)
    stdout.print(f"{programme}: {unit_id} {name}")


@programmes_app.command("step")
def programmes_step(
    programme: Annotated[str, typer.Argument(help="The programme's id.")],
    unit: Annotated[str, typer.Argument(help="Unit id, a member.")],
    step: Annotated[str, typer.Argument(help="The step's code, e.g. viljebeslut.")],
    taken: Annotated[str | None, typer.Option(help="Taken on, YYYY-MM-DD.")] = None,
    lang: LangOption = None,
) -> None:
    """Record that a member has taken one of the programme's steps."""
    unit_id = parse_place_id(unit, where="UNIT")
    with writing() as session:
        record = programme_record(session, programme)
        if unit_id not in {m.unit for m in record.members}:
            raise InputError(
                N_("{unit} is not a member of {programme}; `glokal programmes join` first"),
                unit=unit_id,
                programme=programme,
                where="UNIT",
            )
        day = parse_date(taken, where="--taken") if taken else None
        save_membership(session, programme, Membership(unit_id, steps_taken=((step, day),)))
    stdout.print(f"{programme}: {unit_id} {step}")


@programmes_app.command("event")
def programmes_event(
    programme: Annotated[str, typer.Argument(help="The programme's id.")],
    title: Annotated[str, typer.Option(help="e.g. Mötesplats Agenda 2030.")],
    start: Annotated[str, typer.Option(help="Date, YYYY-MM-DD.")],
    kind: Annotated[
        str, typer.Option(help="training, webinar, conference or meeting.")
    ] = "training",
    end: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD.")] = None,
    place: Annotated[str, typer.Option(help="Where.")] = "",
    units: Annotated[
        str, typer.Option("--units", help="Units that took part, e.g. 0180,1280.")
    ] = "",
    lang: LangOption = None,
) -> None:
    """Record an event of a programme and the units that took part."""
    if kind not in EVENT_KINDS:
        raise InputError(
            N_("{kind!r} is not a kind of event; use one of: {allowed}"),
            kind=kind,
            allowed=EVENT_KINDS,
            where="--kind",
        )
    taking_part = tuple(unit_ids(units))
    places = load_places()
    for unit_id in taking_part:
        if places.get(unit_id) is None:
            raise InputError(N_("there is no unit {unit!r}"), unit=unit_id, where="--units")
    event = ProgrammeEvent(
        kind=kind, title=title, start=parse_date(start, where="--start"),
        end=parse_date(end, where="--end") if end else None, place=place, units=taking_part,
    )  # fmt: skip
    with writing() as session:
        event_id = add_event(session, programme, event)
    stdout.print(f"{programme}: {event_id} {title} ({len(taking_part)})")
