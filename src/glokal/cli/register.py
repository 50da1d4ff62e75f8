"""Commands for the register: activities, the local agenda, programmes and networks."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from sqlalchemy.orm import Session

from glokal.cli.base import (
    FormatOption,
    LangOption,
    OutputFormat,
    app,
    current_settings,
    language_of,
    parse_date,
    reading,
    ready_store,
    stderr,
    stdout,
    user_name,
)
from glokal.errors import InputError
from glokal.framework import parse_goal_number, parse_target_id
from glokal.i18n import N_, translator
from glokal.places import load_places, parse_place_id
from glokal.publish.register import (
    activities_table,
    activity_detail,
    activity_json,
    agenda_json,
    agenda_view,
    programme_json,
    programme_view,
    reports_due_json,
    reports_due_table,
)
from glokal.register import (
    EVENT_KINDS,
    activity_context,
    import_activities,
    import_local_goals,
    parse_country,
    parse_funding_source,
    parse_goals,
    parse_kind,
    parse_report_kind,
    parse_targets,
    programme_progress,
    read_programmes,
    split_list,
    table_format,
    write_activities,
    write_local_goals,
)
from glokal.register.activities import activity_from_row
from glokal.register.tables import Row, RowProblems
from glokal.store.activities import (
    ActivityQuery,
    IcldReport,
    activities_lacking_evaluation,
    add_activities,
    delete_activity,
    find_activities,
    get_activity,
    replace_activity,
    reports_due,
)
from glokal.store.agenda import (
    LocalGoal,
    LocalIndicator,
    local_agenda,
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

activities_app = typer.Typer(
    help="Activities: projects, partnerships, EU projects, IOP, twin towns, …", no_args_is_help=True
)
agenda_app = typer.Typer(
    help="The local agenda: priority goals, local goals and indicators.", no_args_is_help=True
)
programmes_app = typer.Typer(
    help="Programmes and networks: members, steps, targets, events.", no_args_is_help=True
)

app.add_typer(activities_app, name="activities")
app.add_typer(agenda_app, name="agenda")
app.add_typer(programmes_app, name="programmes")


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


def _units(text: str | None) -> list[str]:
    return [parse_place_id(u, where="--unit") for u in split_list(text)] if text else []


def _today(text: str | None) -> date:
    return parse_date(text, where="--today") if text else datetime.now().astimezone().date()


def _now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def _writing() -> Iterator[Session]:
    """One write transaction on a ready store."""
    with ready_store(current_settings()) as store, store.session() as session, session.begin():
        yield session


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def _output(path: Path | None) -> Iterator[IO[bytes]]:
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
        raise InputError(f"cannot write the file: {exc.strerror or exc}", where=str(path)) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


# -- activities -----------------------------------------------------------------------------


@activities_app.command("add")
def activities_add(
    unit: Annotated[str, typer.Option(help="The unit that owns it, e.g. 0780.")],
    kind: Annotated[
        str,
        typer.Option(help="project, partnership, eu_project, iop, twin_town, programme or policy."),
    ],
    title: Annotated[str, typer.Option(help="Title.")],
    description: Annotated[str, typer.Option(help="What it is and does.")] = "",
    department: Annotated[str, typer.Option(help="The department or förvaltning.")] = "",
    start: Annotated[str, typer.Option(help="Start date, YYYY-MM-DD.")] = "",
    end: Annotated[str, typer.Option(help="End date, YYYY-MM-DD.")] = "",
    status: Annotated[
        str, typer.Option(help="Its status in your words (planned, ongoing, …).")
    ] = "",
    goals: Annotated[str, typer.Option(help="Goals served, e.g. 5;10.")] = "",
    secondary_goals: Annotated[str, typer.Option(help="Goals served secondarily.")] = "",
    targets: Annotated[str, typer.Option(help="Targets served, e.g. 5.5;10.2.")] = "",
    partner: Annotated[str, typer.Option(help="Partner organisations, separated by ';'.")] = "",
    partner_country: Annotated[
        str, typer.Option(help="Their countries (KE, Kenya, …), one per partner.")
    ] = "",
    partner_type: Annotated[
        str,
        typer.Option(
            help="Their types, one per partner: municipality, civil_society, business, "
            "academia or authority."
        ),
    ] = "",
    funding_source: Annotated[
        str, typer.Option(help="ICLD, ESF, ERUF, Erasmus+, Interreg, LEADER, own or other.")
    ] = "",
    budget_sek: Annotated[str, typer.Option(help="Budget in SEK.")] = "",
    funding: Annotated[
        str, typer.Option(help="Funding per year: 2024:icld:250000;2025:own:50000.")
    ] = "",
    programme: Annotated[
        str, typer.Option(help="The programme it belongs to, e.g. millenniekommun.")
    ] = "",
    icld_phase: Annotated[
        str,
        typer.Option(
            help="ICLD phase: forberedelse, styrgrupp, projekt, spridning, kommunikationsbidrag."
        ),
    ] = "",
    icld_variant: Annotated[
        str, typer.Option(help="ICLD variant: trepart, flerpart, utveckling.")
    ] = "",
    icld_round: Annotated[str, typer.Option(help="ICLD application round, e.g. '2025 vår'.")] = "",
    by: ByOption = None,
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Register an activity (the same fields and checks as a row of the import template)."""
    settings = current_settings()
    fields = {
        "unit": unit, "kind": kind, "title": title, "description": description,
        "department": department, "start": start, "end": end, "status": status, "goals": goals,
        "secondary_goals": secondary_goals, "targets": targets, "partner": partner,
        "partner_country": partner_country, "partner_type": partner_type,
        "funding_source": funding_source, "budget_sek": budget_sek, "funding": funding,
        "programme": programme, "icld_phase": icld_phase, "icld_variant": icld_variant,
        "icld_round": icld_round,
    }  # fmt: skip
    recorded_by = by if by is not None else user_name()
    with _writing() as session:
        problems = RowProblems("glokal activities add", options=True)
        activity = activity_from_row(Row(0, fields), activity_context(session), problems)
        problems.check("options")
        assert activity is not None
        (new_id,) = add_activities(session, [activity], by=recorded_by, now=_now())
        stored = get_activity(session, new_id)
    _show_activity(stored, output, language_of(settings, lang))


def _show_activity(activity: Any, output: OutputFormat, lang: str) -> None:
    if output is OutputFormat.json:
        _json(activity_json(activity))
    else:
        stdout.print(activity_detail(activity, lang))


@activities_app.command("list")
def activities_list(
    goal: Annotated[str | None, typer.Option(help="Serving this goal (1–17).")] = None,
    target: Annotated[str | None, typer.Option(help="Serving this target, e.g. 5.5.")] = None,
    country: Annotated[
        str | None, typer.Option(help="With a partner in this country: KE or Kenya.")
    ] = None,
    unit: UnitsOption = None,
    kind: Annotated[str | None, typer.Option(help="Of these kinds, e.g. partnership,iop.")] = None,
    funding: Annotated[str | None, typer.Option(help="Funded by this source, e.g. ICLD.")] = None,
    programme: Annotated[str | None, typer.Option(help="In this programme.")] = None,
    active_from: Annotated[
        str | None, typer.Option("--from", help="Running on or after this date.")
    ] = None,
    active_to: Annotated[
        str | None, typer.Option("--to", help="Running on or before this date.")
    ] = None,
    text: Annotated[
        str | None, typer.Option(help="Words in the title, description or partners.")
    ] = None,
    output: Annotated[
        ListFormat, typer.Option("--format", "-f", case_sensitive=False, help="table, json or csv.")
    ] = ListFormat.table,
    lang: LangOption = None,
) -> None:
    """List activities across all units: "who runs a partnership in Kenya on goal 5?"."""
    settings = current_settings()
    query = ActivityQuery(
        unit=_units(unit),
        kind=[parse_kind(k) for k in split_list(kind)] if kind else [],
        goal=parse_goal_number(goal, where="--goal") if goal is not None else None,
        target=parse_target_id(target, where="--target") if target is not None else None,
        country=_checked(parse_country, country, "--country"),
        funding_source=_checked(parse_funding_source, funding, "--funding"),
        programme=programme,
        active_from=parse_date(active_from, where="--from") if active_from else None,
        active_to=parse_date(active_to, where="--to") if active_to else None,
        text=text,
    )
    with reading(settings) as session:
        found = find_activities(session, query)
    if output is ListFormat.json:
        _json([activity_json(a) for a in found])
    elif output is ListFormat.csv:
        write_activities(sys.stdout.buffer, found, "csv")
    else:
        stdout.print(activities_table(found, language_of(settings, lang)))


def _checked(parse: Any, text: str | None, where: str) -> Any:
    if text is None:
        return None
    try:
        return parse(text)
    except InputError as exc:
        raise InputError(exc.message, where=where) from None


def _activity_id(text: str) -> int:
    if not text.strip().isdigit():
        raise InputError(f"{text!r} is not an activity id (a number)", where="ID")
    return int(text)


@activities_app.command("show")
def activities_show(
    activity: Annotated[str, typer.Argument(help="The activity's id.")],
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Show one activity with everything recorded about it."""
    settings = current_settings()
    with reading(settings) as session:
        found = get_activity(session, _activity_id(activity))
    _show_activity(found, output, language_of(settings, lang))


@activities_app.command("import")
def activities_import(
    file: Annotated[Path, typer.Argument(help="A CSV or .xlsx file in the activity template.")],
    file_format: Annotated[
        FileFormat | None, typer.Option("--format", help="csv or xlsx (default: from the name).")
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="Check the file, store nothing.")] = False,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Import activities; any bad row is reported with its row and column and nothing is stored."""
    gettext = translator(language_of(current_settings(), lang))
    recorded_by = by if by is not None else user_name()
    with _writing() as session:
        report = import_activities(
            session, file, by=recorded_by, now=_now(), check=check,
            file_format=file_format.value if file_format else None,
        )  # fmt: skip
    message = (
        N_("{rows} activities checked, none stored") if check else N_("{rows} activities imported")
    )
    stdout.print(f"{file}: " + gettext(message).format(rows=report.rows))


@activities_app.command("export")
def activities_export(
    file: Annotated[
        Path | None, typer.Argument(help="Where to write (default: standard output).")
    ] = None,
    file_format: Annotated[
        FileFormat | None,
        typer.Option("--format", help="csv or xlsx (default: from the name, else csv)."),
    ] = None,
    unit: UnitsOption = None,
) -> None:
    """Export activities in the import template (every field: importing it gives them back)."""
    kind = file_format.value if file_format else (
        table_format(file) if file is not None and str(file) != "-" else "csv"
    )  # fmt: skip
    if kind == "xlsx" and (file is None or str(file) == "-") and sys.stdout.isatty():
        raise InputError("an .xlsx file is not for the terminal; give a FILE", where="FILE")
    with reading(current_settings()) as session:
        found = find_activities(session, ActivityQuery(unit=_units(unit)))
    with _output(file) as out:
        write_activities(out, found, kind)
    if file is not None and str(file) != "-":
        stderr.print(f"{file}: {len(found)}")


@activities_app.command("evaluate")
def activities_evaluate(
    activity: Annotated[str, typer.Argument(help="The activity's id.")],
    done: Annotated[bool, typer.Option("--done/--not-done", help="Was it evaluated?")] = True,
    lessons: Annotated[str | None, typer.Option(help="Lessons learned.")] = None,
    transfer: Annotated[str | None, typer.Option(help="How the knowledge was passed on.")] = None,
    results: Annotated[str | None, typer.Option(help="What came of it.")] = None,
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Record the evaluation at the end of an activity."""
    settings = current_settings()
    with _writing() as session:
        found = get_activity(session, _activity_id(activity))
        changes: dict[str, Any] = {"evaluated": done}
        for name, value in (
            ("lessons", lessons),
            ("knowledge_transfer", transfer),
            ("results", results),
        ):
            if value is not None:
                changes[name] = value
        replace_activity(session, found.id or 0, replace(found, **changes), now=_now())
        stored = get_activity(session, found.id or 0)
    _show_activity(stored, output, language_of(settings, lang))


@activities_app.command("unevaluated")
def activities_unevaluated(
    unit: UnitsOption = None,
    today: TodayOption = None,
    output: Annotated[
        ListFormat, typer.Option("--format", "-f", case_sensitive=False, help="table, json or csv.")
    ] = ListFormat.table,
    lang: LangOption = None,
) -> None:
    """Activities that have ended and still lack an evaluation."""
    settings = current_settings()
    with reading(settings) as session:
        found = activities_lacking_evaluation(session, _today(today), _units(unit))
    if output is ListFormat.json:
        _json([activity_json(a) for a in found])
    elif output is ListFormat.csv:
        write_activities(sys.stdout.buffer, found, "csv")
    else:
        stdout.print(
            activities_table(found, language_of(settings, lang), N_("Ended, without an evaluation"))
        )


@activities_app.command("report")
def activities_report(
    activity: Annotated[str, typer.Argument(help="The ICLD partnership's activity id.")],
    year: Annotated[int, typer.Option(min=1, max=10, help="Accounting year: 1, 2 or 3.")],
    due: Annotated[str, typer.Option(help="Due date, YYYY-MM-DD.")],
    kind: Annotated[str, typer.Option(help="partial or final.")] = "final",
    submitted: Annotated[str | None, typer.Option(help="Submitted on, YYYY-MM-DD.")] = None,
) -> None:
    """Record a report an ICLD partnership owes (or that it was submitted)."""
    report = IcldReport(
        accounting_year=year, kind=_checked(parse_report_kind, kind, "--kind"),
        due=parse_date(due, where="--due"),
        submitted=parse_date(submitted, where="--submitted") if submitted else None,
    )  # fmt: skip
    with _writing() as session:
        found = get_activity(session, _activity_id(activity))
        if found.kind != "partnership" and found.icld_phase is None:
            raise InputError(
                f"activity {found.id} is a {found.kind}, not an ICLD partnership", where="ID"
            )
        others = tuple(
            r for r in found.reports if (r.accounting_year, r.kind) != (year, report.kind)
        )
        replace_activity(
            session, found.id or 0, replace(found, reports=(*others, report)), now=_now()
        )
    stdout.print(f"{found.id} {found.title}: {report.accounting_year} {report.kind} {report.due}")


@activities_app.command("reports")
def activities_reports(
    within: Annotated[int, typer.Option(min=0, help="Due within this many days.")] = 60,
    unit: UnitsOption = None,
    today: TodayOption = None,
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """ICLD reports coming due (and overdue ones) that are not yet submitted."""
    settings = current_settings()
    day = _today(today)
    with reading(settings) as session:
        due = reports_due(session, day, day + timedelta(days=within), _units(unit))
    if output is OutputFormat.json:
        _json(reports_due_json(due))
    else:
        stdout.print(reports_due_table(due, language_of(settings, lang), day))


@activities_app.command("delete")
def activities_delete(activity: Annotated[str, typer.Argument(help="The activity's id.")]) -> None:
    """Delete an activity and everything recorded with it."""
    with _writing() as session:
        found = get_activity(session, _activity_id(activity))
        delete_activity(session, found.id or 0)
    stdout.print(f"{found.id} {found.title}: deleted")


# -- agenda ----------------------------------------------------------------------------------


@agenda_app.command("priority")
def agenda_priority(
    unit: Annotated[str, typer.Argument(help="Unit id, e.g. 0180.")],
    goals: Annotated[str, typer.Argument(help="The priority goals, e.g. 5,10,13 (empty: none).")],
) -> None:
    """Set the unit's priority goals (replacing those it had)."""
    unit_id = parse_place_id(unit, where="UNIT")
    chosen = _checked(parse_goals, goals, "GOALS") if goals.strip() else []
    with _writing() as session:
        name = unit_name(session, unit_id)
        set_priority_goals(session, unit_id, chosen)
    stdout.print(f"{unit_id} {name}: {', '.join(map(str, sorted(chosen))) or '–'}")


@agenda_app.command("goal")
def agenda_goal(
    unit: Annotated[str, typer.Argument(help="Unit id, e.g. 0680.")],
    code: Annotated[str, typer.Argument(help="The unit's own code, e.g. SE.17.")],
    title: Annotated[str, typer.Option(help="The local goal.")],
    parent: Annotated[str | None, typer.Option(help="The code of the goal above it.")] = None,
    description: Annotated[str, typer.Option(help="More about it.")] = "",
    targets: Annotated[str, typer.Option(help="Global targets it serves, e.g. 5.5;10.2.")] = "",
) -> None:
    """Add or change a local goal."""
    from glokal.framework import load_framework

    unit_id = parse_place_id(unit, where="UNIT")
    linked = (
        _checked(lambda t: parse_targets(t, load_framework()), targets, "--targets")
        if targets
        else []
    )
    with _writing() as session:
        name = unit_name(session, unit_id)
        inserted, _updated = save_local_goals(
            session, [LocalGoal(unit_id, code.strip(), title, description, parent, tuple(linked))]
        )
    stdout.print(f"{unit_id} {name}: {code} {'added' if inserted else 'changed'}")


def _series(text: str) -> tuple[tuple[int, float], ...]:
    values = []
    for part in split_list(text):
        year, _, value = part.partition(":")
        try:
            values.append((int(year), float(value.replace(",", "."))))
        except ValueError:
            raise InputError(
                f"{part!r} is not YEAR:VALUE like 2024:37.5", where="--values"
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
) -> None:
    """Add or change a local indicator: a Kolada KPI or your own series, with a target."""
    from glokal.kolada import parse_kpi_ids

    unit_id = parse_place_id(unit, where="UNIT")
    kpi_id = parse_kpi_ids(kpi, where="--kpi")[0] if kpi else None
    if kpi_id and values:
        raise InputError("a Kolada indicator takes its values from Kolada", where="--values")
    if (target_value is None) != (target_year is None):
        raise InputError("give the target value and its year together", where="--target-value")
    indicator = LocalIndicator(
        unit=unit_id, code=code.strip(), title=title, goal=goal, kpi=kpi_id, measure=measure,
        baseline_value=baseline, baseline_year=baseline_year, target_value=target_value,
        target_year=target_year, values=_series(values),
    )  # fmt: skip
    with _writing() as session:
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
        _json(agenda_json(agenda))
    else:
        stdout.print(agenda_view(agenda, name, language_of(settings, lang)))


@agenda_app.command("import")
def agenda_import(
    file: Annotated[Path, typer.Argument(help="A CSV or .xlsx file in the local goal template.")],
    file_format: Annotated[FileFormat | None, typer.Option("--format", help="csv or xlsx.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Check the file, store nothing.")] = False,
) -> None:
    """Import local goals (added, or changed by unit and code); a bad row stores nothing."""
    with _writing() as session:
        report = import_local_goals(
            session, file, check=check, file_format=file_format.value if file_format else None
        )
    verb = "checked, nothing stored" if check else "stored"
    stdout.print(f"{file}: {report.rows} ({report.inserted} new, {report.updated} changed) {verb}")


@agenda_app.command("export")
def agenda_export(
    file: Annotated[
        Path | None, typer.Argument(help="Where to write (default: standard output).")
    ] = None,
    file_format: Annotated[FileFormat | None, typer.Option("--format", help="csv or xlsx.")] = None,
    unit: UnitsOption = None,
) -> None:
    """Export local goals in the import template."""
    kind = file_format.value if file_format else (
        table_format(file) if file is not None and str(file) != "-" else "csv"
    )  # fmt: skip
    with reading(current_settings()) as session:
        goals = local_goals_of(session, _units(unit))
    with _output(file) as out:
        write_local_goals(out, goals, kind)


# -- programmes ------------------------------------------------------------------------------


@programmes_app.command("list")
def programmes_list(output: FormatOption = OutputFormat.table, lang: LangOption = None) -> None:
    """List the programmes and networks (Millenniekommun and Glokala Sverige come with Glokal)."""
    settings = current_settings()
    with reading(settings) as session:
        records = [programme_record(session, p.id) for p in list_programmes(session)]
    if output is OutputFormat.json:
        _json([
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
        _json(programme_json(record, progress))
    else:
        stdout.print(programme_view(record, progress, names, language_of(settings, lang)))


@programmes_app.command("define")
def programmes_define(
    file: Annotated[Path, typer.Argument(help="A JSON file of programme definitions.")],
) -> None:
    """Add or change programmes from a JSON file (the shape of docs/register.md)."""
    definitions = read_programmes(file)
    with _writing() as session:
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
) -> None:
    """Record (or change) a unit's membership of a programme."""
    unit_id = parse_place_id(unit, where="UNIT")
    member = Membership(
        unit=unit_id, joined=parse_date(joined, where="--joined") if joined else None,
        left=parse_date(left, where="--left") if left else None, intake=intake,
    )  # fmt: skip
    with _writing() as session:
        name = unit_name(session, unit_id)
        save_membership(session, programme, member)
    stdout.print(f"{programme}: {unit_id} {name}")


@programmes_app.command("step")
def programmes_step(
    programme: Annotated[str, typer.Argument(help="The programme's id.")],
    unit: Annotated[str, typer.Argument(help="Unit id, a member.")],
    step: Annotated[str, typer.Argument(help="The step's code, e.g. viljebeslut.")],
    taken: Annotated[str | None, typer.Option(help="Taken on, YYYY-MM-DD.")] = None,
) -> None:
    """Record that a member has taken one of the programme's steps."""
    unit_id = parse_place_id(unit, where="UNIT")
    with _writing() as session:
        record = programme_record(session, programme)
        if unit_id not in {m.unit for m in record.members}:
            raise InputError(
                f"{unit_id} is not a member of {programme}; `glokal programmes join` first",
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
) -> None:
    """Record an event of a programme and the units that took part."""
    if kind not in EVENT_KINDS:
        raise InputError(
            f"{kind!r} is not a kind of event; use one of: {', '.join(EVENT_KINDS)}", where="--kind"
        )
    taking_part = tuple(_units(units))
    places = load_places()
    for unit_id in taking_part:
        if places.get(unit_id) is None:
            raise InputError(f"there is no unit {unit_id!r}", where="--units")
    event = ProgrammeEvent(
        kind=kind, title=title, start=parse_date(start, where="--start"),
        end=parse_date(end, where="--end") if end else None, place=place, units=taking_part,
    )  # fmt: skip
    with _writing() as session:
        event_id = add_event(session, programme, event)
    stdout.print(f"{programme}: {event_id} {title} ({len(taking_part)})")
