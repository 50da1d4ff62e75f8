"""The public pages, each with its JSON twin: the national overview, a unit's goal tiles, a
unit's goal page, a comparison, one goal across all units, and the activity search."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from glokal.errors import InputError, NotFound
from glokal.framework import parse_goal_number
from glokal.i18n import N_
from glokal.places import parse_place_id
from glokal.publish.pages import (
    activities_page,
    compare_page,
    goal_across_page,
    goal_page,
    index_page,
    unit_page,
)
from glokal.register import parse_country, parse_funding_source, parse_kind
from glokal.store import Store
from glokal.store.activities import ActivityQuery
from glokal.web.render import json_twin, render, request_language

router = APIRouter(include_in_schema=False)


def _session(request: Request) -> Iterator[Session]:
    store: Store = request.app.state.store
    with store.errors(), store.session() as session, session.begin():
        yield session


SessionDep = Annotated[Session, Depends(_session)]
LangDep = Annotated[str, Depends(request_language)]


def _unit(text: str) -> str:
    try:
        return parse_place_id(text, where="unit")
    except InputError:
        raise NotFound(N_("there is no page {text!r}"), text=text, where="unit") from None


def _goal(text: str) -> int:
    try:
        return parse_goal_number(text, where="goal")
    except InputError as exc:
        raise NotFound(exc.msg, where="goal") from None


@router.get("/", response_class=HTMLResponse)
def index(request: Request, session: SessionDep, lang: LangDep, q: str = "") -> Response:
    page = index_page(session, lang)
    if q.strip():  # the unit search: straight to the unit when exactly one matches
        wanted = q.strip().casefold()
        found = [p for p in (*page.kommuner, *page.regions) if wanted in p.name.casefold()]
        exact = [p for p in found if p.name.casefold() == wanted or p.id == q.strip()]
        if len(exact) == 1 or len(found) == 1:
            target = (exact or found)[0].id
            prefix = "/en" if lang == "en" else ""
            return RedirectResponse(f"{prefix}/{target}", status_code=303)
        return render(request, "index.html", page, query=q, found=found)
    return render(request, "index.html", page, query="", found=None)


@router.get("/index.json")
def index_json(session: SessionDep, lang: LangDep) -> JSONResponse:
    return json_twin(index_page(session, lang))


def _activity_query(
    goal: str, country: str, funding: str, kind: str, unit: str, text: str
) -> tuple[ActivityQuery, dict[str, str]]:
    """The search form's fields as a query; a field that does not parse is an error."""
    shown = {"goal": goal, "country": country, "funding": funding, "kind": kind, "unit": unit,
             "text": text}  # fmt: skip
    try:
        query = ActivityQuery(
            goal=parse_goal_number(goal, where="goal") if goal else None,
            country=parse_country(country, where="country") if country else None,
            funding_source=parse_funding_source(funding) if funding else None,
            kind=[parse_kind(kind)] if kind else [],
            unit=[parse_place_id(unit, where="unit")] if unit else [],
            text=text or None,
            published_only=True,
        )
    except InputError as exc:
        raise InputError(exc.msg, where=exc.where or "query") from None
    return query, shown


ActivityFilters = Annotated[str, Query(max_length=200)]


@router.get("/aktiviteter.json")
def activities_json(
    session: SessionDep, lang: LangDep, goal: ActivityFilters = "", country: ActivityFilters = "",
    funding: ActivityFilters = "", kind: ActivityFilters = "", unit: ActivityFilters = "",
    text: ActivityFilters = "",
) -> JSONResponse:  # fmt: skip
    query, shown = _activity_query(goal, country, funding, kind, unit, text)
    return json_twin(activities_page(session, lang, query, shown))


@router.get("/aktiviteter", response_class=HTMLResponse)
def activities(
    request: Request, session: SessionDep, lang: LangDep, goal: ActivityFilters = "",
    country: ActivityFilters = "", funding: ActivityFilters = "", kind: ActivityFilters = "",
    unit: ActivityFilters = "", text: ActivityFilters = "",
) -> HTMLResponse:  # fmt: skip
    query, shown = _activity_query(goal, country, funding, kind, unit, text)
    return render(request, "activities.html", activities_page(session, lang, query, shown))


GoalFilters = Annotated[str, Query(max_length=40)]


@router.get("/mal/{number}.json")
def goal_across_json(
    number: str, session: SessionDep, lang: LangDep, kommungrupp: GoalFilters = "",
    county: GoalFilters = "", status: GoalFilters = "", type: GoalFilters = "",
    sort: GoalFilters = "",
) -> JSONResponse:  # fmt: skip
    filters = {"kommungrupp": kommungrupp, "county": county, "status": status, "type": type,
               "sort": sort}  # fmt: skip
    return json_twin(goal_across_page(session, _goal(number), lang, filters))


@router.get("/mal/{number}", response_class=HTMLResponse)
def goal_across(
    request: Request, number: str, session: SessionDep, lang: LangDep,
    kommungrupp: GoalFilters = "", county: GoalFilters = "", status: GoalFilters = "",
    type: GoalFilters = "", sort: GoalFilters = "",
) -> HTMLResponse:  # fmt: skip
    filters = {"kommungrupp": kommungrupp, "county": county, "status": status, "type": type,
               "sort": sort}  # fmt: skip
    return render(
        request, "goal_across.html", goal_across_page(session, _goal(number), lang, filters)
    )


def _units(text: str) -> list[str]:
    """The units to compare with, every one given (the parameter's length bounds how many)."""
    return [_unit(part) for part in text.replace(";", ",").split(",") if part.strip()]


@router.get("/{unit}/jamfor.json")
def compare_json(
    unit: str, session: SessionDep, lang: LangDep, med: GoalFilters = ""
) -> JSONResponse:
    return json_twin(compare_page(session, _unit(unit), lang, _units(med)))


@router.get("/{unit}/jamfor", response_class=HTMLResponse)
def compare(
    request: Request,
    unit: str,
    session: SessionDep,
    lang: LangDep,
    med: Annotated[str, Query(max_length=120)] = "",
) -> HTMLResponse:
    return render(request, "compare.html", compare_page(session, _unit(unit), lang, _units(med)))


@router.get("/{unit}/mal/{number}.json")
def goal_json(unit: str, number: str, session: SessionDep, lang: LangDep) -> JSONResponse:
    return json_twin(goal_page(session, _unit(unit), _goal(number), lang))


@router.get("/{unit}/mal/{number}", response_class=HTMLResponse)
def goal(
    request: Request, unit: str, number: str, session: SessionDep, lang: LangDep
) -> HTMLResponse:
    return render(request, "goal.html", goal_page(session, _unit(unit), _goal(number), lang))


@router.get("/{unit}.json")
def unit_json(unit: str, session: SessionDep, lang: LangDep) -> JSONResponse:
    return json_twin(unit_page(session, _unit(unit), lang))


@router.get("/{unit}", response_class=HTMLResponse)
def unit_view(request: Request, unit: str, session: SessionDep, lang: LangDep) -> HTMLResponse:
    return render(request, "unit.html", unit_page(session, _unit(unit), lang))
