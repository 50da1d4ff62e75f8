"""The JSON API's register: published activities (the register's filters) and programmes with
their members and the progress of their targets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from glokal.errors import InputError, NotFound
from glokal.framework import parse_target_id
from glokal.i18n import N_
from glokal.publish.pages import Catalogue
from glokal.register import (
    parse_country,
    parse_funding_source,
    parse_kind,
    programme_progress,
)
from glokal.store.activities import Activity, ActivityQuery, find_activities, get_activity
from glokal.store.programmes import list_programmes, programme_record
from glokal.web import api_models as m
from glokal.web.api_paging import (
    DOWNLOADS,
    ERRORS,
    Filter,
    PagingDep,
    csv_list,
    download_rows,
    goal_param,
    page_of,
    refuse_unstored,
    unit_param,
    year_param,
)
from glokal.web.downloads import (
    activities_table,
    download,
)
from glokal.web.public import SessionDep

router = APIRouter()


# -- activities ---------------------------------------------------------------------------------


def _period(text: str) -> tuple[date | None, date | None]:
    """ "2020", "2019-2021", or "2019-01-01..2020-06-30": the activity overlaps it."""
    text = text.strip()
    if not text:
        return None, None
    try:
        if ".." in text:
            first, _, last = text.partition("..")
            return (date.fromisoformat(first) if first else None,
                    date.fromisoformat(last) if last else None)  # fmt: skip
        first, _, last = text.partition("-")
        start, end = year_param(first), year_param(last or first)
    except (ValueError, InputError):
        raise InputError(
            N_("{text!r} is not a period: 2020, 2019-2021 or 2019-01-01..2020-06-30"),
            text=text,
            where="period",
        ) from None
    if end < start:
        raise InputError(N_("{text!r} ends before it starts"), text=text, where="period")
    return date(start, 1, 1), date(end, 12, 31)


def activity_query(
    goal: Filter = "", target: Filter = "", country: Filter = "", funding: Filter = "",
    kind: Filter = "", unit: Filter = "", period: Filter = "", text: Filter = "",
    programme: Filter = "",
) -> ActivityQuery:  # fmt: skip
    """The register's filters (published activities only)."""
    active_from, active_to = _period(period)
    return ActivityQuery(
        goal=goal_param(goal),
        target=parse_target_id(target, where="target") if target.strip() else None,
        country=parse_country(country, where="country") if country.strip() else None,
        funding_source=_field(parse_funding_source, funding, "funding"),
        kind=csv_list(kind, _kind, 10, where="kind"), unit=unit_param(unit),
        programme=programme.strip() or None, active_from=active_from, active_to=active_to,
        text=text.strip() or None, published_only=True,
    )  # fmt: skip


def _kind(text: str) -> str:
    try:
        return parse_kind(text)
    except InputError as exc:
        raise InputError(exc.msg, where="kind") from None


def _field(parse: Callable[[str], str], text: str, where: str) -> str | None:
    if not text.strip():
        return None
    try:
        return parse(text.strip())
    except InputError as exc:
        raise InputError(exc.msg, where=where) from None


def _activity_out(a: Activity) -> m.ActivityOut:
    return m.ActivityOut(
        id=a.id or 0, unit=a.unit, unit_name=a.unit_name, kind=a.kind, title=a.title,
        description=a.description, department=a.department, start=a.start, end=a.end,
        status=a.status, programme=a.programme,
        goals=[m.GoalLinkOut(goal=g.goal, primary=g.primary, confirmed=g.confirmed,
                             origin=g.origin) for g in a.goals],
        targets=[m.TargetLinkOut(target=t.target, primary=t.primary, confirmed=t.confirmed,
                                 origin=t.origin) for t in a.targets],
        partners=[m.PartnerOut(organisation=p.organisation, country=p.country, type=p.type)
                  for p in a.partners],
        funding=[m.FundingOut(source=f.source, amount_sek=f.amount_sek, year=f.year)
                 for f in a.funding],
        results=a.results, evaluated=a.evaluated, lessons=a.lessons,
        knowledge_transfer=a.knowledge_transfer, icld_phase=a.icld_phase,
        icld_variant=a.icld_variant, icld_round=a.icld_round, updated_at=a.updated_at,
    )  # fmt: skip


@router.get(
    "/activities",
    response_model=m.ActivitiesPage,
    tags=["activities"],
    summary="Published activities and partnerships",
    responses=ERRORS | DOWNLOADS,
)
def activities(
    request: Request, session: SessionDep, paging: PagingDep,
    query: Annotated[ActivityQuery, Depends(activity_query)],
) -> Any:  # fmt: skip
    """Every unit's published activities; filter by goal, target, partner country, funding,
    kind, unit, period (overlapping), programme and words. Downloads use the register's
    template, so they import again. A unit, target or programme that is not stored is a 400;
    one that matches nothing gives an empty list."""
    found = find_activities(session, query)
    refuse_unstored(
        session, found=bool(found), unit=query.unit,
        target=[query.target] if query.target else [],
        programme=[query.programme] if query.programme else [],
    )  # fmt: skip
    if paging.download:
        return download(activities_table(download_rows(paging, found)), paging.format)
    return page_of(request, paging, m.ActivitiesPage, found, _activity_out)


@router.get(
    "/activities/{activity_id}",
    response_model=m.ActivityOut,
    tags=["activities"],
    summary="One published activity",
    responses=ERRORS,
)
def activity(activity_id: str, session: SessionDep) -> m.ActivityOut:
    """A published activity by its id; a draft is 404, as if it did not exist."""
    if not (activity_id.isascii() and activity_id.isdigit() and len(activity_id) < 12):
        raise NotFound(
            N_("there is no activity {activity!r}"), activity=activity_id, where="activity"
        )
    found = get_activity(session, int(activity_id))
    if not found.published:
        raise NotFound(
            N_("there is no activity {activity!r}"), activity=activity_id, where="activity"
        )
    return _activity_out(found)


# -- programmes ---------------------------------------------------------------------------------


def _programme_out(session: Any, catalogue: Catalogue, programme_id: str) -> m.ProgrammeOut:
    record = programme_record(session, programme_id)
    types = {p.id: p.type for p in catalogue.places.values()}
    progress = programme_progress(record, types)
    p = record.programme
    return m.ProgrammeOut(
        id=p.id, name=p.name, description=p.description, organiser=p.organiser, start=p.start,
        end=p.end, source=p.source,
        steps=[m.StepOut(code=s.code, title=s.title) for s in p.steps],
        targets=[m.ProgrammeTargetOut(
            code=t.target.code, title=t.target.title, measure=t.target.measure,
            goal_value=t.target.goal_value, achieved=t.achieved, share=t.share,
            units=list(t.units)) for t in progress],
        members=[m.MemberOut(unit=mb.unit, joined=mb.joined, left=mb.left, intake=mb.intake,
                             steps_taken=[code for code, _ in mb.steps_taken])
                 for mb in record.members],
        events=[m.EventOut(kind=e.kind, title=e.title, start=e.start, end=e.end, place=e.place,
                           units=list(e.units)) for e in record.events],
    )  # fmt: skip


@router.get(
    "/programmes",
    response_model=m.ProgrammesPage,
    tags=["programmes"],
    summary="Programmes and networks",
    responses=ERRORS,
)
def programmes(request: Request, session: SessionDep, paging: PagingDep) -> Any:
    """Programmes (Glokala Sverige, Millenniekommun, …) with their members, steps, events and
    the progress of their own targets."""
    catalogue = Catalogue.read(session)
    ids = [p.id for p in list_programmes(session)]
    return page_of(request, paging, m.ProgrammesPage, ids,
                 lambda pid: _programme_out(session, catalogue, pid))  # fmt: skip


@router.get(
    "/programmes/{programme_id}",
    response_model=m.ProgrammeOut,
    tags=["programmes"],
    summary="One programme",
    responses=ERRORS,
)
def programme(programme_id: str, session: SessionDep) -> m.ProgrammeOut:
    """A programme with its members, steps, events and the progress of its targets."""
    return _programme_out(session, Catalogue.read(session), programme_id)
