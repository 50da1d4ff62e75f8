"""The activity template: rows of a CSV or Excel file ↔ activities, documented in
docs/register.md. Every row is checked before anything is stored; one bad row means nothing is
imported, and the message lists every problem with its row and column. Export writes every
field, so exporting and importing again gives the same activities.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TypeVar

from glokal.errors import InputError
from glokal.framework import Framework
from glokal.i18n import N_, Message
from glokal.places import Places
from glokal.register.countries import parse_country
from glokal.register.fields import (
    BUDGET_WITHOUT_SOURCE,
    ENDS_BEFORE_START,
    FUNDING_TWICE,
    MUST_NOT_BE_EMPTY,
    format_amount,
    parse_amount,
    parse_bool,
    parse_date,
    parse_funding_source,
    parse_goals,
    parse_icld_phase,
    parse_icld_variant,
    parse_kind,
    parse_partner_type,
    parse_report_kind,
    parse_targets,
    parse_unit,
    parse_year,
    split_list,
)
from glokal.register.tables import Row, RowProblems, RowReader, Table, read_table, write_table
from glokal.store.activities import Activity, Funding, GoalLink, IcldReport, Partner, TargetLink

REQUIRED_COLUMNS = ("unit", "kind", "title")
# The columns the issue names first, then every other field, in the order export writes them.
OPTIONAL_COLUMNS = (
    "description", "start", "end", "goals", "targets", "partner", "partner_country",
    "funding_source", "budget_sek", "department", "status", "programme", "secondary_goals",
    "secondary_targets", "suggested_goals", "suggested_targets", "partner_type", "funding",
    "results", "evaluated", "lessons", "knowledge_transfer", "icld_phase", "icld_variant",
    "icld_round", "icld_reports", "published",
)  # fmt: skip
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
# The Swedish template's headers: what export writes in Swedish, and import reads beside the ids.
SWEDISH_HEADERS = {
    "unit": "enhet", "kind": "typ", "title": "titel", "description": "beskrivning",
    "start": "start", "end": "slut", "goals": "mål", "targets": "delmål",
    "partner": "partner", "partner_country": "partnerland", "funding_source": "finansiär",
    "budget_sek": "budget_kr", "department": "förvaltning", "status": "status",
    "programme": "program", "secondary_goals": "sekundära_mål",
    "secondary_targets": "sekundära_delmål", "suggested_goals": "föreslagna_mål",
    "suggested_targets": "föreslagna_delmål", "partner_type": "partnertyp",
    "funding": "finansiering", "results": "resultat", "evaluated": "utvärderad",
    "lessons": "lärdomar", "knowledge_transfer": "kunskapsöverföring", "icld_phase": "icld_fas",
    "icld_variant": "icld_variant", "icld_round": "icld_omgång",
    "icld_reports": "icld_rapporter", "published": "publicerad",
}  # fmt: skip

T = TypeVar("T")


@dataclass(frozen=True)
class ActivityContext:
    """What a row is checked against: the units, the framework and the stored programmes."""

    places: Places
    framework: Framework
    programmes: Collection[str]


def _scored(text: str, parse_id: Callable[[str], T]) -> list[tuple[T, float | None]]:
    """ "5:0.82;10:0.41" → [(5, 0.82), (10, 0.41)]; a score may be left out."""
    found = []
    for part in split_list(text):
        key, _, score = part.partition(":")
        try:
            value = float(score) if score.strip() else None
        except ValueError:
            raise InputError(
                N_("{text!r}: the score after ':' must be a number"), text=part
            ) from None
        found.append((parse_id(key), value))
    return found


def _funding_list(text: str) -> list[Funding]:
    """ "2024:icld:250000;2025:own:50000"; the year may be left out ("icld:250000")."""
    funding = []
    for part in split_list(text):
        pieces = [p.strip() for p in part.split(":")]
        if len(pieces) == 2:
            pieces.insert(0, "")
        if len(pieces) != 3:
            raise InputError(
                N_("{text!r} is not YEAR:SOURCE:AMOUNT like 2024:icld:250000"), text=part
            )
        year, source, amount = pieces
        funding.append(
            Funding(
                source=parse_funding_source(source),
                amount_sek=parse_amount(amount) if amount else None,
                year=parse_year(year) if year else None,
            )
        )
    return funding


def _reports(text: str) -> list[IcldReport]:
    """ "1:partial:2026-01-31;1:final:2026-04-30:2026-04-12" (year:kind:due[:submitted])."""
    reports = []
    for part in split_list(text):
        pieces = [p.strip() for p in part.split(":")]
        if len(pieces) not in (3, 4) or not pieces[0].isdigit():
            raise InputError(
                N_("{text!r} is not YEAR:KIND:DUE[:SUBMITTED] like 1:partial:2026-01-31"),
                text=part,
            )
        reports.append(
            IcldReport(
                accounting_year=int(pieces[0]),
                kind=parse_report_kind(pieces[1]),
                due=parse_date(pieces[2]),
                submitted=parse_date(pieces[3]) if len(pieces) == 4 and pieces[3] else None,
            )
        )
    return reports


def _partners(reader: RowReader) -> tuple[Partner, ...]:
    names = split_list(reader.row.get("partner"))
    countries_text = reader.row.get("partner_country")
    types_text = reader.row.get("partner_type")
    countries = [c.strip() for c in countries_text.split(";")] if countries_text else []
    types = [t.strip() for t in types_text.split(";")] if types_text else []
    for column, values in (("partner_country", countries), ("partner_type", types)):
        if values and len(values) != len(names):
            reader.problem(column, Message(
                N_("{given} entries for {partners} partners; give one per partner, in the same "
                   "order, separated by ';'"),
                given=len(values), partners=len(names),
            ))  # fmt: skip
            return ()
    partners = []
    for i, name in enumerate(names):
        country = None
        if countries and countries[i]:
            try:
                country = parse_country(countries[i])
            except InputError as exc:
                reader.problem("partner_country", exc.msg)
        kind = "other"
        if types and types[i]:
            try:
                kind = parse_partner_type(types[i])
            except InputError as exc:
                reader.problem("partner_type", exc.msg)
        partners.append(Partner(name, country, kind))
    return tuple(partners)


def activity_from_row(row: Row, context: ActivityContext, problems: RowProblems) -> Activity | None:
    """The activity a row describes, or None after noting its problems."""
    read = RowReader(row, problems)
    for column in REQUIRED_COLUMNS:
        if not row.get(column):
            read.problem(column, Message(MUST_NOT_BE_EMPTY))
    unit = read.field("unit", lambda t: parse_unit(t, context.places), "")
    kind = read.field("kind", parse_kind, "")
    start = read.field("start", parse_date, None)
    end = read.field("end", parse_date, None)
    if start is not None and end is not None and end < start:
        read.problem("end", Message(ENDS_BEFORE_START, end=end, start=start))
    programme = row.get("programme") or None
    if programme is not None and programme not in context.programmes:
        known = sorted(context.programmes) or Message(N_("none yet"))
        read.problem(
            "programme",
            Message(
                N_("there is no programme {programme!r} (stored: {known})"),
                programme=programme,
                known=known,
            ),
        )

    def target_ids(text: str) -> list[str]:
        return parse_targets(text, context.framework)

    primary_goals = read.many("goals", parse_goals)
    secondary_goals = read.many("secondary_goals", parse_goals)
    primary_targets = read.many("targets", target_ids)
    secondary_targets = read.many("secondary_targets", target_ids)
    suggested_goals = read.many("suggested_goals", lambda t: _scored(t, parse_goal))
    suggested_targets = read.many(
        "suggested_targets", lambda t: _scored(t, lambda k: target_ids(k)[0])
    )
    # A target served means its goal is served: an activity on 5.5 is an activity on goal 5.
    for target in primary_targets:
        goal = int(target.split(".")[0])
        if goal not in primary_goals and goal not in secondary_goals:
            primary_goals.append(goal)
    for target in secondary_targets:
        goal = int(target.split(".")[0])
        if goal not in primary_goals and goal not in secondary_goals:
            secondary_goals.append(goal)
    goals = [GoalLink(g) for g in primary_goals]
    goals += [GoalLink(g, primary=False) for g in secondary_goals if g not in primary_goals]
    taken_goals = {g.goal for g in goals}
    goals += [
        GoalLink(g, primary=False, origin="classifier", confirmed=False, score=s)
        for g, s in suggested_goals
        if g not in taken_goals
    ]
    targets = [TargetLink(t) for t in primary_targets]
    targets += [TargetLink(t, primary=False) for t in secondary_targets if t not in primary_targets]
    taken_targets = {t.target for t in targets}
    targets += [
        TargetLink(t, primary=False, origin="classifier", confirmed=False, score=s)
        for t, s in suggested_targets
        if t not in taken_targets
    ]
    partners = _partners(read)
    funding = read.many("funding", _funding_list)
    source = row.get("funding_source")
    budget = row.get("budget_sek")
    if funding and (source or budget):
        read.problem("funding", Message(FUNDING_TWICE))
    elif source or budget:
        if not source:
            read.problem("funding_source", Message(BUDGET_WITHOUT_SOURCE))
        else:
            parsed_source = read.field("funding_source", parse_funding_source, "other")
            funding = [Funding(parsed_source, read.field("budget_sek", parse_amount, None))]
    reports = read.many("icld_reports", _reports)
    if not read.ok:
        return None
    return Activity(
        unit=unit, kind=kind, title=row.get("title"), description=row.get("description"),
        department=row.get("department"), start=start, end=end, status=row.get("status"),
        programme=programme, goals=tuple(goals), targets=tuple(targets), partners=partners,
        funding=tuple(funding), results=row.get("results"),
        evaluated=read.field("evaluated", parse_bool, None), lessons=row.get("lessons"),
        knowledge_transfer=row.get("knowledge_transfer"),
        icld_phase=read.field("icld_phase", parse_icld_phase, None),
        icld_variant=read.field("icld_variant", parse_icld_variant, None),
        icld_round=row.get("icld_round") or None, reports=tuple(reports),
        published=read.field("published", parse_bool, None) is not False,
    )  # fmt: skip


def parse_goal(text: str) -> int:
    goals = parse_goals(text)
    if len(goals) != 1:
        raise InputError(N_("{text!r} is not one goal number"), text=text)
    return goals[0]


def activities_from_table(table: Table, context: ActivityContext) -> list[Activity]:
    """Every row's activity; InputError listing every problem if any row is bad."""
    problems = RowProblems(table.source, headers=table.headers)
    activities = [activity_from_row(row, context, problems) for row in table.rows]
    problems.check(N_("the activities"))
    if not activities:
        raise InputError(N_("the file has a header but no activities"), where=table.source)
    return [a for a in activities if a is not None]


def read_activities(
    path: Path, context: ActivityContext, file_format: str | None = None
) -> list[Activity]:
    table = read_table(
        path, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS, file_format=file_format,
        aliases={swedish: column for column, swedish in SWEDISH_HEADERS.items()},
    )  # fmt: skip
    return activities_from_table(table, context)


def _join(values: Sequence[object]) -> str:
    return ";".join(str(v) for v in values)


def _score(score: float | None) -> str:
    return "" if score is None else f":{score!r}"


def activity_to_row(activity: Activity) -> dict[str, str]:
    """The template row of an activity: every field, so that importing it gives it back."""
    person_goals = [g for g in activity.goals if g.confirmed]
    person_targets = [t for t in activity.targets if t.confirmed]
    simple_funding = len(activity.funding) == 1 and activity.funding[0].year is None
    partners = activity.partners

    def optional_date(value: date | None) -> str:
        return value.isoformat() if value is not None else ""

    return {
        "unit": activity.unit, "kind": activity.kind, "title": activity.title,
        "description": activity.description, "start": optional_date(activity.start),
        "end": optional_date(activity.end),
        "goals": _join([g.goal for g in person_goals if g.primary]),
        "targets": _join([t.target for t in person_targets if t.primary]),
        "partner": _join([p.organisation for p in partners]),
        "partner_country": ";".join(p.country or "" for p in partners)
        if any(p.country for p in partners) else "",
        "funding_source": activity.funding[0].source if simple_funding else "",
        "budget_sek": format_amount(activity.funding[0].amount_sek) if simple_funding else "",
        "department": activity.department, "status": activity.status,
        "programme": activity.programme or "",
        "secondary_goals": _join([g.goal for g in person_goals if not g.primary]),
        "secondary_targets": _join([t.target for t in person_targets if not t.primary]),
        "suggested_goals": _join(
            [f"{g.goal}{_score(g.score)}" for g in activity.goals if not g.confirmed]
        ),
        "suggested_targets": _join(
            [f"{t.target}{_score(t.score)}" for t in activity.targets if not t.confirmed]
        ),
        "partner_type": ";".join(p.type for p in partners)
        if any(p.type != "other" for p in partners) else "",
        "funding": "" if simple_funding else _join(
            [f"{f.year or ''}:{f.source}:{format_amount(f.amount_sek)}".removeprefix(":")
             for f in activity.funding]
        ),
        "results": activity.results,
        "evaluated": {True: "yes", False: "no", None: ""}[activity.evaluated],
        "lessons": activity.lessons, "knowledge_transfer": activity.knowledge_transfer,
        "icld_phase": activity.icld_phase or "", "icld_variant": activity.icld_variant or "",
        "icld_round": activity.icld_round or "",
        "icld_reports": _join(
            [f"{r.accounting_year}:{r.kind}:{r.due}" + (f":{r.submitted}" if r.submitted else "")
             for r in activity.reports]
        ),
        "published": "" if activity.published else "no",
    }  # fmt: skip


# The Swedish template's words for the choices it holds, each one that import reads back
# (fields.py's aliases); ids that are names already (icld, esf, forberedelse) stay as they are.
SWEDISH_KINDS = {
    "project": "projekt", "partnership": "partnerskap", "eu_project": "EU-projekt",
    "iop": "IOP", "twin_town": "vänort", "programme": "program", "policy": "policy",
}  # fmt: skip
SWEDISH_PARTNER_TYPES = {
    "municipality": "kommun", "civil_society": "civilsamhälle", "business": "företag",
    "academia": "akademi", "authority": "myndighet", "other": "annan",
}  # fmt: skip
SWEDISH_REPORT_KINDS = {"partial": "delrapport", "final": "slutrapport"}
SWEDISH_YES_NO = {"yes": "ja", "no": "nej"}


def swedish_row(row: dict[str, str]) -> dict[str, str]:
    """A template row (``activity_to_row``) with its choices in Swedish, as the Swedish
    template writes them; importing either gives the same activity."""

    def each(text: str, words: dict[str, str], at: int | None = None) -> str:
        if at is None:
            return ";".join(words.get(part, part) for part in text.split(";")) if text else ""
        said = []
        for part in text.split(";") if text else []:
            pieces = part.split(":")
            pieces[at] = words.get(pieces[at], pieces[at])
            said.append(":".join(pieces))
        return ";".join(said)

    return {
        **row,
        "kind": SWEDISH_KINDS.get(row["kind"], row["kind"]),
        "partner_type": each(row["partner_type"], SWEDISH_PARTNER_TYPES),
        "icld_reports": each(row["icld_reports"], SWEDISH_REPORT_KINDS, at=1),
        "evaluated": SWEDISH_YES_NO.get(row["evaluated"], row["evaluated"]),
        "published": SWEDISH_YES_NO.get(row["published"], row["published"]),
    }


def write_activities(
    out: IO[bytes], activities: Sequence[Activity], file_format: str, lang: str = "en"
) -> None:
    """The activities in the import template, in ``lang`` (sv or en): its headers and the
    words of its choices (kind, partner type, report kind, yes/no)."""
    rows = (activity_to_row(a) for a in activities)
    if lang == "sv":
        write_table(out, COLUMNS, map(swedish_row, rows), file_format, SWEDISH_HEADERS)
    else:
        write_table(out, COLUMNS, rows, file_format, None)
