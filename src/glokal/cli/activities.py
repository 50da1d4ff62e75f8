"""Commands for activities: projects, partnerships, EU projects, IOP, twin towns, …"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from glokal.cli.base import (
    FormatOption,
    LangOption,
    OutputFormat,
    app,
    check_stored,
    current_settings,
    language_of,
    parse_date,
    reading,
    stderr,
    stdout,
    user_name,
)
from glokal.cli.files import (
    ByOption,
    FileFormat,
    ListFormat,
    TodayOption,
    UnitsOption,
    checked,
    output_file,
    print_json,
    stored_unit_ids,
    today_or,
    unit_ids,
    utc_now,
    writing,
)
from glokal.errors import InputError
from glokal.framework import parse_goal_number, parse_target_id
from glokal.i18n import N_, Message, translator
from glokal.mapping import classify
from glokal.publish.register import (
    activities_table,
    activity_detail,
    activity_json,
    reports_due_json,
    reports_due_table,
)
from glokal.register import (
    activity_context,
    activity_text,
    import_activities,
    parse_country,
    parse_funding_source,
    parse_goals,
    parse_kind,
    parse_report_kind,
    parse_targets,
    split_list,
    table_format,
    with_suggestions,
    write_activities,
)
from glokal.register.activities import activity_from_row
from glokal.register.tables import Row, RowProblems
from glokal.store.activities import (
    Activity,
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

activities_app = typer.Typer(
    help="Activities: projects, partnerships, EU projects, IOP, twin towns, …", no_args_is_help=True
)
app.add_typer(activities_app, name="activities")


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
    suggest: SuggestOption = False,
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
    with writing() as session:
        problems = RowProblems("glokal activities add", options=True)
        activity = activity_from_row(Row(0, fields), activity_context(session), problems)
        problems.check(N_("the options"))
        assert activity is not None
        (new_id,) = add_activities(session, [activity], by=recorded_by, now=utc_now())
        if suggest:
            _store_suggestions(session, [new_id])
        stored = get_activity(session, new_id)
    _show_activity(stored, output, language_of(settings, lang))


def _show_activity(activity: Any, output: OutputFormat, lang: str) -> None:
    if output is OutputFormat.json:
        print_json(activity_json(activity))
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
        unit=unit_ids(unit),  # checked against the store below
        kind=[parse_kind(k) for k in split_list(kind)] if kind else [],
        goal=parse_goal_number(goal, where="--goal") if goal is not None else None,
        target=parse_target_id(target, where="--target") if target is not None else None,
        country=checked(parse_country, country, "--country"),
        funding_source=checked(parse_funding_source, funding, "--funding"),
        programme=programme,
        active_from=parse_date(active_from, where="--from") if active_from else None,
        active_to=parse_date(active_to, where="--to") if active_to else None,
        text=text,
    )
    with reading(settings) as session:
        check_stored(session, units=query.unit)
        found = find_activities(session, query)
    if output is ListFormat.json:
        print_json([activity_json(a) for a in found])
    elif output is ListFormat.csv:  # the import template, as `activities export` writes it
        write_activities(sys.stdout.buffer, found, "csv", language_of(settings, lang))
    else:
        stdout.print(activities_table(found, language_of(settings, lang)))


def _activity_id(text: str) -> int:
    if not text.strip().isdigit():
        raise InputError(N_("{text!r} is not an activity id (a number)"), text=text, where="ID")
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


SuggestOption = Annotated[
    bool,
    typer.Option(
        "--suggest", help="Also store the goals and targets the classifier suggests (unconfirmed)."
    ),
]


def _store_suggestions(session: Session, ids: Sequence[int]) -> list[Activity]:
    """Classify the activities' titles and descriptions; store the results as suggestions."""
    activities = [get_activity(session, i) for i in ids]
    results = classify([activity_text(a) for a in activities], targets=True)
    updated = []
    for activity, result in zip(activities, results, strict=True):
        suggested = with_suggestions(activity, result.goals, result.targets)
        replace_activity(session, activity.id or 0, suggested, now=utc_now())
        updated.append(get_activity(session, activity.id or 0))
    return updated


@activities_app.command("suggest")
def activities_suggest(
    activity: Annotated[
        list[str] | None, typer.Argument(help="Activity ids (default: every activity).")
    ] = None,
    unit: UnitsOption = None,
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Suggest goals and targets for activities from their texts (Glokal's classifier); a
    person confirms or rejects them with `activities confirm`."""
    settings = current_settings()
    with writing() as session:
        if activity:
            ids = [_activity_id(a) for a in activity]
        else:
            units = stored_unit_ids(session, unit)
            ids = [a.id or 0 for a in find_activities(session, ActivityQuery(unit=units))]
        updated = _store_suggestions(session, ids)
    if output is OutputFormat.json:
        print_json([activity_json(a) for a in updated])
    else:
        stdout.print(activities_table(updated, language_of(settings, lang)))


@activities_app.command("import")
def activities_import(
    file: Annotated[Path, typer.Argument(help="A CSV or .xlsx file in the activity template.")],
    file_format: Annotated[
        FileFormat | None, typer.Option("--format", help="csv or xlsx (default: from the name).")
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="Check the file, store nothing.")] = False,
    suggest: SuggestOption = False,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Import activities; any bad row is reported with its row and column and nothing is stored."""
    gettext = translator(language_of(current_settings(), lang))
    recorded_by = by if by is not None else user_name()
    with writing() as session:
        report = import_activities(
            session, file, by=recorded_by, now=utc_now(), check=check,
            file_format=file_format.value if file_format else None,
        )  # fmt: skip
        if suggest:
            _store_suggestions(session, report.ids)
    message = (
        N_("{rows} activities checked, none stored") if check else N_("{rows} activities imported")
    )
    stdout.print(f"{file}: " + gettext(message).format(rows=report.rows))
    if report.like_stored:
        stderr.print(
            gettext(
                N_(
                    "{file}: like activities stored before (same unit, title and start; "
                    "stored as {ids}): was the file imported already? Each row is a new "
                    "activity; `glokal activities delete ID` removes one"
                )
            ).format(file=file, ids=", ".join(map(str, report.like_stored))),
            soft_wrap=True, markup=False,
        )  # fmt: skip


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
    lang: LangOption = None,
) -> None:
    """Export activities in the import template (every field: importing it gives them back),
    its headers in the interface language."""
    kind = file_format.value if file_format else (
        table_format(file) if file is not None and str(file) != "-" else "csv"
    )  # fmt: skip
    if kind == "xlsx" and (file is None or str(file) == "-") and sys.stdout.isatty():
        raise InputError(N_("an .xlsx file is not for the terminal; give a FILE"), where="FILE")
    with reading(current_settings()) as session:
        found = find_activities(session, ActivityQuery(unit=stored_unit_ids(session, unit)))
    with output_file(file) as out:
        write_activities(out, found, kind, language_of(current_settings(), lang))
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
    with writing() as session:
        found = get_activity(session, _activity_id(activity))
        changes: dict[str, Any] = {"evaluated": done}
        for name, value in (
            ("lessons", lessons),
            ("knowledge_transfer", transfer),
            ("results", results),
        ):
            if value is not None:
                changes[name] = value
        replace_activity(session, found.id or 0, replace(found, **changes), now=utc_now())
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
        found = activities_lacking_evaluation(
            session, today_or(today), stored_unit_ids(session, unit)
        )
    if output is ListFormat.json:
        print_json([activity_json(a) for a in found])
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
    lang: LangOption = None,
) -> None:
    """Record a report an ICLD partnership owes (or that it was submitted)."""
    report = IcldReport(
        accounting_year=year, kind=checked(parse_report_kind, kind, "--kind"),
        due=parse_date(due, where="--due"),
        submitted=parse_date(submitted, where="--submitted") if submitted else None,
    )  # fmt: skip
    with writing() as session:
        found = get_activity(session, _activity_id(activity))
        if found.kind != "partnership" and found.icld_phase is None:
            raise InputError(
                N_("activity {id} is a {kind}, not an ICLD partnership"),
                id=found.id,
                kind=found.kind,
                where="ID",
            )
        others = tuple(
            r for r in found.reports if (r.accounting_year, r.kind) != (year, report.kind)
        )
        replace_activity(
            session, found.id or 0, replace(found, reports=(*others, report)), now=utc_now()
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
    day = today_or(today)
    with reading(settings) as session:
        units = stored_unit_ids(session, unit)
        due = reports_due(session, day, day + timedelta(days=within), units)
    if output is OutputFormat.json:
        print_json(reports_due_json(due))
    else:
        stdout.print(reports_due_table(due, language_of(settings, lang), day))


@activities_app.command("delete")
def activities_delete(
    activity: Annotated[str, typer.Argument(help="The activity's id.")], lang: LangOption = None
) -> None:
    """Delete an activity and everything recorded with it."""
    with writing() as session:
        found = get_activity(session, _activity_id(activity))
        delete_activity(session, found.id or 0)
    gettext = translator(language_of(current_settings(), lang))
    stdout.print(gettext(N_("{id} {title}: deleted")).format(id=found.id, title=found.title))


@activities_app.command("confirm")
def activities_confirm(
    activity: Annotated[str, typer.Argument(help="The activity's id.")],
    goals: Annotated[
        str, typer.Option(help="Suggested goals to confirm as goals served, e.g. 5;10.")
    ] = "",
    secondary_goals: Annotated[
        str, typer.Option(help="Suggested goals to confirm as served secondarily.")
    ] = "",
    reject: Annotated[str, typer.Option(help="Suggested goals to reject, e.g. 3.")] = "",
    targets: Annotated[
        str, typer.Option(help="Suggested targets to confirm as targets served, e.g. 5.5.")
    ] = "",
    secondary_targets: Annotated[
        str, typer.Option(help="Suggested targets to confirm as served secondarily.")
    ] = "",
    reject_targets: Annotated[str, typer.Option(help="Suggested targets to reject.")] = "",
    output: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Confirm or reject the goals and targets the classifier suggested for an activity:
    --goals and --targets confirm them as served (primary, as `activities add --goals` does),
    --secondary-goals and --secondary-targets as served secondarily; suggestions not named stay
    suggestions."""
    from glokal.framework import load_framework

    settings = current_settings()
    framework = load_framework()

    def goal_set(text: str, option: str) -> set[int]:
        return set(checked(parse_goals, text, option)) if text else set()

    def target_set(text: str, option: str) -> set[str]:
        return set(checked(lambda t: parse_targets(t, framework), text, option) if text else [])

    primary_goals = goal_set(goals, "--goals")
    secondary = goal_set(secondary_goals, "--secondary-goals")
    reject_goals = goal_set(reject, "--reject")
    primary_targets = target_set(targets, "--targets")
    secondary_target_ids = target_set(secondary_targets, "--secondary-targets")
    reject_target_ids = target_set(reject_targets, "--reject-targets")
    for option, chosen, others in (
        ("--secondary-goals", secondary, primary_goals),
        ("--reject", reject_goals, primary_goals | secondary),
        ("--secondary-targets", secondary_target_ids, primary_targets),
        ("--reject-targets", reject_target_ids, primary_targets | secondary_target_ids),
    ):
        if twice := sorted(map(str, chosen & others)):
            raise InputError(N_("{ids} is named by another option too"), ids=twice, where=option)
    confirm_goals = primary_goals | secondary
    confirm_targets = primary_targets | secondary_target_ids
    with writing() as session:
        found = get_activity(session, _activity_id(activity))
        suggested_goals = {g.goal for g in found.goals if not g.confirmed}
        suggested_targets = {t.target for t in found.targets if not t.confirmed}
        listed: object = [str(g) for g in sorted(suggested_goals)] or Message(N_("none"))
        for option, chosen_goals in (
            ("--goals", primary_goals), ("--secondary-goals", secondary), ("--reject", reject_goals)
        ):  # fmt: skip
            if unknown := sorted(chosen_goals - suggested_goals):
                raise InputError(
                    N_("goal {goals} is not a suggestion for activity {id} (suggested: {listed})"),
                    goals=[str(g) for g in unknown],
                    id=found.id,
                    listed=listed,
                    where=option,
                )
        for option, chosen_targets in (
            ("--targets", primary_targets), ("--secondary-targets", secondary_target_ids),
            ("--reject-targets", reject_target_ids),
        ):  # fmt: skip
            if unknown_targets := sorted(chosen_targets - suggested_targets):
                raise InputError(
                    N_("target {targets} is not a suggestion for activity {id}"),
                    targets=unknown_targets,
                    id=found.id,
                    where=option,
                )
        new_goals = tuple(
            replace(g, confirmed=True, primary=g.goal in primary_goals)
            if g.goal in confirm_goals
            else g
            for g in found.goals
            if g.goal not in reject_goals
        )
        new_targets = tuple(
            replace(t, confirmed=True, primary=t.target in primary_targets)
            if t.target in confirm_targets
            else t
            for t in found.targets
            if t.target not in reject_target_ids
        )
        changed = replace(found, goals=new_goals, targets=new_targets)
        replace_activity(session, found.id or 0, changed, now=utc_now())
        stored = get_activity(session, found.id or 0)
    _show_activity(stored, output, language_of(settings, lang))
