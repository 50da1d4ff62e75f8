"""Programmes and networks: the ready-made definitions (Millenniekommun, Glokala Sverige),
definitions people write in the same JSON shape, and the progress of a programme's own targets,
counted from its memberships, the steps members have taken, activities and events.

Progress is pure: it takes a ProgrammeRecord from the store and counts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from glokal.errors import InputError
from glokal.i18n import N_
from glokal.store.programmes import (
    Programme,
    ProgrammeRecord,
    ProgrammeStep,
    ProgrammeTarget,
)

EVENT_KINDS = ("training", "webinar", "conference", "meeting")
# How a programme target's progress is counted; "step:CODE", "members:K" and "activity:KIND"
# take a parameter after the colon.
MEASURES = {
    "members": "members (members:K kommuner, members:L regioner)",
    "all_steps": "members who have taken every step",
    "step": "members who have taken the step step:CODE",
    "activity": "members with an activity in the programme (activity:KIND for one kind)",
    "event": "members who took part in at least one event",
}
SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)


class _Target(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    measure: str
    goal_value: int = Field(gt=0)

    @field_validator("measure")
    @classmethod
    def _known_measure(cls, value: str) -> str:
        name, _, parameter = value.partition(":")
        if name not in MEASURES or (name in ("step",) and not parameter):
            raise ValueError(
                f"{value!r} is not a measure; use one of: "
                + "; ".join(f"{k}: {v}" for k, v in MEASURES.items())
            )
        if name == "members" and parameter not in ("", "K", "L"):
            raise ValueError("members:K or members:L")
        return value


class _Definition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    description: str = ""
    organiser: str = ""
    start: date | None = None
    end: date | None = None
    source: str = ""
    steps: list[_Step] = []
    targets: list[_Target] = []

    @model_validator(mode="after")
    def _consistent(self) -> _Definition:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"it ends ({self.end}) before it starts ({self.start})")
        for kind, codes in (("step", [s.code for s in self.steps]),
                            ("target", [t.code for t in self.targets])):  # fmt: skip
            repeated = sorted({c for c in codes if codes.count(c) > 1})
            if repeated:
                raise ValueError(f"the {kind} code {', '.join(repeated)} is used twice")
        return self

    def programme(self) -> Programme:
        steps = tuple(ProgrammeStep(s.code, s.title) for s in self.steps)
        codes = {s.code for s in steps}
        for target in self.targets:
            name, _, parameter = target.measure.partition(":")
            if name == "step" and parameter not in codes:
                raise InputError(
                    N_(
                        "target {target!r} counts the step {step!r}, which programme "
                        "{programme!r} does not have"
                    ),
                    target=target.code,
                    step=parameter,
                    programme=self.id,
                    where="targets",
                )
        return Programme(
            id=self.id, name=self.name, description=self.description, organiser=self.organiser,
            start=self.start, end=self.end, source=self.source, steps=steps,
            targets=tuple(
                ProgrammeTarget(t.code, t.title, t.measure, t.goal_value) for t in self.targets
            ),
        )  # fmt: skip


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    about: str = ""
    programmes: list[_Definition]


def _parse(data: Any, source: str) -> list[Programme]:
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        if not first["loc"]:  # the file as a whole: a list, a number, …
            message = N_('the file must be an object: {"programmes": [{"id": …, "name": …}, …]}')
            raise InputError(message, where=source) from None
        location = ".".join(str(part) for part in first["loc"])
        text = first["msg"].removeprefix("Value error, ")
        raise InputError(
            N_("{field}: {problem}"), field=location, problem=text, where=source
        ) from None
    ids = [d.id for d in parsed.programmes]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InputError(
            N_("programme {programmes} is defined twice"), programmes=repeated, where=source
        )
    return [d.programme() for d in parsed.programmes]


def builtin_programmes() -> list[Programme]:
    """The ready-made definitions shipped with Glokal (no members)."""
    text = files("glokal.register").joinpath("data", "programmes.json").read_text("utf-8")
    return _parse(json.loads(text), "glokal/register/data/programmes.json")


def read_programmes(path: Path) -> list[Programme]:
    """Programme definitions from a JSON file of the same shape as the bundled one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(N_("no such file"), where=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            N_("cannot read the file: {error}"), error=str(exc), where=str(path)
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            N_("not valid JSON (line {line}, column {column}): {error}"),
            line=exc.lineno,
            column=exc.colno,
            error=exc.msg,
            where=str(path),
        ) from None
    return _parse(data, str(path))


@dataclass(frozen=True, slots=True)
class TargetProgress:
    target: ProgrammeTarget
    achieved: int
    units: tuple[str, ...]  # the units counted

    @property
    def share(self) -> float:
        return self.achieved / self.target.goal_value


def programme_progress(
    record: ProgrammeRecord, unit_types: Mapping[str, str]
) -> list[TargetProgress]:
    """Each of the programme's targets with how many units meet it now."""
    members = {m.unit for m in record.members}
    steps = {s.code for s in record.programme.steps}
    taken: dict[str, set[str]] = {
        m.unit: {code for code, _ in m.steps_taken} for m in record.members
    }
    progress = []
    for target in record.programme.targets:
        name, _, parameter = target.measure.partition(":")
        if name == "members":
            units = {u for u in members if not parameter or unit_types.get(u) == parameter}
        elif name == "all_steps":
            units = {u for u in members if steps and steps <= taken.get(u, set())}
        elif name == "step":
            units = {u for u in members if parameter in taken.get(u, set())}
        elif name == "activity":
            units = {
                u for u, kind in record.activity_units
                if u in members and (not parameter or kind == parameter)
            }  # fmt: skip
        elif name == "event":
            units = {u for event in record.events for u in event.units if u in members}
        else:  # a definition from before a measure was renamed
            units = set()
        progress.append(TargetProgress(target, len(units), tuple(sorted(units))))
    return progress
