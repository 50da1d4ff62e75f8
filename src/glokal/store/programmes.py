"""SQL for programmes and networks: their definitions (steps asked of members, own targets),
memberships with dates and intake round, the steps each member has taken, and events with
the units that took part.

Every function takes a Session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from glokal.errors import InputError, NotFound
from glokal.i18n import N_, Message
from glokal.store.models import (
    ActivityRow,
    ProgrammeEventRow,
    ProgrammeEventUnitRow,
    ProgrammeMemberRow,
    ProgrammeRow,
    ProgrammeStepRow,
    ProgrammeStepTakenRow,
    ProgrammeTargetRow,
)


@dataclass(frozen=True, slots=True)
class ProgrammeStep:
    code: str
    title: str


@dataclass(frozen=True, slots=True)
class ProgrammeTarget:
    code: str
    title: str
    measure: str  # how progress is counted: glokal.register.programmes.MEASURES
    goal_value: int


@dataclass(frozen=True, slots=True)
class Programme:
    id: str
    name: str
    description: str = ""
    organiser: str = ""
    start: date | None = None
    end: date | None = None
    source: str = ""
    steps: tuple[ProgrammeStep, ...] = ()
    targets: tuple[ProgrammeTarget, ...] = ()


@dataclass(frozen=True, slots=True)
class Membership:
    unit: str
    joined: date | None = None
    left: date | None = None
    intake: str = ""
    steps_taken: tuple[tuple[str, date | None], ...] = ()  # (step code, date taken)


@dataclass(frozen=True, slots=True)
class ProgrammeEvent:
    kind: str
    title: str
    start: date
    end: date | None = None
    place: str = ""
    units: tuple[str, ...] = ()
    id: int | None = None


@dataclass(frozen=True, slots=True)
class ProgrammeRecord:
    """A programme with everything recorded about it, for progress and listings."""

    programme: Programme
    members: tuple[Membership, ...]
    events: tuple[ProgrammeEvent, ...]
    activity_units: tuple[tuple[str, str], ...]  # (unit, kind) of activities in the programme


def save_programme(session: Session, programme: Programme, *, replace: bool = True) -> bool:
    """Store a programme's definition (not its members). With ``replace`` False, an existing
    programme is left as it is. Returns whether anything was written."""
    existing = session.get(ProgrammeRow, programme.id)
    if existing is not None and not replace:
        return False
    values = {
        "name": programme.name, "description": programme.description,
        "organiser": programme.organiser, "start": programme.start, "end": programme.end,
        "source": programme.source,
    }  # fmt: skip
    if existing is None:
        session.execute(insert(ProgrammeRow), values | {"id": programme.id})
    else:
        for key, value in values.items():
            setattr(existing, key, value)
        stored_steps = set(
            session.scalars(
                select(ProgrammeStepRow.code).where(ProgrammeStepRow.programme_id == programme.id)
            )
        )
        dropped = stored_steps - {s.code for s in programme.steps}
        taken = session.scalar(
            select(func.count())
            .select_from(ProgrammeStepTakenRow)
            .where(
                ProgrammeStepTakenRow.programme_id == programme.id,
                ProgrammeStepTakenRow.step.in_(dropped),
            )
        )
        if taken:
            raise InputError(
                N_(
                    "programme {programme!r}: members have taken the steps {steps}, which the "
                    "new definition leaves out"
                ),
                programme=programme.id,
                steps=sorted(dropped),
                where="steps",
            )
        session.execute(
            delete(ProgrammeStepRow).where(
                ProgrammeStepRow.programme_id == programme.id, ProgrammeStepRow.code.in_(dropped)
            )
        )
        session.execute(
            delete(ProgrammeTargetRow).where(ProgrammeTargetRow.programme_id == programme.id)
        )
    for position, step in enumerate(programme.steps):
        row = session.get(ProgrammeStepRow, (programme.id, step.code))
        if row is None:
            session.add(
                ProgrammeStepRow(
                    programme_id=programme.id, code=step.code, position=position, title=step.title
                )
            )
        else:
            row.position, row.title = position, step.title
    if programme.targets:
        session.execute(
            insert(ProgrammeTargetRow),
            [
                {"programme_id": programme.id, "code": t.code, "position": i, "title": t.title,
                 "measure": t.measure, "goal_value": t.goal_value}
                for i, t in enumerate(programme.targets)
            ],
        )  # fmt: skip
    session.flush()
    return True


def list_programmes(session: Session) -> list[Programme]:
    ids = session.scalars(select(ProgrammeRow.id).order_by(ProgrammeRow.start, ProgrammeRow.id))
    return [get_programme(session, pid) for pid in ids]


def get_programme(session: Session, programme_id: str) -> Programme:
    row = session.get(ProgrammeRow, programme_id)
    if row is None:
        known = list(session.scalars(select(ProgrammeRow.id).order_by(ProgrammeRow.id)))
        if not known:
            raise NotFound(
                N_("there is no programme {programme!r}"), programme=programme_id, where="programme"
            )
        raise NotFound(
            N_("there is no programme {programme!r}; there are: {known}"),
            programme=programme_id,
            known=known,
            where="programme",
        )
    steps = session.scalars(
        select(ProgrammeStepRow)
        .where(ProgrammeStepRow.programme_id == programme_id)
        .order_by(ProgrammeStepRow.position)
    )
    targets = session.scalars(
        select(ProgrammeTargetRow)
        .where(ProgrammeTargetRow.programme_id == programme_id)
        .order_by(ProgrammeTargetRow.position)
    )
    return Programme(
        id=row.id, name=row.name, description=row.description, organiser=row.organiser,
        start=row.start, end=row.end, source=row.source,
        steps=tuple(ProgrammeStep(s.code, s.title) for s in steps),
        targets=tuple(ProgrammeTarget(t.code, t.title, t.measure, t.goal_value) for t in targets),
    )  # fmt: skip


def save_membership(session: Session, programme_id: str, member: Membership) -> None:
    """Add or update a unit's membership; ``steps_taken`` are added to those it has."""
    programme = get_programme(session, programme_id)
    codes = {s.code for s in programme.steps}
    for code, _taken in member.steps_taken:
        if code not in codes:
            raise NotFound(
                N_("programme {programme!r} has no step {code!r}; its steps are {steps}"),
                programme=programme_id,
                code=code,
                steps=sorted(codes) or Message(N_("(none)")),
                where="--step",
            )
    row = session.get(ProgrammeMemberRow, (programme_id, member.unit))
    joined = member.joined if member.joined is not None else (row.joined if row else None)
    left = member.left if member.left is not None else (row.left if row else None)
    if joined is not None and programme.end is not None and joined > programme.end:
        raise InputError(
            N_("programme {programme!r} ended on {end}; no unit joins it on {joined}"),
            programme=programme_id,
            end=programme.end,
            joined=joined,
            where="--joined",
        )
    if joined is not None and left is not None and left < joined:
        raise InputError(
            N_("left on {left}, before joining on {joined}"),
            left=left,
            joined=joined,
            where="--left",
        )
    for code, taken in member.steps_taken:
        _check_step_date(programme, member.unit, joined, code, taken, where="--taken")
    if member.joined is not None:  # a new date of joining must still come before every step
        new_steps = {code for code, _ in member.steps_taken}
        for stored in session.scalars(
            select(ProgrammeStepTakenRow)
            .where(
                ProgrammeStepTakenRow.programme_id == programme_id,
                ProgrammeStepTakenRow.unit == member.unit,
                ProgrammeStepTakenRow.step.not_in(new_steps),
            )
            .order_by(ProgrammeStepTakenRow.step)
        ):
            _check_step_date(
                programme, member.unit, joined, stored.step, stored.taken, where="--joined"
            )
    if row is None:
        session.add(
            ProgrammeMemberRow(
                programme_id=programme_id, unit=member.unit, joined=member.joined,
                left=member.left, intake=member.intake,
            )
        )  # fmt: skip
    else:
        row.joined = member.joined if member.joined is not None else row.joined
        row.left = member.left if member.left is not None else row.left
        row.intake = member.intake or row.intake
    session.flush()
    for code, taken in member.steps_taken:
        step = session.get(ProgrammeStepTakenRow, (programme_id, member.unit, code))
        if step is None:
            session.add(
                ProgrammeStepTakenRow(
                    programme_id=programme_id, unit=member.unit, step=code, taken=taken
                )
            )
        else:
            step.taken = taken
    session.flush()


def _check_step_date(
    programme: Programme,
    unit: str,
    joined: date | None,
    code: str,
    taken: date | None,
    *,
    where: str,
) -> None:
    """Refuse a step dated before the unit joined, before the programme started or after it
    ended; a step without a date is not checked."""
    if taken is None:
        return
    reasons = []
    if joined is not None and taken < joined:
        reasons.append(Message(N_("{unit} joined it on {joined}"), unit=unit, joined=joined))
    if programme.start is not None and taken < programme.start:
        reasons.append(Message(N_("it started on {start}"), start=programme.start))
    if programme.end is not None and taken > programme.end:
        reasons.append(Message(N_("it ended on {end}"), end=programme.end))
    if reasons:
        because = reasons[0]
        for reason in reasons[1:]:
            because = Message(N_("{first} and {second}"), first=because, second=reason)
        raise InputError(
            N_("step {code!r} of programme {programme!r} cannot be taken on {taken}: {because}"),
            code=code,
            programme=programme.id,
            taken=taken,
            because=because,
            where=where,
        )


def add_event(session: Session, programme_id: str, event: ProgrammeEvent) -> int:
    get_programme(session, programme_id)
    event_id = session.execute(
        insert(ProgrammeEventRow).returning(ProgrammeEventRow.id),
        {"programme_id": programme_id, "kind": event.kind, "title": event.title,
         "start": event.start, "end": event.end, "place": event.place},
    ).scalar_one()  # fmt: skip
    if event.units:
        session.execute(
            insert(ProgrammeEventUnitRow),
            [{"event_id": event_id, "unit": u} for u in dict.fromkeys(event.units)],
        )
    return event_id


def programme_record(session: Session, programme_id: str) -> ProgrammeRecord:
    programme = get_programme(session, programme_id)
    taken: dict[str, list[tuple[str, date | None]]] = {}
    for row in session.scalars(
        select(ProgrammeStepTakenRow).where(ProgrammeStepTakenRow.programme_id == programme_id)
    ):
        taken.setdefault(row.unit, []).append((row.step, row.taken))
    members = tuple(
        Membership(
            row.unit, row.joined, row.left, row.intake, tuple(sorted(taken.get(row.unit, [])))
        )
        for row in session.scalars(
            select(ProgrammeMemberRow)
            .where(ProgrammeMemberRow.programme_id == programme_id)
            .order_by(ProgrammeMemberRow.unit)
        )
    )
    units: dict[int, list[str]] = {}
    for event_id, unit in session.execute(
        select(ProgrammeEventUnitRow.event_id, ProgrammeEventUnitRow.unit)
        .join(ProgrammeEventRow, ProgrammeEventRow.id == ProgrammeEventUnitRow.event_id)
        .where(ProgrammeEventRow.programme_id == programme_id)
        .order_by(ProgrammeEventUnitRow.unit)
    ):
        units.setdefault(event_id, []).append(unit)
    events = tuple(
        ProgrammeEvent(row.kind, row.title, row.start, row.end, row.place,
                       tuple(units.get(row.id, [])), row.id)
        for row in session.scalars(
            select(ProgrammeEventRow)
            .where(ProgrammeEventRow.programme_id == programme_id)
            .order_by(ProgrammeEventRow.start, ProgrammeEventRow.id)
        )
    )  # fmt: skip
    activity_units = tuple(
        (unit, kind)
        for unit, kind in session.execute(
            select(ActivityRow.unit, ActivityRow.kind)
            .where(ActivityRow.programme_id == programme_id)
            .order_by(ActivityRow.unit)
        )
    )
    return ProgrammeRecord(programme, members, events, activity_units)


def programme_ids(session: Session) -> Sequence[str]:
    return list(session.scalars(select(ProgrammeRow.id).order_by(ProgrammeRow.id)))
