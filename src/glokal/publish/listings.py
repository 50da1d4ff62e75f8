"""Listings of reference data for the terminal: a Rich table or JSON, in Swedish or English.

A listing is built once from typed records; the table and the JSON are two renderings of it.
JSON keeps every field in both languages so scripts do not depend on ``--lang``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rich.table import Table

from glokal.framework import Goal, Indicator, MillenniumGoal, Target
from glokal.i18n import N_ as _
from glokal.i18n import translator
from glokal.places import Kommungrupp, Place
from glokal.store.kolada import StoredKpi


@dataclass(frozen=True)
class Column:
    header: str  # an English message id, translated at render time
    cell: Callable[[Any, str], str]
    no_wrap: bool = False
    style: str | None = None


@dataclass(frozen=True)
class Listing:
    title: str
    columns: Sequence[Column]
    records: Sequence[Any]
    extra: Callable[[Any], dict[str, Any]] | None = None

    def to_json(self) -> str:
        rows = []
        for record in self.records:
            row = asdict(record)
            if self.extra is not None:
                row.update(self.extra(record))
            rows.append(row)
        return json.dumps(rows, ensure_ascii=False, indent=2)

    def to_table(self, lang: str) -> Table:
        gettext = translator(lang)
        table = Table(title=f"{gettext(self.title)} ({len(self.records)})", title_justify="left")
        for column in self.columns:
            table.add_column(gettext(column.header), no_wrap=column.no_wrap, style=column.style)
        for record in self.records:
            table.add_row(*(column.cell(record, lang) for column in self.columns))
        return table


def goals_listing(goals: Sequence[Goal]) -> Listing:
    return Listing(
        title=_("Global goals"),
        columns=[
            Column(_("Goal"), lambda g, _lang: str(g.number), no_wrap=True, style="bold"),
            Column(_("Name"), lambda g, lang: g.short(lang)),
            Column(_("Title"), lambda g, lang: g.title(lang)),
            Column(
                _("Colour"),
                lambda g, _lang: f"[on {g.colour}]  [/] {g.colour}",
                no_wrap=True,
            ),
        ],
        records=goals,
    )


def targets_listing(targets: Sequence[Target]) -> Listing:
    return Listing(
        title=_("Targets"),
        columns=[
            Column(_("Target"), lambda t, _lang: t.id, no_wrap=True, style="bold"),
            Column(_("Short title"), lambda t, lang: t.short(lang)),
            Column(_("Text"), lambda t, lang: t.text(lang)),
        ],
        records=targets,
    )


def indicators_listing(indicators: Sequence[Indicator]) -> Listing:
    return Listing(
        title=_("Indicators"),
        columns=[
            Column(_("Indicator"), lambda i, _lang: i.id, no_wrap=True, style="bold"),
            Column(_("Target"), lambda i, _lang: i.target, no_wrap=True),
            Column(_("Text"), lambda i, lang: i.text(lang)),
            Column(_("Same as"), lambda i, _lang: i.same_as or "", no_wrap=True),
        ],
        records=indicators,
    )


def mdgs_listing(mdgs: Sequence[MillenniumGoal]) -> Listing:
    return Listing(
        title=_("Millennium Development Goals (2000–2015)"),
        columns=[
            Column(_("Goal"), lambda m, _lang: str(m.number), no_wrap=True, style="bold"),
            Column(_("Title"), lambda m, lang: m.title(lang)),
        ],
        records=mdgs,
    )


def places_listing(places: Sequence[Place], kommungrupper: Sequence[Kommungrupp]) -> Listing:
    groups = {k.code: k for k in kommungrupper}

    def type_name(place: Place, lang: str) -> str:
        gettext = translator(lang)
        if place.is_riket:
            return gettext(_("country"))
        return gettext(_("kommun") if place.is_kommun else _("region"))

    def group_name(place: Place, lang: str) -> str:
        if place.kommungrupp is None:
            return ""
        return f"{place.kommungrupp} {groups[place.kommungrupp].name(lang)}"

    return Listing(
        title=_("Units"),
        columns=[
            Column(_("Id"), lambda p, _lang: p.id, no_wrap=True, style="bold"),
            Column(_("Name"), lambda p, _lang: p.name),
            Column(_("Type"), lambda p, lang: f"{p.type} {type_name(p, lang)}", no_wrap=True),
            Column(_("County"), lambda p, _lang: p.county or "", no_wrap=True),
            Column(_("Region"), lambda p, _lang: p.region or "", no_wrap=True),
            Column(_("Kommungrupp"), group_name),
        ],
        records=places,
        extra=lambda p: {
            "kommungrupp_name_sv": groups[p.kommungrupp].name_sv if p.kommungrupp else None,
            "kommungrupp_name_en": groups[p.kommungrupp].name_en if p.kommungrupp else None,
        },
    )


def kpis_listing(kpis: Sequence[StoredKpi]) -> Listing:
    def flags(kpi: StoredKpi, lang: str) -> str:
        gettext = translator(lang)
        notes = []
        if kpi.discontinued_after is not None:
            notes.append(gettext(_("discontinued after")) + f" {kpi.discontinued_after}")
        if kpi.missing:
            notes.append(gettext(_("no longer in Kolada")))
        return ", ".join(notes)

    return Listing(
        title=_("Kolada key figures"),
        columns=[
            Column(_("KPI"), lambda k, _lang: k.id, no_wrap=True, style="bold"),
            Column(_("Title"), lambda k, _lang: k.title),
            Column(_("Goals"), lambda k, _lang: ", ".join(map(str, k.goals)), no_wrap=True),
            Column(_("Type"), lambda k, _lang: k.municipality_type, no_wrap=True),
            Column(_("Better when"), _polarity_cell, no_wrap=True),
            Column(_("Note"), flags),
        ],
        records=kpis,
    )


def _polarity_cell(kpi: StoredKpi, lang: str) -> str:
    gettext = translator(lang)
    text = gettext(kpi.polarity)
    return text + " (" + gettext(_("your choice")) + ")" if kpi.polarity_by == "user" else text


# Polarity words, marked for translation.
_POLARITY_WORDS = (_("higher"), _("lower"), _("neither"), _("unknown"))
