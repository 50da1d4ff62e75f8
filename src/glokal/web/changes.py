"""The editor's write paths, shared by its pages and the JSON API: check who may, check the
input with the same rules as the CLI and the import templates, write, and note the change in
the audit log (who, when, before, after), all in the caller's one transaction.

Bad input raises ``FormInvalid``: an InputError that also maps each field to its message, so
a page can show each message beside its field and the API can answer with all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from glokal.analysis.decisions import check_decision
from glokal.errors import InputError, NotFound, PermissionDenied
from glokal.framework import GoalStatus, load_framework, parse_status
from glokal.i18n import N_, Message, english
from glokal.register import activity_context, activity_to_row
from glokal.register.activities import activity_from_row
from glokal.register.fields import parse_code, parse_targets
from glokal.register.tables import Row, RowProblems, RowReader
from glokal.store.activities import Activity, add_activities, get_activity, replace_activity
from glokal.store.agenda import LocalGoal, local_agenda, parent_loop, save_local_goals
from glokal.store.assessments import (
    GoalAssessment,
    current_assessment,
    record_assessment,
    stored_suggestion,
    unit_name,
)
from glokal.store.audit import record_change
from glokal.store.users import User
from glokal.web.messages import said, web_gettext

Gettext = Callable[[str], str]


ACTIVITY_OF_ANOTHER_UNIT = N_("activity {activity} is not one of {unit}'s")


class FormInvalid(InputError):
    """Input with problems; ``errors`` maps each field to what is wrong with it."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        message = "; ".join(f"{field}: {text}" for field, text in self.errors.items())
        super().__init__(message, where=next(iter(self.errors), None))


class FieldProblems(RowProblems):
    """RowProblems of one form: each problem kept by its field (the template's column), in
    the language of ``gettext``, as the web words it (web/messages.py)."""

    def __init__(self, gettext: Gettext | None = None) -> None:
        super().__init__("form")
        self.fields: dict[str, str] = {}
        self.gettext = gettext

    def add(self, row: int, column: str | None, message: str | Message) -> None:
        problem = message if isinstance(message, Message) else Message(message)
        super().add(row, column, problem)
        text = problem.said(web_gettext(self.gettext or english))
        key = column or "form"
        self.fields[key] = f"{self.fields[key]}; {text}" if key in self.fields else text


def ensure_can_edit(user: User, unit: str, gettext: Gettext) -> None:
    if not user.can_edit(unit):
        raise PermissionDenied(
            gettext("You may not change this unit: your account is not an editor for it."),
            where="unit",
        )


# -- assessments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentInput:
    """The assessment form's fields as entered (texts, not yet checked)."""

    status: str = ""
    text: str = ""
    assessor: str = ""
    method_note: str = ""
    cutoff: str = ""
    justification: str = ""

    @classmethod
    def of(cls, assessment: GoalAssessment | None) -> AssessmentInput:
        if assessment is None:
            return cls()
        return cls(
            status=assessment.status.value, text=assessment.text, assessor=assessment.assessor,
            method_note=assessment.method_note, cutoff=assessment.cutoff.isoformat(),
            justification=assessment.justification or "",
        )  # fmt: skip


def save_assessment(
    session: Session, user: User, unit: str, goal: int, entered: AssessmentInput, *,
    publish: bool, now: datetime, gettext: Gettext,
) -> GoalAssessment:  # fmt: skip
    """Record a decided status (a draft unless ``publish``) after the rule of check_decision."""
    ensure_can_edit(user, unit, gettext)
    unit_name(session, unit)
    errors: dict[str, str] = {}
    status: GoalStatus | None = None
    cutoff: date | None = None
    try:
        status = parse_status(entered.status, where="status")
    except InputError:
        errors["status"] = gettext("Choose a status.")
    try:
        cutoff = date.fromisoformat(entered.cutoff.strip())
    except ValueError:
        errors["cutoff"] = gettext("Give the data cut-off date as YYYY-MM-DD, e.g. 2025-03-31.")
    suggestion = stored_suggestion(session, unit, goal)
    if status is not None and cutoff is not None:
        try:
            decision = check_decision(
                status=status, text=entered.text, assessor=entered.assessor, cutoff=cutoff,
                recorded_by=user.email, suggested=suggestion.status if suggestion else None,
                today=now.date(), method_note=entered.method_note,
                justification=entered.justification,
            )  # fmt: skip
        except InputError as exc:
            field = (exc.where or "form").removeprefix("--")
            errors[field] = {
                "text": gettext("Write how the unit stands on the goal, in brief."),
                "assessor": gettext("Say who made the assessment."),
                "cutoff": gettext("The data cut-off date is in the future."),
                "justification": gettext(
                    "The status differs from Glokal's suggestion: say why in the justification."
                ),
            }.get(field) or said(exc, gettext)
    if errors:
        raise FormInvalid(errors)
    before = current_assessment(session, unit, goal)
    recorded = record_assessment(
        session, unit, goal, status=decision.status, text=decision.text,
        assessor=decision.assessor, method_note=decision.method_note, cutoff=decision.cutoff,
        justification=decision.justification,
        suggested_status=suggestion.status if suggestion else None,
        suggestion_method=suggestion.method if suggestion else None,
        recorded_by=user.email, recorded_at=now, published=publish,
    )  # fmt: skip
    record_change(
        session, actor=user.email, action="publish" if publish else "draft",
        entity="assessment", entity_id=f"{unit}/{goal}", unit=unit, before=before,
        after=recorded, at=now,
    )  # fmt: skip
    return recorded


# -- activities --------------------------------------------------------------------------------


def activity_cells(activity: Activity) -> dict[str, str]:
    """An activity as the form's fields (the import template's columns)."""
    return activity_to_row(activity)


def save_activity(
    session: Session, user: User, unit: str, cells: Mapping[str, str], *, publish: bool,
    now: datetime, gettext: Gettext, activity_id: int | None = None,
) -> Activity:  # fmt: skip
    """Add an activity, or change ``activity_id``, checked like a row of the import template."""
    ensure_can_edit(user, unit, gettext)
    before = None
    if activity_id is not None:
        before = get_activity(session, activity_id)
        if before.unit != unit:
            ensure_can_edit(user, before.unit, gettext)
            raise NotFound(
                ACTIVITY_OF_ANOTHER_UNIT, activity=activity_id, unit=unit, where="activity"
            )
    row = Row(1, {k: v.strip() for k, v in cells.items()} | {"unit": unit,
              "published": "yes" if publish else "no"})  # fmt: skip
    problems = FieldProblems(gettext)
    activity = activity_from_row(row, activity_context(session), problems)
    if activity is None:
        raise FormInvalid(problems.fields)
    if activity_id is None:
        (activity_id,) = add_activities(session, [activity], by=user.email, now=now)
    else:
        replace_activity(session, activity_id, activity, now=now)
    after = get_activity(session, activity_id)
    record_change(
        session, actor=user.email, action="create" if before is None else "update",
        entity="activity", entity_id=activity_id, unit=unit,
        before=activity_to_row(before) if before is not None else None,
        after=activity_to_row(after), at=now,
    )  # fmt: skip
    return after


# -- local goals -------------------------------------------------------------------------------

LOCAL_GOAL_FIELDS = ("code", "title", "description", "parent", "targets")


def save_local_goal(
    session: Session, user: User, unit: str, cells: Mapping[str, str], *, publish: bool,
    now: datetime, gettext: Gettext,
) -> LocalGoal:  # fmt: skip
    """Add or change (by its code) one of the unit's local goals, checked like the template's."""
    ensure_can_edit(user, unit, gettext)
    unit_name(session, unit)
    row = Row(1, {k: cells.get(k, "").strip() for k in LOCAL_GOAL_FIELDS})
    problems = FieldProblems(gettext)
    read = RowReader(row, problems)
    for column in ("code", "title"):
        if not row.get(column):
            read.problem(column, gettext("must not be empty"))
    framework = load_framework()
    code = read.field("code", parse_code, "")
    parent = read.field("parent", parse_code, None)
    targets = read.many("targets", lambda t: parse_targets(t, framework))
    stored = {g.code: g for g in local_agenda(session, unit).goals}
    if parent is not None and parent == code:
        read.problem("parent", gettext("a goal cannot be its own parent"))
    elif parent is not None and parent not in stored:
        read.problem("parent", gettext("there is no local goal with this code"))
    elif chain := parent_loop(code, parent, {c: g.parent for c, g in stored.items()}):
        message = gettext("{parent} is under {code}: a goal cannot be under itself ({chain})")
        read.problem("parent", message.format(parent=parent, code=code, chain=" → ".join(chain)))
    if not read.ok:
        raise FormInvalid(problems.fields)
    goal = LocalGoal(
        unit=unit, code=code, title=row.get("title"), description=row.get("description"),
        parent=parent, targets=tuple(targets), published=publish,
    )  # fmt: skip
    save_local_goals(session, [goal])
    before = stored.get(code)
    record_change(
        session, actor=user.email, action="create" if before is None else "update",
        entity="local_goal", entity_id=f"{unit}/{code}", unit=unit, before=before, after=goal,
        at=now,
    )  # fmt: skip
    return goal


__all__ = [
    "LOCAL_GOAL_FIELDS",
    "AssessmentInput",
    "FieldProblems",
    "FormInvalid",
    "activity_cells",
    "ensure_can_edit",
    "save_activity",
    "save_assessment",
    "save_local_goal",
]
