"""The JSON API's writes, with bearer tokens (`glokal token add`) scoped like their users:
an editor's token changes only that editor's units. Without a valid token: 401; with another
unit's: 403. The same checks, writes and audit entries as the editor's pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AliasChoices, BaseModel, Field
from sqlalchemy.orm import Session

from glokal.errors import InputError, NotAuthenticated, NotFound
from glokal.framework import parse_goal_number
from glokal.i18n import N_, translator
from glokal.places import parse_place_id
from glokal.store import Store
from glokal.store.activities import Activity
from glokal.store.users import User, token_user
from glokal.web.auth import now
from glokal.web.changes import AssessmentInput, save_activity, save_assessment
from glokal.web.render import request_language

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Invalid input; `error` says what and `where` names the field."},
    401: {"description": "No valid bearer token."},
    403: {"description": "The token's user may not change this unit."},
    404: {"description": "No such unit, goal or activity."},
    422: {"description": "The body does not have the documented shape."},
}

router = APIRouter(prefix="/api/v1", tags=["writes"], responses=ERRORS)
bearer = HTTPBearer(auto_error=False, description="A token from `glokal token add`.")


def _session(request: Request) -> Iterator[Session]:
    store: Store = request.app.state.store
    with store.errors(), store.session() as session, session.begin():
        yield session


WriteSession = Annotated[Session, Depends(_session, scope="function")]


def token_owner(
    session: WriteSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The user of the request's bearer token; 401 without a valid one."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated(N_("send 'Authorization: Bearer <token>'"), where="Authorization")
    user = token_user(session, credentials.credentials, now=now())
    if user is None:
        raise NotAuthenticated(N_("the bearer token is not valid"), where="Authorization")
    return user


TokenUser = Annotated[User, Depends(token_owner)]


def _unit(text: str) -> str:
    try:
        return parse_place_id(text, where="unit")
    except InputError as exc:
        raise NotFound(exc.msg, where="unit") from None


def _goal(text: str) -> int:
    try:
        return parse_goal_number(text, where="goal")
    except InputError as exc:
        raise NotFound(exc.msg, where="goal") from None


class AssessmentIn(BaseModel):
    """A decided status for a unit's goal, with its narrative ("Så ligger … till i korthet")."""

    status: Literal["god", "neutral", "utmaning", "betydande utmaning", "ej bedömd"]
    text: str = Field(max_length=20_000, description="The narrative: Så ligger … till i korthet.")
    assessor: str = Field(max_length=500, description="Who assessed: a group or a consultant.")
    method_note: str = Field(default="", max_length=20_000)
    cutoff: date = Field(description="The data cut-off date.")
    justification: str | None = Field(
        default=None, max_length=20_000,
        description="Why the status differs from Glokal's suggestion (then required).",
    )  # fmt: skip
    publish: bool = Field(default=True, description="False: keep it as a draft.")


class AssessmentOut(BaseModel):
    id: int
    unit: str
    goal: int
    status: str
    text: str
    assessor: str
    method_note: str
    cutoff: date
    justification: str | None
    suggested_status: str | None
    recorded_by: str
    recorded_at: datetime
    published_at: datetime | None


@router.put(
    "/units/{unit}/goals/{goal}/assessment", response_model=AssessmentOut,
    summary="Record the decided status of a unit's goal",
)  # fmt: skip
def put_assessment(
    request: Request, unit: str, goal: str, body: AssessmentIn, user: TokenUser,
    session: WriteSession,
) -> AssessmentOut:  # fmt: skip
    """Records a new decision (earlier ones are kept as its history). A status that differs
    from Glokal's suggestion needs a justification; the cut-off date may not be in the future."""
    entered = AssessmentInput(
        status=body.status, text=body.text, assessor=body.assessor,
        method_note=body.method_note, cutoff=body.cutoff.isoformat(),
        justification=body.justification or "",
    )  # fmt: skip
    recorded = save_assessment(
        session, user, _unit(unit), _goal(goal), entered, publish=body.publish, now=now(),
        gettext=translator(request_language(request)),
    )  # fmt: skip
    return AssessmentOut(
        id=recorded.id, unit=recorded.unit, goal=recorded.goal, status=recorded.status.value,
        text=recorded.text, assessor=recorded.assessor, method_note=recorded.method_note,
        cutoff=recorded.cutoff, justification=recorded.justification,
        suggested_status=recorded.suggested_status.value if recorded.suggested_status else None,
        recorded_by=recorded.recorded_by, recorded_at=recorded.recorded_at,
        published_at=recorded.published_at,
    )  # fmt: skip


class PartnerIn(BaseModel):
    # As GET writes it, so a partner read can be sent back; "name" is still understood.
    organisation: str = Field(max_length=500, validation_alias=AliasChoices("organisation", "name"))
    country: str | None = Field(default=None, max_length=60, description="ISO code or name.")
    type: str | None = Field(default=None, max_length=40)


class ActivityIn(BaseModel):
    """An activity, with the fields and checks of the register's import template."""

    kind: str = Field(max_length=40, description="project, partnership, eu_project, iop, …")
    title: str = Field(max_length=2_000)
    description: str = Field(default="", max_length=20_000)
    department: str = Field(default="", max_length=500)
    start: date | None = None
    end: date | None = None
    status: str = Field(default="", max_length=100)
    programme: str | None = Field(default=None, max_length=40)
    goals: list[int] = Field(default_factory=list, max_length=17)
    targets: list[str] = Field(default_factory=list, max_length=169)
    secondary_goals: list[int] = Field(default_factory=list, max_length=17)
    secondary_targets: list[str] = Field(default_factory=list, max_length=169)
    partners: list[PartnerIn] = Field(default_factory=list, max_length=100)
    funding_source: str | None = Field(default=None, max_length=40)
    budget_sek: float | None = Field(default=None, ge=0, le=1e15)
    results: str = Field(default="", max_length=20_000)
    evaluated: bool | None = None
    lessons: str = Field(default="", max_length=20_000)
    knowledge_transfer: str = Field(default="", max_length=20_000)
    publish: bool = Field(default=True, description="False: keep it as a draft.")

    def cells(self) -> dict[str, str]:
        """The template row this body stands for."""

        def join(values: list[Any]) -> str:
            return ";".join(str(v).replace(";", ",") for v in values)

        partners = self.partners
        return {
            "kind": self.kind, "title": self.title, "description": self.description,
            "department": self.department, "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "", "status": self.status,
            "programme": self.programme or "", "goals": join(self.goals),
            "targets": join(self.targets), "secondary_goals": join(self.secondary_goals),
            "secondary_targets": join(self.secondary_targets),
            "partner": join([p.organisation for p in partners]),
            "partner_country": join([p.country or "" for p in partners])
            if any(p.country for p in partners) else "",
            "partner_type": join([p.type or "other" for p in partners])
            if any(p.type for p in partners) else "",
            "funding_source": self.funding_source or "",
            "budget_sek": "" if self.budget_sek is None else repr(self.budget_sek),
            "results": self.results,
            "evaluated": {True: "yes", False: "no", None: ""}[self.evaluated],
            "lessons": self.lessons, "knowledge_transfer": self.knowledge_transfer,
        }  # fmt: skip


class ActivityOut(BaseModel):
    id: int
    unit: str
    kind: str
    title: str
    goals: list[int]
    published: bool
    created_by: str


def _out(activity: Activity) -> ActivityOut:
    return ActivityOut(
        id=activity.id or 0, unit=activity.unit, kind=activity.kind, title=activity.title,
        goals=list(activity.confirmed_goals), published=activity.published,
        created_by=activity.created_by,
    )  # fmt: skip


@router.post(
    "/units/{unit}/activities", response_model=ActivityOut, status_code=201,
    summary="Register an activity of a unit",
)  # fmt: skip
def post_activity(
    request: Request, unit: str, body: ActivityIn, user: TokenUser, session: WriteSession
) -> ActivityOut:
    """Checked like a row of the activity import template (docs/register.md)."""
    saved = save_activity(
        session, user, _unit(unit), body.cells(), publish=body.publish, now=now(),
        gettext=translator(request_language(request)),
    )  # fmt: skip
    return _out(saved)


@router.put(
    "/units/{unit}/activities/{activity}", response_model=ActivityOut,
    summary="Change an activity of a unit",
)  # fmt: skip
def put_activity(
    request: Request, unit: str, activity: int, body: ActivityIn, user: TokenUser,
    session: WriteSession,
) -> ActivityOut:  # fmt: skip
    """Replaces the activity whole, checked like a row of the import template."""
    if activity < 1 or activity > 2**53:
        raise NotFound(N_("there is no activity {activity}"), activity=activity, where="activity")
    saved = save_activity(
        session, user, _unit(unit), body.cells(), publish=body.publish, now=now(),
        gettext=translator(request_language(request)), activity_id=activity,
    )  # fmt: skip
    return _out(saved)


__all__ = ["ActivityIn", "AssessmentIn", "router"]
