"""The public pages' contexts: what each page shows, built from the store once, for the web
app's HTML and JSON twins, the static site and the reports alike.

Only what is published: decided statuses (else Glokal's suggestion, marked as such),
published activities and local goals, approved comments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from glokal.errors import InputError, NotFound
from glokal.framework import STATUS_STYLES, Goal, GoalStatus, Target
from glokal.i18n import N_, Message, translator
from glokal.places import RIKET_ID, Kommungrupp, Place
from glokal.publish.charts import Chart, SeriesLine, line_chart
from glokal.store import list_goals, list_kommungrupper, list_places, list_targets
from glokal.store.activities import Activity, ActivityQuery, find_activities
from glokal.store.agenda import LocalGoal, LocalIndicator, local_agenda
from glokal.store.comments import approved_comments
from glokal.store.public import (
    Change,
    GoalState,
    KeyFigure,
    activity_counts,
    goal_kpis,
    goal_states,
    key_figures,
    recent_changes,
    series,
    unit_key_figures,
)

# Never colour alone: each status has a symbol and a word too.
STATUS_SYMBOLS = {
    GoalStatus.GOD: "▲",
    GoalStatus.NEUTRAL: "■",
    GoalStatus.UTMANING: "▼",
    GoalStatus.BETYDANDE_UTMANING: "✖",
    GoalStatus.EJ_BEDOMD: "○",
}


def status_label(status: str, lang: str) -> str:
    """A status's word in ``lang`` from its stored value ("utmaning" → "challenge" in English)."""
    return translator(lang)(STATUS_STYLES[GoalStatus(status)].label)


@dataclass(frozen=True)
class StatusView:
    """A status as a page shows it: word, symbol, colour, and whether people decided it."""

    status: str
    label: str
    symbol: str
    colour: str
    decided: bool

    @classmethod
    def of(cls, state: GoalState | None, lang: str) -> StatusView:
        status = state.status if state is not None else GoalStatus.EJ_BEDOMD
        style = STATUS_STYLES[status]
        return cls(
            status=status.value, label=translator(lang)(style.label),
            symbol=STATUS_SYMBOLS[status], colour=style.colour,
            decided=state is not None and state.decided,
        )  # fmt: skip


_CATALOGUE = "glokal.catalogue"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_catalogue(session: Session, *_: Any) -> None:
    """A session that writes (or ends a transaction) reads the catalogue anew."""
    session.info.pop(_CATALOGUE, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_catalogue_on_a_statement(state: ORMExecuteState) -> None:
    if not state.is_select:  # an UPDATE, INSERT or DELETE statement, which flushes nothing
        state.session.info.pop(_CATALOGUE, None)


@dataclass(frozen=True)
class Catalogue:
    """The reference data every page needs, read once per request."""

    goals: dict[int, Goal]
    places: dict[str, Place]
    kommungrupper: dict[str, Kommungrupp]

    @classmethod
    def read(cls, session: Session) -> Catalogue:
        """Read once per session: the reference data do not change while a request (or the
        static export of a unit's pages) reads them, and each read built 700 objects."""
        kept = session.info.get(_CATALOGUE)
        if isinstance(kept, Catalogue):
            return kept
        catalogue = cls(
            goals={g.number: g for g in list_goals(session)},
            places={p.id: p for p in list_places(session)},
            kommungrupper={k.code: k for k in list_kommungrupper(session)},
        )
        session.info[_CATALOGUE] = catalogue
        return catalogue

    def unit(self, unit_id: str) -> Place:
        place = self.places.get(unit_id)
        if place is None:
            raise NotFound(N_("there is no unit {unit!r}"), unit=unit_id, where="unit")
        return place

    def goal(self, number: int) -> Goal:
        goal = self.goals.get(number)
        if goal is None:
            raise NotFound(
                N_("there is no goal {number}; goals are numbered 1–{count}"),
                number=number,
                count=len(self.goals),
                where="goal",
            )
        return goal


@dataclass(frozen=True)
class IndexPage:
    lang: str
    goals: list[Goal]
    regions: list[Place]
    kommuner: list[Place]
    riket: Place | None
    kommungrupper: dict[str, Kommungrupp]
    changes: list[Change]


@dataclass(frozen=True)
class GoalTile:
    goal: Goal
    status: StatusView
    priority: bool
    activities: int


@dataclass(frozen=True)
class UnitPage:
    lang: str
    unit: Place
    kommungrupp: Kommungrupp | None
    tiles: list[GoalTile]
    priority_goals: list[int]
    local_goals: list[LocalGoal]
    activities: list[Activity]  # the latest, published


@dataclass(frozen=True)
class FigureView:
    """A key figure row: Glokal's analysis, the raw values' chart, in the page's language."""

    figure: KeyFigure
    trend_label: str
    position_label: str
    position_kommungrupp_label: str
    chart: Chart | None


@dataclass(frozen=True)
class GoalPage:
    lang: str
    unit: Place
    kommungrupp: Kommungrupp | None
    goal: Goal
    targets: list[Target]
    state: GoalState | None
    status: StatusView
    status_sentence: str
    figures: list[FigureView]
    local_goals: list[LocalGoal]
    indicators: list[LocalIndicator]
    activities: list[Activity]
    priority: bool
    comments: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class GoalRow:
    unit: Place
    kommungrupp: Kommungrupp | None
    status: StatusView
    activities: int


@dataclass(frozen=True)
class GoalAcrossPage:
    lang: str
    goal: Goal
    rows: list[GoalRow]
    counts: dict[str, int]  # status → units
    filters: dict[str, str]
    kommungrupper: list[Kommungrupp]
    counties: list[str]
    statuses: list[tuple[str, str]] = field(default_factory=list)  # (value, word), best first


@dataclass(frozen=True)
class CompareColumn:
    unit: Place
    figures: dict[str, KeyFigure]
    statuses: dict[int, StatusView]


@dataclass(frozen=True)
class ComparePage:
    lang: str
    unit: Place
    basis: str  # "kommungrupp", "chosen"
    columns: list[CompareColumn]  # the unit first
    goals: list[Goal]
    kpis: list[tuple[int, str, str]]  # (goal, kpi, title)
    kommungrupp: Kommungrupp | None = None
    peers: int = 0  # the other units of the kommungrupp, all shown unless a site leaves some out


@dataclass(frozen=True)
class ActivitiesPage:
    lang: str
    query: dict[str, str]
    activities: list[Activity]
    goals: list[Goal]


def _kommungrupp(catalogue: Catalogue, unit: Place) -> Kommungrupp | None:
    return catalogue.kommungrupper.get(unit.kommungrupp) if unit.kommungrupp else None


def index_page(session: Session, lang: str) -> IndexPage:
    catalogue = Catalogue.read(session)
    places = list(catalogue.places.values())
    return IndexPage(
        lang=lang,
        goals=list(catalogue.goals.values()),
        regions=[p for p in places if p.type == "L" and not p.is_riket],
        kommuner=[p for p in places if p.is_kommun],
        riket=catalogue.places.get(RIKET_ID),
        kommungrupper=catalogue.kommungrupper,
        changes=recent_changes(session),
    )


def unit_page(session: Session, unit_id: str, lang: str) -> UnitPage:
    catalogue = Catalogue.read(session)
    unit = catalogue.unit(unit_id)
    states = {s.goal: s for s in goal_states(session, unit=unit_id)}
    agenda = local_agenda(session, unit_id, published_only=True)
    counts = activity_counts(session, unit_id)
    activities = find_activities(session, ActivityQuery(unit=[unit_id], published_only=True))
    latest = sorted(activities, key=lambda a: (a.start is not None, a.start), reverse=True)[:8]
    return UnitPage(
        lang=lang, unit=unit, kommungrupp=_kommungrupp(catalogue, unit),
        tiles=[
            GoalTile(goal, StatusView.of(states.get(n), lang), n in agenda.priority_goals,
                     counts.get((unit_id, n), 0))
            for n, goal in catalogue.goals.items()
        ],
        priority_goals=list(agenda.priority_goals), local_goals=list(agenda.goals),
        activities=latest,
    )  # fmt: skip


TREND_LABELS = {
    "förbättring": N_("improving"), "oförändrad": N_("unchanged"),
    "försämring": N_("deteriorating"), "data saknas": N_("no data"),
}  # fmt: skip
POSITION_LABELS = {
    "bästa kvartilen": N_("best quartile"), "mittersta hälften": N_("middle half"),
    "sämsta kvartilen": N_("worst quartile"),
}  # fmt: skip


NOT_ASSESSED_SENTENCE = N_("Goal {goal} has not been assessed for {name} yet.")


def status_sentence(unit: Place, goal: Goal, status: StatusView, lang: str) -> str:
    """The sentence Swedish goal pages end their summary with; for a goal not assessed, one
    that says so ("Mål 4 har ännu inte bedömts för Kristinehamn.")."""
    if status.status == GoalStatus.EJ_BEDOMD:
        return translator(lang)(NOT_ASSESSED_SENTENCE).format(goal=goal.number, name=unit.name)
    if lang == "en":
        sentence = (
            f"Overall, {unit.name}'s status in relation to Agenda 2030 and goal {goal.number} "
            f"can be assessed as {status.label}"
        )
    else:
        genitive = unit.name if unit.name.endswith(("s", "x", "z")) else f"{unit.name}s"
        sentence = (
            f"Sammantaget kan {genitive} status i förhållande till Agenda 2030 och mål "
            f"{goal.number} bedömas vara {status.label}"
        )
    return sentence + "."


def goal_page(session: Session, unit_id: str, number: int, lang: str) -> GoalPage:
    gettext = translator(lang)
    catalogue = Catalogue.read(session)
    unit = catalogue.unit(unit_id)
    goal = catalogue.goal(number)
    (state,) = goal_states(session, goal=number, unit=unit_id) or (None,)
    status = StatusView.of(state, lang)
    figures = key_figures(session, unit_id, number, unit.type)
    kpis = [f.kpi for f in figures]
    data = series(session, kpis, [unit_id, RIKET_ID])
    views = []
    for figure in figures:
        lines = [SeriesLine(unit.name, tuple(data.get((figure.kpi, unit_id), ())))]
        if unit_id != RIKET_ID:
            lines.append(SeriesLine("Riket", tuple(data.get((figure.kpi, RIKET_ID), ()))))
        views.append(
            FigureView(
                figure=figure,
                trend_label=gettext(TREND_LABELS[figure.trend]) if figure.trend else "",
                position_label=gettext(POSITION_LABELS[figure.position])
                if figure.position else "",
                position_kommungrupp_label=gettext(POSITION_LABELS[figure.position_kommungrupp])
                if figure.position_kommungrupp else "",
                chart=line_chart(figure.title, lines, lang),
            )
        )  # fmt: skip
    targets = list_targets(session, number)
    target_ids = {t.id for t in targets}
    agenda = local_agenda(session, unit_id, published_only=True)
    local = [g for g in agenda.goals if set(g.targets) & target_ids]
    local_codes = {g.code for g in local}
    activities = find_activities(
        session, ActivityQuery(unit=[unit_id], goal=number, published_only=True)
    )
    return GoalPage(
        lang=lang, unit=unit, kommungrupp=_kommungrupp(catalogue, unit), goal=goal,
        targets=targets, state=state, status=status,
        status_sentence=status_sentence(unit, goal, status, lang), figures=views,
        local_goals=local, indicators=[i for i in agenda.indicators if i.goal in local_codes],
        activities=activities, priority=number in agenda.priority_goals,
        comments=approved_comments(session, unit_id, number),
    )  # fmt: skip


def goal_across_page(
    session: Session, number: int, lang: str, filters: dict[str, str] | None = None
) -> GoalAcrossPage:
    """One goal across all units, filterable by kommungrupp, county, status and unit type."""
    chosen = {k: v for k, v in (filters or {}).items() if v}
    catalogue = Catalogue.read(session)
    goal = catalogue.goal(number)
    counties = sorted({p.county for p in catalogue.places.values() if p.county})
    # A filter value no unit has would give an empty table as if none matched: refuse it.
    known: dict[str, tuple[str, list[str]]] = {
        "type": (N_("a unit type"), sorted({p.type for p in catalogue.places.values()})),
        "kommungrupp": (N_("a municipality group"), sorted(catalogue.kommungrupper)),
        "county": (N_("a county"), counties),
        "status": (N_("a status"), [s.value for s in GoalStatus]),
        "sort": (N_("a sort order"), ["name", "status", "activities"]),
    }
    for name, (what, allowed) in known.items():
        if name in chosen and chosen[name] not in allowed:
            raise InputError(
                N_("{text!r} is not {what}; use one of: {allowed}"),
                text=chosen[name],
                what=Message(what),
                allowed=allowed,
                where=name,
            )
    states = {s.unit: s for s in goal_states(session, goal=number)}
    counts = activity_counts(session)
    rows = []
    for place in catalogue.places.values():
        if place.is_riket:
            continue
        view = StatusView.of(states.get(place.id), lang)
        if chosen.get("type") and place.type != chosen["type"]:
            continue
        if chosen.get("kommungrupp") and place.kommungrupp != chosen["kommungrupp"]:
            continue
        if chosen.get("county") and place.county != chosen["county"]:
            continue
        if chosen.get("status") and view.status != chosen["status"]:
            continue
        rows.append(GoalRow(place, _kommungrupp(catalogue, place), view,
                            counts.get((place.id, number), 0)))  # fmt: skip
    sort = chosen.get("sort", "name")
    order = [s.value for s in GoalStatus]
    if sort == "status":
        rows.sort(key=lambda r: (order.index(r.status.status), r.unit.name))
    elif sort == "activities":
        rows.sort(key=lambda r: (-r.activities, r.unit.name))
    else:
        rows.sort(key=lambda r: r.unit.name)
    tally: dict[str, int] = {}
    for row in rows:
        tally[row.status.status] = tally.get(row.status.status, 0) + 1
    return GoalAcrossPage(
        lang=lang, goal=goal, rows=rows, counts={s: tally[s] for s in order if s in tally},
        filters=chosen, kommungrupper=list(catalogue.kommungrupper.values()), counties=counties,
        statuses=[(s, status_label(s, lang)) for s in order],
    )  # fmt: skip


def compare_page(
    session: Session, unit_id: str, lang: str, others: Sequence[str] = ()
) -> ComparePage:
    """The unit beside chosen units, or beside every other unit of its kommungrupp."""
    catalogue = Catalogue.read(session)
    unit = catalogue.unit(unit_id)
    if others:
        chosen = [catalogue.unit(u) for u in others if u != unit_id]
        basis = "chosen"
    else:
        chosen = [
            p for p in catalogue.places.values()
            if p.kommungrupp and p.kommungrupp == unit.kommungrupp and p.id != unit_id
        ]  # fmt: skip
        basis = "kommungrupp"
    units = [unit, *chosen]
    states = {(s.unit, s.goal): s for s in goal_states(session)}
    figures_by_unit = unit_key_figures(session, [u.id for u in units])
    kpis = [
        (number, kpi, title)
        for number in catalogue.goals
        for kpi, title in goal_kpis(session, number, unit.type)
    ]
    columns = [
        CompareColumn(
            unit=place, figures=figures_by_unit[place.id],
            statuses={n: StatusView.of(states.get((place.id, n)), lang) for n in catalogue.goals},
        )
        for place in units
    ]  # fmt: skip
    return ComparePage(
        lang, unit, basis, columns, list(catalogue.goals.values()), kpis,
        kommungrupp=_kommungrupp(catalogue, unit),
        peers=len(chosen) if basis == "kommungrupp" else 0,
    )  # fmt: skip


def activities_page(
    session: Session, lang: str, query: ActivityQuery, shown: dict[str, str]
) -> ActivitiesPage:
    return ActivitiesPage(
        lang=lang, query=shown,
        activities=find_activities(session, query),
        goals=list_goals(session),
    )  # fmt: skip
