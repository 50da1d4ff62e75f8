"""The read side of the JSON API, /api/v1: every public thing with paging and filters, typed
responses (glokal.web.api_models) and the same lists as CSV or Excel (``?format=csv|xlsx`` or
an Accept header of text/csv or the .xlsx type).

Only published data: published decisions and activities; suggestions are marked as Glokal's
analysis; raw values carry "Källa: Kolada". Errors are JSON ``{"error", "where"}`` from the
app's one handler: 400 for a filter that does not parse or names nothing stored (``where`` the
parameter, ``error`` its value; glokal.web.api_paging), 404 for a path id that names nothing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from glokal.errors import InputError, NotFound
from glokal.framework import GoalStatus, parse_target_id
from glokal.i18n import N_
from glokal.publish.pages import Catalogue, goal_across_page
from glokal.store import list_targets
from glokal.store.kolada import list_kpis
from glokal.store.opendata import (
    ValueFilter,
    count_values,
    iter_values,
    published_decisions,
    suggestions,
    value_page,
)
from glokal.web import api_models as m
from glokal.web import api_register
from glokal.web.api_paging import (
    DOWNLOADS,
    ERRORS,
    Filter,
    PagingDep,
    csv_list,
    download_rows,
    goal_number,
    goal_param,
    kpi_id,
    links,
    one_of,
    page_of,
    refuse_unstored,
    unit_id,
    unit_param,
    year_param,
)
from glokal.web.downloads import (
    MAX_XLSX_ROWS,
    DataTable,
    download,
    goal_across_table,
    goal_figures_table,
    values_table,
)
from glokal.web.downloads import (
    unit_goal_figures as figures_of,
)
from glokal.web.public import SessionDep

router = APIRouter(prefix="/api/v1")

KPI_TYPES = ("K", "L", "A")  # Kolada's municipality_type of a KPI: kommun, region, both


# -- reference: goals, targets, units, KPIs ---------------------------------------------------


def _goal_out(goal: Any) -> m.GoalOut:
    return m.GoalOut(
        number=goal.number, short_sv=goal.short_sv, short_en=goal.short_en,
        title_sv=goal.title_sv, title_en=goal.title_en, colour=goal.colour,
        page=f"/mal/{goal.number}",
    )  # fmt: skip


@router.get(
    "/goals",
    response_model=m.GoalsPage,
    tags=["reference"],
    summary="The 17 goals",
    responses=ERRORS,
)
def goals(request: Request, session: SessionDep, paging: PagingDep) -> Any:
    """The global goals with their Swedish and English names and UN colours."""
    items = list(Catalogue.read(session).goals.values())
    return page_of(request, paging, m.GoalsPage, items, _goal_out)


@router.get(
    "/goals/{number}",
    response_model=m.GoalOut,
    tags=["reference"],
    summary="One goal",
    responses=ERRORS,
)
def goal(number: str, session: SessionDep) -> m.GoalOut:
    """A goal by its number (1–17); 404 for any other."""
    return _goal_out(Catalogue.read(session).goal(goal_number(number)))


@router.get(
    "/goals/{number}/units",
    response_model=m.UnitStatusesPage,
    tags=["assessments"],
    summary="One goal across all units",
    responses=ERRORS | DOWNLOADS,
)
def goal_units(
    request: Request, number: str, session: SessionDep, paging: PagingDep,
    kommungrupp: Annotated[str, Query(max_length=40)] = "",
    county: Annotated[str, Query(max_length=40)] = "",
    status: Annotated[str, Query(max_length=40)] = "",
    type: Annotated[str, Query(max_length=40)] = "",
    sort: Annotated[Literal["name", "status", "activities"], Query()] = "name",
) -> Any:  # fmt: skip
    """The status of every unit on a goal (decided, else Glokal's suggestion, marked as
    such), as on /mal/{number}; filter by kommungrupp, county, status and unit type."""
    if status and status not in {s.value for s in GoalStatus}:
        raise InputError(N_("unknown status {status!r}"), status=status, where="status")
    filters = {"kommungrupp": kommungrupp, "county": county, "status": status, "type": type,
               "sort": sort}  # fmt: skip
    page = goal_across_page(session, goal_number(number), "sv", filters)
    if paging.download:
        table = goal_across_table(page)
        rows = download_rows(paging, list(table.rows))
        return download(DataTable(table.name, table.columns, rows), paging.format)
    return page_of(request, paging, m.UnitStatusesPage, page.rows, lambda r: m.UnitStatusOut(
        unit=r.unit.id, name=r.unit.name, type=r.unit.type, kommungrupp=r.unit.kommungrupp,
        county=r.unit.county, status=r.status.status, decided=r.status.decided,
        activities=r.activities,
        source=m.DECISION_SOURCE if r.status.decided else m.ANALYSIS_SOURCE,
    ))  # fmt: skip


@router.get(
    "/targets",
    response_model=m.TargetsPage,
    tags=["reference"],
    summary="The 169 targets",
    responses=ERRORS,
)
def targets(request: Request, session: SessionDep, paging: PagingDep, goal: Filter = "") -> Any:
    """The targets, of one goal with ``goal``."""
    items = list_targets(session, goal_param(goal))
    return page_of(request, paging, m.TargetsPage, items, _target_out)


def _target_out(t: Any) -> m.TargetOut:
    return m.TargetOut(id=t.id, goal=t.goal, short_sv=t.short_sv, short_en=t.short_en,
                       text_sv=t.text_sv, text_en=t.text_en)  # fmt: skip


@router.get(
    "/targets/{target}",
    response_model=m.TargetOut,
    tags=["reference"],
    summary="One target",
    responses=ERRORS,
)
def target(target: str, session: SessionDep) -> m.TargetOut:
    """A target by its id ("5.5", "1.a")."""
    try:
        wanted = parse_target_id(target, where="target")
    except InputError as exc:
        raise NotFound(exc.msg, where="target") from None
    for t in list_targets(session, int(wanted.split(".")[0])):
        if t.id == wanted:
            return _target_out(t)
    raise NotFound(N_("there is no target {target!r}"), target=target, where="target")


def _unit_out(catalogue: Catalogue, place: Any) -> m.UnitOut:
    group = catalogue.kommungrupper.get(place.kommungrupp) if place.kommungrupp else None
    return m.UnitOut(
        id=place.id, name=place.name, type=place.type, county=place.county, region=place.region,
        kommungrupp=m.KommungruppOut(code=group.code, main_group=group.main_group,
                                     name_sv=group.name_sv, name_en=group.name_en)
        if group else None,
        page=f"/{place.id}",
    )  # fmt: skip


@router.get(
    "/units",
    response_model=m.UnitsPage,
    tags=["reference"],
    summary="Municipalities, regions and Riket",
    responses=ERRORS,
)
def units(
    request: Request, session: SessionDep, paging: PagingDep, type: Filter = "",
    kommungrupp: Filter = "", county: Filter = "", q: Filter = "",
) -> Any:  # fmt: skip
    """Every unit, with its county and SKR kommungrupp; filter by type (K, L), kommungrupp,
    county, or words of the name (``q``)."""
    catalogue = Catalogue.read(session)
    places = catalogue.places.values()
    # Checked against the catalogue the listing reads anyway: no query of their own.
    if type:
        one_of(type, sorted({p.type for p in places}), N_("a unit type"), "type")
    if kommungrupp:
        one_of(kommungrupp, sorted(catalogue.kommungrupper), N_("a municipality group"),
               "kommungrupp")  # fmt: skip
    if county:
        one_of(county, sorted({p.county for p in places if p.county}), N_("a county"), "county")
    wanted = q.strip().casefold()
    items = [
        p for p in places
        if (not type or p.type == type) and (not kommungrupp or p.kommungrupp == kommungrupp)
        and (not county or p.county == county) and (not wanted or wanted in p.name.casefold())
    ]  # fmt: skip
    return page_of(request, paging, m.UnitsPage, items, lambda p: _unit_out(catalogue, p))


@router.get(
    "/units/{unit}",
    response_model=m.UnitOut,
    tags=["reference"],
    summary="One unit",
    responses=ERRORS,
)
def unit(unit: str, session: SessionDep) -> m.UnitOut:
    """A unit by its 4-character id, with its county and kommungrupp."""
    catalogue = Catalogue.read(session)
    return _unit_out(catalogue, catalogue.unit(unit_id(unit)))


@router.get(
    "/units/{unit}/goals/{number}/figures",
    response_model=m.FiguresPage,
    tags=["values"],
    summary="A unit's key figures on a goal",
    responses=ERRORS | DOWNLOADS,
)
def unit_goal_figures(
    request: Request, unit: str, number: str, session: SessionDep, paging: PagingDep
) -> Any:
    """The key figures table of /{unit}/mal/{number}: Kolada's latest values beside Glokal's
    analysis (trend, positions among all units and in the kommungrupp)."""
    wanted, goal = unit_id(unit), goal_number(number)
    figures = figures_of(session, wanted, goal)
    if paging.download:
        table = goal_figures_table(wanted, goal, figures, "sv")
        rows = download_rows(paging, list(table.rows))
        return download(DataTable(table.name, table.columns, rows), paging.format)
    return page_of(request, paging, m.FiguresPage, figures, lambda f: m.FigureOut(
        kpi=f.kpi, title=f.title, value=f.value, year=f.period, riket_value=f.riket_value,
        trend=f.trend, change_per_year=f.change_per_year, position=f.position, rank=f.rank,
        compared=f.compared, position_kommungrupp=f.position_kommungrupp,
        rank_kommungrupp=f.rank_kommungrupp, compared_kommungrupp=f.compared_kommungrupp,
        polarity=f.polarity,
    ))  # fmt: skip


@router.get(
    "/kpis",
    response_model=m.KpisPage,
    tags=["reference"],
    summary="Kolada key figures of the Agenda 2030 selection",
    responses=ERRORS,
)
def kpis(
    request: Request, session: SessionDep, paging: PagingDep, goal: Filter = "",
    type: Annotated[str, Query(max_length=200, description="K (kommun), L (region) or A "
                               "(both), as Kolada types a KPI.")] = "",
) -> Any:  # fmt: skip
    """The stored KPIs with the goals they serve and their polarity (higher or lower better);
    filter by goal and municipality type (K, L, A)."""
    if type:
        one_of(type, KPI_TYPES, N_("a municipality type"), "type")
    items = [k for k in list_kpis(session, goal_param(goal))
             if not type or type in k.municipality_type]  # fmt: skip
    return page_of(request, paging, m.KpisPage, items, _kpi_out)


def _kpi_out(k: Any) -> m.KpiOut:
    return m.KpiOut(
        id=k.id, title=k.title, municipality_type=k.municipality_type,
        is_divided_by_gender=k.is_divided_by_gender, goals=list(k.goals), polarity=k.polarity,
        polarity_note=k.polarity_note, polarity_by=k.polarity_by,
        discontinued_after=k.discontinued_after, missing=k.missing,
    )  # fmt: skip


@router.get(
    "/kpis/{kpi}", response_model=m.KpiOut, tags=["reference"], summary="One KPI", responses=ERRORS
)
def kpi(kpi: str, session: SessionDep) -> m.KpiOut:
    """A Kolada KPI of the store by its id, with its goals and polarity."""
    for k in list_kpis(session):
        if k.id == kpi:
            return _kpi_out(k)
    raise NotFound(N_("there is no KPI {kpi!r}"), kpi=kpi, where="kpi")


# -- values ------------------------------------------------------------------------------------


@router.get(
    "/values",
    response_model=m.ValuesPage,
    tags=["values"],
    summary="Kolada values (Källa: Kolada)",
    responses=ERRORS | DOWNLOADS,
)
def values(
    request: Request, session: SessionDep, paging: PagingDep,
    kpi: Annotated[str, Query(max_length=400, description="KPI ids, comma separated.")] = "",
    unit: Annotated[str, Query(max_length=400, description="Unit ids, comma separated.")] = "",
    year: Annotated[str, Query(max_length=400, description="Years, comma separated.")] = "",
    gender: Annotated[Literal["", "T", "K", "M"], Query(description="T, K or M.")] = "",
) -> Any:  # fmt: skip
    """The raw values as Kolada publishes them, by KPI, unit, year and gender. A KPI or unit
    that is not stored is a 400; a year without values gives an empty list."""
    wanted = ValueFilter(
        kpis=csv_list(kpi, kpi_id, where="kpi"), units=unit_param(unit),
        years=csv_list(year, year_param, where="year"), gender=gender or None,
    )  # fmt: skip
    total = count_values(session, wanted)
    refuse_unstored(session, found=total > 0, kpi=wanted.kpis, unit=wanted.units)
    if paging.download:
        shown = max(0, total - paging.offset)
        shown = min(shown, paging.limit) if paging.limit else shown
        if paging.format == "xlsx" and shown > MAX_XLSX_ROWS:
            raise InputError(
                N_("{rows:,} rows do not fit an Excel sheet ({most:,}); filter by kpi, unit or "
                   "year, or ask for format=csv"),
                rows=shown, most=MAX_XLSX_ROWS, where="format",
            )  # fmt: skip
        rows: Any = (
            iter_values(session, wanted)
            if paging.limit is None and paging.offset == 0
            else value_page(session, wanted, limit=max(shown, 1), offset=paging.offset)
        )
        return download(values_table(rows), paging.format)
    rows_page = value_page(session, wanted, limit=paging.page_size, offset=paging.offset)
    following, previous = links(request, paging, total)
    return m.ValuesPage(
        items=[m.ValueOut(kpi=k, unit=u, year=p, gender=g, value=v)
               for k, u, p, g, v in rows_page],
        total=total, limit=paging.page_size, offset=paging.offset, next=following,
        previous=previous,
    )  # fmt: skip


# -- assessments --------------------------------------------------------------------------------


@router.get(
    "/assessments",
    response_model=m.AssessmentsPage,
    tags=["assessments"],
    summary="Published decisions and Glokal's suggestions",
    responses=ERRORS | DOWNLOADS,
)
def assessments(
    request: Request, session: SessionDep, paging: PagingDep, unit: Filter = "",
    goal: Filter = "", status: Filter = "",
    basis: Annotated[Literal["", "decision", "suggestion"], Query()] = "",
) -> Any:  # fmt: skip
    """Each unit's published decision on each goal (basis "decision"), and the suggestion
    Glokal's default method stored (basis "suggestion", Glokal's analysis, not a decision);
    filter by unit, goal, status and basis."""
    units = unit_param(unit)
    if len(units) > 1:
        raise InputError(N_("one unit at a time"), where="unit")
    if status and status not in {s.value for s in GoalStatus}:
        raise InputError(
            N_("unknown status {status!r}; use one of: {allowed}"),
            status=status,
            allowed=[s.value for s in GoalStatus],
            where="status",
        )
    number = goal_param(goal)
    chosen = units[0] if units else None
    items: list[m.AssessmentOut] = []
    if basis in ("", "decision"):
        items += [
            m.AssessmentOut(
                unit=d.unit, goal=d.goal, status=d.status.value, basis="decision",
                source=m.DECISION_SOURCE, text=d.text, assessor=d.assessor,
                method_note=d.method_note, cutoff=d.cutoff, published_at=d.published_at,
            )
            for d in published_decisions(session, chosen, number)
        ]  # fmt: skip
    if basis in ("", "suggestion"):
        items += [
            m.AssessmentOut(
                unit=s.unit, goal=s.goal, status=s.status.value, basis="suggestion",
                source=m.ANALYSIS_SOURCE, method=s.method, score=s.score,
                kpis_used=s.kpis_used, kpis_total=s.kpis_total,
                reference_year=s.reference_year, computed_at=s.computed_at,
            )
            for s in suggestions(session, chosen, number)
        ]  # fmt: skip
    items = [a for a in items if not status or a.status == status]
    refuse_unstored(session, found=bool(items), unit=units)
    items.sort(key=lambda a: (a.unit, a.goal, a.basis))
    return page_of(request, paging, m.AssessmentsPage, items, lambda a: a, "glokal-assessments")


router.include_router(api_register.router)
