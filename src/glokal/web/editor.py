"""The editor: the units a user may change, a unit's goals with their decided and suggested
statuses and drafts, the assessment form, activities, local goals, and the audit log for admins.

Server-rendered forms that work without JavaScript; every post carries its CSRF token, every
change goes through ``glokal.web.changes`` (checks, write, audit entry) and then redirects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from glokal.errors import InputError, NotFound
from glokal.framework import STATUS_STYLES, Goal, GoalStatus, parse_goal_number
from glokal.i18n import N_, translator
from glokal.places import Place, parse_place_id
from glokal.register import COLUMNS
from glokal.store import list_goals, list_places
from glokal.store.activities import Activity, ActivityQuery, find_activities, get_activity
from glokal.store.agenda import LocalGoal, local_agenda
from glokal.store.assessments import (
    GoalAssessment,
    StoredSuggestion,
    current_assessments,
    published_assessments,
    stored_suggestion,
)
from glokal.store.audit import AuditEntry, audit_entries, count_audit_entries
from glokal.store.comments import comments_to_moderate
from glokal.store.models import ACTIVITY_KINDS
from glokal.store.users import User
from glokal.web.auth import CurrentUser, FormData, WriteSession, check_csrf, forbid, now
from glokal.web.changes import (
    ACTIVITY_OF_ANOTHER_UNIT,
    LOCAL_GOAL_FIELDS,
    AssessmentInput,
    FormInvalid,
    activity_cells,
    ensure_can_edit,
    save_activity,
    save_assessment,
    save_local_goal,
)
from glokal.web.public import LangDep, SessionDep
from glokal.web.render import render, url_for_lang

router = APIRouter(include_in_schema=False)

STATUSES = tuple(GoalStatus)
# The import template's columns the activity form shows (unit: the page's; published: the button).
ACTIVITY_FIELDS = tuple(c for c in COLUMNS if c not in ("unit", "published"))
LOG_PAGE_SIZE = 50
Text = Annotated[str, Form(max_length=20_000)]
Short = Annotated[str, Form(max_length=500)]


def _unit(text: str) -> str:
    try:
        return parse_place_id(text, where="unit")
    except InputError:
        raise NotFound(N_("there is no unit {unit!r}"), unit=text, where="unit") from None


def _goal(text: str) -> int:
    try:
        return parse_goal_number(text, where="goal")
    except InputError as exc:
        raise NotFound(exc.msg, where="goal") from None


def _place(session: Session, unit: str) -> Place:
    for place in list_places(session):
        if place.id == unit:
            return place
    raise NotFound(N_("there is no unit {unit!r}"), unit=unit, where="unit")


def _publish(action: str) -> bool:
    if action not in ("draft", "publish"):
        raise InputError(N_("{action!r} is not draft or publish"), action=action, where="action")
    return action == "publish"


def _done(lang: str, path: str, saved: str) -> RedirectResponse:
    return RedirectResponse(url_for_lang(path, lang) + f"?sparat={saved}", status_code=303)


def status_labels(lang: str) -> dict[str, str]:
    gettext = translator(lang)
    return {s.value: gettext(STATUS_STYLES[s].label) for s in STATUSES}


# -- /redigera ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditorHome:
    lang: str
    user: User
    units: list[Place]
    pending_comments: int


@router.get("/redigera", response_class=HTMLResponse)
def home(request: Request, user: CurrentUser, session: SessionDep, lang: LangDep) -> Response:
    units = [p for p in list_places(session) if user.can_edit(p.id)]
    pending = 0
    if user.can_moderate:
        pending = len(comments_to_moderate(session, None if not user.units else user.units))
    return render(request, "editor/home.html", EditorHome(lang, user, units, pending))


# -- /redigera/{unit} --------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalLine:
    goal: Goal
    published: GoalAssessment | None
    draft: GoalAssessment | None  # newer than the published decision, not published yet
    suggestion: StoredSuggestion | None


@dataclass(frozen=True)
class UnitEditor:
    lang: str
    unit: Place
    goals: list[GoalLine]
    activities: list[Activity]
    local_goals: list[LocalGoal]
    saved: str
    statuses: dict[str, str]


@router.get("/redigera/{unit}", response_class=HTMLResponse)
def unit_editor(
    request: Request, unit: str, user: CurrentUser, session: SessionDep, lang: LangDep,
    sparat: Annotated[str, Query(max_length=20)] = "",
) -> Response:  # fmt: skip
    unit_id = _unit(unit)
    ensure_can_edit(user, unit_id, translator(lang))
    place = _place(session, unit_id)
    published = {a.goal: a for a in published_assessments(session, unit_id)}
    current = {a.goal: a for a in current_assessments(session, unit_id)}
    lines = [
        GoalLine(
            goal=g, published=published.get(g.number),
            draft=current[g.number] if g.number in current
            and current[g.number].published_at is None else None,
            suggestion=stored_suggestion(session, unit_id, g.number),
        )
        for g in list_goals(session)
    ]  # fmt: skip
    page = UnitEditor(
        lang, place, lines, find_activities(session, ActivityQuery(unit=[unit_id])),
        list(local_agenda(session, unit_id).goals), sparat, status_labels(lang),
    )  # fmt: skip
    return render(request, "editor/unit.html", page)


# -- /redigera/{unit}/mal/{n} ------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentForm:
    lang: str
    unit: Place
    goal: Goal
    entered: AssessmentInput
    suggestion: StoredSuggestion | None
    published: GoalAssessment | None
    draft: GoalAssessment | None
    statuses: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


def _assessment_form(
    session: Session, user: User, unit: str, goal: int, lang: str,
    entered: AssessmentInput | None = None, errors: dict[str, str] | None = None,
) -> AssessmentForm:  # fmt: skip
    ensure_can_edit(user, unit, translator(lang))
    place = _place(session, unit)
    goal_record = next((g for g in list_goals(session) if g.number == goal), None)
    if goal_record is None:
        raise NotFound(N_("there is no goal {goal}"), goal=goal, where="goal")
    published = next((a for a in published_assessments(session, unit) if a.goal == goal), None)
    current = next((a for a in current_assessments(session, unit) if a.goal == goal), None)
    draft = current if current is not None and current.published_at is None else None
    return AssessmentForm(
        lang=lang, unit=place, goal=goal_record,
        entered=entered if entered is not None else AssessmentInput.of(current),
        suggestion=stored_suggestion(session, unit, goal), published=published, draft=draft,
        statuses=status_labels(lang), errors=errors or {},
    )  # fmt: skip


@router.get("/redigera/{unit}/mal/{number}", response_class=HTMLResponse)
def assessment_form(
    request: Request, unit: str, number: str, user: CurrentUser, session: SessionDep,
    lang: LangDep,
) -> Response:  # fmt: skip
    page = _assessment_form(session, user, _unit(unit), _goal(number), lang)
    return render(request, "editor/assessment.html", page)


@router.post("/redigera/{unit}/mal/{number}", response_class=HTMLResponse)
def assessment_save(
    request: Request, unit: str, number: str, user: CurrentUser, session: WriteSession,
    lang: LangDep, csrf: Short = "", action: Short = "", status: Short = "", text: Text = "",
    assessor: Short = "", method_note: Text = "", cutoff: Short = "", justification: Text = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf)
    unit_id, goal = _unit(unit), _goal(number)
    entered = AssessmentInput(status, text, assessor, method_note, cutoff, justification)
    publish = _publish(action)
    try:
        save_assessment(session, user, unit_id, goal, entered, publish=publish, now=now(),
                        gettext=translator(lang))  # fmt: skip
    except FormInvalid as exc:
        page = _assessment_form(session, user, unit_id, goal, lang, entered, exc.errors)
        response = render(request, "editor/assessment.html", page)
        response.status_code = 400
        return response
    return _done(lang, f"/redigera/{unit_id}", "publicerat" if publish else "utkast")


# -- activities --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityForm:
    lang: str
    unit: Place
    activity_id: int | None
    cells: dict[str, str]
    published: bool
    kinds: tuple[str, ...]
    fields: tuple[str, ...]
    errors: dict[str, str] = field(default_factory=dict)


def _activity_page(
    request: Request, place: Place, activity_id: int | None, cells: dict[str, str],
    published: bool, lang: str, errors: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    page = ActivityForm(lang, place, activity_id, cells, published, ACTIVITY_KINDS,
                        ACTIVITY_FIELDS, errors or {})  # fmt: skip
    response = render(request, "editor/activity.html", page)
    if errors:
        response.status_code = 400
    return response


@router.get("/redigera/{unit}/aktiviteter/ny", response_class=HTMLResponse)
def activity_new(
    request: Request, unit: str, user: CurrentUser, session: SessionDep, lang: LangDep
) -> Response:
    unit_id = _unit(unit)
    ensure_can_edit(user, unit_id, translator(lang))
    return _activity_page(request, _place(session, unit_id), None, {}, False, lang)


def _stored_activity(session: Session, user: User, unit: str, text: str, lang: str) -> Activity:
    if not text.isdigit() or len(text) > 12:
        raise NotFound(N_("there is no activity {activity!r}"), activity=text, where="activity")
    activity = get_activity(session, int(text))
    if activity.unit != unit:
        ensure_can_edit(user, activity.unit, translator(lang))
        raise NotFound(ACTIVITY_OF_ANOTHER_UNIT, activity=text, unit=unit, where="activity")
    return activity


@router.get("/redigera/{unit}/aktiviteter/{activity}", response_class=HTMLResponse)
def activity_edit(
    request: Request, unit: str, activity: str, user: CurrentUser, session: SessionDep,
    lang: LangDep,
) -> Response:  # fmt: skip
    unit_id = _unit(unit)
    ensure_can_edit(user, unit_id, translator(lang))
    stored = _stored_activity(session, user, unit_id, activity, lang)
    return _activity_page(request, _place(session, unit_id), stored.id, activity_cells(stored),
                          stored.published, lang)  # fmt: skip


def _activity_post(
    request: Request, unit: str, activity: str | None, user: User, session: Session,
    lang: str, form: dict[str, str],
) -> Response:  # fmt: skip
    check_csrf(request, form.get("csrf", ""))
    unit_id = _unit(unit)
    ensure_can_edit(user, unit_id, translator(lang))
    activity_id = None
    if activity is not None:
        activity_id = _stored_activity(session, user, unit_id, activity, lang).id
    publish = _publish(form.get("action", ""))
    cells = {c: form.get(c, "") for c in ACTIVITY_FIELDS}
    try:
        save_activity(session, user, unit_id, cells, publish=publish, now=now(),
                      gettext=translator(lang), activity_id=activity_id)  # fmt: skip
    except FormInvalid as exc:
        return _activity_page(request, _place(session, unit_id), activity_id, cells, publish,
                              lang, exc.errors)  # fmt: skip
    return _done(lang, f"/redigera/{unit_id}", "publicerat" if publish else "utkast")


@router.post("/redigera/{unit}/aktiviteter/ny", response_class=HTMLResponse)
def activity_create(
    request: Request, unit: str, user: CurrentUser, session: WriteSession, lang: LangDep,
    form: FormData,
) -> Response:  # fmt: skip
    return _activity_post(request, unit, None, user, session, lang, form)


@router.post("/redigera/{unit}/aktiviteter/{activity}", response_class=HTMLResponse)
def activity_update(
    request: Request, unit: str, activity: str, user: CurrentUser, session: WriteSession,
    lang: LangDep, form: FormData,
) -> Response:  # fmt: skip
    return _activity_post(request, unit, activity, user, session, lang, form)


# -- local goals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalGoalsPage:
    lang: str
    unit: Place
    goals: list[LocalGoal]
    cells: dict[str, str]
    saved: str
    errors: dict[str, str] = field(default_factory=dict)


def _local_goals_page(
    request: Request, session: Session, unit: str, lang: str, cells: dict[str, str],
    saved: str = "", errors: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    page = LocalGoalsPage(lang, _place(session, unit), list(local_agenda(session, unit).goals),
                          cells, saved, errors or {})  # fmt: skip
    response = render(request, "editor/local_goals.html", page)
    if errors:
        response.status_code = 400
    return response


@router.get("/redigera/{unit}/lokala-mal", response_class=HTMLResponse)
def local_goals(
    request: Request, unit: str, user: CurrentUser, session: SessionDep, lang: LangDep,
    kod: Annotated[str, Query(max_length=32)] = "",
    sparat: Annotated[str, Query(max_length=20)] = "",
) -> Response:  # fmt: skip
    unit_id = _unit(unit)
    ensure_can_edit(user, unit_id, translator(lang))
    cells: dict[str, str] = {}
    for goal in local_agenda(session, unit_id).goals:
        if kod and goal.code == kod:
            cells = {"code": goal.code, "title": goal.title, "description": goal.description,
                     "parent": goal.parent or "", "targets": ";".join(goal.targets)}  # fmt: skip
    return _local_goals_page(request, session, unit_id, lang, cells, sparat)


@router.post("/redigera/{unit}/lokala-mal", response_class=HTMLResponse)
def local_goal_save(
    request: Request, unit: str, user: CurrentUser, session: WriteSession, lang: LangDep,
    form: FormData,
) -> Response:  # fmt: skip
    check_csrf(request, form.get("csrf", ""))
    unit_id = _unit(unit)
    ensure_can_edit(user, unit_id, translator(lang))
    publish = _publish(form.get("action", ""))
    cells = {k: form.get(k, "") for k in LOCAL_GOAL_FIELDS}
    try:
        save_local_goal(session, user, unit_id, cells, publish=publish, now=now(),
                        gettext=translator(lang))  # fmt: skip
    except FormInvalid as exc:
        return _local_goals_page(request, session, unit_id, lang, cells, "", exc.errors)
    return _done(lang, f"/redigera/{unit_id}/lokala-mal", "publicerat" if publish else "utkast")


# -- /admin/logg -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditPage:
    lang: str
    entries: list[AuditEntry]
    page: int
    pages: int
    unit: str


def as_json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


@router.get("/admin/logg", response_class=HTMLResponse)
def audit_log(
    request: Request, user: CurrentUser, session: SessionDep, lang: LangDep,
    sida: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    enhet: Annotated[str, Query(max_length=4)] = "",
) -> Response:  # fmt: skip
    if not user.is_admin:
        raise forbid(request, N_("Only admins may read the audit log."))
    unit = _unit(enhet) if enhet else None
    total = count_audit_entries(session, unit=unit)
    entries = audit_entries(session, unit=unit, limit=LOG_PAGE_SIZE,
                            offset=(sida - 1) * LOG_PAGE_SIZE)  # fmt: skip
    pages = max(1, -(-total // LOG_PAGE_SIZE))
    page = AuditPage(lang, entries, sida, pages, unit or "")
    return render(request, "editor/audit.html", page, as_json=as_json)


__all__ = ["router", "status_labels"]
