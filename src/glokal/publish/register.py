"""Renderings of the register for the terminal and scripts: activities, a unit's local agenda
and programmes with their progress, as Rich tables (Swedish or English) and as JSON.

JSON keeps ids and codes (kinds, funding sources, country codes), not translated words, so
scripts do not depend on ``--lang``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from glokal.i18n import N_ as _
from glokal.i18n import translator
from glokal.publish.format import number, percent
from glokal.register import TargetProgress, country_name
from glokal.store.activities import Activity, ReportDue
from glokal.store.agenda import LocalAgenda
from glokal.store.programmes import ProgrammeRecord

KIND_NAMES = {
    "project": _("project"), "partnership": _("partnership"), "eu_project": _("EU project"),
    "iop": _("IOP"), "twin_town": _("twin town"), "programme": _("programme"),
    "policy": _("policy"),
}  # fmt: skip

# Words used inside f-strings, where the message extractor cannot see them.
_ACTIVITY = _("Activity")
_SECONDARY = _("secondary")
_YEAR = _("year")
_ICLD_REPORTS_COMING_DUE = _("ICLD reports coming due")
_OVERDUE = _("overdue")
_PRIORITY_GOALS = _("priority goals")
_MEMBERS = _("Members")
_EVENTS = _("Events")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def activity_json(activity: Activity) -> dict[str, Any]:
    confirmed = [g for g in activity.goals if g.confirmed]
    return {
        "id": activity.id, "unit": activity.unit, "unit_name": activity.unit_name,
        "kind": activity.kind, "title": activity.title, "description": activity.description,
        "department": activity.department, "start": _day(activity.start),
        "end": _day(activity.end), "status": activity.status, "programme": activity.programme,
        "goals": [g.goal for g in confirmed],
        "primary_goals": [g.goal for g in confirmed if g.primary],
        "targets": [t.target for t in activity.targets if t.confirmed],
        "suggested_goals": [
            {"goal": g.goal, "score": g.score} for g in activity.goals if not g.confirmed
        ],
        "suggested_targets": [
            {"target": t.target, "score": t.score} for t in activity.targets if not t.confirmed
        ],
        "partners": [
            {"organisation": p.organisation, "country": p.country, "type": p.type}
            for p in activity.partners
        ],
        "funding": [
            {"source": f.source, "amount_sek": f.amount_sek, "year": f.year}
            for f in activity.funding
        ],
        "budget_sek": activity.budget_sek, "results": activity.results,
        "evaluated": activity.evaluated, "lessons": activity.lessons,
        "knowledge_transfer": activity.knowledge_transfer, "icld_phase": activity.icld_phase,
        "icld_variant": activity.icld_variant, "icld_round": activity.icld_round,
        "reports": [
            {"accounting_year": r.accounting_year, "kind": r.kind, "due": _day(r.due),
             "submitted": _day(r.submitted)}
            for r in activity.reports
        ],
        "created_by": activity.created_by,
        "updated_at": activity.updated_at.isoformat() if activity.updated_at else None,
    }  # fmt: skip


def _period(activity: Activity) -> str:
    if activity.start is None and activity.end is None:
        return ""
    return f"{activity.start or '…'} – {activity.end or '…'}"


def _goals_cell(activity: Activity) -> str:
    cells = [str(g.goal) if g.primary else f"({g.goal})" for g in activity.goals if g.confirmed]
    suggested = [str(g.goal) for g in activity.goals if not g.confirmed]
    return ", ".join(cells) + (f" [dim]+{','.join(suggested)}?[/]" if suggested else "")


def _partners_cell(activity: Activity, lang: str) -> str:
    return "; ".join(
        p.organisation + (f" ({country_name(p.country, lang)})" if p.country else "")
        for p in activity.partners
    )


def activities_table(
    activities: Sequence[Activity], lang: str, title: str = _("Activities")
) -> Table:
    gettext = translator(lang)
    table = Table(title=f"{gettext(title)} ({len(activities)})", title_justify="left")
    for header in (_("Id"), _("Unit"), _("Kind"), _("Title"), _("Period"), _("Goals"),
                   _("Partners")):  # fmt: skip
        table.add_column(gettext(header), no_wrap=header in (_("Id"), _("Period")))
    for a in activities:
        table.add_row(
            str(a.id), f"{a.unit} {a.unit_name}", gettext(KIND_NAMES[a.kind]),
            Text(a.title), _period(a), _goals_cell(a), Text(_partners_cell(a, lang)),
        )  # fmt: skip
    return table


def activity_detail(activity: Activity, lang: str) -> Table:
    gettext = translator(lang)
    table = Table(
        title=f"{gettext(_ACTIVITY)} {activity.id}: {activity.title}",
        title_justify="left", show_header=False,
    )  # fmt: skip
    table.add_column(style="bold", no_wrap=True)
    table.add_column()

    def add(label: str, value: str) -> None:
        if value:
            table.add_row(gettext(label), Text(value))

    add(_("Unit"), f"{activity.unit} {activity.unit_name}")
    add(_("Department"), activity.department)
    add(_("Kind"), gettext(KIND_NAMES[activity.kind]))
    add(_("Description"), activity.description)
    add(_("Period"), _period(activity))
    add(_("Status"), activity.status)
    add(_("Programme"), activity.programme or "")
    add(_("Goals"), ", ".join(
        f"{g.goal}" + ("" if g.primary else f" ({gettext(_SECONDARY)})")
        for g in activity.goals if g.confirmed
    ))  # fmt: skip
    add(_("Targets"), ", ".join(t.target for t in activity.targets if t.confirmed))
    suggested = sorted(
        (g for g in activity.goals if not g.confirmed), key=lambda g: -(g.score or 0.0)
    )  # best first
    add(_("Suggested, not confirmed"), ", ".join(
        f"{g.goal}" + (f" ({number(g.score, lang, 2)})" if g.score is not None else "")
        for g in suggested
    ))  # fmt: skip
    add(_("Partners"), _partners_cell(activity, lang))
    add(_("Funding"), "; ".join(
        f"{f.year or ''} {f.source.upper()} {_sek(f.amount_sek)}".strip() for f in activity.funding
    ))  # fmt: skip
    add(_("Results"), activity.results)
    evaluated = {True: _("yes"), False: _("no"), None: ""}[activity.evaluated]
    add(_("Evaluated"), gettext(evaluated) if evaluated else "")
    add(_("Lessons learned"), activity.lessons)
    add(_("Knowledge passed on"), activity.knowledge_transfer)
    add(_("ICLD phase"), " ".join(filter(None, (activity.icld_phase, activity.icld_variant))))
    add(_("ICLD application round"), activity.icld_round or "")
    add(_("Reports"), "; ".join(
        f"{gettext(_YEAR)} {r.accounting_year} {r.kind} {r.due}"
        + (f" ✓ {r.submitted}" if r.submitted else "")
        for r in activity.reports
    ))  # fmt: skip
    return table


def _sek(amount: float | None) -> str:
    return "" if amount is None else f"{amount:,.0f} SEK".replace(",", " ")


def reports_due_json(due: Sequence[ReportDue]) -> list[dict[str, Any]]:
    return [
        {"activity": d.activity.id, "unit": d.activity.unit, "title": d.activity.title,
         "accounting_year": d.report.accounting_year, "kind": d.report.kind,
         "due": d.report.due.isoformat()}
        for d in due
    ]  # fmt: skip


def reports_due_table(due: Sequence[ReportDue], lang: str, today: date) -> Table:
    gettext = translator(lang)
    table = Table(title=f"{gettext(_ICLD_REPORTS_COMING_DUE)} ({len(due)})", title_justify="left")
    for header in (_("Due"), _("Activity"), _("Unit"), _("Title"), _("Accounting year"),
                   _("Report")):  # fmt: skip
        table.add_column(gettext(header))
    for d in due:
        late = d.report.due < today
        table.add_row(
            f"[red]{d.report.due} ({gettext(_OVERDUE)})[/]" if late else str(d.report.due),
            str(d.activity.id), f"{d.activity.unit} {d.activity.unit_name}",
            Text(d.activity.title), str(d.report.accounting_year), d.report.kind,
        )  # fmt: skip
    return table


def agenda_json(agenda: LocalAgenda) -> dict[str, Any]:
    return {
        "unit": agenda.unit,
        "priority_goals": list(agenda.priority_goals),
        "local_goals": [
            {"code": g.code, "title": g.title, "description": g.description,
             "parent": g.parent, "targets": list(g.targets)}
            for g in agenda.goals
        ],
        "indicators": [
            {"code": i.code, "title": i.title, "goal": i.goal, "kpi": i.kpi,
             "measure": i.measure, "baseline_value": i.baseline_value,
             "baseline_year": i.baseline_year, "target_value": i.target_value,
             "target_year": i.target_year,
             "values": [{"year": y, "value": v} for y, v in i.values]}
            for i in agenda.indicators
        ],
    }  # fmt: skip


def agenda_view(agenda: LocalAgenda, unit_name: str, lang: str) -> Group:
    gettext = translator(lang)
    priority = ", ".join(map(str, agenda.priority_goals)) or "–"
    header = Text(f"{agenda.unit} {unit_name}: {gettext(_PRIORITY_GOALS)} {priority}")
    depth: dict[str, int] = {}
    goals = Table(title=gettext(_("Local goals")), title_justify="left")
    for column in (_("Code"), _("Title"), _("Targets")):
        goals.add_column(gettext(column))
    for g in agenda.goals:
        depth[g.code] = depth.get(g.parent, -1) + 1 if g.parent else 0
        goals.add_row("  " * depth[g.code] + g.code, Text(g.title), ", ".join(g.targets))
    indicators = Table(title=gettext(_("Local indicators")), title_justify="left")
    for column in (_("Code"), _("Title"), _("Goal"), _("Source"), _("Latest"), _("Target value")):
        indicators.add_column(gettext(column))
    for i in agenda.indicators:
        latest = f"{number(i.values[-1][1], lang)} ({i.values[-1][0]})" if i.values else ""
        target = (
            f"{number(i.target_value, lang)} ({i.target_year})"
            if i.target_value is not None
            else ""
        )
        indicators.add_row(
            i.code, Text(i.title), i.goal or "", f"Kolada {i.kpi}" if i.kpi else gettext(_("own")),
            latest, target,
        )  # fmt: skip
    return Group(header, goals, indicators)


def programme_json(record: ProgrammeRecord, progress: Sequence[TargetProgress]) -> dict[str, Any]:
    p = record.programme
    return {
        "id": p.id, "name": p.name, "description": p.description, "organiser": p.organiser,
        "start": _day(p.start), "end": _day(p.end), "source": p.source,
        "steps": [{"code": s.code, "title": s.title} for s in p.steps],
        "targets": [
            {"code": t.target.code, "title": t.target.title, "measure": t.target.measure,
             "goal_value": t.target.goal_value, "achieved": t.achieved, "units": list(t.units)}
            for t in progress
        ],
        "members": [
            {"unit": m.unit, "joined": _day(m.joined), "left": _day(m.left), "intake": m.intake,
             "steps_taken": [{"step": c, "taken": _day(d)} for c, d in m.steps_taken]}
            for m in record.members
        ],
        "events": [
            {"id": e.id, "kind": e.kind, "title": e.title, "start": _day(e.start),
             "end": _day(e.end), "place": e.place, "units": list(e.units)}
            for e in record.events
        ],
    }  # fmt: skip


def programme_view(
    record: ProgrammeRecord, progress: Sequence[TargetProgress], names: dict[str, str], lang: str
) -> Group:
    gettext = translator(lang)
    p = record.programme
    period = f"{p.start or '…'} – {p.end or '…'}"
    header = Text(f"{p.name} ({p.id}), {period}\n{p.description}")
    targets = Table(title=gettext(_("Targets and progress")), title_justify="left")
    for column in (_("Programme target"), _("Achieved"), _("Goal value"), _("Share")):
        targets.add_column(gettext(column))
    for t in progress:
        targets.add_row(
            Text(t.target.title),
            str(t.achieved),
            str(t.target.goal_value),
            percent(t.share, lang),
        )
    members = Table(title=f"{gettext(_MEMBERS)} ({len(record.members)})", title_justify="left")
    for column in (_("Unit"), _("Joined"), _("Intake"), *(s.code for s in p.steps)):
        members.add_column(
            gettext(column) if column in (_("Unit"), _("Joined"), _("Intake")) else column
        )
    for m in record.members:
        taken = dict(m.steps_taken)
        members.add_row(
            f"{m.unit} {names.get(m.unit, '')}", str(m.joined or ""), m.intake,
            *("✓" if s.code in taken else "–" for s in p.steps),
        )  # fmt: skip
    events = Table(title=f"{gettext(_EVENTS)} ({len(record.events)})", title_justify="left")
    for column in (_("Date"), _("Kind"), _("Title"), _("Participating units")):
        events.add_column(gettext(column))
    for e in record.events:
        events.add_row(str(e.start), e.kind, Text(e.title), str(len(e.units)))
    parts: list[Any] = [header]
    if p.steps:
        steps = Table(title=gettext(_("Steps asked of members")), title_justify="left")
        steps.add_column(gettext(_("Code")))
        steps.add_column(gettext(_("Title")))
        for s in p.steps:
            steps.add_row(s.code, Text(s.title))
        parts.append(steps)
    parts += [targets, members, events]
    return Group(*parts)
