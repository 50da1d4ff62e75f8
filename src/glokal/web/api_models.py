"""The JSON API's shapes: what leaves (``…Out``, pages of them) declared apart from the store's
records, so the OpenAPI document says exactly what a client gets.

Raw values carry ``source: "Källa: Kolada"``; suggested statuses and the analysis columns are
marked as Glokal's analysis.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

KOLADA_SOURCE = "Källa: Kolada"
ANALYSIS_SOURCE = "Glokal's analysis"
DECISION_SOURCE = "decided by the unit"


class Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ErrorOut(Out):
    """Every error: a message for people and, where known, the parameter or id concerned."""

    error: str = Field(description="What is wrong, in words.")
    where: str | None = Field(None, description="The parameter, field or id it concerns.")


class Page(Out, Generic[T]):
    """One page of a list: the items, how many match in all, and links to the neighbours."""

    items: list[T]
    total: int = Field(description="How many items match the filters in all.")
    limit: int = Field(description="At most this many items per page.")
    offset: int = Field(description="How many matching items come before this page.")
    next: str | None = Field(None, description="The next page, or null on the last.")
    previous: str | None = Field(None, description="The previous page, or null on the first.")


class GoalOut(Out):
    number: int = Field(description="1–17")
    short_sv: str
    short_en: str
    title_sv: str
    title_en: str
    colour: str = Field(description="The UN colour, #RRGGBB.")
    page: str = Field(description="The public page of the goal across all units.")


class TargetOut(Out):
    id: str = Field(description='"1.1", "1.a"')
    goal: int
    short_sv: str
    short_en: str
    text_sv: str
    text_en: str


class KommungruppOut(Out):
    code: str = Field(description='SKR kommungrupp, e.g. "A1"')
    main_group: str
    name_sv: str
    name_en: str


class UnitOut(Out):
    id: str = Field(description='4-character Kolada id: "0180", "0000" Riket, "0001" a region.')
    name: str
    type: str = Field(description="K kommun, L region (and Riket).")
    county: str | None
    region: str | None
    kommungrupp: KommungruppOut | None
    page: str = Field(description="The unit's public page.")


class KpiOut(Out):
    id: str = Field(description='Kolada KPI id, e.g. "N00401".')
    title: str
    municipality_type: str
    is_divided_by_gender: bool
    goals: list[int] = Field(description="The goals the Agenda 2030 selection files it under.")
    polarity: Literal["higher", "lower", "neither", "unknown"] = Field(
        description="Whether a higher value is better."
    )
    polarity_note: str
    polarity_by: str | None
    discontinued_after: int | None
    missing: bool = Field(description="Kolada no longer lists it.")


class ValueOut(Out):
    kpi: str
    unit: str
    year: int
    gender: str = Field(description="T total, K women, M men.")
    value: float | None = Field(description="null: missing in Kolada.")


class FigureOut(Out):
    """A key figure of a unit's goal: Kolada's latest value and Riket's beside Glokal's
    analysis (trend, positions)."""

    kpi: str
    title: str
    value: float | None
    year: int | None
    riket_value: float | None
    value_source: str = KOLADA_SOURCE
    trend: str | None
    change_per_year: float | None
    position: str | None
    rank: int | None
    compared: int | None
    position_kommungrupp: str | None
    rank_kommungrupp: int | None
    compared_kommungrupp: int | None
    polarity: str | None
    analysis_source: str = ANALYSIS_SOURCE


class UnitStatusOut(Out):
    """A unit's status on one goal: decided by the unit, else Glokal's suggestion."""

    unit: str
    name: str
    type: str
    kommungrupp: str | None
    county: str | None
    status: str
    decided: bool
    activities: int = Field(description="Published activities serving the goal.")
    source: str


class AssessmentOut(Out):
    """A published decision (basis "decision") or Glokal's stored suggestion ("suggestion")."""

    unit: str
    goal: int
    status: str
    basis: Literal["decision", "suggestion"]
    source: str = Field(description=f'"{DECISION_SOURCE}" or "{ANALYSIS_SOURCE}"')
    text: str = ""
    assessor: str = ""
    method_note: str = ""
    cutoff: str | None = None
    published_at: datetime | None = None
    method: str | None = None
    score: float | None = None
    kpis_used: int | None = None
    kpis_total: int | None = None
    reference_year: int | None = None
    computed_at: datetime | None = None


class GoalLinkOut(Out):
    goal: int
    primary: bool
    confirmed: bool = Field(description="False: a classifier's suggestion nobody confirmed.")
    origin: str


class TargetLinkOut(Out):
    target: str
    primary: bool
    confirmed: bool
    origin: str


class PartnerOut(Out):
    organisation: str
    country: str | None
    type: str


class FundingOut(Out):
    source: str
    amount_sek: float | None
    year: int | None


class ActivityOut(Out):
    id: int
    unit: str
    unit_name: str
    kind: str
    title: str
    description: str
    department: str
    start: date | None
    end: date | None
    status: str
    programme: str | None
    goals: list[GoalLinkOut]
    targets: list[TargetLinkOut]
    partners: list[PartnerOut]
    funding: list[FundingOut]
    results: str
    evaluated: bool | None
    lessons: str
    knowledge_transfer: str
    icld_phase: str | None
    icld_variant: str | None
    icld_round: str | None
    updated_at: datetime | None


class StepOut(Out):
    code: str
    title: str


class ProgrammeTargetOut(Out):
    code: str
    title: str
    measure: str
    goal_value: int
    achieved: int = Field(description="Units that meet the target now.")
    share: float
    units: list[str]


class MemberOut(Out):
    unit: str
    joined: date | None
    left: date | None
    intake: str
    steps_taken: list[str]


class EventOut(Out):
    kind: str
    title: str
    start: date
    end: date | None
    place: str
    units: list[str]


class ProgrammeOut(Out):
    id: str
    name: str
    description: str
    organiser: str
    start: date | None
    end: date | None
    source: str
    steps: list[StepOut]
    targets: list[ProgrammeTargetOut]
    members: list[MemberOut]
    events: list[EventOut]


class GoalsPage(Page[GoalOut]):
    pass


class TargetsPage(Page[TargetOut]):
    pass


class UnitsPage(Page[UnitOut]):
    pass


class KpisPage(Page[KpiOut]):
    pass


class ValuesPage(Page[ValueOut]):
    source: str = KOLADA_SOURCE


class FiguresPage(Page[FigureOut]):
    pass


class UnitStatusesPage(Page[UnitStatusOut]):
    pass


class AssessmentsPage(Page[AssessmentOut]):
    pass


class ActivitiesPage(Page[ActivityOut]):
    pass


class ProgrammesPage(Page[ProgrammeOut]):
    pass


class ResourceOut(Out):
    path: str = Field(description='With its parameters in braces: "/api/v1/goals/{number}".')
    method: str = Field(description='"GET" for reads; "PUT" or "POST" for writes.')
    summary: str
    tags: list[str]


class ApiIndexOut(Out):
    """What the API serves, read off its own OpenAPI document, and where that document is."""

    name: str
    version: str
    openapi: str = Field(description="The OpenAPI document: each path's parameters and shapes.")
    docs: str | None = Field(description="The same, browsable; null when not served.")
    resources: list[ResourceOut]
